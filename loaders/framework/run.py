"""run_load: one source over its files into a writer (or a dry run), then the source's expected counts checked.

Raises SourceFormatError for a structural surprise and ExpectedCountError when the source yielded fewer records than
it declares it always does (``Source.expected_counts``: per source, checked here after every load). The cyclic
garbage collector runs less often during a load (``gc_relaxed``: parsed records are long-lived and acyclic, so its
frequent passes over them cost time), but it runs: the neo4j driver leaves every transaction's session, result and
records in reference cycles, and with the collector paused a Neo4j load kept them all (+1.3 GB per million records).
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from graph import (
    ChangeTracker,
    ExpectedCountError,
    GraphWriter,
    NodeKind,
    SeenWriter,
    keeps_changes,
    retract_absent,
)
from loaders.framework.context import DEFAULT_BATCH_SIZE, LoadContext
from loaders.framework.progress import NoProgress, Progress
from loaders.framework.report import LoadReport, RejectsWriter

#: The collector's thresholds during a load: a young collection every 100,000 allocations (not 700) and an older
#: one every 20 of those; the whole heap only when it has grown by a quarter since (CPython's own rule), so the
#: passes stay few and short while the driver's cyclic garbage is freed within seconds.
LOAD_GC_THRESHOLDS = (100_000, 20, 10)


@contextlib.contextmanager
def gc_relaxed() -> Iterator[None]:
    """Run the cyclic garbage collector less often (LOAD_GC_THRESHOLDS), enabled, then restore how it was.

    Not paused: a load through the neo4j driver makes cyclic garbage with every transaction (session, result,
    hydration scope and the result's records), which only this collector frees."""
    was_enabled = gc.isenabled()
    thresholds = gc.get_threshold()
    gc.set_threshold(*LOAD_GC_THRESHOLDS)
    gc.enable()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if not was_enabled:
            gc.disable()


class Source(Protocol):
    """A source format: reads files and emits records through the context.

    A source may also declare ``snapshot_of``: the dataset its files hold whole (a full publication of a list), so
    that what the dataset asserted before and the files lack is removed after the load (graph.cases.snapshot).
    A source of partial files (extracts, deltas) declares none, or None, and nothing is ever removed."""

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


def snapshot_of(source: Source) -> str | None:
    """The dataset ``source`` declares its files a full publication of, if any."""
    dataset = getattr(source, "snapshot_of", None)
    return dataset if isinstance(dataset, str) and dataset else None


def run_load(
    source: Source,
    paths: Sequence[Path],
    writer: GraphWriter | None,
    *,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    check_counts: bool = True,
    keep_changes: bool = False,
) -> LoadReport:
    """Load ``paths`` with ``source`` into ``writer`` (None = dry run) and return the report.

    Raises SourceFormatError for a structural surprise and ExpectedCountError when the source yielded fewer
    records than it declares it always does (a format change), or when a full publication lacks most of what the
    graph holds for its dataset (nothing is then removed). Rejected records never raise.

    A source declaring ``snapshot_of`` (a full publication) has what its dataset asserted before and the files lack
    removed after the load, counted in the report's notes (and in the change record with ``keep_changes``).
    """
    report = LoadReport(source=source.name, files=[str(p) for p in paths], dry_run=writer is None)
    bar = progress or NoProgress()
    rejects = RejectsWriter(rejects_path)
    started = time.perf_counter()
    ctx: LoadContext | None = None
    tracker = ChangeTracker(writer, source.name, report.files) if keep_changes and keeps_changes(writer) else None
    writer = tracker or writer  # keep_changes: the load's change record (entities added, changed, removed)
    store = tracker.store if tracker else writer  # what a full publication's removals read
    dataset = snapshot_of(source) if writer is not None else None
    seen = SeenWriter(writer) if dataset is not None and writer is not None and keeps_changes(store) else None
    if dataset is not None and seen is None:
        report.warnings.append(f"this writer cannot read the graph: nothing absent from {dataset} was removed")
    try:
        if writer is not None:
            writer.ensure_schema()
        ctx = LoadContext(seen or writer, report, bar, rejects, batch_size)
        with gc_relaxed():
            source.read(paths, ctx)
            ctx.finish()
        if seen is not None and dataset is not None and keeps_changes(store):
            removed = retract_absent(store, seen.writer, dataset, seen, source.name)
            report.nodes_deleted += len(removed.deleted)
            report.notes.update(removed.notes())
    finally:
        if ctx is not None:
            ctx.close()
        if seen is not None:
            seen.close()
        bar.close()
        rejects.close()
        report.seconds = time.perf_counter() - started
    if tracker is not None:
        try:
            tracker.save()
        finally:
            tracker.close()
    if rejects.path is not None and report.rejected:
        report.rejects_file = str(rejects.path)
    if check_counts:
        failures = check_expected(report, source.expected_counts())
        if failures:
            raise ExpectedCountError(
                f"The {source.name} load looks wrong ({'; '.join(failures)}): has the format changed?"
            )
    return report
