"""Typed domain objects that cross the store boundary (never driver records)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from graph.vocabulary import NodeKind, Prop, RelType

#: The domain objects: graph's public API re-exports exactly these (graph/__init__.py).
__all__ = [
    "Designation",
    "Direction",
    "Entity",
    "Link",
    "NodeRecord",
    "Path",
    "RelRecord",
    "Relationship",
    "SearchHit",
    "Stats",
    "Subgraph",
    "WriteCounts",
]

#: A property value as stored: scalars or lists of scalars.
Value = str | int | float | bool | list[str] | list[float] | list[int]


@dataclass(frozen=True)
class Designation:
    """One sanctions designation of an entity by one authority."""

    authority: str
    programs: tuple[str, ...]
    start_date: str | None = None
    source_url: str | None = None
    record_id: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "authority": self.authority,
                "programs": list(self.programs),
                "start_date": self.start_date,
                "source_url": self.source_url,
                "record_id": self.record_id,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Designation:
        data = json.loads(text)
        return cls(
            authority=str(data.get("authority") or ""),
            programs=tuple(data.get("programs") or ()),
            start_date=data.get("start_date"),
            source_url=data.get("source_url"),
            record_id=data.get("record_id"),
        )


@dataclass
class NodeRecord:
    """A node to upsert: its id, kind and properties (list properties are merged across sources)."""

    id: str
    kind: NodeKind
    props: dict[Prop, Any] = field(default_factory=dict)


@dataclass
class RelRecord:
    """A relationship to upsert between two node ids."""

    id: str
    type: RelType
    source: str
    target: str
    props: dict[Prop, Any] = field(default_factory=dict)
    #: Scalar properties a stored relationship of this id loses when ``props`` has no value for them (a delta
    #: file's new version of an edge replaces the old one's); lists are still united.
    clear: frozenset[Prop] = frozenset()


@dataclass(frozen=True)
class Entity:
    """A node as read from the store."""

    id: str
    kind: NodeKind
    name: str
    sanctioned: bool
    properties: dict[str, Any]

    @property
    def aliases(self) -> list[str]:
        return list(self.properties.get(Prop.ALIASES, []) or [])

    @property
    def countries(self) -> list[str]:
        return list(self.properties.get(Prop.COUNTRIES, []) or [])

    @property
    def designations(self) -> list[Designation]:
        return [Designation.from_json(t) for t in self.properties.get(Prop.DESIGNATIONS, []) or []]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the shape documented in the README)."""
        props = {
            k: v
            for k, v in self.properties.items()
            if k not in (Prop.ID, Prop.KIND, Prop.LOOKUP_KEYS, Prop.SEARCH_NAMES, Prop.DESIGNATIONS)
        }
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "sanctioned": self.sanctioned,
            "designations": [json.loads(d.to_json()) for d in self.designations],
            "properties": props,
        }


@dataclass(frozen=True)
class Relationship:
    """A relationship as read from the store."""

    id: str
    type: RelType
    source: str
    target: str
    properties: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        props = {k: v for k, v in self.properties.items() if k != Prop.ID}
        return {
            "id": self.id,
            "type": self.type.value,
            "source": self.source,
            "target": self.target,
            "properties": props,
        }


@dataclass(frozen=True)
class Subgraph:
    """Entities and relationships around a centre; ``omitted`` counts entities left out by the cap."""

    center: str
    entities: tuple[Entity, ...]
    relationships: tuple[Relationship, ...]
    omitted: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "center": self.center,
            "entities": [e.to_dict() for e in self.entities],
            "relationships": [r.to_dict() for r in self.relationships],
            "omitted": self.omitted,
        }


@dataclass(frozen=True)
class Path:
    """A path: entities in order and the relationships between consecutive ones."""

    entities: tuple[Entity, ...]
    relationships: tuple[Relationship, ...]

    @property
    def hops(self) -> int:
        return len(self.relationships)

    def to_dict(self) -> dict[str, Any]:
        return {
            "hops": self.hops,
            "entities": [e.to_dict() for e in self.entities],
            "relationships": [r.to_dict() for r in self.relationships],
        }


@dataclass(frozen=True)
class SearchHit:
    """A search result and why it matched."""

    entity: Entity
    matched: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        d = self.entity.to_dict()
        d["matched"] = self.matched
        d["reason"] = self.reason
        return d


@dataclass(frozen=True)
class Stats:
    """Counts of nodes by kind and relationships by type."""

    nodes: dict[str, int]
    relationships: dict[str, int]

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_relationships(self) -> int:
        return sum(self.relationships.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": dict(sorted(self.nodes.items())),
            "relationships": dict(sorted(self.relationships.items())),
            "total_nodes": self.total_nodes,
            "total_relationships": self.total_relationships,
        }


@dataclass
class WriteCounts:
    """What a batch write changed in the store."""

    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    rows_written: int = 0

    def add(self, other: WriteCounts) -> None:
        self.nodes_created += other.nodes_created
        self.relationships_created += other.relationships_created
        self.properties_set += other.properties_set
        self.rows_written += other.rows_written


class Direction(StrEnum):
    """Which relationships of an entity to follow: those it is the source of, the target of, or both."""

    OUT = "out"
    IN = "in"
    BOTH = "both"


@dataclass(frozen=True)
class Link:
    """One relationship seen from one of its ends (``origin``), with only the properties that were asked for.

    ``outgoing`` is true when ``origin`` is the relationship's source. ``rel`` and ``node`` map property names
    to values (None when absent) of the relationship and of the other end; analytics read these, not whole entities.
    """

    origin: str
    type: RelType
    outgoing: bool
    other: str
    rel_id: str
    rel: dict[str, Any] = field(default_factory=dict)
    node: dict[str, Any] = field(default_factory=dict)
