"""A first load into an empty Neo4j database through `neo4j-admin database import full`: a GraphWriter that writes
the import tool's CSV files instead of running Cypher, and what is done after the import.

The files hold the same properties the transactional path writes for a new node or relationship (records.py's
new_node_row / new_rel_row: search and lookup keys derived, marks, full-text fields), so both paths give the same
graph. Each file has one header: rows are grouped by kind (or relationship type) and by the typed properties they
carry, so an absent property is absent (never an empty field) and a number keeps its type. Lists are arrays joined
by U+001F. What the import tool cannot do is kept for afterwards (``BulkFiles.apply_after``): a node emitted again
in a later batch (merged by the transactional upsert) and values added to nodes' lists.

The files and the exact command (``BulkFiles.command``) serve a local server (scripts/neo4j.sh import stops it,
imports and starts it again) and a remote or managed one (docs/scale.md).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graph.errors import SanctionsGraphError
from graph.model import NodeRecord, RelRecord, WriteCounts
from graph.stores.base import GraphWriter
from graph.stores.records import new_node_row, new_rel_row, node_row, rel_row
from graph.vocabulary import ENTITY_LABEL, NodeKind, Prop, RelType

#: Between the elements of an array in a field (`--array-delimiter=U+001F`): a character no source text holds.
ARRAY_DELIMITER = "\x1f"
#: Rows per file before the next one of the same header is started (keeps each file a few hundred MB at most).
ROWS_PER_FILE = 1_000_000


def _type_of(value: Any, where: str) -> str:
    """The import tool's type of a property value (bool before int: a bool is an int in Python)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        kinds = {_type_of(v, where) for v in value} or {"string"}
        if len(kinds) != 1 or "boolean" in kinds:
            raise SanctionsGraphError(f"{where}: a list of mixed or boolean values cannot be bulk-imported: {value!r}")
        return kinds.pop() + "[]"
    raise SanctionsGraphError(f"{where}: a value of type {type(value).__name__} cannot be bulk-imported: {value!r}")


