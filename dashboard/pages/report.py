"""The printable entity report, ``/report/<id>``: one entity on paper, for a case file.

Who the entity is, its designations, a drawing of its direct connections, the shortest paths to the nearest
sanctioned entities, and every source the report rests on. It costs one store call (the two-hop neighbourhood:
the drawing and the paths to sanctioned entities both come from it), plus one path search when `analyze` found a
nearest sanctioned entity further away. The drawing is an SVG made on the server, so it prints sharp.
"""

from __future__ import annotations

import base64
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

import dash
from dash import Input, Output, dcc, html

from dashboard import context
from dashboard.components import badges, detail_list, error_alert, guarded
from dashboard.details import entity_details, entity_status
from dashboard.entity.exposure import risk_badges
from dashboard.entity.positions import radial_positions
from dashboard.entity.risk import OWNED_KINDS, ownership_section
from dashboard.exporters import GraphView, view_svg
from dashboard.formatting import entity_href, kind_caption, rel_caption
from dashboard.pages.paths import paths_href
from dashboard.path_display import hop_evidence, path_section
from graph import (
    MAX_PATH_HOPS,
    Entity,
    GraphReader,
    OwnershipReport,
    Path,
    Prop,
    Relationship,
    Subgraph,
    designation_text,
    entity_listings,
    is_rejected,
    named_nearest,
    ownership_from_subgraph,
    with_listings,
    without_internal,
)

REPORT_HOPS = 2  # how far the report looks for sanctioned entities
MAX_SANCTIONED_PATHS = 5
MAX_DRAWN = 40  # direct connections drawn; the table lists them all

# --- pure helpers -------------------------------------------------------------------------------------------------


def sanctioned_paths(subgraph: Subgraph, limit: int = MAX_SANCTIONED_PATHS) -> list[Path]:
    """Shortest paths, inside ``subgraph``, from its centre to the nearest sanctioned entities (nearest first;
    the centre itself is never its own target). Breadth-first over relationships in both directions."""
    entities = {e.id: e for e in subgraph.entities}
    if subgraph.center not in entities:
        return []
    links: dict[str, list[tuple[str, Relationship]]] = {i: [] for i in entities}
    for r in sorted(subgraph.relationships, key=lambda r: r.id):
        if r.source in entities and r.target in entities and r.source != r.target:
            links[r.source].append((r.target, r))
            links[r.target].append((r.source, r))
    parent: dict[str, tuple[str, Relationship] | None] = {subgraph.center: None}
    queue = deque([subgraph.center])
    found: list[Path] = []
    while queue and len(found) < limit:
        node = queue.popleft()
        for other, rel in sorted(links[node], key=lambda link: (entities[link[0]].name.casefold(), link[0])):
            if other in parent:
                continue
            parent[other] = (node, rel)
            queue.append(other)
            if entities[other].sanctioned:
                found.append(_walk_back(other, parent, entities))
                if len(found) >= limit:
                    break
    return sorted(found, key=lambda p: p.hops)


def _walk_back(end: str, parent: dict[str, tuple[str, Relationship] | None], entities: dict[str, Entity]) -> Path:
    ids, rels = [end], []
    step = parent[end]
    while step is not None:
        previous, rel = step
        ids.append(previous)
        rels.append(rel)
        step = parent[previous]
    return Path(tuple(entities[i] for i in reversed(ids)), tuple(reversed(rels)))


def direct_view(subgraph: Subgraph, center: Entity, extra: Sequence[Path] = (), limit: int = MAX_DRAWN) -> Subgraph:
    """The centre, its direct connections (at most ``limit``) and the entities of ``extra`` paths, for the drawing."""
    entities = {e.id: e for e in subgraph.entities}
    keep = {center.id}
    for r in subgraph.relationships:
        if len(keep) > limit:
            break
        if center.id in (r.source, r.target):
            keep.add(r.target if r.source == center.id else r.source)
    for p in extra:
        keep.update(e.id for e in p.entities)
    kept = tuple(e for e in (entities.get(i) for i in keep) if e is not None)
    if center.id not in entities:
        kept = (center, *kept)
    rels = {r.id: r for r in subgraph.relationships if r.source in keep and r.target in keep}
    for p in extra:
        rels.update({r.id: r for r in p.relationships})
    return Subgraph(center.id, kept, tuple(rels.values()))


def report_sources(entity: Entity, relationships: Sequence[Relationship]) -> list[str]:
    """Every source the report rests on: datasets, source records and designation pages, each once."""
    out: list[str] = []

    def add(values: Any, prefix: str = "") -> None:
        for v in values if isinstance(values, list | tuple) else [values]:
            if v not in (None, "") and f"{prefix}{v}" not in out:
                out.append(f"{prefix}{v}")

    add(entity.properties.get(Prop.DATASETS), "Dataset: ")
    add(entity.properties.get(Prop.SOURCE_IDS), "Source record: ")
    add([x.text for x in entity_listings(entity)], "Listed on: ")
    for d in entity.designations:
        add(d.source_url, "Designation: ")
    for r in relationships:
        add(r.properties.get(Prop.DATASETS), "Dataset: ")
        add(r.properties.get(Prop.SOURCE_IDS), "Source record: ")
    return out


