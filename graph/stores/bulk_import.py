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
import functools
import gc
import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO, Any

from graph.errors import SanctionsGraphError
from graph.model import NodeRecord, RelRecord, WriteCounts
from graph.stores.base import GraphWriter
from graph.stores.records import new_node_row, new_rel_row, node_row, rel_row
from graph.vocabulary import ENTITY_LABEL, NodeKind, Prop, RelType

#: Between the elements of an array in a field (`--array-delimiter=U+001F`): a character no source text holds.
ARRAY_DELIMITER = "\x1f"
#: Each property's text, the one string object per name: pickled once per batch (the pickle's memo), where str() of
#: the enum member makes a new string every time (three times the bytes and the time to send a batch).
_TEXT: dict[str, str] = {p: p.value for p in Prop}
#: A node's labels in a row, by kind.
_LABELS = {kind: f"{ENTITY_LABEL}{ARRAY_DELIMITER}{kind.value}" for kind in NodeKind}
#: The import tool's memory outside its heap (caches, the id map): ample for tens of millions of records, and
#: bounded on a machine shared with a running server (its default is 90% of the free memory).
IMPORT_MEMORY = "4G"
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


def _text(value: Any) -> str:
    return value if type(value) is str else str(value)


def _boolean(value: Any) -> str:
    return "true" if value else "false"


def _texts(value: Any) -> str:
    """A list of texts as one field; TypeError when an element is not a text (then the layout is not this one)."""
    joined = ARRAY_DELIMITER.join(value)
    if joined.count(ARRAY_DELIMITER) != len(value) - 1 and value:
        raise SanctionsGraphError(f"a list value holds the array delimiter U+001F: {value!r}")
    return joined


def _typed(kind: str, value: Any) -> str:
    """A field of a column of another type than _WRITERS': TypeError when ``value`` is not of that type."""
    if _type_of(value, "a bulk-import field") != kind:
        raise TypeError(kind)
    return _field(value, "a bulk-import field")


#: How a column's fields are written, by the import tool's type of the column (the slow, checked way for the rest).
_WRITERS: dict[str, Callable[[Any], str]] = {
    "string": _text,
    "long": str,
    "double": repr,
    "boolean": _boolean,
    "string[]": _texts,
}


@dataclass
class _Layout:
    """One header, and for each typed column the index of its value in a row's values (in the props' order) and
    how it is written."""

    header: tuple[str, ...]
    columns: list[tuple[int, Callable[[Any], str]]]


#: What the file-writing half is sent, batch by batch: node rows to derive (kind, [(id, props)]), node rows as they
#: are (stubs), relationship rows (type, [(id, source, target, props, cleared props)]); props keyed by plain text.
NodeRows = list[tuple[str, dict[str, Any]]]
RelRows = list[tuple[str, str, str, dict[str, Any], tuple[str, ...]]]
Message = tuple[str, str, Any]


