"""The load pipeline and the native JSON lines source, without a database (dry runs and the recording memory store)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from graph.errors import ExpectedCountError
from graph.vocabulary import RelType
from loaders.framework import run_load
from loaders.sources.native_jsonl import NativeJsonlSource
from sanctions_graph import demo
from tests.doubles import Call, RecordingStore


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
    writer = RecordingStore()
    report = run_load(NativeJsonlSource("t"), [_jsonl(tmp_path / "a.jsonl", lines)], writer, batch_size=2)
    assert writer.calls[0] == Call("ensure_schema", "", ())
    kinds = [c.name for c in writer.calls[1:]]
    assert kinds.index("ASSOCIATE_OF") > max(i for i, k in enumerate(kinds) if k == "Person")
    assert all(c.size <= 2 for c in writer.calls)
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
    writer = RecordingStore()
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
