"""The evidence pack with the case's graph drawn in it: graph.evidence_pack (facts, paths, the 50% rule, notes, the
query log) given an SVG of the pinned entities and their neighbours, drawn by the explorer's own SVG drawing
(dashboard.exporters.view_svg, as the printed report draws). Served by the case page's "Download evidence pack"
button and written by `sanctions-graph case export ID --pack`."""

from __future__ import annotations

from typing import Any

from dashboard.entity.positions import radial_positions
from dashboard.exporters import GraphView, view_svg
from graph import CaseStore, Entity, EntityNotFound, Relationship, Subgraph, evidence_pack, get_case, notes_of

#: Neighbours drawn around each pinned entity.
PER_PINNED = 25


def case_svg(store: CaseStore, case_id: str) -> str | None:
    """The pinned entities and their direct neighbours (pinned and noted ones haloed), or None when none is pinned
    or in the graph."""
    case = get_case(store, case_id)
    entities: dict[str, Entity] = {}
    relationships: dict[str, Relationship] = {}
    for entity_id in case.pinned:
        try:
            around = store.neighbourhood(entity_id, 1, limit=PER_PINNED)
        except EntityNotFound:
            continue
        entities.update({e.id: e for e in around.entities})
        relationships.update({r.id: r for r in around.relationships})
    centre = next((i for i in case.pinned if i in entities), None)
    if centre is None:
        return None
    drawn = Subgraph(centre, tuple(entities.values()), tuple(relationships.values()))
    noted = {n.target for n in notes_of(store, case_id)}
    view = GraphView(f"{case.title}: pinned entities and their neighbours", drawn.entities, drawn.relationships)
    return view_svg(view, radial_positions(drawn), highlight=set(case.pinned) | (noted & set(entities)))


def pack_html(store: CaseStore, case_id: str) -> str:
    """The evidence pack of the case, its graph drawn in it."""
    return evidence_pack(store, case_id, image=case_svg(store, case_id))


def pack_download(store: Any, case_id: str) -> dict[str, Any]:
    """The pack as a dcc.Download's data."""
    return {"content": pack_html(store, case_id), "filename": f"{case_id}-evidence-pack.html", "type": "text/html"}


__all__ = ["PER_PINNED", "case_svg", "pack_download", "pack_html"]