def report_href(entity_id: str) -> str:
    return "/report/" + quote(entity_id, safe="")


# --- components ---------------------------------------------------------------------------------------------------


def _section(title: str, children: list[Any], section_id: str) -> html.Section:
    return html.Section([html.H2(title), *children], id=section_id, className="report-section")


def _designations(entity: Entity) -> list[Any]:
    listed = [
        html.Li(f"{x.status}: the record designating {x.party_name} names this address")
        for x in entity_listings(entity)
    ]
    if listed:
        return [html.Ul(listed, className="designation-list listed-address")]
    if not entity.designations:
        return [html.P("No sanctions designation in the loaded data.")]
    items = []
    for d in entity.designations:
        text = designation_text(replace(d, source_url=None))  # the link comes after, as a link
        parts: list[Any] = [text]
        if d.record_id:
            parts.append(f" (record {d.record_id})")
        if d.source_url:
            parts += [" — ", html.A("source", href=d.source_url, target="_blank", rel="noopener noreferrer")]
        items.append(html.Li(parts))
    return [html.Ul(items, className="designation-list")]


def _connections_table(center: Entity, subgraph: Subgraph) -> list[Any]:
    names = {e.id: e for e in subgraph.entities}
    rows = []
    for r in subgraph.relationships:
        if center.id not in (r.source, r.target) or r.source == r.target:
            continue
        outgoing = r.source == center.id
        other = names.get(r.target if outgoing else r.source)
        if other is None:
            continue
        caption = rel_caption(r.type)
        relation = f"{center.name} {caption} …" if outgoing else f"… {caption} {center.name}"
        if is_rejected(r.type, r.properties.get(Prop.STATUS.value)):
            relation += " (rejected: not the same)"
        rows.append(
            html.Tr(
                [
                    html.Td(relation),
                    html.Td([dcc.Link(other.name, href=entity_href(other.id)), " ", *badges(other.sanctioned, False)]),
                    html.Td(kind_caption(other.kind)),
                    html.Td("; ".join(hop_evidence(r))),
                ]
            )
        )
    if not rows:
        return [html.P(f"{center.name} has no recorded relationships.")]
    head = html.Thead(html.Tr([html.Th(t) for t in ("Relationship", "With", "Kind", "Evidence")]))
    return [html.Table([head, html.Tbody(rows)], className="report-table")]


def _figure(drawn: Subgraph, center: Entity, path_ends: set[str]) -> html.Figure:
    view = GraphView(f"{center.name} and its connections", drawn.entities, drawn.relationships)
    svg = view_svg(view, radial_positions(drawn), highlight={center.id})
    others = len(drawn.entities) - 1
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    caption = f"{center.name} (haloed) and {others} connected {'entity' if others == 1 else 'entities'}"
    if path_ends:
        caption += ", with the paths to the nearest sanctioned entities"
    return html.Figure(
        [
            html.Img(src=src, alt=f"Drawing of {caption}.", id="report-graph-image"),
            html.Figcaption(caption + ". Sanctioned entities have a red outline."),
        ],
        className="report-figure",
    )


def _sanctioned_section(store: GraphReader, center: Entity, paths: list[Path], omitted: int = 0) -> list[Any]:
    children: list[Any] = []
    if center.sanctioned:
        children.append(html.P(f"{center.name} is itself designated (see Designations)."))
    if paths:
        for n, p in enumerate(paths, start=1):
            children.append(path_section(p, n))
            target = p.entities[-1]
            children.append(
                html.P(
                    dcc.Link("Look for more paths →", href=paths_href(center.id, target.id)),
                    className="no-print",
                )
            )
    else:
        children.append(html.P(f"No sanctioned entity within {REPORT_HOPS} hops in the loaded data."))
    if omitted:
        children.append(
            html.P(
                f"{omitted} more {'entity' if omitted == 1 else 'entities'} within {REPORT_HOPS} hops "
                "were not examined (too many to read at once); open the explorer to page through them.",
                className="note",
            )
        )
    nearest = center.properties.get(Prop.EXPOSURE_NEAREST)
    known = {p.entities[-1].id for p in paths}
    if isinstance(nearest, str) and nearest and nearest not in known and nearest != center.id:
        found = guarded(lambda: store.shortest_path(center.id, nearest, MAX_PATH_HOPS), back_to_search=False)
        if isinstance(found, Path):
            children.append(html.P("Further away, the nearest sanctioned entity found by the exposure analysis:"))
            children.append(path_section(found, len(paths) + 1))
        elif found is not None:
            children.append(found)
    return children


