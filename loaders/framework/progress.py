"""Progress of a load: none, or a tqdm bar on stderr."""

from __future__ import annotations

import sys
from typing import Protocol, TextIO


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
