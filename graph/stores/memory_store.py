"""A GraphStore held in Python dicts: the whole protocol, natively (no Cypher), for unit tests and small tools.

It behaves like the two real stores (tests/integration/test_store.py runs on all three): the same rows are derived
from records (graph.stores.records), lists are united and marks OR-ed the same way, relationships whose ends are
absent are not written, and search ranks with the same functions. Nothing is persisted: each ``open_store`` of
kind "memory" gives a new, empty store. Never the default store.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph import cypher
from graph.errors import EntityNotFound, SanctionsGraphError
from graph.ids import lookup_key
from graph.model import (
    Direction,
    Entity,
    Link,
    NodeRecord,
    Path,
    Relationship,
    RelRecord,
    SearchHit,
    Stats,
    Subgraph,
    WriteCounts,
)
from graph.paths import bfs_path, k_shortest_paths
from graph.stores.base import DEFAULT_NEIGHBOURHOOD_LIMIT, MAX_HOPS, MAX_PATH_HOPS
from graph.stores.memory_matching import matching_ids
from graph.stores.memory_records import MemoryRecords
from graph.stores.records import (
    Ranked,
    best_hits,
    entity_from_props,
    list_row,
    new_node_row,
    new_rel_row,
    node_row,
    rank_identifier,
    rank_names,
    rel_row,
    relationship_from,
)
from graph.vocabulary import NodeKind, Prop, RelType

_ID, _KIND, _STUB, _NAME = Prop.ID.value, Prop.KIND.value, Prop.STUB.value, Prop.NAME.value
_SEARCH_NAMES, _LOOKUP_KEYS = Prop.SEARCH_NAMES.value, Prop.LOOKUP_KEYS.value
_SEARCH_TEXT, _LOOKUP_TEXT = Prop.SEARCH_TEXT.value, Prop.LOOKUP_TEXT.value
_NODE_LISTS = tuple(p.value for p in cypher.NODE_LIST_PROPS)
_NODE_FLAGS = tuple(p.value for p in cypher.NODE_FLAG_PROPS)
_REL_LISTS = tuple(p.value for p in cypher.REL_LIST_PROPS)
_STATUS, _SCORE, _JUDGEMENT = Prop.STATUS.value, Prop.SCORE.value, Prop.JUDGEMENT.value

#: A relationship's identity, as MERGE matches it: (type, id, source, target).
RelKey = tuple[RelType, str, str, str]


@dataclass
class _Rel:
    type: RelType
    source: str
    target: str
    props: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.props.get(_ID))


def _copy(props: dict[str, Any]) -> dict[str, Any]:
    """A copy whose lists are the caller's own (what a driver hands back is never the store's)."""
    return {k: list(v) if isinstance(v, list) else v for k, v in props.items()}


def _united(old: Any, new: Iterable[Any]) -> list[Any]:
    """coalesce(old, []) + [x IN new WHERE NOT x IN coalesce(old, [])], as the Cypher stores unite lists."""
    base = list(old or [])
    return base + [x for x in new if x not in base]


def _set_texts(props: dict[str, Any]) -> None:
    """The full-text fields, kept equal to the lists they index (each value preceded by a space)."""
    props[_SEARCH_TEXT] = "".join(" " + x for x in props.get(_SEARCH_NAMES) or [])
    props[_LOOKUP_TEXT] = "".join(" " + x for x in props.get(_LOOKUP_KEYS) or [])


class MemoryStore(MemoryRecords):
    """The whole GraphStore protocol over dicts. Thread-safe (one lock); O(degree) hops, O(n) scans."""

    write_workers: int = 1

    def __init__(self) -> None:
        self._nodes: dict[str, dict[str, Any]] = {}
        self._rels: dict[RelKey, _Rel] = {}
        self._incident: dict[str, dict[RelKey, None]] = {}  # node id -> keys of its relationships, in write order
        self._lock = threading.RLock()

    @property
    def description(self) -> str:
        return "in-memory store (this process only, not persisted)"

    def close(self) -> None:
        """Nothing to release; the data stays readable until the store is garbage."""

    def clear(self) -> None:
        with self._lock:
            self._nodes.clear()
            self._rels.clear()
            self._incident.clear()
            self._clear_records()

    # --- write side -----------------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Dicts need no indexes."""

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        counts = WriteCounts()
        with self._lock:
            for node_id, row in {r.id: node_row(r) for r in rows}.items():
                stored = self._nodes.get(node_id)
                if stored is None:
                    self._nodes[node_id] = {_ID: node_id, **new_node_row(row, kind)["props"]}
                    counts.nodes_created += 1
                else:
                    stored.update(row["scalars"])
                    stored[_KIND], stored[_STUB] = kind.value, False
                    self._unite(stored, row["lists"], row["flags"])
                counts.properties_set += len(self._nodes[node_id])
                counts.rows_written += 1
        return counts

    @staticmethod
    def _unite(stored: dict[str, Any], lists: dict[str, list[Any]], flags: dict[str, bool]) -> None:
        for key in _NODE_LISTS:
            stored[key] = _united(stored.get(key), lists.get(key) or [])
        for key in _NODE_FLAGS:
            stored[key] = bool(stored.get(key)) or bool(flags.get(key))
        _set_texts(stored)

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        counts = WriteCounts()
        with self._lock:
            for record in rows:
                row = rel_row(record)
                source, target = row["source"], row["target"]
                if source not in self._nodes or target not in self._nodes:
                    continue
                key: RelKey = (rel_type, row["id"], source, target)
                stored = self._rels.get(key)
                if stored is None:
                    props = new_rel_row(row)["props"]
                    self._rels[key] = _Rel(rel_type, source, target, props)
                    self._incident.setdefault(source, {})[key] = None
                    self._incident.setdefault(target, {})[key] = None
                    counts.relationships_created += 1
                    counts.properties_set += len(props)
                else:
                    for name, value in row["scalars"].items():
                        if value is None:
                            stored.props.pop(name, None)
                        else:
                            stored.props[name] = value
                    for name in _REL_LISTS:
                        stored.props[name] = _united(stored.props.get(name), row["lists"].get(name) or [])
                    if stored.props.get(_JUDGEMENT):  # a judged SAME_AS keeps its status (cypher.KEEP_JUDGED_STATUS)
                        stored.props[_STATUS] = stored.props[_JUDGEMENT]
                    counts.properties_set += len(row["scalars"]) + len(_REL_LISTS)
                counts.rows_written += 1
        return counts

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        unique = list(dict.fromkeys(ids))
        counts = WriteCounts(rows_written=len(unique))
        with self._lock:
            for node_id in unique:
                if node_id not in self._nodes:
                    self._nodes[node_id] = {
                        _ID: node_id,
                        _KIND: NodeKind.LEGAL_ENTITY.value,
                        _NAME: node_id,
                        _STUB: True,
                        _SEARCH_NAMES: [],
                        _LOOKUP_KEYS: [],
                    }
                    counts.nodes_created += 1
        return counts

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        counts = WriteCounts()
        with self._lock:
            for node_id in dict.fromkeys(ids):
                if self._nodes.pop(node_id, None) is None:
                    continue
                for key in list(self._incident.pop(node_id, {})):
                    self._drop_rel(key)
                counts.rows_written += 1
        return counts

    def _drop_rel(self, key: RelKey) -> None:
        rel = self._rels.pop(key, None)
        if rel is not None:
            for end in (rel.source, rel.target):
                self._incident.get(end, {}).pop(key, None)

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        counts = WriteCounts()
        with self._lock:
            for node_id, values in rows:
                stored = self._nodes.get(node_id)
                if stored is None:
                    continue
                for prop in props:
                    value = values.get(prop)
                    if value is None:  # SET n.p = null removes p
                        stored.pop(prop.value, None)
                    else:
                        stored[prop.value] = list(value) if isinstance(value, tuple) else value
                counts.properties_set += len(props)
                counts.rows_written += 1
        return counts

    def add_to_node_lists(self, rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        if not rows:
            return WriteCounts()
        params = [list_row(node_id, values) for node_id, values in rows]  # refuses scalars before writing anything
        with self._lock:
            counts = WriteCounts(nodes_created=self.ensure_stubs([node_id for node_id, _ in rows]).nodes_created)
            for row in params:
                self._unite(self._nodes[row["id"]], row["lists"], row["flags"])
                counts.rows_written += 1
        return counts

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        wanted = set(ids)
        counts = WriteCounts()
        with self._lock:
            for key in [k for k in self._rels if k[1] in wanted]:
                self._drop_rel(key)
                counts.rows_written += 1
        return counts

    # --- read side: the primitives every read is made of ---------------------------------------------------
    def _entity(self, node_id: str) -> Entity:
        return entity_from_props(_copy(self._nodes[node_id]))

    def _relationship(self, rel: _Rel) -> Relationship:
        return relationship_from(rel.type.value, rel.source, rel.target, _copy(rel.props))

    def _rels_of(
        self, node_id: str, types: Sequence[RelType] | None, direction: Direction = Direction.BOTH
    ) -> Iterator[_Rel]:
        """The relationships of one node over ``types`` (all if None), in write order; a self-loop once."""
        wanted = set(types) if types else None
        for key in self._incident.get(node_id, {}):
            rel = self._rels[key]
            if wanted is not None and rel.type not in wanted:
                continue
            if direction is Direction.OUT and rel.source != node_id:
                continue
            if direction is Direction.IN and rel.target != node_id:
                continue
            yield rel

    @staticmethod
    def _other(rel: _Rel, node_id: str) -> str:
        return rel.target if rel.source == node_id else rel.source

    # --- read side ------------------------------------------------------------------------------------------
    def get_entity(self, entity_id: str) -> Entity:
        with self._lock:
            if entity_id not in self._nodes:
                raise EntityNotFound(entity_id)
            return self._entity(entity_id)

    def get_entities(self, ids: Sequence[str]) -> list[Entity]:
        with self._lock:
            return [self._entity(i) for i in dict.fromkeys(ids) if i in self._nodes]

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Every indexed entity is a candidate (the stores' full-text indexes only narrow them down); ranked with
        the same functions, so the hits agree with theirs."""
        query = text.strip()
        if not query:
            return []
        with self._lock:
            indexed = [self._entity(i) for i, props in self._nodes.items() if props.get(_SEARCH_NAMES)]
            ranked: Ranked = {}
            key = lookup_key(query)
            if key:
                keyed = [self._entity(i) for i, props in self._nodes.items() if key in (props.get(_LOOKUP_KEYS) or [])]
                rank_identifier(ranked, key, keyed)
            rank_names(ranked, query, indexed)
            return best_hits(ranked, query, limit)

    def neighbourhood(
        self,
        entity_id: str,
        hops: int = 1,
        types: Sequence[RelType] | None = None,
        limit: int = DEFAULT_NEIGHBOURHOOD_LIMIT,
    ) -> Subgraph:
        if not 1 <= hops <= MAX_HOPS:
            raise SanctionsGraphError(f"Hops must be between 1 and {MAX_HOPS}.")
        with self._lock:
            center = self.get_entity(entity_id)
            view: dict[str, None] = {center.id: None}
            omitted: set[str] = set()
            frontier = [center.id]
            for _ in range(hops):
                nxt: list[str] = []
                for node_id in frontier:
                    for rel in self._rels_of(node_id, types):
                        other = self._other(rel, node_id)
                        if other in view:
                            continue
                        if len(view) >= limit:
                            omitted.add(other)
                            continue
                        view[other] = None
                        nxt.append(other)
                frontier = nxt
            rels: dict[RelKey, _Rel] = {}
            for node_id in view:  # every relationship among the entities of the view
                for rel in self._rels_of(node_id, types, Direction.OUT):
                    if rel.target in view:
                        rels[(rel.type, rel.id, rel.source, rel.target)] = rel
            return Subgraph(
                center=center.id,
                entities=tuple(self._entity(i) for i in view),
                relationships=tuple(self._relationship(r) for r in rels.values()),
                omitted=len(omitted),
            )

    def _adjacency(self, types: Sequence[RelType] | None) -> tuple[dict[str, set[str]], dict[frozenset[str], _Rel]]:
        """The undirected graph over ``types``: neighbours of each node and one relationship per connected pair."""
        adjacency: dict[str, set[str]] = {}
        pairs: dict[frozenset[str], _Rel] = {}
        wanted = set(types) if types else None
        for rel in self._rels.values():
            if wanted is None or rel.type in wanted:
                adjacency.setdefault(rel.source, set()).add(rel.target)
                adjacency.setdefault(rel.target, set()).add(rel.source)
                pairs.setdefault(frozenset((rel.source, rel.target)), rel)
        return adjacency, pairs

    def _path(self, nodes: Sequence[str], pairs: dict[frozenset[str], _Rel]) -> Path:
        return Path(
            entities=tuple(self._entity(n) for n in nodes),
            relationships=tuple(self._relationship(pairs[frozenset(p)]) for p in itertools.pairwise(nodes)),
        )

    def shortest_path(
        self, source_id: str, target_id: str, max_hops: int = MAX_PATH_HOPS, types: Sequence[RelType] | None = None
    ) -> Path | None:
        with self._lock:
            source, target = self.get_entity(source_id), self.get_entity(target_id)
            if source.id == target.id:
                return Path(entities=(source,), relationships=())
            if not 1 <= max_hops <= MAX_PATH_HOPS:
                raise ValueError(f"max_hops must be between 1 and {MAX_PATH_HOPS}")
            adjacency, pairs = self._adjacency(types)
            nodes = bfs_path(adjacency, source.id, target.id, max_hops)
            return self._path(nodes, pairs) if nodes else None

    def shortest_paths(
        self,
        source_id: str,
        target_id: str,
        k: int = 3,
        max_hops: int = MAX_PATH_HOPS,
        types: Sequence[RelType] | None = None,
    ) -> list[Path]:
        with self._lock:
            first = self.shortest_path(source_id, target_id, max_hops, types)
            if first is None or k <= 1 or first.hops == 0:
                return [first] if first else []
            adjacency, pairs = self._adjacency(types)
            found = k_shortest_paths(adjacency, source_id, target_id, k, max_hops)
            return [self._path(nodes, pairs) for nodes in found] or [first]

    def stats(self) -> Stats:
        with self._lock:
            nodes: dict[str, int] = {}
            for props in self._nodes.values():
                nodes[str(props.get(_KIND))] = nodes.get(str(props.get(_KIND)), 0) + 1
            rels: dict[str, int] = {}
            for rel in self._rels.values():
                rels[rel.type.value] = rels.get(rel.type.value, 0) + 1
            return Stats(nodes=nodes, relationships=rels)

    def iter_entities(self, batch_size: int = 10_000) -> Iterator[list[Entity]]:
        with self._lock:
            ids = list(self._nodes)
        for lo in range(0, len(ids), batch_size):
            yield self.get_entities(ids[lo : lo + batch_size])

    def iter_relationships(
        self, types: Sequence[RelType] | None = None, batch_size: int = 10_000
    ) -> Iterator[list[Relationship]]:
        wanted = set(types) if types else None
        with self._lock:
            rels = [self._relationship(r) for r in self._rels.values() if wanted is None or r.type in wanted]
        for lo in range(0, len(rels), batch_size):
            yield rels[lo : lo + batch_size]

    # --- for analytics ----------------------------------------------------------------------------------------
    def links(
        self,
        ids: Sequence[str],
        types: Sequence[RelType] | None = None,
        direction: Direction = Direction.BOTH,
        rel_props: Sequence[Prop] = (),
        node_props: Sequence[Prop] = (),
        limit: int = 100_000,
        other_flag: Prop | None = None,
    ) -> list[Link]:
        found: list[Link] = []
        with self._lock:
            for node_id in dict.fromkeys(ids):
                for rel in self._rels_of(node_id, types, Direction(direction)):
                    other = self._nodes[self._other(rel, node_id)]
                    if other_flag is not None and other.get(other_flag.value) is not True:
                        continue
                    if len(found) >= limit:
                        return found
                    found.append(
                        Link(
                            origin=node_id,
                            type=rel.type,
                            outgoing=rel.source == node_id,
                            other=str(other[_ID]),
                            rel_id=rel.id,
                            rel={p.value: _copy(rel.props).get(p.value) for p in rel_props},
                            node={p.value: _copy(other).get(p.value) for p in node_props},
                        )
                    )
        return found

    def count_links(
        self, ids: Sequence[str], types: Sequence[RelType] | None = None, direction: Direction = Direction.BOTH
    ) -> dict[str, int]:
        with self._lock:
            counts = {
                i: len({self._other(r, i) for r in self._rels_of(i, types, Direction(direction))})
                for i in dict.fromkeys(ids)
            }
        return {i: n for i, n in counts.items() if n}

    def link_degrees(
        self, ids: Sequence[str], types: Sequence[RelType] | None = None, direction: Direction = Direction.BOTH
    ) -> dict[str, int]:
        with self._lock:
            counts = {i: sum(1 for _ in self._rels_of(i, types, Direction(direction))) for i in dict.fromkeys(ids)}
        return {i: n for i, n in counts.items() if n}

    def entities_with_list_value(
        self,
        prop: Prop,
        values: Sequence[str],
        kind: NodeKind | None = None,
        node_props: Sequence[Prop] = (),
        limit: int = 10_000,
    ) -> list[tuple[str, list[str], dict[str, Any]]]:
        wanted = set(values)
        found: list[tuple[str, list[str], dict[str, Any]]] = []
        with self._lock:
            for node_id, props in self._nodes.items():
                if len(found) >= limit:
                    break
                if kind is not None and props.get(_KIND) != kind.value:
                    continue
                matched = [v for v in props.get(prop.value) or [] if v in wanted]
                if matched:
                    found.append((node_id, matched, {p.value: _copy(props).get(p.value) for p in node_props}))
        return found

    def iter_node_values(self, props: Sequence[Prop], batch_size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        with self._lock:
            rows = [(i, *(_copy(n).get(p.value) for p in props)) for i, n in self._nodes.items()]
        for lo in range(0, len(rows), batch_size):
            yield rows[lo : lo + batch_size]

    def iter_relationship_values(
        self, rel_type: RelType, props: Sequence[Prop] = (), batch_size: int = 50_000
    ) -> Iterator[list[tuple[Any, ...]]]:
        with self._lock:
            rows = [
                (r.source, r.target, *(_copy(r.props).get(p.value) for p in props))
                for r in self._rels.values()
                if r.type is rel_type
            ]
        for lo in range(0, len(rows), batch_size):
            yield rows[lo : lo + batch_size]

    # --- matcher candidates (graph.matching) --------------------------------------------------------------------
    def match_candidates(self, words: Sequence[Sequence[str]], fuzzy: bool = True, limit: int = 20) -> list[Entity]:
        """As the servers' full-text queries (graph.stores.memory_matching), with the candidates' columns only."""
        keep = [p.value for p in cypher.MATCH_CANDIDATE_PROPS]
        with self._lock:
            found = [_copy(self._nodes[i]) for i in matching_ids(self._nodes, words, fuzzy, limit)]
        return [entity_from_props({k: props[k] for k in keep if props.get(k) is not None}) for props in found]

    # --- SAME_AS candidates and their review (graph.matching.xref, graph.matching.judgements) --------------------
    def _same_as(self, rel_id: str) -> _Rel | None:
        return next((r for k, r in self._rels.items() if k[0] is RelType.SAME_AS and k[1] == rel_id), None)

    def upsert_same_as(self, rows: Sequence[Relationship], candidate: str) -> WriteCounts:
        counts = WriteCounts()
        with self._lock:
            for r in rows:
                if r.source not in self._nodes or r.target not in self._nodes:
                    continue
                key: RelKey = (RelType.SAME_AS, r.id, r.source, r.target)
                stored = self._rels.get(key)
                if stored is None:
                    datasets = list(r.properties.get(Prop.DATASETS.value) or [])
                    stored = _Rel(RelType.SAME_AS, r.source, r.target, {_ID: r.id, Prop.DATASETS.value: datasets})
                    self._rels[key] = stored
                    self._incident.setdefault(r.source, {})[key] = None
                    self._incident.setdefault(r.target, {})[key] = None
                    counts.relationships_created += 1
                if stored.props.get(_JUDGEMENT) is not None:
                    continue
                for prop in (Prop.SCORE, Prop.MATCH_LABEL, Prop.EXPLANATION):
                    stored.props[prop.value] = r.properties.get(prop.value)
                stored.props[_STATUS] = candidate
                counts.properties_set += 4
                counts.rows_written += 1
        return counts

    def judge_same_as(self, rel_id: str, judgement: str | None, status: str, user: str, at: str) -> Relationship:
        with self._lock:
            rel = self._same_as(rel_id)
            if rel is None:
                raise SanctionsGraphError(f"No SAME_AS candidate with id '{rel_id}' is in the graph.")
            if judgement is None:
                rel.props.pop(_JUDGEMENT, None)
            else:
                rel.props[_JUDGEMENT] = judgement
            rel.props.update({_STATUS: status, Prop.JUDGED_BY.value: user, Prop.JUDGED_AT.value: at})
            return self._relationship(rel)

    def same_as_queue(self, statuses: Sequence[str], min_score: float = 0.0, limit: int = 100) -> list[Relationship]:
        wanted = set(statuses)
        with self._lock:
            rels = [
                r
                for k, r in self._rels.items()
                if k[0] is RelType.SAME_AS
                and r.props.get(_STATUS) in wanted
                and (r.props.get(_SCORE) or 0.0) >= min_score
            ]
            rels.sort(key=lambda r: (-(r.props.get(_SCORE) or 0.0), r.id))
            return [self._relationship(r) for r in rels[:limit]]

    def same_as_of(self, entity_id: str) -> list[Relationship]:
        with self._lock:
            rels = sorted(
                self._rels_of(entity_id, [RelType.SAME_AS]), key=lambda r: (-(r.props.get(_SCORE) or 0.0), r.id)
            )
            return [self._relationship(r) for r in rels]

    # --- matcher candidates for many parties at once (graph.matching.xref) ---------------------------------------
    def match_candidates_many(
        self,
        queries: Sequence[Sequence[Sequence[str]]],
        fuzzy: bool = True,
        limit: int = 20,
        cache: MutableMapping[str, list[Entity]] | None = None,
    ) -> list[list[Entity]]:
        """match_candidates of each query (no round trip to save here; ``cache`` is not needed)."""
        return [self.match_candidates(words, fuzzy, limit) for words in queries]
