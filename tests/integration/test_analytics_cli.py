"""The analytics commands on both stores: --json shapes, --csv export, exit codes and error sentences.

Each store kind gets its own home (and the Neo4j database is emptied afterwards), so the demo-count assertions of
test_cli.py never see this file's extra entities."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sanctions_graph import demo
from sanctions_graph.cli import main

# a 50%-rule chain on top of the demo: listed X (60%) -> A; A (50%) -> B; unknown-% holding of X in C
SCENARIO = [
    {"node": "Person", "id": "cli-x", "name": "Listed X", "designation": {"authority": "Test", "programs": ["T"]}},
    {"node": "Company", "id": "cli-a", "name": "A Holdings"},
    {"node": "Company", "id": "cli-b", "name": "B Trading"},
    {"node": "Company", "id": "cli-c", "name": "C Unknown"},
    {"rel": "OWNS", "source": "cli-x", "target": "cli-a", "percentage": 60, "start_date": "2020-01"},
    {"rel": "OWNS", "source": "cli-a", "target": "cli-b", "percentage": 50, "end_date": "2030"},
    {"rel": "OWNS", "source": "cli-x", "target": "cli-c"},
]


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def cli_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Demo data plus SCENARIO in a store of each kind, loaded once per module (the tests only read, except
    analyze, which writes results that no other test here reads)."""
    kind = str(request.param)
    home = tmp_path_factory.mktemp(f"analytics-cli-{kind}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SANCTIONS_GRAPH_HOME", str(home))
        mp.setenv("SANCTIONS_GRAPH_STORE", kind)
        scenario = home / "scenario.jsonl"
        scenario.write_text("\n".join(json.dumps(line) for line in SCENARIO) + "\n")
        assert main(["db", "reset", "--yes"]) == 0
        for argv in (
            ["load", "ofac-sdn", str(demo.ofac_dir())],
            ["load", "jsonl", str(demo.scenario_file()), "--dataset", "demo_fictional"],
            ["load", "jsonl", str(scenario), "--dataset", "cli_test"],
        ):
            assert main([*argv, "--no-progress"]) == 0
        yield kind
        assert main(["db", "reset", "--yes"]) == 0


def _json(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 0) -> dict[str, Any]:
    capsys.readouterr()
    assert main(argv) == code
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, dict)
    return data


def test_exposure_json(cli_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["exposure", "demo-alex-kim", "--json"])
    assert {"hops", "nearest", "path", "steps", "sanctioned_within", "explanation"} <= set(data)
    assert (data["hops"], data["nearest"]) == (2, "demo-ri-chol-man")
    assert data["path"] == ["demo-alex-kim", "demo-pyongsan-tech", "demo-ri-chol-man"]
    # the decoy hangs on RI Chol Man by a SAME_AS candidate that was rejected: not followed unless asked for
    decoy = _json(capsys, ["exposure", "demo-ri-chol-mann", "--json"])
    assert (decoy["hops"], decoy["nearest"], decoy["path"]) == (None, None, [])
    decoy = _json(capsys, ["exposure", "demo-ri-chol-mann", "--follow-rejected", "--json"])
    assert (decoy["hops"], decoy["nearest"]) == (1, "demo-ri-chol-man")
    decoy = _json(capsys, ["exposure", "demo-ri-chol-mann", "--exclude", "same_as", "--json"])
    assert (decoy["hops"], decoy["nearest"], decoy["path"]) == (None, None, [])
    assert "SAME_AS" not in decoy["types"]


