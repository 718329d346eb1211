"""Store behaviour shared by both backends; a backend only runs Cypher and translates its driver's errors."""

from __future__ import annotations

import abc
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from graph import cypher
from graph.errors import EntityNotFound
from graph.ids import lookup_key
from graph.model import Direction, Entity, Link, Path, Relationship, SearchHit, Stats, Subgraph
from graph.names import canonical_token, fold, query_terms
from graph.paths import k_shortest_paths
from graph.stores.base import Candidates, GraphStore, LinkQuery, RelTypes, ValueHit, Words
from graph.stores.cypher_writes import CypherWrites
from graph.stores.records import (
    Ranked,
    Row,
    batched,
    best_hits,
    entity_from_props,
    node_row,
    rank_identifier,
    rank_names,
    relationship_from,
    value_rows,
)
from graph.vocabulary import NodeKind, Prop, RecordKey, RecordLabel, RelType

__all__ = ["CypherStore", "Row", "node_row"]  # node_row: tests import it from here

#: How many neighbour rows one hop may fetch; beyond it the omitted count is asked separately.
_HOP_FETCH_LIMIT = 5000


def _walk(parents: dict[str, str | None], start: str) -> list[str]:
    """Ids from ``start`` back to the root of a breadth-first search's parent links."""
    ids = [start]
    while (parent := parents[ids[-1]]) is not None:
        ids.append(parent)
    return ids


