"""The entity page, ``/entity/<id>?hops=2&layout=force&kinds=…``: its Dash layout.

The URL holds the entity, hops, filters and layout (``dashboard.entity.view_state``), so copying it reproduces the view;
what the analyst did to the graph (expanded, paged, hid, pinned, removed) lives in ``dcc.Store``s of the page, per
browser tab, and goes into the URL too (``exp=``, ``cap=``, ``open=``, ``hidden=``, ``removed=``, ``pin=``), so a
reload or Back/Forward draws the same canvas. Rendering the page costs one store call (the neighbourhood), plus those
of the expansions a URL replays. The page's CSS and clientside script are files Dash serves from ``dashboard/assets``
(``entity.css``, ``entity.js``); its callbacks are in ``dashboard.entity.callbacks``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import quote, unquote, urlencode

import dash_cytoscape as cyto
from dash import dcc, html

from dashboard import context
from dashboard.components import (
    badges,
    detail_list,
    error_alert,
    guarded,
    legend,
    sources_section,
)
from dashboard.details import designation_rows, entity_details, relationship_details, source_rows
from dashboard.entity import actions, prefetch, review_panel
from dashboard.entity.actions import HUB_CAP
from dashboard.entity.asserted import ASSERTED_STORE, asserted_data
from dashboard.entity.exposure import risk_badges, risk_marks
from dashboard.entity.legend import legend_items
from dashboard.entity.notes_panel import noted_ids
from dashboard.entity.notes_panel import panel as notes_panel
from dashboard.entity.positions import BIG_VIEW
from dashboard.entity.render import Rendered, omitted_note, render_view
from dashboard.entity.risk import ownership_box, shared_details
from dashboard.entity.styles import LABEL_PX, stylesheet
from dashboard.entity.timeline import CONFIG as TIMELINE_CONFIG
from dashboard.entity.timeline import HEIGHT as TIMELINE_HEIGHT
from dashboard.entity.view_state import ViewState, parse_view_state, view_state_to_query
from dashboard.entity.view_values import (
    AUTO_LAYOUT,
    COLOUR_CAPTIONS,
    DEFAULT_PAGE,
    LAYOUT_CAPTIONS,
    PAGE_SIZES,
    ColourBy,
    Layout,
    date_end,
    date_start,
)
from dashboard.entity.working_graph import GraphState
from dashboard.export_controls import export_controls
from dashboard.exporters import GraphView
from dashboard.formatting import entity_href, kind_caption, plural, rel_caption
from graph import MAX_HOPS, Entity, GraphReader, NodeKind, RelType, with_derived

DETAILS_HINT = "Click a node or a link to see its details and sources here. Double-click a node to expand it."

#: Relationship types offered by the right-click menu's "Expand: <type> (outgoing/incoming)".
MENU_TYPES: tuple[RelType, ...] = (
    RelType.OWNS,
    RelType.DIRECTS,
    RelType.EMPLOYS,
    RelType.PAID,
    RelType.TRANSFERRED,
    RelType.HOLDS,
)

#: Right-click menu on nodes; a choice arrives as the graph's ``contextMenuData``.
CONTEXT_MENU: list[dict[str, Any]] = [
    {"id": "expand", "label": "Expand: show connections", "availableOn": ["node"]},
    *(
        {
            "id": f"expand:{rel.value}:{way}",
            "label": f"Expand: {rel_caption(rel)} ({way_caption})",
            "availableOn": ["node"],
        }
        for rel in MENU_TYPES
        for way, way_caption in (("out", "outgoing"), ("in", "incoming"))
    ),
    {"id": "pin", "label": "Pin / unpin", "availableOn": ["node"]},
    {"id": "hide", "label": "Hide", "availableOn": ["node"]},
    {"id": "remove", "label": "Remove from view", "availableOn": ["node"]},
]

#: Up to this many nodes, assets/entity.js sizes every label for the screen at any zoom; above, only the node under
#: the pointer and the selected one (the others are hidden while smaller than MIN_LABEL_PX on screen).
LABEL_SCALE_MAX = 400

#: What the page's clientside script (assets/entity.js) needs to know from the server.
GRAPH_CONFIG: dict[str, Any] = {
    "bigView": BIG_VIEW,
    "labelPx": LABEL_PX,
    "labelScaleMax": LABEL_SCALE_MAX,
    "undoDepth": 30,
    "defaultPage": DEFAULT_PAGE,  # a URL without page= (assets/entity.js: syncUrl writes cap= against it)
    "timelineConfig": TIMELINE_CONFIG,
    "timelineHeight": TIMELINE_HEIGHT,
}

# fcose, dagre and cose-bilkent: dash-cytoscape's bigger bundle, served by the app like the small one (no CDN).
cyto.load_extra_layouts()


# --- panels -------------------------------------------------------------------------------------------------------


def connections_sentence(total: int | None, shown: int | None) -> str | None:
    """'12 connections in the graph, 3 in this view. Double-click…' (``shown``: neighbours loaded in the view)."""
    if total is None:
        return None
    text = f"{plural(total, 'connection', 'connections')} in the graph"
    if shown is not None:
        text += f", {shown:,} in this view"
        if total > shown:
            text += ". Double-click the node (or press Expand) to show more"
    return text + "."


#: The pattern id of an entity panel's connections sentence (``callbacks.current_connections`` renews it).
CONNECTIONS = "entity-connections"


def entity_panel(
    entity: Entity, center_id: str | None, connections: str | None = None, total: int | None = None
) -> list[Any]:
    """The details panel for an entity: who it is, then which sources say so (``total``: its connections in the
    graph, kept in the sentence's id so the sentence is renewed whenever the view changes)."""
    marks = [html.Span(text, className=f"badge {cls}", title=tip) for text, cls, tip in risk_badges(entity)]
    children: list[Any] = [
        html.H2([entity.name, " ", *badges(entity.sanctioned, bool(entity.properties.get("front"))), *marks]),
    ]
    if entity.id != center_id:
        children.append(
            html.P(dcc.Link("Open this entity's page →", href=entity_href(entity.id)), className="open-entity")
        )
    if connections:
        pattern: Any = {"type": CONNECTIONS, "entity": entity.id, "total": total}  # a pattern-matching id
        sentence = html.P(connections, className="connections", id=pattern) if total is not None else None
        children.append(sentence or html.P(connections, className="connections"))
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


def group_panel(node_data: Mapping[str, Any]) -> list[Any]:
    count = int(node_data.get("count") or 0)
    listed = int(node_data.get("sanctioned_members") or 0)
    children: list[Any] = [
        html.H2(f"Group: {node_data.get('name') or ''}"),
        html.P(
            f"{count:,} entities of one kind, each linked only to this one. Click the group to open it.",
            className="hint",
        ),
    ]
    if listed:
        children.append(html.P(f"{listed:,} of them sanctioned.", className="note"))
    return children


# --- controls -----------------------------------------------------------------------------------------------------


def _radio(component_id: str, options: list[dict[str, Any]], value: Any) -> dcc.RadioItems:
    return dcc.RadioItems(id=component_id, options=options, value=value, inline=True, className="radio")


def hops_selector(hops: int) -> dcc.RadioItems:
    options = [{"label": plural(h, "hop", "hops"), "value": h} for h in range(1, MAX_HOPS + 1)]
    return _radio("hops", options, hops)


def layout_selector(layout: Layout, auto: bool = False) -> dcc.RadioItems:
    """The layouts, and "Auto" (by the size and shape of the view)."""
    options = [{"label": "Auto", "value": AUTO_LAYOUT}]
    options += [{"label": LAYOUT_CAPTIONS[la], "value": la.value} for la in Layout]
    return _radio("layout", options, AUTO_LAYOUT if auto else layout.value)


def page_selector(page: int) -> dcc.Dropdown:
    """How many connections Expand and "N more" bring at a time."""
    options = [{"label": f"{p:,} at a time", "value": p} for p in PAGE_SIZES]
    return dcc.Dropdown(id="page-size", options=options, value=page, clearable=False, searchable=False)


def size_toggle(on: bool) -> dcc.Checklist:
    option = {"label": "Size by connections", "value": "on"}
    return dcc.Checklist(id="size-degree", options=[option], value=["on"] if on else [], inline=True, className="radio")


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
    def button(component_id: str, text: str, title: str, disabled: bool = False) -> html.Button:
        return html.Button(text, id=component_id, n_clicks=0, className="button-light", title=title, disabled=disabled)

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
            html.Span(
                [
                    button("undo", "Undo", "Undo the last expand, hide, remove, pin or group opening", disabled=True),
                    button("redo", "Redo", "Do again what Undo undid", disabled=True),
                ],
                className="history-buttons",
            ),
        ],
        className="node-toolbar",
        role="toolbar",
    )


