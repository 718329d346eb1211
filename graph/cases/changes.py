"""What each load changed, kept as a ``RecordLabel.LOAD_CHANGES`` record: entities added, changed and removed by id
(an entity is read before and after each write and compared), relationships added, changed (read before and after
each batch, by id) and removed (by id, those that went with a deleted node included), with the source, files and
time. Counts are always whole; id lists keep the first ``IDS_CAP`` and say when they were cut.

``ChangeTracker`` is a GraphWriter around a store: the load pipeline writes through it (``run_load(...,
keep_changes=True)``) and saves the record when the load ends. Rescreen reads the records (``loads_since``).
The ids it notes go to disk past ``spill_after`` per list (graph.cases.changes_spool.IdSet), so a load of millions of
records keeps a bounded part of them in memory; the record is the same either way.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TypeGuard

from graph.analytics.dates import utc_now_iso
from graph.cases.changes_spool import SPILL_AFTER, IdSet
from graph.cases.querylog import CaseStore
from graph.model import Direction, NodeRecord, RelRecord, WriteCounts
from graph.stores.base import GraphStore
from graph.vocabulary import INTERNAL_PROPS, NodeKind, Prop, RecordLabel, RelType

#: Ids kept per list in one load's record (the counts are always whole).
IDS_CAP = 5000
_LINKS_LIMIT = 1_000_000  # links read around a relationship batch or a node deletion (a hub's, all of them)
_SKIPPED = {p.value for p in INTERNAL_PROPS}


@dataclass
class LoadChanges:
    id: str
    source: str
    files: list[str]
    at: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # nodes_added…, relationships_added, relationships_removed
    relationships_removed: list[str] = field(default_factory=list)
    capped: bool = False
    relationships_added: list[str] = field(default_factory=list)
    relationships_changed: list[str] = field(default_factory=list)

    @property
    def entity_ids(self) -> set[str]:
        return {*self.added, *self.changed, *self.removed}

    def text(self) -> str:
        c = self.counts
        return (
            f"{self.at}  {self.source} {', '.join(self.files)}: entities +{c.get('nodes_added', 0)} "
            f"~{c.get('nodes_changed', 0)} -{c.get('nodes_removed', 0)}, relationships "
            f"+{c.get('relationships_added', 0)} ~{c.get('relationships_changed', 0)} "
            f"-{c.get('relationships_removed', 0)}"
            + (f" (ids: the first {IDS_CAP} of each kind)" if self.capped else "")
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_record(self) -> dict[str, Any]:
        return {**self.to_dict(), "counts": json.dumps(self.counts, sort_keys=True)}

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> LoadChanges:
        counts = r.get("counts") or "{}"
        return cls(
            id=str(r["id"]),
            source=str(r.get("source") or ""),
            files=[str(f) for f in r.get("files") or []],
            at=str(r.get("at") or ""),
            added=[str(i) for i in r.get("added") or []],
            changed=[str(i) for i in r.get("changed") or []],
            removed=[str(i) for i in r.get("removed") or []],
            counts=dict(json.loads(counts) if isinstance(counts, str) else counts),
            relationships_removed=[str(i) for i in r.get("relationships_removed") or []],
            capped=bool(r.get("capped")),
            relationships_added=[str(i) for i in r.get("relationships_added") or []],
            relationships_changed=[str(i) for i in r.get("relationships_changed") or []],
        )


def _fingerprints(store: CaseStore, ids: Sequence[str]) -> dict[str, str]:
    return {
        e.id: json.dumps({k: v for k, v in e.properties.items() if k not in _SKIPPED}, sort_keys=True, default=str)
        for e in store.get_entities(list(dict.fromkeys(ids)))
    }


def _rel_fingerprints(store: GraphStore, rel_type: RelType, rows: Sequence[RelRecord]) -> dict[str, str]:
    """The stored relationships among ``rows`` (by id): their properties, as the rows name them, as one string."""
    props = sorted({p for r in rows for p in r.props} - INTERNAL_PROPS, key=str)
    wanted = {r.id for r in rows}
    links = store.links([r.source for r in rows], [rel_type], Direction.OUT, rel_props=props, limit=_LINKS_LIMIT)
    return {link.rel_id: json.dumps(link.rel, sort_keys=True, default=str) for link in links if link.rel_id in wanted}


class ChangeTracker:
    """A GraphWriter writing through ``store`` that notes which entities each write added, changed or removed."""

    def __init__(
        self, store: GraphStore, source: str, files: Sequence[str], spill_after: int | None = SPILL_AFTER
    ) -> None:
        """``spill_after``: ids kept in memory per list before the list moves to disk (None: never)."""
        self.store = store
        self.write_workers: int = getattr(store, "write_workers", 1)
        self._lock = threading.Lock()
        self._source, self._files = source, [str(f) for f in files]
        self._ids: dict[str, IdSet] = {
            name: IdSet(spill_after)
            for name in ("added", "changed", "removed", "rels_added", "rels_changed", "rels_removed")
        }

    def _around(self, ids: Sequence[str], write: Callable[[], WriteCounts]) -> WriteCounts:
        before = _fingerprints(self.store, ids)
        counts = write()
        after = _fingerprints(self.store, ids)
        with self._lock:
            for i in dict.fromkeys(ids):
                if i in after and i not in before and i not in self._ids["removed"]:
                    self._ids["added"].add(i)
                elif i in before and i not in after:
                    self._ids["removed"].add(i)
                    self._ids["added"].discard(i)
                    self._ids["changed"].discard(i)
                elif i in before and before[i] != after.get(i) and i not in self._ids["added"]:
                    self._ids["changed"].add(i)
        return counts

    # --- GraphWriter ------------------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        self.store.ensure_schema()

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        return self._around([r.id for r in rows], lambda: self.store.upsert_nodes(kind, rows))

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        return self._around(ids, lambda: self.store.ensure_stubs(ids))

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        # the relationships of a deleted node go with it: listed as removed too
        rels = [link.rel_id for link in self.store.links(list(ids), limit=_LINKS_LIMIT)]
        counts = self._around(ids, lambda: self.store.delete_nodes(ids))
        with self._lock:
            self._ids["rels_removed"].update(rels)
            for rel in rels:
                self._ids["rels_added"].discard(rel)
                self._ids["rels_changed"].discard(rel)
        return counts

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        return self._around([r[0] for r in rows], lambda: self.store.set_node_properties(props, rows))

    def add_to_node_lists(self, rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        return self._around([r[0] for r in rows], lambda: self.store.add_to_node_lists(rows))

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        before = _rel_fingerprints(self.store, rel_type, rows)
        counts = self.store.upsert_relationships(rel_type, rows)
        after = _rel_fingerprints(self.store, rel_type, rows)
        with self._lock:
            for rel_id, now in after.items():
                if rel_id not in before:
                    self._ids["rels_added"].add(rel_id)
                    self._ids["rels_removed"].discard(rel_id)
                elif before[rel_id] != now and rel_id not in self._ids["rels_added"]:
                    self._ids["rels_changed"].add(rel_id)
        return counts

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        counts = self.store.delete_relationships(ids)
        with self._lock:
            if counts.rows_written:
                self._ids["rels_removed"].update(ids)
        return counts

    # --- the record -------------------------------------------------------------------------------------------
    def changes(self, at: str | None = None) -> LoadChanges:
        with self._lock:
            ids = {k: v.first(IDS_CAP) for k, v in self._ids.items()}
            sizes = {k: len(v) for k, v in self._ids.items()}
        return LoadChanges(
            id=f"load-{time.time_ns():x}",
            source=self._source,
            files=self._files,
            at=at or utc_now_iso(),
            added=ids["added"],
            changed=ids["changed"],
            removed=ids["removed"],
            counts={
                "nodes_added": sizes["added"],
                "nodes_changed": sizes["changed"],
                "nodes_removed": sizes["removed"],
                "relationships_added": sizes["rels_added"],
                "relationships_changed": sizes["rels_changed"],
                "relationships_removed": sizes["rels_removed"],
            },
            relationships_removed=ids["rels_removed"],
            capped=any(size > IDS_CAP for size in sizes.values()),
            relationships_added=ids["rels_added"],
            relationships_changed=ids["rels_changed"],
        )

    def save(self, at: str | None = None) -> LoadChanges:
        """Write this load's change record (once the load has ended)."""
        record = self.changes(at)
        self.store.put_records(RecordLabel.LOAD_CHANGES, [record.to_record()])
        return record

    def close(self) -> None:
        """Drop the ids noted (those on disk with their temporary database); the record is saved first."""
        with self._lock:
            for ids in self._ids.values():
                ids.close()


def keeps_changes(writer: object) -> TypeGuard[GraphStore]:
    """Whether a writer is a store that can read entities and keep records (a bulk import writer cannot)."""
    return callable(getattr(writer, "get_entities", None)) and callable(getattr(writer, "put_records", None))


def load_changes(store: CaseStore, since: str | None = None) -> list[LoadChanges]:
    """The loads' change records (those after ``since``), oldest first."""
    found = [LoadChanges.from_record(r) for r in store.get_records(RecordLabel.LOAD_CHANGES)]
    return sorted((c for c in found if since is None or c.at >= since), key=lambda c: (c.at, c.id))
