"""Progress of a load: none, a tqdm bar on a terminal, or a line every half minute where there is no terminal (a log,
a CI job, a benchmark's captured output), which a bar redrawn in place would fill with carriage returns."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Protocol, TextIO


class Progress(Protocol):
    def update(self, n: int = 1) -> None: ...
    def set_total(self, total: int) -> None: ...
    def written(self, n: int) -> None:
        """``n`` more relationships written: most of a load's end, after its last record is read, is writing the
        relationships it kept until every node was known (minutes for millions of them)."""
        ...

    def close(self) -> None: ...


class NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def set_total(self, total: int) -> None:
        pass

    def written(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


class BarProgress:
    """A tqdm progress bar on stderr."""

    def __init__(self, label: str, stream: TextIO = sys.stderr) -> None:
        from tqdm import tqdm

        self._bar = tqdm(desc=label, unit=" records", file=stream, dynamic_ncols=True, mininterval=0.2)
        self._written = 0

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def set_total(self, total: int) -> None:
        self._bar.total = total
        self._bar.refresh()

    def written(self, n: int) -> None:
        self._written += n
        self._bar.set_postfix_str(f"{self._written:,} relationships written")

    def close(self) -> None:
        self._bar.close()


class LineProgress:
    """A line on ``stream`` every ``every`` seconds, and one at the end: records so far, of how many when known,
    the rate since the start, and the relationships written once there are some (the end of a load writes those it
    kept until every node was known, with no record left to read)."""

    def __init__(
        self,
        label: str,
        stream: TextIO = sys.stderr,
        every: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._label, self._stream, self._every, self._clock = label, stream, every, clock
        self._count = 0
        self._written = 0
        self._total: int | None = None
        self._started = self._last = clock()

    def update(self, n: int = 1) -> None:
        self._count += n
        now = self._clock()
        if now - self._last >= self._every:
            self._last = now
            self._say(now)

    def set_total(self, total: int) -> None:
        self._total = total

    def written(self, n: int) -> None:
        self._written += n
        self.update(0)

    def close(self) -> None:
        self._say(self._clock(), done=True)

    def _say(self, now: float, done: bool = False) -> None:
        seconds = now - self._started
        of = f" of {self._total:,}" if self._total else ""
        rate = f", {self._count / seconds:,.0f} records/s" if seconds > 0 else ""
        end = " (done)" if done else ""
        written = f"; {self._written:,} relationships written" if self._written else ""
        line = f"{self._label}: {self._count:,}{of} records read in {seconds:,.0f} s{rate}{written}{end}"
        print(line, file=self._stream)
        self._stream.flush()


def progress_for(label: str, quiet: bool = False, stream: TextIO = sys.stderr) -> Progress:
    """No progress when ``quiet``; a bar when ``stream`` is a terminal; otherwise a line every half minute."""
    if quiet:
        return NoProgress()
    isatty = getattr(stream, "isatty", None)
    return BarProgress(label, stream) if callable(isatty) and isatty() else LineProgress(label, stream)
