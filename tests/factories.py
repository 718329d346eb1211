"""Entities and relationships as a store reads them back, built in one line for tests."""

from __future__ import annotations

from typing import Any

from graph.model import Entity, Relationship
from graph.vocabulary import NodeKind, RelType


def ent(entity_id: str, kind: NodeKind, name: str, sanctioned: bool = False, **props: Any) -> Entity:
    """An entity whose properties hold its id, kind, name and mark, then ``props`` as given."""
    properties = {"id": entity_id, "kind": kind.value, "name": name, "sanctioned": sanctioned, **props}
    return Entity(entity_id, kind, name, sanctioned, properties)


def rel(rel_id: str, rel_type: RelType, source: str, target: str, **props: Any) -> Relationship:
    """A relationship whose properties hold its id, then ``props`` as given."""
    return Relationship(rel_id, rel_type, source, target, {"id": rel_id, **props})
