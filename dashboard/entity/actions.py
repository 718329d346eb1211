"""The analyst's actions on the entity page's working graph (``dashboard.entity.working_graph.GraphState``, one per
browser tab, kept in a ``dcc.Store``, never on the server).

The ones that need the graph take the store's read side and cost one or two store calls:

- ``load_view``: the page's neighbourhood (one call), hubs capped at ``HUB_CAP`` entities each, the rest behind an
  "N more" node;
- ``expand``: a node's next page of neighbours (``fetch_neighbours``, one call, plus one for links from the new
  entities to the rest of the view); clicking an "N more" node is the same action;
- ``hide``/``show_all``/``toggle_pin``/``remove``: no store call.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from dashboard.entity.view_values import DEFAULT_PAGE
from dashboard.entity.working_graph import (
    EdgeInfo,
    GraphState,
    NodeInfo,
    Step,
    logged,
    parse_pin,
    parse_step,
    unrolled,
)
from dashboard.formatting import plural, rel_caption
from graph import Direction, Entity, GraphReader, NodeKind, Prop, Relationship, RelType, Subgraph

#: At most this many neighbours of one entity are drawn at a time; the rest wait behind an "N more" node.
HUB_CAP = DEFAULT_PAGE
#: A view never holds more entities than this (the page stays usable up to here).
MAX_VIEW_NODES = 2000
#: How many links from newly shown entities are read to find those to entities already in the view.
CROSS_LINK_LIMIT = 5000

# --- loading the page's neighbourhood ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    state: GraphState
    center: Entity


def cap_hubs(subgraph: Subgraph, cap: int = HUB_CAP) -> tuple[list[str], set[str]]:
    """Breadth-first from the centre, each entity brings at most ``cap`` new entities into the view.

    Returns the ids kept (in order) and the entities that had neighbours held back (the capped hubs). An entity held
    back by one hub still comes in through another one that has room."""
    ids = [e.id for e in subgraph.entities]
    known = set(ids)
    adjacency: dict[str, list[str]] = {i: [] for i in ids}
    for r in subgraph.relationships:
        if r.source in known and r.target in known and r.source != r.target:
            adjacency[r.source].append(r.target)
            adjacency[r.target].append(r.source)
    center = subgraph.center if subgraph.center in known else (ids[0] if ids else "")
    if not center:
        return [], set()
    kept = [center]
    seen = {center}
    capped: set[str] = set()
    queue = deque([center])
    while queue:
        node = queue.popleft()
        brought = 0
        for other in dict.fromkeys(adjacency[node]):
            if other in seen:
                continue
            if brought >= cap:
                capped.add(node)
                continue
            seen.add(other)
            kept.append(other)
            queue.append(other)
            brought += 1
    # held back everywhere: no longer "seen" through a hub that had no room
    return kept, capped


def _degree_in(subgraph: Subgraph, ids: Iterable[str]) -> dict[str, int]:
    wanted = set(ids)
    neighbours: dict[str, set[str]] = {i: set() for i in wanted}
    for r in subgraph.relationships:
        if r.source in wanted and r.target != r.source:
            neighbours[r.source].add(r.target)
        if r.target in wanted and r.target != r.source:
            neighbours[r.target].add(r.source)
    return {i: len(n) for i, n in neighbours.items()}


def state_from_subgraph(
    subgraph: Subgraph, hops: int, cap: int = HUB_CAP, degrees: Mapping[str, int] | None = None
) -> GraphState:
    """The working graph for a loaded neighbourhood, hubs capped (``degrees``: exact totals for capped hubs)."""
    kept, capped = cap_hubs(subgraph, cap)
    keep = set(kept)
    by_id = {e.id: e for e in subgraph.entities}
    nodes = {i: NodeInfo.of(by_id[i]) for i in kept}
    edges = {r.id: EdgeInfo.of(r) for r in subgraph.relationships if r.source in keep and r.target in keep}
    degree = _degree_in(subgraph, capped)
    if degrees:
        degree.update({k: v for k, v in degrees.items() if k in capped})
    if hops == 1 and subgraph.omitted:  # every entity left out is a neighbour of the centre
        degree[subgraph.center] = len(subgraph.entities) - 1 + subgraph.omitted
    return GraphState(
        center=subgraph.center, hops=hops, nodes=nodes, edges=edges, degree=degree, omitted=subgraph.omitted, cap=cap
    )


def load_view(store: GraphReader, entity_id: str, hops: int, cap: int = HUB_CAP) -> Loaded:
    """The page's first view: one neighbourhood call (plus, when that call was itself capped, one count of the
    capped hubs' neighbours). Raises what the store raises (EntityNotFound, StoreUnavailable…)."""
    subgraph = store.neighbourhood(entity_id, hops, limit=MAX_VIEW_NODES)
    center = next((e for e in subgraph.entities if e.id == subgraph.center), None)
    if center is None:  # a store that leaves the centre out: ask for it (raises EntityNotFound when unknown)
        center = store.get_entity(entity_id)
        subgraph = Subgraph(center.id, (center, *subgraph.entities), subgraph.relationships, subgraph.omitted)
    degrees: dict[str, int] | None = None
    if subgraph.omitted:
        _, capped = cap_hubs(subgraph, cap)
        if capped:
            degrees = store.count_links(sorted(capped))
    return Loaded(state_from_subgraph(subgraph, hops, cap, degrees), center)


