"""Download buttons for a graph view: PNG and SVG pictures (drawn by the browser from the cytoscape graph as it is
on screen, dragged nodes included) and CSV, GraphML and FollowTheMoney files (built on the server from the view).

Any page with a ``dash_cytoscape.Cytoscape`` can offer them:

    # in the page's layout, next to the graph (ids are derived from the graph's id):
    export_controls("graph", GraphView(title, subgraph.entities, subgraph.relationships))
    # once, where the page registers its callbacks:
    register_export_callbacks(app, "graph")

The view travels in a ``dcc.Store`` beside the buttons (per user, never a module global), so a download costs no
store call. The page's layout without arguments (Dash's validation layout) must include
``export_controls(graph_id)`` too, as it includes the graph.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import dash
import dash_cytoscape as cyto
from dash import Input, Output, State, ctx, dcc, html

from dashboard.exporters import ExportFormat, GraphView, export_file, file_stem, view_from_payload, view_to_payload

IMAGE_FORMATS = ("png", "svg")

BUTTONS: tuple[tuple[str, str, str], ...] = (
    ("png", "PNG", "A picture of the graph as it is arranged on screen"),
    ("svg", "SVG", "The same picture as a vector drawing, sharp at any size (for reports)"),
    (ExportFormat.CSV.value, "CSV", "A zip of two spreadsheets: nodes.csv (entities) and edges.csv (relationships)"),
    (ExportFormat.GRAPHML.value, "GraphML", "For yEd, Gephi or Cytoscape desktop"),
    (ExportFormat.FTM.value, "FtM", "FollowTheMoney entities, one JSON object a line (Aleph, OpenSanctions tools)"),
)


@dataclass(frozen=True)
class ExportIds:
    graph: str

    def button(self, fmt: str) -> str:
        return f"{self.graph}-export-{fmt}"

    @property
    def data(self) -> str:
        return f"{self.graph}-export-data"

    @property
    def download(self) -> str:
        return f"{self.graph}-export-download"


def export_controls(graph_id: str, view: GraphView | None = None) -> html.Div:
    """The download buttons for the graph with id ``graph_id``, holding ``view`` for the file exports."""
    ids = ExportIds(graph_id)
    buttons: list[Any] = [html.Span("Download", className="export-label")]
    for fmt, label, title in BUTTONS:
        buttons.append(
            html.Button(label, id=ids.button(fmt), n_clicks=0, title=title, className="export-button", type="button")
        )
    buttons += [
        dcc.Store(id=ids.data, data=view_to_payload(view) if view is not None else None),
        dcc.Download(id=ids.download),
    ]
    return html.Div(buttons, className="export-controls no-print", role="group", title="Download this view")


def image_request(fmt: str, payload: dict[str, Any] | None) -> dict[str, Any]:
    """Callback: a PNG/SVG button → the graph's ``generateImage`` (the browser draws and downloads the picture)."""
    if fmt not in IMAGE_FORMATS:
        raise dash.exceptions.PreventUpdate
    title = str((payload or {}).get("title") or "graph")
    options: dict[str, Any] = {"full": True, "bg": "#ffffff"}
    if fmt == "png":
        options["scale"] = 2  # sharp enough to print
    return {"type": fmt, "action": "download", "filename": file_stem(title), "options": options}


def download_data(fmt: str, payload: dict[str, Any] | None) -> dict[str, Any]:
    """Callback: a CSV/GraphML/FtM button → what ``dcc.Download`` sends (nothing when there is no view)."""
    try:
        view = view_from_payload(payload)
        file = export_file(view, fmt)
    except ValueError as exc:
        raise dash.exceptions.PreventUpdate from exc
    return {
        "content": base64.b64encode(file.content).decode("ascii"),
        "filename": file.filename,
        "type": file.mime,
        "base64": True,
    }


def _triggered_format(ids: ExportIds) -> str:
    triggered = ctx.triggered_id
    if not isinstance(triggered, str) or not triggered.startswith(ids.button("")):
        raise dash.exceptions.PreventUpdate
    return triggered[len(ids.button("")) :]


def register_export_callbacks(app: dash.Dash, graph_id: str) -> None:
    """The callbacks of ``export_controls(graph_id)``; call once per graph id and app."""
    # SVG pictures need cytoscape-svg, which dash-cytoscape ships in its "extra" bundle only. This picks that bundle
    # for the process (a choice of script, not state); it must run before the first page is served.
    cyto.load_extra_layouts()
    ids = ExportIds(graph_id)

    @app.callback(
        Output(graph_id, "generateImage"),
        [Input(ids.button(fmt), "n_clicks") for fmt in IMAGE_FORMATS],
        State(ids.data, "data"),
        prevent_initial_call=True,
    )
    def _image(*args: Any) -> dict[str, Any]:
        if not any(args[: len(IMAGE_FORMATS)]):
            raise dash.exceptions.PreventUpdate
        return image_request(_triggered_format(ids), args[-1])

    file_formats = [f.value for f in ExportFormat]

    @app.callback(
        Output(ids.download, "data"),
        [Input(ids.button(fmt), "n_clicks") for fmt in file_formats],
        State(ids.data, "data"),
        prevent_initial_call=True,
    )
    def _download(*args: Any) -> dict[str, Any]:
        if not any(args[: len(file_formats)]):
            raise dash.exceptions.PreventUpdate
        return download_data(_triggered_format(ids), args[-1])
