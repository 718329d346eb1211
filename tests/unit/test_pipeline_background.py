"""The pipeline's background writer keeps every write in emission order and raises a failed write's error."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Sequence
from typing import Any

import pytest

from graph.model import NodeRecord, RelRecord, WriteCounts
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.framework import BackgroundWriter, gc_relaxed


class Journal:
    """A GraphWriter that notes each call, in order (optionally failing on one kind)."""

    write_workers = 1

    def __init__(self, fail_on: NodeKind | None = None) -> None:
        self.calls: list[str] = []
        self.fail_on = fail_on

    def ensure_schema(self) -> None:
        self.calls.append("schema")

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        if kind is self.fail_on:
            raise RuntimeError("the store refused")
        self.calls.append(f"nodes {kind.value} {len(rows)}")
        return WriteCounts(nodes_created=len(rows), rows_written=len(rows))

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        self.calls.append(f"rels {rel_type.value} {len(rows)}")
        return WriteCounts(relationships_created=len(rows), rows_written=len(rows))

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        self.calls.append(f"stubs {len(ids)}")
        return WriteCounts()

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        self.calls.append(f"delete {len(ids)}")
        return WriteCounts()

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        self.calls.append("set")
        return WriteCounts()

    def add_to_node_lists(self, rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        self.calls.append("add")
        return WriteCounts()

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        self.calls.append("delete rels")
        return WriteCounts()


def _nodes(n: int) -> list[NodeRecord]:
    return [NodeRecord(f"n{i}", NodeKind.PERSON, {Prop.NAME: f"N {i}"}) for i in range(n)]


def test_queued_and_direct_writes_keep_their_order() -> None:
    journal = Journal()
    writer = BackgroundWriter(journal, depth=2)
    done: list[int] = []
    try:
        for size in (1, 2, 3, 4):
            writer.submit_nodes(NodeKind.PERSON, _nodes(size), lambda c: done.append(c.rows_written))
        writer.delete_nodes(["n1"])  # waits for the four batches before it
        writer.submit_relationships(RelType.OWNS, [], lambda c: done.append(-1))
        writer.ensure_stubs(["x"])
        writer.drain()
    finally:
        writer.close()
    assert journal.calls == [
        "nodes Person 1",
        "nodes Person 2",
        "nodes Person 3",
        "nodes Person 4",
        "delete 1",
        "rels OWNS 0",
        "stubs 1",
    ]
    assert done == [1, 2, 3, 4, -1]  # results come back on this thread, in order


def test_a_failed_background_write_raises_here() -> None:
    writer = BackgroundWriter(Journal(fail_on=NodeKind.COMPANY), depth=1)
    try:
        writer.submit_nodes(NodeKind.COMPANY, [NodeRecord("c", NodeKind.COMPANY)], lambda c: None)
        with pytest.raises(RuntimeError, match="refused"):
            writer.drain()
    finally:
        writer.close()


class Overlaps(Journal):
    """A Journal whose writes take a moment and note which batches ran at the same time as another."""

    def __init__(self) -> None:
        super().__init__()
        self.running: set[str] = set()
        self.together: set[frozenset[str]] = set()
        self._lock = threading.Lock()

    def _run(self, name: str) -> None:
        with self._lock:
            self.together.update(frozenset({name, other}) for other in self.running)
            self.running.add(name)
        time.sleep(0.2)  # long enough for a second worker to start one beside it
        with self._lock:
            self.running.discard(name)
            self.calls.append(name)

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        self._run("nodes " + ",".join(r.id for r in rows))
        return WriteCounts(rows_written=len(rows))

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        self._run("rels " + ",".join(r.id for r in rows))
        return WriteCounts(rows_written=len(rows))


def _rel(rid: str) -> RelRecord:
    return RelRecord(rid, RelType.OWNS, "a", "b")


def test_two_workers_overlap_only_node_batches_with_different_ids() -> None:
    journal = Overlaps()
    writer = BackgroundWriter(journal, depth=4, workers=2)
    done: list[int] = []
    try:
        for ids in (["a", "b"], ["c"], ["b", "d"]):  # the third shares "b" with the first
            nodes = [NodeRecord(i, NodeKind.PERSON) for i in ids]
            writer.submit_nodes(NodeKind.PERSON, nodes, lambda c: done.append(c.rows_written))
        for rid in ("r1", "r2"):  # relationships wait for every node batch, then overlap each other
            writer.submit_relationships(RelType.OWNS, [_rel(rid)], lambda c: done.append(-c.rows_written))
        writer.drain()
    finally:
        writer.close()
    assert frozenset({"nodes a,b", "nodes c"}) in journal.together  # disjoint: side by side
    assert frozenset({"nodes a,b", "nodes b,d"}) not in journal.together  # a shared id: one after the other
    assert frozenset({"rels r1", "rels r2"}) in journal.together
    assert not any(
        p for p in journal.together if any(x.startswith("nodes") for x in p) and any(x.startswith("rels") for x in p)
    )
    assert journal.calls.index("nodes a,b") < journal.calls.index("nodes b,d")
    assert done == [2, 1, 2, -1, -1]  # results still come back in submission order


class _Cycle:
    """An object in a reference cycle with itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_gc_relaxed_frees_cyclic_garbage_during_a_load_and_restores_the_collector() -> None:
    # the neo4j driver leaves each transaction's session and result in cycles: a load must free them as it goes
    before = gc.get_threshold()
    assert gc.isenabled()
    with gc_relaxed():
        assert gc.isenabled()
        assert gc.get_threshold()[0] > before[0]  # young passes less often than CPython's default
        first = weakref.ref(_Cycle())
        assert first() is not None  # garbage, not yet collected
        keep = [[n] for n in range(3 * gc.get_threshold()[0])]  # allocations past the young threshold
        assert first() is None  # collected during the load, not at its end
        del keep
    assert gc.get_threshold() == before
    assert gc.isenabled()


def test_gc_relaxed_leaves_a_paused_collector_paused() -> None:
    gc.disable()
    try:
        with gc_relaxed():
            assert gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
