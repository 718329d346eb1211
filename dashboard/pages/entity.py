"""The entity page, ``/entity/<id>?hops=2``: who the entity is and what it is connected to.

Rendering the page costs one store call (the neighbourhood, which includes the entity itself); clicking a node
costs one more (its full record); clicking an edge costs none (its properties travel with the graph).
Changing the hops changes the URL, and the page is rendered again from it, so every view can be shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

import dash
import dash_cytoscape as cyto
from dash import Input, Output, ctx, dcc, html

from dashboard import context
from dashboard.components import badges, detail_list, error_alert, guarded, legend
from dashboard.elements import (
    entity_details,
    entity_href,
    kind_caption,
    rel_caption,
    relationship_details,
    subgraph_to_elements,
)
from dashboard.styles import legend_items, stylesheet
from graph.model import Entity, Subgraph
from graph.stores.base import MAX_HOPS, GraphReader

DEFAULT_HOPS = 2
DETAILS_HINT = "Click a node or a link in the graph to see its details here."


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def parse_hops(raw: Any) -> tuple[int, str | None]:
    """The hops asked for in the URL, and a sentence when they had to be corrected."""
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if raw is None or raw == "":
        return DEFAULT_HOPS, None
    try:
        hops = int(str(raw).strip())
    except ValueError:
        return DEFAULT_HOPS, f"Hops must be a number from 1 to {MAX_HOPS}; showing {DEFAULT_HOPS}."
    if 1 <= hops <= MAX_HOPS:
        return hops, None
    fixed = min(max(hops, 1), MAX_HOPS)
    return fixed, f"Hops must be from 1 to {MAX_HOPS}; showing {fixed}."


def hops_search(hops: Any) -> str:
    """Callback: the hops selector → the URL's query string (which renders the page again)."""
    value, _ = parse_hops(hops)
    return f"?hops={value}"


def graph_summary(subgraph: Subgraph, hops: int, name: str) -> str:
    others = len(subgraph.entities) - 1
    if others <= 0:
        return f"{name} has no recorded relationships."
    return (
        f"Showing {_plural(others, 'connected entity', 'connected entities')} and "
        f"{_plural(len(subgraph.relationships), 'relationship', 'relationships')} "
        f"within {_plural(hops, 'hop', 'hops')} of {name}."
    )


def omitted_sentence(omitted: int) -> str | None:
    if omitted <= 0:
        return None
    if omitted == 1:
        return "1 more connected entity is not shown."
    return f"{omitted} more connected entities are not shown."


def entity_panel(entity: Entity, center_id: str | None) -> list[Any]:
    """The details panel for an entity."""
    children: list[Any] = [
        html.H2([entity.name, " ", *badges(entity.sanctioned, bool(entity.properties.get("front")))]),
    ]
    if entity.id != center_id:
        children.append(
            html.P(dcc.Link("Open this entity's page →", href=entity_href(entity.id)), className="open-entity")
        )
    children.append(detail_list(entity_details(entity)))
    return children


def edge_panel(edge_data: Mapping[str, Any]) -> list[Any]:
    """The details panel for a relationship, from the edge's own data."""
    return [
        html.H2(f"Relationship: {rel_caption(str(edge_data.get('type') or ''))}"),
        detail_list(relationship_details(edge_data)),
    ]


def show_details(
    store: GraphReader, prop_id: str, node_data: Mapping[str, Any] | None, edge_data: Mapping[str, Any] | None
) -> Any:
    """Callback: a tapped node (its record is fetched) or edge (no store call) → the details panel."""
    if prop_id.endswith("tapEdgeData") and edge_data:
        return edge_panel(edge_data)
    if prop_id.endswith("tapNodeData") and node_data and node_data.get("id"):
        entity_id = str(node_data["id"])
        center_id = entity_id if node_data.get("center") else None
        return guarded(lambda: entity_panel(store.get_entity(entity_id), center_id), back_to_search=False)
    raise dash.exceptions.PreventUpdate


def hops_selector(hops: int) -> dcc.RadioItems:
    return dcc.RadioItems(
        id="hops",
        options=[{"label": _plural(h, "hop", "hops"), "value": h} for h in range(1, MAX_HOPS + 1)],
        value=hops,
        inline=True,
        className="hops",
    )


