"""Lines of one file prepared by several processes, handed back in file order: a source's per-line work (decode,
validate, map) spread over the machine's cores while the loading process keeps everything that needs the whole
file (state across records, edge resolution, the writes) in one place.

The file is cut into chunks of about ``chunk_bytes`` at line boundaries. Worker ``i`` of ``n`` (processes forked
from the loading one) prepares chunks ``i``, ``i + n``, ``i + 2n``… with the source's ``prepare`` function, writes
each chunk's results (pickled) to a file of a private temporary directory and says so through a pipe of its own; the
loading process reads the pipes in turn, so the results come in file order, and acknowledges each chunk it has
read: a worker is at most ``AHEAD`` chunks ahead (the memory and disk a load holds do not grow with the file). The
results go through a file, not the pipe itself: a pipe moves a few MB in 64 KB steps, each waiting for both
processes to be scheduled, which on a busy machine made the parallel parse slower than one process.
A line longer than the cap is reported (``TOO_LONG``) as the one-process reader reports it; ``prepare`` returning
None (a blank line) sends nothing. Line numbers are the file's own, counted from 1.

Only plain files are split (a gzip stream cannot be entered in the middle), and only when they hold at least two
chunks: ``splittable``."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")

#: Bytes per chunk: a few thousand lines of a typical export, a pickle of a few MB per chunk's results.
DEFAULT_CHUNK_BYTES = 4 << 20
#: Chunks a worker may have prepared that the loading process has not read yet.
AHEAD = 2
#: Marks a line longer than the cap in the results (what bounded_lines' caller rejects).
TOO_LONG = "\x00too-long"


def default_workers() -> int:
    """One parsing process per core (at most 4: past that the loading process, which applies the results in order,
    is the bound); 1 (no worker process) on a single core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(4, cores))


