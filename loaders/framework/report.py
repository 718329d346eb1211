"""What a load read, wrote and refused: the report, rejected records and the rejects file."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from graph import as_dict, counted_lines, formula_safe

_KIND = "\n    {key:<20}{count}"  # a line of counts by kind
_NAMED = "\n    {key}: {count}"  # a line of notes


class BadRecord(Exception):
    """Raised by a source's parsing for a record it refuses: the field (or column) at fault, if any, and why. The
    source catches it and rejects the record (``LoadContext.reject``) with its file, line and raw text."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


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
    #: derived properties (analysis results, search fields, review marks) found in source records and dropped
    derived_dropped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rejects_file: str | None = None

    @property
    def records_per_second(self) -> float:
        return self.records_read / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return as_dict(
            self,
            rename={"nodes": "nodes_written", "relationships": "relationships_written"},
            nodes_written=dict(sorted(self.nodes.items())),
            relationships_written=dict(sorted(self.relationships.items())),
            rejected_reasons=dict(self.rejected_reasons.most_common()),
            notes=dict(sorted(self.notes.items())),
            derived_dropped=dict(sorted(self.derived_dropped.items())),
            seconds=round(self.seconds, 3),
            records_per_second=round(self.records_per_second, 1),
        )

    def to_text(self) -> str:
        lines = [
            f"Loaded {self.source} from {len(self.files)} file(s)"
            + (" (dry run: nothing written)" if self.dry_run else ""),
            f"  records read:         {self.records_read}",
            counted_lines(f"  nodes written:        {sum(self.nodes.values())}", sorted(self.nodes.items()), _KIND),
            counted_lines(
                f"  relationships written: {sum(self.relationships.values())}",
                sorted(self.relationships.items()),
                _KIND,
            ),
            f"  new nodes:            {self.nodes_created}",
            f"  new relationships:    {self.relationships_created}",
        ]
        if self.stubs:
            lines.append(f"  stubs (ends absent):  {self.stubs} ({self.stubs_created} new)")
        if self.deletes:
            done = "" if self.dry_run else f" ({self.nodes_deleted} nodes deleted)"
            lines.append(f"  deletions:            {self.deletes}{done}")
        lines.append(counted_lines(f"  rejected:             {self.rejected}", self.rejected_reasons.most_common()))
        if self.notes:
            lines.append(counted_lines("  notes:", sorted(self.notes.items()), _NAMED))
        if self.derived_dropped:
            title = "  derived fields dropped (never read from sources):"
            lines.append(counted_lines(title, sorted(self.derived_dropped.items()), _NAMED))
        for w in self.warnings:
            lines.append(f"  warning: {w}")
        if self.rejects_file:
            lines.append(f"  rejects file:         {self.rejects_file}")
        lines.append(f"  time:                 {self.seconds:.2f} s ({self.records_per_second:,.0f} records/s)")
        return "\n".join(lines)


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
        row = (rej.file, rej.line if rej.line is not None else "", rej.field or "", rej.reason, rej.raw)
        self._csv.writerow([formula_safe(v) for v in row])

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


def write_report_json(report: LoadReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
