"""The bulk first load into Neo4j (import CSV files + neo4j-admin database import full, run by scripts/neo4j.sh
import, which restarts the local server) gives the same graph as the transactional load of the same file: every
node with its labels and properties, every relationship with its properties."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from graph import (
    BulkImportWriter,
    ConfigError,
    NodeKind,
    NodeRecord,
    Prop,
    RelRecord,
    RelType,
    SanctionsGraphError,
    Settings,
)
from graph.stores.neo4j_store import Neo4jStore
from loaders.framework import run_load
from loaders.registry import SOURCES
from sanctions_graph.bulk_load import bulk_load

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILES = [FIXTURES / "ftm" / "network.ftm.json"]

LABELS = "MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"
RELS = "MATCH (a)-[r]->(b) RETURN a.id AS s, type(r) AS t, b.id AS e, properties(r) AS props"


def _digest(store: Neo4jStore) -> tuple[str, int, int]:
    """A hash of every node (labels, properties) and relationship (type, ends, properties), and their counts."""
    nodes = sorted(json.dumps([r["id"], sorted(r["labels"]), r["props"]], sort_keys=True) for r in store._read(LABELS))
    rels = sorted(json.dumps([r["s"], r["t"], r["e"], r["props"]], sort_keys=True) for r in store._read(RELS))
    text = "\n".join([*nodes, "--", *rels])
    return hashlib.sha256(text.encode()).hexdigest(), len(nodes), len(rels)


def _settings() -> Settings:
    return Settings.from_env(store="neo4j")


def _empty(settings: Settings) -> None:
    store = Neo4jStore.connect(settings)
    try:
        store.clear()
    finally:
        store.close()


@pytest.mark.skipif(not os.environ.get("NEO4J_RUN_DIR"), reason="needs the local server of scripts/neo4j.sh")
def _with_multiline(tmp_path: Path) -> list[Path]:
    """The fixture and an entity whose notes span lines (its file is read line-aware by the import tool)."""
    extra = tmp_path / "multiline.ftm.json"
    entity = {
        "id": "fict-co-lines",
        "schema": "Company",
        "properties": {"name": ["Lines Ltd"], "notes": ["first line", 'second line\r\nthird, "quoted"']},
    }
    extra.write_text(json.dumps(entity) + "\n", encoding="utf-8")
    return [*FILES, extra]


def test_bulk_and_transactional_loads_give_the_same_graph(tmp_path: Path) -> None:
    settings = _settings()
    source, files = SOURCES["ftm"].build({}, _with_multiline(tmp_path))
    _empty(settings)
    store = Neo4jStore.connect(settings)
    try:
        transactional = run_load(source, files, store)
        expected = _digest(store)
        store.clear()
    finally:
        store.close()
    said: list[str] = []
    bulk = bulk_load(settings, source, files, directory=tmp_path / "bulk", say=said.append)
    assert [message.split(" ", 2)[:2] for message in said] == [
        ["import", "files"],
        ["imported,", "server"],
        ["schema", "created"],
        ["waiting", "for"],
    ]  # each phase after the files announced as it starts
    assert {"import files (MB)", "writes after the import (s)", "indexes ONLINE after (s)"} <= set(bulk.notes)
    args = (tmp_path / "bulk" / "import.args").read_text(encoding="utf-8")
    assert "--multiline-fields-format=v2" in args and "-multiline-" in args  # only that file read line-aware
    store = Neo4jStore.connect(settings)
    try:
        assert _digest(store) == expected
        notes = store.get_entity("fict-co-lines").properties.get("notes")
        assert notes == 'first line\nsecond line\r\nthird, "quoted"'
        assert expected[1] > 10 and expected[2] > 10
        assert bulk.nodes == transactional.nodes and bulk.relationships == transactional.relationships
        assert store.search("Golden Maple") or store.stats().total_nodes  # the indexes answer after the import
        names = {r["name"] for r in store._read("SHOW INDEXES YIELD name RETURN name")}
        assert {"entity_id", "entity_names_fulltext"} & names
        with pytest.raises(ConfigError, match="not empty"):
            bulk_load(settings, source, files, directory=tmp_path / "again")
        store.clear()
    finally:
        store.close()


def test_import_files_have_typed_headers_and_skip_what_the_graph_would_not_hold(tmp_path: Path) -> None:
    writer = BulkImportWriter(tmp_path)
    a = NodeRecord("a", NodeKind.COMPANY, {Prop.NAME: "Alpha Ltd", Prop.ALIASES: ["A1", "A2"], Prop.TONNAGE: 5})
    b = NodeRecord("b", NodeKind.PERSON, {Prop.NAME: "Bo", Prop.SANCTIONED: True})
    assert writer.upsert_nodes(NodeKind.COMPANY, [a]).nodes_created == 1
    writer.upsert_nodes(NodeKind.PERSON, [b])
    again = writer.upsert_nodes(NodeKind.COMPANY, [NodeRecord("a", NodeKind.COMPANY, {Prop.ALIASES: ["A3"]})])
    assert again.nodes_created == 0
    rels = [
        RelRecord("r1", RelType.OWNS, "b", "a", {Prop.PERCENTAGE: 60.0}),
        RelRecord("r2", RelType.OWNS, "b", "nowhere", {}),
    ]
    assert writer.upsert_relationships(RelType.OWNS, rels).rows_written == 1
    writer.ensure_stubs(["a", "stub-1"])
    files = writer.close()
    assert len(files.node_repeats) == 1 and files.stubs == ["stub-1"]
    rows: dict[str, Any] = {}
    for path in files.nodes:
        with path.open(encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows.update({row["id:ID"]: row for row in reader})
    assert set(rows) == {"a", "b", "stub-1"}
    assert rows["a"][":LABEL"] == "Entity\x1fCompany"
    assert rows["a"]["aliases:string[]"] == "A1\x1fA2"
    assert rows["a"]["tonnage:long"] == "5"
    assert rows["b"]["sanctioned:boolean"] == "true"
    assert rows["stub-1"]["stub:boolean"] == "true"
    (rel_file,) = files.relationships
    assert rel_file.read_text(encoding="utf-8").splitlines()[1].startswith('"b","a","OWNS"')
    assert "percentage:double" in rel_file.read_text(encoding="utf-8").splitlines()[0]
    args = (tmp_path / "import.args").read_text(encoding="utf-8")
    assert "--array-delimiter=U+001F" in args and args.rstrip().endswith('"neo4j"')


def _file_texts(files: list[Path]) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in files}


def test_the_writing_process_writes_the_same_files_as_the_loading_one(tmp_path: Path) -> None:
    source, files = SOURCES["ftm"].build({}, FILES)
    written = {}
    for process in (False, True):
        writer = BulkImportWriter(tmp_path / str(process), process=process)
        report = run_load(source, files, writer)
        bulk = writer.close()
        written[process] = (
            _file_texts(bulk.nodes),
            _file_texts(bulk.relationships),
            report.nodes_created,
            report.relationships_created,
            bulk.stubs,
            len(bulk.node_repeats),
            len(bulk.list_adds),
        )
    assert written[True] == written[False]
    node_files, rel_files = written[True][0], written[True][1]
    assert len(node_files) >= 3 and len(rel_files) >= 3  # kinds and types of the fixture, each in its files
    rows = sum(text.count("\n") - 1 for text in node_files.values())  # each file: a header, then its rows
    assert rows == written[True][2] + len(written[True][4])  # the nodes and the stubs


def test_a_value_the_import_tool_cannot_take_fails_the_close_with_a_sentence(tmp_path: Path) -> None:
    for process in (False, True):
        writer = BulkImportWriter(tmp_path / str(process), process=process)
        mixed = NodeRecord("m", NodeKind.COMPANY, {Prop.NAME: "Mixed", Prop.TONNAGE: 3})
        writer.upsert_nodes(NodeKind.COMPANY, [mixed])
        bad = NodeRecord("b", NodeKind.COMPANY, {Prop.NAME: "Bad", Prop.ALIASES: ["one\x1ftwo"]})
        with pytest.raises(SanctionsGraphError, match="array delimiter"):
            writer.upsert_nodes(NodeKind.COMPANY, [bad])
            writer.close()


def test_a_failure_in_the_writing_process_stops_the_load_at_a_later_batch(tmp_path: Path) -> None:
    writer = BulkImportWriter(tmp_path, process=True)
    bad = NodeRecord("b", NodeKind.COMPANY, {Prop.NAME: "Bad", Prop.ALIASES: ["one\x1ftwo"]})
    writer.upsert_nodes(NodeKind.COMPANY, [bad])
    with pytest.raises(SanctionsGraphError, match="array delimiter"):
        for n in range(2000):  # it says so at once; the loader sees it before its next batch
            writer.upsert_nodes(NodeKind.COMPANY, [NodeRecord(f"c{n}", NodeKind.COMPANY, {Prop.NAME: "Fine"})])
            time.sleep(0.005)
    assert writer._process is not None and not writer._process.is_alive()


def test_a_failed_load_ends_the_writing_process(tmp_path: Path) -> None:
    writer = BulkImportWriter(tmp_path, process=True)
    writer.upsert_nodes(NodeKind.COMPANY, [NodeRecord("a", NodeKind.COMPANY, {Prop.NAME: "Alpha"})])
    writer.abort()
    assert writer._process is not None and not writer._process.is_alive()
    with pytest.raises(SanctionsGraphError, match="stopped"):
        writer.close()


def test_rows_with_a_line_break_go_to_files_read_line_aware(tmp_path: Path) -> None:
    writer = BulkImportWriter(tmp_path, process=True)
    plain = NodeRecord("p", NodeKind.COMPANY, {Prop.NAME: "Plain Ltd", Prop.NOTES: "one line"})
    broken = NodeRecord("m", NodeKind.COMPANY, {Prop.NAME: "Lines Ltd", Prop.NOTES: "one\ntwo"})
    writer.upsert_nodes(NodeKind.COMPANY, [plain, broken])
    files = writer.close()
    (multiline,) = files.multiline
    assert multiline in files.nodes and "-multiline-" in multiline.name
    assert '"one\ntwo"' in multiline.read_text(encoding="utf-8")
    others = [p for p in files.nodes if p != multiline]
    assert others and all("\n" not in p.read_text(encoding="utf-8").rstrip("\n").split("\n", 1)[1] for p in others)
    args = files.arguments()
    assert "--multiline-fields-format=v2" in args and f"--multiline-fields={multiline}" in args
    assert not [a for a in BulkImportWriter(tmp_path / "none").close().arguments() if "multiline" in a]