def render_report(store: GraphReader, entity_id: str, now: datetime | None = None) -> html.Div:
    """The whole page for ``/report/<entity_id>``."""
    entity_id = entity_id.strip()
    if not entity_id:
        return html.Div(error_alert("Give an entity id, for example /report/ofac-43377."), className="page")
    result = guarded(lambda: store.neighbourhood(entity_id, REPORT_HOPS))
    if not isinstance(result, Subgraph):
        return html.Div([result, *_print_controls(hidden=True)], className="page page-report")
    subgraph = result
    center = next((e for e in subgraph.entities if e.id == subgraph.center), None)
    if center is None:
        found = guarded(lambda: store.get_entity(entity_id))
        if not isinstance(found, Entity):
            return html.Div([found, *_print_controls(hidden=True)], className="page page-report")
        center = found
        subgraph = Subgraph(center.id, (center, *subgraph.entities), subgraph.relationships, subgraph.omitted)
    known = {e.id: e.name for e in subgraph.entities}
    # a listed address; the nearest sanctioned entity named from the view (the paths section names one further off)
    center = named_nearest(with_listings(store, [center]), known)[0]
    # the 50% rule from the two-hop neighbourhood already read (owners of owners; stored results at its edge)
    ownership = ownership_from_subgraph(subgraph) if center.kind in OWNED_KINDS else None
    paths = sanctioned_paths(subgraph)
    drawn = direct_view(subgraph, center, paths)
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    details = [r for r in entity_details(without_internal(center)) if r.label not in ("Designations", "Status", "Name")]
    specs = risk_badges(center)  # a listed address; the stored 50% rule unless worked out here
    if isinstance(ownership, OwnershipReport):
        specs = [b for b in specs if b[1] not in ("badge-blocked", "badge-possibly")]
        if ownership.standing() in ("blocked", "possibly blocked"):
            cls = "badge-blocked" if ownership.standing() == "blocked" else "badge-possibly"
            specs.append((f"{ownership.standing().upper()} (50% RULE)", cls, ownership.equation()))
    marks = [html.Span(text, className=f"badge {cls}", title=tip) for text, cls, tip in specs]
    status = "; ".join(entity_status(center))
    if isinstance(ownership, OwnershipReport) and not center.sanctioned and ownership.standing() != "not blocked":
        status = f"{ownership.standing().capitalize()} under the OFAC 50% rule (not listed itself)"
    direct_rels = [r for r in subgraph.relationships if center.id in (r.source, r.target)]
    path_rels = [r for p in paths for r in p.relationships]
    return html.Div(
        [
            html.P("Entity report", className="report-meta"),
            html.H1([html.Span(center.name, id="report-name"), " ", *badges(center.sanctioned, False), *marks]),
            html.P(
                [
                    kind_caption(center.kind),
                    " · ",
                    *badges(False, bool(center.properties.get(Prop.FRONT))),
                    status,
                    f" · Prepared {when} from the loaded data · Id {center.id}",
                ],
                className="report-meta",
            ),
            *_print_controls(center),
            _section("Designations", _designations(center), "report-designations"),
            *([ownership_section(ownership, heading="H2")] if isinstance(ownership, OwnershipReport) else []),
            _section("Details", [detail_list(details)], "report-details"),
            _section(
                "Connections",
                [_figure(drawn, center, {p.entities[-1].id for p in paths}), *_connections_table(center, subgraph)],
                "report-connections",
            ),
            _section(
                "Paths to sanctioned entities",
                _sanctioned_section(store, center, paths, subgraph.omitted),
                "report-sanctioned-paths",
            ),
            _section(
                "Sources",
                [
                    html.Ul(
                        [html.Li(s) for s in report_sources(center, direct_rels + path_rels)], className="source-list"
                    )
                ],
                "report-sources",
            ),
        ],
        className="page page-report",
    )


def _print_controls(center: Entity | None = None, hidden: bool = False) -> list[Any]:
    children: list[Any] = [
        html.Button("Print", id="report-print", n_clicks=0, className="button", type="button"),
        html.Span(id="report-print-status", className="hint"),
    ]
    if center is not None:
        children.append(dcc.Link("Open in the explorer", href=entity_href(center.id)))
    return [html.Div(children, className="report-actions no-print", style={"display": "none"} if hidden else None)]


def layout(entity_id: str | None = None, **_: Any) -> html.Div:
    """Dash pages calls this with the path's ``entity_id``; without it (Dash's validation layout) a skeleton."""
    if entity_id is None:
        return html.Div(_print_controls(hidden=True))
    return render_report(context.current().store, unquote(entity_id))


def title(entity_id: str | None = None, **_: Any) -> str:
    return f"{unquote(entity_id or '')} · report"


PRINT_JS = """
function(n) {
    if (n) { window.print(); }
    return "";
}
"""


def register_callbacks(app: dash.Dash) -> None:
    clientside: Callable[..., Any] = app.clientside_callback
    clientside(
        PRINT_JS,
        Output("report-print-status", "children"),
        Input("report-print", "n_clicks"),
        prevent_initial_call=True,
    )
