"""Store behaviour shared by both backends; a backend only runs Cypher and translates its driver's errors."""

from __future__ import annotations

import abc
import itertools
from collections.abc import Iterator, MutableMapping, Sequence
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
from graph.names import canonical_token, fold, query_terms
from graph.paths import k_shortest_paths
from graph.stores.base import DEFAULT_NEIGHBOURHOOD_LIMIT, MAX_HOPS, MAX_PATH_HOPS
from graph.stores.records import (
    Ranked,
    Row,
    batched,
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


class CypherStore(abc.ABC):
    """Shared implementation of GraphStore over a backend that runs Cypher."""

    dialect: cypher.Dialect
    #: Loads write one batch at a time unless the backend says otherwise (see GraphWriter.write_workers).
    write_workers: int = 1

    def __init__(self, query_timeout_s: float = 10.0) -> None:
        self.query_timeout_s = query_timeout_s

    # --- what a backend provides ----------------------------------------------------------------------------
    @abc.abstractmethod
    def _read(self, query: str, params: dict[str, Any] | None = None, timeout_s: float | None = None) -> list[Row]:
        """Run a read query and return rows as dicts of plain Python values."""

    @abc.abstractmethod
    def _write(self, query: str, params: dict[str, Any] | None = None) -> tuple[list[Row], WriteCounts]:
        """Run a write query in one transaction and return rows and what it changed."""

    @abc.abstractmethod
    def _schema(self, statement: str) -> None:
        """Run one schema statement, tolerating 'already exists'."""

    @property
    @abc.abstractmethod
    def description(self) -> str: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    def _written(self, query: str, params: dict[str, Any]) -> WriteCounts:
        """Run a write query that returns ``written`` (how many rows it wrote): what it changed, rows_written set."""
        result, counts = self._write(query, params)
        counts.rows_written = int(result[0]["written"]) if result else 0
        return counts

    # --- write side -----------------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        for statement in cypher.schema_statements(self.dialect):
            self._schema(statement)

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        if not rows:
            return WriteCounts()
        rows_by_id = {r.id: node_row(r) for r in rows}
        known = {r["id"]: r["kind"] for r in self._read(cypher.EXISTING_KINDS, {"ids": list(rows_by_id)})}
        total = WriteCounts()
        relabel = [i for i, k in known.items() if k != kind.value]
        if relabel:
            total.add(self._write(cypher.relabel_nodes(kind), {"ids": relabel})[1])
        for statement, batch in (
            (cypher.create_nodes(kind), [new_node_row(row, kind) for i, row in rows_by_id.items() if i not in known]),
            (cypher.update_nodes(kind), [row for i, row in rows_by_id.items() if i in known]),
        ):
            if batch:
                total.add(self._written(statement, {"rows": batch}))
        return total

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        """Relationships whose id is new are CREATEd (cheap: no search among the ends' relationships), the others
        MERGEd as before (scalars replaced, lists united); a repeated id in the batch is MERGEd after its first."""
        if not rows:
            return WriteCounts()
        first: dict[str, Row] = {}
        repeats: list[Row] = []
        for record in rows:
            row = rel_row(record)
            if row["id"] in first:
                repeats.append(row)
            else:
                first[row["id"]] = row
        found = self._read(cypher.existing_relationships(self.dialect, rel_type), {"ids": list(first)})
        known = {r["id"] for r in found}
        total = WriteCounts()
        for statement, batch in (
            (cypher.create_relationships(rel_type), [new_rel_row(row) for i, row in first.items() if i not in known]),
            (cypher.upsert_relationships(rel_type), [row for i, row in first.items() if i in known] + repeats),
        ):
            if batch:
                total.add(self._written(statement, {"rows": batch}))
        return total

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        return self._written(cypher.ENSURE_STUBS, {"ids": list(dict.fromkeys(ids))}) if ids else WriteCounts()

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        return self._written(cypher.DELETE_NODES, {"ids": list(dict.fromkeys(ids))}) if ids else WriteCounts()

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        if not rows:
            return WriteCounts()
        params = [{"id": i, "props": {p.value: values.get(p) for p in props}} for i, values in rows]
        return self._written(cypher.set_node_properties(props), {"rows": params})

    def add_to_node_lists(self, rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        if not rows:
            return WriteCounts()
        total = self.ensure_stubs([node_id for node_id, _ in rows])  # nodes_created: the stubs made
        params = [list_row(node_id, values) for node_id, values in rows]
        counts = self._written(cypher.ADD_TO_NODE_LISTS, {"rows": params})
        counts.nodes_created = total.nodes_created
        return counts

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        total = WriteCounts()
        unique = list(dict.fromkeys(ids))
        if not unique:
            return total
        for rel_type in RelType:
            total.add(self._written(cypher.delete_relationships(self.dialect, rel_type), {"ids": unique}))
        return total

    def clear(self, batch_size: int = 10_000) -> None:
        """Delete everything, ``batch_size`` nodes (with their relationships) per transaction: one DETACH DELETE of
        a big graph runs a small Neo4j out of memory."""
        while True:
            result, _ = self._write(cypher.DELETE_SOME, {"limit": batch_size})
            if not result or int(result[0]["deleted"]) < batch_size:
                return

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

    def neighbourhood(
        self,
        entity_id: str,
        hops: int = 1,
        types: Sequence[RelType] | None = None,
        limit: int = DEFAULT_NEIGHBOURHOOD_LIMIT,
    ) -> Subgraph:
        if not 1 <= hops <= MAX_HOPS:
            raise SanctionsGraphError(f"Hops must be between 1 and {MAX_HOPS}.")
        # one query in one read transaction: a row per taken entity (ring by ring) with its outgoing relationships
        query = cypher.neighbourhood_view(self.dialect, hops, types)
        rows = self._read(query, {"id": entity_id, "limit": max(1, int(limit))})
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

    def shortest_path(
        self, source_id: str, target_id: str, max_hops: int = MAX_PATH_HOPS, types: Sequence[RelType] | None = None
    ) -> Path | None:
        source = self.get_entity(source_id)
        target = self.get_entity(target_id)
        if source.id == target.id:
            return Path(entities=(source,), relationships=())
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
        batch: list[Entity] = []
        for row in self._stream(cypher.ALL_ENTITIES, cypher.ENTITIES_IN_ID_RANGE, batch_size):
            batch.append(entity_from_props(row["props"]))
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def iter_relationships(
        self, types: Sequence[RelType] | None = None, batch_size: int = 10_000
    ) -> Iterator[list[Relationship]]:
        batch: list[Relationship] = []
        rows = self._stream(cypher.all_relationships(types), cypher.relationships_in_id_range(types), batch_size)
        for row in rows:
            batch.append(relationship_from(row["type"], row["source"], row["target"], row["rprops"]))
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    # --- for analytics ----------------------------------------------------------------------------------------
    def get_entities(self, ids: Sequence[str]) -> list[Entity]:
        if not ids:
            return []
        rows = self._read(cypher.GET_ENTITIES, {"ids": list(dict.fromkeys(ids))})
        return [entity_from_props(r["props"]) for r in rows]

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
        if not ids:
            return []
        query = cypher.links(Direction(direction).value, types, rel_props, node_props, other_flag)
        rows = self._read(query, {"ids": list(dict.fromkeys(ids)), "limit": int(limit)}, timeout_s=self.query_timeout_s)
        return [
            Link(
                origin=str(r["origin"]),
                type=RelType(r["type"]),
                outgoing=bool(r["outgoing"]),
                other=str(r["other"]),
                rel_id=str(r["rid"]),
                rel={p.value: r[f"r_{p.value}"] for p in rel_props},
                node={p.value: r[f"m_{p.value}"] for p in node_props},
            )
            for r in rows
        ]

    def count_links(
        self, ids: Sequence[str], types: Sequence[RelType] | None = None, direction: Direction = Direction.BOTH
    ) -> dict[str, int]:
        if not ids:
            return {}
        rows = self._read(cypher.count_links(Direction(direction).value, types), {"ids": list(dict.fromkeys(ids))})
        return {str(r["id"]): int(r["n"]) for r in rows}

    def link_degrees(
        self, ids: Sequence[str], types: Sequence[RelType] | None = None, direction: Direction = Direction.BOTH
    ) -> dict[str, int]:
        if not ids:
            return {}
        query = cypher.link_degrees(self.dialect, Direction(direction).value, types)
        rows = self._read(query, {"ids": list(dict.fromkeys(ids))})
        return {str(r["id"]): int(r["n"]) for r in rows if r["n"]}

    def entities_with_list_value(
        self,
        prop: Prop,
        values: Sequence[str],
        kind: NodeKind | None = None,
        node_props: Sequence[Prop] = (),
        limit: int = 10_000,
    ) -> list[tuple[str, list[str], dict[str, Any]]]:
        if not values:
            return []
        unique = list(dict.fromkeys(values))
        query = cypher.lookup_keys_query(self.dialect, unique) if prop is Prop.LOOKUP_KEYS else ""
        if query:  # identifier keys: through the lookup index, not a scan of every entity
            rows = self._read(
                cypher.entities_with_lookup_key(self.dialect, kind, node_props),
                {"index": cypher.FULLTEXT_LOOKUP, "query": query, "values": unique, "limit": int(limit)},
                timeout_s=max(30.0, self.query_timeout_s),
            )
        else:
            rows = self._read(
                cypher.entities_with_list_value(prop, kind, node_props),
                {"values": unique, "limit": int(limit)},
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

    def shortest_paths(
        self,
        source_id: str,
        target_id: str,
        k: int = 3,
        max_hops: int = MAX_PATH_HOPS,
        types: Sequence[RelType] | None = None,
    ) -> list[Path]:
        first = self.shortest_path(source_id, target_id, max_hops, types)
        if first is None or k <= 1 or first.hops == 0:
            return [first] if first else []
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
        paths = [
            Path(
                entities=tuple(entities[n] for n in nodes),
                relationships=tuple(rels[frozenset(pair)] for pair in itertools.pairwise(nodes)),
            )
            for nodes in found
        ]
        return paths or [first]

    def stats(self) -> Stats:
        nodes = {str(r["key"]): int(r["n"]) for r in self._read(cypher.STATS_NODES)}
        rels = {str(r["key"]): int(r["n"]) for r in self._read(cypher.STATS_RELATIONSHIPS)}
        return Stats(nodes=nodes, relationships=rels)

    # --- matcher candidates (graph.matching) --------------------------------------------------------------------
    def match_candidates(self, words: Sequence[Sequence[str]], fuzzy: bool = True, limit: int = 20) -> list[Entity]:
        return self.match_candidates_many([words], fuzzy, limit)[0]

    # --- SAME_AS candidates and their review (graph.matching.xref, graph.matching.judgements) --------------------
    def upsert_same_as(self, rows: Sequence[Relationship], candidate: str) -> WriteCounts:
        if not rows:
            return WriteCounts()
        params = [
            {
                "id": r.id,
                "source": r.source,
                "target": r.target,
                "score": r.properties.get(Prop.SCORE.value),
                "label": r.properties.get(Prop.MATCH_LABEL.value),
                "explanation": r.properties.get(Prop.EXPLANATION.value),
                "datasets": list(r.properties.get(Prop.DATASETS.value) or []),
            }
            for r in rows
        ]
        return self._written(cypher.UPSERT_SAME_AS, {"rows": params, "candidate": candidate})

    def judge_same_as(self, rel_id: str, judgement: str | None, status: str, user: str, at: str) -> Relationship:
        params = {"id": rel_id, "judgement": judgement, "status": status, "by": user, "at": at}
        result, _ = self._write(cypher.judge_same_as(self.dialect), params)
        if not result:
            raise SanctionsGraphError(f"No SAME_AS candidate with id '{rel_id}' is in the graph.")
        row = result[0]
        return relationship_from(RelType.SAME_AS.value, row["source"], row["target"], row["rprops"])

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
    def match_candidates_many(
        self,
        queries: Sequence[Sequence[Sequence[str]]],
        fuzzy: bool = True,
        limit: int = 20,
        cache: MutableMapping[str, list[Entity]] | None = None,
    ) -> list[list[Entity]]:
        texts = [cypher.match_names_queries(self.dialect, words, fuzzy) for words in queries]
        known: MutableMapping[str, list[Entity]] = {} if cache is None else cache
        wanted = list(dict.fromkeys(f"{limit}:{t}" for ts in texts for t in ts if f"{limit}:{t}" not in known))
        if wanted:
            found: dict[str, list[Entity]] = {key: [] for key in wanted}
            rows = self._read(
                cypher.match_candidates(self.dialect),
                {"index": cypher.FULLTEXT_NAMES, "queries": [k.split(":", 1)[1] for k in wanted], "limit": int(limit)},
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