class ImportFiles:
    """The file-writing half: rows become CSV lines, one file per header (group and typed properties), a new one
    every ROWS_PER_FILE rows. Runs in the loading process or in a writing process of its own (``_serve``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.nodes: list[Path] = []
        self.relationships: list[Path] = []
        self.multiline: list[Path] = []  # files with a field that spans lines (the import tool reads them slowly)
        self._files: dict[tuple[str, tuple[str, ...], bool], _CsvFile] = {}
        # (group, property names in the props' order, their Python types) -> layout: a record of a known shape is
        # written without typing each value again
        self._layouts: dict[tuple[str, tuple[str, ...], tuple[type, ...]], _Layout] = {}
        self._counter = 0

    def take(self, message: Message) -> None:
        what, group, rows = message
        if what == "nodes":
            kind = NodeKind(group)
            for node_id, props in rows:
                node = NodeRecord(node_id, kind, props)  # text keys: a Prop is a StrEnum, equal to its text
                self.node(kind, node_id, new_node_row(node_row(node), kind)["props"])
        elif what == "stubs":
            for node_id, props in rows:
                self.node(NodeKind(group), node_id, props)
        else:
            rel_type = RelType(group)
            for rid, source, target, props, clear in rows:
                rel = RelRecord(rid, rel_type, source, target, props, frozenset(map(Prop, clear)))
                lead = [source, target, group]
                self._write(group, lead, new_rel_row(rel_row(rel))["props"], f"{group} {rid}", nodes=False)

    def node(self, kind: NodeKind, node_id: str, props: dict[str, Any]) -> None:
        self._write(kind.value, [node_id, _LABELS[kind]], props, f"node {node_id}", nodes=True)

    def _file(self, group: str, header: tuple[str, ...], nodes: bool, multiline: bool) -> _CsvFile:
        key = (group, header, multiline)
        current = self._files.get(key)
        if current is not None and current.rows < ROWS_PER_FILE:
            return current
        if current is not None:
            current.handle.close()
        self._counter += 1
        name = f"{'nodes' if nodes else 'rels'}-{group.lower()}{'-multiline' if multiline else ''}-{self._counter:04d}"
        path = self.directory / f"{name}.csv"
        if multiline:
            self.multiline.append(path)
        handle = path.open("w", encoding="utf-8", newline="")  # closed in close()
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        (self.nodes if nodes else self.relationships).append(path)
        self._files[key] = _CsvFile(path, handle, writer)
        return self._files[key]

    def _layout(self, props: dict[str, Any], where: str, nodes: bool) -> _Layout:
        """The layout of a record's props (typed, checked: a value the import tool cannot take raises)."""
        names = list(props)
        values = list(props.values())
        order = sorted(range(len(names)), key=names.__getitem__)
        types = [_type_of(values[i], f"{where}, {names[i]}") for i in order]
        start = ("id:ID", ":LABEL") if nodes else (":START_ID", ":END_ID", ":TYPE")
        header = (*start, *(f"{names[i]}:{t}" for i, t in zip(order, types, strict=True)))
        columns = [(i, _WRITERS.get(t) or functools.partial(_typed, t)) for i, t in zip(order, types, strict=True)]
        return _Layout(header, columns)

    def _write(self, group: str, lead: list[str], props: dict[str, Any], where: str, nodes: bool) -> None:
        """One row: ``lead`` (id and labels, or ends and type) and the typed props, in the file of their header."""
        values = list(props.values())
        key = (group, tuple(props), tuple(map(type, values)))
        layout = self._layouts.get(key)
        if layout is None:
            layout = self._layouts[key] = self._layout(props, where, nodes)
        try:
            row = [*lead, *[write(values[i]) for i, write in layout.columns]]
        except TypeError:  # a list of other values than the layout's first record had: typed and checked anew
            layout = self._layout(props, where, nodes)
            row = [*lead, *[write(values[i]) for i, write in layout.columns]]
        text = "".join(row)
        out = self._file(group, layout.header, nodes, "\n" in text or "\r" in text)
        out.writer.writerow(row)
        out.rows += 1

    def close(self) -> None:
        for out in self._files.values():
            out.handle.close()
        self._files.clear()


def _serve(connection: Connection, directory: Path, loaders_end: Connection) -> None:
    """The writing process: messages until None, then the files (or the first failure, in words) sent back. A
    failure is also sent at once (the loader stops at its next batch); a loader gone (the pipe closed) ends it."""
    loaders_end.close()  # (a copy of the fork): the pipe ends when the loader closes its end
    gc.disable()  # its rows are short-lived and acyclic: reference counting frees them (as run_load's gc_paused)
    files = ImportFiles(directory)
    failure: str | None = None
    try:
        while (message := connection.recv()) is not None:
            if failure is None:
                try:
                    files.take(message)
                except (SanctionsGraphError, OSError) as exc:
                    failure = str(exc)
                    connection.send(("failed", failure))
        files.close()
        connection.send((failure, files.nodes, files.relationships, files.multiline))
    except (EOFError, BrokenPipeError):
        files.close()  # the loader stopped without closing: nothing to report to
    finally:
        connection.close()


