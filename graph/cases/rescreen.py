"""Rescreen: what the graph says now about a case's pinned entities, compared with what it said when they were
pinned or last rescreened.

An entity's picture: whether it exists, its name, whether it is sanctioned and under which programs, whether it is
blocked under the 50% rule, its exposure hops and nearest listed party (read live, never from analyze's stored
results, which a newer load may have made stale) and how many transfers it has. Each difference is a Change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from graph.analytics.exposure import entity_exposure
from graph.analytics.ownership import entity_ownership
from graph.errors import EntityNotFound
from graph.stores.base import GraphReader
from graph.vocabulary import Prop, RelType

#: Picture fields compared, with the words a change is told in.
FIELDS: dict[str, str] = {
    "exists": "in the graph",
    "name": "name",
    "sanctioned": "sanctioned",
    "programs": "programs",
    "blocked": "blocked under the 50% rule",
    "exposure_hops": "hops to the nearest listed party",
    "nearest": "nearest listed party",
    "transfers": "transfers",
}


def picture(store: GraphReader, entity_id: str) -> dict[str, Any]:
    """What the graph says about one entity now (JSON-ready)."""
    try:
        entity = store.get_entity(entity_id)
    except EntityNotFound:
        return {"exists": False}
    exposure = entity_exposure(store, entity_id, use_stored=False).exposure
    nearest_name = None
    if exposure.nearest is not None:
        found = store.get_entities([exposure.nearest])
        nearest_name = found[0].name if found else None
    degrees = store.link_degrees([entity_id], [RelType.TRANSFERRED])
    return {
        "exists": True,
        "name": entity.name,
        "sanctioned": entity.sanctioned,
        "programs": sorted(str(p) for p in entity.properties.get(Prop.PROGRAMS.value) or ()),
        "blocked": entity_ownership(store, entity_id).blocked,
        "exposure_hops": exposure.hops,
        "nearest": exposure.nearest,
        "nearest_name": nearest_name,
        "transfers": degrees.get(entity_id, 0),
    }


@dataclass(frozen=True)
class Change:
    case_id: str
    entity_id: str
    field: str
    before: Any
    after: Any
    text: str
    load: str | None = None  # the load whose change record names this entity (graph.cases.changes), if one does

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return str(value)


def headline(field: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    """What a change means for the list, said first: a designation removed (the entity no longer sanctioned, or
    gone from the graph while it was) or a new one; empty for other changes."""
    was = bool(before.get("sanctioned"))
    if (field == "sanctioned" and was and not after.get("sanctioned")) or (field == "exists" and was):
        return "designation removed: "
    if field == "sanctioned" and not was and after.get("sanctioned"):
        return "new designation: "
    return ""


def compare(case_id: str, entity_id: str, before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The changes between two pictures of one entity, in FIELDS order."""
    name = after.get("name") or before.get("name") or entity_id
    if before.get("exists", True) != after.get("exists", True):
        field_changes = ["exists"]
    elif not after.get("exists", True):
        field_changes = []
    else:
        field_changes = [f for f in FIELDS if f != "exists" and before.get(f) != after.get(f)]
    out = []
    for f in field_changes:
        old, new = before.get(f), after.get(f)
        if f == "nearest":
            old, new = before.get("nearest_name") or old, after.get("nearest_name") or new
        text = f"{name} ({entity_id}): {headline(f, before, after)}{FIELDS[f]} {_shown(old)} -> {_shown(new)}"
        out.append(Change(case_id, entity_id, f, before.get(f), after.get(f), text))
    return out