def graph_view(elements: list[dict[str, Any]]) -> cyto.Cytoscape:
    return cyto.Cytoscape(
        id="graph",
        elements=elements,
        stylesheet=stylesheet(),
        layout={"name": "preset", "fit": True, "padding": 40, "animate": False},
        style={"width": "100%", "height": "68vh"},
        minZoom=0.15,
        maxZoom=3,
        boxSelectionEnabled=False,
        responsive=True,
        className="graph",
    )


def _header(entity: Entity) -> html.Div:
    facts = [html.Span(kind_caption(entity.kind), className="kind")]
    programs = entity.properties.get("programs") or []
    if programs:
        facts.append(html.Span(f"Programs: {', '.join(map(str, programs))}", className="programs"))
    return html.Div(
        [
            html.H1([html.Span(entity.name, id="entity-name"), " ", *badges(entity.sanctioned, False)]),
            html.Div(facts + badges(False, bool(entity.properties.get("front"))), className="entity-facts"),
        ],
        className="entity-header",
    )


def render_entity(store: GraphReader, entity_id: str, hops_raw: Any = None) -> html.Div:
    """The whole page for ``/entity/<entity_id>?hops=...``."""
    entity_id = entity_id.strip()
    if not entity_id:
        return html.Div(error_alert("Give an entity id, for example /entity/ofac-43377."), className="page")
    hops, hops_note = parse_hops(hops_raw)
    result = guarded(lambda: store.neighbourhood(entity_id, hops))
    if not isinstance(result, Subgraph):
        return html.Div(result, className="page page-entity")
    subgraph = result
    center = next((e for e in subgraph.entities if e.id == subgraph.center), None)
    if center is None:  # a store that leaves the centre out: ask for it (raises EntityNotFound when unknown)
        found = guarded(lambda: store.get_entity(entity_id))
        if not isinstance(found, Entity):
            return html.Div(found, className="page page-entity")
        center = found
        subgraph = Subgraph(center.id, (center, *subgraph.entities), subgraph.relationships, subgraph.omitted)
    elements = subgraph_to_elements(subgraph)
    present = {e.kind.value for e in subgraph.entities} | {r.type.value for r in subgraph.relationships}
    omitted = omitted_sentence(subgraph.omitted)
    notes: list[Any] = [html.P(graph_summary(subgraph, hops, center.name), id="graph-summary", className="summary")]
    if omitted:
        notes.append(
            html.P(
                [omitted, html.Span(" Open a node's own page to explore further.", className="hint")],
                id="omitted",
                className="omitted",
            )
        )
    if hops_note:
        notes.append(html.P(hops_note, className="note"))
    return html.Div(
        [
            _header(center),
            html.Div(
                [html.Label("Show connections up to", htmlFor="hops"), hops_selector(hops)],
                className="controls",
            ),
            html.Div(notes, className="notes"),
            html.Div(
                [
                    html.Div(graph_view(elements), className="graph-column"),
                    html.Aside(
                        [
                            html.P(DETAILS_HINT, className="hint"),
                            dcc.Loading(
                                html.Div(entity_panel(center, center.id), id="details", className="details"),
                                type="dot",
                                delay_show=300,
                            ),
                            legend(legend_items(), present),
                        ],
                        className="side",
                    ),
                ],
                className="entity-body",
            ),
        ],
        className="page page-entity",
    )


def layout(entity_id: str | None = None, hops: Any = None, **_: Any) -> html.Div:
    """Dash pages calls this with the path's ``entity_id`` and the query string's parameters."""
    if entity_id is None:  # Dash's callback validation asks for every page without arguments
        return html.Div([hops_selector(DEFAULT_HOPS), graph_view([]), html.Div(id="details"), html.Div(id="legend")])
    return render_entity(context.current().store, unquote(entity_id), hops)


def title(entity_id: str | None = None, **_: Any) -> str:
    return f"{unquote(entity_id or '')} · entity"


def register_callbacks(app: dash.Dash, store: GraphReader) -> None:
    app.callback(
        Output("url", "search", allow_duplicate=True),
        Input("hops", "value"),
        prevent_initial_call=True,
    )(hops_search)

    @app.callback(
        Output("details", "children"),
        Input("graph", "tapNodeData"),
        Input("graph", "tapEdgeData"),
        prevent_initial_call=True,
    )
    def _details(node_data: dict[str, Any] | None, edge_data: dict[str, Any] | None) -> Any:
        prop_id = ctx.triggered[0]["prop_id"] if ctx.triggered else ""
        return show_details(store, prop_id, node_data, edge_data)
