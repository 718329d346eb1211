"""The load pipeline and the native JSON lines source, without a database (dry runs and a recording writer)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from graph.errors import ExpectedCountError
from graph.model import NodeRecord, RelRecord, WriteCounts
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.framework import run_load
from loaders.sources.native_jsonl import NativeJsonlSource
from sanctions_graph import demo


class RecordingWriter:
    """A GraphWriter that keeps what it is given (for checking batching and ordering, not store behaviour)."""

    write_workers = 1

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.nodes: dict[str, NodeRecord] = {}

    def ensure_schema(self) -> None:
        self.calls.append(("schema", 0))

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        self.calls.append((kind.value, len(rows)))
        new = sum(1 for r in rows if r.id not in self.nodes)
        self.nodes.update({r.id: r for r in rows})
        return WriteCounts(nodes_created=new, rows_written=len(rows))

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        self.calls.append((rel_type.value, len(rows)))
        ok = [r for r in rows if r.source in self.nodes and r.target in self.nodes]
        return WriteCounts(relationships_created=len(ok), rows_written=len(ok))

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        return WriteCounts()

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        return WriteCounts()

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        return WriteCounts()


def _jsonl(path: Path, lines: list[object]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def test_demo_scenario_dry_run_counts_every_kind() -> None:
    report = run_load(NativeJsonlSource("demo_fictional"), [demo.scenario_file()], None)
    assert report.dry_run and report.rejected == 0
    assert report.records_read == 37
    assert sum(report.nodes.values()) == 16
    assert set(report.relationships) == {t.value for t in RelType}


def test_nodes_are_written_before_relationships_in_batches(tmp_path: Path) -> None:
    lines: list[object] = [{"node": "Person", "id": f"p{i}", "name": f"P {i}"} for i in range(5)]
    lines += [{"rel": "ASSOCIATE_OF", "source": "p0", "target": f"p{i}"} for i in range(1, 5)]
    writer = RecordingWriter()
    report = run_load(NativeJsonlSource("t"), [_jsonl(tmp_path / "a.jsonl", lines)], writer, batch_size=2)
    assert writer.calls[0] == ("schema", 0)
    kinds = [c[0] for c in writer.calls[1:]]
    assert kinds.index("ASSOCIATE_OF") > max(i for i, k in enumerate(kinds) if k == "Person")
    assert all(n <= 2 for _, n in writer.calls)
    assert report.nodes == {"Person": 5} and report.relationships == {"ASSOCIATE_OF": 4}


def test_bad_lines_are_rejected_with_line_field_and_reason_and_the_rest_loads(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "bad.jsonl",
        [
            {"node": "Person", "id": "p1", "name": "Good"},
            "{not json",
            {"node": "Spaceship", "id": "x", "name": "X"},
            {"node": "Person", "id": "p2", "name": "Y", "shoe_size": 44},
            {"node": "Person", "name": "No id"},
            {"rel": "OWNS", "source": "p1"},
            {"rel": "OWNS", "source": "p1", "target": "ghost"},
            {"node": "Company", "id": "c1", "name": "Fine Ltd"},
        ],
    )
    rejects = tmp_path / "rejects.csv"
    writer = RecordingWriter()
    report = run_load(NativeJsonlSource("t"), [path], writer, rejects_path=rejects)
    assert report.rejected == 5
    assert report.nodes == {"Person": 1, "Company": 1}
    assert report.notes["relationships skipped: an end is not in the graph"] == 1
    rows = list(csv.DictReader(rejects.open()))
    assert [(r["line"], r["field"]) for r in rows] == [
        ("2", ""),
        ("3", "node"),
        ("4", "shoe_size"),
        ("5", "id"),
        ("6", "target"),
    ]
    assert rows[0]["reason"].startswith("not JSON")
    assert rows[2]["reason"] == "unknown property: shoe_size"
    assert all(r["file"] == str(path) for r in rows)
    assert report.rejects_file == str(rejects)


def test_a_load_that_yields_nothing_fails_loudly(tmp_path: Path) -> None:
    empty = _jsonl(tmp_path / "empty.jsonl", [""])
    with pytest.raises(ExpectedCountError, match="expected at least 1 records, got 0"):
        run_load(NativeJsonlSource("t"), [empty], None)


def test_report_json_shape(tmp_path: Path) -> None:
    report = run_load(NativeJsonlSource("demo_fictional"), [demo.scenario_file()], None)
    data = report.to_dict()
    assert {
        "records_read",
        "nodes_written",
        "relationships_written",
        "rejected",
        "seconds",
        "records_per_second",
    } <= set(data)
    assert "records read:" in report.to_text()
