"""Exposure: hops to the nearest sanctioned entity, which one, through which path, and how many sanctioned entities
lie within 1, 2 and 3 hops.

Rules (the same for one entity on demand and for every entity in `analyze`):
- relationships are followed in both directions; the caller chooses which types (default: all);
- a SAME_AS is followed when an analyst accepted it (``status`` "accepted"); an unjudged candidate only when the
  caller asks for candidates (``candidates``), a rejected one only with ``follow_rejected``
  (graph.matching.judgements.followed_statuses);
- "sanctioned" means the entity's ``sanctioned`` mark (a designation by some authority);
- a sanctioned entity is at 0 hops from itself and is not counted in its own ``sanctioned_within``;
- the nearest one is the sanctioned entity at the fewest hops; ties go to the smallest id.

Two implementations of one definition:
- ``exposure_of`` walks out from one entity hop by hop through a callback (a few targeted store queries), bounded
  by ``max_hops`` and a visit budget, for the CLI and the dashboard;
- ``ExposureGraph`` holds the whole graph as integer adjacency lists for ``analyze``: one multi-source BFS from the
  sanctioned set gives every entity's distance, nearest and path; the counts within 1-3 hops come from pushing
  bitsets of sanctioned sources three times over the edges, so hubs cost one pass, not one walk per source.
"""

from __future__ import annotations

import operator
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.matching.judgements import followed_statuses, status_of
from graph.model import Direction, Entity, Link
from graph.stores.base import GraphReader
from graph.vocabulary import RELATIONSHIPS, Prop, RelType

#: How far the on-demand walk looks for the nearest sanctioned entity by default, and at most.
DEFAULT_MAX_HOPS = 6
MAX_MAX_HOPS = 10
#: Hops over which sanctioned entities are counted.
COUNT_HOPS = 3
#: Sanctioned entities whose counts ``analyze`` pushes over the edges at once (bits per bitset).
SOURCE_BLOCK = 256
#: Seconds between two progress lines of the counting step (minutes at millions of entities).
PROGRESS_EVERY_S = 30.0
#: Entities the on-demand walk may visit before it stops and says its answer is incomplete.
DEFAULT_VISIT_BUDGET = 50_000
#: Relationships a next hop may cross before the walk prefers the entity's stored results (when there are any).
DEFAULT_EXPENSIVE_HOP = 600

_TYPES: tuple[RelType, ...] = tuple(RelType)
_CODE_BITS = 5  # 2 * len(RelType) < 32: an adjacency entry is (neighbour << 5) | (type index << 1) | forward


def step_label(rel_type: RelType, forward: bool) -> str:
    """'OWNS>' when the path walks the relationship from its source to its target, '<OWNS' the other way."""
    return f"{rel_type.value}>" if forward else f"<{rel_type.value}"


def parse_step_label(label: str) -> tuple[RelType, bool]:
    if label.endswith(">"):
        return RelType(label[:-1]), True
    return RelType(label.lstrip("<")), False


def resolve_types(include: Sequence[RelType] | None, exclude: Sequence[RelType] | None) -> tuple[RelType, ...]:
    """The relationship types to follow: ``include`` (all if empty) minus ``exclude``."""
    chosen = tuple(include) if include else tuple(RelType)
    return tuple(t for t in chosen if t not in set(exclude or ()))


@dataclass(frozen=True)
class Exposure:
    """Exposure of one entity. ``path`` runs from the entity to ``nearest`` (both included); ``steps[i]`` is how
    ``path[i]`` and ``path[i + 1]`` are related (see ``step_label``)."""

    entity: str
    hops: int | None
    nearest: str | None
    path: tuple[str, ...]
    steps: tuple[str, ...]
    within: tuple[int, int, int]
    complete: bool = True
    rel_ids: tuple[str, ...] = ()
    method: str = "walk"  # "walk", "walk+stored" (finished from neighbours' stored results), "stored", "analyze"


# --- one entity, on demand ------------------------------------------------------------------------------------


#: The SAME_AS ``status`` that means "not the same": such candidates are not followed by default.
REJECTED_STATUS = "rejected"


def is_rejected(rel_type: RelType, status: Any) -> bool:
    """Whether a relationship is a SAME_AS candidate rejected as a match (compared without case or spaces)."""
    return rel_type is RelType.SAME_AS and isinstance(status, str) and status.strip().casefold() == REJECTED_STATUS


