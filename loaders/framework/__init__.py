"""The shared load pipeline every source runs on: batching, two-pass writing, rejects, progress and the report."""

from loaders.framework.context import (
    DEFAULT_BATCH_SIZE,
    BackgroundWriter,
    BarProgress,
    LoadContext,
    LoadReport,
    NoProgress,
    Progress,
    Rejected,
    RejectsWriter,
    Source,
    check_expected,
    gc_paused,
    run_load,
    write_report_json,
)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "BackgroundWriter",
    "BarProgress",
    "LoadContext",
    "LoadReport",
    "NoProgress",
    "Progress",
    "Rejected",
    "RejectsWriter",
    "Source",
    "check_expected",
    "gc_paused",
    "run_load",
    "write_report_json",
]
