"""The shared load pipeline: batching, two-pass writing, rejects, statistics, progress and the report.

A source module only parses its format and emits vocabulary records through a ``LoadContext``; it never
touches a database. The pipeline writes nodes in batches as they come, then relationships once every node
is in, checks the source's expected counts and returns a ``LoadReport``.

Besides nodes and relationships a source may ask for stubs (placeholder nodes for relationship ends that its
files do not hold; written after the nodes and before the relationships, leaving existing nodes alone) and for
deletions (delta files' DEL), which are applied in emission order: what was emitted before a deletion is written
before it, relationships and stubs of the deleted id emitted before it are dropped, later emissions come after.

Speed: node and relationship batches are written by one background thread, in order, while the source goes on
parsing (the database works while Python parses); any other write waits for those queued before it. The cyclic
garbage collector is paused during a load (parsed records are long-lived and acyclic: its passes over them cost
about as much as the parsing).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import json
import sys
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from graph.errors import ExpectedCountError
from graph.model import NodeRecord, RelRecord, WriteCounts
from graph.stores.base import GraphWriter
from graph.vocabulary import LIST_PROPS, NodeKind, Prop, RelType

DEFAULT_BATCH_SIZE = 2000


@dataclass(frozen=True)
class Rejected:
    """A record the loader refused, with where it came from and why."""

    file: str
    line: int | None
    field: str | None
    reason: str
    raw: str = ""


@dataclass
class LoadReport:
    """What a load read, wrote and refused."""

    source: str
    files: list[str]
    dry_run: bool = False
    records_read: int = 0
    nodes: Counter[str] = field(default_factory=Counter)
    relationships: Counter[str] = field(default_factory=Counter)
    nodes_created: int = 0
    relationships_created: int = 0
    stubs: int = 0
    stubs_created: int = 0
    deletes: int = 0
    nodes_deleted: int = 0
    rejected: int = 0
    rejected_reasons: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rejects_file: str | None = None

    @property
    def records_per_second(self) -> float:
        return self.records_read / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "files": self.files,
            "dry_run": self.dry_run,
            "records_read": self.records_read,
            "nodes_written": dict(sorted(self.nodes.items())),
            "relationships_written": dict(sorted(self.relationships.items())),
            "nodes_created": self.nodes_created,
            "relationships_created": self.relationships_created,
            "stubs": self.stubs,
            "stubs_created": self.stubs_created,
            "deletes": self.deletes,
            "nodes_deleted": self.nodes_deleted,
            "rejected": self.rejected,
            "rejected_reasons": dict(self.rejected_reasons.most_common()),
            "notes": dict(sorted(self.notes.items())),
            "warnings": self.warnings,
            "seconds": round(self.seconds, 3),
            "records_per_second": round(self.records_per_second, 1),
            "rejects_file": self.rejects_file,
        }

    def to_text(self) -> str:
        lines = [
            f"Loaded {self.source} from {len(self.files)} file(s)"
            + (" (dry run: nothing written)" if self.dry_run else ""),
            f"  records read:         {self.records_read}",
            f"  nodes written:        {sum(self.nodes.values())}"
            + "".join(f"\n    {k:<20}{v}" for k, v in sorted(self.nodes.items())),
            f"  relationships written: {sum(self.relationships.values())}"
            + "".join(f"\n    {k:<20}{v}" for k, v in sorted(self.relationships.items())),
            f"  new nodes:            {self.nodes_created}",
            f"  new relationships:    {self.relationships_created}",
        ]
        if self.stubs:
            lines.append(f"  stubs (ends absent):  {self.stubs} ({self.stubs_created} new)")
        if self.deletes:
            done = "" if self.dry_run else f" ({self.nodes_deleted} nodes deleted)"
            lines.append(f"  deletions:            {self.deletes}{done}")
        lines += [
            f"  rejected:             {self.rejected}"
            + "".join(f"\n    {v:>5}  {k}" for k, v in self.rejected_reasons.most_common()),
        ]
        if self.notes:
            lines.append("  notes:" + "".join(f"\n    {k}: {v}" for k, v in sorted(self.notes.items())))
        for w in self.warnings:
            lines.append(f"  warning: {w}")
        if self.rejects_file:
            lines.append(f"  rejects file:         {self.rejects_file}")
        lines.append(f"  time:                 {self.seconds:.2f} s ({self.records_per_second:,.0f} records/s)")
        return "\n".join(lines)


@dataclass
class _Queued:
    future: Future[WriteCounts]
    done: Callable[[WriteCounts], None]
    nodes: bool  # a node batch (relationship batches wait for every one of these)
    ids: frozenset[str]  # the batch's ids, when batches may run side by side


class BackgroundWriter:
    """A GraphWriter whose node and relationship upserts may be queued (``submit_*``) to worker threads, run while
    the caller goes on; every other call first waits for what is queued, so writes keep their order.
    Results come back on the caller's thread (``done`` callbacks, in submission order), at most ``depth`` batches
    behind.

    With ``workers`` > 1 (the store's ``write_workers``: Neo4j runs each transaction on one thread, so two let it
    use two cores) batches run side by side unless they must not: a batch waits for queued batches holding one of
    its ids, and a relationship batch for every queued node batch (its ends must be written first). Side-by-side
    relationship batches may lock the same nodes; Neo4j resolves a deadlock by failing one transaction as transient
    and the store retries it."""

    def __init__(self, writer: GraphWriter, depth: int = 2, workers: int = 1) -> None:
        self.writer = writer
        self.write_workers = max(1, workers)
        self._depth = max(depth, self.write_workers + 1)
        self._pool = ThreadPoolExecutor(max_workers=self.write_workers, thread_name_prefix="load-writer")
        self._pending: deque[_Queued] = deque()

    def submit_nodes(self, kind: NodeKind, rows: list[NodeRecord], done: Callable[[WriteCounts], None]) -> None:
        ids = self._ids(rows)
        self._wait_while(lambda q: not q.ids.isdisjoint(ids))
        self._submit(self._pool.submit(self.writer.upsert_nodes, kind, rows), done, True, ids)

    def submit_relationships(
        self, rel_type: RelType, rows: list[RelRecord], done: Callable[[WriteCounts], None]
    ) -> None:
        ids = self._ids(rows)
        self._wait_while(lambda q: q.nodes or not q.ids.isdisjoint(ids))
        self._submit(self._pool.submit(self.writer.upsert_relationships, rel_type, rows), done, False, ids)

    def _ids(self, rows: Sequence[NodeRecord] | Sequence[RelRecord]) -> frozenset[str]:
        return frozenset(r.id for r in rows) if self.write_workers > 1 else frozenset()

    def _wait_while(self, conflicts: Callable[[_Queued], bool]) -> None:
        if self.write_workers > 1:
            while any(conflicts(q) for q in self._pending):
                self._collect()

    def _submit(
        self, future: Future[WriteCounts], done: Callable[[WriteCounts], None], nodes: bool, ids: frozenset[str]
    ) -> None:
        self._pending.append(_Queued(future, done, nodes, ids))
        while len(self._pending) > self._depth:
            self._collect()

    def _collect(self) -> None:
        queued = self._pending.popleft()
        queued.done(queued.future.result())  # a failed write raises here, on the caller's thread

    def drain(self) -> None:
        """Wait for every queued write (raising the first failure)."""
        while self._pending:
            self._collect()

    def close(self) -> None:
        """Let queued writes finish (on an error path, their results are dropped) and stop the threads."""
        self._pool.shutdown(wait=True)
        self._pending.clear()

    # --- GraphWriter: in order after the queued writes ---------------------------------------------------------
    def ensure_schema(self) -> None:
        self.drain()
        self.writer.ensure_schema()

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        self.drain()
        return self.writer.upsert_nodes(kind, rows)

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        self.drain()
        return self.writer.upsert_relationships(rel_type, rows)

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        self.drain()
        return self.writer.ensure_stubs(ids)

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        self.drain()
        return self.writer.delete_nodes(ids)

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        self.drain()
        return self.writer.set_node_properties(props, rows)

    def add_to_node_lists(self, rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        self.drain()
        return self.writer.add_to_node_lists(rows)

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        self.drain()
        return self.writer.delete_relationships(ids)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees everything a load drops)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Progress(Protocol):
    def update(self, n: int = 1) -> None: ...
    def set_total(self, total: int) -> None: ...
    def close(self) -> None: ...


class NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def set_total(self, total: int) -> None:
        pass

    def close(self) -> None:
        pass


class BarProgress:
    """A tqdm progress bar on stderr."""

    def __init__(self, label: str, stream: TextIO = sys.stderr) -> None:
        from tqdm import tqdm

        self._bar = tqdm(desc=label, unit=" records", file=stream, dynamic_ncols=True, mininterval=0.2)

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def set_total(self, total: int) -> None:
        self._bar.total = total
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()


class LoadContext:
    """What a source module talks to: emit nodes and relationships, reject records, count what it read."""

    def __init__(
        self,
        writer: GraphWriter | None,
        report: LoadReport,
        progress: Progress,
        rejects: RejectsWriter,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
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
        self._rels: list[tuple[int, RelRecord]] = []
        self._stubs: dict[str, int] = {}
        self._deletes: list[str] = []
        self._deleted_at: dict[str, int] = {}
        self._list_adds: list[tuple[str, dict[Prop, Any]]] = []
        self._rel_deletes: list[str] = []
        self._resets: dict[str, tuple[Prop, ...]] = {}
        self.node_ids: set[str] = set()
        self.stub_ids: set[str] = set()

    # --- for source modules -------------------------------------------------------------------------------
    def record_read(self, n: int = 1) -> None:
        self._report.records_read += n
        self._progress.update(n)

    def expect_total(self, total: int) -> None:
        self._progress.set_total(total)

    def node(self, record: NodeRecord) -> None:
        """Emit a node. Two emissions of one id in a load are merged (lists united, later scalars win, the later
        kind wins)."""
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
        self._seq += 1
        self._rels.append((self._seq, record))

    def stub(self, node_id: str) -> None:
        """Ask for a placeholder node (LegalEntity, stub=true) for a relationship end absent from the source's files.

        Written after this load's nodes and before its relationships; an id that is (or becomes) a node in this
        load, or that the store already holds, is left alone. A later full load of the id completes the stub."""
        self._seq += 1
        self._stubs[node_id] = self._seq

    def delete(self, node_id: str) -> None:
        """Delete an entity and all its relationships (delta files' DEL), in order: nodes emitted before are written
        first, relationships and stubs of this id emitted before are dropped, later emissions are applied after."""
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
        buffered = self._buffered_kind.get(node_id)
        if buffered is not None:
            record = self._nodes[buffered][node_id]
            for prop in props:
                record.props.pop(prop, None)
        self._resets[node_id] = tuple(dict.fromkeys([*self._resets.get(node_id, ()), *props]))

    def delete_relationships(self, ids: Sequence[str]) -> None:
        """Delete relationships by id, whatever their type (delta DEL of an edge an earlier load wrote). Applied
        at the end of the load, before this load's relationships are written (so a later ADD of the id wins)."""
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
        by_type: dict[RelType, dict[str, RelRecord]] = defaultdict(dict)
        for seq, rec in self._rels:
            if self._deleted_at.get(rec.source, 0) > seq or self._deleted_at.get(rec.target, 0) > seq:
                continue  # an end was deleted after this relationship was emitted: it went with it
            by_type[rec.type][rec.id] = rec
        for rel_type, bucket in by_type.items():
            rows = list(bucket.values())
            for start in range(0, len(rows), self._batch_size):
                batch = rows[start : start + self._batch_size]
                done = functools.partial(self._relationships_written, rel_type, len(batch))
                if self._background is not None:
                    self._background.submit_relationships(rel_type, batch, done)
                else:
                    done(WriteCounts(rows_written=sum(1 for r in batch if self._ends_known(r))))
        self._rels.clear()

    def _relationships_written(self, rel_type: RelType, sent: int, counts: WriteCounts) -> None:
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

    def finish(self) -> None:
        self._flush_nodes()
        self._flush_deletes()
        self._flush_stubs()
        self._flush_list_adds()
        self._flush_relationship_deletes()
        self._flush_relationships()
        if self._background is not None:
            self._background.drain()

    def close(self) -> None:
        """Stop the background writer (after finish(), or on an error)."""
        if self._background is not None:
            self._background.close()


def _merge_into(existing: NodeRecord, new: NodeRecord) -> None:
    for key, value in new.props.items():
        old = existing.props.get(key)
        if isinstance(old, list) and isinstance(value, list):
            existing.props[key] = old + [v for v in value if v not in old]
        elif isinstance(old, bool) and isinstance(value, bool):
            existing.props[key] = old or value
        elif value is not None:
            existing.props[key] = value


class RejectsWriter:
    """Rejected records as CSV: file, line, field, reason, raw. Created only if something is rejected."""

    HEADER = ("file", "line", "field", "reason", "raw")

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._handle: TextIO | None = None
        self._csv: Any = None

    def write(self, rej: Rejected) -> None:
        if self.path is None:
            return
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", newline="", encoding="utf-8")
            self._csv = csv.writer(self._handle)
            self._csv.writerow(self.HEADER)
        self._csv.writerow((rej.file, rej.line if rej.line is not None else "", rej.field or "", rej.reason, rej.raw))

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


class Source(Protocol):
    """A source format: reads files and emits records through the context."""

    name: str

    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None: ...

    def expected_counts(self) -> dict[str, int]:
        """Minimum counts a real file of this source always yields: keys 'records', a NodeKind or RelType value."""
        ...


def check_expected(report: LoadReport, expected: dict[str, int]) -> list[str]:
    """The expectation failures of a load, as sentences (empty when all hold)."""
    failures = []
    for key, minimum in expected.items():
        if key == "records":
            got = report.records_read
        elif key in report.nodes or key in {k.value for k in NodeKind}:
            got = report.nodes.get(key, 0)
        else:
            got = report.relationships.get(key, 0)
        if got < minimum:
            failures.append(f"expected at least {minimum} {key}, got {got}")
    return failures


def run_load(
    source: Source,
    paths: Sequence[Path],
    writer: GraphWriter | None,
    *,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    check_counts: bool = True,
) -> LoadReport:
    """Load ``paths`` with ``source`` into ``writer`` (None = dry run) and return the report.

    Raises SourceFormatError for a structural surprise and ExpectedCountError when the source yielded fewer
    records than it declares it always does (a format change). Rejected records never raise.
    """
    report = LoadReport(source=source.name, files=[str(p) for p in paths], dry_run=writer is None)
    bar = progress or NoProgress()
    rejects = RejectsWriter(rejects_path)
    started = time.perf_counter()
    ctx: LoadContext | None = None
    try:
        if writer is not None:
            writer.ensure_schema()
        ctx = LoadContext(writer, report, bar, rejects, batch_size)
        with gc_paused():
            source.read(paths, ctx)
            ctx.finish()
    finally:
        if ctx is not None:
            ctx.close()
        bar.close()
        rejects.close()
        report.seconds = time.perf_counter() - started
    if rejects.path is not None and report.rejected:
        report.rejects_file = str(rejects.path)
    if check_counts:
        failures = check_expected(report, source.expected_counts())
        if failures:
            raise ExpectedCountError(
                f"The {source.name} load looks wrong ({'; '.join(failures)}): has the format changed?"
            )
    return report


def write_report_json(report: LoadReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
