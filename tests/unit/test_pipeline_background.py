"""The pipeline's background writer keeps every write in emission order and raises a failed write's error."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from typing import Any

import pytest

from graph.model import NodeRecord, RelRecord, WriteCounts
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.pipeline import BackgroundWriter, gc_paused


class Journal:
    """A GraphWriter that notes each call, in order (optionally failing on one kind)."""

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


def test_gc_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
