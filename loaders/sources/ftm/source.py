"""FtmSource: the source the CLI and the registry build (see the package docstring for the mapping)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from loaders.framework import LoadContext
from loaders.framework.parallel import DEFAULT_CHUNK_BYTES, default_workers
from loaders.sources.ftm.load import Load
from loaders.sources.ftm.reading import expand_paths

#: Dataset name for lines that carry no ``datasets`` (Aleph exports, hand-made files).
DEFAULT_DATASET = "ftm"


class FtmSource:
    """Reads FtM entity JSON lines (see the package docstring, loaders.sources.ftm)."""

    name = "ftm"

    def __init__(
        self, dataset: str | None = None, *, workers: int | None = None, chunk_bytes: int = DEFAULT_CHUNK_BYTES
    ) -> None:
        self.dataset = dataset or DEFAULT_DATASET
        #: processes parsing a plain file's lines (None: one per core, loaders.framework.parallel.default_workers;
        #: 1: this process alone); files under two chunks of ``chunk_bytes`` are read by this process
        self.workers = default_workers() if workers is None else max(1, workers)
        self.chunk_bytes = chunk_bytes

    def expected_counts(self) -> dict[str, int]:
        return {"records": 1}

    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None:
        load = Load(ctx, self.dataset, workers=self.workers, chunk_bytes=self.chunk_bytes)
        try:
            for path in expand_paths(paths):
                load.read_file(path)
            load.finish()
        finally:
            load.close()
