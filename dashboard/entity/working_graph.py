"""The entity page's working graph (``GraphState``): what has been loaded, expanded (page by page), hidden, pinned or
removed, as JSON in the page's ``graph-state`` store per browser tab, never on the server (``dashboard.entity.actions``
are the analyst's actions on it).

The expansions travel in the URL as steps (``Step``), one per expansion or "N more" click, in order, each written
compactly (``Step.token``): ``front`` (the next page of ``front``'s neighbours, as many as the first load's page
size), ``front~100`` (100 of them), ``front~OWNS.out`` (only its outgoing OWNS links), ``front~100~OWNS.in``. Pinned
entities travel with the place they were pinned at: ``front~120~-45`` (``pin_token``). The same step repeated (page
after page of one hub) is written once with its count, ``front*4`` (``logged``, ``unrolled``), so a URL stays
short."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dashboard.entity.exposure import NOT_ANALYSED, Risk
from dashboard.entity.view_values import DEFAULT_PAGE
from graph import Entity, Prop, Relationship, RelType

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
    #: How many neighbours of a hub the first load brought (the page size then): a reload loads with the same.
    cap: int = DEFAULT_PAGE
    #: Every expansion and "N more" page in order, as ``Step.token``s (sizes other than ``cap`` written out).
    steps: tuple[str, ...] = ()
    #: Where each pinned entity was pinned (those whose place the page knew), so a reload puts it there again.
    pinned_at: dict[str, tuple[float, float]] = field(default_factory=dict)

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
            "cap": self.cap,
            "steps": list(self.steps),
            "pins": [pin_token(i, self.pinned_at.get(i)) for i in self.pinned],
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
            cap=_count(data.get("cap"), DEFAULT_PAGE),
            steps=tuple(str(t) for t in data.get("steps") or ()),
            pinned_at={i: at for i, at in map(parse_pin, data.get("pins") or ()) if at is not None},
        )

    @property
    def expansion_count(self) -> int:
        """How many expansions and "N more" pages made the view (each repeat of a step counted)."""
        return max(len(unrolled(self.steps)), len(self.expanded))

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


def _count(raw: Any, default: int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default


# --- expansions and pins as URL tokens ----------------------------------------------------------------------------

STEP_SEPARATOR = "~"
#: ``front*4``: the step ``front`` four times in a row.
REPEAT = "*"
#: A URL asks for at most this many repeats of one step (2,000 entities at 25 a page: a view is full by then).
MAX_REPEAT = 80
_SIZE = re.compile(r"^[1-9][0-9]{0,5}$")
_BY_TYPE = re.compile(r"^([A-Z_]+)\.(out|in)$")
_COUNT = re.compile(r"[1-9][0-9]{0,5}")
_NUMBER = re.compile(r"^-?[0-9]{1,7}(?:\.[0-9])?$")


@dataclass(frozen=True)
class Step:
    """One expansion: the next ``size`` neighbours of ``entity`` (``rel``/``outgoing``: only links of that type in that
    direction, as the right-click menu's "Expand: owns (outgoing)")."""

    entity: str
    size: int
    rel: RelType | None = None
    outgoing: bool = True

    def token(self, cap: int) -> str:
        """The step in the URL: ``id``, then ``~size`` when it is not ``cap``, then ``~TYPE.out|in``."""
        parts = [self.entity]
        if self.size != cap:
            parts.append(str(self.size))
        if self.rel is not None:
            parts.append(f"{self.rel.value}.{'out' if self.outgoing else 'in'}")
        return STEP_SEPARATOR.join(parts)


def _repeated(token: str) -> tuple[str, int]:
    """'front*4' → ('front', 4); a token without a count is once."""
    step, mark, count = token.rpartition(REPEAT)
    if mark and step and _COUNT.fullmatch(count):
        return step, min(int(count), MAX_REPEAT)
    return token, 1


def logged(steps: tuple[str, ...], token: str) -> tuple[str, ...]:
    """The steps with ``token`` added: counted into the last one when it is the same step."""
    if steps:
        last, count = _repeated(steps[-1])
        if last == token:
            return (*steps[:-1], f"{token}{REPEAT}{count + 1}")
    return (*steps, token)


def unrolled(tokens: Iterable[str]) -> list[str]:
    """Every step once per repeat, in order: ['a*2', 'b'] → ['a', 'a', 'b']."""
    out: list[str] = []
    for token in tokens:
        step, count = _repeated(token)
        out += [step] * count
    return out


def parse_step(token: str, cap: int) -> Step | None:
    """A ``Step.token`` back (a bare id, as older URLs wrote expansions, is the next ``cap`` neighbours); the
    endings are read from the right, so an id with a '~' of its own is kept whole. None for an empty token."""
    parts = token.strip().split(STEP_SEPARATOR)
    size, rel, outgoing = cap, None, True
    if len(parts) > 1:
        found = _BY_TYPE.match(parts[-1])
        if found and found.group(1) in RelType.__members__:
            rel, outgoing = RelType[found.group(1)], found.group(2) == "out"
            parts.pop()
    if len(parts) > 1 and _SIZE.match(parts[-1]):
        size = int(parts.pop())
    entity = STEP_SEPARATOR.join(parts)
    return Step(entity, size, rel, outgoing) if entity else None


def pin_token(entity_id: str, at: tuple[float, float] | None) -> str:
    """A pinned entity in the URL: ``id~x~y`` (whole units of the canvas), or the id alone when its place is not
    known."""
    if at is None or not all(math.isfinite(v) for v in at):
        return entity_id
    return STEP_SEPARATOR.join((entity_id, str(round(at[0])), str(round(at[1]))))


def parse_pin(token: Any) -> tuple[str, tuple[float, float] | None]:
    """A ``pin_token`` back: the id and its place (None when the token has none)."""
    parts = str(token).strip().split(STEP_SEPARATOR)
    if len(parts) >= 3 and _NUMBER.match(parts[-1]) and _NUMBER.match(parts[-2]):
        return STEP_SEPARATOR.join(parts[:-2]), (float(parts[-2]), float(parts[-1]))
    return STEP_SEPARATOR.join(parts), None
