"""`sanctions-graph case …` and `sanctions-graph rescreen` on both servers: a case survives a full re-load of the
demo sources and is never counted as data; rescreen finds exactly the changes that the second version of a small
list brings (tests/fixtures/cases)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.settings import Settings
from sanctions_graph import demo
from sanctions_graph.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures" / "cases"
PERSON, FRONT = "demo-ri-chol-man", "demo-sunrise-digital"
WALLET = "wallet-0x098b716b8aaf21512996dc57eb0615e2383e2f96"  # listed on LAZARUS GROUP's SDN record


@pytest.fixture(params=["embedded", "neo4j"])
def env(
    request: pytest.FixtureRequest, store_settings: dict[str, Settings], monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    settings = store_settings[request.param]
    monkeypatch.setenv("SANCTIONS_GRAPH_HOME", str(settings.home))
    monkeypatch.setenv("SANCTIONS_GRAPH_STORE", settings.store)
    monkeypatch.setenv("SANCTIONS_GRAPH_USER", "carol")
    assert main(["db", "reset", "--yes"]) == 0
    yield str(request.param)
    # the list versions loaded here are not the demo: leave the session's shared store empty for the next module
    assert main(["db", "reset", "--yes"]) == 0


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    code = main(args)
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def _load_demo(capsys: pytest.CaptureFixture[str]) -> None:
    """Every demo source, as the demo loads them (loaders.registry.demo_sources)."""
    _run(["load", "ofac-sdn", str(demo.ofac_dir()), "--no-progress"], capsys)
    _run(["load", "jsonl", str(demo.scenario_file()), "--dataset", demo.SCENARIO_DATASET, "--no-progress"], capsys)


def _stats(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return dict(json.loads(_run(["stats", "--json"], capsys)))


def test_case_commands_survive_a_full_reload(env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _load_demo(capsys)
    before = _stats(capsys)
    case_id = _run(["case", "new", "Ri Chol Man network"], capsys).strip()
    assert case_id.startswith("case-")
    assert "2 pinned" in _run(["case", "pin", case_id, PERSON, FRONT], capsys)
    _run(["case", "view", case_id, "two hops", f"/entity/{PERSON}?hops=2"], capsys)
    _run(["case", "note", case_id, "Directs the front.", "--on", PERSON], capsys)
    _run(["case", "note", case_id, "Opened after a SAR."], capsys)
    link_id = _run(["case", "link", case_id, PERSON, FRONT, "same phone", "--text", "SAR p. 3"], capsys).strip()
    results = tmp_path / "results.csv"
    results.write_text("row_id,name,label\nr1,Ri Chol Man,match\n", encoding="utf-8")
    _run(["case", "attach", case_id, str(results)], capsys)
    exported = tmp_path / "case.json"
    _run(["case", "export", case_id, "-o", str(exported)], capsys)
    assert _stats(capsys) == before  # cases are never counted as entities or relationships

    _load_demo(capsys)  # a full re-load of every demo source

    document = json.loads(_run(["case", "show", case_id, "--json"], capsys))
    saved = json.loads(exported.read_text(encoding="utf-8"))
    assert {k: v for k, v in document.items() if k != "exported_at"} == {
        k: v for k, v in saved.items() if k != "exported_at"
    }
    assert document["case"]["created_by"] == "carol" and document["case"]["pinned"] == [PERSON, FRONT]
    assert [n["author"] for n in document["notes"]] == ["carol", "carol"]
    assert document["screening_runs"][0]["content"].startswith("row_id,name,label")
    shown = _run(["case", "show", case_id], capsys)
    assert "Ri Chol Man network" in shown and "Directs the front." in shown and "same phone" in shown

    _run(["case", "delete", case_id], capsys)
    assert main(["case", "show", case_id]) == 1
    assert _run(["case", "import", str(exported)], capsys).strip() == case_id
    assert [c["id"] for c in json.loads(_run(["case", "list", "--json"], capsys))] == [case_id]
    assert "removed" in _run(["case", "unlink", link_id], capsys)
    assert main(["case", "unlink", link_id]) == 1
    assert main(["case", "pin", case_id, "no-such-entity"]) == 1


PINNED = ["cx-pe-a", "cx-co-x", "cx-pe-b", "cx-co-y", "cx-pe-c"]
#: What list-v2 changes for the case pinning PINNED (tests/fixtures/cases/README.md).
EXPECTED = {
    ("cx-pe-a", "exists", True, False),
    ("cx-co-x", "blocked", True, False),
    ("cx-co-x", "exposure_hops", 1, None),
    ("cx-co-x", "nearest", "cx-pe-a", None),
    ("cx-pe-b", "sanctioned", False, True),
    ("cx-pe-b", "programs", (), ("FICT-B",)),
    ("cx-pe-b", "blocked", False, True),
    ("cx-pe-b", "exposure_hops", None, 0),
    ("cx-pe-b", "nearest", None, "cx-pe-b"),
    ("cx-co-y", "blocked", False, True),
    ("cx-co-y", "exposure_hops", None, 1),
    ("cx-co-y", "nearest", None, "cx-pe-b"),
    ("cx-pe-c", "name", "Charlie Oldname", "Charlie Newname"),
}


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def test_rescreen_finds_exactly_what_a_new_list_version_changes(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    _run(["load", "ftm", str(FIXTURES / "list-v1.ftm.json"), "--no-progress"], capsys)
    case_id = _run(["case", "new", "Counterparties of Xylo"], capsys).strip()
    _run(["case", "pin", case_id, *PINNED], capsys)
    assert json.loads(_run(["rescreen", "--json"], capsys)) == {case_id: []}

    _run(["load", "ftm", str(FIXTURES / "list-v2.ftm.json"), "--no-progress"], capsys)
    found = json.loads(_run(["rescreen", "--json"], capsys))[case_id]
    assert {(c["entity_id"], c["field"], _frozen(c["before"]), _frozen(c["after"])) for c in found} == EXPECTED
    assert all(c["case_id"] == case_id for c in found)

    listed = json.loads(_run(["case", "list", "--json"], capsys))
    assert len(listed[0]["changes"]) == len(EXPECTED)  # kept for the dashboard's badge
    text = _run(["rescreen", case_id], capsys)  # nothing changed since: the new pictures were kept
    assert "0 case(s) changed, 1 unchanged" in text


def test_rescreen_prints_each_change_with_a_link(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    _run(["load", "ftm", str(FIXTURES / "list-v1.ftm.json"), "--no-progress"], capsys)
    case_id = _run(["case", "new", "Charlie"], capsys).strip()
    _run(["case", "pin", case_id, "cx-pe-c"], capsys)
    _run(["load", "ftm", str(FIXTURES / "list-v2.ftm.json"), "--no-progress"], capsys)
    text = _run(["rescreen", "--base-url", "http://dash.example:8050/"], capsys)
    assert f"http://dash.example:8050/case/{case_id}" in text
    assert "Charlie Newname (cx-pe-c): name Charlie Oldname -> Charlie Newname" in text
    assert "1 case(s) changed, 0 unchanged" in text


def test_evidence_pack_html_and_pdf(env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _load_demo(capsys)
    case_id = _run(["case", "new", "Golden Maple <pack>"], capsys).strip()
    _run(["case", "pin", case_id, "demo-golden-maple", PERSON, FRONT, WALLET], capsys)
    _run(["case", "note", case_id, "Owned through Pyongsan Tech.", "--on", "demo-golden-maple"], capsys)
    _run(["case", "link", case_id, PERSON, FRONT, "same phone", "--text", "SAR p. 3"], capsys)
    pack, pdf = tmp_path / "pack.html", tmp_path / "pack.pdf"
    _run(["case", "export", case_id, "--pack", str(pack), "--pdf", str(pdf)], capsys)
    text = pack.read_text(encoding="utf-8")
    assert "Golden Maple &lt;pack&gt;" in text  # escaped
    assert "src=" not in text and "<link" not in text  # self-contained
    # the path to the listed party hop by hop, the 50% rule worked out, facts with their sources, notes, links
    assert "2 hop(s) to sanctioned RI Chol Man" in text
    assert "Golden Maple Trading Co ←owns— Pyongsan Tech Solutions Ltd" in text
    assert "0% + 0% = 0% &lt; 50%: not blocked" in text
    assert "Fictional demo authority: DEMO-DPRK" in text and "demo_fictional" in text
    assert "Owned through Pyongsan Tech." in text and "same phone" in text and "SAR p. 3" in text
    # each entity's standing in words, as the entity page says it; the store's flags and bookkeeping are no rows
    assert "<li>Front company (a source marks it as a shell or front)</li>" in text
    assert "<li>Listed address of LAZARUS GROUP (US OFAC 27307)</li>" in text
    assert "<li>No sanctions designation in the loaded data</li>" in text  # Golden Maple
    for internal in ("front", "stub", "sanctioned", "search_text", "lookup_keys", "listed_via", "kind"):
        assert f"<tr><td>{internal}</td>" not in text, internal
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "The case's graph" in text and "<svg" in text and "Golden Maple Trading Co" in text.split("<svg")[1]


def test_query_log_lists_exports_and_replays_then_versus_now(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(["load", "ftm", str(FIXTURES / "list-v1.ftm.json"), "--no-progress"], capsys)
    case_id = _run(["case", "new", "Xylo's owners"], capsys).strip()
    _run(["search", "Alpha Listed", "--case", case_id], capsys)
    _run(["neighbours", "cx-co-x", "--case", case_id], capsys)
    _run(["exposure", "cx-co-y", "--live", "--case", case_id], capsys)
    _run(["show", "cx-pe-c", "--case", case_id], capsys)
    assert main(["search", "Alpha", "--case", "no-such-case"]) == 1  # an unknown case is refused before the query

    logged = json.loads(_run(["case", "log", case_id, "--json"], capsys))
    assert [(q["kind"], q["results"], q["user"], q["via"]) for q in logged] == [
        ("search", 1, "carol", "cli"),
        ("entity", 2, "carol", "cli"),
        ("exposure", 0, "carol", "cli"),
        ("entity", 1, "carol", "cli"),
    ]
    assert logged[0]["params"] == {"text": "Alpha Listed", "limit": 20} and logged[0]["result_ids"] == ["cx-pe-a"]
    assert "4 queries logged" in _run(["case", "log", case_id], capsys)

    _run(["load", "ftm", str(FIXTURES / "list-v2.ftm.json"), "--no-progress"], capsys)
    replayed = json.loads(_run(["case", "log", case_id, "--replay", "--json"], capsys))
    assert [(r["then"], r["now"], r["added"], r["removed"]) for r in replayed] == [
        (1, 0, [], ["cx-pe-a"]),  # Alpha Listed is off the list
        (2, 1, [], ["cx-pe-a"]),  # and out of Xylo's neighbourhood
        (0, 1, ["cx-co-y", "cx-pe-b"], []),  # Yankee is now exposed through Bravo
        (1, 1, [], []),  # Charlie renamed: still one entity
    ]
    text = _run(["case", "log", case_id, "--replay"], capsys)
    assert "search limit=20, text=Alpha Listed: then 1, now 0" in text and "gone: cx-pe-a" in text
    assert "4 queries replayed, 3 changed" in text

    exported = json.loads(_run(["case", "show", case_id, "--json"], capsys))
    assert [q["kind"] for q in exported["queries"]] == ["search", "entity", "exposure", "entity"]
    pack = tmp_path / "pack.html"
    _run(["case", "export", case_id, "--pack", str(pack)], capsys)
    assert "Query log" in pack.read_text(encoding="utf-8") and "text=Alpha Listed" in pack.read_text(encoding="utf-8")
    _run(["case", "delete", case_id], capsys)
    assert _run(["case", "import", str(_write(tmp_path / "c.json", exported))], capsys).strip() == case_id
    assert len(json.loads(_run(["case", "log", case_id, "--json"], capsys))) == 4


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_loads_keep_what_they_changed_and_rescreen_reads_it(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    _run(["load", "ftm", str(FIXTURES / "list-v1.ftm.json"), "--no-progress"], capsys)
    case_id = _run(["case", "new", "Charlie"], capsys).strip()
    _run(["case", "pin", case_id, "cx-pe-c", "cx-co-x"], capsys)
    assert json.loads(_run(["rescreen", "--json"], capsys)) == {case_id: []}  # no load since: nothing recomputed
    _run(["load", "ftm", str(FIXTURES / "list-v2.ftm.json"), "--no-progress"], capsys)

    first, second = json.loads(_run(["case", "loads", "--json"], capsys))
    assert first["source"] == "ftm" and sorted(first["added"]) == [
        "cx-co-x",
        "cx-co-y",
        "cx-pe-a",
        "cx-pe-b",
        "cx-pe-c",
    ]
    assert first["counts"]["relationships_added"] == 2
    assert second["files"][0].endswith("list-v2.ftm.json") and second["added"] == []
    assert sorted(second["changed"]) == ["cx-pe-b", "cx-pe-c"] and second["removed"] == ["cx-pe-a"]
    assert second["counts"] == {
        "nodes_added": 0,
        "nodes_changed": 2,
        "nodes_removed": 1,
        "relationships_added": 0,
        "relationships_changed": 0,
        "relationships_removed": 1,  # Alpha's 60% of Xylo went with Alpha
    }
    assert len(second["relationships_removed"]) == 1 and len(first["relationships_added"]) == 2
    assert second["capped"] is False

    found = {(c["entity_id"], c["field"]): c for c in json.loads(_run(["rescreen", "--json"], capsys))[case_id]}
    assert set(found) == {("cx-pe-c", "name"), ("cx-co-x", "blocked"), ("cx-co-x", "exposure_hops"),
                          ("cx-co-x", "nearest")}  # fmt: skip
    assert found[("cx-pe-c", "name")]["load"] == second["id"]  # named by the load's record
    assert "changed by the ftm load of list-v2.ftm.json" in found[("cx-pe-c", "name")]["text"]
    assert found[("cx-co-x", "blocked")]["load"] is None  # Xylo itself is not in it: its owner left the list
