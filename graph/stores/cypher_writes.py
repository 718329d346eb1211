"""The write side of the Cypher stores (GraphWriter and ReviewWriter) and the three calls a backend provides
(graph.stores.neo4j_store, graph.stores.falkor_store): every write is batched Cypher from graph.cypher, with
values as parameters."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any

from graph import cypher
from graph.errors import SanctionsGraphError
from graph.model import NodeRecord, Relationship, RelRecord, WriteCounts
from graph.stores.records import Row, list_row, new_node_row, new_rel_row_of, node_row, rel_row, relationship_from
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
    #: batch of that kind or type in this store's life. A first load skips one indexed read per record. Needs a
    #: store that refuses a whole statement on a violation (both do) and constraints that hold once ensure_schema
    #: returns (Neo4j's at once; FalkorDB's are built in the background and ensure_schema waits for them).
    creates_first: bool = False
    _ids_constrained: bool = False  # set by ensure_schema
    _read_first: frozenset[str] = frozenset()  # the kinds and types that met a stored id
    #: With creates_first: the internal id of each node this store CREATEd (at most NODE_IDS_KEPT, about 100
    #: bytes each; deleted ids are dropped). A batch's rows whose id is among them (a source emitting an entity
    #: again, e.g. an FtM Sanction after its subject) are merged the careful way and the rest still CREATEd first.
    _node_ids: dict[str, int] | None = None
    #: Find a new relationship's ends by those internal ids rather than by a seek in the id index
    #: (cypher.create_relationships_between: the end must still have the row's id). Neo4j only: FalkorDB plans
    #: that statement as a scan of every node.
    ends_by_internal_id: bool = False
    NODE_IDS_KEPT = 1_000_000

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
        if self.creates_first and self._node_ids is None:
            self._node_ids = {}

    def _creating_first(self, key: str) -> bool:
        """Whether a batch of ``key`` (a kind or type) is CREATEd without a read first (see creates_first)."""
        return self.creates_first and self._ids_constrained and key not in self._read_first

    def _met_stored_id(self, key: str) -> None:
        self._read_first = self._read_first | {key}

    def _create_nodes(self, kind: NodeKind, rows: list[Row]) -> WriteCounts:
        """CREATE nodes known or taken to be new, keeping their internal ids (see _node_ids)."""
        kept = self._node_ids
        if kept is None:
            return self._written(cypher.create_nodes(kind), {"rows": rows})
        result, counts = self._write(cypher.create_nodes(kind, node_ids=True), {"rows": rows})
        counts.rows_written = int(result[0]["written"]) if result else 0
        if result and len(kept) < self.NODE_IDS_KEPT:
            kept.update(zip(result[0]["ids"], result[0]["nodes"], strict=True))
        return counts

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        if not rows:
            return WriteCounts()
        rows_by_id = {r.id: node_row(r) for r in rows}
        key = f"node {kind.value}"
        total = WriteCounts()
        if self._creating_first(key):
            created = self._node_ids or {}
            again = {i: row for i, row in rows_by_id.items() if i in created}  # merged the careful way below
            try:
                fresh = [new_node_row(row, kind) for i, row in rows_by_id.items() if i not in again]
                if fresh:
                    total = self._create_nodes(kind, fresh)
                if not again:
                    return total
                rows_by_id = again
            except IdsTaken:  # an id this store did not create is stored: nothing of the batch was written
                self._met_stored_id(key)
        known = {r["id"]: r["kind"] for r in self._read(cypher.EXISTING_KINDS, {"ids": list(rows_by_id)})}
        relabel = [i for i, k in known.items() if k != kind.value]
        if relabel:
            total.add(self._write(cypher.relabel_nodes(kind), {"ids": relabel})[1])
        new = [new_node_row(row, kind) for i, row in rows_by_id.items() if i not in known]
        if new:
            total.add(self._create_nodes(kind, new))
        update = [row for i, row in rows_by_id.items() if i in known]
        if update:
            total.add(self._written(cypher.update_nodes(kind), {"rows": update}))
        return total

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        """Relationships whose id is new are CREATEd (cheap: no search among the ends' relationships), the others
        MERGEd as before (scalars replaced, lists united); a repeated id in the batch is MERGEd after its first."""
        if not rows:
            return WriteCounts()
        first: dict[str, RelRecord] = {}
        repeats: list[RelRecord] = []
        for record in rows:
            if record.id in first:
                repeats.append(record)
            else:
                first[record.id] = record
        total = WriteCounts()
        todo = self._rels_created_first(rel_type, list(first.values()), total)
        if todo:
            found = self._read(cypher.existing_relationships(self.dialect, rel_type), {"ids": [r.id for r in todo]})
            known = {r["id"] for r in found}
            new = [new_rel_row_of(record) for record in todo if record.id not in known]
            if new:
                total.add(self._written(cypher.create_relationships(rel_type), {"rows": new}))
            repeats = [record for record in todo if record.id in known] + repeats
        if repeats:
            merged = [rel_row(record) for record in repeats]
            total.add(self._written(cypher.upsert_relationships(rel_type), {"rows": merged}))
        return total

    def _rels_created_first(self, rel_type: RelType, rows: list[RelRecord], total: WriteCounts) -> list[RelRecord]:
        """CREATE the rows without a read when creates_first allows it, adding what was written to ``total``;
        return the rows still to write the careful way: all of them when one's id is stored (IdsTaken), those
        sent by internal ids when an end failed its check (an internal id reused after a delete)."""
        key = f"relationship {rel_type.value}"
        if not self._creating_first(key):
            return rows
        kept = (self._node_ids or {}) if self.ends_by_internal_id else {}
        by_node_id: list[tuple[RelRecord, Row]] = []
        by_index: list[tuple[RelRecord, Row]] = []
        for record in rows:
            new = new_rel_row_of(record)
            source, target = kept.get(record.source), kept.get(record.target)
            if source is None or target is None:
                by_index.append((record, new))
            else:
                new["s"], new["t"] = source, target
                by_node_id.append((record, new))
        todo: list[RelRecord] = []
        try:
            if by_node_id:
                statement = cypher.create_relationships_between(rel_type)
                counts = self._written(statement, {"rows": [new for _, new in by_node_id]})
                if counts.rows_written < len(by_node_id):
                    counts.rows_written = 0  # the careful write of these rows counts those written here
                    todo = [record for record, _ in by_node_id]
                total.add(counts)
            by_node_id = []
            if by_index:
                total.add(self._written(cypher.create_relationships(rel_type), {"rows": [n for _, n in by_index]}))
        except IdsTaken:
            self._met_stored_id(key)
            return [record for record, _ in by_node_id + by_index] + todo
        return todo

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        return self._written(cypher.ENSURE_STUBS, {"ids": list(dict.fromkeys(ids))}) if ids else WriteCounts()

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        if self._node_ids:
            for node_id in ids:
                self._node_ids.pop(node_id, None)
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
        if self._node_ids:
            self._node_ids.clear()
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
