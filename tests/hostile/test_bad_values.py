"""Bad values cost only themselves: each bad line is rejected with file, line, field and reason, every good line
around it is loaded, derived fields from a source are dropped and counted."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph import Prop
from graph.stores.memory_store import MemoryStore
from loaders.framework import run_load
from loaders.framework.guard import InputLimits, value_problem
from loaders.sources.native_jsonl import NativeJsonlSource
from tests.hostile.bad_files import BAD_LINES, write_bad_jsonl


def _rejects(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_each_bad_line_costs_only_itself(tmp_path: Path) -> None:
    data, rejects = tmp_path / "bad.jsonl", tmp_path / "rejects.csv"
    good = write_bad_jsonl(data)
    store = MemoryStore()
    report = run_load(NativeJsonlSource("hostile"), [data], store, rejects_path=rejects)
    assert sum(report.nodes.values()) == good
    assert report.rejected == len(BAD_LINES) + 2
    rows = _rejects(rejects)
    assert all(r["file"] == str(data) and r["line"] for r in rows)
    by_line = {int(r["line"]): r for r in rows}
    for i, (name, _, field, words) in enumerate(BAD_LINES):
        row = by_line[3 + 2 * i]
        assert words.lower() in row["reason"].lower(), (name, row)
        assert row["field"] == (field or ""), (name, row)
    assert sum("UTF-8" in r["reason"] for r in rows) == 2
    assert report.derived_dropped == {"blocked_by_ownership": 1, "exposure_hops": 1, "search_text": 1, "listed_via": 1}
    assert "derived fields dropped" in report.to_text()


def test_spoofed_verdicts_never_stored(tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    write_bad_jsonl(data)
    store = MemoryStore()
    run_load(NativeJsonlSource("hostile"), [data], store)
    entity = store.get_entity("spoof")
    assert entity.name == "Spoofed Co"
    assert Prop.BLOCKED_BY_OWNERSHIP.value not in entity.properties
    assert Prop.EXPOSURE_HOPS.value not in entity.properties


def test_line_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONS_GRAPH_MAX_LINE_BYTES", "1000")
    limits = InputLimits.from_env()
    assert limits.line_bytes == 1000
    data = tmp_path / "long.jsonl"
    data.write_text('{"node":"Company","id":"a","name":"' + "x" * 5000 + '"}\n{"node":"Company","id":"b","name":"B"}\n')
    from loaders.framework import LoadReport, NoProgress, RejectsWriter
    from loaders.framework.context import LoadContext

    report = LoadReport("t", [str(data)])
    ctx = LoadContext(None, report, NoProgress(), RejectsWriter(None), limits=limits)
    NativeJsonlSource("t").read([data], ctx)
    assert report.rejected == 1 and report.rejected_reasons["line too long"] == 1
    assert ctx.node_ids == {"b"}


@pytest.mark.parametrize(
    ("value", "problem"),
    [("ok", None), (1, None), (2**63, "64 bits"), (float("nan"), "NaN"), ({"a": 1}, "map"), ([{"a": 1}], "maps")],
)
def test_value_problem(value: object, problem: str | None) -> None:
    found = value_problem(value)
    assert (found is None) if problem is None else (problem in (found or ""))
