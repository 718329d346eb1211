"""The records of a load: where a line came from, a validated FtM entity, and what the load remembers of nodes,
edges and Sanction/Identification attachments until the end."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Protocol

from followthemoney import model as ftm_model
from followthemoney.schema import Schema

from graph import NodeKind, Prop, RelType
from loaders.framework import BadRecord
from loaders.sources.ftm.properties import ALL_ENTITY_KEYS, ENTITY_KEYS_KEPT_AS_SCALARS

_RAW_LIMIT = 1000


class Notes(Protocol):
    """Where a record's notes go: the load's context, or in a parsing process a list the loading process replays."""

    def note(self, key: str, n: int = 1) -> None: ...


class Line:
    """Where a record came from; its text (for the rejects file) is decoded only when asked for."""

    __slots__ = ("_data", "file", "number")

    def __init__(self, file: str, number: int, data: bytes) -> None:
        self.file = file
        self.number = number
        self._data = data

    @property
    def raw(self) -> str:
        return self._data.decode("utf-8", "backslashreplace").removeprefix("\ufeff").strip()[:_RAW_LIMIT]


@dataclass(slots=True)
class Entity:
    """A validated FtM entity."""

    id: str
    schema: Schema
    props: dict[str, list[str]]
    caption: str | None
    datasets: list[str]
    referents: list[str]
    target: bool
    seen: dict[Prop, str]

    def first(self, name: str) -> str | None:
        values = self.props.get(name)
        return values[0] if values else None

    def values(self, *names: str) -> list[str]:
        """The values of the named properties, in order, without repeats."""
        if len(names) == 1:
            return list(self.props.get(names[0], ()))  # already without repeats
        out: list[str] = []
        for name in names:
            for v in self.props.get(name, ()):
                if v not in out:
                    out.append(v)
        return out


@dataclass(slots=True)
class Node:
    """What the load remembers of an emitted node, to add designations to it later and to resolve edge ends."""

    node_id: str
    kind: NodeKind
    schema: Schema
    name: str


@dataclass(slots=True)
class Edge:
    key: str  # the FtM record that says it (an edge entity, or the node whose link property it is)
    rel_type: RelType
    source: str  # FtM ids, resolved to node ids at the end
    target: str
    rel_id: str | None  # None: derived from the resolved ends
    props: dict[Prop, Any] = field(default_factory=dict)
    clear: frozenset[Prop] = frozenset()  # a MOD's edge: scalars a stored relationship loses when absent here
    transfer: dict[Prop, Any] | None = None  # a Payment naming a transaction: its props as TRANSFERRED (wallet ends)
    checked: bool = False  # its id and properties (both versions) found fine by values_fine (a parsing process)


#: An Edge as the load keeps it on disk (loaders.framework.spool): plain values only (an enum member pickles about
#: ten times slower than its text).
PackedEdge = tuple[str, str, str, str, str | None, dict[str, Any], tuple[str, ...], dict[str, Any] | None, bool]
_PROPS: dict[str, Prop] = {p.value: p for p in Prop}


def _plain(props: dict[Prop, Any]) -> dict[str, Any]:
    # each name's one string object (a dict lookup; ``.value`` goes through the enum's descriptor, str() copies);
    # a comprehension: twice as fast as dict(zip(map(...), ..., strict=True))
    text = _TEXT
    return {text[k]: v for k, v in props.items()}


def _vocabulary(props: dict[str, Any]) -> dict[Prop, Any]:
    names = _PROPS
    return {names[k]: v for k, v in props.items()}


_REL_TYPES: dict[str, RelType] = {t.value: t for t in RelType}
_TEXT: dict[str, str] = {p: p.value for p in Prop}


def pack_edges(edges: list[Edge]) -> list[PackedEdge]:
    return [
        (
            e.key,
            str(e.rel_type),
            e.source,
            e.target,
            e.rel_id,
            _plain(e.props),
            tuple(map(_TEXT.__getitem__, e.clear)) if e.clear else (),
            None if e.transfer is None else _plain(e.transfer),
            e.checked,
        )
        for e in edges
    ]


def unpack_edges(packed: list[PackedEdge]) -> list[Edge]:
    props, rel_types = _PROPS, _REL_TYPES
    return [
        Edge(
            key,
            rel_types[rel_type],
            source,
            target,
            rel_id,
            _vocabulary(values),
            frozenset(map(props.__getitem__, clear)) if clear else frozenset(),
            None if transfer is None else _vocabulary(transfer),
            checked,
        )
        for key, rel_type, source, target, rel_id, values, clear, transfer, checked in packed
    ]


@dataclass(slots=True)
class Attachment:
    """What a Sanction or Identification adds to one entity, waiting for it or applied to it."""

    record_id: str
    subject: str
    subject_field: str
    props: dict[Prop, Any]
    line: Line
    applied: bool = False


def validate(data: dict[str, Any], dataset: str, ctx: Notes) -> Entity:
    """A validated entity of an entity line; BadRecord naming the field when it is not one."""
    entity_id = data.get("id")
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise BadRecord("id", "missing id: every FtM entity needs a string id")
    schema_name = data.get("schema")
    if not isinstance(schema_name, str) or not schema_name:
        raise BadRecord("schema", "missing schema")
    schema = schema_named(schema_name)
    if schema is None:
        raise BadRecord("schema", f"unknown schema: {schema_name}")
    if schema.abstract:
        raise BadRecord("schema", f"abstract schema: {schema_name} cannot have entities")
    raw_props = data.get("properties", {})
    if not isinstance(raw_props, dict):
        raise BadRecord("properties", "not an object: properties must map names to lists of strings")
    known = schema.properties  # by name, inherited ones too
    props: dict[str, list[str]] = {}
    for name, values in raw_props.items():
        if type(values) is not list:
            raise _not_strings(name)
        if len(values) == 1:  # the common case, without the general loop
            value = values[0]
            if type(value) is not str:
                raise _not_strings(name)
            if name not in known:
                ctx.note(f"unknown property (ignored): {schema.name}:{name}")
            elif (stripped := value.strip()) is value:  # nothing to strip (the same string): the list as it is
                if value:
                    props[name] = values
            elif stripped:
                props[name] = [stripped]
            continue
        if not all(type(v) is str for v in values):
            raise _not_strings(name)
        if name not in known:
            ctx.note(f"unknown property (ignored): {schema.name}:{name}")
            continue
        cleaned = [v for v in (v.strip() for v in values) if v]
        if cleaned:
            props[name] = list(dict.fromkeys(cleaned))
    if not ALL_ENTITY_KEYS.issuperset(data):
        for key in data:
            if key not in ALL_ENTITY_KEYS:
                ctx.note(f"unknown top-level field (ignored): {key}")
    datasets = _string_list(data, "datasets") or [dataset]
    referents = _string_list(data, "referents")
    target = data.get("target", False)
    if not isinstance(target, bool):
        raise BadRecord("target", "not a boolean: target must be true or false")
    caption = data.get("caption")
    seen: dict[Prop, str] = {}
    for key, prop_name in ENTITY_KEYS_KEPT_AS_SCALARS.items():
        value = data.get(key)
        if isinstance(value, str) and value:
            seen[prop_name] = value
    return Entity(
        id=entity_id.strip(),
        schema=schema,
        props=props,
        caption=caption.strip() if isinstance(caption, str) and caption.strip() else None,
        datasets=datasets,
        referents=referents,
        target=target,
        seen=seen,
    )


@functools.cache
def schema_named(name: str) -> Schema | None:
    """The FtM schema of that name (the model's lookup, remembered: a few dozen names)."""
    return ftm_model.get(name)


def _not_strings(name: str) -> BadRecord:
    return BadRecord(name, f"not a list of strings: {name} (FtM writes every value, numbers too, as strings)")


def _string_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if type(value) is list and len(value) == 1 and type(value[0]) is str:  # the common case, without the loops
        return value if value[0] else []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRecord(key, f"not a list of strings: {key}")
    return [v for v in value if v]