def test_ownership_json_and_as_of(cli_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    b = _json(capsys, ["ownership", "cli-b", "--as-of", "2024-01-01", "--json"])
    assert (b["blocked"], b["blocked_share"], b["effective_blocked_share"]) == (True, 50.0, 30.0)
    assert b["holdings"][0]["owner"] == "cli-a" and b["holdings"][0]["end_date"] == "2030"
    before = _json(capsys, ["ownership", "cli-b", "--as-of", "2019-06-30", "--json"])  # X's holding starts 2020-01
    assert (before["blocked"], before["blocked_share"]) == (False, 0.0)
    after = _json(capsys, ["ownership", "cli-b", "--as-of", "2031-01-01", "--json"])  # A's holding ended 2030
    assert after["blocked"] is False
    c = _json(capsys, ["ownership", "cli-c", "--json"])
    assert (c["blocked"], c["blocked_by_ownership"]) == (None, None)


def test_trace_json_and_csv(cli_store: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    w1 = "wallet-0x1111111111111111111111111111111111111111"
    out = tmp_path / "trace.csv"
    data = _json(capsys, ["trace", w1, "--direction", "forward", "--hops", "3", "--csv", str(out), "--json"])
    assert {"transfers", "parties", "endpoints", "complete"} <= set(data)
    transfers = data["transfers"]
    assert isinstance(transfers, list) and len(transfers) == 1  # stops at the mixer deposit wallet
    assert transfers[0]["to"] == "wallet-0x2222222222222222222222222222222222222222"
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 1 and rows[0]["value_usd"] == "26300.0"
    back = _json(capsys, ["trace", w1, "--direction", "backward", "--since", "2023-04-01", "--json"])
    assert [t["from"] for t in back["transfers"]] == ["demo-jamie-park", "demo-golden-maple"]  # in time order


def test_shared_and_it_workers_json(cli_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["shared", "demo-golden-maple", "--json"])
    shared = data["shared"]
    assert isinstance(shared, list) and shared[0]["id"] == "demo-sunrise-digital" and shared[0]["weight"] == 1.0
    workers = _json(capsys, ["it-workers", "--json"])
    assert workers["workers"] == 2
    cases = {c["worker"]: c for c in workers["cases"]}
    assert set(cases) == {"demo-alex-kim", "demo-jamie-park"}  # both pay into the same collection wallet
    w1 = "wallet-0x1111111111111111111111111111111111111111"
    reason = cases["demo-jamie-park"]["reasons"][0]
    assert (reason["kind"], reason["point"], reason["other_workers"]) == ("pooled pay", w1, ["demo-alex-kim"])


def test_analyze_json_summary_and_write_back(cli_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["analyze", "--as-of", "2024-01-01", "--json"])
    assert {"entities", "relationships", "sanctioned", "exposure_by_hops", "blocked_by_ownership", "seconds"} <= set(
        data
    )
    # cli-a, cli-b and the demo's Taedong Coastal Shipping (51% Bureau 999); possibly: cli-c
    assert data["blocked_by_ownership"] == 3 and data["possibly_blocked"] == 1
    shown = _json(capsys, ["show", "cli-b", "--json"])
    props = shown["properties"]
    assert isinstance(props, dict)
    assert props["blocked_by_ownership"] is True and props["exposure_nearest"] == "cli-x"
    capsys.readouterr()
    assert main(["analyze"]) == 0
    text = capsys.readouterr().out
    assert "Analysed" in text and "blocked by ownership" in text


def test_errors_are_sentences(cli_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exposure", "no-such-id"]) == 1
    assert capsys.readouterr().err.strip() == "error: No entity with id 'no-such-id' is in the graph."
    assert main(["exposure", "cli-a", "--exclude", "OWNED_BY"]) == 2
    assert "error: Unknown relationship type 'OWNED_BY'" in capsys.readouterr().err
    assert main(["trace", "cli-a", "--since", "2024-02-01", "--until", "2024-01-01"]) == 2
    assert capsys.readouterr().err.strip() == "error: --since must not be after --until."
    with pytest.raises(SystemExit) as exit_info:
        main(["ownership", "cli-a", "--as-of", "last week"])
    assert exit_info.value.code == 2
    assert "is not a date" in capsys.readouterr().err
