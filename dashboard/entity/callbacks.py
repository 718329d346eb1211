"""The entity page's callbacks: each parses its inputs, asks the store's read side (through
``dashboard.entity.actions``) when it must, converts with pure functions (``render``, ``elements``, ``state``) and
returns. The plain functions here are what the unit tests call; ``register_callbacks`` wires them.

Expanding a node or clicking an "N more" node costs one or two store calls; filters, layouts, hiding, pinning and
removing cost none (``render_view`` redraws from the working graph). Clicking a node reads its record (and counts
its connections); clicking an edge reads nothing. The browser-only parts (write the URL without reloading the page,
pass on double-clicks, clicks on "N more" nodes and the positions of dragged nodes) are clientside callbacks in
``dashboard/assets/entity.js``, namespace ``entity``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, html

from dashboard.components import error_message, guarded, notice
from dashboard.entity import actions, risk
from dashboard.entity.actions import HUB_CAP
from dashboard.entity.asserted import ASSERTED_STORE, ASSERTED_TYPE, asserted_panel
from dashboard.entity.elements import SHARED_TYPE, positions_from
from dashboard.entity.filters import filter_view
from dashboard.entity.groups import group_parent
from dashboard.entity.layout import (
    CONNECTIONS,
    connections_sentence,
    edge_panel,
    entity_panel,
    graph_class,
    group_panel,
    more_panel,
    risk_note,
    shared_panel,
)
from dashboard.entity.render import omitted_note, render_view
from dashboard.entity.timeline import brushed_range
from dashboard.entity.view_state import ViewState, from_controls, view_state_to_query
from dashboard.entity.view_values import AUTO_LAYOUT, parse_hops
from dashboard.entity.working_graph import GraphState, more_parent
from dashboard.export_controls import register_export_callbacks, working_view
from dashboard.pages.case_log import note_expansion
from graph import GraphReader, NodeKind, RelType, with_derived

ACTIONS = ("expand", "hide", "pin", "remove")

NAMESPACE = "entity"  # of the clientside functions in assets/entity.js


def show_details(
    store: GraphReader,
    prop_id: str,
    node_data: Mapping[str, Any] | None,
    edge_data: Mapping[str, Any] | None,
) -> Any:
    """Callback: a tapped node (its record is read, and its connections counted) or edge (no store call) → the
    details panel."""
    if prop_id.endswith("tapEdgeData") and edge_data:
        if str(edge_data.get("type")) == "more":
            raise dash.exceptions.PreventUpdate
        if str(edge_data.get("type")) == SHARED_TYPE:
            return shared_panel(edge_data)
        if str(edge_data.get("type")) == ASSERTED_TYPE:
            return asserted_panel(edge_data)
        return edge_panel(edge_data)
    if prop_id.endswith("tapNodeData") and node_data and node_data.get("id"):
        entity_id = str(node_data["id"])
        if more_parent(entity_id) is not None:
            return more_panel(node_data)
        if group_parent(entity_id) is not None:
            return group_panel(node_data)
        center_id = entity_id if node_data.get("center") else None
        raw_shown = node_data.get("in_view")
        shown = int(raw_shown) if isinstance(raw_shown, int | float) else None

        def panel() -> list[Any]:
            entity = with_derived(store, [store.get_entity(entity_id)])[0]
            total = store.count_links([entity_id]).get(entity_id, 0)
            return entity_panel(entity, center_id, connections_sentence(total, shown), total)

        return guarded(panel, back_to_search=False)
    raise dash.exceptions.PreventUpdate


def current_details(state_json: Mapping[str, Any] | None, node_data: Mapping[str, Any] | None) -> Any:
    """Callback: the working graph changed while an "N more" or a group node was shown in the panel → its panel
    with the count of now (or the hint, when the node is gone); entities' panels stay as they are."""
    node_id = str(node_data.get("id") or "") if node_data else ""
    parent = more_parent(node_id)
    if not state_json or (parent is None and group_parent(node_id) is None):
        raise dash.exceptions.PreventUpdate
    state = GraphState.from_json(state_json)
    if parent is not None:
        count = state.more().get(parent, 0)
        if count:
            return more_panel({**(node_data or {}), "count": count})
        return [html.P("All its connections are in the view now.", className="hint")]
    if node_id in state.opened:
        return [html.P("The group is open: its members are drawn one by one.", className="hint")]
    raise dash.exceptions.PreventUpdate


