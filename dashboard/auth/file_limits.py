"""The login rate limit shared by every process of one dashboard (`serve --workers N`): failed logins are counted
in a small SQLite file (in the store home) instead of one process's memory, so 5 failures in 5 minutes are 5
whichever worker answered them, and a restart does not forget them."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from dashboard.auth.limits import LoginLimiter

_SCHEMA = "CREATE TABLE IF NOT EXISTS failures (address TEXT NOT NULL, name TEXT NOT NULL, at REAL NOT NULL)"
_INDEX = "CREATE INDEX IF NOT EXISTS failures_key ON failures (address, name, at)"
#: Past this many rows the old ones (beyond the window) are deleted, so a flood of names cannot grow the file.
_PRUNE_ROWS = 10_000


class FileLoginLimiter(LoginLimiter):
    """``LoginLimiter``'s rule (at most ``attempts`` failures per (address, user name) in ``window_s``; a success
    clears the key) with its counts in ``path``, shared by every process that opens the same file. The clock is
    wall time (Unix seconds): the counts outlive the process."""

    def __init__(
        self, path: Path, attempts: int = 5, window_s: float = 300.0, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(attempts, window_s, clock)
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute(_SCHEMA)
            db.execute(_INDEX)
        path.chmod(0o600)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """One connection per call (any thread, any process); a transaction committed on leaving."""
        with closing(sqlite3.connect(self.path, timeout=10.0, isolation_level=None)) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _times(self, db: sqlite3.Connection, address: str, name: str, now: float) -> list[float]:
        rows = db.execute(
            "SELECT at FROM failures WHERE address = ? AND name = ? AND at > ? ORDER BY at",
            (address, name.lower(), now - self.window_s),
        ).fetchall()
        return [float(at) for (at,) in rows]

    def wait_s(self, address: str, name: str) -> float:
        now = self._clock()
        with self._db() as db:
            times = self._times(db, address, name, now)
        if len(times) < self.attempts:
            return 0.0
        return self.window_s - (now - times[-self.attempts])

    def failed(self, address: str, name: str) -> None:
        now = self._clock()
        with self._db() as db:
            db.execute("INSERT INTO failures (address, name, at) VALUES (?, ?, ?)", (address, name.lower(), now))
            (rows,) = db.execute("SELECT count(*) FROM failures").fetchone()
            if rows > _PRUNE_ROWS:
                db.execute("DELETE FROM failures WHERE at <= ?", (now - self.window_s,))

    def succeeded(self, address: str, name: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM failures WHERE address = ? AND name = ?", (address, name.lower()))
