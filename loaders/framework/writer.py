"""The background writer: node and relationship batches written by worker threads while the source parses."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from graph import GraphWriter, NodeKind, NodeRecord, Prop, RelRecord, RelType, WriteCounts


@dataclass
class _Queued:
    future: Future[WriteCounts]
    done: Callable[[WriteCounts], None]
    nodes: bool  # a node batch (relationship batches wait for every one of these)
    ids: frozenset[str]  # the batch's ids, when batches may run side by side


class BackgroundWriter:
    """A GraphWriter whose node and relationship upserts may be queued (``submit_*``) to worker threads, run while
    the caller goes on; every other call first waits for what is queued, so writes keep their order.
    Results come back on the caller's thread (``done`` callbacks, in submission order), at most ``depth`` batches
    behind.

    With ``workers`` > 1 (the store's ``write_workers``: Neo4j runs each transaction on one thread, so two let it
    use two cores) batches run side by side unless they must not: a batch waits for queued batches holding one of
    its ids, and a relationship batch for every queued node batch (its ends must be written first). Side-by-side
    relationship batches may lock the same nodes; Neo4j resolves a deadlock by failing one transaction as transient
    and the store retries it."""

    def __init__(self, writer: GraphWriter, depth: int = 2, workers: int = 1) -> None:
        self.writer = writer
        self.write_workers = max(1, workers)
        self._depth = max(depth, self.write_workers + 1)
        self._pool = ThreadPoolExecutor(max_workers=self.write_workers, thread_name_prefix="load-writer")
        self._pending: deque[_Queued] = deque()

    def submit_nodes(self, kind: NodeKind, rows: list[NodeRecord], done: Callable[[WriteCounts], None]) -> None:
        ids = self._ids(rows)
        self._wait_while(lambda q: not q.ids.isdisjoint(ids))
        self._submit(self._pool.submit(self.writer.upsert_nodes, kind, rows), done, True, ids)

    def submit_relationships(
        self, rel_type: RelType, rows: list[RelRecord], done: Callable[[WriteCounts], None]
    ) -> None:
        ids = self._ids(rows)
        self._wait_while(lambda q: q.nodes or not q.ids.isdisjoint(ids))
        self._submit(self._pool.submit(self.writer.upsert_relationships, rel_type, rows), done, False, ids)

    def _ids(self, rows: Sequence[NodeRecord] | Sequence[RelRecord]) -> frozenset[str]:
        return frozenset(r.id for r in rows) if self.write_workers > 1 else frozenset()

    def _wait_while(self, conflicts: Callable[[_Queued], bool]) -> None:
        if self.write_workers > 1:
            while any(conflicts(q) for q in self._pending):
                self._collect()

    def _submit(
        self, future: Future[WriteCounts], done: Callable[[WriteCounts], None], nodes: bool, ids: frozenset[str]
    ) -> None:
        self._pending.append(_Queued(future, done, nodes, ids))
        while len(self._pending) > self._depth:
            self._collect()

    def _collect(self) -> None:
        queued = self._pending.popleft()
        queued.done(queued.future.result())  # a failed write raises here, on the caller's thread

    def drain(self) -> None:
        """Wait for every queued write (raising the first failure)."""
        while self._pending:
            self._collect()

    def close(self) -> None:
        """Let queued writes finish (on an error path, their results are dropped) and stop the threads."""
        self._pool.shutdown(wait=True)
        self._pending.clear()

    # --- GraphWriter: in order after the queued writes ---------------------------------------------------------
    def ensure_schema(self) -> None:
        self.drain()
        self.writer.ensure_schema()

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        self.drain()
        return self.writer.upsert_nodes(kind, rows)

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        self.drain()
        return self.writer.upsert_relationships(rel_type, rows)

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        self.drain()
        return self.writer.ensure_stubs(ids)

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        self.drain()
        return self.writer.delete_nodes(ids)

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        self.drain()
        return self.writer.set_node_properties(props, rows)

    def add_to_node_lists(self, rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        self.drain()
        return self.writer.add_to_node_lists(rows)

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        self.drain()
        return self.writer.delete_relationships(ids)