def current_connections(state_json: Mapping[str, Any] | None, ids: list[Mapping[str, Any]] | None) -> list[Any]:
    """Callback: the working graph changed while an entity's panel is shown → its "N connections in the graph, M in
    this view" with the M of now (an expansion, a removal… changed it); no store call (N is in the sentence's id)."""
    if not state_json:
        raise dash.exceptions.PreventUpdate
    state = GraphState.from_json(state_json)
    out = []
    for i in ids or ():
        entity = str(i.get("entity") or "")
        total = i.get("total")
        shown = len(state.neighbours(entity)) if entity in state.nodes else None
        out.append(connections_sentence(int(total) if isinstance(total, int | float) else None, shown))
    return out


# --- callbacks as plain functions ---------------------------------------------------------------------------------


def controls_view(
    hops: Any,
    layout_value: Any,
    kinds: list[str] | None,
    rels: list[str] | None,
    date_from: str | None,
    date_to: str | None,
    min_amount: Any,
    hide_datasets: list[str] | None,
    colour: Any = None,
    shared: Any = None,
    size: Any = None,
    page: Any = None,
) -> tuple[dict[str, Any], str]:
    """Callback: the controls → the view (stored) and its query string (written to the address bar, with the
    working graph's expansions and opened groups added by assets/entity.js)."""
    every_kind, every_rel = {k.value for k in NodeKind}, {t.value for t in RelType}
    view = from_controls(
        {
            "hops": hops,
            "layout": AUTO_LAYOUT if layout_value is None else layout_value,  # none chosen: the page chooses
            "kinds": None if kinds is None or set(kinds) >= every_kind else kinds,  # all ticked: no filter
            "rels": None if rels is None or set(rels) >= every_rel else rels,
            "date_from": date_from,
            "date_to": date_to,
            "min_amount": min_amount,
            "hide_datasets": hide_datasets,
            "colour": colour,
            "shared": shared,
            "size": size,
            "page": page,
        }
    )
    return view.to_json(), view_state_to_query(view, address=True)


def filter_shortcut(trigger: str | None, selected: Mapping[str, Any] | None) -> tuple[Any, ...]:
    """Callback: a brush on the timeline, "Any date" or "Reset filters" → the filter controls' values
    (kinds, relationships, from, to, minimum amount, hidden datasets)."""
    keep = dash.no_update
    if trigger == "timeline":
        brushed = brushed_range(selected)
        if brushed is None:
            raise dash.exceptions.PreventUpdate
        return keep, keep, brushed[0], brushed[1], keep, keep
    if trigger == "clear-dates":
        return keep, keep, None, None, keep, keep
    if trigger == "reset-filters":
        return [k.value for k in NodeKind], [t.value for t in RelType], None, None, None, []
    raise dash.exceptions.PreventUpdate


def _target(trigger: str | None, payload: Any, selected: Mapping[str, Any] | None) -> tuple[str, str | None]:
    """(action, node id) for whatever was clicked."""
    if trigger in ("graph-dbltap", "more-request"):
        node = str(payload.get("id")) if isinstance(payload, Mapping) and payload.get("id") else None
        return "expand", node
    if trigger == "graph":  # the right-click menu
        if not isinstance(payload, Mapping):
            return "", None
        return str(payload.get("menuItemId") or ""), str(payload.get("elementId") or "") or None
    if trigger == "group-request":
        node = str(payload.get("id")) if isinstance(payload, Mapping) and payload.get("id") else None
        return "open-group", node
    if trigger == "show-hidden":
        return "show-hidden", None
    if trigger and trigger.startswith("node-"):
        node = str(selected.get("id")) if selected and selected.get("id") else None
        return trigger[len("node-") :], node
    return "", None


