"""The in-memory store's data (nodes and relationships in dicts, under one lock) and its write side: the rows are
derived from records as the Cypher stores derive them (graph.stores.records), lists are united and marks OR-ed the
same way, and relationships whose ends are absent are not written. graph.stores.memory_store reads it."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from graph import cypher
from graph.model import NodeRecord, RelRecord, WriteCounts
from graph.stores.records import list_row, new_node_row, new_rel_row, node_row, rel_row
from graph.vocabulary import NodeKind, Prop, RelType

_ID, _KIND, _STUB, _NAME = Prop.ID.value, Prop.KIND.value, Prop.STUB.value, Prop.NAME.value
_SEARCH_NAMES, _LOOKUP_KEYS = Prop.SEARCH_NAMES.value, Prop.LOOKUP_KEYS.value
_SEARCH_TEXT, _LOOKUP_TEXT = Prop.SEARCH_TEXT.value, Prop.LOOKUP_TEXT.value
_NODE_LISTS = tuple(p.value for p in cypher.NODE_LIST_PROPS)
_NODE_FLAGS = tuple(p.value for p in cypher.NODE_FLAG_PROPS)
_REL_LISTS = tuple(p.value for p in cypher.REL_LIST_PROPS)
_STATUS, _JUDGEMENT = Prop.STATUS.value, Prop.JUDGEMENT.value

#: A relationship's identity, as MERGE matches it: (type, id, source, target).
RelKey = tuple[RelType, str, str, str]


@dataclass
class StoredRel:
    """A stored relationship: its type, ends and properties (``id`` among them)."""

    type: RelType
    source: str
    target: str
    props: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.props.get(_ID))


def copied(props: dict[str, Any]) -> dict[str, Any]:
    """A copy whose lists are the caller's own (what a driver hands back is never the store's)."""
    return {k: list(v) if isinstance(v, list) else v for k, v in props.items()}


def _united(old: Any, new: Iterable[Any]) -> list[Any]:
    """coalesce(old, []) + [x IN new WHERE NOT x IN coalesce(old, [])], as the Cypher stores unite lists."""
    base = list(old or [])
    return base + [x for x in new if x not in base]


def _set_texts(props: dict[str, Any]) -> None:
    """The full-text fields, kept equal to the lists they index (each value preceded by a space)."""
    props[_SEARCH_TEXT] = "".join(" " + x for x in props.get(_SEARCH_NAMES) or [])
    props[_LOOKUP_TEXT] = "".join(" " + x for x in props.get(_LOOKUP_KEYS) or [])


class MemoryGraph:
    """Nodes (id -> properties) and relationships (RelKey -> StoredRel) with each node's relationships in write
    order, and the GraphWriter methods over them. Thread-safe: every method holds the one lock."""

    def __init__(self) -> None:
        self._nodes: dict[str, dict[str, Any]] = {}
        self._rels: dict[RelKey, StoredRel] = {}
        self._incident: dict[str, dict[RelKey, None]] = {}  # node id -> keys of its relationships, in write order
        self._lock = threading.RLock()

    def _clear_graph(self) -> None:
        with self._lock:
            self._nodes.clear()
            self._rels.clear()
            self._incident.clear()

    def ensure_schema(self) -> None:
        """Dicts need no indexes."""

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        counts = WriteCounts()
        with self._lock:
            for node_id, row in {r.id: node_row(r) for r in rows}.items():
                stored = self._nodes.get(node_id)
                if stored is None:
                    self._nodes[node_id] = {_ID: node_id, **new_node_row(row, kind)["props"]}
                    counts.nodes_created += 1
                else:
                    stored.update(row["scalars"])
                    stored[_KIND], stored[_STUB] = kind.value, False
                    self._unite(stored, row["lists"], row["flags"])
                counts.properties_set += len(self._nodes[node_id])
                counts.rows_written += 1
        return counts

    @staticmethod
    def _unite(stored: dict[str, Any], lists: dict[str, list[Any]], flags: dict[str, bool]) -> None:
        for key in _NODE_LISTS:
            stored[key] = _united(stored.get(key), lists.get(key) or [])
        for key in _NODE_FLAGS:
            stored[key] = bool(stored.get(key)) or bool(flags.get(key))
        _set_texts(stored)

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        counts = WriteCounts()
        with self._lock:
            for record in rows:
                row = rel_row(record)
                source, target = row["source"], row["target"]
                if source not in self._nodes or target not in self._nodes:
                    continue
                key: RelKey = (rel_type, row["id"], source, target)
                stored = self._rels.get(key)
                if stored is None:
                    props = new_rel_row(row)["props"]
                    self._rels[key] = StoredRel(rel_type, source, target, props)
                    self._incident.setdefault(source, {})[key] = None
                    self._incident.setdefault(target, {})[key] = None
                    counts.relationships_created += 1
                    counts.properties_set += len(props)
                else:
                    for name, value in row["scalars"].items():
                        if value is None:
                            stored.props.pop(name, None)
                        else:
                            stored.props[name] = value
                    for name in _REL_LISTS:
                        stored.props[name] = _united(stored.props.get(name), row["lists"].get(name) or [])
                    if stored.props.get(_JUDGEMENT):  # a judged SAME_AS keeps its status (cypher.KEEP_JUDGED_STATUS)
                        stored.props[_STATUS] = stored.props[_JUDGEMENT]
                    counts.properties_set += len(row["scalars"]) + len(_REL_LISTS)
                counts.rows_written += 1
        return counts

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        unique = list(dict.fromkeys(ids))
        counts = WriteCounts(rows_written=len(unique))
        with self._lock:
            for node_id in unique:
                if node_id not in self._nodes:
                    self._nodes[node_id] = {
                        _ID: node_id,
                        _KIND: NodeKind.LEGAL_ENTITY.value,
                        _NAME: node_id,
                        _STUB: True,
                        _SEARCH_NAMES: [],
                        _LOOKUP_KEYS: [],
                    }
                    counts.nodes_created += 1
        return counts

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        counts = WriteCounts()
        with self._lock:
            for node_id in dict.fromkeys(ids):
                if self._nodes.pop(node_id, None) is None:
                    continue
                for key in list(self._incident.pop(node_id, {})):
                    self._drop_rel(key)
                counts.rows_written += 1
        return counts

    def _drop_rel(self, key: RelKey) -> None:
        rel = self._rels.pop(key, None)
        if rel is not None:
            for end in (rel.source, rel.target):
                self._incident.get(end, {}).pop(key, None)

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        counts = WriteCounts()
        with self._lock:
            for node_id, values in rows:
                stored = self._nodes.get(node_id)
                if stored is None:
                    continue
                for prop in props:
                    value = values.get(prop)
                    if value is None:  # SET n.p = null removes p
                        stored.pop(prop.value, None)
                    else:
                        stored[prop.value] = list(value) if isinstance(value, tuple) else value
                counts.properties_set += len(props)
                counts.rows_written += 1
        return counts

    def add_to_node_lists(self, rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        if not rows:
            return WriteCounts()
        params = [list_row(node_id, values) for node_id, values in rows]  # refuses scalars before writing anything
        with self._lock:
            counts = WriteCounts(nodes_created=self.ensure_stubs([node_id for node_id, _ in rows]).nodes_created)
            for row in params:
                self._unite(self._nodes[row["id"]], row["lists"], row["flags"])
                counts.rows_written += 1
        return counts

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        wanted = set(ids)
        counts = WriteCounts()
        with self._lock:
            for key in [k for k in self._rels if k[1] in wanted]:
                self._drop_rel(key)
                counts.rows_written += 1
        return counts
