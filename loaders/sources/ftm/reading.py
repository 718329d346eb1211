"""The files and lines of an FtM load: directories expanded, gzip detected, lines that orjson refuses decoded again
to name what is wrong."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from graph import SourceFormatError
from loaders.common.lines import bounded_lines, expanded_lines
from loaders.framework import BadRecord, LoadContext
from loaders.sources.ftm.records import Line

#: File names taken from a directory given as a path.
FILE_SUFFIXES = (".json", ".jsonl", ".ndjson", ".ftm", ".json.gz", ".jsonl.gz", ".ndjson.gz", ".ftm.gz")


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given, and the FtM files (``FILE_SUFFIXES``) of a directory, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(FILE_SUFFIXES))
            if not found:
                raise SourceFormatError(str(path), None, None, f"no FtM files ({', '.join(FILE_SUFFIXES)}) in it")
            files += found
        else:
            files.append(path)
    return files


def slow_decode(raw: bytes, line: Line) -> Any:
    """Decode a line orjson refused (a BOM, NaN, a lone surrogate… or a real error, then named)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRecord(
            None,
            f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1} (latin-1 or another encoding?)",
        ) from None
    if line.number == 1:
        text = text.removeprefix("\ufeff")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if not raw.endswith(b"\n"):
            raise BadRecord(None, f"truncated: the file ends in the middle of a record ({exc.msg})") from None
        raise BadRecord(None, f"not JSON: {exc.msg} at column {exc.colno}") from None


def _not_an_array(path: Path, first: bytes) -> None:
    if first.lstrip().startswith(b"["):
        raise SourceFormatError(str(path), 1, None, "a JSON array, not JSON lines (one FtM entity object per line)")


def check_first_line(path: Path, cap: int) -> None:
    """What raw_lines checks of a plain file's first line (a JSON array is refused), for a file read in chunks."""
    with path.open("rb") as handle:
        first = handle.readline(cap + 1)
    if len(first.rstrip(b"\r\n")) <= cap:
        _not_an_array(path, first)


def raw_lines(path: Path, ctx: LoadContext) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of a plain or gzip file; a truncated gzip is rejected and warned about."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceFormatError(str(path), None, None, f"cannot be read ({exc.strerror or exc})") from exc
    number = 0
    with handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
        handle.seek(0)
        try:
            stream = gzip.GzipFile(fileobj=handle, mode="rb") if gzipped else handle
            caps = ctx.limits  # line length; for gzip also what it expands to (bombs)
            size = path.stat().st_size
            lines = expanded_lines(stream, str(path), size, caps) if gzipped else bounded_lines(stream, caps.line_bytes)
            for number, raw in enumerate(lines, start=1):
                if len(raw.rstrip(b"\r\n")) > caps.line_bytes:
                    ctx.reject(str(path), number, None, f"line too long: over {caps.line_bytes:,} bytes", "")
                    continue
                if number == 1:
                    _not_an_array(path, raw)
                yield number, raw
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            reason = f"truncated gzip: {exc}; the lines after {number} are lost"
            ctx.reject(str(path), number + 1, None, reason)
            ctx.warn(f"{path}: {reason}")
