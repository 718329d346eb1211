"""The per-record part of an FtM load that needs no state across records: a node's properties and link edges, an
edge entity's edges. The one-process load calls these functions as it reads; with ``--workers N`` the parsing
processes run ``prepare_line`` on their lines and the loading process applies the results in file order
(loaders.sources.ftm.load), so both give the same records, rejects, notes and line numbers.

``prepare_line`` prepares only the common lines (a plain entity line of a node schema or an edge schema); any other
line (a delta operation, a Sanction or Identification, a skipped schema, a line orjson refuses, a line that fails in
any way) goes back as it is, and the loading process reads it the one-process way, rejects included."""

from __future__ import annotations

import functools
import pickle
import re
from collections.abc import Iterable
from typing import Any

import orjson
from followthemoney.schema import Schema

from graph import EDGE_SCHEMATA, EXPORT_EDGES, NUMERIC_REL_PROPS, TRANSFER_MARK, EdgeMap, NodeKind, Prop, RelType
from loaders.framework import BadRecord
from loaders.framework.context import values_fine
from loaders.framework.guard import InputLimits
from loaders.sources.ftm.nodes import common, compact, identifiers, links, names, read_number, scalars, wallet
from loaders.sources.ftm.properties import ALL_NODE_PROPS, kind_of
from loaders.sources.ftm.records import Edge, Entity, Notes, PackedEdge, pack_edges, validate

#: What a parsing process sends for a line (the first element says which):
#: (NODE, notes, FtM id, node id, kind, schema name, name, props keyed by text, packed link edges or None, whether
#: values_fine found its values fine)
NODE = 1
#: (EDGES, notes, FtM id, the pickle of (True, packed edges) as the load keeps them; each edge with whether
#: values_fine found its id and values fine)
EDGES = 2
#: (RAW, the line's bytes): read by the loading process the one-process way
RAW = 3
Prepared = tuple[Any, ...]

_TEXT: dict[str, str] = {p: p.value for p in Prop}


class NoteList(list[str]):
    """Notes kept in order, for the loading process to replay (a parsing process has no report)."""

    def note(self, key: str, n: int = 1) -> None:
        self.extend([key] * n)


def check_props(entity: Entity, known: frozenset[str] | set[str], notes: Notes) -> None:
    for name in entity.props:
        if name not in known:
            notes.note(f"unmapped property (ignored): {entity.schema.name}:{name}")


def node_props(entity: Entity, kind: NodeKind, notes: Notes) -> tuple[str, str, dict[Prop, Any]]:
    """A node's id, name and properties (not compacted: the loading process merges waiting attachments first)."""
    props: dict[Prop, Any] = {}
    node_id = wallet(entity, props, notes) if kind is NodeKind.WALLET else entity.id
    name = names(entity, kind, props)
    common(entity, props)
    if kind is NodeKind.WALLET:  # the FtM records it was read from, not its own node id (an export's FtM id)
        props[Prop.SOURCE_IDS] = [i for i in props[Prop.SOURCE_IDS] if i != node_id]
    scalars(entity, kind, props, notes)
    identifiers(entity, props)
    check_props(entity, ALL_NODE_PROPS, notes)
    return node_id, name, props


def edges_of(entity: Entity, spec: EdgeMap, replace: bool, notes: Notes) -> list[Edge]:
    """The edges of an FtM edge entity (several when a property holds several ends: ids ``<id>.<n>``)."""
    schema = entity.schema
    source_prop, target_prop = schema.edge_source, schema.edge_target
    assert source_prop is not None and target_prop is not None  # EDGE_SCHEMATA are FtM edges (tested)
    values = entity.props  # each property's values are already distinct
    sources, targets = values.get(source_prop), values.get(target_prop)
    if not sources or not targets:
        missing = source_prop if not sources else target_prop
        raise BadRecord(missing, f"missing edge end: {schema.name} needs {source_prop} and {target_prop}")
    provenance: dict[Prop, Any] = {
        Prop.DATASETS: entity.datasets,
        Prop.SOURCE_IDS: [entity.id, *entity.referents],
    }
    props = _edge_props(entity, spec.props.items(), provenance, notes)
    transfer: dict[Prop, Any] | None = None
    if spec.rel_type is RelType.PAID and values.get(TRANSFER_MARK):
        # read as TRANSFERRED at the end of the load if both ends are wallets (Load.finish)
        transfer = as_transfer(_edge_props(entity, TRANSFER_PROPS, provenance, notes))
    known = _edge_props_known(schema)
    if not known.issuperset(values):
        for name in values:
            if name not in known:
                notes.note(f"unmapped property (ignored): {schema.name}:{name}")
    key = entity.id
    clear = frozenset(spec.props.values()) if replace else frozenset()
    if len(sources) == 1 and len(targets) == 1:
        source, target = (targets[0], sources[0]) if spec.reverse else (sources[0], targets[0])
        return [Edge(key, spec.rel_type, source, target, key, props, clear, transfer)]
    pairs = [(s, t) for s in sources for t in targets]
    edges = []
    for n, (source, target) in enumerate(pairs):
        if spec.reverse:
            source, target = target, source
        edge_id = key if len(pairs) == 1 else f"{key}.{n + 1}"
        copied = dict(transfer) if transfer is not None else None
        edges.append(Edge(key, spec.rel_type, source, target, edge_id, dict(props), clear, copied))
    return edges


