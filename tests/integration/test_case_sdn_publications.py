"""Two publications of the SDN list loaded one after the other, on both stores: the second, loaded as a full
publication, removes the records the first had and it lacks (only the dataset's claims on an entity another dataset
also asserts), replaces the designations of those it keeps, the load's change record and report count them, a second
run removes nothing more, a partial file never removes anything, and rescreen tells a case "designation removed".

The two real, dated publications are loaded in tests/integration/test_sdn_real_publications.py; here a version
derived from the demo's extract by tests/fixtures/cases/derive_sdn_version.py gives what the real slices lack (a
record another dataset also asserts, an other dataset's relationship removed with its end, an extract declared
full)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from sanctions_graph import demo
from sanctions_graph.cli import main
from tests.integration.test_case_cli import _run
from tests.integration.test_case_cli import env as env  # the both-stores fixture (a CLI home on each store)

pytestmark = pytest.mark.usefixtures("env")

FIXTURES = Path(__file__).parent.parent / "fixtures" / "cases"
SHARED = "ofac-12211"  # KIM, Yong Chol: removed from the derived list, also asserted by the "other" dataset below
OWNED = "other-front"  # the other dataset's company, owned by a record the derived list removes


def _derive() -> Any:
    spec = importlib.util.spec_from_file_location("derive_sdn_version", FIXTURES / "derive_sdn_version.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.derive


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    out = tmp_path_factory.mktemp("sdn-v2")
    done = _derive()(demo.ofac_dir(), out, remove_every=53, rename_every=59, remark_every=61, add=3)
    # KIM, Yong Chol (12211) leaves the list too: the record another dataset also asserts
    lines = (out / "sdn.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (out / "sdn.csv").write_text("".join(x for x in lines if not x.startswith("12211,")), encoding="utf-8")
    done["removed"].append("12211")
    return out, done


def _load(path: Path, report: Path, capsys: pytest.CaptureFixture[str], *options: str) -> dict[str, Any]:
    _run(["load", "ofac-sdn", str(path), "--no-progress", "--report", str(report), *options], capsys)
    return dict(json.loads(report.read_text(encoding="utf-8")))


def _other(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Another dataset asserting KIM, Yong Chol (same id) and a company that a to-be-removed record owns."""
    removed_owner = "ofac-17067"
    lines = [
        {"node": "Person", "id": SHARED, "name": "KIM, Yong Chol", "notes": "Also in the other dataset."},
        {"node": "Company", "id": OWNED, "name": "Other Front Ltd"},
        {"rel": "OWNS", "source": removed_owner, "target": OWNED, "percentage": 60},
    ]
    path = tmp_path / "other.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    _run(["load", "jsonl", str(path), "--dataset", "other", "--no-progress"], capsys)


def _entity(entity_id: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any] | None:
    capsys.readouterr()
    if main(["show", entity_id, "--json"]) != 0:
        capsys.readouterr()
        return None
    return dict(json.loads(capsys.readouterr().out))


