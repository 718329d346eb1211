"""Lines of a binary stream with caps, so that no input fills the memory: a cap on one line's length, and for a
compressed file caps on what it expands to (size, and ratio to its compressed size: gzip bombs)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from graph import SourceFormatError
from loaders.framework.guard import InputLimits


class Readable(Protocol):
    """A binary stream with readline (a file, a GzipFile)."""

    def readline(self, size: int | None = -1, /) -> bytes: ...


#: Below this many expanded bytes the ratio cap is not applied (small files of repeated text compress very well).
_RATIO_FLOOR = 64 << 20


def bounded_lines(handle: Readable, cap: int) -> Iterator[bytes]:
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


def expanded_lines(stream: Readable, file: str, compressed_size: int, limits: InputLimits) -> Iterator[bytes]:
    """``bounded_lines`` of a decompressing stream that stops, with a sentence (SourceFormatError), once the
    content expands beyond ``limits.decompressed_bytes`` or ``limits.decompressed_ratio`` times the compressed size."""
    expanded = 0
    max_bytes, max_ratio = limits.decompressed_bytes, limits.decompressed_ratio
    for number, line in enumerate(bounded_lines(stream, limits.line_bytes), start=1):
        expanded += len(line)
        if expanded > max_bytes or (expanded > _RATIO_FLOOR and expanded > max_ratio * max(compressed_size, 1)):
            raise SourceFormatError(
                file,
                number,
                None,
                f"expands to over {expanded:,} bytes from {compressed_size:,} compressed (caps: {max_bytes:,} bytes, "
                f"{max_ratio}x): refused as a possible decompression bomb; raise SANCTIONS_GRAPH_MAX_DECOMPRESSED_BYTES"
                " or SANCTIONS_GRAPH_MAX_DECOMPRESSED_RATIO if the file is genuine",
            )
        yield line
