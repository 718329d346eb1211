"""The write side of the Cypher stores (GraphWriter and ReviewWriter) and the three calls a backend provides
(graph.stores.neo4j_store, graph.stores.falkor_store): every write is batched Cypher from graph.cypher, with
values as parameters."""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from typing import Any

from graph import cypher
from graph.errors import SanctionsGraphError
from graph.model import NodeRecord, Relationship, RelRecord, WriteCounts
from graph.stores.records import Row, list_row, new_node_row, new_rel_row, node_row, rel_row, relationship_from
from graph.stores.refusal import CONCURRENT_WRITE
from graph.vocabulary import NodeKind, Prop, RelType


class IdsTaken(SanctionsGraphError):
    """A write refused by a unique-id constraint: an id it CREATEs is in the store already."""

    def __init__(self) -> None:
        super().__init__(CONCURRENT_WRITE)


class CypherWrites(abc.ABC):
    """Writes over a backend that runs Cypher; graph.stores.cypher_store.CypherStore adds the read side."""

    dialect: cypher.Dialect
    #: Write a batch with a bare CREATE first, without reading which of its ids the store holds, once
    #: ensure_schema has put the unique-id constraints in place: a batch holding a stored id is refused whole
    #: (IdsTaken, nothing written) and is then written the careful way (read, create, merge), as is every later
    #: batch of that kind or type in this store's life. A first load skips one indexed read per record.
    #: Neo4j's constraints hold as soon as they are created; FalkorDB builds its own asynchronously (False).
    creates_first: bool = False
    _ids_constrained: bool = False  # set by ensure_schema
    _read_first: frozenset[str] = frozenset()  # the kinds and types that met a stored id

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

    def _written(self, query: str, params: dict[str, Any]) -> WriteCounts:
        """Run a write query that returns ``written`` (how many rows it wrote): what it changed, rows_written set."""
        result, counts = self._write(query, params)
        counts.rows_written = int(result[0]["written"]) if result else 0
        return counts

    def ensure_schema(self) -> None:
        for statement in cypher.schema_statements(self.dialect):
            self._schema(statement)
        self._ids_constrained = True

    def _created_first(self, key: str, statement: str, rows: Callable[[], list[Row]]) -> WriteCounts | None:
        """What ``statement`` (a CREATE of every row) wrote, or None when this batch must be written the careful
        way: creates_first is off or unsafe, ``key`` met a stored id before, or a row's id is stored (IdsTaken)."""
        if not (self.creates_first and self._ids_constrained) or key in self._read_first:
            return None
        try:
            return self._written(statement, {"rows": rows()})
        except IdsTaken:
            self._read_first = self._read_first | {key}
            return None

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        if not rows:
            return WriteCounts()
        rows_by_id = {r.id: node_row(r) for r in rows}
        created = self._created_first(
            f"node {kind.value}",
            cypher.create_nodes(kind),
            lambda: [new_node_row(row, kind) for row in rows_by_id.values()],
        )
        if created is not None:
            return created
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
        created = self._created_first(
            f"relationship {rel_type.value}",
            cypher.create_relationships(rel_type),
            lambda: [new_rel_row(row) for row in first.values()],
        )
        if created is not None:
            if repeats:
                created.add(self._written(cypher.upsert_relationships(rel_type), {"rows": repeats}))
            return created
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