def apply_action(
    store: GraphReader,
    trigger: str | None,
    payload: Any,
    selected: Mapping[str, Any] | None,
    state_json: Mapping[str, Any] | None,
    hops: Any = None,
    view_json: Mapping[str, Any] | None = None,
    positions: Any = None,
) -> tuple[dict[str, Any], Any]:
    """Callback: an action on the graph → the new working graph and a sentence about it.

    Triggers: a double-click or an "N more" click (``payload`` {'id': …}), a click on a group (``group-request``),
    the right-click menu (``payload`` the graph's contextMenuData; 'expand:<TYPE>:<out|in>' expands by one kind of
    relationship), the toolbar buttons (on the ``selected`` node), "Show hidden", or the hops. ``view_json``: the
    view, for how many connections an expansion brings; ``positions``: the browser's positions (a pin keeps its
    node's)."""
    if not state_json:
        raise dash.exceptions.PreventUpdate
    state = GraphState.from_json(state_json)
    size = ViewState.from_json(view_json).page if view_json else HUB_CAP
    if trigger == "hops":
        value, _ = parse_hops(hops)
        if value == state.hops:
            raise dash.exceptions.PreventUpdate
        try:
            loaded = actions.reload(store, state, value, size)
        except Exception as exc:
            return state.to_json(), notice(error_message(exc), "error")
        return loaded.state.to_json(), None
    action, node = _target(trigger, payload, selected)
    by_type = _by_type(action)
    if action not in (*ACTIONS, "show-hidden", "open-group") and by_type is None:
        raise dash.exceptions.PreventUpdate
    if action == "show-hidden":
        return actions.show_all(state).to_json(), None
    if not node:
        return state.to_json(), notice("Click a node first, then choose what to do with it.")
    group = group_parent(node)
    if group is not None:
        if action in ("open-group", "expand"):
            return actions.open_group(state, node).to_json(), notice("The group is open: its members are drawn.")
        return state.to_json(), notice("That is a group of entities; click it to open it.")
    if action == "open-group":
        raise dash.exceptions.PreventUpdate
    parent = more_parent(node)
    if parent is not None:
        if action != "expand":
            return state.to_json(), notice("That is a group of connections not shown yet; click it to show them.")
        node = parent
    if node not in state.nodes:
        return state.to_json(), notice("That entity is no longer in the view.")
    name = state.nodes[node].name
    if by_type is not None:
        try:
            result = actions.expand_by(store, state, node, by_type[0], by_type[1], size)
        except Exception as exc:
            return state.to_json(), notice(error_message(exc), "error")
        note_expansion(node, by_type[0].value, size)  # in the case's query log, if one is open (pages/case_log.py)
        return result.state.to_json(), notice(result.message)
    if action == "expand":
        try:
            result = actions.expand(store, state, node, size)
        except Exception as exc:
            return state.to_json(), notice(error_message(exc), "error")
        note_expansion(node, None, size)
        return result.state.to_json(), notice(result.message)
    if node == state.center and action in ("hide", "remove"):
        return state.to_json(), notice("The page's own entity stays in its view; open another entity's page instead.")
    if action == "hide":
        return actions.hide(state, node).to_json(), notice(f"{name} is hidden.")
    if action == "pin":
        new = actions.toggle_pin(state, node, positions_from(positions).get(node))
        pinned = node in new.pinned
        return new.to_json(), notice(f"{name} is {'pinned: layouts leave it where it is' if pinned else 'unpinned'}.")
    return actions.remove(state, node).to_json(), notice(f"{name} was removed from the view.")


def _by_type(action: str) -> tuple[RelType, bool] | None:
    """'expand:OWNS:out' → (OWNS, outgoing); None for any other action."""
    parts = action.split(":")
    if len(parts) != 3 or parts[0] != "expand" or parts[2] not in ("out", "in"):
        return None
    try:
        return RelType(parts[1]), parts[2] == "out"
    except ValueError:
        return None


def redraw(
    state_json: Mapping[str, Any] | None,
    view_json: Mapping[str, Any] | None,
    positions: Any,
    shared: Mapping[str, Any] | None = None,
    noted: Any = None,
    asserted: Any = None,
) -> tuple[Any, ...]:
    """Callback: the working graph, the view, the shared-infrastructure links, the ids a case holds notes on
    ('noted-ids', dashboard.entity.notes_panel) or the cases' asserted links ('asserted-links',
    dashboard.entity.asserted) changed → everything drawn from them."""
    if not state_json:
        raise dash.exceptions.PreventUpdate
    state, view = GraphState.from_json(state_json), ViewState.from_json(view_json)
    marked = [str(i) for i in noted] if isinstance(noted, list) else []
    links = [a for a in asserted if isinstance(a, Mapping)] if isinstance(asserted, list) else []
    # pinned entities where they were pinned (after a reload the browser has no positions yet)
    r = render_view(state, view, {**positions_from(positions), **state.pinned_at}, shared, marked, links)
    return (
        r.elements,
        r.layout,
        graph_class(r.layout),
        r.stylesheet,
        r.summary,
        r.filter_note,
        omitted_note(r.omitted),
        r.legend,
        r.figure,
        r.kind_options,
        r.rel_options,
        r.dataset_options,
        r.hidden_label,
        r.hidden_disabled,
    )