def is_followed(rel_type: RelType, status: Any, candidates: bool = False, follow_rejected: bool = False) -> bool:
    """Whether a walk crosses this relationship: any but SAME_AS; a SAME_AS when accepted, unjudged with
    ``candidates``, rejected with ``follow_rejected``."""
    if rel_type is not RelType.SAME_AS:
        return True
    return status_of({Prop.STATUS.value: status}) in followed_statuses(candidates, follow_rejected)


def types_key(types: Sequence[RelType], follow_rejected: bool = False, candidates: bool = False) -> str:
    """How a set of followed types is recorded with stored results: 'ALL' or the type names in vocabulary order,
    with '+candidates' when unjudged SAME_AS candidates were followed and '+rejected' when rejected ones were."""
    chosen = set(types)
    key = "ALL" if chosen >= set(RelType) else ",".join(t.value for t in RelType if t in chosen)
    key += "+candidates" if candidates and RelType.SAME_AS in chosen else ""
    return key + "+rejected" if follow_rejected and RelType.SAME_AS in chosen else key


#: Reads an entity's stored exposure path: (path ids, step labels), or None when it has none.
StoredPath = Callable[[str], tuple[list[str], list[str]] | None]


def exposure_of(
    entity_id: str,
    entity_sanctioned: bool,
    expand: Callable[[list[str], bool], list[Link]],
    max_hops: int = DEFAULT_MAX_HOPS,
    visit_budget: int = DEFAULT_VISIT_BUDGET,
    precomputed: str | None = None,
    stored_path: StoredPath | None = None,
    stored_self: Exposure | None = None,
    degree: Callable[[list[str]], int] | None = None,
    expensive_hop: int = DEFAULT_EXPENSIVE_HOP,
) -> Exposure:
    """Walk out from one entity, a hop at a time, until the nearest sanctioned entity is found (and at least
    ``COUNT_HOPS`` hops were counted) or ``max_hops`` is reached.

    ``expand(frontier, only_sanctioned)`` returns the links of the frontier entities with ``node['sanctioned']``
    of the other end (and, for ``precomputed``, its stored ``exposure_hops``, ``exposure_nearest`` and
    ``exposure_types``); with ``only_sanctioned`` just the links to sanctioned entities. The walk asks for only
    those on the last counted hop (a hub two hops away makes that hop huge) and expands that hop fully only when it
    must go on, i.e. when no sanctioned entity lies within ``COUNT_HOPS`` hops.

    Then, with ``precomputed`` (the ``types_key`` of the followed types) and ``stored_path``, the walk finishes from
    the results ``analyze`` stored on the entities exactly 2 hops away: every path to a sanctioned entity 4 or more
    hops away passes through one of them, so the distance is 2 + the least of their stored distances. It is used
    only when all of them carry results for the same types and those results agree with what the walk saw;
    otherwise the walk goes on live.

    Hubs (an address shared by thousands of companies) make a hop cost thousands of rows. With ``stored_self`` (the
    entity's own stored results for the same types) and ``degree(frontier)`` (how many relationships the next hop
    would cross), a hop costing more than ``expensive_hop`` is not walked: the stored results are returned instead
    (``method`` "stored"), provided they agree with everything the walk has seen so far (the counts of the hops
    walked, and the nearest found or the absence of one).
    """
    seen: dict[str, tuple[str, str, str]] = {entity_id: ("", "", "")}  # id -> (parent, step label, rel id)
    counts = [0] * COUNT_HOPS
    nearest: str | None = entity_id if entity_sanctioned else None
    hops: int | None = 0 if entity_sanctioned else None
    frontier = [entity_id]
    sphere: dict[str, dict[str, Any]] = {}  # entities exactly 2 hops away -> their stored results
    complete = True
    depth = 0
    limit = max(min(max_hops, MAX_MAX_HOPS), COUNT_HOPS)  # always count 1-3 hops; report a nearest within max_hops
    while frontier and depth < limit:
        depth += 1
        if nearest is not None and depth > COUNT_HOPS:
            break
        last_counted = depth in (COUNT_HOPS, limit)
        if stored_self is not None and degree is not None and degree(frontier) > expensive_hop:
            agreed = _stored_if_consistent(stored_self, depth - 1, counts, nearest, hops, max_hops)
            if agreed is not None:
                return agreed
            stored_self = None  # disagrees: walk on, and don't ask again
        links = expand(frontier, last_counted)
        if last_counted and nearest is None and depth < limit and not links:
            finished = _finish_from_stored(sphere, precomputed, stored_path, seen) if depth == 3 else None
            if finished is not None:
                f_hops, f_nearest, f_path, f_steps = finished
                if f_hops is not None and f_hops > max_hops:
                    f_hops, f_nearest, f_path, f_steps = None, None, (), ()
                within = (counts[0], counts[0] + counts[1], counts[0] + counts[1])
                rel_ids = tuple(seen[n][2] for n in f_path[1:3]) + ("",) * max(len(f_steps) - 2, 0)
                return Exposure(entity_id, f_hops, f_nearest, f_path, f_steps, within, True, rel_ids, "walk+stored")
            links = expand(frontier, False)  # nothing sanctioned within COUNT_HOPS: the walk must go on
            last_counted = False
        if len(links) > visit_budget:
            complete = False
        found_here: list[str] = []
        next_frontier: list[str] = []
        for link in sorted(links, key=lambda lk: (lk.other, lk.origin, lk.rel_id)):
            if link.other in seen:
                continue
            seen[link.other] = (link.origin, step_label(link.type, link.outgoing), link.rel_id)
            next_frontier.append(link.other)
            if depth == 2:
                sphere[link.other] = link.node
            if link.node.get(Prop.SANCTIONED.value):
                found_here.append(link.other)
                if depth <= COUNT_HOPS:
                    counts[depth - 1] += 1
        if found_here and nearest is None:
            nearest, hops = min(found_here), depth
        if len(seen) > visit_budget:
            complete = False
            break
        frontier = [] if last_counted else next_frontier
    if hops is not None and hops > max_hops:
        nearest, hops = None, None
    within = (counts[0], counts[0] + counts[1], counts[0] + counts[1] + counts[2])
    path, steps, rel_ids = _path_back(nearest, seen) if nearest is not None else ((), (), ())
    return Exposure(entity_id, hops, nearest, path, steps, within, complete, rel_ids)


