"""The state of one FtM load across its files: entities to nodes and edges, Sanction/Identification attachments,
delta operations in order, and the end of the load (edge ends resolved, stubs, attachments applied)."""

from __future__ import annotations

import functools
import pickle
import re
from pathlib import Path
from typing import Any

import orjson
from followthemoney import model as ftm_model
from followthemoney.exc import InvalidData
from followthemoney.schema import Schema

from graph import (
    EDGE_SCHEMATA,
    TRANSFER_MARK,
    Designation,
    NodeKind,
    NodeRecord,
    Prop,
    RelRecord,
    RelType,
    rel_id,
)
from loaders.framework import BadRecord, LoadContext
from loaders.framework.parallel import DEFAULT_CHUNK_BYTES, ParallelLines, splittable
from loaders.framework.spool import SpooledMap
from loaders.sources.ftm.nodes import compact, links, merge
from loaders.sources.ftm.prepare import (
    EDGES,
    NODE,
    TRANSFER_CLEAR,
    check_props,
    edges_of,
    node_props,
    prepare_line,
)
from loaders.sources.ftm.properties import (
    DELTA_OPS,
    IDENTIFICATION_IGNORED,
    IDENTIFICATION_PROPS,
    MOD_REPLACED_PROPS,
    SANCTION_IGNORED,
    SANCTION_PROPS,
    kind_of,
)
from loaders.sources.ftm.reading import check_first_line, raw_lines, slow_decode
from loaders.sources.ftm.records import (
    Attachment,
    Edge,
    Entity,
    Line,
    Node,
    PackedEdge,
    pack_edges,
    schema_named,
    unpack_edges,
    validate,
)

_MAX_EXAMPLES = 5
_KINDS: dict[str, NodeKind] = {k.value: k for k in NodeKind}
_PROPS: dict[str, Prop] = {p.value: p for p in Prop}