def _edge_props(
    entity: Entity, mapping: Iterable[tuple[str, Prop]], provenance: dict[Prop, Any], notes: Notes
) -> dict[Prop, Any]:
    """The relationship properties of an edge entity by ``mapping`` (FtM property -> vocabulary property; the first
    FtM property read into a vocabulary property wins), after its provenance."""
    props = dict(provenance)
    for name, prop in mapping:
        found = entity.props.get(name)
        if not found or prop in props:
            continue
        if prop in NUMERIC_REL_PROPS:
            number = read_number(found[0])
            if number is None:
                notes.note(f"unreadable numbers (dropped): {entity.schema.name}:{name}")
                continue
            props[prop] = number
        else:
            props[prop] = "; ".join(found)
    return props


@functools.cache
def _edge_props_known(schema: Schema) -> frozenset[str]:
    """The properties of an edge schema (one of EDGE_SCHEMATA) the mapping uses or ignores, its ends included."""
    spec = EDGE_SCHEMATA[schema.name]
    return frozenset({*spec.props, *spec.ignored, schema.edge_source or "", schema.edge_target or ""})


def prepare_line(raw: bytes, dataset: str, limits: InputLimits) -> Prepared | None:
    """In a parsing process: a line's node or edges (NODE, EDGES), or the line back (RAW) for the loading process
    to read the one-process way; None for a blank line. The records' values are checked here (values_fine) so that
    the loading process need not check them again."""
    if not raw.strip():
        return None
    try:
        data = orjson.loads(raw)
        if type(data) is not dict or "op" in data:
            return (RAW, raw)
        notes = NoteList()
        entity = validate(data, dataset, notes)
        schema = entity.schema
        spec = EDGE_SCHEMATA.get(schema.name)
        if spec is not None:
            edges = edges_of(entity, spec, False, notes)
            for edge in edges:
                edge.checked = (
                    edge.rel_id is not None
                    and values_fine(edge.rel_id, edge.props, limits)
                    and (edge.transfer is None or values_fine(edge.rel_id, edge.transfer, limits))
                )
            kept = pickle.dumps((True, pack_edges(edges)), pickle.HIGHEST_PROTOCOL)
            return (EDGES, notes or None, entity.id, kept)
        if schema.is_a("Sanction") or schema.is_a("Identification"):
            return (RAW, raw)
        kind = kind_of(schema)
        if kind is None:
            return (RAW, raw)
        node_id, name, props = node_props(entity, kind, notes)
        text = _TEXT
        link_edges: list[PackedEdge] | None = pack_edges(links(entity)) or None
        plain = {text[k]: v for k, v in props.items()}
        checked = values_fine(node_id, compact(props), limits)
        return (NODE, notes or None, entity.id, node_id, kind.value, schema.name, name, plain, link_edges, checked)
    except Exception:  # whatever fails is read again by the loading process, which says what
        return (RAW, raw)


# --- Payments read as transfers ---------------------------------------------------------------------------------
#: How a Payment reads as TRANSFERRED: the inverse of the export's table (the asset lower case, as the transfer
#: loaders write it; the date a UTC timestamp).
TRANSFER_PROPS: tuple[tuple[str, Prop], ...] = tuple(
    (name, prop) for prop, name in EXPORT_EDGES[RelType.TRANSFERRED].props
)
TRANSFER_CLEAR = frozenset(prop for _, prop in TRANSFER_PROPS)


def as_transfer(props: dict[Prop, Any]) -> dict[Prop, Any]:
    asset, timestamp = props.get(Prop.ASSET), props.get(Prop.TIMESTAMP)
    if isinstance(asset, str):
        props[Prop.ASSET] = asset.lower()
    if isinstance(timestamp, str) and "T" in timestamp and not _ZONED.search(timestamp):
        props[Prop.TIMESTAMP] = timestamp + "Z"  # FtM dates are UTC without a zone
    return props


_ZONED = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
