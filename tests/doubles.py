"""The test doubles of a store, all over the in-memory store (graph/stores/memory_store.py, which passes the store
contract suite): ``RecordingStore`` records every write call, for tests that check batching and order, and for the
load benchmark's per-record loader; ``RecordingReader`` records the calls made on a store (the dashboard's pages and
callbacks); ``HungStore`` hangs like a stopped server. Store behaviour (what is created, merged, refused, found) is
the memory store's, never re-implemented. ``graph_digest`` hashes all a store holds, to compare two loads.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from graph.model import Entity, NodeRecord, Relationship, RelRecord, WriteCounts
from graph.stores.base import GraphReader
from graph.stores.memory_store import MemoryStore
from graph.vocabulary import NodeKind, Prop, RelType


@dataclass(frozen=True)
class Call:
    """One write call: the method, the kind or relationship type it names ("" if none) and the ids it was given."""

    method: str
    name: str
    ids: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.ids)


class RecordingStore(MemoryStore):
    """A MemoryStore that keeps its write calls in order (``calls``) and every record it was given, as given
    (``node_records``, ``rel_records``, ``stub_ids``; repeats included): the rows a loader produced, before any
    merge. Calls the store makes to itself (add_to_node_lists making stubs) are not recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.node_records: list[NodeRecord] = []
        self.rel_records: list[RelRecord] = []
        self.stub_ids: list[str] = []
        #: the last record given for each id (nodes), and for each relationship id whose ends were in the store;
        #: deletes take them out again
        self.nodes: dict[str, NodeRecord] = {}
        self.rels: dict[str, RelRecord] = {}
        self._inner = 0

    def _record(self, method: str, name: str, ids: Sequence[str]) -> None:
        if not self._inner:
            self.calls.append(Call(method, name, tuple(ids)))

    def ensure_schema(self) -> None:
        self._record("ensure_schema", "", ())
        super().ensure_schema()

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        self._record("upsert_nodes", kind.value, [r.id for r in rows])
        self.node_records += rows
        self.nodes.update({r.id: r for r in rows})
        return super().upsert_nodes(kind, rows)

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        self._record("upsert_relationships", rel_type.value, [r.id for r in rows])
        self.rel_records += rows
        known = self.get_entities([end for r in rows for end in (r.source, r.target)])
        ids = {e.id for e in known}
        self.rels.update({r.id: r for r in rows if r.source in ids and r.target in ids})
        return super().upsert_relationships(rel_type, rows)

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        self._record("ensure_stubs", "", ids)
        if not self._inner:
            self.stub_ids += ids
        return super().ensure_stubs(ids)

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        self._record("delete_nodes", "", ids)
        gone = set(ids)
        for node_id in gone:
            self.nodes.pop(node_id, None)
        self.rels = {k: r for k, r in self.rels.items() if r.source not in gone and r.target not in gone}
        return super().delete_nodes(ids)

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        self._record("set_node_properties", ",".join(p.value for p in props), [i for i, _ in rows])
        return super().set_node_properties(props, rows)

    def add_to_node_lists(self, rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        self._record("add_to_node_lists", "", [i for i, _ in rows])
        self._inner += 1
        try:
            return super().add_to_node_lists(rows)
        finally:
            self._inner -= 1

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        self._record("delete_relationships", "", ids)
        for rel_id in ids:
            self.rels.pop(rel_id, None)
        return super().delete_relationships(ids)

    # --- views for assertions ----------------------------------------------------------------------------------
    def writes(self, method: str) -> list[Call]:
        """The recorded calls of one method, in order."""
        return [c for c in self.calls if c.method == method]

    def of_kind(self, kind: NodeKind) -> list[NodeRecord]:
        """The last record given for each node of one kind."""
        return [n for n in self.nodes.values() if n.kind is kind]

    def of_type(self, rel_type: RelType) -> list[RelRecord]:
        """The last record given for each written relationship of one type."""
        return [r for r in self.rels.values() if r.type is rel_type]

    def rel(self, rel_type: RelType, source: str, target: str) -> list[RelRecord]:
        """The last record given for each written relationship of one type from ``source`` to ``target``."""
        return [r for r in self.of_type(rel_type) if (r.source, r.target) == (source, target)]

    @property
    def upserts(self) -> int:
        """How many upsert calls (of nodes or relationships) were made."""
        return len(self.writes("upsert_nodes")) + len(self.writes("upsert_relationships"))

    def last_node_record(self, node_id: str) -> NodeRecord:
        """The last record given for a node id (what the loader produced, before any merge)."""
        for record in reversed(self.node_records):
            if record.id == node_id:
                return record
        raise KeyError(node_id)


def memory_store_of(entities: Iterable[Entity], relationships: Iterable[Relationship]) -> MemoryStore:
    """A memory store holding these entities and relationships (properties as they are; ``id`` is the key)."""
    store = MemoryStore()
    store.ensure_schema()
    nodes: dict[NodeKind, list[NodeRecord]] = defaultdict(list)
    for e in entities:
        nodes[e.kind].append(NodeRecord(e.id, e.kind, {Prop(k): v for k, v in e.properties.items() if k != "id"}))
    for kind, node_rows in nodes.items():
        store.upsert_nodes(kind, node_rows)
    rels: dict[RelType, list[RelRecord]] = defaultdict(list)
    for r in relationships:
        props = {Prop(k): v for k, v in r.properties.items() if k != "id"}
        rels[r.type].append(RelRecord(r.id, r.type, r.source, r.target, props))
    for rel_type, rel_rows in rels.items():
        store.upsert_relationships(rel_type, rel_rows)
    return store


def graph_digest(store: GraphReader) -> str:
    """A digest of every entity and relationship with its properties (order-free): equal for two stores that hold
    the same graph, whatever order it was written in."""
    rows: list[str] = []
    for batch in store.iter_entities():
        rows += [json.dumps([e.id, e.kind.value, e.properties], sort_keys=True, default=str) for e in batch]
    for rels in store.iter_relationships():
        rows += [json.dumps([r.id, r.type.value, r.source, r.target, r.properties], sort_keys=True) for r in rels]
    return hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()


#: The arguments recorded in ``RecordingReader.calls`` beside the method's name, per read method (any other
#: method is recorded by its name alone); every argument of every call is in ``RecordingReader.log``.
CHECKED_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "search": ("text", "limit"),
    "get_entity": ("entity_id",),
    "neighbourhood": ("entity_id", "hops"),
    "shortest_path": ("source_id", "target_id", "max_hops", "types"),
    "shortest_paths": ("source_id", "target_id", "k", "max_hops", "types"),
    "links": ("ids",),
    "count_links": ("ids",),
}