def viewport_buttons() -> html.Div:
    """Fit, zoom in, zoom out and centre, over the graph's top right corner (assets/entity.js does them)."""

    def button(component_id: str, text: str, title: str) -> html.Button:
        return html.Button(text, id=component_id, className="button-light", title=title)

    return html.Div(
        [
            button("view-fit", "Fit", "Show the whole view"),
            button("view-zoom-in", "+", "Zoom in"),
            button("view-zoom-out", "-", "Zoom out"),
            button("view-centre", "Centre", "Centre on the page's entity"),
        ],
        className="viewport-buttons",
        role="group",
    )


def graph_view(rendered: Rendered | None) -> cyto.Cytoscape:
    return cyto.Cytoscape(
        id="graph",
        elements=rendered.elements if rendered else [],
        stylesheet=rendered.stylesheet if rendered else stylesheet(),
        layout=first_layout(rendered.layout) if rendered else {"name": "preset"},
        style={"width": "100%"},
        minZoom=MIN_ZOOM,
        maxZoom=MAX_ZOOM,
        boxSelectionEnabled=False,
        autoRefreshLayout=False,  # the page decides when the layout runs (its layout's "key" changes)
        responsive=False,  # assets/entity.js sizes and fits the graph (dash-cytoscape's measured every frame)
        contextMenu=CONTEXT_MENU,
        className=graph_class(rendered.layout if rendered else {}),
    )


