"""The screening page, ``/screen``: upload a counterparty file (CSV or Excel), see each row's best hits in a table
sortable and filterable by label, open a hit's entity page, download the results as CSV.

The same screening as ``sanctions-graph screen`` (graph's read_counterparties, screen_frame): columns are found by
header (name, kind/type, country, birth date, identifier, wallet …); unusable rows are listed with their reason.
While the analyst works in a case, each upload is logged in its query log (with the file, for the replay).
"""

from __future__ import annotations

import base64
import io
from typing import Any

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html
from dash.dash_table.DataTable import DataTable

from dashboard.components import error_alert, error_message, page
from dashboard.formatting import entity_href
from dashboard.pages.case_log import note_query
from graph import (
    MATCH_THRESHOLD,
    POSSIBLE_THRESHOLD,
    UPLOAD_KEPT_CHARS,
    GraphReader,
    QueryKind,
    SanctionsGraphError,
    formula_safe,
    read_counterparties,
    screen_frame,
)

HITS_PER_ROW = 3
MAX_ROWS = 5000
LABELS = ("match", "possible match", "no match")
_LABEL_OPTIONS = [{"label": "Every label", "value": "all"}] + [{"label": x, "value": x} for x in LABELS]


def read_upload(contents: str, filename: str) -> pd.DataFrame:
    """The uploaded file (a data: URL, as dcc.Upload gives it) as a table of text cells."""
    _, _, data = contents.partition(",")
    try:
        raw = base64.b64decode(data)
    except ValueError as exc:
        raise SanctionsGraphError(f"{filename}: the upload could not be decoded") from exc
    return read_counterparties(io.BytesIO(raw), filename)


