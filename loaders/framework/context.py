"""LoadContext: what a source emits to (nodes, relationships, stubs, deletions, rejects), batched into the writer.

A source module only parses its format and emits vocabulary records through a ``LoadContext``; it never
touches a database. The context writes nodes in batches as they come, then relationships once every node
is in (``finish``); until then the relationships wait on disk (loaders.framework.spool), so a load's memory does
not grow with its number of links.

Besides nodes and relationships a source may ask for stubs (placeholder nodes for relationship ends that its
files do not hold; written after the nodes and before the relationships, leaving existing nodes alone) and for
deletions (delta files' DEL), which are applied in emission order: what was emitted before a deletion is written
before it, relationships and stubs of the deleted id emitted before it are dropped, later emissions come after.

Speed: node and relationship batches go to a BackgroundWriter (loaders.framework.writer), written in order while
the source goes on parsing; any other write waits for those queued before it.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from graph import LIST_PROPS, GraphWriter, NodeKind, NodeRecord, Prop, RelRecord, RelType, WriteCounts
from loaders.framework.guard import DERIVED_PROPS, InputLimits, text_problem, value_problem
from loaders.framework.progress import Progress
from loaders.framework.report import LoadReport, Rejected, RejectsWriter
from loaders.framework.spool import RelationshipSpool
from loaders.framework.writer import BackgroundWriter

DEFAULT_BATCH_SIZE = 2000


class LoadContext:
    """What a source module talks to: emit nodes and relationships, reject records, count what it read."""

    def __init__(
        self,
        writer: GraphWriter | None,
        report: LoadReport,
        progress: Progress,
        rejects: RejectsWriter,
        batch_size: int = DEFAULT_BATCH_SIZE,
        limits: InputLimits | None = None,
    ) -> None:
        #: caps on the input (default: InputLimits.from_env(), the SANCTIONS_GRAPH_MAX_* variables)
        self.limits = limits or InputLimits.from_env()
        self._where: tuple[str, int | None] = (", ".join(report.files), None)
        self._background = BackgroundWriter(writer, workers=writer.write_workers) if writer is not None else None
        self._writer: GraphWriter | None = self._background
        self._report = report
        self._progress = progress
        self._rejects = rejects
        self._batch_size = batch_size
        self._nodes: dict[NodeKind, dict[str, NodeRecord]] = defaultdict(dict)
        self._pending_nodes = 0
        self._buffered_kind: dict[str, NodeKind] = {}
        self._seq = 0  # orders relationships, stubs and deletions
        self._rels = RelationshipSpool()
        self._final: dict[RelType, list[RelRecord]] | None = None  # final_rel's batches, once it is called
        self._stubs: dict[str, int] = {}
        self._deletes: list[str] = []
        self._deleted_at: dict[str, int] = {}
        self._list_adds: list[tuple[str, dict[Prop, Any]]] = []
        self._rel_deletes: list[str] = []
        self._resets: dict[str, tuple[Prop, ...]] = {}
        self.node_ids: set[str] = set()
        self.stub_ids: set[str] = set()

    # --- for source modules -------------------------------------------------------------------------------
    def record_read(self, n: int = 1, file: str | None = None, line: int | None = None) -> None:
        """Count records read; ``file`` and ``line`` say where the next emissions come from (named in rejections
        of bad values found by the context)."""
        self._report.records_read += n
        self._progress.update(n)
        if file is not None:
            self._where = (file, line)

    def at(self, file: str, line: int | None) -> None:
        """Where the next emissions come from (named in rejections of bad values the context finds)."""
        self._where = (file, line)

    def _checked(self, record_id: str, props: dict[Prop, Any], what: str) -> bool:
        """Drop derived properties (counted) and reject the record if a value is unfit for the store."""
        problem = text_problem(record_id, self.limits) if isinstance(record_id, str) else "id is not text"
        if problem:
            self.reject(*self._where, "id", f"bad value: {problem}", repr(record_id)[:200])
            return False
        if not DERIVED_PROPS.isdisjoint(props):
            for prop in [p for p in props if p in DERIVED_PROPS]:
                del props[prop]
                self._report.derived_dropped[prop.value] += 1
        cap = self.limits.field_chars
        for prop, value in props.items():
            if type(value) is str and len(value) <= cap and value.isascii() and "\x00" not in value:
                continue  # the common case, as value_problem would find it, without the call
            problem = value_problem(value, self.limits)
            if problem:
                self.reject(*self._where, prop.value, f"bad value: {problem}", f"{what} {record_id}"[:200])
                return False
        return True

    def expect_total(self, total: int) -> None:
        self._progress.set_total(total)

    def node(self, record: NodeRecord, *, checked: bool = False) -> None:
        """Emit a node. Two emissions of one id in a load are merged (lists united, later scalars win, the later
        kind wins). A record with a value the store cannot keep is rejected (with file, line and field); derived
        properties are dropped. ``checked``: ``values_fine`` found nothing to drop or reject in it (in a parsing
        process), so it is not checked again."""
        if not checked and not self._checked(record.id, record.props, "node"):
            return
        if self._deletes:
            self._flush_deletes()
        old_kind = self._buffered_kind.get(record.id)
        if old_kind is not None and old_kind is not record.kind:
            previous = self._nodes[old_kind].pop(record.id)
            self._pending_nodes -= 1
            _merge_into(previous, record)
            record = NodeRecord(record.id, record.kind, previous.props)
        self._buffered_kind[record.id] = record.kind
        bucket = self._nodes[record.kind]
        existing = bucket.get(record.id)
        if existing is None:
            bucket[record.id] = record
            self._pending_nodes += 1
        else:
            _merge_into(existing, record)
        self.node_ids.add(record.id)
        if self._pending_nodes >= self._batch_size:
            self._flush_nodes()

    def rel(self, record: RelRecord) -> None:
        """Emit a relationship: it waits on disk until every node is in (written by ``finish``); a later emission of
        the same type and id replaces it."""
        if not self._rel_checked(record):
            return
        self._seq += 1
        self._rels.add(self._seq, record)

    def final_rel(self, record: RelRecord, *, checked: bool = False) -> None:
        """Emit a relationship at the end of the load, written in batches as they fill, without waiting on disk
        (``rel`` spools each relationship and reads it back). For a source that resolves its relationships once it
        has read everything (FtM): it promises that no other relationship of this load has the same id, whatever
        its type. Each batch is written after everything emitted before it (nodes, deletions, stubs, list
        additions, relationship deletions); after the first, the source may still emit nodes, stubs, list
        additions and relationships, but no deletion or property reset. ``checked``: ``values_fine`` found nothing
        to drop or reject in its id and properties (its ends are checked here: they are resolved at the end)."""
        if not self._rel_checked(record, checked):
            return
        self._seq += 1
        final = self._final
        if final is None:
            self._flush_before_relationships()
            final = self._final = defaultdict(list)
        batch = final[record.type]
        batch.append(record)
        if len(batch) >= self._batch_size:
            self._write_final(record.type)

    def _rel_checked(self, record: RelRecord, checked: bool = False) -> bool:
        if not checked and not self._checked(record.id, record.props, "relationship"):
            return False
        for end, name in ((record.source, "source"), (record.target, "target")):
            if type(end) is str and len(end) <= self.limits.field_chars and end.isascii() and "\x00" not in end:
                continue  # the common case, as text_problem would find it, without the call
            problem = text_problem(end, self.limits) if isinstance(end, str) else "id is not text"
            if problem:
                self.reject(*self._where, name, f"bad value: {problem}", f"relationship {record.id}"[:200])
                return False
        return True

    def stub(self, node_id: str) -> None:
        """Ask for a placeholder node (LegalEntity, stub=true) for a relationship end absent from the source's files.

        Written after this load's nodes and before its relationships; an id that is (or becomes) a node in this
        load, or that the store already holds, is left alone. A later full load of the id completes the stub."""
        self._seq += 1
        self._stubs[node_id] = self._seq

    def delete(self, node_id: str) -> None:
        """Delete an entity and all its relationships (delta files' DEL), in order: nodes emitted before are written
        first, relationships and stubs of this id emitted before are dropped, later emissions are applied after."""
        self._not_after_final("deletions")
        if self._pending_nodes:
            self._flush_nodes()
        self._seq += 1
        self._deletes.append(node_id)
        self._deleted_at[node_id] = self._seq
        self.node_ids.discard(node_id)
        self._report.deletes += 1
        if len(self._deletes) >= self._batch_size:
            self._flush_deletes()

    def add_to_lists(self, node_id: str, props: dict[Prop, Any]) -> None:
        """Add list values and marks (designations, identifiers, sanctioned…) to a node this load does not emit, e.g.
        an FtM Sanction whose entity an earlier load brought: united with what is stored; an absent id becomes a
        stub holding them. Written after this load's nodes, deletions and stubs."""
        self._list_adds.append((node_id, props))

    def reset_properties(self, node_id: str, props: Sequence[Prop]) -> None:
        """Clear these properties of the node (lists emptied, scalars removed) before the next emission of it is
        written: a delta MOD replaces what the previous version said instead of adding to it. Values of the id
        buffered in this load are dropped too; other properties (and the node's relationships) are untouched."""
        self._not_after_final("property resets")
        buffered = self._buffered_kind.get(node_id)
        if buffered is not None:
            record = self._nodes[buffered][node_id]
            for prop in props:
                record.props.pop(prop, None)
        self._resets[node_id] = tuple(dict.fromkeys([*self._resets.get(node_id, ()), *props]))

    def delete_relationships(self, ids: Sequence[str]) -> None:
        """Delete relationships by id, whatever their type (delta DEL of an edge an earlier load wrote). Applied
        at the end of the load, before this load's relationships are written (so a later ADD of the id wins)."""
        self._not_after_final("relationship deletions")
        self._rel_deletes.extend(ids)

    def reject(self, file: str, line: int | None, field_name: str | None, reason: str, raw: str = "") -> None:
        self._report.rejected += 1
        self._report.rejected_reasons[reason.split(":")[0]] += 1
        self._rejects.write(Rejected(file, line, field_name, reason, raw))

    def note(self, key: str, n: int = 1) -> None:
        """Count something worth reporting that is not a rejection (e.g. unresolved 'Linked To' names)."""
        self._report.notes[key] += n

    def warn(self, message: str) -> None:
        self._report.warnings.append(message)

    # --- for the pipeline ---------------------------------------------------------------------------------
    def _flush_resets(self) -> None:
        by_props: dict[tuple[Prop, ...], list[tuple[str, dict[Prop, Any]]]] = defaultdict(list)
        for node_id, props in self._resets.items():
            by_props[props].append((node_id, {p: [] if p in LIST_PROPS else None for p in props}))
        for props, rows in by_props.items():
            for start in range(0, len(rows), self._batch_size):
                if self._writer:
                    self._writer.set_node_properties(props, rows[start : start + self._batch_size])
        self._resets.clear()

    def _flush_nodes(self) -> None:
        if self._resets:
            self._flush_resets()
        for kind, bucket in self._nodes.items():
            rows = list(bucket.values())
            for start in range(0, len(rows), self._batch_size):
                batch = rows[start : start + self._batch_size]
                if self._background is not None:
                    self._background.submit_nodes(kind, batch, functools.partial(self._nodes_written, kind))
                else:
                    self._nodes_written(kind, WriteCounts(rows_written=len(batch)))
        self._nodes.clear()
        self._buffered_kind.clear()
        self._pending_nodes = 0

    def _nodes_written(self, kind: NodeKind, counts: WriteCounts) -> None:
        self._report.nodes[kind.value] += counts.rows_written
        self._report.nodes_created += counts.nodes_created

    def _flush_deletes(self) -> None:
        ids = list(dict.fromkeys(self._deletes))
        for start in range(0, len(ids), self._batch_size):
            batch = ids[start : start + self._batch_size]
            if self._writer:
                self._report.nodes_deleted += self._writer.delete_nodes(batch).rows_written
        self._deletes.clear()

    def _flush_stubs(self) -> None:
        ids = [i for i, seq in self._stubs.items() if i not in self.node_ids and self._deleted_at.get(i, 0) < seq]
        for start in range(0, len(ids), self._batch_size):
            batch = ids[start : start + self._batch_size]
            counts = self._writer.ensure_stubs(batch) if self._writer else WriteCounts(rows_written=len(batch))
            self._report.stubs += len(batch)
            self._report.stubs_created += counts.nodes_created
        self.stub_ids.update(ids)
        self._stubs.clear()

    def _flush_relationships(self) -> None:
        """The spooled relationships (one per type and id, the last emission), in batches of one type."""
        by_type: dict[RelType, list[RelRecord]] = defaultdict(list)
        for seq, rec in self._rels:
            if self._deleted_at.get(rec.source, 0) > seq or self._deleted_at.get(rec.target, 0) > seq:
                continue  # an end was deleted after this relationship was emitted: it went with it
            batch = by_type[rec.type]
            batch.append(rec)
            if len(batch) >= self._batch_size:
                self._write_relationships(rec.type, by_type.pop(rec.type))
        for rel_type, batch in by_type.items():
            self._write_relationships(rel_type, batch)
        self._rels.clear()

    def _write_relationships(self, rel_type: RelType, batch: list[RelRecord]) -> None:
        done = functools.partial(self._relationships_written, rel_type, len(batch))
        if self._background is not None:
            self._background.submit_relationships(rel_type, batch, done)
        else:
            done(WriteCounts(rows_written=sum(1 for r in batch if self._ends_known(r))))

    def _relationships_written(self, rel_type: RelType, sent: int, counts: WriteCounts) -> None:
        self._progress.written(counts.rows_written)
        self._report.relationships[rel_type.value] += counts.rows_written
        self._report.relationships_created += counts.relationships_created
        missing = sent - counts.rows_written
        if missing:
            self.note("relationships skipped: an end is not in the graph", missing)

    def _ends_known(self, rec: RelRecord) -> bool:
        return all(end in self.node_ids or end in self.stub_ids for end in (rec.source, rec.target))

    def _flush_list_adds(self) -> None:
        for start in range(0, len(self._list_adds), self._batch_size):
            batch = self._list_adds[start : start + self._batch_size]
            if self._writer:
                counts = self._writer.add_to_node_lists(batch)
                self._report.stubs_created += counts.nodes_created
                if counts.nodes_created:
                    self.note("values for entities in no load yet (kept on a new stub)", counts.nodes_created)
            self.note("values added to entities of earlier loads", len(batch))
        self._list_adds.clear()

    def _flush_relationship_deletes(self) -> None:
        ids = list(dict.fromkeys(self._rel_deletes))
        for start in range(0, len(ids), self._batch_size):
            batch = ids[start : start + self._batch_size]
            if self._writer:
                deleted = self._writer.delete_relationships(batch).rows_written
                if deleted:
                    self.note("relationships deleted (delta DEL of edges of earlier loads)", deleted)
        self._rel_deletes.clear()

    def _not_after_final(self, what: str) -> None:
        if self._final is not None:
            raise RuntimeError(f"{what} after final_rel: a source emits those before its final relationships")

    def _flush_before_relationships(self) -> None:
        """Everything a relationship batch is written after, in order."""
        self._flush_nodes()
        self._flush_deletes()
        self._flush_stubs()
        self._flush_list_adds()
        self._flush_relationship_deletes()

    def _write_final(self, rel_type: RelType) -> None:
        assert self._final is not None
        batch = self._final.pop(rel_type)
        if self._pending_nodes:
            self._flush_nodes()
        if self._stubs:  # (stubs asked for while the relationships came: the ends of this batch among them)
            self._flush_stubs()
        if self._list_adds:
            self._flush_list_adds()
        self._write_relationships(rel_type, batch)

    def finish(self) -> None:
        self._flush_before_relationships()
        for rel_type in list(self._final or ()):
            self._write_final(rel_type)
        self._flush_relationships()
        if self._background is not None:
            self._background.drain()

    def close(self) -> None:
        """Stop the background writer (after finish(), or on an error) and drop the spooled relationships."""
        if self._background is not None:
            self._background.close()
        self._rels.close()


def values_fine(record_id: str, props: dict[Prop, Any], limits: InputLimits) -> bool:
    """Whether LoadContext's check of a record would neither drop (a derived property) nor reject anything: what a
    parsing process finds out so that the loading process need not check the record again."""
    if not isinstance(record_id, str) or text_problem(record_id, limits) or not DERIVED_PROPS.isdisjoint(props):
        return False
    cap = limits.field_chars
    for value in props.values():
        if type(value) is str and len(value) <= cap and value.isascii() and "\x00" not in value:
            continue
        if value_problem(value, limits):
            return False
    return True


def _merge_into(existing: NodeRecord, new: NodeRecord) -> None:
    for key, value in new.props.items():
        old = existing.props.get(key)
        if isinstance(old, list) and isinstance(value, list):
            existing.props[key] = old + [v for v in value if v not in old]
        elif isinstance(old, bool) and isinstance(value, bool):
            existing.props[key] = old or value
        elif value is not None:
            existing.props[key] = value
