"""The entity page, ``/entity/<id>?hops=2&layout=force&kinds=…``: a graph the analyst can work.

The URL holds the entity, hops, filters and layout (``dashboard.viewstate``), so copying it reproduces the view;
what the analyst did to the graph (expanded, paged, hid, pinned, removed) lives in ``dcc.Store``s of the page, per
browser tab. Rendering the page costs one store call (the neighbourhood); expanding a node or clicking an "N more"
node costs one or two; filters, layouts, hiding, pinning and removing cost none (``dashboard.view`` redraws from the
working graph). Clicking a node reads its record (and counts its connections); clicking an edge reads nothing.

Callbacks are thin: each turns Dash inputs into a call of a pure function of this module or of ``explorer``,
``view``, ``timeline`` and ``viewstate``, which the unit tests call directly. A few lines of JavaScript (clientside
callbacks) do what only the browser can: write the URL without reloading the page, and pass on double-clicks,
clicks on "N more" nodes and the positions of dragged nodes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote, unquote, urlencode

import dash
import dash_cytoscape as cyto
from dash import Input, Output, State, ctx, dcc, html

from dashboard import context, explorer, risk
from dashboard.components import (
    badges,
    detail_list,
    error_alert,
    error_message,
    guarded,
    legend,
    notice,
    page_css,
    sources_section,
)
from dashboard.elements import (
    SHARED_TYPE,
    designation_rows,
    entity_details,
    entity_href,
    kind_caption,
    rel_caption,
    relationship_details,
    risk_badges,
    shared_details,
    source_rows,
)
from dashboard.explorer import HUB_CAP, MAX_VIEW_NODES, GraphState, more_parent
from dashboard.export_controls import export_controls, register_export_callbacks, working_view
from dashboard.exporters import GraphView
from dashboard.layouts import BIG_VIEW
from dashboard.styles import legend_items, risk_legend_items, stylesheet
from dashboard.timeline import CONFIG as TIMELINE_CONFIG
from dashboard.timeline import HEIGHT as TIMELINE_HEIGHT
from dashboard.timeline import brushed_range, figure
from dashboard.view import ComposedView, compose, filter_view, positions_from
from dashboard.viewstate import (
    COLOUR_CAPTIONS,
    DEFAULT_HOPS,
    LAYOUT_CAPTIONS,
    ColourBy,
    Layout,
    ViewState,
    date_end,
    date_start,
    from_controls,
    parse_hops,
    parse_view_state,
    view_state_to_query,
)
from graph.model import Entity
from graph.stores.base import MAX_HOPS, GraphReader
from graph.vocabulary import KIND_CAPTIONS, NodeKind, RelType

__all__ = ["DEFAULT_HOPS", "parse_hops"]

DETAILS_HINT = "Click a node or a link to see its details and sources here. Double-click a node to expand it."

CSS = """
.entity-links { display: flex; gap: 1rem; font-size: .9rem; margin-bottom: .4rem; }
.view-controls { display: flex; flex-wrap: wrap; gap: .4rem 1.6rem; align-items: center; margin: .3rem 0; }
.view-controls label.field { font-weight: 600; color: #374151; margin-right: .5rem; }
.view-controls .radio label { margin-right: .9rem; cursor: pointer; }
details.filters { background: #fff; border: 1px solid #d1d5db; border-radius: 4px; padding: .4rem .9rem;
       margin: .4rem 0; }
details.filters summary { cursor: pointer; font-weight: 600; }
.filter-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: .5rem 1.4rem;
       margin-top: .4rem; }