class Load:
    """The state of one load across all its files."""

    def __init__(
        self, ctx: LoadContext, dataset: str, *, workers: int = 1, chunk_bytes: int = DEFAULT_CHUNK_BYTES
    ) -> None:
        self.ctx = ctx
        self.dataset = dataset
        self.workers = workers  # processes parsing a plain file's lines (1: this one alone)
        self.chunk_bytes = chunk_bytes
        self.nodes: dict[str, Node] = {}
        # the edges of each record, on disk until the end of the load (a load's memory does not grow with its
        # links): (whether the record is an FtM edge entity rather than a node with link properties, its edges)
        self.edges: SpooledMap[tuple[bool, list[PackedEdge]]] = SpooledMap()
        self.by_end: dict[str, set[str]] | None = None  # built when a delta deletes a node (_ends_index)
        self.attachments: dict[str, list[Attachment]] = {}  # by the Sanction/Identification's FtM id
        self.waiting: dict[str, list[Attachment]] = {}  # by the FtM id of the entity they wait for
        self.not_nodes: set[str] = set()  # records that are no graph nodes: attachments, skipped (edges: edges)

    # --- reading --------------------------------------------------------------------------------------------------
    def read_file(self, path: Path) -> None:
        if self.workers > 1 and splittable(path, self.chunk_bytes):
            self._read_in_parallel(path)
            return
        file = str(path)
        for number, raw in raw_lines(path, self.ctx):
            self._line(file, number, raw)

    def _line(self, file: str, number: int, raw: bytes) -> None:
        """One line, the one-process way."""
        if not raw.strip():
            return
        self.ctx.record_read()
        line = Line(file, number, raw)
        try:
            # the fast path: orjson reads (and checks the UTF-8 of) well-formed lines; anything it refuses
            # takes the slow path, whose messages say what is wrong
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError:
                data = slow_decode(raw, line)
            self._data(data, line)
        except BadRecord as bad:
            self.ctx.reject(file, number, bad.field, bad.reason, line.raw)

    def _read_in_parallel(self, path: Path) -> None:
        """The lines prepared by ``self.workers`` parsing processes (prepare.prepare_line), applied here in file
        order: nodes and edges as the one-process load applies them, any other line read the one-process way."""
        file, ctx = str(path), self.ctx
        cap = ctx.limits.line_bytes
        check_first_line(path, cap)
        record_read, note, nodes, schema_of, kinds = ctx.record_read, ctx.note, self.nodes, schema_named, _KINDS
        props_of = _PROPS
        prepare = functools.partial(prepare_line, dataset=self.dataset, limits=ctx.limits)
        with ParallelLines(path, prepare, workers=self.workers, line_bytes=cap, chunk_bytes=self.chunk_bytes) as lines:
            for number, offset, prepared in lines:
                if isinstance(prepared, str):  # TOO_LONG
                    ctx.reject(file, number, None, f"line too long: over {cap:,} bytes", "")
                    continue
                what = prepared[0]
                if what == EDGES:
                    _, notes, key, kept = prepared
                    record_read()
                    if notes:
                        for key_ in notes:
                            note(key_)
                    if self.by_end is None:
                        self.edges.set_pickled(key, kept)  # (as _set_edges: an edge entity has at least one edge)
                    else:
                        self._set_edges(key, pickle.loads(kept)[1], edge_entity=True)
                elif what == NODE:
                    _, notes, entity_id, node_id, kind, schema_name, name, plain, link_edges, checked = prepared
                    schema = schema_of(schema_name)
                    previous = nodes.get(entity_id)
                    if schema is None or (previous is not None and previous.schema is not schema):
                        self._line(file, number, lines.line_at(offset))  # a schema change: the one-process way
                        continue
                    record_read()
                    if notes:
                        for key_ in notes:
                            note(key_)
                    props = {props_of[k]: v for k, v in plain.items()}
                    kind_ = kinds[kind]
                    self._emit_node(entity_id, node_id, kind_, schema, name, props, link_edges or [], checked=checked)
                else:
                    self._line(file, number, prepared[1])

    def _data(self, data: Any, line: Line) -> None:
        if not isinstance(data, dict):
            raise BadRecord(None, "not a JSON object: each line must be one FtM entity")
        if "op" not in data:
            self._entity(data, line)
            return
        op = data["op"]
        if op not in DELTA_OPS:
            raise BadRecord("op", f"unknown op: {op!r} (ADD, MOD or DEL)")
        for key in data:
            if key not in ("op", "entity"):
                self.ctx.note(f"unknown delta field (ignored): {key}")
        entity = data.get("entity")
        if not isinstance(entity, dict):
            raise BadRecord("entity", "missing entity: a delta line carries an 'entity' object")
        if op == "DEL":
            entity_id = entity.get("id")
            if not isinstance(entity_id, str) or not entity_id.strip():
                raise BadRecord("id", "missing id: a DEL names the entity to delete")
            self._delete(entity_id.strip())
        else:
            self._entity(entity, line, replace=op == "MOD")
        self.ctx.note(f"delta {op}")

    def _entity(self, data: dict[str, Any], line: Line, replace: bool = False) -> None:
        entity = validate(data, self.dataset, self.ctx)
        name = entity.schema.name
        if name in EDGE_SCHEMATA:
            self._set_edges(entity.id, pack_edges(edges_of(entity, EDGE_SCHEMATA[name], replace, self.ctx)), True)
        elif entity.schema.is_a("Sanction"):
            self._sanction(entity, line)
        elif entity.schema.is_a("Identification"):
            self._identification(entity, line)
        else:
            kind = kind_of(entity.schema)
            if kind is None:
                self.ctx.note(f"skipped schema (not in the graph vocabulary): {name}")
                self.not_nodes.add(entity.id)
                return
            self._node(entity, kind, replace)

    # --- nodes ----------------------------------------------------------------------------------------------------
    def _node(self, entity: Entity, kind: NodeKind, replace: bool = False) -> None:
        previous = self.nodes.get(entity.id)
        schema = entity.schema
        if previous is not None and previous.schema is not schema:
            try:
                schema = ftm_model.common_schema(previous.schema, schema)
            except InvalidData:
                self.ctx.note("entities whose schema changed between records (the later one kept)")
            kind = kind_of(schema) or kind
        node_id, name, props = node_props(entity, kind, self.ctx)
        self._emit_node(entity.id, node_id, kind, schema, name, props, pack_edges(links(entity)), replace)

    def _emit_node(
        self,
        entity_id: str,
        node_id: str,
        kind: NodeKind,
        schema: Schema,
        name: str,
        props: dict[Prop, Any],
        link_edges: list[PackedEdge],
        replace: bool = False,
        checked: bool = False,
    ) -> None:
        """A node's record, after the attachments waiting for it; its link edges replace what it said before.
        ``checked``: a parsing process found its values fine (values_fine), before any attachment was merged."""
        waiting = self.waiting.pop(entity_id, None)
        if waiting:
            checked = False
            for attachment in waiting:
                merge(props, attachment.props)
                attachment.applied = True
        if replace:
            self.ctx.reset_properties(node_id, MOD_REPLACED_PROPS)
        self.ctx.node(NodeRecord(node_id, kind, compact(props)), checked=checked)
        self.nodes[entity_id] = Node(node_id, kind, schema, name)
        self.not_nodes.discard(entity_id)
        self._set_edges(entity_id, link_edges)  # (a later version of an edge record is a node: no longer one)

    # --- edges ----------------------------------------------------------------------------------------------------
    def _set_edges(self, key: str, edges: list[PackedEdge], edge_entity: bool = False) -> None:
        """A later version of the record replaces what it said before."""
        if not edges:
            self.edges.discard(key)
            return
        self.edges[key] = (edge_entity, edges)
        if self.by_end is not None:
            for edge in edges:
                self.by_end.setdefault(edge[2], set()).add(key)  # (packed: source, then target)
                self.by_end.setdefault(edge[3], set()).add(key)

    def _ends_index(self) -> dict[str, set[str]]:
        """Which records' edges each id is an end of: built at the first DEL of a node, then kept up to date."""
        if self.by_end is None:
            self.by_end = {}
            for key, (_, packed) in self.edges.items():
                for edge in unpack_edges(packed):
                    self.by_end.setdefault(edge.source, set()).add(key)
                    self.by_end.setdefault(edge.target, set()).add(key)
        return self.by_end

    # --- sanctions and identifications ----------------------------------------------------------------------------
    def _sanction(self, entity: Entity, line: Line) -> None:
        subjects = entity.values("entity")
        if not subjects:
            raise BadRecord("entity", f"missing entity: {entity.schema.name} needs the sanctioned entity's id")
        start = min(entity.values("startDate") or entity.values("listingDate") or [""]) or None
        designation = Designation(
            authority="; ".join(entity.values("authority")) or "unknown authority",
            programs=tuple(entity.values("program") or entity.values("programId")),
            start_date=start,
            source_url=entity.first("sourceUrl") or entity.first("programUrl"),
            record_id=entity.first("recordId") or entity.id,  # the list's own record id, else the Sanction's
        )
        props: dict[Prop, Any] = {Prop.DESIGNATIONS: [designation.to_json()], Prop.DATASETS: entity.datasets}
        if entity.values("endDate"):
            self.ctx.note("sanctions with an end date (kept as designations, not marking the entity sanctioned)")
        else:
            props[Prop.SANCTIONED] = True
            props[Prop.PROGRAMS] = list(designation.programs)
        self._check_props(entity, SANCTION_PROPS | SANCTION_IGNORED)
        self._attach(entity, subjects, "entity", props, line)

    def _identification(self, entity: Entity, line: Line) -> None:
        holders = entity.values("holder")
        if not holders:
            raise BadRecord("holder", f"missing holder: {entity.schema.name} needs the holder's id")
        numbers = entity.values("number", "passportNumber")
        if not numbers:
            raise BadRecord("number", f"missing number: {entity.schema.name} without a number identifies nothing")
        label = "Passport" if entity.schema.is_a("Passport") else (entity.first("type") or "Identification")
        countries = entity.values("country")
        suffix = f" ({', '.join(c.lower() for c in countries)})" if countries else ""
        props: dict[Prop, Any] = {
            Prop.IDENTIFIERS: [f"{label}: {n}{suffix}" for n in numbers],
            Prop.LOOKUP_KEYS: numbers,
        }
        self._check_props(entity, IDENTIFICATION_PROPS | IDENTIFICATION_IGNORED)
        self._attach(entity, holders, "holder", props, line)

    def _check_props(self, entity: Entity, known: frozenset[str] | set[str]) -> None:
        check_props(entity, known, self.ctx)

    def _attach(self, entity: Entity, subjects: list[str], field_name: str, props: dict[Prop, Any], line: Line) -> None:
        self.not_nodes.add(entity.id)
        self._unwait(entity.id)  # a later version of the record replaces what is still waiting
        if len(subjects) > 1:
            self.ctx.note(f"{entity.schema.name} records naming several entities (applied to each)")
        attachments = self.attachments.setdefault(entity.id, [])
        for subject in subjects:
            attachment = Attachment(entity.id, subject, field_name, props, line)
            attachments.append(attachment)
            node = self.nodes.get(subject)
            if node is None:
                self.waiting.setdefault(subject, []).append(attachment)
                continue
            attachment.applied = True
            self.ctx.node(NodeRecord(node.node_id, node.kind, {Prop.NAME: node.name, **props}))

    def _unwait(self, record_id: str) -> list[Attachment]:
        """Forget the attachments of a record; returns those already applied."""
        applied: list[Attachment] = []
        for attachment in self.attachments.pop(record_id, []):
            if attachment.applied:
                applied.append(attachment)
            else:
                self.waiting[attachment.subject].remove(attachment)
        return applied

    # --- delta DEL ------------------------------------------------------------------------------------------------
    def _is_edge_record(self, ftm_id: str) -> bool:
        kept = self.edges.get(ftm_id)
        return kept is not None and kept[0]

    def _delete(self, entity_id: str) -> None:
        kept = self.edges.get(entity_id)
        if kept is not None and kept[0]:  # an FtM edge entity of this load
            self.edges.discard(entity_id)
            self.not_nodes.add(entity_id)
            dropped_edges = unpack_edges(kept[1])
            self.ctx.note("DEL of edges in the same load (dropped before writing)")
            # an earlier load may have written the same relationship(s)
            self.ctx.delete_relationships([e.rel_id for e in dropped_edges if e.rel_id] or [entity_id])
            return
        if entity_id in self.attachments:
            if self._unwait(entity_id):
                self.ctx.note("DEL of sanctions/identifications already applied (their values stay on the entity)")
            return
        node = self.nodes.pop(entity_id, None)
        self.edges.discard(entity_id)
        for key in self._ends_index().pop(entity_id, set()):
            kept = self.edges.get(key)
            if kept is not None:
                edges = [e for e in unpack_edges(kept[1]) if entity_id not in (e.source, e.target)]
                self.edges[key] = (kept[0], pack_edges(edges))
        dropped = self.waiting.pop(entity_id, [])
        for attachment in dropped:
            self.attachments[attachment.record_id].remove(attachment)
        if dropped:
            self.ctx.note("sanctions/identifications of a deleted entity (dropped)", len(dropped))
        self.ctx.delete(node.node_id if node is not None else entity_id)
        if node is None:  # unknown to this load: a node or an edge entity an earlier load wrote
            self.ctx.delete_relationships([entity_id])

    def _not_a_node(self, ftm_id: str) -> bool:
        """A record of this load that is no graph node: an edge, a Sanction/Identification, a skipped schema."""
        return ftm_id not in self.nodes and (ftm_id in self.not_nodes or self._is_edge_record(ftm_id))

    # --- the end of the load --------------------------------------------------------------------------------------
    def close(self) -> None:
        """Delete what the load kept on disk."""
        self.edges.close()

    def _is_wallet(self, ftm_id: str) -> bool:
        node = self.nodes.get(ftm_id)
        return node is not None and node.kind is NodeKind.WALLET

    def _transfer(self, edge: Edge) -> Edge:
        """A Payment that names a transaction between two wallets of this load, as TRANSFERRED; else the edge."""
        if edge.transfer is None:
            return edge
        if not (self._is_wallet(edge.source) and self._is_wallet(edge.target)):
            self.ctx.note(f"Payments with a {TRANSFER_MARK} not between two CryptoWallets of the load (read as PAID)")
            return edge
        self.ctx.note("Payments between two CryptoWallets with a transaction (read as TRANSFERRED)")
        clear = frozenset(TRANSFER_CLEAR) if edge.clear else frozenset()
        rel_type = RelType.TRANSFERRED
        return Edge(edge.key, rel_type, edge.source, edge.target, edge.rel_id, edge.transfer, clear, None, edge.checked)

    def finish(self) -> None:
        """The end of the load: Sanctions/Identifications not applied yet, then every kept edge with its ends
        resolved (stubs for ends absent from the files). An edge entity's relationship keeps the record's id, unique
        in the load (the kept edges are one entry per record), and is written as it comes (``final_rel``); those
        whose id may repeat (several pairs of one record: "id.n", derived from the ends, or a record id that looks
        like one of those) wait in the pipeline's spool, which keeps one per id."""
        self._apply_attachments()
        absent_ends: set[str] = set()
        dangling = skipped = 0
        nodes, rel, final_rel, maybe_repeated = self.nodes, self.ctx.rel, self.ctx.final_rel, _MAYBE_REPEATED
        for _, packed in self.edges.values():
            for edge in unpack_edges(packed):
                if edge.transfer is not None:
                    edge = self._transfer(edge)
                source_node, target_node = nodes.get(edge.source), nodes.get(edge.target)
                if source_node is None or target_node is None:  # (both known: the common case, checked at once)
                    if self._not_a_node(edge.source) or self._not_a_node(edge.target):
                        skipped += 1
                        continue
                    dangling += 1
                    for end in (edge.source, edge.target):
                        if end not in nodes:
                            absent_ends.add(end)
                            self.ctx.stub(end)
                source = source_node.node_id if source_node is not None else edge.source
                target = target_node.node_id if target_node is not None else edge.target
                edge_id = edge.rel_id
                if edge_id is None or maybe_repeated(edge_id):
                    edge_id = edge_id or rel_id(edge.rel_type, source, target)
                    rel(RelRecord(edge_id, edge.rel_type, source, target, edge.props, edge.clear))
                else:
                    record = RelRecord(edge_id, edge.rel_type, source, target, edge.props, edge.clear)
                    final_rel(record, checked=edge.checked)
        if dangling:
            self.ctx.note("edges with an end absent from the loaded files (kept against a stub)", dangling)
            examples = ", ".join(sorted(absent_ends)[:_MAX_EXAMPLES])
            self.ctx.warn(
                f"{dangling} edge(s) point at {len(absent_ends)} entit(ies) absent from the loaded files, kept as "
                f"stubs until a load brings them, e.g. {examples}"
            )
        if skipped:
            self.ctx.note("edges to records that are no graph node (skipped)", skipped)

    def _apply_attachments(self) -> None:
        for attachment in (a for group in self.attachments.values() for a in group):
            if attachment.applied:
                continue
            if self._not_a_node(attachment.subject):
                what = "sanctioned entity" if attachment.subject_field == "entity" else "holder"
                self.ctx.reject(
                    attachment.line.file,
                    attachment.line.number,
                    attachment.subject_field,
                    f"{what} is not an entity node: {attachment.subject} (an edge or a skipped schema; not applied)",
                    attachment.line.raw,
                )
                continue
            # not in this load: added to the stored node of that id (or to a stub the entity's load completes)
            attachment.applied = True
            self.ctx.add_to_lists(attachment.subject, dict(attachment.props))


#: A relationship id another edge of the load may also have: one pair of several ("<record id>.<n>"), or one like
#: graph.ids.rel_id's ("<type>-<20 hex digits>", the id of an edge derived from its ends)
_MAYBE_REPEATED = re.compile(r"\.\d+$|^[a-z_]+-[0-9a-f]{20}$").search
