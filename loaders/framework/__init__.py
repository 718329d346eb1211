"""The shared load pipeline every source runs on: batching, two-pass writing, rejects, progress and the report.

``context`` (LoadContext: what a source emits to), ``writer`` (BackgroundWriter), ``progress`` (Progress,
NoProgress, BarProgress, LineProgress, progress_for), ``report`` (LoadReport, Rejected, the rejects file,
write_report_json) and ``run`` (run_load, the Source protocol, the expected-count check). The names below are the
framework's public API.
"""

from loaders.framework.context import DEFAULT_BATCH_SIZE, LoadContext
from loaders.framework.progress import BarProgress, LineProgress, NoProgress, Progress, progress_for
from loaders.framework.report import BadRecord, LoadReport, Rejected, RejectsWriter, write_report_json
from loaders.framework.run import Source, check_expected, gc_relaxed, run_load
from loaders.framework.writer import BackgroundWriter

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "BackgroundWriter",
    "BadRecord",
    "BarProgress",
    "LineProgress",
    "LoadContext",
    "LoadReport",
    "NoProgress",
    "Progress",
    "Rejected",
    "RejectsWriter",
    "Source",
    "check_expected",
    "gc_relaxed",
    "progress_for",
    "run_load",
    "write_report_json",
]
