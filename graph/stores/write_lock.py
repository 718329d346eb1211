"""One writer at a time per store: an advisory lock file that a load holds while it writes.

The lock is ``flock(2)`` on a file, so it goes with its process: a load killed with ``kill -9`` leaves no stale lock.
The embedded store's lock lives in its data directory (every writer of that data takes it). A Neo4j database's
lock lives under ``SANCTIONS_GRAPH_HOME``, named after the URI and database: it keeps two loads on this machine
apart; writers on other machines are kept from duplicating ids by the unique-id constraints (the later one stops
with a sentence and is run again).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from graph.errors import SanctionsGraphError


class StoreBusy(SanctionsGraphError):
    """Another load is writing to the same store."""


def lock_path(home: Path, store: str, address: str) -> Path:
    """The lock file of a store: the embedded data directory's own, or one per Neo4j URI and database."""
    if store == "embedded":
        return (home / "falkordb" / "write.lock").resolve()
    digest = hashlib.sha1(address.encode()).hexdigest()[:16]
    return (home / "locks" / f"{store}-{digest}.lock").resolve()


@contextlib.contextmanager
def exclusive_writer(path: Path, description: str) -> Iterator[None]:
    """Hold the write lock of a store for the block; refuses at once, in a sentence, while another load holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise StoreBusy(
                f"Another load ({holder}) is writing to {description} right now; run this one again when it has "
                "finished (one load at a time keeps every id once)."
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}\n")
            handle.flush()
            yield
        finally:
            with contextlib.suppress(OSError):
                handle.seek(0)
                handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
