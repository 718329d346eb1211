"""A GraphStore held in Python dicts: the whole protocol, natively (no Cypher), for unit tests and small tools.

It behaves like the two real stores (tests/integration/test_store.py runs on all three): it writes as they do
(graph.stores.memory_graph: the data and the write side), its public reads are GraphReader's own (graph.stores.base)
over the hooks here, and search ranks with the same functions. Nothing is persisted: each ``open_store`` of
kind "memory" gives a new, empty store. Never the default store.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from graph import cypher
from graph.errors import EntityNotFound, SanctionsGraphError
from graph.ids import lookup_key
from graph.model import Direction, Entity, Link, Path, Relationship, SearchHit, Stats, Subgraph, WriteCounts
from graph.paths import bfs_path, k_shortest_paths
from graph.stores.base import MAX_PATH_HOPS, Candidates, GraphStore, LinkQuery, RelTypes, ValueHit, Words
from graph.stores.memory_graph import MemoryGraph, RelKey, StoredRel, copied
from graph.stores.memory_matching import matching_ids
from graph.stores.memory_records import MemoryRecords
from graph.stores.records import Ranked, best_hits, entity_from_props, rank_identifier, rank_names, relationship_from
from graph.vocabulary import NodeKind, Prop, RelType

_ID, _KIND = Prop.ID.value, Prop.KIND.value
_SEARCH_NAMES, _LOOKUP_KEYS = Prop.SEARCH_NAMES.value, Prop.LOOKUP_KEYS.value
_STATUS, _SCORE, _JUDGEMENT = Prop.STATUS.value, Prop.SCORE.value, Prop.JUDGEMENT.value


class MemoryStore(MemoryGraph, MemoryRecords, GraphStore):
    """The whole GraphStore protocol over dicts. Thread-safe (one lock); O(degree) hops, O(n) scans."""

    write_workers: int = 1

    @property
    def description(self) -> str:
        return "in-memory store (this process only, not persisted)"

    def close(self) -> None:
        """Nothing to release; the data stays readable until the store is garbage."""

    def clear(self) -> None:
        with self._lock:
            self._clear_graph()
            self._clear_records()

    # --- read side: the primitives every read is made of ---------------------------------------------------
    def _entity(self, node_id: str) -> Entity:
        return entity_from_props(copied(self._nodes[node_id]))

    def _relationship(self, rel: StoredRel) -> Relationship:
        return relationship_from(rel.type.value, rel.source, rel.target, copied(rel.props))

    def _rels_of(
        self, node_id: str, types: Sequence[RelType] | None, direction: Direction = Direction.BOTH
    ) -> Iterator[StoredRel]:
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
    def _other(rel: StoredRel, node_id: str) -> str:
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

    def _neighbourhood(self, entity_id: str, hops: int, types: RelTypes, limit: int) -> Subgraph:
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
            rels: dict[RelKey, StoredRel] = {}
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

    def _adjacency(
        self, types: Sequence[RelType] | None
    ) -> tuple[dict[str, set[str]], dict[frozenset[str], StoredRel]]:
        """The undirected graph over ``types``: neighbours of each node and one relationship per connected pair."""
        adjacency: dict[str, set[str]] = {}
        pairs: dict[frozenset[str], StoredRel] = {}
        wanted = set(types) if types else None
        for rel in self._rels.values():
            if wanted is None or rel.type in wanted:
                adjacency.setdefault(rel.source, set()).add(rel.target)
                adjacency.setdefault(rel.target, set()).add(rel.source)
                pairs.setdefault(frozenset((rel.source, rel.target)), rel)
        return adjacency, pairs

    def _path(self, nodes: Sequence[str], pairs: dict[frozenset[str], StoredRel]) -> Path:
        return Path(
            entities=tuple(self._entity(n) for n in nodes),
            relationships=tuple(self._relationship(pairs[frozenset(p)]) for p in itertools.pairwise(nodes)),
        )

    def _shortest_path(self, source: Entity, target: Entity, max_hops: int, types: RelTypes) -> Path | None:
        if not 1 <= max_hops <= MAX_PATH_HOPS:
            raise ValueError(f"max_hops must be between 1 and {MAX_PATH_HOPS}")
        with self._lock:
            adjacency, pairs = self._adjacency(types)
            nodes = bfs_path(adjacency, source.id, target.id, max_hops)
            return self._path(nodes, pairs) if nodes else None

    def _shortest_paths(self, first: Path, k: int, max_hops: int, types: RelTypes) -> list[Path]:
        with self._lock:
            adjacency, pairs = self._adjacency(types)
            found = k_shortest_paths(adjacency, first.entities[0].id, first.entities[-1].id, k, max_hops)
            return [self._path(nodes, pairs) for nodes in found]

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
    def _links(self, q: LinkQuery) -> list[Link]:
        found: list[Link] = []
        with self._lock:
            for node_id in q.ids:
                for rel in self._rels_of(node_id, q.types, q.direction):
                    other = self._nodes[self._other(rel, node_id)]
                    if q.other_flag is not None and other.get(q.other_flag.value) is not True:
                        continue
                    if len(found) >= q.limit:
                        return found
                    found.append(
                        Link(
                            origin=node_id,
                            type=rel.type,
                            outgoing=rel.source == node_id,
                            other=str(other[_ID]),
                            rel_id=rel.id,
                            rel={p.value: copied(rel.props).get(p.value) for p in q.rel_props},
                            node={p.value: copied(other).get(p.value) for p in q.node_props},
                        )
                    )
        return found

    def _count_links(self, ids: list[str], types: RelTypes, direction: Direction) -> dict[str, int]:
        with self._lock:
            counts = {i: len({self._other(r, i) for r in self._rels_of(i, types, direction)}) for i in ids}
        return {i: n for i, n in counts.items() if n}

    def _link_degrees(self, ids: list[str], types: RelTypes, direction: Direction) -> dict[str, int]:
        with self._lock:
            counts = {i: sum(1 for _ in self._rels_of(i, types, direction)) for i in ids}
        return {i: n for i, n in counts.items() if n}

    def _with_list_value(
        self, prop: Prop, values: list[str], kind: NodeKind | None, node_props: Sequence[Prop], limit: int
    ) -> list[ValueHit]:
        wanted = set(values)
        found: list[ValueHit] = []
        with self._lock:
            for node_id, props in self._nodes.items():
                if len(found) >= limit:
                    break
                if kind is not None and props.get(_KIND) != kind.value:
                    continue
                matched = [v for v in props.get(prop.value) or [] if v in wanted]
                if matched:
                    found.append((node_id, matched, {p.value: copied(props).get(p.value) for p in node_props}))
        return found

    def iter_node_values(self, props: Sequence[Prop], batch_size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        with self._lock:
            rows = [(i, *(copied(n).get(p.value) for p in props)) for i, n in self._nodes.items()]
        for lo in range(0, len(rows), batch_size):
            yield rows[lo : lo + batch_size]

    def iter_relationship_values(
        self, rel_type: RelType, props: Sequence[Prop] = (), batch_size: int = 50_000
    ) -> Iterator[list[tuple[Any, ...]]]:
        with self._lock:
            rows = [
                (r.source, r.target, *(copied(r.props).get(p.value) for p in props))
                for r in self._rels.values()
                if r.type is rel_type
            ]
        for lo in range(0, len(rows), batch_size):
            yield rows[lo : lo + batch_size]

    # --- matcher candidates (graph.matching) --------------------------------------------------------------------
    def _match_one(self, words: Words, fuzzy: bool, limit: int) -> list[Entity]:
        """As the servers' full-text queries (graph.stores.memory_matching), with the candidates' columns only."""
        keep = [p.value for p in cypher.MATCH_CANDIDATE_PROPS]
        with self._lock:
            found = [copied(self._nodes[i]) for i in matching_ids(self._nodes, words, fuzzy, limit)]
        return [entity_from_props({k: props[k] for k in keep if props.get(k) is not None}) for props in found]

    # --- SAME_AS candidates and their review (graph.matching.xref, graph.matching.judgements) --------------------
    def _same_as(self, rel_id: str) -> StoredRel | None:
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
                    stored = StoredRel(RelType.SAME_AS, r.source, r.target, {_ID: r.id, Prop.DATASETS.value: datasets})
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
    def _match_many(self, queries: Sequence[Words], fuzzy: bool, limit: int, known: Candidates) -> list[list[Entity]]:
        """Each query on its own (no round trip to save here; ``known`` is not needed)."""
        return [self._match_one(words, fuzzy, limit) for words in queries]