def _stored_if_consistent(
    stored: Exposure, walked: int, counts: list[int], nearest: str | None, hops: int | None, max_hops: int
) -> Exposure | None:
    """The stored exposure (as method "stored") if it agrees with the ``walked`` hops; None otherwise."""
    live_within = [sum(counts[:k]) for k in range(1, COUNT_HOPS + 1)]
    if list(stored.within[:walked]) != live_within[:walked]:
        return None
    if nearest is not None:
        if (stored.hops, stored.nearest) != (hops, nearest):
            return None
    elif stored.hops is not None and stored.hops <= walked:
        return None
    if stored.hops is not None and len(stored.path) != stored.hops + 1:
        return None
    if stored.hops is not None and stored.hops > max_hops:
        return Exposure(stored.entity, None, None, (), (), stored.within, True, (), "stored")
    rel_ids = ("",) * len(stored.steps)
    return Exposure(
        stored.entity, stored.hops, stored.nearest, stored.path, stored.steps, stored.within, True, rel_ids, "stored"
    )


def stored_exposure(entity_id: str, props: dict[str, Any], key: str) -> Exposure | None:
    """An entity's stored exposure if ``analyze`` wrote one for the followed types ``key``."""
    if props.get(Prop.EXPOSURE_TYPES.value) != key:
        return None
    within = props.get(Prop.SANCTIONED_WITHIN.value) or []
    if len(within) != COUNT_HOPS:
        return None
    hops = props.get(Prop.EXPOSURE_HOPS.value)
    path = tuple(str(p) for p in props.get(Prop.EXPOSURE_PATH.value) or ())
    steps = tuple(str(p) for p in props.get(Prop.EXPOSURE_PATH_RELS.value) or ())
    nearest = props.get(Prop.EXPOSURE_NEAREST.value)
    return Exposure(
        entity_id,
        None if hops is None else int(hops),
        None if nearest is None else str(nearest),
        path,
        steps,
        (int(within[0]), int(within[1]), int(within[2])),
    )