def splittable(path: Path, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> bool:
    """A plain (not gzip) file of at least two chunks."""
    try:
        with path.open("rb") as handle:
            if handle.read(2) == b"\x1f\x8b":
                return False
        return path.stat().st_size >= 2 * chunk_bytes
    except OSError:
        return False  # the one-process reader says what is wrong


def chunk_bounds(path: Path, chunk_bytes: int) -> list[tuple[int, int]]:
    """Byte ranges of about ``chunk_bytes`` covering the file, each starting at a line's first byte."""
    size = path.stat().st_size
    starts = [0]
    with path.open("rb") as handle:
        position = chunk_bytes
        while position < size:
            handle.seek(position - 1)
            while True:  # to the end of the line holding ``position - 1`` (read in steps: a line may be long)
                piece = handle.readline(1 << 20)
                if not piece or piece.endswith(b"\n"):
                    break
            start = handle.tell()
            if start >= size:
                break
            if start > starts[-1]:
                starts.append(start)
            position = max(start, position) + chunk_bytes
    return [(start, end) for start, end in zip(starts, [*starts[1:], size], strict=True)]


def _chunk_lines(path: Path, start: int, end: int, cap: int) -> Iterator[tuple[int, bytes | None]]:
    """(byte offset, line with its ending) of a byte range; the line None when longer than ``cap`` (skipped without
    being kept, as bounded_lines does)."""
    with path.open("rb") as handle:
        handle.seek(start)
        position = start
        while position < end:
            offset = position
            line = handle.readline(cap + 1)
            if not line:
                return
            position += len(line)
            if len(line) > cap and not line.endswith(b"\n"):
                while True:
                    rest = handle.readline(1 << 20)
                    position += len(rest)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield offset, None
                continue
            yield offset, (None if len(line.rstrip(b"\r\n")) > cap else line)


def _work(
    path: Path,
    bounds: list[tuple[int, int]],
    prepare: Callable[[bytes], object],
    cap: int,
    directory: Path,
    connection: Connection,
    others: list[Connection],
) -> None:
    """A worker process: its chunks, prepared, written to ``directory`` and announced in order (at most AHEAD not
    acknowledged); it stops when the loading process closes its end."""
    for other in others:  # (copies of the fork): the loading process's ends of every pipe
        other.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the loading process's to handle: it ends the workers
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    gc.disable()  # short-lived acyclic results: reference counting frees them
    ahead = 0
    try:
        for start, end in bounds:
            results: list[tuple[int, int, object]] = []  # (line number within the chunk from 0, offset, prepared)
            count = 0
            for count, (offset, line) in enumerate(_chunk_lines(path, start, end, cap), start=1):
                if line is None:
                    results.append((count - 1, offset, TOO_LONG))
                    continue
                prepared = prepare(line)
                if prepared is not None:
                    results.append((count - 1, offset, prepared))
            while ahead >= AHEAD:
                connection.recv_bytes()  # an acknowledgement: the loading process has read one
                ahead -= 1
            out = directory / f"{os.getpid()}-{start}"
            out.write_bytes(pickle.dumps((count, results), pickle.HIGHEST_PROTOCOL))
            connection.send_bytes(os.fsencode(out))
            ahead += 1
    except (BrokenPipeError, EOFError, OSError):
        pass  # the loading process stopped reading: nothing to say
    finally:
        connection.close()


class ParallelLines(Generic[T]):
    """The prepared lines of ``path`` as (line number, byte offset, prepared or TOO_LONG), in file order, from
    ``workers`` processes running ``prepare(line)``. Use as a context manager: leaving it (also on an error or a stop
    on request) ends the workers. ``line_at(offset)`` reads a line again (for the few the loading process redoes)."""

    def __init__(
        self,
        path: Path,
        prepare: Callable[[bytes], T | None],
        *,
        workers: int,
        line_bytes: int,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    ) -> None:
        self.path = path
        self._line_bytes = line_bytes
        self._handle = path.open("rb")
        bounds = chunk_bounds(path, chunk_bytes)
        self.workers = max(1, min(workers, len(bounds)))
        context = multiprocessing.get_context("fork")
        self._directory = Path(tempfile.mkdtemp(prefix="sanctions-graph-parse-"))
        pipes = [context.Pipe(duplex=True) for _ in range(self.workers)]
        self._connections: list[Connection] = [ours for ours, _ in pipes]
        self._processes: list[BaseProcess] = []
        self._chunks = len(bounds)
        for i, (_, theirs) in enumerate(pipes):
            process = context.Process(
                target=_work,
                args=(path, bounds[i :: self.workers], prepare, line_bytes, self._directory, theirs, self._connections),
                name=f"parse-{i + 1}",
                daemon=True,
            )
            process.start()
            theirs.close()
            self._processes.append(process)

    def __enter__(self) -> ParallelLines[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def line_at(self, offset: int) -> bytes:
        """The line at ``offset`` (with its ending), as the workers read it."""
        self._handle.seek(offset)
        return self._handle.readline(self._line_bytes + 1)

    def __iter__(self) -> Iterator[tuple[int, int, T | str]]:
        base = 0
        for index in range(self._chunks):
            connection = self._connections[index % self.workers]
            try:
                chunk = Path(os.fsdecode(connection.recv_bytes()))
                data = chunk.read_bytes()
                chunk.unlink()
            except (EOFError, OSError) as exc:
                raise RuntimeError(f"a process parsing {self.path} stopped ({exc or 'no more data'})") from None
            with contextlib.suppress(OSError):  # (a worker whose chunks are all sent has ended)
                connection.send_bytes(b"")  # read: the worker may go on
            count, results = pickle.loads(data)
            for number, offset, prepared in results:
                yield base + number + 1, offset, prepared
            base += count

    def close(self) -> None:
        self._handle.close()
        for connection in self._connections:
            connection.close()  # a worker blocked on sending reads the end of the pipe and stops
        for process in self._processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()
        shutil.rmtree(self._directory, ignore_errors=True)
