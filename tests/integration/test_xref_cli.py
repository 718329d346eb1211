"""`sanctions-graph xref`, `review` and `export judgements` on both servers: candidates between two loaded datasets,
a judgement that survives a re-load and a re-run, and the judgements as CSV and FtM JSON lines."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.settings import Settings
from sanctions_graph import demo
from sanctions_graph.cli import main

KIM = "ofac-43377"  # KIM, Sang Man, DOB 25 Apr 1965, nationality Korea, North

CASE = [
    {"node": "Person", "id": "case-gim", "name": "Gim Sang-man", "countries": ["kp"], "birth_date": "1965-04-25"},
    {"node": "Person", "id": "case-nobody", "name": "Harold Fictitious Nobody", "countries": ["nz"]},
]


@pytest.fixture(params=["embedded", "neo4j"])
def loaded(
    request: pytest.FixtureRequest, store_settings: dict[str, Settings], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Path]:
    settings = store_settings[request.param]
    monkeypatch.setenv("SANCTIONS_GRAPH_HOME", str(settings.home))
    monkeypatch.setenv("SANCTIONS_GRAPH_STORE", settings.store)
    assert main(["load", "ofac-sdn", str(demo.ofac_dir()), "--no-progress"]) == 0
    case = tmp_path / "case.jsonl"
    case.write_text("".join(json.dumps(r) + "\n" for r in CASE), encoding="utf-8")
    assert main(["load", "jsonl", str(case), "--dataset", "my_case", "--no-progress"]) == 0
    yield case
    # the session's shared store must not keep case-gim ("Gim Sang-man", KP, 1965-04-25: screen_cli's r1 word for
    # word, so its best hit) nor its SAME_AS for the next module
    assert main(["db", "reset", "--yes"]) == 0


def test_xref_review_and_export(loaded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["xref", "--dataset", "my_case", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["entities"] == 2 and summary["pairs"] >= 1 and summary["created"] + summary["updated"] >= 1
    assert main(["review", "list", "--json"]) == 0
    queue = json.loads(capsys.readouterr().out)
    gim = next(r for r in queue if {r["source"], r["target"]} == {"case-gim", KIM})
    assert gim["match_label"] == "match" and "gim ~ kim" in gim["explanation"]
    assert main(["review", "reject", gim["id"], "--user", "carol"]) == 0
    assert "rejected (by carol at" in capsys.readouterr().out
    # a re-load of both sources and a re-run of xref leave the judgement alone; the pair is not proposed again
    assert main(["load", "ofac-sdn", str(demo.ofac_dir()), "--no-progress"]) == 0
    assert main(["load", "jsonl", str(loaded), "--dataset", "my_case", "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["xref", "--dataset", "my_case", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["judged"] >= 1
    assert main(["review", "list", "--json"]) == 0
    assert gim["id"] not in {r["id"] for r in json.loads(capsys.readouterr().out)}
    out_csv, out_json = tmp_path / "judgements.csv", tmp_path / "judgements.json"
    assert main(["export", "judgements", str(out_csv)]) == 0
    assert main(["export", "judgements", str(out_json)]) == 0
    with out_csv.open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["id"] == gim["id"])
    assert (row["status"], row["judgement"], row["judged_by"]) == ("rejected", "rejected", "carol")
    assert row["judged_at"].endswith("Z") and "Gim Sang-man" in (row["source_name"], row["target_name"])
    items = [json.loads(line) for line in out_json.read_text(encoding="utf-8").splitlines()]
    assert any(i["judgement"] == "negative" and i["user"] == "carol" for i in items)
    assert main(["review", "undo", gim["id"]]) == 0
    assert main(["review", "accept", "same_as-nope"]) == 1