def _finish_from_stored(
    sphere: dict[str, dict[str, Any]],
    precomputed: str | None,
    stored_path: StoredPath | None,
    seen: dict[str, tuple[str, str, str]],
) -> tuple[int | None, str | None, tuple[str, ...], tuple[str, ...]] | None:
    """(hops, nearest, path, steps) from the stored results of the 2-hop sphere, or None when they can't be used."""
    if precomputed is None or stored_path is None:
        return None
    best: tuple[int, str, str] | None = None  # (stored hops, stored nearest, via)
    for node_id, props in sphere.items():
        if props.get(Prop.EXPOSURE_TYPES.value) != precomputed:
            return None  # not analysed, or for other types
        stored = props.get(Prop.EXPOSURE_HOPS.value)
        if stored is None:
            continue
        candidate = (int(stored), str(props.get(Prop.EXPOSURE_NEAREST.value)), node_id)
        if best is None or candidate < best:
            best = candidate
    if best is None:
        return (None, None, (), ())  # nothing sanctioned is reachable from any of them
    if best[0] < 2:
        return None  # a sanctioned entity within 3 hops that the walk did not see: stale results
    stored = stored_path(best[2])
    if stored is None or not stored[0] or stored[0][0] != best[2] or stored[0][-1] != best[1]:
        return None
    head, head_steps, _ = _path_back(best[2], seen)
    path = (*head, *stored[0][1:])
    steps = (*head_steps, *stored[1])
    if len(steps) != len(path) - 1:
        return None
    return (2 + best[0], best[1], path, steps)