def test_a_full_publication_removes_what_it_lacks(
    tmp_path: Path,
    versions: tuple[Path, dict[str, list[str]]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    newer, done = versions
    removed = {f"ofac-{n}" for n in done["removed"]}
    _load(demo.ofac_dir(), tmp_path / "r1.json", capsys, "--publication", "full")
    _other(tmp_path, capsys)
    case_id = _run(["case", "new", "Delisted"], capsys).strip()
    _run(["case", "pin", case_id, "ofac-17067", SHARED, OWNED], capsys)

    # a partial file (the default) never removes anything, even when it lacks records
    partial = _load(newer, tmp_path / "r2.json", capsys)
    assert all("absent" not in note for note in partial["notes"])
    assert all(_entity(i, capsys) is not None for i in removed)
    partial_record = json.loads(_run(["case", "loads", "--json"], capsys))[-1]
    assert partial_record["removed"] == [] and partial_record["counts"]["relationships_removed"] == 0
    assert sorted(partial_record["added"]) == sorted(f"ofac-{n}" for n in done["added"])

    report = _load(newer, tmp_path / "r3.json", capsys, "--publication", "full")
    notes = report["notes"]
    only_sdn = removed - {SHARED}
    assert notes["entities absent from the full publication of us_ofac_sdn (removed)"] == len(only_sdn) + 2  # wallets
    key = "entities absent from the full publication of us_ofac_sdn, asserted by other datasets (us_ofac_sdn's claims"
    assert notes[f"{key} removed)"] == 1
    assert notes["relationships absent from the full publication of us_ofac_sdn (removed)"] > 0
    assert all(_entity(i, capsys) is None for i in only_sdn)
    kim = _entity(SHARED, capsys)
    assert kim is not None and kim["sanctioned"] is False and kim["designations"] == []
    assert kim["properties"]["datasets"] == ["other"] and not kim["properties"].get("programs")
    assert kim["properties"]["source_ids"] == [] or all(
        not s.startswith("us_ofac_sdn:") for s in kim["properties"]["source_ids"]
    )
    for number in done["added"]:
        assert _entity(f"ofac-{number}", capsys) is not None

    record = json.loads(_run(["case", "loads", "--json"], capsys))[-1]
    assert set(record["removed"]) >= only_sdn and SHARED in record["changed"]
    assert record["added"] == []  # the partial load brought the new ones
    assert record["counts"]["nodes_removed"] == len(only_sdn) + 2
    # the other dataset's OWNS went with its owner's node: counted with the relationships the list dropped
    assert record["counts"]["relationships_removed"] == (
        notes["relationships absent from the full publication of us_ofac_sdn (removed)"] + 1
    )

    found = json.loads(_run(["rescreen", "--json"], capsys))[case_id]
    said = {(c["entity_id"], c["field"]): c["text"] for c in found}
    assert "designation removed: in the graph yes -> no" in said[("ofac-17067", "exists")]
    assert "designation removed: sanctioned yes -> no" in said[(SHARED, "sanctioned")]
    assert "blocked under the 50% rule yes -> no" in said[(OWNED, "blocked")]  # its 60% owner left the list
    text = _run(["rescreen", case_id], capsys)
    assert "0 case(s) changed" in text

    again = _load(newer, tmp_path / "r4.json", capsys, "--publication", "full")  # idempotent
    assert again["notes"]["entities absent from the full publication of us_ofac_sdn (removed)"] == 0
    assert again["notes"][f"{key} removed)"] == 0
    last = json.loads(_run(["case", "loads", "--json"], capsys))[-1]
    assert last["removed"] == [] and last["added"] == [] and last["counts"]["relationships_removed"] == 0


def test_an_extract_declared_full_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(["load", "ofac-sdn", str(demo.ofac_dir()), "--no-progress", "--publication", "full"], capsys)
    extract = tmp_path / "extract"
    extract.mkdir()
    lines = (demo.ofac_dir() / "sdn.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (extract / "sdn.csv").write_text("".join(lines[:20]), encoding="utf-8")
    capsys.readouterr()
    assert main(["load", "ofac-sdn", str(extract), "--no-progress", "--publication", "full"]) == 1
    err = capsys.readouterr().err
    assert "declared a full publication of us_ofac_sdn but holds" in err and "nothing was removed" in err
    assert _entity("ofac-45404", capsys) is not None  # a record the extract lacks is still there
    assert main(["load", "ofac-sdn", str(extract), "--publication", "weekly"]) == 2  # a usage error
    assert "--publication must be 'full' or 'partial'" in capsys.readouterr().err


PUBLICATIONS = Path(__file__).parent.parent / "fixtures" / "ofac-sdn-publications"


def test_a_kept_record_becomes_what_the_newer_publication_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real 2023-12-28 then 2024-05-03 publications: CHIWENGA (ofac-7489) was renamed, lost his title and moved
    from ZIMBABWE to GLOMAG; an upsert alone would keep the title, the program and the old name's search forms."""
    older = _load(PUBLICATIONS / "2023-12-28", tmp_path / "r1.json", capsys, "--publication", "full")
    hits = json.loads(_run(["search", "Constantine Gureya", "--json"], capsys))
    assert hits[0]["id"] == "ofac-7489" and hits[0]["reason"].startswith("words")  # the name as it was
    key = "entities the full publication of us_ofac_sdn corrected (values it no longer gives dropped)"
    assert older["notes"][key] == 0
    newer = _load(PUBLICATIONS / "2024-05-03", tmp_path / "r2.json", capsys, "--publication", "full")
    assert newer["notes"][key] > 0
    now = _entity("ofac-7489", capsys)
    assert now is not None and now["name"] == "CHIWENGA, Constantino Guveya"
    assert "title" not in now["properties"] and now["properties"]["programs"] == ["GLOMAG"]
    assert [d["programs"] for d in now["designations"]] == [["GLOMAG"]]
    hits = json.loads(_run(["search", "Constantine Gureya", "--json"], capsys))
    assert all(not h["reason"].startswith("words") for h in hits if h["id"] == "ofac-7489")  # a similar spelling
    again = _load(PUBLICATIONS / "2024-05-03", tmp_path / "r3.json", capsys, "--publication", "full")
    assert again["notes"][key] == 0