def display_records(results: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows for the table: each hit's name a link to its entity page."""
    records = [{str(k): v for k, v in r.items()} for r in results.to_dict(orient="records")]
    for record in records:
        for i in range(1, HITS_PER_ROW + 1):
            hit_id, name = record.get(f"hit_{i}_id"), record.get(f"hit_{i}_name")
            if isinstance(hit_id, str) and hit_id:
                text = str(name or hit_id).replace("[", "(").replace("]", ")")
                record[f"hit_{i}_name"] = f"[{text}]({entity_href(hit_id)})"
    return records


def screening_params(name: str, contents: str, rows: int) -> dict[str, Any]:
    """The upload as a case's query log keeps it: the file's name and rows, and the file itself (base64) when it is
    small enough to keep, so that the log can replay it."""
    _, _, data = contents.partition(",")
    params: dict[str, Any] = {"file": name, "columns": None, "hits": HITS_PER_ROW, "threshold": None, "rows": rows}
    if len(data) <= UPLOAD_KEPT_CHARS:
        params["upload"] = data
    else:
        params["uploaded"] = True
    return params


def screened_count(results: pd.DataFrame) -> tuple[int, list[str]]:
    """Rows with a hit and each one's best hit, as graph's runner counts a screening."""
    column: list[Any] = results["hit_1_id"].tolist() if "hit_1_id" in results.columns else []
    ids = [str(i) for i in column if isinstance(i, str) and i]
    return len(ids), ids


def _column(name: str) -> dict[str, Any]:
    column: dict[str, Any] = {"name": name.replace("_", " "), "id": name}
    if name.startswith("hit_") and name.endswith("_name"):
        column["presentation"] = "markdown"
    if name.endswith("_score"):
        column["type"] = "numeric"
    return column


def results_view(results: pd.DataFrame, rejects: pd.DataFrame, label: str) -> list[Any]:
    """The summary, the results table (filtered to ``label`` unless 'all') and the unusable rows."""
    shown = results if label == "all" or results.empty else results[results["label"] == label]
    counts = results["label"].value_counts().to_dict() if not results.empty else {}
    summary = (
        f"Screened {len(results):,} row(s): {counts.get('match', 0):,} match(es), "
        f"{counts.get('possible match', 0):,} possible match(es), {len(rejects):,} unusable row(s)."
    )
    hidden = [c for c in results.columns if c.endswith("_id") and c.startswith("hit_")]
    columns: Any = [_column(str(c)) for c in results.columns if c not in hidden]  # DataTable's types are too narrow
    data: Any = display_records(shown)
    children: list[Any] = [
        html.P(summary, className="summary", id="screen-summary"),
        DataTable(
            id="screen-table",
            columns=columns,
            data=data,
            sort_action="native",
            filter_action="native",
            page_size=25,
            markdown_options={"link_target": "_self"},
            style_table={"overflowX": "auto"},
            style_cell={"textAlign": "left", "whiteSpace": "normal", "maxWidth": "28rem", "fontSize": "0.85rem"},
            style_data_conditional=[
                {"if": {"filter_query": '{label} = "match"'}, "backgroundColor": "#fdecea"},
                {"if": {"filter_query": '{label} = "possible match"'}, "backgroundColor": "#fff8e1"},
            ],
        ),
    ]
    if not rejects.empty:
        children += [
            html.H3("Rows that could not be screened"),
            html.Ul([html.Li(f"line {r.line}: {r.reason}") for r in rejects.itertuples()], id="screen-rejects"),
        ]
    return children


def layout(**_: Any) -> html.Div:
    return page(
        "screen",
        "Screen a counterparty file",
        f"A CSV or Excel file with a header row: name, kind/type, country, birth date, identifier, wallet… "
        f"Labels: 'match' from a score of {MATCH_THRESHOLD}, 'possible match' from {POSSIBLE_THRESHOLD}.",
        [
            dcc.Upload(
                html.Div(["Drop a file here or ", html.A("choose one")]),
                id="screen-upload",
                multiple=False,
                accept=".csv,.xlsx,.xls",
                className="screen-upload",
                style={
                    "border": "2px dashed #8a8a8a",
                    "borderRadius": "6px",
                    "padding": "1.2rem",
                    "textAlign": "center",
                },
            ),
            html.Div(
                [
                    html.Label("Show", htmlFor="screen-label", className="field"),
                    dcc.Dropdown(
                        id="screen-label", options=_LABEL_OPTIONS, value="all", clearable=False, searchable=False
                    ),
                    html.Button("Download results (CSV)", id="screen-download-button", n_clicks=0, className="button"),
                ],
                className="screen-controls",
            ),
            dcc.Loading(html.Div(id="screen-results"), type="circle"),
            dcc.Store(id="screen-data"),
            dcc.Download(id="screen-download"),
        ],
    )


def register_callbacks(app: dash.Dash, store: GraphReader) -> None:
    @app.callback(
        Output("screen-data", "data"),
        Input("screen-upload", "contents"),
        State("screen-upload", "filename"),
        prevent_initial_call=True,
    )
    def _screen(contents: str | None, filename: str | None) -> dict[str, Any]:
        if not contents:
            return {"error": "No file was uploaded."}
        name = filename or "upload.csv"
        try:
            frame = read_upload(contents, name)
            if len(frame) > MAX_ROWS:
                raise SanctionsGraphError(
                    f"{name} has {len(frame):,} rows; the page screens up to {MAX_ROWS:,} "
                    "(use `sanctions-graph screen` for more)."
                )
            results, rejects = screen_frame(frame, store, limit=HITS_PER_ROW)
        except Exception as exc:
            return {"error": error_message(exc)}
        note_query(QueryKind.SCREEN, screening_params(name, contents, len(frame)), screened_count(results))
        return {
            "file": name,
            "results": results.to_dict(orient="records"),
            "columns": [str(c) for c in results.columns],
            "rejects": rejects.to_dict(orient="records"),
        }

    @app.callback(
        Output("screen-results", "children"),
        Input("screen-data", "data"),
        Input("screen-label", "value"),
        prevent_initial_call=True,
    )
    def _show(data: dict[str, Any] | None, label: str) -> Any:
        if not data:
            return []
        if data.get("error"):
            return error_alert(str(data["error"]), False)
        results = pd.DataFrame.from_records(data["results"], columns=data["columns"])
        rejects = pd.DataFrame.from_records(data["rejects"], columns=["line", "row_id", "name", "reason"])
        return results_view(results, rejects, label or "all")

    @app.callback(
        Output("screen-download", "data"),
        Input("screen-download-button", "n_clicks"),
        State("screen-data", "data"),
        prevent_initial_call=True,
    )
    def _download(_clicks: int, data: dict[str, Any] | None) -> Any:
        if not data or data.get("error"):
            return dash.no_update
        results = pd.DataFrame.from_records(data["results"], columns=data["columns"])
        stem = str(data.get("file") or "counterparties").rsplit(".", 1)[0]
        content = results.map(formula_safe).to_csv(index=False)
        return {"content": content, "filename": f"{stem}.screened.csv", "type": "text/csv"}
