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

A page whose view changes in the browser (the entity page: expanded, filtered, hidden…) builds it when a button is
pressed instead: ``register_export_callbacks(app, "graph", build_view, [State("graph-state", "data"), …])`` calls
``build_view`` with those states' values (``working_view`` does it for the entity page: one store call, for the
entities' full records).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import dash
import dash_cytoscape as cyto
from dash import Input, Output, State, ctx, dcc, html

from dashboard.entity.filters import filter_view
from dashboard.entity.view_state import ViewState
from dashboard.entity.working_graph import GraphState
from dashboard.exporters import (
    ExportFormat,
    GraphView,
    asserted_from,
    export_file,
    view_from_payload,
    view_to_payload,
)
from graph import GraphReader, Relationship, RelType, file_stem, with_listings, without_internal

log = logging.getLogger(__name__)

#: Builds the view to export from the values of the states a page registered (see ``register_export_callbacks``).
ViewBuilder = Callable[..., GraphView]

IMAGE_FORMATS = ("png", "svg")

BUTTONS: tuple[tuple[str, str, str], ...] = (
    ("png", "PNG", "A picture of the graph as it is arranged on screen"),
    ("svg", "SVG", "The same picture as a vector drawing, sharp at any size (for reports)"),
    (ExportFormat.CSV.value, "CSV", "A zip of two spreadsheets: nodes.csv (entities) and edges.csv (relationships)"),
    (ExportFormat.GRAPHML.value, "GraphML", "For yEd, Gephi or Cytoscape desktop"),
    (ExportFormat.FTM.value, "FtM", "FollowTheMoney entities, one JSON object a line (Aleph, OpenSanctions tools)"),
)


def export_id(graph_id: str, part: str) -> str:
    """The id of a part of one graph's export controls: a format's button ("png", "csv"…), "data" (the view they
    export) or "download"."""
    return f"{graph_id}-export-{part}"


def export_controls(graph_id: str, view: GraphView | None = None) -> html.Div:
    """The download buttons for the graph with id ``graph_id``, holding ``view`` for the file exports."""
    buttons: list[Any] = [html.Span("Download", className="export-label")]
    for fmt, label, title in BUTTONS:
        buttons.append(
            html.Button(
                label, id=export_id(graph_id, fmt), n_clicks=0, title=title, className="export-button", type="button"
            )
        )
    buttons += [
        dcc.Store(id=export_id(graph_id, "data"), data=view_to_payload(view) if view is not None else None),
        dcc.Download(id=export_id(graph_id, "download")),
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
    except ValueError as exc:
        raise dash.exceptions.PreventUpdate from exc
    return download_view(fmt, view)


def download_view(fmt: str, view: GraphView) -> dict[str, Any]:
    """What ``dcc.Download`` sends for ``view`` as ``fmt`` (csv, graphml, ftm)."""
    try:
        file = export_file(view, fmt)
    except ValueError as exc:
        raise dash.exceptions.PreventUpdate from exc
    return {
        "content": base64.b64encode(file.content).decode("ascii"),
        "filename": file.filename,
        "type": file.mime,
        "base64": True,
    }


def working_view(
    store: GraphReader,
    state_json: Mapping[str, Any] | None,
    view_json: Mapping[str, Any] | None,
    asserted: Any = None,
) -> GraphView:
    """The entity page's current view — what its filters, hides and removals leave drawn, "N more" nodes aside —
    with each entity's full record (one store call), the relationships as loaded and the analyst-asserted links
    between its entities (``asserted``: the page's 'asserted-links' store, as the canvas draws them). Raises
    ValueError when the page has no graph."""
    if not state_json:
        raise ValueError("there is no view to export")
    state = GraphState.from_json(state_json)
    shown = filter_view(state, ViewState.from_json(view_json))
    # a listed wallet carries the record that lists it (graph.with_listings: a call more only when wallets are in)
    by_id = {e.id: e for e in with_listings(store, store.get_entities(shown.nodes))} if shown.nodes else {}
    entities = tuple(without_internal(by_id[i]) for i in shown.nodes if i in by_id)
    relationships = []
    for edge_id in shown.edges:
        edge = state.edges[edge_id]
        try:
            rel_type = RelType(edge.type)
        except ValueError:
            continue
        relationships.append(Relationship(edge.id, rel_type, edge.source, edge.target, dict(edge.props)))
    center = state.nodes.get(state.center)
    title = f"{center.name if center else state.center} graph"
    return GraphView(title, entities, tuple(relationships), asserted_from(asserted))


def _triggered_format(graph_id: str) -> str:
    triggered, prefix = ctx.triggered_id, export_id(graph_id, "")
    if not isinstance(triggered, str) or not triggered.startswith(prefix):
        raise dash.exceptions.PreventUpdate
    return triggered[len(prefix) :]


def register_export_callbacks(
    app: dash.Dash, graph_id: str, build_view: ViewBuilder | None = None, states: Sequence[State] = ()
) -> None:
    """The callbacks of ``export_controls(graph_id)``; call once per graph id and app.

    With ``build_view``, the files are built from what it returns for the values of ``states`` (read when a button
    is pressed) rather than from the view held beside the buttons."""
    # SVG pictures need cytoscape-svg, which dash-cytoscape ships in its "extra" bundle only. This picks that bundle
    # for the process (a choice of script, not state); it must run before the first page is served.
    cyto.load_extra_layouts()

    @app.callback(
        Output(graph_id, "generateImage"),
        [Input(export_id(graph_id, fmt), "n_clicks") for fmt in IMAGE_FORMATS],
        State(export_id(graph_id, "data"), "data"),
        prevent_initial_call=True,
    )
    def _image(*args: Any) -> dict[str, Any]:
        if not any(args[: len(IMAGE_FORMATS)]):
            raise dash.exceptions.PreventUpdate
        return image_request(_triggered_format(graph_id), args[-1])

    file_formats = [f.value for f in ExportFormat]

    @app.callback(
        Output(export_id(graph_id, "download"), "data"),
        [Input(export_id(graph_id, fmt), "n_clicks") for fmt in file_formats],
        State(export_id(graph_id, "data"), "data"),
        *states,
        prevent_initial_call=True,
    )
    def _download(*args: Any) -> dict[str, Any]:
        count = len(file_formats)
        if not any(args[:count]):
            raise dash.exceptions.PreventUpdate
        fmt = _triggered_format(graph_id)
        if build_view is None:
            return download_data(fmt, args[count])
        try:
            view = build_view(*args[count + 1 :])
        except ValueError as exc:
            raise dash.exceptions.PreventUpdate from exc
        except Exception as exc:  # a store failure: nothing to download; the log keeps the reason
            log.warning("export of %s failed: %s", graph_id, exc)
            raise dash.exceptions.PreventUpdate from exc
        return download_view(fmt, view)