.filter-grid .wide { grid-column: 1 / -1; }
.filter-grid h4 { margin: .2rem 0; font-size: .85rem; color: #374151; }
.filter-grid .checks label { display: inline-block; margin: 0 .9rem .15rem 0; cursor: pointer; font-size: .9rem; }
.filter-grid input[type=date], .filter-grid input[type=number] { padding: .2rem .4rem; border: 1px solid #9ca3af;
       border-radius: 4px; }
.filter-actions { display: flex; gap: .6rem; align-items: center; }
.button-light { padding: .25rem .7rem; border-radius: 4px; border: 1px solid #9ca3af; background: #fff;
       cursor: pointer; font-size: .88rem; }
.button-light:hover { background: #eef1f5; }
.node-toolbar { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; padding: .35rem .6rem;
       border-bottom: 1px solid #e5e7eb; }
.node-toolbar .selected { font-weight: 600; margin-right: .6rem; overflow: hidden; text-overflow: ellipsis;
       white-space: nowrap; max-width: 32rem; }
.notice { margin: .3rem .6rem; font-size: .92rem; }
.notice-info { color: #1f4b99; }
.notice-error { color: #8a1c1c; font-weight: 600; }
.timeline-box { border-top: 1px solid #e5e7eb; padding: .3rem .6rem .2rem; }
.timeline-box h3 { margin: .1rem 0; font-size: .95rem; }
.timeline-head { display: flex; gap: 1rem; align-items: center; }
.timeline-box .hint { margin: .1rem 0; }
.sources h3 { margin: .8rem 0 .3rem; font-size: 1rem; }
.sources-table { border-collapse: collapse; width: 100%; font-size: .85rem; }
.sources-table th, .sources-table td { text-align: left; padding: .25rem .35rem; border-bottom: 1px solid #e5e7eb;
       vertical-align: top; }
.sources-table code { font-size: .78rem; color: #4b5563; }
.designations { margin: 0; padding-left: 1.1rem; font-size: .88rem; }
.connections { color: #374151; font-size: .9rem; }
.legend-note { margin: .5rem 0 0; }
"""

#: Right-click menu on nodes; a choice arrives as the graph's ``contextMenuData``.
CONTEXT_MENU: list[dict[str, Any]] = [
    {"id": "expand", "label": "Expand: show connections", "availableOn": ["node"]},
    {"id": "pin", "label": "Pin / unpin", "availableOn": ["node"]},
    {"id": "hide", "label": "Hide", "availableOn": ["node"]},
    {"id": "remove", "label": "Remove from view", "availableOn": ["node"]},
]

ACTIONS = ("expand", "hide", "pin", "remove")

# fcose, dagre and cose-bilkent: dash-cytoscape's bigger bundle, served by the app like the small one (no CDN).
cyto.load_extra_layouts()


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


# --- sentences --------------------------------------------------------------------------------------------------


def graph_summary(composed: ComposedView, hops: int, name: str, filtered: bool) -> str:
    others = composed.node_count - 1
    if others <= 0:
        if filtered:
            return f"No entity connected to {name} passes the filters."
        return f"{name} has no recorded relationships."
    return (
        f"Showing {_plural(others, 'connected entity', 'connected entities')} and "
        f"{_plural(composed.edge_count, 'relationship', 'relationships')} "
        f"within {_plural(hops, 'hop', 'hops')} of {name}."
    )


def omitted_sentence(omitted: int) -> str | None:
    """What the first load left out because the view was full ("too many results")."""
    if omitted <= 0:
        return None
    if omitted == 1:
        return "1 more connected entity is not shown."
    return f"{omitted:,} more connected entities are not shown."


def omitted_note(sentence: str | None) -> list[Any] | None:
    """The "too many results" note under the summary: what was left out, and what to do about it."""
    if not sentence:
        return None
    hint = (
        f" The view holds at most {MAX_VIEW_NODES:,} entities: choose fewer hops, or open the page of an entity"
        " nearer to what you are looking for."
    )
    return [sentence, html.Span(hint, className="hint")]


def filter_sentence(composed: ComposedView, view: ViewState) -> str | None:
    parts = []
    f = composed.filtered
    if view.filtered and (f.cut or f.edges_out):
        parts.append(
            f"The filters leave out {_plural(len(f.cut), 'entity', 'entities')} and "
            f"{_plural(f.edges_out, 'relationship', 'relationships')}."
        )
    if f.hidden:
        parts.append(f"{_plural(f.hidden, 'entity is', 'entities are')} hidden (“Show hidden” brings them back).")
    if composed.not_loaded:
        parts.append(
            f"{_plural(composed.not_loaded, 'connection is', 'connections are')} not drawn yet: "
            "click an “N more” node to show them."
        )
    return " ".join(parts) or None


# --- the drawing: one pure function for the first render and for every callback ---------------------------------


@dataclass(frozen=True)
class Rendered:
    """Everything the page shows that depends on the working graph and the view."""

    elements: list[dict[str, Any]]
    layout: dict[str, Any]
    stylesheet: list[dict[str, Any]]
    summary: str
    filter_note: str | None
    omitted: str | None
    legend: html.Div
    figure: dict[str, Any]
    kind_options: list[dict[str, Any]]
    rel_options: list[dict[str, Any]]
    dataset_options: list[dict[str, Any]]
    hidden_label: str
    hidden_disabled: bool
    composed: ComposedView
    risk_note: tuple[str, ...] = ()


def kind_options(state: GraphState) -> list[dict[str, Any]]:
    counts = explorer.kinds_in(state)
    return [
        {"label": f"{KIND_CAPTIONS.get(k, k.value)} ({counts.get(k.value, 0)})", "value": k.value} for k in NodeKind
    ]


def rel_options(state: GraphState) -> list[dict[str, Any]]:
    counts = explorer.rels_in(state)
    return [{"label": f"{rel_caption(t)} ({counts.get(t.value, 0)})", "value": t.value} for t in RelType]


def dataset_options(state: GraphState, view: ViewState) -> list[dict[str, Any]]:
    counts = explorer.datasets_in(state)
    names = sorted(set(counts) | set(view.hide_datasets))
    return [{"label": f"{d} ({_plural(counts.get(d, 0), 'link', 'links')})", "value": d} for d in names]


def render_view(
    state: GraphState,
    view: ViewState,
    positions: Mapping[str, tuple[float, float]],
    shared: Mapping[str, Any] | None = None,
) -> Rendered:
    """The graph, its sentences, legend, timeline and filter choices for ``state`` seen through ``view``
    (``shared``: the page's shared-infrastructure links, drawn when the view asks for them)."""
    composed = compose(state, view, positions)
    drawn = composed.filtered.nodes
    shared_edges = risk.shared_elements(state, drawn, shared) if view.shared else []
    present = set(composed.present) | ({SHARED_TYPE} if shared_edges else set())
    center = state.nodes.get(state.center)
    name = center.name if center else state.center
    hidden = composed.filtered.hidden
    # with one hop, whatever the first load left out hangs behind the centre's "N more" node already
    not_shown = state.omitted if state.hops > 1 else 0
    return Rendered(
        elements=composed.elements + shared_edges,
        layout=composed.layout,
        stylesheet=stylesheet(big=composed.big, colour=view.colour.value),
        summary=graph_summary(composed, state.hops, name, view.filtered),
        filter_note=filter_sentence(composed, view),
        omitted=omitted_sentence(not_shown),
        legend=legend(risk_legend_items(view.colour.value, view.shared), present),
        figure=figure(composed.timeline, view.date_from, view.date_to),
        kind_options=kind_options(state),
        rel_options=rel_options(state),
        dataset_options=dataset_options(state, view),
        hidden_label=f"Show hidden ({hidden})" if hidden else "Show hidden",
        hidden_disabled=hidden == 0,
        composed=composed,
        risk_note=tuple(risk.risk_note(state, view, drawn, shared, len(shared_edges))),
    )


# --- panels -------------------------------------------------------------------------------------------------------


def connections_sentence(total: int | None, shown: int | None) -> str | None:
    """'12 connections in the graph, 3 in this view. Double-click…' (``shown``: neighbours loaded in the view)."""
    if total is None:
        return None
    text = f"{_plural(total, 'connection', 'connections')} in the graph"
    if shown is not None:
        text += f", {shown:,} in this view"
        if total > shown:
            text += ". Double-click the node (or press Expand) to show more"
    return text + "."


def entity_panel(entity: Entity, center_id: str | None, connections: str | None = None) -> list[Any]:
    """The details panel for an entity: who it is, then which sources say so."""
    marks = [html.Span(text, className=f"badge {cls}", title=tip) for text, cls, tip in risk_badges(entity)]
    children: list[Any] = [
        html.H2([entity.name, " ", *badges(entity.sanctioned, bool(entity.properties.get("front"))), *marks]),
    ]
    if entity.id != center_id:
        children.append(
            html.P(dcc.Link("Open this entity's page →", href=entity_href(entity.id)), className="open-entity")
        )
    if connections:
        children.append(html.P(connections, className="connections"))
    children.append(detail_list(entity_details(entity, with_sources=False)))
    children.append(sources_section(source_rows(entity.properties), designation_rows(entity)))
    return children


def edge_panel(edge_data: Mapping[str, Any]) -> list[Any]:
    """The details panel for a relationship, from the edge's own data (no store call)."""
    return [
        html.H2(f"Relationship: {rel_caption(str(edge_data.get('type') or ''))}"),
        detail_list(relationship_details(edge_data, with_sources=False)),
        sources_section(source_rows(edge_data.get("props") or {})),
    ]


def shared_panel(edge_data: Mapping[str, Any]) -> list[Any]:
    """The details panel for a shared-infrastructure line (no store call)."""
    return [html.H2("Shared infrastructure"), detail_list(shared_details(edge_data))]


def more_panel(node_data: Mapping[str, Any]) -> list[Any]:
    count = int(node_data.get("count") or 0)
    return [
        html.H2(f"{count:,} more connections"),
        html.P(
            f"{node_data.get('name') or ''}. Click the node to show the next {HUB_CAP} of them.",
            className="hint",
        ),
    ]


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
        return edge_panel(edge_data)
    if prop_id.endswith("tapNodeData") and node_data and node_data.get("id"):
        entity_id = str(node_data["id"])
        if more_parent(entity_id) is not None:
            return more_panel(node_data)
        center_id = entity_id if node_data.get("center") else None
        raw_shown = node_data.get("in_view")
        shown = int(raw_shown) if isinstance(raw_shown, int | float) else None

        def panel() -> list[Any]:
            entity = store.get_entity(entity_id)
            total = store.count_links([entity_id]).get(entity_id, 0)
            return entity_panel(entity, center_id, connections_sentence(total, shown))

        return guarded(panel, back_to_search=False)
    raise dash.exceptions.PreventUpdate


# --- controls -----------------------------------------------------------------------------------------------------


def _radio(component_id: str, options: list[dict[str, Any]], value: Any) -> dcc.RadioItems:
    return dcc.RadioItems(id=component_id, options=options, value=value, inline=True, className="radio")


def hops_selector(hops: int) -> dcc.RadioItems:
    options = [{"label": _plural(h, "hop", "hops"), "value": h} for h in range(1, MAX_HOPS + 1)]
    return _radio("hops", options, hops)


def layout_selector(layout: Layout) -> dcc.RadioItems:
    return _radio("layout", [{"label": LAYOUT_CAPTIONS[la], "value": la.value} for la in Layout], layout.value)


def colour_selector(colour: ColourBy) -> dcc.RadioItems:
    return _radio("colour", [{"label": COLOUR_CAPTIONS[c], "value": c.value} for c in ColourBy], colour.value)


SHARED_HINT = "Dashed lines between entities that share an address, phone, e-mail, website, passport or wallet"


def shared_toggle(on: bool) -> dcc.Checklist:
    option = {"label": "Shared infrastructure", "value": "on"}
    return dcc.Checklist(id="shared", options=[option], value=["on"] if on else [], inline=True, className="radio")


def _checklist(title: str, component_id: str, options: list[Any], value: list[str]) -> html.Div:
    return html.Div(
        [html.H4(title), dcc.Checklist(id=component_id, options=options, value=value, className="checks")],
        className="wide",
    )


def filters_panel(view: ViewState, rendered: Rendered | None) -> html.Details:
    kinds = sorted(k.value for k in view.kinds) if view.kinds is not None else [k.value for k in NodeKind]
    rels = sorted(r.value for r in view.rels) if view.rels is not None else [t.value for t in RelType]
    return html.Details(
        [
            html.Summary("Filters"),
            html.Div(
                [
                    _checklist("Kinds of entity", "filter-kinds", rendered.kind_options if rendered else [], kinds),
                    _checklist("Kinds of relationship", "filter-rels", rendered.rel_options if rendered else [], rels),
                    html.Div(
                        [
                            html.H4("Dates (payments and transfers made, relationships valid)"),
                            dcc.DatePickerRange(
                                id="filter-dates",
                                start_date=date_start(view.date_from) if view.date_from else None,
                                end_date=date_end(view.date_to) if view.date_to else None,
                                display_format="YYYY-MM-DD",
                                start_date_placeholder_text="from",
                                end_date_placeholder_text="to",
                                clearable=True,
                                first_day_of_week=1,
                            ),
                        ]
                    ),
                    html.Div(
                        [
                            html.H4("Payments and transfers of at least"),
                            dcc.Input(
                                id="filter-min-amount",
                                type="number",
                                min=0,
                                debounce=True,
                                value=view.min_amount,
                                placeholder="any amount",
                            ),
                            html.Span(" (in USD where the value is known)", className="hint"),
                        ]
                    ),
                    html.Div(
                        [
                            html.H4("Hide links asserted only by"),
                            dcc.Checklist(
                                id="filter-datasets",
                                options=rendered.dataset_options if rendered else [],
                                value=sorted(view.hide_datasets),
                                className="checks",
                            ),
                        ],
                        className="wide",
                    ),
                    html.Div(
                        [
                            html.Button("Reset filters", id="reset-filters", n_clicks=0, className="button-light"),
                            html.Span(
                                "Relationships without a date or an amount are not filtered by them.", className="hint"
                            ),
                        ],
                        className="wide filter-actions",
                    ),
                ],
                className="filter-grid",
            ),
        ],
        id="filters",
        className="filters",
        open=view.filtered,
    )


def node_toolbar(hidden_label: str, hidden_disabled: bool) -> html.Div:
    def button(component_id: str, text: str, title: str) -> html.Button:
        return html.Button(text, id=component_id, n_clicks=0, className="button-light", title=title)

    return html.Div(
        [
            html.Span("No node selected: click one.", id="selected-node", className="selected"),
            button("node-expand", "Expand", f"Show up to {HUB_CAP} more connections of the selected node"),
            button("node-pin", "Pin / unpin", "Keep the selected node where it is when the layout runs"),
            button("node-hide", "Hide", "Hide the selected node (Show hidden brings it back)"),
            button("node-remove", "Remove", "Take the selected node out of the view"),
            html.Button(
                hidden_label,
                id="show-hidden",
                n_clicks=0,
                className="button-light",
                disabled=hidden_disabled,
                title="Show every hidden node again",
            ),
        ],
        className="node-toolbar",
        role="toolbar",
    )


def graph_view(rendered: Rendered | None) -> cyto.Cytoscape:
    return cyto.Cytoscape(
        id="graph",
        elements=rendered.elements if rendered else [],
        stylesheet=rendered.stylesheet if rendered else stylesheet(),
        layout=rendered.layout if rendered else {"name": "preset"},
        style={"width": "100%", "height": "66vh"},
        minZoom=0.05,
        maxZoom=2,
        boxSelectionEnabled=False,
        autoRefreshLayout=False,  # the page decides when the layout runs (its layout's "key" changes)
        responsive=True,
        contextMenu=CONTEXT_MENU,
        className=graph_class(rendered.layout if rendered else {}),
    )


def graph_class(layout_spec: Mapping[str, Any]) -> str:
    """The graph's CSS classes, naming the cytoscape layout in use (e.g. 'graph layout-fcose')."""
    return f"graph layout-{layout_spec.get('name') or 'preset'}"


def _header(entity: Entity) -> html.Div:
    facts = [html.Span(kind_caption(entity.kind), className="kind")]
    programs = entity.properties.get("programs") or []
    if programs:
        facts.append(html.Span(f"Programs: {', '.join(map(str, programs))}", className="programs"))
    quoted = quote(entity.id, safe="")
    return html.Div(
        [
            html.H1([html.Span(entity.name, id="entity-name"), " ", *badges(entity.sanctioned, False)]),
            html.Div(facts + badges(False, bool(entity.properties.get("front"))), className="entity-facts"),
            html.Div(
                [
                    dcc.Link("Printable report", href=f"/report/{quoted}"),
                    dcc.Link("Find paths from here", href="/paths?" + urlencode({"from": entity.id})),
                ],
                className="entity-links",
            ),
        ],
        className="entity-header",
    )


TIMELINE_WAIT = "The timeline appears once the graph is drawn."


def timeline_graph(fig: dict[str, Any] | None) -> dcc.Graph:
    """The timeline itself. The page mounts it only after the graph is drawn (``OPEN_TIMELINE_JS``): plotly is a
    big script, and loading it first would hold the graph back by seconds on a first visit."""
    return dcc.Graph(
        id="timeline", figure=fig or {}, config=cast(Any, TIMELINE_CONFIG), style={"height": f"{TIMELINE_HEIGHT}px"}
    )


def _stores(view: ViewState, state: GraphState | None, rendered: Rendered | None) -> list[dcc.Store]:
    return [
        dcc.Store(id="timeline-figure", data=rendered.figure if rendered else None),
        dcc.Store(id="view-state", data=view.to_json()),
        dcc.Store(id="view-query", data=view_state_to_query(view)),
        dcc.Store(id="graph-state", data=state.to_json() if state else None),
        dcc.Store(id="graph-positions", data={}),
        dcc.Store(id="graph-dbltap"),
        dcc.Store(id="more-request"),
        dcc.Store(id="graph-events"),
        dcc.Store(id="url-sync"),
        dcc.Store(id="shared-cache"),
        dcc.Store(id="shared-trigger"),
        dcc.Store(id="risk-trigger"),
    ]


def risk_note(sentences: tuple[str, ...] | list[str]) -> html.Div:
    """The sentences about exposure colouring and shared infrastructure (id 'risk-note')."""
    return html.Div([html.P(s, className="note risk-sentence") for s in sentences], id="risk-note")


def _page(entity: Entity | None, view: ViewState, state: GraphState | None, rendered: Rendered | None) -> list[Any]:
    notes: list[Any] = [
        html.P(rendered.summary if rendered else "", id="graph-summary", className="summary"),
        html.P(rendered.filter_note if rendered else None, id="filter-note", className="note"),
    ]
    notes.append(html.P(omitted_note(rendered.omitted if rendered else None), id="omitted", className="omitted"))
    notes.append(risk_note(rendered.risk_note if rendered else ()))
    notes += [html.P(n, className="note") for n in view.notes]
    return [
        page_css(CSS),
        _header(entity) if entity else html.Div(),
        html.Div(
            [
                html.Div(
                    [html.Label("Connections up to", className="field", htmlFor="hops"), hops_selector(view.hops)]
                ),
                html.Div([html.Label("Layout", className="field", htmlFor="layout"), layout_selector(view.layout)]),
                html.Div([html.Label("Colour by", className="field", htmlFor="colour"), colour_selector(view.colour)]),
                html.Div(shared_toggle(view.shared), title=SHARED_HINT),
            ],
            className="view-controls",
        ),
        filters_panel(view, rendered),
        html.Div(notes, className="notes"),
        html.Div(
            [
                html.Div(
                    [
                        node_toolbar(
                            rendered.hidden_label if rendered else "Show hidden",
                            rendered.hidden_disabled if rendered else True,
                        ),
                        html.Div(id="graph-message"),
                        export_controls("graph", GraphView(f"{entity.name} graph", (), ()) if entity else None),
                        graph_view(rendered),
                        html.Div(
                            [
                                html.Div(
                                    [
                                        html.H3("Payments and transfers in this view"),
                                        html.Button("Any date", id="clear-dates", n_clicks=0, className="button-light"),
                                    ],
                                    className="timeline-head",
                                ),
                                html.P(
                                    "Drag across the timeline to keep only that period; “Any date” clears it.",
                                    className="hint",
                                ),
                                html.Div(
                                    html.P(TIMELINE_WAIT, className="hint") if rendered else timeline_graph(None),
                                    id="timeline-slot",
                                    style={"minHeight": f"{TIMELINE_HEIGHT}px"},
                                ),
                            ],
                            className="timeline-box",
                        ),
                    ],
                    className="graph-column",
                ),
                html.Aside(
                    [
                        html.P(DETAILS_HINT, className="hint"),
                        dcc.Loading(
                            html.Div(
                                entity_panel(entity, entity.id) if entity else [], id="details", className="details"
                            ),
                            type="dot",
                            delay_show=300,
                        ),
                        html.Div(rendered.legend if rendered else legend(legend_items(), set()), id="legend-box"),
                    ],
                    className="side",
                ),
            ],
            className="entity-body",
        ),
        *_stores(view, state, rendered),
    ]


def render_entity(store: GraphReader, entity_id: str, query: str | Mapping[str, Any] | None = None) -> html.Div:
    """The whole page for ``/entity/<entity_id>?<query>`` (``query``: the query string or its parsed parameters;
    a bare value is read as the hops)."""
    entity_id = entity_id.strip()
    if not entity_id:
        return html.Div(error_alert("Give an entity id, for example /entity/ofac-43377."), className="page")
    bare = isinstance(query, str) and query and not query.startswith("?") and "=" not in query
    if bare or (query is not None and not isinstance(query, str | Mapping)):
        query = {"hops": query}
    view = parse_view_state(query)
    loaded = guarded(lambda: explorer.load_view(store, entity_id, view.hops))
    if not isinstance(loaded, explorer.Loaded):
        return html.Div(loaded, className="page page-entity")
    rendered = render_view(loaded.state, view, {})
    return html.Div(_page(loaded.center, view, loaded.state, rendered), className="page page-entity")


def layout(entity_id: str | None = None, **query: Any) -> html.Div:
    """Dash pages calls this with the path's ``entity_id`` and the query string's parameters."""
    if entity_id is None:  # Dash's callback validation asks for every page without arguments
        return html.Div(_page(None, ViewState(), None, None))
    return render_entity(context.current().store, unquote(entity_id), query)


def title(entity_id: str | None = None, **_: Any) -> str:
    return f"{unquote(entity_id or '')} · entity"


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
) -> tuple[dict[str, Any], str]:
    """Callback: the controls → the view (stored) and its query string (written to the address bar)."""
    all_kinds = {k.value for k in NodeKind}
    all_rels = {t.value for t in RelType}
    view = from_controls(
        hops=hops,
        layout=layout_value,
        kinds=None if kinds is None or set(kinds) >= all_kinds else kinds,
        rels=None if rels is None or set(rels) >= all_rels else rels,
        date_from=date_from,
        date_to=date_to,
        min_amount=min_amount,
        hide_datasets=hide_datasets,
        colour=colour,
        shared=shared,
    )
    return view.to_json(), view_state_to_query(view)


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
) -> tuple[dict[str, Any], Any]:
    """Callback: an action on the graph → the new working graph and a sentence about it.

    Triggers: a double-click or an "N more" click (``payload`` {'id': …}), the right-click menu (``payload`` the
    graph's contextMenuData), the toolbar buttons (on the ``selected`` node), "Show hidden", or the hops."""
    if not state_json:
        raise dash.exceptions.PreventUpdate
    state = GraphState.from_json(state_json)
    if trigger == "hops":
        value, _ = parse_hops(hops)
        if value == state.hops:
            raise dash.exceptions.PreventUpdate
        try:
            loaded = explorer.reload(store, state, value)
        except Exception as exc:
            return state.to_json(), notice(error_message(exc), "error")
        return loaded.state.to_json(), None
    action, node = _target(trigger, payload, selected)
    if action not in (*ACTIONS, "show-hidden"):
        raise dash.exceptions.PreventUpdate
    if action == "show-hidden":
        return explorer.show_all(state).to_json(), None
    if not node:
        return state.to_json(), notice("Click a node first, then choose what to do with it.")
    parent = more_parent(node)
    if parent is not None:
        if action != "expand":
            return state.to_json(), notice("That is a group of connections not shown yet; click it to show them.")
        node = parent
    if node not in state.nodes:
        return state.to_json(), notice("That entity is no longer in the view.")
    name = state.nodes[node].name
    if action == "expand":
        try:
            result = explorer.expand(store, state, node)
        except Exception as exc:
            return state.to_json(), notice(error_message(exc), "error")
        return result.state.to_json(), notice(result.message)
    if node == state.center and action in ("hide", "remove"):
        return state.to_json(), notice("The page's own entity stays in its view; open another entity's page instead.")
    if action == "hide":
        return explorer.hide(state, node).to_json(), notice(f"{name} is hidden.")
    if action == "pin":
        new = explorer.toggle_pin(state, node)
        pinned = node in new.pinned
        return new.to_json(), notice(f"{name} is {'pinned: layouts leave it where it is' if pinned else 'unpinned'}.")
    return explorer.remove(state, node).to_json(), notice(f"{name} was removed from the view.")


def redraw(
    state_json: Mapping[str, Any] | None,
    view_json: Mapping[str, Any] | None,
    positions: Any,
    shared: Mapping[str, Any] | None = None,
) -> tuple[Any, ...]:
    """Callback: the working graph, the view or the shared-infrastructure links changed → everything drawn from
    them."""
    if not state_json:
        raise dash.exceptions.PreventUpdate
    state, view = GraphState.from_json(state_json), ViewState.from_json(view_json)
    r = render_view(state, view, positions_from(positions), shared)
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

#: Binds the browser-only events once per graph: double-click → expand, a click on "N more" → its next page,
#: positions after a layout or a drag → the page's positions store (so pinned nodes and newcomers find their place).
BIND_EVENTS_JS = """
function(elements) {
    var nu = window.dash_clientside.no_update;
    var el = document.getElementById('graph');
    var cy = el && el._cyreg && el._cyreg.cy;
    var setProps = window.dash_clientside.set_props;
    if (!cy || !setProps) { return nu; }
    // big views: while panning or zooming, draw a cached picture and no edges (cytoscape's own init options,
    // which dash-cytoscape does not expose; set on the renderer whenever the elements change)
    var big = cy.nodes().length > BIG_VIEW;
    var renderer = cy.renderer && cy.renderer();
    if (renderer) { renderer.hideEdgesOnViewport = big; renderer.textureOnViewport = big; }
    if (cy.scratch('_sgBound')) { return nu; }
    cy.scratch('_sgBound', true);
    var timer = null;
    var push = function() {
        clearTimeout(timer);
        timer = setTimeout(function() {
            var out = {};
            cy.nodes().forEach(function(n) {
                var p = n.position();
                out[n.id()] = [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10];
            });
            setProps('graph-positions', {data: out});
        }, 120);
    };
    cy.on('layoutstop dragfree', push);
    cy.on('dbltap', 'node', function(evt) {
        var id = evt.target.id();
        if (id.indexOf('more:') === 0) { return; }
        setProps('graph-dbltap', {data: {id: id, t: Date.now()}});
    });
    cy.on('tap', 'node.more', function(evt) {
        setProps('more-request', {data: {id: evt.target.data('parent_id'), t: Date.now()}});
    });
    // the first positions (they also mount the timeline) once the graph is painted and the browser idle
    var idle = window.requestIdleCallback || function(f) { return setTimeout(f, 50); };
    requestAnimationFrame(function() { requestAnimationFrame(function() { idle(push, {timeout: 1000}); }); });
    return nu;
}
""".replace("BIG_VIEW", str(BIG_VIEW))

#: Writes the view's query string into the address bar without reloading the page (so it can be copied).
URL_SYNC_JS = """
function(query) {
    if (typeof query === 'string' && window.location.search !== query) {
        window.history.replaceState(window.history.state, '', window.location.pathname + query + window.location.hash);
    }
    return window.dash_clientside.no_update;
}
"""

#: Mounts the timeline once the graph has been drawn and its positions reported (see ``timeline_graph``).
OPEN_TIMELINE_JS = """
function(positions, figure) {
    if (document.getElementById('timeline')) { return window.dash_clientside.no_update; }
    return {type: 'Graph', namespace: 'dash_core_components', props: {
        id: 'timeline', figure: figure || {}, config: CONFIG, style: {height: 'HEIGHTpx'}}};
}
""".replace("CONFIG", json.dumps(TIMELINE_CONFIG)).replace("HEIGHT", str(TIMELINE_HEIGHT))

#: Asks the server for shared infrastructure only while the toggle is on.
SHARED_GATE_JS = """
function(state, view) {
    if (!state || !view || !view.shared) { return window.dash_clientside.no_update; }
    return Date.now();
}
"""

#: Asks the server for the risk sentences when the view colours by exposure or shows shared infrastructure, or when
#: a sentence shown must go.
RISK_GATE_JS = """
function(state, view, shared, note) {
    var wanted = view && (view.colour === 'exposure' || view.shared);
    var shown = Array.isArray(note) ? note.length > 0 : !!note;
    if (!state || (!wanted && !shown)) { return window.dash_clientside.no_update; }
    return Date.now();
}
"""

SELECTED_JS = """
function(data) {
    if (!data || !data.id) { return 'No node selected: click one.'; }
    return 'Selected: ' + (data.name || data.id);
}
"""


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
        Input("graph", "contextMenuData"),
        Input("node-expand", "n_clicks"),
        Input("node-hide", "n_clicks"),
        Input("node-pin", "n_clicks"),
        Input("node-remove", "n_clicks"),
        Input("show-hidden", "n_clicks"),
        Input("hops", "value"),
        State("graph", "tapNodeData"),
        State("graph-state", "data"),
        prevent_initial_call=True,
    )
    def _action(
        dbltap: Any,
        more: Any,
        menu: Any,
        *rest: Any,
    ) -> tuple[dict[str, Any], Any]:
        hops, selected, state_json = rest[-3], rest[-2], rest[-1]
        trigger = ctx.triggered_id if isinstance(ctx.triggered_id, str) else None
        payload = {"graph-dbltap": dbltap, "more-request": more, "graph": menu}.get(trigger or "")
        return apply_action(store, trigger, payload, selected, state_json, hops)

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

    register_export_callbacks(
        app,
        "graph",
        lambda state_json, view_json: working_view(store, state_json, view_json),
        [State("graph-state", "data"), State("view-state", "data")],
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

    clientside: Callable[..., None] = app.clientside_callback
    clientside(BIND_EVENTS_JS, Output("graph-events", "data"), Input("graph", "elements"))
    # the risk callbacks go to the server only when the view asks for exposure or shared infrastructure (or a
    # sentence has to be cleared), so a plain view does not send its working graph up once more per change
    clientside(
        SHARED_GATE_JS, Output("shared-trigger", "data"), Input("graph-state", "data"), Input("view-state", "data")
    )
    clientside(
        RISK_GATE_JS,
        Output("risk-trigger", "data"),
        Input("graph-state", "data"),
        Input("view-state", "data"),
        Input("shared-cache", "data"),
        State("risk-note", "children"),
    )
    clientside(URL_SYNC_JS, Output("url-sync", "data"), Input("view-query", "data"), prevent_initial_call=True)
    clientside(
        SELECTED_JS, Output("selected-node", "children"), Input("graph", "tapNodeData"), prevent_initial_call=True
    )
    clientside(
        OPEN_TIMELINE_JS,
        Output("timeline-slot", "children"),
        Input("graph-positions", "data"),
        State("timeline-figure", "data"),
        prevent_initial_call=True,
    )
    clientside(
        "function(fig) { return fig || window.dash_clientside.no_update; }",
        Output("timeline", "figure"),
        Input("timeline-figure", "data"),
        prevent_initial_call=True,
    )
