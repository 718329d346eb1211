"""What a load keeps until its end, on disk instead of in memory: the relationships of the load (written once every
node is in) and, for a source that resolves its edges at the end (FtM), its edges by record.

Both live in a private temporary SQLite database (``sqlite3.connect("")``: a file the library deletes when it is
closed; its page cache is bounded), so a load's memory does not grow with the number of links. Rows are pickled;
property names are kept as their values (an enum member pickles ten times slower than its text).
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator
from typing import Any, Generic, TypeVar, cast

from graph import Prop, RelRecord, RelType

#: rows buffered in memory before they go to disk in one statement
BUFFER_ROWS = 5_000
#: the database's page cache (KiB): enough for the id index's hot pages
_CACHE_KIB = 32 * 1024
_PROPS: dict[str, Prop] = {p.value: p for p in Prop}

V = TypeVar("V")


def _temporary_db() -> sqlite3.Connection:
    db = sqlite3.connect("")  # a temporary on-disk database, deleted on close
    for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{_CACHE_KIB}", "temp_store = FILE"):
        db.execute(f"PRAGMA {pragma}")
    return db


def _plain_props(props: dict[Prop, Any]) -> dict[str, Any]:
    return {str(key): value for key, value in props.items()}


def _vocabulary_props(props: dict[str, Any]) -> dict[Prop, Any]:
    return {_PROPS[key]: value for key, value in props.items()}


class RelationshipSpool:
    """The relationships a load emits, one row per (type, id): a later emission of an id replaces the earlier one
    (its emission number with it) and keeps the first one's place, so reading back gives what a dict keyed by
    type and id would hold, in the same order."""

    def __init__(self) -> None:
        self._db = _temporary_db()
        self._db.execute(
            "CREATE TABLE rels (type TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, source TEXT NOT NULL, "
            "target TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (type, id))"
        )
        self._buffer: list[tuple[str, str, int, str, str, bytes]] = []

    def add(self, seq: int, record: RelRecord) -> None:
        """Keep ``record``, emitted ``seq``-th in the load."""
        data = pickle.dumps((_plain_props(record.props), [str(p) for p in record.clear]), pickle.HIGHEST_PROTOCOL)
        self._buffer.append((record.type.value, record.id, seq, record.source, record.target, data))
        if len(self._buffer) >= BUFFER_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            with self._db:
                self._db.executemany(
                    "INSERT INTO rels VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (type, id) DO UPDATE SET "
                    "seq = excluded.seq, source = excluded.source, target = excluded.target, data = excluded.data",
                    self._buffer,
                )
            self._buffer.clear()

    def __iter__(self) -> Iterator[tuple[int, RelRecord]]:
        """Every kept relationship with its emission number, in the order of first emission."""
        self._flush()
        for type_, rel_id, seq, source, target, data in self._db.execute(
            "SELECT type, id, seq, source, target, data FROM rels ORDER BY rowid"
        ):
            props, clear = pickle.loads(data)
            clear_props = frozenset(_PROPS[p] for p in clear)
            yield seq, RelRecord(rel_id, RelType(type_), source, target, _vocabulary_props(props), clear_props)

    def clear(self) -> None:
        self._buffer.clear()
        with self._db:
            self._db.execute("DELETE FROM rels")

    def close(self) -> None:
        self._buffer.clear()
        self._db.close()


#: Bits of the filter that tells a key was never written (its deletion then writes nothing, a value is its first
#: row): 2**27 bits, 16 MB.
_SEEN_BITS = 1 << 27


class Pickled:
    """A SpooledMap value pickled already (by a parsing process, loaders.framework.parallel): kept as it is."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


