"""An ordered set of ids (``IdSet``) and a map of values (``ValueSpool``) that move to disk past a size: what a
load's change record keeps of every id it added, changed or removed (graph.cases.changes.ChangeTracker) and what a
full publication's load keeps of what it wrote (graph.cases.snapshot.SeenWriter), so a load of millions of records
does not hold them all in memory.

Up to ``spill_after`` ids live in a dict; past it they go to a private temporary SQLite database
(``sqlite3.connect("")``: a file the library deletes when it is closed; its page cache is bounded), with the most
recent operations buffered in memory (at most ``BUFFER_OPS``). Either way it behaves as a dict of ids would: an id
added again keeps its first place, an id discarded and added again goes last, and ``first(n)`` gives the first n in
that order.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar, cast

#: ids kept in memory before the set moves to disk (about 10 MB of short ids)
SPILL_AFTER = 100_000
#: operations buffered in memory once on disk, written in one statement
BUFFER_OPS = 5_000
_CACHE_KIB = 16 * 1024

_ADD, _READD, _DISCARD = 1, 2, 3  # a buffered operation: add (keeps a present id's place), discard then add, discard


_INSERT = "INSERT OR IGNORE INTO ids (id) VALUES (?)"

V = TypeVar("V")


def _temporary_db(table: str) -> sqlite3.Connection:
    """A private temporary database with ``table`` (written from several load threads under the owner's lock: the
    connection is not tied to one thread)."""
    db = sqlite3.connect("", check_same_thread=False)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{_CACHE_KIB}", "temp_store = FILE"):
        db.execute(f"PRAGMA {pragma}")
    db.execute(table)
    return db


class IdSet:
    """An insertion-ordered set of str ids, in memory up to ``spill_after`` ids (None: always), then on disk.

    Not thread-safe: its owner serialises the calls (the ChangeTracker holds its lock)."""

    def __init__(self, spill_after: int | None = SPILL_AFTER) -> None:
        self._spill_after = spill_after
        self._memory: dict[str, None] = {}
        self._db: sqlite3.Connection | None = None
        self._pending: dict[str, int] = {}  # once on disk: operations not written yet, in order

    @property
    def on_disk(self) -> bool:
        return self._db is not None

    def add(self, item: str) -> None:
        if self._db is None:
            self._memory[item] = None
            if self._spill_after is not None and len(self._memory) > self._spill_after:
                self._spill()
            return
        state = self._pending.get(item)
        if state is None:
            self._pending[item] = _ADD
        elif state == _DISCARD:
            del self._pending[item]
            self._pending[item] = _READD  # last among the buffered, as a dict puts an id added again
        if len(self._pending) >= BUFFER_OPS:
            self._flush()

    def update(self, items: Iterable[str]) -> None:
        for item in items:
            self.add(item)

    def discard(self, item: str) -> None:
        if self._db is None:
            self._memory.pop(item, None)
            return
        self._pending.pop(item, None)
        self._pending[item] = _DISCARD  # last among the buffered: a later add places the id after the others
        if len(self._pending) >= BUFFER_OPS:
            self._flush()

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, str):
            return False
        if self._db is None:
            return item in self._memory
        state = self._pending.get(item)
        if state is not None:
            return state != _DISCARD
        return self._db.execute("SELECT 1 FROM ids WHERE id = ?", (item,)).fetchone() is not None

    def __len__(self) -> int:
        if self._db is None:
            return len(self._memory)
        self._flush()
        return int(self._db.execute("SELECT count(*) FROM ids").fetchone()[0])

    def first(self, n: int) -> list[str]:
        """The first ``n`` ids, in the order they were (last) added."""
        if self._db is None:
            return [item for item, _ in zip(self._memory, range(n), strict=False)]
        self._flush()
        return [str(row[0]) for row in self._db.execute("SELECT id FROM ids ORDER BY seq LIMIT ?", (n,))]

    def _spill(self) -> None:
        db = _temporary_db("CREATE TABLE ids (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE)")
        with db:
            db.executemany(_INSERT, ((item,) for item in self._memory))
        self._memory.clear()
        self._db = db

    def _flush(self) -> None:
        if self._db is None or not self._pending:
            return
        adds: list[tuple[str]] = []  # a run of plain adds, written in one statement
        with self._db:
            for item, state in self._pending.items():  # in order: where an id goes depends on those before it
                if state == _ADD:
                    adds.append((item,))
                    continue
                self._db.executemany(_INSERT, adds)
                adds.clear()
                self._db.execute("DELETE FROM ids WHERE id = ?", (item,))
                if state == _READD:
                    self._db.execute(_INSERT, (item,))
            self._db.executemany(_INSERT, adds)
        self._pending.clear()

    def close(self) -> None:
        """Drop the ids (and the temporary database)."""
        self._memory.clear()
        self._pending.clear()
        if self._db is not None:
            self._db.close()
            self._db = None


class ValueSpool(Generic[V]):
    """A str-keyed map of picklable values, in memory up to ``spill_after`` keys (None: always), then on disk (the
    latest writes buffered, at most ``BUFFER_OPS``): what a full publication's load keeps of every node it wrote
    (graph.cases.snapshot.SeenWriter). No order is kept: ``keys()`` gives them in no particular order.

    A value read is a copy once on disk: change it, then set it again. Not thread-safe (the owner holds a lock)."""

    def __init__(self, spill_after: int | None = SPILL_AFTER) -> None:
        self._spill_after = spill_after
        self._memory: dict[str, V] = {}
        self._db: sqlite3.Connection | None = None

    @property
    def on_disk(self) -> bool:
        return self._db is not None

    def get(self, key: str) -> V | None:
        if key in self._memory:
            return self._memory[key]
        if self._db is None:
            return None
        row = self._db.execute("SELECT data FROM items WHERE key = ?", (key,)).fetchone()
        return None if row is None else cast(V, pickle.loads(row[0]))

    def __getitem__(self, key: str) -> V:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: V) -> None:
        if value is None:
            raise ValueError("ValueSpool values cannot be None")
        self._memory[key] = value
        if self._db is None:
            if self._spill_after is not None and len(self._memory) > self._spill_after:
                self._db = _temporary_db("CREATE TABLE items (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
                self._flush()
        elif len(self._memory) >= BUFFER_OPS:
            self._flush()

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __len__(self) -> int:
        if self._db is None:
            return len(self._memory)
        self._flush()
        return int(self._db.execute("SELECT count(*) FROM items").fetchone()[0])

    def keys(self) -> Iterator[str]:
        if self._db is None:
            yield from list(self._memory)
            return
        self._flush()
        for (key,) in self._db.execute("SELECT key FROM items").fetchall():
            yield str(key)

    def __iter__(self) -> Iterator[str]:
        return self.keys()

    def _flush(self) -> None:
        if self._db is None or not self._memory:
            return
        with self._db:
            self._db.executemany(
                "INSERT INTO items VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET data = excluded.data",
                [(k, pickle.dumps(v, pickle.HIGHEST_PROTOCOL)) for k, v in self._memory.items()],
            )
        self._memory.clear()

    def close(self) -> None:
        self._memory.clear()
        if self._db is not None:
            self._db.close()
            self._db = None
