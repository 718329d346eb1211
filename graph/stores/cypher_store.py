"""Store behaviour shared by both backends; a backend only runs Cypher and translates its driver's errors."""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence
from typing import Any

from graph import cypher
from graph.errors import EntityNotFound, SanctionsGraphError
from graph.ids import fold_text, lookup_key, name_tokens
from graph.model import Entity, NodeRecord, Path, Relationship, RelRecord, SearchHit, Stats, Subgraph, WriteCounts
from graph.stores.base import DEFAULT_NEIGHBOURHOOD_LIMIT, MAX_HOPS, MAX_PATH_HOPS
from graph.vocabulary import FLAG_PROPS, LIST_PROPS, NodeKind, Prop, RelType

Row = dict[str, Any]

#: How many neighbour rows one hop may fetch; beyond it the omitted count is asked separately.
_HOP_FETCH_LIMIT = 5000


def _clean_scalar(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


def node_row(record: NodeRecord) -> Row:
    """The parameter map of one node for the node-writing statements, with search and lookup keys derived here."""
    scalars: dict[str, Any] = {}
    lists: dict[str, list[Any]] = {p.value: [] for p in cypher.NODE_LIST_PROPS}
    flags: dict[str, bool] = {}
    for key, value in record.props.items():
        prop = Prop(key)
        if value is None:
            continue
        if prop in LIST_PROPS:
            values = [value] if isinstance(value, str) else list(value)
            seen: list[Any] = []
            for v in values:
                if v not in seen and v not in (None, ""):
                    seen.append(v)
            lists[prop.value] = seen
        elif prop in FLAG_PROPS:
            flags[prop.value] = bool(value)
        elif prop in (Prop.ID, Prop.KIND):
            continue
        else:
            scalars[prop.value] = _clean_scalar(value)
    name = str(record.props.get(Prop.NAME) or record.id)
    scalars[Prop.NAME.value] = name
    names = [name, *lists[Prop.ALIASES.value]]
    lists[Prop.SEARCH_NAMES.value] = list(dict.fromkeys(f for f in (fold_text(n) for n in names) if f))
    keys = [lookup_key(str(v)) for v in lists[Prop.LOOKUP_KEYS.value]]
    lists[Prop.LOOKUP_KEYS.value] = list(dict.fromkeys(k for k in keys if k))
    return {"id": record.id, "scalars": scalars, "lists": lists, "flags": flags}


def rel_row(record: RelRecord) -> Row:
    scalars: dict[str, Any] = {}
    lists: dict[str, list[Any]] = {p.value: [] for p in cypher.REL_LIST_PROPS}
    for key, value in record.props.items():
        prop = Prop(key)
        if value is None or prop is Prop.ID:
            continue
        if prop in cypher.REL_LIST_PROPS:
            values = [value] if isinstance(value, str) else list(value)
            lists[prop.value] = list(dict.fromkeys(values))
        else:
            scalars[prop.value] = _clean_scalar(value)
    return {"id": record.id, "source": record.source, "target": record.target, "scalars": scalars, "lists": lists}


def entity_from_props(props: dict[str, Any]) -> Entity:
    data = dict(props)
    return Entity(
        id=str(data.get(Prop.ID.value)),
        kind=NodeKind(data.get(Prop.KIND.value, NodeKind.LEGAL_ENTITY.value)),
        name=str(data.get(Prop.NAME.value) or data.get(Prop.ID.value)),
        sanctioned=bool(data.get(Prop.SANCTIONED.value, False)),
        properties=data,
    )


def relationship_from(rel_type: str, source: str, target: str, props: dict[str, Any]) -> Relationship:
    data = dict(props)
    return Relationship(
        id=str(data.get(Prop.ID.value)), type=RelType(rel_type), source=source, target=target, properties=data
    )


class CypherStore(abc.ABC):
    """Shared implementation of GraphStore over a backend that runs Cypher."""

    dialect: cypher.Dialect

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
            (cypher.create_nodes(kind), [row for i, row in rows_by_id.items() if i not in known]),
            (cypher.update_nodes(kind), [row for i, row in rows_by_id.items() if i in known]),
        ):
            if batch:
                result, counts = self._write(statement, {"rows": batch})
                counts.rows_written = int(result[0]["written"]) if result else 0
                total.add(counts)
        return total

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        if not rows:
            return WriteCounts()
        result, counts = self._write(cypher.upsert_relationships(rel_type), {"rows": [rel_row(r) for r in rows]})
        counts.rows_written = int(result[0]["written"]) if result else 0
        return counts

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        if not ids:
            return WriteCounts()
        result, counts = self._write(cypher.ENSURE_STUBS, {"ids": list(dict.fromkeys(ids))})
        counts.rows_written = int(result[0]["written"]) if result else 0
        return counts

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        if not ids:
            return WriteCounts()
        result, counts = self._write(cypher.DELETE_NODES, {"ids": list(dict.fromkeys(ids))})
        counts.rows_written = int(result[0]["written"]) if result else 0
        return counts

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        if not rows:
            return WriteCounts()
        params = [{"id": i, "props": {p.value: values.get(p) for p in props}} for i, values in rows]
        result, counts = self._write(cypher.set_node_properties(props), {"rows": params})
        counts.rows_written = int(result[0]["written"]) if result else 0
        return counts

    def clear(self) -> None:
        self._write(cypher.DELETE_ALL)

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
        key = lookup_key(query)
        tokens = name_tokens(query)
        rows = self._read(cypher.SEARCH, {"key": key, "tokens": tokens, "limit": max(limit * 5, 50)})
        hits = [_rank(entity_from_props(r["props"]), key, tokens) for r in rows]
        hits.sort(key=lambda h: (h[0], not h[1].entity.sanctioned, h[1].entity.name.casefold()))
        return [h for _, h in hits[:limit]]

    def neighbourhood(
        self,
        entity_id: str,
        hops: int = 1,
        types: Sequence[RelType] | None = None,
        limit: int = DEFAULT_NEIGHBOURHOOD_LIMIT,
    ) -> Subgraph:
        if not 1 <= hops <= MAX_HOPS:
            raise SanctionsGraphError(f"Hops must be between 1 and {MAX_HOPS}.")
        center = self.get_entity(entity_id)
        entities: dict[str, Entity] = {center.id: center}
        rels: dict[str, Relationship] = {}
        frontier = [center.id]
        omitted: set[str] = set()
        truncated_fetch = False
        for _ in range(hops):
            if not frontier:
                break
            rows = self._read(cypher.neighbours(types), {"ids": frontier, "limit": _HOP_FETCH_LIMIT})
            truncated_fetch = truncated_fetch or len(rows) >= _HOP_FETCH_LIMIT
            next_frontier: list[str] = []
            for row in rows:
                other = entity_from_props(row["mprops"])
                if other.id not in entities:
                    if len(entities) >= limit:
                        omitted.add(other.id)
                        continue
                    entities[other.id] = other
                    next_frontier.append(other.id)
                rel = relationship_from(row["type"], row["source"], row["target"], row["rprops"])
                rels[rel.id] = rel
            frontier = next_frontier
        for row in self._read(cypher.edges_among(types), {"ids": list(entities)}):
            rel = relationship_from(row["type"], row["source"], row["target"], row["rprops"])
            rels.setdefault(rel.id, rel)
        omitted_count = len(omitted)
        if truncated_fetch:
            total = self._read(cypher.count_neighbours(types), {"ids": list(entities)})
            omitted_count = max(omitted_count, int(total[0]["n"]) - len(entities) + 1) if total else omitted_count
        return Subgraph(
            center=center.id,
            entities=tuple(entities.values()),
            relationships=tuple(r for r in rels.values() if r.source in entities and r.target in entities),
            omitted=omitted_count,
        )

    def shortest_path(
        self, source_id: str, target_id: str, max_hops: int = MAX_PATH_HOPS, types: Sequence[RelType] | None = None
    ) -> Path | None:
        source = self.get_entity(source_id)
        target = self.get_entity(target_id)
        if source.id == target.id:
            return Path(entities=(source,), relationships=())
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

    @abc.abstractmethod
    def _stream(self, whole: str, by_id_range: str, page: int) -> Iterator[Row]:
        """Rows of a bulk read: ``whole`` where the backend streams, else ``by_id_range`` paged over [$lo, $hi)."""

    def stats(self) -> Stats:
        nodes = {str(r["key"]): int(r["n"]) for r in self._read(cypher.STATS_NODES)}
        rels = {str(r["key"]): int(r["n"]) for r in self._read(cypher.STATS_RELATIONSHIPS)}
        return Stats(nodes=nodes, relationships=rels)


def _rank(entity: Entity, key: str, tokens: list[str]) -> tuple[int, SearchHit]:
    """Rank a candidate: identifier hit, exact name, all words at word starts, words inside; and say why."""
    if key and key in (entity.properties.get(Prop.LOOKUP_KEYS.value) or []):
        return 0, SearchHit(entity, key, "identifier")
    names = [entity.name, *entity.aliases]
    folded_query = " ".join(tokens)
    best: tuple[int, str, str] | None = None
    for name in names:
        folded = fold_text(name)
        words = folded.split()
        if folded == folded_query or sorted(words) == sorted(tokens):
            score, reason = 1, "name" if name == entity.name else "alias"
        elif all(any(w.startswith(t) for w in words) for t in tokens):
            score, reason = 2, "name words" if name == entity.name else "alias words"
        elif all(t in folded for t in tokens):
            score, reason = 3, "part of name" if name == entity.name else "part of alias"
        else:
            continue
        if best is None or score < best[0]:
            best = (score, name, reason)
    if best is None:
        return 4, SearchHit(entity, entity.name, "name")
    return best[0], SearchHit(entity, best[1], best[2])