#: Low enough to see a 2,000-node view whole on a small screen; high enough to read one node's neighbourhood.
MIN_ZOOM = 0.002
MAX_ZOOM = 4


def first_layout(layout_spec: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The layout the graph mounts with: none when the positions come from the server (the elements carry them;
    assets/entity.js fits the view, without the preset layout setting every position again and measuring every
    label and edge for its fit), else the browser's layout."""
    return None if layout_spec.get("name") == "preset" else layout_spec


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
            html.H1(
                [html.Span(entity.name, id="entity-name"), " ", *badges(entity.sanctioned, False), *risk_marks(entity)]
            ),
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
    """The timeline itself. The page mounts it only after the graph is drawn (``openTimeline`` in
    assets/entity.js): plotly is a big script, and loading it first would hold the graph back by seconds on a first
    visit."""
    return dcc.Graph(
        id="timeline", figure=fig or {}, config=cast(Any, TIMELINE_CONFIG), style={"height": f"{TIMELINE_HEIGHT}px"}
    )


def _stores(view: ViewState, state: GraphState | None, rendered: Rendered | None) -> list[dcc.Store]:
    return [
        dcc.Store(id="timeline-figure", data=rendered.figure if rendered else None),
        dcc.Store(id="view-state", data=view.to_json()),
        dcc.Store(id="view-query", data=view_state_to_query(view.without_working_graph(), address=True)),
        dcc.Store(id="graph-state", data=state.to_json() if state else None),
        dcc.Store(id="graph-positions", data={}),
        dcc.Store(id="graph-dbltap"),
        dcc.Store(id="more-request"),
        dcc.Store(id="group-request"),
        dcc.Store(id="graph-events"),
        dcc.Store(id="url-sync"),
        dcc.Store(id="shared-cache"),
        dcc.Store(id="shared-trigger"),
        dcc.Store(id="risk-trigger"),
        dcc.Store(id="graph-config", data=GRAPH_CONFIG),
        dcc.Store(id="undo-sync"),
        dcc.Store(id="noted-ids", data=list(rendered.noted) if rendered else []),  # notes_panel.noted_ids
        dcc.Store(id=ASSERTED_STORE, data=list(rendered.asserted) if rendered else []),  # asserted.asserted_data
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
        _header(entity) if entity else html.Div(),
        html.Div(
            [
                html.Div(
                    [html.Label("Connections up to", className="field", htmlFor="hops"), hops_selector(view.hops)]
                ),
                html.Div(
                    [html.Label("Layout", className="field", htmlFor="layout"), layout_selector(view.layout, view.auto)]
                ),
                html.Div([html.Label("Colour by", className="field", htmlFor="colour"), colour_selector(view.colour)]),
                html.Div(shared_toggle(view.shared), title=SHARED_HINT),
                html.Div(size_toggle(view.size_by_degree), title="Nodes sized by their number of connections"),
                html.Div(
                    [html.Label("Expand brings", className="field", htmlFor="page-size"), page_selector(view.page)],
                    className="page-size",
                ),
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
                        html.Div([viewport_buttons(), graph_view(rendered)], className="graph-frame"),
                        export_controls("graph", GraphView(f"{entity.name} graph", (), ()) if entity else None),
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
                        html.Details(
                            [
                                html.Summary("Legend"),
                                html.Div(
                                    rendered.legend if rendered else legend(legend_items(), set()), id="legend-box"
                                ),
                            ],
                            open=True,
                            className="legend-details",
                        ),
                        html.P(DETAILS_HINT, className="hint"),
                        dcc.Loading(
                            html.Div(
                                entity_panel(entity, entity.id) if entity else [], id="details", className="details"
                            ),
                            type="dot",
                            delay_show=300,
                        ),
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

    def load() -> actions.Loaded:
        first = actions.load_view(store, entity_id, view.hops, view.load_size)
        state = actions.replay(
            store,
            first.state,
            view.expansions,
            sorted(view.opened),
            view.load_size,
            view.hidden,
            view.removed,
            view.pins,
        )
        return actions.Loaded(state, first.center)

    loaded = guarded(load)
    if not isinstance(loaded, actions.Loaded):
        return html.Div(loaded, className="page page-entity")
    positions = dict(loaded.state.pinned_at)  # pinned entities where they were pinned; the rest laid out
    rendered = render_view(loaded.state, view, positions, noted=noted_ids(store), asserted=asserted_data(store))
    center = with_derived(store, [loaded.center])[0]  # listed addresses, exposure named by name (graph)
    page = _page(center, view, loaded.state, rendered)
    page.insert(1, html.Div(ownership_box(store, center), id="ownership-box"))  # the 50% rule, worked out
    page.insert(2, notes_panel(store, center.id))  # notes of every case, pin to a case (notes_panel.py)
    page.insert(2, review_panel.panel(store, center.id))  # same-as candidates: accept / reject / undo
    return html.Div(page, className="page page-entity")


def layout(entity_id: str | None = None, **query: Any) -> html.Div:
    """Dash pages calls this with the path's ``entity_id`` and the query string's parameters."""
    if entity_id is None:  # Dash's callback validation asks for every page without arguments
        return html.Div(_page(None, ViewState(), None, None))
    entity_id = unquote(entity_id)
    ahead = prefetch.take(entity_id, query)  # worked out while the browser loaded the app (prefetch.py)
    return ahead if ahead is not None else render_entity(context.current().store, entity_id, query)


def title(entity_id: str | None = None, **_: Any) -> str:
    return f"{unquote(entity_id or '')} · entity"