# --- paging through a node's neighbours --------------------------------------------------------------------------


@dataclass(frozen=True)
class NeighbourPage:
    """Neighbours of one entity: the entities and relationships read, and how many neighbours it has in all."""

    entities: tuple[Entity, ...]
    relationships: tuple[Relationship, ...]
    total: int


def fetch_neighbours(store: GraphReader, entity_id: str, offset: int, size: int) -> NeighbourPage:
    """The first ``offset + size`` neighbours of ``entity_id`` in the store's order, and its total count.

    The one place that pages; with ``GraphReader.neighbourhood`` it asks for ``offset + size`` and the caller keeps
    those it does not have yet (a dedicated paging call can replace this body)."""
    subgraph = store.neighbourhood(entity_id, 1, limit=offset + size + 1)
    others = tuple(e for e in subgraph.entities if e.id != entity_id)
    return NeighbourPage(others, subgraph.relationships, len(others) + subgraph.omitted)


def _link_relationship(origin: str, link: Any) -> Relationship:
    props = {k: v for k, v in dict(link.rel).items() if v is not None}
    source, target = (origin, link.other) if link.outgoing else (link.other, origin)
    return Relationship(link.rel_id, RelType(link.type), source, target, props)


#: Relationship properties asked for when links to the rest of the view are read.
_REL_PROPS: tuple[Prop, ...] = (
    Prop.DATASETS,
    Prop.SOURCE_IDS,
    Prop.FIRST_SEEN,
    Prop.LAST_SEEN,
    Prop.PERCENTAGE,
    Prop.ROLE,
    Prop.START_DATE,
    Prop.END_DATE,
    Prop.AMOUNT,
    Prop.CURRENCY,
    Prop.DATE,
    Prop.PURPOSE,
    Prop.ASSET,
    Prop.VALUE_USD,
    Prop.TIMESTAMP,
    Prop.TX_HASH,
    Prop.SCORE,
    Prop.STATUS,
)


@dataclass(frozen=True)
class Expansion:
    state: GraphState
    added: int
    message: str | None = None


def _refusal(state: GraphState, entity_id: str) -> Expansion | None:
    """Why an expansion of ``entity_id`` cannot be done (gone from the view, or the view is full), else None."""
    if entity_id not in state.nodes:
        return Expansion(state, 0, "That entity is no longer in the view.")
    if len(state.nodes) < MAX_VIEW_NODES:
        return None
    return Expansion(
        state,
        0,
        f"The view already holds {MAX_VIEW_NODES:,} entities, as many as it can draw. Remove or hide some, "
        "or open a node's own page to explore from there.",
    )


def expand(store: GraphReader, state: GraphState, entity_id: str, size: int = HUB_CAP) -> Expansion:
    """Bring the next ``size`` neighbours of ``entity_id`` into the view (an "N more" click does the same)."""
    refused = _refusal(state, entity_id)
    if refused:
        return refused
    room = MAX_VIEW_NODES - len(state.nodes)
    shown = state.neighbours(entity_id)
    page = fetch_neighbours(store, entity_id, len(shown), min(size, room))
    new = [e for e in page.entities if e.id not in state.nodes][: min(size, room)]
    return _logged(state, Step(entity_id, size), _bring(store, state, entity_id, new, page.relationships, page.total))


def _logged(before: GraphState, step: Step, result: Expansion) -> Expansion:
    """The expansion with its step added to the working graph's log (``GraphState.steps``, written into the URL
    and replayed on a reload) when it changed anything: a page that brought nobody new is not a step."""
    if result.added == 0 and step.entity in before.expanded:
        return result
    return replace(result, state=replace(result.state, steps=logged(result.state.steps, step.token(result.state.cap))))