class SpooledMap(Generic[V]):
    """A str-keyed map of picklable values on disk, in the order keys were first set (a key replaced keeps its first
    place; one deleted and set again takes the place of that later setting), for what a source keeps by record until
    the end of its load. The most recent writes wait in memory, BUFFER_ROWS at most.

    On disk every write is a row appended to a table without an index (a later value of a key is a new row, a
    deletion a row without data): inserting into an index of millions of random keys is what made the spool slow at
    scale (3M keys: 17 s of CPU with the index, 4.7 s without). A key's value is its last row. A bit filter of the
    keys written tells a key never written before (or may wrongly say "maybe"): a deletion of such a key writes
    nothing, and only keys it says "maybe" of (written twice, deleted, or a collision: few) are looked at when the map
    is read back in order. The index is built, sorted, only when a key is looked up (``get``), and kept after that."""

    def __init__(self) -> None:
        self._db = _temporary_db()
        self._db.execute("CREATE TABLE items (key TEXT NOT NULL, data BLOB)")  # data NULL: the key was deleted
        self._pending: dict[str, V | Pickled | None] = {}  # writes (None: a deletion) not on disk yet
        self._indexed = False
        self._written = bytearray(_SEEN_BITS >> 3)  # keys with a row on disk (a bit per hash; collisions: "maybe")
        self._rewritten_keys: set[str] = set()  # keys that may have more than one row (the filter said "maybe")

    def _maybe_written(self, key: str) -> bool:
        h = hash(key) & (_SEEN_BITS - 1)
        return bool(self._written[h >> 3] & (1 << (h & 7)))

    def _flush(self) -> None:
        if not self._pending:
            return
        rows: list[tuple[str, bytes | None]] = []
        written, mask, dumps, protocol = self._written, _SEEN_BITS - 1, pickle.dumps, pickle.HIGHEST_PROTOCOL
        rewritten = self._rewritten_keys
        for key, value in self._pending.items():
            h = hash(key) & mask
            bit = 1 << (h & 7)
            if written[h >> 3] & bit:
                rewritten.add(key)
            elif value is None:
                continue  # never written: nothing to delete
            if value is None:
                rows.append((key, None))
                continue
            written[h >> 3] |= bit
            rows.append((key, value.data if type(value) is Pickled else dumps(value, protocol)))
        with self._db:
            self._db.executemany("INSERT INTO items VALUES (?, ?)", rows)
        self._pending.clear()

    def _index(self) -> None:
        if not self._indexed:
            with self._db:
                self._db.execute("CREATE INDEX items_key ON items (key)")
            self._indexed = True

    def __setitem__(self, key: str, value: V) -> None:
        if value is None:
            raise ValueError("SpooledMap values cannot be None")
        self._after_deletion(key)
        self._pending[key] = value
        if len(self._pending) >= BUFFER_ROWS:
            self._flush()

    def set_pickled(self, key: str, data: bytes) -> None:
        """Set ``key`` to the value ``data`` is the pickle of (``pickle.HIGHEST_PROTOCOL``; not None)."""
        self._after_deletion(key)
        self._pending[key] = Pickled(data)
        if len(self._pending) >= BUFFER_ROWS:
            self._flush()

    def _after_deletion(self, key: str) -> None:
        """A key set again after a deletion still waiting in memory takes the last place: the deletion goes to disk
        first (in the dict of pending writes the key would keep the deletion's place, before keys set meanwhile)."""
        if key in self._pending and self._pending[key] is None:
            self._flush()

    def get(self, key: str) -> V | None:
        if key in self._pending:
            pending = self._pending[key]
            return cast(V, pickle.loads(pending.data)) if type(pending) is Pickled else cast(V | None, pending)
        if not self._maybe_written(key):
            return None
        self._index()
        row = self._db.execute("SELECT data FROM items WHERE key = ? ORDER BY rowid DESC LIMIT 1", (key,)).fetchone()
        return None if row is None or row[0] is None else cast(V, pickle.loads(row[0]))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def pop(self, key: str) -> V | None:
        """Remove ``key``; its value, or None when absent."""
        value = self.get(key)
        if value is not None:
            self._pending[key] = None
            if len(self._pending) >= BUFFER_ROWS:
                self._flush()
        return value

    def discard(self, key: str) -> None:
        """Remove ``key`` if present, without reading it (a key set again afterwards takes the last place)."""
        self._pending[key] = None
        if len(self._pending) >= BUFFER_ROWS:
            self._flush()

    def _rewritten(self) -> dict[str, tuple[int, int | None]]:
        """The keys that may have more than one row (replaced, deleted, deleted and set again): for each, the row of
        its place (the first after its last deletion) and the row of its value (None: deleted)."""
        keys = self._rewritten_keys
        out: dict[str, tuple[int, int | None]] = {}
        if not keys:
            return out
        deleted: set[str] = set()
        with self._db:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS rewritten (key TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM rewritten")
            self._db.executemany("INSERT INTO rewritten VALUES (?)", [(k,) for k in keys])
        rows = self._db.execute(
            "SELECT rowid, key, data IS NULL FROM items WHERE key IN (SELECT key FROM rewritten) ORDER BY rowid"
        )  # (one pass over the table in SQLite, not in Python)
        for rowid, key, is_deletion in rows:
            previous = out.get(key)
            if previous is None or key in deleted:  # its first row, or the first after a deletion
                out[key] = (rowid, rowid)
            else:
                out[key] = (previous[0], rowid)
            if is_deletion:
                deleted.add(key)
            else:
                deleted.discard(key)
        for key in deleted:
            out[key] = (out[key][0], None)
        return out

    def items(self) -> Iterator[tuple[str, V]]:
        """Every key and value, in the order keys were first set (reading while iterating is fine; setting is
        not)."""
        self._flush()
        rewritten = self._rewritten()
        loads = pickle.loads
        for rowid, key, data in self._db.execute("SELECT rowid, key, data FROM items ORDER BY rowid"):
            if rewritten and key in rewritten:
                place, value_row = rewritten[key]
                if rowid != place or value_row is None:
                    continue
                if value_row != rowid:
                    data = self._db.execute("SELECT data FROM items WHERE rowid = ?", (value_row,)).fetchone()[0]
            elif data is None:  # the deletion of a key never written (the filter said "maybe")
                continue
            yield key, loads(data)

    def values(self) -> Iterator[V]:
        return (value for _, value in self.items())

    def close(self) -> None:
        self._pending.clear()
        self._db.close()
