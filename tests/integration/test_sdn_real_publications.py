"""Two REAL, dated publications of the OFAC SDN list (2023-12-28, then 2024-05-03; the same records cut from both,
tests/fixtures/ofac-sdn-publications/SOURCE.md) loaded one after the other as full publications, on both stores:
what OFAC delisted is removed, what it added arrives, renamed records and changed programs are updated, the
load's change record holds exactly that, a case pinned on such records is told each change by rescreen, and the
same publication loaded again changes nothing."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.settings import Settings
from graph.stores.factory import open_store
from sanctions_graph.cli import main

PUBLICATIONS = Path(__file__).parent.parent / "fixtures" / "ofac-sdn-publications"
OLDER, NEWER = PUBLICATIONS / "2023-12-28", PUBLICATIONS / "2024-05-03"
MUGABE = "ofac-7480"  # delisted in 2024 (the Zimbabwe program ended)
CHIWENGA = "ofac-7489"  # renamed, and moved from ZIMBABWE to GLOMAG
IRGC_CYBER = "ofac-23475"  # renamed
REMOVED_NOTE = "entities absent from the full publication of us_ofac_sdn (removed)"


def _records(folder: Path) -> dict[str, list[str]]:
    with (folder / "sdn.csv").open(encoding="latin-1", newline="") as handle:
        return {f"ofac-{row[0]}": row for row in csv.reader(handle) if len(row) > 1}


@pytest.fixture(params=["embedded", "neo4j"])
def store_env(
    request: pytest.FixtureRequest, store_settings: dict[str, Settings], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    settings = store_settings[request.param]
    for name, value in (("HOME", str(settings.home)), ("STORE", settings.store), ("USER", "dana")):
        monkeypatch.setenv(f"SANCTIONS_GRAPH_{name}", value)
    assert main(["db", "reset", "--yes"]) == 0
    yield settings
    assert main(["db", "reset", "--yes"]) == 0  # the session's shared store is left empty


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def _publish(folder: Path, capsys: pytest.CaptureFixture[str], report: Path) -> dict[str, Any]:
    _cli(capsys, "load", "ofac-sdn", str(folder), "--publication", "full", "--no-progress", "--report", str(report))
    return dict(json.loads(report.read_text(encoding="utf-8")))


def _show(entity_id: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any] | None:
    capsys.readouterr()
    found = main(["show", entity_id, "--json"]) == 0
    out = capsys.readouterr().out
    return dict(json.loads(out)) if found else None


def test_two_real_publications_one_after_the_other(
    store_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older, newer = _records(OLDER), _records(NEWER)
    delisted, listed = set(older) - set(newer), set(newer) - set(older)
    changed = {i for i in set(older) & set(newer) if older[i] != newer[i]}
    assert {MUGABE} <= delisted and {CHIWENGA, IRGC_CYBER} <= changed  # what the test is about is in the files

    _publish(OLDER, capsys, tmp_path / "older.json")
    case_id = _cli(capsys, "case", "new", "Zimbabwe and the IRGC after the 2024 lists").strip()
    _cli(capsys, "case", "pin", case_id, MUGABE, CHIWENGA, IRGC_CYBER)

    report = _publish(NEWER, capsys, tmp_path / "newer.json")
    assert report["notes"][REMOVED_NOTE] == len(delisted)
    store = open_store(store_env)  # one read for the 152 records (a `show` each took 40 s on the embedded store)
    try:
        present = {e.id for e in store.get_entities(sorted(delisted | listed))}
    finally:
        store.close()
    assert present.isdisjoint(delisted) and listed <= present
    assert _show(MUGABE, capsys) is None
    chiwenga = _show(CHIWENGA, capsys)
    assert chiwenga is not None and chiwenga["name"] == "CHIWENGA, Constantino Guveya"
    assert chiwenga["properties"]["programs"] == ["GLOMAG"]

    record = json.loads(_cli(capsys, "case", "loads", "--json"))[-1]
    assert set(record["removed"]) == delisted
    assert set(record["added"]) >= listed  # with the wallets the new records hold
    assert set(record["changed"]) == changed

    said = {(c["entity_id"], c["field"]): c["text"] for c in json.loads(_cli(capsys, "rescreen", "--json"))[case_id]}
    assert "designation removed" in said[(MUGABE, "exists")]
    assert "CHIWENGA, Constantine Gureya -> CHIWENGA, Constantino Guveya" in said[(CHIWENGA, "name")]
    assert "ZIMBABWE -> GLOMAG" in said[(CHIWENGA, "programs")]
    assert "CYBER-ELECTRONIC COMMAND" in said[(IRGC_CYBER, "name")]

    again = _publish(NEWER, capsys, tmp_path / "again.json")
    assert again["notes"][REMOVED_NOTE] == 0
    last = json.loads(_cli(capsys, "case", "loads", "--json"))[-1]
    assert last["removed"] == [] and last["added"] == [] and last["changed"] == []
