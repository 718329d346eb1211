"""The entity page's working graph (``GraphState``): what has been loaded, expanded, hidden, pinned or removed, as
JSON in the page's ``graph-state`` store per browser tab, never on the server (``dashboard.entity.actions`` are the
analyst's actions on it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dashboard.entity.exposure import NOT_ANALYSED, Risk
from graph import Entity, Prop, Relationship

MORE_PREFIX = "more:"

#: Relationship properties kept in the view (the rest are bookkeeping of the store).
_REL_DROP = frozenset({Prop.ID.value})


# --- what the view holds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeInfo:
    """What the graph needs of an entity (its full record is read when it is clicked)."""

    id: str
    kind: str
    name: str
    sanctioned: bool = False
    front: bool = False
    stub: bool = False
    datasets: tuple[str, ...] = ()
    risk: Risk = NOT_ANALYSED  # stored results of `sanctions-graph analyze` (exposure, 50% rule)

    @classmethod
    def of(cls, entity: Entity) -> NodeInfo:
        p = entity.properties
        return cls(
            id=entity.id,
            kind=entity.kind.value,
            name=entity.name,
            sanctioned=entity.sanctioned,
            front=bool(p.get(Prop.FRONT)),
            stub=bool(p.get(Prop.STUB)),
            datasets=tuple(str(d) for d in p.get(Prop.DATASETS) or ()),
            risk=Risk.of(p),
        )

    def to_json(self) -> list[Any]:
        row = [self.id, self.kind, self.name, self.sanctioned, self.front, self.stub, list(self.datasets)]
        risk = self.risk.to_json()
        return row if risk is None else [*row, risk]

    @classmethod
    def from_json(cls, row: Sequence[Any]) -> NodeInfo:
        risk = Risk.from_json(row[7]) if len(row) > 7 else NOT_ANALYSED
        return cls(str(row[0]), str(row[1]), str(row[2]), bool(row[3]), bool(row[4]), bool(row[5]), tuple(row[6]), risk)


@dataclass(frozen=True)
class EdgeInfo:
    """A relationship with its facts (amount, dates, sources…), as the details panel and the filters need them."""

    id: str
    type: str
    source: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, rel: Relationship) -> EdgeInfo:
        props = {k: v for k, v in rel.properties.items() if k not in _REL_DROP and v is not None and v != []}
        return cls(rel.id, rel.type.value, rel.source, rel.target, props)

    def to_json(self) -> list[Any]:
        return [self.id, self.type, self.source, self.target, self.props]

    @classmethod
    def from_json(cls, row: Sequence[Any]) -> EdgeInfo:
        return cls(str(row[0]), str(row[1]), str(row[2]), str(row[3]), dict(row[4] or {}))


@dataclass(frozen=True)
class GraphState:
    """The working graph. ``degree`` holds the total number of neighbours of the entities whose neighbours were
    capped or expanded: where it exceeds the neighbours in the view, an "N more" node offers the rest."""

    center: str
    hops: int
    nodes: dict[str, NodeInfo]
    edges: dict[str, EdgeInfo]
    degree: dict[str, int] = field(default_factory=dict)
    expanded: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    pinned: tuple[str, ...] = ()
    #: Entities within the hops the first load left out because the view was full.
    omitted: int = 0
    #: Groups of leaves the analyst opened (``dashboard.entity.groups``).
    opened: tuple[str, ...] = ()
    #: Entities the analyst removed (an expansion that brings one back takes it off), so a reload removes them again.
    removed: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "center": self.center,
            "hops": self.hops,
            "nodes": [n.to_json() for n in self.nodes.values()],
            "edges": [e.to_json() for e in self.edges.values()],
            "degree": self.degree,
            "expanded": list(self.expanded),
            "hidden": list(self.hidden),
            "pinned": list(self.pinned),
            "omitted": self.omitted,
            "opened": list(self.opened),
            "removed": list(self.removed),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GraphState:
        nodes = [NodeInfo.from_json(row) for row in data.get("nodes") or ()]
        edges = [EdgeInfo.from_json(row) for row in data.get("edges") or ()]
        return cls(
            center=str(data["center"]),
            hops=int(data.get("hops") or 1),
            nodes={n.id: n for n in nodes},
            edges={e.id: e for e in edges},
            degree={str(k): int(v) for k, v in (data.get("degree") or {}).items()},
            expanded=tuple(data.get("expanded") or ()),
            hidden=tuple(data.get("hidden") or ()),
            pinned=tuple(data.get("pinned") or ()),
            omitted=int(data.get("omitted") or 0),
            opened=tuple(data.get("opened") or ()),
            removed=tuple(data.get("removed") or ()),
        )

    def neighbours(self, node_id: str) -> set[str]:
        """The neighbours of ``node_id`` that are in the view."""
        out: set[str] = set()
        for e in self.edges.values():
            if e.source == node_id:
                out.add(e.target)
            elif e.target == node_id:
                out.add(e.source)
        out.discard(node_id)
        return out

    def more(self) -> dict[str, int]:
        """Entity id → how many of its neighbours are not in the view, for those where that is known and > 0."""
        counts: dict[str, int] = {}
        if not self.degree:
            return counts
        adjacency: dict[str, set[str]] = {i: set() for i in self.degree}
        for e in self.edges.values():
            if e.source in adjacency and e.target != e.source:
                adjacency[e.source].add(e.target)
            if e.target in adjacency and e.target != e.source:
                adjacency[e.target].add(e.source)
        for node_id, total in self.degree.items():
            missing = total - len(adjacency[node_id])
            if node_id in self.nodes and missing > 0:
                counts[node_id] = missing
        return counts


def more_id(parent: str) -> str:
    return MORE_PREFIX + parent


def more_parent(element_id: str) -> str | None:
    """The entity an "N more" node belongs to, or None for any other id."""
    return element_id[len(MORE_PREFIX) :] if element_id.startswith(MORE_PREFIX) else None
