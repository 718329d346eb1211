"""The analysts' records (RecordStore) for the in-memory store, kept apart from its entities and relationships."""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from typing import Any

from graph.vocabulary import RecordKey, RecordLabel


class MemoryRecords:
    """RecordStore over a dict per label; MemoryStore mixes it in (its clear() calls ``_clear_records``)."""

    _lock: threading.RLock
    _records: dict[RecordLabel, dict[str, dict[str, Any]]]

    def _records_of(self, label: RecordLabel) -> dict[str, dict[str, Any]]:
        if not hasattr(self, "_records"):
            self._records = {}
        return self._records.setdefault(RecordLabel(label), {})

    def _clear_records(self) -> None:
        self._records = {}

    def put_records(self, label: RecordLabel, rows: Sequence[dict[str, Any]]) -> int:
        with self._lock:
            stored = self._records_of(label)
            for row in rows:
                stored[str(row[RecordKey.ID])] = {k: copy.deepcopy(v) for k, v in row.items() if v is not None}
            return len(rows)

    def get_records(
        self, label: RecordLabel, key: RecordKey | None = None, values: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        wanted = set(values)
        with self._lock:
            return [copy.deepcopy(r) for r in self._records_of(label).values() if key is None or r.get(key) in wanted]

    def delete_records(self, label: RecordLabel, ids: Sequence[str]) -> int:
        with self._lock:
            stored = self._records_of(label)
            return sum(stored.pop(i, None) is not None for i in ids)