class CypherStore(CypherWrites, GraphStore):
    """Shared implementation of GraphStore over a backend that runs Cypher: the write side from CypherWrites, the
    read side's hooks here (GraphReader's public methods call them)."""

    #: Loads write one batch at a time unless the backend says otherwise (see GraphWriter.write_workers).
    write_workers: int = 1

    def __init__(self, query_timeout_s: float = 10.0) -> None:
        self.query_timeout_s = query_timeout_s

    @property
    @abc.abstractmethod
    def description(self) -> str: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    # --- read side ------------------------------------------------------------------------------------------
    def get_entity(self, entity_id: str) -> Entity:
        rows = self._read(cypher.GET_ENTITY, {"id": entity_id})
        if not rows:
            raise EntityNotFound(entity_id)
        return entity_from_props(rows[0]["props"])

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        query = text.strip()
        if not query:
            return []
        ranked: Ranked = {}
        key = lookup_key(query)
        if key:
            rank_identifier(ranked, key, self._candidates(self._search(Prop.LOOKUP_TEXT, [key], limit)))
        wanted = max(limit * 10, 200)
        # names holding every word of the query (in some spelling) first; any word only when those are too few
        words = [list(dict.fromkeys([w, canonical_token(w)])) for w in fold(query).split()]
        if len(words) > 1:
            every_word = cypher.fulltext_all_words(self.dialect, words)
            rank_names(ranked, query, self._candidates(self._read_candidates(every_word, wanted)))
            if len(ranked) < limit:  # a typo in some word (3+ letters): the matcher's fuzzy every-word query
                typo = cypher.match_names_queries(self.dialect, words, fuzzy=True, min_fuzzy=3)[-1]
                rank_names(ranked, query, self._candidates(self._read_candidates(typo, wanted)))
        if len(ranked) < limit:
            rank_names(ranked, query, self._candidates(self._search(Prop.SEARCH_TEXT, query_terms(query), wanted)))
        hits = best_hits(ranked, query, limit)
        records = {e.id: e for e in self.get_entities([h.entity.id for h in hits])}  # the hits' whole records
        return [SearchHit(records[h.entity.id], h.matched, h.reason) for h in hits if h.entity.id in records]

    @staticmethod
    def _candidates(rows: list[Row]) -> list[Entity]:
        """Entities from search_candidates' columns (only what ranking needs)."""
        fields = [p.value for p in cypher.SEARCH_CANDIDATE_PROPS]
        return [entity_from_props({f: row[f] for f in fields if row.get(f) is not None}) for row in rows]

    def _search(self, field: Prop, terms: list[str], limit: int) -> list[Row]:
        text = cypher.fulltext_query(self.dialect, field, terms)
        index = cypher.FULLTEXT_LOOKUP if field is Prop.LOOKUP_TEXT else cypher.FULLTEXT_NAMES
        return self._read_candidates(text, limit, index)

    def _read_candidates(self, text: str, limit: int, index: str = cypher.FULLTEXT_NAMES) -> list[Row]:
        if not text:
            return []
        return self._read(cypher.search_candidates(self.dialect), {"index": index, "query": text, "limit": limit})

    def _neighbourhood(self, entity_id: str, hops: int, types: RelTypes, limit: int) -> Subgraph:
        # one query in one read transaction: a row per taken entity (ring by ring) with its outgoing relationships
        query = cypher.neighbourhood_view(self.dialect, hops, types)
        rows = self._read(query, {"id": entity_id, "limit": limit})
        if not rows:
            raise EntityNotFound(entity_id)
        rows.sort(key=lambda row: int(row["i"]))
        taken = [(entity_from_props(row["node"]), row["out"]) for row in rows]
        entities = {e.id: e for e, _ in taken}
        rels: dict[str, Relationship] = {}
        for source, out in taken:
            for t, target, props in out:
                if target in entities:  # a relationship to an entity left out of the view is not drawn
                    rel = relationship_from(t, source.id, target, props)
                    rels.setdefault(rel.id, rel)
        return Subgraph(
            center=entity_id,
            entities=tuple(entities.values()),
            relationships=tuple(rels.values()),
            omitted=int(rows[0]["omitted"]),
        )

    def _shortest_path(self, source: Entity, target: Entity, max_hops: int, types: RelTypes) -> Path | None:
        if self.dialect is cypher.Dialect.FALKORDB:  # allShortestPaths enumerates them all: search by level instead
            return self._bidirectional_path(source, target, max_hops, types)
        rows = self._read(
            cypher.shortest_path(self.dialect, max_hops, types),
            {"source": source.id, "target": target.id},
            timeout_s=self.query_timeout_s,
        )
        if not rows:
            return None
        nodes = tuple(entity_from_props(p) for p in rows[0]["nodes"])
        rels = tuple(relationship_from(t, s, e, p) for t, s, e, p in rows[0]["rels"])
        return Path(entities=nodes, relationships=rels)

    def _bidirectional_path(
        self, source: Entity, target: Entity, max_hops: int, types: Sequence[RelType] | None
    ) -> Path | None:
        """A shortest undirected path by breadth-first search from both ends, one query per level (the smaller
        frontier is expanded), then the relationships along it; None beyond ``max_hops``."""
        parents: tuple[dict[str, str | None], dict[str, str | None]] = ({source.id: None}, {target.id: None})
        frontiers = ([source.id], [target.id])
        meeting: str | None = None
        for _ in range(max_hops):
            side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
            if not frontiers[side]:
                return None
            mine, theirs = parents[side], parents[1 - side]
            nxt: list[str] = []
            for row in self._read(cypher.neighbour_ids(types), {"ids": frontiers[side]}):
                other = str(row["other"])
                if other in mine:
                    continue
                mine[other] = str(row["origin"])
                nxt.append(other)
                if meeting is None and other in theirs:
                    meeting = other
            if meeting is not None:
                break
            frontiers = (nxt, frontiers[1]) if side == 0 else (frontiers[0], nxt)
        if meeting is None:
            return None
        ids = _walk(parents[0], meeting)[::-1] + _walk(parents[1], meeting)[1:]
        pairs = [list(p) for p in itertools.pairwise(ids)]
        found: dict[tuple[str, str], Relationship] = {}
        for r in self._read(cypher.relationships_between(types), {"pairs": pairs}):
            found.setdefault((r["a"], r["b"]), relationship_from(r["type"], r["source"], r["target"], r["rprops"]))
        entities = {e.id: e for e in self.get_entities(ids)}
        return Path(entities=tuple(entities[i] for i in ids), relationships=tuple(found[(a, b)] for a, b in pairs))

    def iter_entities(self, batch_size: int = 10_000) -> Iterator[list[Entity]]:
        rows = self._stream(cypher.ALL_ENTITIES, cypher.ENTITIES_IN_ID_RANGE, batch_size)
        yield from batched((entity_from_props(row["props"]) for row in rows), batch_size)

    def iter_relationships(
        self, types: Sequence[RelType] | None = None, batch_size: int = 10_000
    ) -> Iterator[list[Relationship]]:
        rows = self._stream(cypher.all_relationships(types), cypher.relationships_in_id_range(types), batch_size)
        rels = (relationship_from(row["type"], row["source"], row["target"], row["rprops"]) for row in rows)
        yield from batched(rels, batch_size)

    # --- for analytics ----------------------------------------------------------------------------------------
    def get_entities(self, ids: Sequence[str]) -> list[Entity]:
        if not ids:
            return []
        rows = self._read(cypher.GET_ENTITIES, {"ids": list(dict.fromkeys(ids))})
        return [entity_from_props(r["props"]) for r in rows]

    def _links(self, q: LinkQuery) -> list[Link]:
        query = cypher.links(q.direction.value, q.types, q.rel_props, q.node_props, q.other_flag)
        rows = self._read(query, {"ids": q.ids, "limit": q.limit}, timeout_s=self.query_timeout_s)
        return [
            Link(
                origin=str(r["origin"]),
                type=RelType(r["type"]),
                outgoing=bool(r["outgoing"]),
                other=str(r["other"]),
                rel_id=str(r["rid"]),
                rel={p.value: r[f"r_{p.value}"] for p in q.rel_props},
                node={p.value: r[f"m_{p.value}"] for p in q.node_props},
            )
            for r in rows
        ]

    def _count_links(self, ids: list[str], types: RelTypes, direction: Direction) -> dict[str, int]:
        rows = self._read(cypher.count_links(direction.value, types), {"ids": ids})
        return {str(r["id"]): int(r["n"]) for r in rows}

    def _link_degrees(self, ids: list[str], types: RelTypes, direction: Direction) -> dict[str, int]:
        rows = self._read(cypher.link_degrees(self.dialect, direction.value, types), {"ids": ids})
        return {str(r["id"]): int(r["n"]) for r in rows if r["n"]}

    def _with_list_value(
        self, prop: Prop, values: list[str], kind: NodeKind | None, node_props: Sequence[Prop], limit: int
    ) -> list[ValueHit]:
        query = cypher.lookup_keys_query(self.dialect, values) if prop is Prop.LOOKUP_KEYS else ""
        if query:  # identifier keys: through the lookup index, not a scan of every entity
            rows = self._read(
                cypher.entities_with_lookup_key(self.dialect, kind, node_props),
                {"index": cypher.FULLTEXT_LOOKUP, "query": query, "values": values, "limit": limit},
                timeout_s=max(30.0, self.query_timeout_s),
            )
        else:
            rows = self._read(
                cypher.entities_with_list_value(prop, kind, node_props),
                {"values": values, "limit": limit},
                timeout_s=max(30.0, self.query_timeout_s),
            )
        return [
            (str(r["id"]), list(r["matched"] or []), {p.value: r[f"n_{p.value}"] for p in node_props}) for r in rows
        ]

    def iter_node_values(self, props: Sequence[Prop], batch_size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        whole, by_range = cypher.node_values(props)
        keys = ["id", *(f"v_{p.value}" for p in props)]
        yield from batched(value_rows(self._stream(whole, by_range, batch_size), keys), batch_size)

    def iter_relationship_values(
        self, rel_type: RelType, props: Sequence[Prop] = (), batch_size: int = 50_000
    ) -> Iterator[list[tuple[Any, ...]]]:
        whole, by_range = cypher.relationship_values(rel_type, props)
        keys = ["source", "target", *(f"v_{p.value}" for p in props)]
        yield from batched(value_rows(self._stream(whole, by_range, batch_size), keys), batch_size)

    @abc.abstractmethod
    def _stream(self, whole: str, by_id_range: str, page: int) -> Iterator[Row]:
        """Rows of a bulk read: ``whole`` where the backend streams, else ``by_id_range`` paged over [$lo, $hi)."""

    def _shortest_paths(self, first: Path, k: int, max_hops: int, types: RelTypes) -> list[Path]:
        source_id, target_id = first.entities[0].id, first.entities[-1].id
        # Every node of a path of at most max_hops lies within ceil(h/2) of the source or floor(h/2) of the target,
        # and every edge of it touches a node strictly inside one of those balls: gather both, then run Yen locally.
        entities: dict[str, Entity] = {e.id: e for e in first.entities}
        rels: dict[frozenset[str], Relationship] = {}
        adjacency: dict[str, set[str]] = {}
        for start, radius in ((source_id, (max_hops + 1) // 2), (target_id, max_hops // 2)):
            seen, frontier = {start}, [start]
            for _ in range(radius):
                if not frontier:
                    break
                rows = self._read(cypher.neighbours(types), {"ids": frontier, "limit": _HOP_FETCH_LIMIT})
                nxt: list[str] = []
                for row in rows:
                    other = entity_from_props(row["mprops"])
                    entities.setdefault(other.id, other)
                    rel = relationship_from(row["type"], row["source"], row["target"], row["rprops"])
                    rels.setdefault(frozenset((rel.source, rel.target)), rel)
                    adjacency.setdefault(rel.source, set()).add(rel.target)
                    adjacency.setdefault(rel.target, set()).add(rel.source)
                    if other.id not in seen:
                        seen.add(other.id)
                        nxt.append(other.id)
                frontier = nxt
        found = k_shortest_paths(adjacency, source_id, target_id, k, max_hops)
        return [
            Path(
                entities=tuple(entities[n] for n in nodes),
                relationships=tuple(rels[frozenset(pair)] for pair in itertools.pairwise(nodes)),
            )
            for nodes in found
        ]

    def stats(self) -> Stats:
        nodes = {str(r["key"]): int(r["n"]) for r in self._read(cypher.STATS_NODES)}
        rels = {str(r["key"]): int(r["n"]) for r in self._read(cypher.STATS_RELATIONSHIPS)}
        return Stats(nodes=nodes, relationships=rels)

    def same_as_queue(self, statuses: Sequence[str], min_score: float = 0.0, limit: int = 100) -> list[Relationship]:
        params = {"statuses": list(statuses), "min_score": float(min_score), "limit": int(limit)}
        rows = self._read(cypher.SAME_AS_QUEUE, params)
        return [relationship_from(RelType.SAME_AS.value, r["source"], r["target"], r["rprops"]) for r in rows]

    def same_as_of(self, entity_id: str) -> list[Relationship]:
        rows = self._read(cypher.SAME_AS_OF, {"id": entity_id})
        return [relationship_from(RelType.SAME_AS.value, r["source"], r["target"], r["rprops"]) for r in rows]

    # --- the analysts' records (graph.cases; RecordStore) --------------------------------------------------------
    def put_records(self, label: RecordLabel, rows: Sequence[dict[str, Any]]) -> int:
        if not rows:
            return 0
        params = [{"id": r[RecordKey.ID], "props": {k: v for k, v in r.items() if v is not None}} for r in rows]
        result, _ = self._write(cypher.put_records(label), {"rows": params})
        return int(result[0]["written"]) if result else 0

    def get_records(
        self, label: RecordLabel, key: RecordKey | None = None, values: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        return [dict(r["props"]) for r in self._read(cypher.get_records(label, key), {"values": list(values)})]

    def delete_records(self, label: RecordLabel, ids: Sequence[str]) -> int:
        result, _ = self._write(cypher.delete_records(label), {"ids": list(ids)})
        return int(result[0]["deleted"]) if result else 0

    # --- matcher candidates for many parties at once (graph.matching.xref) ---------------------------------------
    def _match_many(self, queries: Sequence[Words], fuzzy: bool, limit: int, known: Candidates) -> list[list[Entity]]:
        texts = [cypher.match_names_queries(self.dialect, words, fuzzy) for words in queries]
        wanted = list(dict.fromkeys(f"{limit}:{t}" for ts in texts for t in ts if f"{limit}:{t}" not in known))
        if wanted:
            found: dict[str, list[Entity]] = {key: [] for key in wanted}
            rows = self._read(
                cypher.match_candidates(self.dialect),
                {"index": cypher.FULLTEXT_NAMES, "queries": [k.split(":", 1)[1] for k in wanted], "limit": limit},
                timeout_s=max(60.0, self.query_timeout_s) if len(wanted) > 20 else None,
            )
            fields = [p.value for p in cypher.MATCH_CANDIDATE_PROPS]
            for row in rows:
                entity = entity_from_props({f: row[f] for f in fields if row.get(f) is not None})
                for text in row["queries"]:
                    found[f"{limit}:{text}"].append(entity)
            known.update(found)
        out: list[list[Entity]] = []
        for ts in texts:
            union: dict[str, Entity] = {}
            for t in ts:
                for entity in known[f"{limit}:{t}"]:
                    union.setdefault(entity.id, entity)
            out.append(list(union.values()))
        return out
