"""Lines of a binary stream with a cap on their length, so one endless line never fills the memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO


def bounded_lines(handle: BinaryIO, cap: int) -> Iterator[bytes]:
    """The lines of ``handle`` (with their ending). A line longer than ``cap`` bytes is yielded as its first
    ``cap + 1`` bytes (so a caller sees it is too long) and the rest of it is skipped without being kept."""
    while True:
        line = handle.readline(cap + 1)
        if not line:
            return
        if len(line) > cap and not line.endswith(b"\n"):
            while True:  # skip the rest of the overlong line in chunks
                rest = handle.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line