def _path_back(
    nearest: str, seen: dict[str, tuple[str, str, str]]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    chain = [nearest]
    steps: list[str] = []
    rel_ids: list[str] = []
    node = nearest
    while seen[node][0]:
        parent, label, rid = seen[node]
        chain.append(parent)
        steps.append(label)
        rel_ids.append(rid)
        node = parent
    chain.reverse()
    steps.reverse()
    rel_ids.reverse()
    return tuple(chain), tuple(steps), tuple(rel_ids)


def entity_exposure(
    store: GraphReader,
    entity_id: str,
    types: Sequence[RelType] | None = None,
    max_hops: int = DEFAULT_MAX_HOPS,
    visit_budget: int = DEFAULT_VISIT_BUDGET,
    use_stored: bool = True,
    expensive_hop: int = DEFAULT_EXPENSIVE_HOP,
    follow_rejected: bool = False,
    candidates: bool = False,
) -> ExposureReport:
    """Exposure of one entity, read live from the store (a handful of one-hop queries); beyond 3 hops finished from
    analyze's stored results when they are there for the same types (``use_stored``; see ``exposure_of``).
    SAME_AS is crossed when accepted; unjudged candidates with ``candidates``, rejected ones with
    ``follow_rejected``."""
    entity = store.get_entity(entity_id)
    follow = tuple(types) if types else tuple(RelType)
    node_props = (Prop.SANCTIONED, Prop.EXPOSURE_HOPS, Prop.EXPOSURE_NEAREST, Prop.EXPOSURE_TYPES)
    screen = RelType.SAME_AS in follow
    rel_props = (Prop.STATUS,) if screen else ()

    def expand(frontier: list[str], only_sanctioned: bool) -> list[Link]:
        flag = Prop.SANCTIONED if only_sanctioned else None
        links = store.links(
            frontier,
            follow,
            Direction.BOTH,
            rel_props=rel_props,
            node_props=node_props,
            limit=visit_budget + 1,
            other_flag=flag,
        )
        if screen:
            status = Prop.STATUS.value
            links = [lk for lk in links if is_followed(lk.type, lk.rel.get(status), candidates, follow_rejected)]
        return links

    def stored_path(node_id: str) -> tuple[list[str], list[str]] | None:
        props = store.get_entity(node_id).properties
        path, steps = props.get(Prop.EXPOSURE_PATH.value), props.get(Prop.EXPOSURE_PATH_RELS.value)
        return (list(path), list(steps)) if path and steps is not None else None

    def degree(frontier: list[str]) -> int:
        return sum(store.link_degrees(frontier, follow, Direction.BOTH).values())

    key = types_key(follow, follow_rejected, candidates)
    result = exposure_of(
        entity.id,
        entity.sanctioned,
        expand,
        max_hops=max_hops,
        visit_budget=visit_budget,
        precomputed=key if use_stored else None,
        stored_path=stored_path,
        stored_self=stored_exposure(entity.id, entity.properties, key) if use_stored else None,
        degree=degree,
        expensive_hop=expensive_hop,
    )
    on_path = {e.id: e for e in store.get_entities(list(result.path))} if result.path else {}
    return ExposureReport(result, entity, on_path, follow, max_hops)


@dataclass(frozen=True)
class ExposureReport:
    """An exposure with what is needed to explain it: the entities on the path and the rules it was computed by."""

    exposure: Exposure
    entity: Entity
    on_path: dict[str, Entity]
    types: tuple[RelType, ...]
    max_hops: int

    def explanation(self) -> str:
        x = self.exposure
        if x.hops is None:
            where = f"within {self.max_hops} hops" if x.complete else "in the part of the graph read"
            return f"No sanctioned entity {where} of {self.entity.name}."
        if x.hops == 0:
            return f"{self.entity.name} is itself sanctioned."
        names = [self.on_path[i].name if i in self.on_path else i for i in x.path]
        text = names[0]
        for label, name in zip(x.steps, names[1:], strict=True):
            rel_type, forward = parse_step_label(label)
            caption = RELATIONSHIPS[rel_type].caption
            text += f" —{caption}→ {name}" if forward else f" ←{caption}— {name}"
        return f"{x.hops} hop(s) to sanctioned {names[-1]}: {text}."

    def to_dict(self) -> dict[str, Any]:
        x = self.exposure
        nearest = self.on_path.get(x.nearest) if x.nearest else None
        return {
            "entity": _brief(self.entity),
            "hops": x.hops,
            "nearest": x.nearest,
            "nearest_name": nearest.name if nearest else None,
            "path": list(x.path),
            "steps": [
                {
                    "from": a,
                    "to": b,
                    "type": parse_step_label(label)[0].value,
                    "direction": "forward" if parse_step_label(label)[1] else "backward",
                    "relationship_id": rid or None,
                }
                for a, b, label, rid in zip(x.path[:-1], x.path[1:], x.steps, x.rel_ids, strict=True)
            ],
            "path_entities": [_brief(self.on_path[i]) for i in x.path if i in self.on_path],
            "sanctioned_within": {"1": x.within[0], "2": x.within[1], "3": x.within[2]},
            "types": [t.value for t in self.types],
            "max_hops": self.max_hops,
            "complete": x.complete,
            "method": x.method,
            "analyzed_at": None if x.method == "walk" else self.entity.properties.get(Prop.ANALYZED_AT.value),
            "explanation": self.explanation(),
        }


def _brief(e: Entity) -> dict[str, Any]:
    return {"id": e.id, "name": e.name, "kind": e.kind.value, "sanctioned": e.sanctioned}


# --- every entity at once (analyze) -----------------------------------------------------------------------------


@dataclass
class ExposureGraph:
    """The whole graph as integer adjacency lists (both directions), built from streamed edges."""

    ids: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    sanctioned: list[bool] = field(default_factory=list)
    adjacency: list[list[int]] = field(default_factory=list)
    edges: int = 0

    def add_node(self, node_id: str, sanctioned: bool = False) -> int:
        i = self.index.get(node_id)
        if i is None:
            i = len(self.ids)
            self.index[node_id] = i
            self.ids.append(node_id)
            self.sanctioned.append(bool(sanctioned))
            self.adjacency.append([])
        elif sanctioned:
            self.sanctioned[i] = True
        return i

    def add_edges(self, rel_type: RelType, pairs: Iterable[tuple[Any, ...]]) -> None:
        """Add (source id, target id, ...) pairs of one type; ends not yet known are added as nodes."""
        code = _TYPES.index(rel_type) << 1
        index, adjacency, add = self.index, self.adjacency, self.add_node
        for pair in pairs:
            s = index.get(pair[0])
            if s is None:
                s = add(pair[0])
            t = index.get(pair[1])
            if t is None:
                t = add(pair[1])
            adjacency[s].append((t << _CODE_BITS) | code | 1)
            adjacency[t].append((s << _CODE_BITS) | code)
            self.edges += 1

    def nearest(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """Multi-source BFS from every sanctioned node: (distance or -1, parent, parent entry code, source).

        Sources are taken in id order and each level is processed in the order of its nodes' sources, so a node's
        nearest is the smallest id among the sanctioned nodes at its distance."""
        n = len(self.ids)
        dist = [-1] * n
        parent = [-1] * n
        code = [0] * n
        source = [-1] * n
        frontier = sorted((i for i in range(n) if self.sanctioned[i]), key=self.ids.__getitem__)
        for i in frontier:
            dist[i], source[i] = 0, i
        depth = 0
        adjacency = self.adjacency
        mask = (1 << _CODE_BITS) - 1
        while frontier:
            depth += 1
            nxt: list[int] = []
            for u in frontier:
                su = source[u]
                for entry in adjacency[u]:
                    v = entry >> _CODE_BITS
                    if dist[v] < 0:
                        dist[v], parent[v], code[v], source[v] = depth, u, entry & mask, su
                        nxt.append(v)
            frontier = nxt
        return dist, parent, code, source

    def sanctioned_within(
        self,
        hops: int = COUNT_HOPS,
        block: int = SOURCE_BLOCK,
        progress: Callable[[str], None] | None = None,
        every_s: float = PROGRESS_EVERY_S,
    ) -> list[array[int]]:
        """For k = 1..hops, per node, how many sanctioned nodes lie within k hops (itself excluded).

        The sanctioned nodes are taken ``block`` at a time: each block's bitsets are pushed ``hops`` times over the
        edges from the nodes that gained a bit, kept only for the nodes the block reaches, and each node's count
        grows by the bits it gains. Memory is the block's reach times ``block`` bits, whatever the number of
        sanctioned nodes (one bitset of every sanctioned node per reached node took 13.5 GB at 5M entities and
        40,000 sanctioned); a hub costs one pass per block, not one walk per source. ``progress`` is told how many
        sanctioned nodes are counted so far, at most once every ``every_s`` seconds, and once at the end."""
        n = len(self.ids)
        order = sorted((i for i in range(n) if self.sanctioned[i]), key=self.ids.__getitem__)
        gained = [array("l", bytes(8 * n)) for _ in range(hops)]  # bits gained at hop k+1
        adjacency = self.adjacency
        said = time.monotonic()
        for first in range(0, len(order), max(1, block)):
            if progress is not None and first and time.monotonic() - said >= every_s:
                progress(f"counted sanctioned entities within {hops} hops: {first} of {len(order)} done")
                said = time.monotonic()
            reached: dict[int, int] = {i: 1 << bit for bit, i in enumerate(order[first : first + block])}
            delta = dict(reached)
            for hop in range(hops):
                pushed: dict[int, int] = {}
                get = pushed.get
                for u, bits in delta.items():
                    for entry in adjacency[u]:
                        v = entry >> _CODE_BITS
                        pushed[v] = get(v, 0) | bits
                delta = {}
                counts = gained[hop]
                for v, bits in pushed.items():
                    old = reached.get(v, 0)
                    new = bits & ~old
                    if new:
                        reached[v] = old | new
                        delta[v] = new
                        counts[v] += new.bit_count()
        if progress is not None:
            progress(f"counted sanctioned entities within {hops} hops: {len(order)} of {len(order)} done")
        out: list[array[int]] = []
        running = array("l", bytes(8 * n))
        for counts in gained:
            running = array("l", map(operator.add, running, counts))
            out.append(running)
        return out

    def exposures(self, progress: Callable[[str], None] | None = None) -> Iterator[Exposure]:
        """Every node's exposure (nodes in insertion order): worked out now, handed out one at a time (never all
        held at once). ``progress``: as ``sanctioned_within``'s, after a line for the nearest ones."""
        dist, parent, code, _ = self.nearest()
        if progress is not None:
            progress(f"found the nearest sanctioned entity of {sum(d >= 0 for d in dist)} of {len(dist)} entities")
        within = self.sanctioned_within(COUNT_HOPS, progress=progress)
        return self._exposures(dist, parent, code, within)

    def _exposures(
        self, dist: list[int], parent: list[int], code: list[int], within: Sequence[Sequence[int]]
    ) -> Iterator[Exposure]:
        ids = self.ids
        mask = (1 << 1) - 1
        for v in range(len(ids)):
            counts = (within[0][v], within[1][v], within[2][v])
            if dist[v] < 0:
                yield Exposure(ids[v], None, None, (), (), counts)
                continue
            path = [ids[v]]
            steps: list[str] = []
            node = v
            while dist[node] > 0:
                c = code[node]
                rel_type = _TYPES[c >> 1]
                parent_is_source = bool(c & mask)
                # the walk goes node -> parent: forward when node is the relationship's source
                steps.append(step_label(rel_type, not parent_is_source))
                node = parent[node]
                path.append(ids[node])
            yield Exposure(ids[v], dist[v], ids[node], tuple(path), tuple(steps), counts)


def exposure_props(x: Exposure, key: str) -> dict[Prop, Any]:
    """The store properties of one exposure (absent/None where there is no sanctioned entity in reach)."""
    return {
        Prop.EXPOSURE_HOPS: x.hops,
        Prop.EXPOSURE_NEAREST: x.nearest,
        Prop.EXPOSURE_PATH: list(x.path) if x.hops is not None else None,
        Prop.EXPOSURE_PATH_RELS: list(x.steps) if x.hops is not None else None,
        Prop.EXPOSURE_TYPES: key,
        Prop.SANCTIONED_WITHIN: list(x.within),
    }