def risk_sentences(
    state_json: Mapping[str, Any] | None, view_json: Mapping[str, Any] | None, shared: Mapping[str, Any] | None
) -> list[Any]:
    """Callback: the sentences about exposure colouring and shared infrastructure for the view (no store call)."""
    if not state_json:
        raise dash.exceptions.PreventUpdate
    state, view = GraphState.from_json(state_json), ViewState.from_json(view_json)
    drawn = filter_view(state, view).nodes
    edges = len(risk.shared_elements(state, drawn, shared)) if view.shared else 0
    return list(risk_note(tuple(risk.risk_note(state, view, drawn, shared, edges))).children)


# --- callbacks: the wiring ----------------------------------------------------------------------------------------


def register_callbacks(app: dash.Dash, store: GraphReader) -> None:
    app.callback(
        Output("view-state", "data"),
        Output("view-query", "data"),
        Input("hops", "value"),
        Input("layout", "value"),
        Input("filter-kinds", "value"),
        Input("filter-rels", "value"),
        Input("filter-dates", "start_date"),
        Input("filter-dates", "end_date"),
        Input("filter-min-amount", "value"),
        Input("filter-datasets", "value"),
        Input("colour", "value"),
        Input("shared", "value"),
        Input("size-degree", "value"),
        Input("page-size", "value"),
        prevent_initial_call=True,
    )(controls_view)

    @app.callback(
        Output("filter-kinds", "value"),
        Output("filter-rels", "value"),
        Output("filter-dates", "start_date"),
        Output("filter-dates", "end_date"),
        Output("filter-min-amount", "value"),
        Output("filter-datasets", "value"),
        Input("clear-dates", "n_clicks"),
        Input("reset-filters", "n_clicks"),
        prevent_initial_call=True,
    )
    def _shortcuts(_clear: int | None, _reset: int | None) -> tuple[Any, ...]:
        return filter_shortcut(ctx.triggered_id if isinstance(ctx.triggered_id, str) else None, None)

    @app.callback(
        Output("filter-dates", "start_date", allow_duplicate=True),
        Output("filter-dates", "end_date", allow_duplicate=True),
        Input("timeline", "selectedData"),
        prevent_initial_call=True,
    )
    def _brush(selected: dict[str, Any] | None) -> tuple[Any, ...]:
        return filter_shortcut("timeline", selected)[2:4]

    @app.callback(
        Output("graph-state", "data"),
        Output("graph-message", "children"),
        Input("graph-dbltap", "data"),
        Input("more-request", "data"),
        Input("group-request", "data"),
        Input("graph", "contextMenuData"),
        Input("node-expand", "n_clicks"),
        Input("node-hide", "n_clicks"),
        Input("node-pin", "n_clicks"),
        Input("node-remove", "n_clicks"),
        Input("show-hidden", "n_clicks"),
        Input("hops", "value"),
        State("graph", "tapNodeData"),
        State("graph-state", "data"),
        State("view-state", "data"),
        State("graph-positions", "data"),
        prevent_initial_call=True,
    )
    def _action(
        dbltap: Any,
        more: Any,
        group: Any,
        menu: Any,
        *rest: Any,
    ) -> tuple[dict[str, Any], Any]:
        hops, selected, state_json, view_json, positions = rest[-5:]
        trigger = ctx.triggered_id if isinstance(ctx.triggered_id, str) else None
        payload = {"graph-dbltap": dbltap, "more-request": more, "group-request": group, "graph": menu}.get(
            trigger or ""
        )
        return apply_action(store, trigger, payload, selected, state_json, hops, view_json, positions)

    app.callback(
        Output("graph", "elements"),
        Output("graph", "layout"),
        Output("graph", "className"),
        Output("graph", "stylesheet"),
        Output("graph-summary", "children"),
        Output("filter-note", "children"),
        Output("omitted", "children"),
        Output("legend-box", "children"),
        Output("timeline-figure", "data"),
        Output("filter-kinds", "options"),
        Output("filter-rels", "options"),
        Output("filter-datasets", "options"),
        Output("show-hidden", "children"),
        Output("show-hidden", "disabled"),
        Input("graph-state", "data"),
        Input("view-state", "data"),
        State("graph-positions", "data"),
        Input("shared-cache", "data"),
        Input("noted-ids", "data"),
        Input(ASSERTED_STORE, "data"),
        prevent_initial_call=True,
    )(redraw)

    app.callback(
        Output("risk-note", "children"),
        Input("risk-trigger", "data"),
        State("graph-state", "data"),
        State("view-state", "data"),
        State("shared-cache", "data"),
        prevent_initial_call=True,
    )(lambda _trigger, state_json, view_json, shared: risk_sentences(state_json, view_json, shared))

    @app.callback(
        Output("shared-cache", "data"),
        Input("shared-trigger", "data"),
        State("graph-state", "data"),
        State("view-state", "data"),
        State("shared-cache", "data"),
        prevent_initial_call=True,
    )
    def _shared(_trigger: Any, state_json: Any, view_json: Any, cache: Any) -> Any:
        found = risk.update_shared(store, state_json, view_json, cache)
        if found is None:
            raise dash.exceptions.PreventUpdate
        return found

    register_export_callbacks(  # the view's files carry the asserted links drawn on it (working_view)
        app,
        "graph",
        lambda state_json, view_json, asserted: working_view(store, state_json, view_json, asserted),
        [State("graph-state", "data"), State("view-state", "data"), State(ASSERTED_STORE, "data")],
    )

    @app.callback(
        Output("details", "children"),
        Input("graph", "tapNodeData"),
        Input("graph", "tapEdgeData"),
        prevent_initial_call=True,
    )
    def _details(node_data: dict[str, Any] | None, edge_data: dict[str, Any] | None) -> Any:
        prop_id = ctx.triggered[0]["prop_id"] if ctx.triggered else ""
        return show_details(store, prop_id, node_data, edge_data)

    app.callback(
        Output("details", "children", allow_duplicate=True),
        Input("graph-state", "data"),
        State("graph", "tapNodeData"),
        prevent_initial_call=True,
    )(current_details)
    shown_panels = {"type": CONNECTIONS, "entity": ALL, "total": ALL}
    app.callback(
        Output(shown_panels, "children"),
        Input("graph-state", "data"),
        State(shown_panels, "id"),
        prevent_initial_call=True,
    )(current_connections)

    clientside: Callable[..., None] = app.clientside_callback

    def js(name: str) -> ClientsideFunction:
        return ClientsideFunction(namespace=NAMESPACE, function_name=name)

    clientside(
        js("bindEvents"), Output("graph-events", "data"), Input("graph", "elements"), State("graph-config", "data")
    )
    # the risk callbacks go to the server only when the view asks for exposure or shared infrastructure (or a
    # sentence has to be cleared), so a plain view does not send its working graph up once more per change
    clientside(
        js("sharedGate"), Output("shared-trigger", "data"), Input("graph-state", "data"), Input("view-state", "data")
    )
    clientside(
        js("riskGate"),
        Output("risk-trigger", "data"),
        Input("graph-state", "data"),
        Input("view-state", "data"),
        Input("shared-cache", "data"),
        State("risk-note", "children"),
    )
    clientside(
        js("syncUrl"),
        Output("url-sync", "data"),
        Input("view-query", "data"),
        Input("graph-state", "data"),
        State("graph-config", "data"),
        prevent_initial_call=True,
    )
    # undo/redo: the working graphs before and after each change, kept in the browser (never sent to the server)
    clientside(
        js("recordState"),
        Output("undo", "disabled"),
        Output("redo", "disabled"),
        Input("graph-state", "data"),
        State("graph-config", "data"),
    )
    clientside(
        js("undoRedo"),
        Output("graph-state", "data", allow_duplicate=True),
        Input("undo", "n_clicks"),
        Input("redo", "n_clicks"),
        prevent_initial_call=True,
    )
    clientside(
        js("selected"), Output("selected-node", "children"), Input("graph", "tapNodeData"), prevent_initial_call=True
    )
    clientside(
        js("openTimeline"),
        Output("timeline-slot", "children"),
        Input("graph-positions", "data"),
        State("timeline-figure", "data"),
        State("graph-config", "data"),
        prevent_initial_call=True,
    )
    clientside(
        js("timelineFigure"),
        Output("timeline", "figure"),
        Input("timeline-figure", "data"),
        prevent_initial_call=True,
    )