def expand_by(
    store: GraphReader, state: GraphState, entity_id: str, rel_type: RelType, outgoing: bool, size: int = HUB_CAP
) -> Expansion:
    """Bring the next ``size`` neighbours of ``entity_id`` linked by ``rel_type`` in one direction (the right-click
    menu's "Expand: owns (outgoing)"…): one call for the links, one for the entities, one for links to the view."""
    refused = _refusal(state, entity_id)
    if refused:
        return refused
    room = MAX_VIEW_NODES - len(state.nodes)
    direction = Direction.OUT if outgoing else Direction.IN
    links = store.links(
        [entity_id], types=[rel_type], direction=direction, rel_props=_REL_PROPS, limit=CROSS_LINK_LIMIT
    )
    wanted = list(dict.fromkeys(lk.other for lk in links if lk.other not in state.nodes))[: min(size, room)]
    found = {e.id: e for e in store.get_entities(wanted)} if wanted else {}
    new = [found[i] for i in wanted if i in found]
    rels = tuple(_link_relationship(entity_id, lk) for lk in links if lk.other in found or lk.other in state.nodes)
    name = state.nodes[entity_id].name
    way = "outgoing" if outgoing else "incoming"
    if not new:
        return Expansion(state, 0, f"No more {rel_caption(rel_type)} links ({way}) of {name} to show.")
    result = _logged(state, Step(entity_id, size, rel_type, outgoing), _bring(store, state, entity_id, new, rels, None))
    left = len({lk.other for lk in links} - set(result.state.nodes))
    message = f"Added {plural(len(new), 'entity', 'entities')} ({rel_caption(rel_type)}, {way}) connected to {name}."
    if left > 0:
        message += f" {left:,} more of them: choose the same again."
    return Expansion(result.state, result.added, message)


def _bring(
    store: GraphReader,
    state: GraphState,
    entity_id: str,
    new: list[Entity],
    relationships: Iterable[Relationship],
    total: int | None,
) -> Expansion:
    """The working graph with ``new`` entities, the ``relationships`` among the view's entities, and the links from
    the newcomers to entities already in the view; ``entity_id`` marked expanded (``total``: its neighbours in all)."""
    nodes = dict(state.nodes)
    for e in new:
        nodes[e.id] = NodeInfo.of(e)
    edges = dict(state.edges)
    for r in relationships:
        if r.source in nodes and r.target in nodes:
            edges.setdefault(r.id, EdgeInfo.of(r))
    if new:  # links from the newcomers to entities already in the view (beyond the expanded one)
        new_ids = [e.id for e in new]
        for link in store.links(new_ids, rel_props=_REL_PROPS, limit=CROSS_LINK_LIMIT):
            if link.other in nodes:
                rel = _link_relationship(link.origin, link)
                edges.setdefault(rel.id, EdgeInfo.of(rel))
    degree = dict(state.degree)
    if total is not None:
        degree[entity_id] = total
    expanded = state.expanded if entity_id in state.expanded else (*state.expanded, entity_id)
    removed = tuple(x for x in state.removed if x not in nodes)  # brought back
    new_state = replace(state, nodes=nodes, edges=edges, degree=degree, expanded=expanded, removed=removed)
    name = state.nodes[entity_id].name
    missing = new_state.more().get(entity_id, 0)
    if not new:
        message = f"No more connections of {name} to show." if not missing else None
    else:
        message = f"Added {plural(len(new), 'entity', 'entities')} connected to {name}."
        if missing:
            message += f" {missing:,} more to show: click the “{missing:,} more” node."
    if missing and len(nodes) >= MAX_VIEW_NODES:
        message = (message or "") + f" The view is now full ({MAX_VIEW_NODES:,} entities)."
    return Expansion(new_state, len(new), message)


# --- actions without a store call --------------------------------------------------------------------------------


def _unpinned(state: GraphState, entity_id: str) -> dict[str, Any]:
    """The pin fields of ``state`` without ``entity_id`` (for ``replace``)."""
    return {
        "pinned": tuple(p for p in state.pinned if p != entity_id),
        "pinned_at": {k: v for k, v in state.pinned_at.items() if k != entity_id},
    }


def hide(state: GraphState, entity_id: str) -> GraphState:
    if entity_id == state.center or entity_id not in state.nodes or entity_id in state.hidden:
        return state
    return replace(state, hidden=(*state.hidden, entity_id), **_unpinned(state, entity_id))


def show_all(state: GraphState) -> GraphState:
    return replace(state, hidden=())