@dataclass(frozen=True)
class ReadCall:
    """One call through a RecordingReader: the method and every argument by name (defaults filled in; lists as
    tuples)."""

    method: str
    args: dict[str, Any]

    @property
    def checked(self) -> tuple[Any, ...]:
        """(method, *the arguments CHECKED_ARGUMENTS names for it)."""
        return (self.method, *(self.args[a] for a in CHECKED_ARGUMENTS.get(self.method, ())))


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list | tuple) else value


class RecordingReader:
    """A store (by default a memory store) seen through one recorder: every method called on it is recorded in
    order (``log``: ReadCall; ``calls``: their ``checked`` tuples, e.g. ``("neighbourhood", "p-ri", 2)``) before the
    store answers. ``fail``: every call raises it instead. ``without``: methods the store is taken not to have (a
    store from before them), as ``getattr(store, name, None)`` sees it."""

    def __init__(self, store: Any, without: Iterable[str] = ()) -> None:
        self.store = store
        self.without = frozenset(without)
        self.log: list[ReadCall] = []
        self.fail: Exception | None = None

    @classmethod
    def of(
        cls, entities: Iterable[Entity], relationships: Iterable[Relationship], without: Iterable[str] = ()
    ) -> RecordingReader:
        """A recorder over a memory store holding these entities and relationships."""
        return cls(memory_store_of(entities, relationships), without)

    @property
    def calls(self) -> list[tuple[Any, ...]]:
        return [c.checked for c in self.log]

    def calls_except(self, *methods: str) -> list[tuple[Any, ...]]:
        """``calls`` without those of ``methods``."""
        return [c.checked for c in self.log if c.method not in methods]

    def clear(self) -> None:
        """Forget the calls recorded so far."""
        self.log.clear()

    def args(self, method: str) -> list[dict[str, Any]]:
        """Every argument of each recorded call of ``method``, in order."""
        return [c.args for c in self.log if c.method == method]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in self.without:
            raise AttributeError(name)
        target = getattr(self.store, name)
        if not callable(target):
            return target
        signature = inspect.signature(target)

        @functools.wraps(target)  # named as the store's method (graph.Remembered keys answers by it)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            self.log.append(ReadCall(name, {k: _frozen(v) for k, v in bound.arguments.items()}))
            if self.fail is not None:
                raise self.fail
            return target(*args, **kwargs)

        return recorded


class HungStore(MemoryStore):
    """A memory store whose methods named in ``hung`` (``get_entity``, ``iter_entities``) hang like a stopped server
    until ``release`` is set (30 s at most), then answer; ``iter_entities`` when its first batch is read, as a
    streamed result does. The other methods answer at once."""

    def __init__(self, *hung: str) -> None:
        super().__init__()
        self.hung = frozenset(hung)
        self.release = threading.Event()

    def _hang(self, method: str) -> None:
        if method in self.hung:
            self.release.wait(30)

    def get_entity(self, entity_id: str) -> Entity:
        self._hang("get_entity")
        return super().get_entity(entity_id)

    def iter_entities(self, batch_size: int = 10_000) -> Iterator[list[Entity]]:
        self._hang("iter_entities")
        yield from super().iter_entities(batch_size)