def _field(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        texts = [_field(v, where) for v in value]
        if any(ARRAY_DELIMITER in t for t in texts):
            raise SanctionsGraphError(f"{where}: a list value holds the array delimiter U+001F: {value!r}")
        return ARRAY_DELIMITER.join(texts)
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass
class _CsvFile:
    path: Path
    handle: IO[str]
    writer: Any  # csv writer
    rows: int = 0


@dataclass
class BulkFiles:
    """What a BulkImportWriter wrote: the CSV files, and what is applied after the import through the store."""

    directory: Path
    nodes: list[Path] = field(default_factory=list)
    relationships: list[Path] = field(default_factory=list)
    node_repeats: list[tuple[NodeKind, NodeRecord]] = field(default_factory=list)
    stubs: list[str] = field(default_factory=list)  # given their empty lists after the import (CSV has no [])
    list_adds: list[tuple[str, dict[Prop, Any]]] = field(default_factory=list)

    def arguments(self, database: str = "neo4j") -> list[str]:
        """The arguments of `neo4j-admin database import full` (also written to ``import.args``, one per line)."""
        return [
            *(f"--nodes={p}" for p in self.nodes),
            *(f"--relationships={p}" for p in self.relationships),
            "--array-delimiter=U+001F",
            "--multiline-fields=true",
            "--overwrite-destination=true",
            database,
        ]

    def command(self, database: str = "neo4j") -> str:
        return "neo4j-admin database import full " + " ".join(f"'{a}'" for a in self.arguments(database))

    def apply_after(self, writer: GraphWriter) -> None:
        """After the import (the schema created): the writes the import tool could not do, in their order."""
        empty: dict[Prop, Any] = {Prop.SEARCH_NAMES: [], Prop.LOOKUP_KEYS: []}  # as cypher.ENSURE_STUBS sets them
        for start in range(0, len(self.stubs), 5000):
            writer.set_node_properties(list(empty), [(sid, empty) for sid in self.stubs[start : start + 5000]])
        by_kind: dict[NodeKind, list[NodeRecord]] = {}
        for kind, record in self.node_repeats:
            by_kind.setdefault(kind, []).append(record)
        for kind, records in by_kind.items():
            for start in range(0, len(records), 5000):
                writer.upsert_nodes(kind, records[start : start + 5000])
        for start in range(0, len(self.list_adds), 5000):
            writer.add_to_node_lists(self.list_adds[start : start + 5000])


class BulkImportWriter:
    """A GraphWriter for a first load into an empty Neo4j database: records become import CSV files in
    ``directory``. Deletions and property resets (delta files) are refused: load those transactionally."""

    write_workers = 1

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._files: dict[tuple[str, tuple[str, ...]], _CsvFile] = {}
        self._counter = 0
        self._node_ids: set[str] = set()
        self.result = BulkFiles(directory)

    # --- files --------------------------------------------------------------------------------------------
    def _file(self, group: str, header: tuple[str, ...], nodes: bool) -> _CsvFile:
        key = (group, header)
        current = self._files.get(key)
        if current is not None and current.rows < ROWS_PER_FILE:
            return current
        if current is not None:
            current.handle.close()
        self._counter += 1
        path = self.directory / f"{'nodes' if nodes else 'rels'}-{group.lower()}-{self._counter:04d}.csv"
        handle = path.open("w", encoding="utf-8", newline="")  # closed in close()
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        (self.result.nodes if nodes else self.result.relationships).append(path)
        self._files[key] = _CsvFile(path, handle, writer)
        return self._files[key]

    def _write_node(self, kind: NodeKind, props: dict[str, Any]) -> None:
        node_id = str(props.pop(Prop.ID.value))
        where = f"node {node_id}"
        names = sorted(props)
        header = ("id:ID", ":LABEL", *(f"{n}:{_type_of(props[n], f'{where}, {n}')}" for n in names))
        out = self._file(kind.value, header, nodes=True)
        labels = f"{ENTITY_LABEL}{ARRAY_DELIMITER}{kind.value}"
        out.writer.writerow([node_id, labels, *(_field(props[n], where) for n in names)])
        out.rows += 1
        self._node_ids.add(node_id)

    # --- GraphWriter ----------------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Nothing yet: the schema is created after the import (an import replaces the database)."""

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        created = 0
        for record in rows:
            if record.id in self._node_ids:  # emitted again: merged through the store after the import
                self.result.node_repeats.append((kind, record))
                continue
            props = new_node_row(node_row(record), kind)["props"]
            props[Prop.ID.value] = record.id
            self._write_node(kind, props)
            created += 1
        return WriteCounts(nodes_created=created, rows_written=len(rows))

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        written = 0
        for record in rows:
            if record.source not in self._node_ids or record.target not in self._node_ids:
                continue  # as the transactional path: a relationship whose end is missing is not written
            row = new_rel_row(rel_row(record))
            props = row["props"]
            where = f"{rel_type.value} {record.id}"
            names = sorted(props)
            header = (":START_ID", ":END_ID", ":TYPE", *(f"{n}:{_type_of(props[n], f'{where}, {n}')}" for n in names))
            out = self._file(rel_type.value, header, nodes=False)
            out.writer.writerow(
                [record.source, record.target, rel_type.value, *(_field(props[n], where) for n in names)]
            )
            out.rows += 1
            written += 1
        return WriteCounts(relationships_created=written, rows_written=written)

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        created = 0
        for sid in dict.fromkeys(ids):
            if sid in self._node_ids:
                continue
            kind = NodeKind.LEGAL_ENTITY
            stub = {Prop.ID.value: sid, Prop.KIND.value: kind.value, Prop.NAME.value: sid, Prop.STUB.value: True}
            self._write_node(kind, stub)  # its empty lists (as cypher.ENSURE_STUBS sets them) after the import
            self.result.stubs.append(sid)
            created += 1
        return WriteCounts(nodes_created=created, rows_written=len(ids))

    def add_to_node_lists(self, rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        counts = self.ensure_stubs([node_id for node_id, _ in rows])
        self.result.list_adds.extend(rows)
        return WriteCounts(nodes_created=counts.nodes_created, rows_written=len(rows))

    def _refuse(self, what: str) -> WriteCounts:
        raise SanctionsGraphError(
            f"A bulk load is a first load of whole files: {what} cannot be bulk-imported; load "
            "this source without --bulk."
        )

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        return self._refuse("deletions of entities (delta files)")

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        return self._refuse("replaced properties (delta files)")

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        return self._refuse("deletions of relationships (delta files)")

    def close(self) -> BulkFiles:
        """Close the files; write ``import.args`` (the import tool's arguments, one per line) and return them."""
        for out in self._files.values():
            out.handle.close()
        self._files.clear()
        args = self.directory / "import.args"
        args.write_text("".join(f'"{a}"\n' for a in self.result.arguments()), encoding="utf-8")
        return self.result