def toggle_pin(state: GraphState, entity_id: str, at: tuple[float, float] | None = None) -> GraphState:
    """Pin an entity where it is (``at``: its place on the canvas, kept in whole units, as the URL carries it, so a
    reload puts it in the same place), or unpin it."""
    if entity_id not in state.nodes:
        return state
    if entity_id in state.pinned:
        return replace(state, **_unpinned(state, entity_id))
    pinned_at = dict(state.pinned_at)
    if at is not None and all(math.isfinite(v) for v in at):
        pinned_at[entity_id] = (float(round(at[0])), float(round(at[1])))
    return replace(state, pinned=(*state.pinned, entity_id), pinned_at=pinned_at)


def remove(state: GraphState, entity_id: str) -> GraphState:
    """Take an entity and its relationships out of the view (expanding a neighbour can bring it back)."""
    if entity_id == state.center or entity_id not in state.nodes:
        return state
    nodes = {k: v for k, v in state.nodes.items() if k != entity_id}
    edges = {k: e for k, e in state.edges.items() if entity_id not in (e.source, e.target)}
    return replace(
        state,
        nodes=nodes,
        edges=edges,
        degree={k: v for k, v in state.degree.items() if k != entity_id},
        expanded=tuple(x for x in state.expanded if x != entity_id),
        hidden=tuple(x for x in state.hidden if x != entity_id),
        removed=state.removed if entity_id in state.removed else (*state.removed, entity_id),
        **_unpinned(state, entity_id),
    )


def open_group(state: GraphState, group: str) -> GraphState:
    """Open a group of leaves (``dashboard.entity.groups``): its members are drawn one by one. No store call."""
    return state if group in state.opened else replace(state, opened=(*state.opened, group))


def replay(
    store: GraphReader,
    state: GraphState,
    expansions: Iterable[str],
    opened: Iterable[str],
    size: int = HUB_CAP,
    hidden: Iterable[str] = (),
    removed: Iterable[str] = (),
    pins: Iterable[str] = (),
) -> GraphState:
    """The working graph with what a URL names done again: the expansions in order (``Step`` tokens, each one to
    three store calls; a bare id brings the next ``size`` neighbours, as the first load's page size), the opened
    groups, then the removals, the hidden entities and the pins (``pin_token``s; no store call). Entities no longer
    in the view are skipped."""
    for token in unrolled(expansions):
        step = parse_step(token, size)
        if step is None or step.entity not in state.nodes:
            continue
        if step.rel is None and step.entity in state.expanded and not state.more().get(step.entity):
            continue  # nothing left to bring: no store call
        if step.rel is None:
            state = expand(store, state, step.entity, step.size).state
        else:
            state = expand_by(store, state, step.entity, step.rel, step.outgoing, step.size).state
    for group in opened:
        state = open_group(state, group)
    for entity_id in removed:
        state = remove(state, entity_id)
    for entity_id in hidden:
        state = hide(state, entity_id)
    for token in pins:
        entity_id, at = parse_pin(token)
        if entity_id not in state.pinned and entity_id not in state.hidden:
            state = toggle_pin(state, entity_id, at)
    return state


def reload(store: GraphReader, state: GraphState, hops: int, cap: int = HUB_CAP) -> Loaded:
    """The view for other hops: loaded again, keeping what was pinned or hidden and is still there."""
    loaded = load_view(store, state.center, hops, cap)
    fresh = loaded.state
    return Loaded(
        replace(
            fresh,
            hidden=tuple(i for i in state.hidden if i in fresh.nodes),
            pinned=tuple(i for i in state.pinned if i in fresh.nodes),
            pinned_at={i: at for i, at in state.pinned_at.items() if i in fresh.nodes},
        ),
        loaded.center,
    )


def kinds_in(state: GraphState) -> dict[str, int]:
    """Entity kind → how many entities of it the view holds."""
    counts: dict[str, int] = {}
    for n in state.nodes.values():
        counts[n.kind] = counts.get(n.kind, 0) + 1
    return counts


def rels_in(state: GraphState) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in state.edges.values():
        counts[e.type] = counts.get(e.type, 0) + 1
    return counts


def datasets_in(state: GraphState) -> dict[str, int]:
    """Dataset → how many relationships in the view it asserts."""
    counts: dict[str, int] = {}
    for e in state.edges.values():
        for d in e.props.get(Prop.DATASETS.value) or ():
            counts[str(d)] = counts.get(str(d), 0) + 1
    return counts


def node_kind(value: str) -> NodeKind | None:
    try:
        return NodeKind(value)
    except ValueError:
        return None
