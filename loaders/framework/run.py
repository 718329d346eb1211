"""run_load: one source over its files into a writer (or a dry run), then the source's expected counts checked.

Raises SourceFormatError for a structural surprise and ExpectedCountError when the source yielded fewer records than
it declares it always does (``Source.expected_counts``: per source, checked here after every load). The cyclic
garbage collector is paused during a load (parsed records are long-lived and acyclic: its passes over them cost
about as much as the parsing).
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from graph import ChangeTracker, ExpectedCountError, GraphWriter, NodeKind, keeps_changes
from loaders.framework.context import DEFAULT_BATCH_SIZE, LoadContext
from loaders.framework.progress import NoProgress, Progress
from loaders.framework.report import LoadReport, RejectsWriter


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
    keep_changes: bool = False,
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
    tracker = ChangeTracker(writer, source.name, report.files) if keep_changes and keeps_changes(writer) else None
    writer = tracker or writer  # keep_changes: the load's change record (entities added, changed, removed)
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
    if tracker is not None:
        tracker.save()
    if rejects.path is not None and report.rejected:
        report.rejects_file = str(rejects.path)
    if check_counts:
        failures = check_expected(report, source.expected_counts())
        if failures:
            raise ExpectedCountError(
                f"The {source.name} load looks wrong ({'; '.join(failures)}): has the format changed?"
            )
    return report