@dataclass
class BulkFiles:
    """What a BulkImportWriter wrote: the CSV files, and what is applied after the import through the store."""

    directory: Path
    nodes: list[Path] = field(default_factory=list)
    relationships: list[Path] = field(default_factory=list)
    multiline: list[Path] = field(default_factory=list)  # those of the files above that hold a field spanning lines
    node_repeats: list[tuple[NodeKind, NodeRecord]] = field(default_factory=list)
    stubs: list[str] = field(default_factory=list)  # given their empty lists after the import (CSV has no [])
    list_adds: list[tuple[str, dict[Prop, Any]]] = field(default_factory=list)

    def arguments(self, database: str = "neo4j") -> list[str]:
        """The arguments of `neo4j-admin database import full` (also written to ``import.args``, one per line)."""
        return [
            *(f"--nodes={p}" for p in self.nodes),
            *(f"--relationships={p}" for p in self.relationships),
            "--array-delimiter=U+001F",
            # only the files that need it are read line-aware (the rest in parallel): multiline-fields=true for
            # all files made the import step several times slower
            *(
                ["--multiline-fields-format=v2", f"--multiline-fields={','.join(map(str, self.multiline))}"]
                if self.multiline
                else []
            ),
            f"--max-off-heap-memory={IMPORT_MEMORY}",
            f"--report-file={self.directory / 'import.report'}",  # what it skipped, if anything; not in the cwd
            "--high-parallel-io=on",
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
    ``directory``. Deletions and property resets (delta files) are refused: load those transactionally.

    With ``process=True`` the files are written by a process of its own (fork) while this one goes on parsing: this
    process keeps what decides the counts (which ids are nodes: repeats, relationships whose end is missing) and
    sends the rows, their properties keyed by plain text (an enum member pickles ten times slower); the other
    derives the search and lookup keys and writes the CSV lines. A failure there (a value the import tool cannot
    take) is raised by ``close``."""

    write_workers = 1

    def __init__(self, directory: Path, *, process: bool = False) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._node_ids: set[str] = set()
        self.result = BulkFiles(directory)
        self._files: ImportFiles | None = None
        self._connection: Connection | None = None
        self._process: BaseProcess | None = None
        if process:
            context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
            self._connection, theirs = context.Pipe()
            self._process = context.Process(
                target=_serve, args=(theirs, directory, self._connection), name="bulk-import-files", daemon=True
            )
            self._process.start()
            theirs.close()
        else:
            self._files = ImportFiles(directory)

    def _send(self, message: Message) -> None:
        if self._files is not None:
            self._files.take(message)
            return
        assert self._connection is not None
        try:
            if self._connection.poll():  # the writing process failed (it says so at once)
                _, failure = self._connection.recv()
                self.abort()
                raise SanctionsGraphError(f"The import files could not be written: {failure}")
            self._connection.send(message)
        except (BrokenPipeError, EOFError, OSError) as exc:
            self.abort()
            raise SanctionsGraphError(f"The process writing the import files stopped: {exc}") from exc

    def abort(self) -> None:
        """Stop the writing process without waiting for its files (a failed load); the files stay as they are."""
        if self._connection is not None and self._process is not None:
            self._connection.close()  # it reads the end of the pipe and stops
            self._process.join(timeout=30)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()

    # --- GraphWriter ----------------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Nothing yet: the schema is created after the import (an import replaces the database)."""

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        fresh: NodeRows = []
        node_ids, text = self._node_ids, _TEXT  # (a comprehension: twice as fast as dict(zip(map(…), …, strict=True)))
        for record in rows:
            if record.id in node_ids:  # emitted again: merged through the store after the import
                self.result.node_repeats.append((kind, record))
                continue
            node_ids.add(record.id)
            props = record.props
            fresh.append((record.id, {text[k]: v for k, v in props.items()}))
        if fresh:
            self._send(("nodes", kind.value, fresh))
        return WriteCounts(nodes_created=len(fresh), rows_written=len(rows))

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        node_ids, text = self._node_ids, _TEXT
        out: RelRows = [
            (
                r.id,
                r.source,
                r.target,
                {text[k]: v for k, v in r.props.items()},
                tuple(map(text.__getitem__, r.clear)),
            )
            for r in rows
            if r.source in node_ids and r.target in node_ids  # as the transactional path: else not written
        ]
        if out:
            self._send(("rels", rel_type.value, out))
        return WriteCounts(relationships_created=len(out), rows_written=len(out))

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        stubs: NodeRows = []
        kind = NodeKind.LEGAL_ENTITY
        for sid in dict.fromkeys(ids):
            if sid in self._node_ids:
                continue
            self._node_ids.add(sid)
            # its empty lists (as cypher.ENSURE_STUBS sets them) after the import
            stubs.append((sid, {Prop.KIND.value: kind.value, Prop.NAME.value: sid, Prop.STUB.value: True}))
            self.result.stubs.append(sid)
        if stubs:
            self._send(("stubs", kind.value, stubs))
        return WriteCounts(nodes_created=len(stubs), rows_written=len(ids))

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
        """Close the files (the writing process ends); write ``import.args`` (the import tool's arguments, one per
        line) and return them. Raises SanctionsGraphError when a row could not be written."""
        failure: str | None = None
        if self._files is not None:
            self._files.close()
            nodes, relationships, multiline = self._files.nodes, self._files.relationships, self._files.multiline
        else:
            assert self._connection is not None and self._process is not None
            try:
                self._connection.send(None)
                answer = self._connection.recv()
                while len(answer) == 2:  # a failure it said at once; the files come after
                    answer = self._connection.recv()
                failure, nodes, relationships, multiline = answer
            except (BrokenPipeError, EOFError, OSError) as exc:
                failure, nodes, relationships, multiline = f"it stopped ({exc})", [], [], []
            finally:
                self._connection.close()
                self._process.join()
        if failure is not None:
            raise SanctionsGraphError(f"The import files could not be written: {failure}")
        self.result.nodes, self.result.relationships = list(nodes), list(relationships)
        self.result.multiline = list(multiline)
        args = self.directory / "import.args"
        args.write_text("".join(f'"{a}"\n' for a in self.result.arguments()), encoding="utf-8")
        return self.result
