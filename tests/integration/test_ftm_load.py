"""FtM loading and export end-to-end into both stores: contents, stubs, idempotent re-runs, deltas, round trips."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from graph.errors import EntityNotFound
from graph.ids import wallet_id
from graph.model import Designation
from graph.settings import Settings
from graph.stores.base import GraphStore
from graph.vocabulary import NodeKind, RelType
from loaders.ftm import FtmSource
from loaders.ftm_export import ExportStats, export_graph, export_subgraph, validate_ftm, write_ftm
from loaders.pipeline import run_load
from sanctions_graph.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ftm"
NETWORK = FIXTURES / "network.ftm.json"
DELTA = FIXTURES / "delta.ftm.json"
WALLET = wallet_id("0xabcdef0123456789abcdef0123456789abcdef01")

NETWORK_NODES = {
    "Person": 4,
    "Company": 2,
    "Organization": 1,
    "LegalEntity": 2,  # fict-le-1 and the stub fict-ext-1
    "Address": 1,
    "Wallet": 1,
    "Vessel": 1,
    "Aircraft": 1,
}
NETWORK_RELS = {
    "OWNS": 3,
    "DIRECTS": 1,
    "EMPLOYS": 1,
    "MEMBER_OF": 1,
    "FAMILY_OF": 1,
    "ASSOCIATE_OF": 1,
    "LINKED_TO": 2,
    "PAID": 1,
    "HOLDS": 1,
    "LOCATED_AT": 1,
}


def test_network_contents(store: GraphStore) -> None:
    report = run_load(FtmSource(), [NETWORK], store)
    assert report.rejected == 0
    assert (report.nodes_created, report.stubs, report.stubs_created, report.relationships_created) == (12, 1, 1, 13)
    stats = store.stats()
    assert stats.nodes == NETWORK_NODES
    assert stats.relationships == NETWORK_RELS

    vorlak = store.get_entity("fict-pe-vorlak")
    assert vorlak.sanctioned and vorlak.kind is NodeKind.PERSON and vorlak.name == "Vorlak TESTMANN"
    assert vorlak.designations == [
        Designation(
            "Fictional Office of Sanctions",
            ("FICT-1",),
            "2021-04-01",
            "https://example.org/fictional/sanction/1",
            "fict-sanction-1",
        )
    ]
    assert vorlak.properties["identifiers"] == ["Passport: FX123456 (kp)"]
    assert store.search("FX123456")[0].entity.id == "fict-pe-vorlak"
    front = store.get_entity("fict-co-front")
    assert front.properties["front"] is True and not front.sanctioned

    stub = store.get_entity("fict-ext-1")
    assert stub.kind is NodeKind.LEGAL_ENTITY and stub.properties["stub"] is True
    linked = store.neighbourhood("fict-ext-1").relationships
    assert [(r.type, r.source) for r in linked] == [(RelType.LINKED_TO, "fict-co-trading")]

    wallet = store.get_entity(WALLET)
    assert wallet.kind is NodeKind.WALLET and wallet.properties["source_ids"] == ["fict-cw-1"]
    hits = store.search("0xABCDEF0123456789ABCDEF0123456789ABCDEF01")
    assert hits[0].entity.id == WALLET
    with pytest.raises(EntityNotFound):
        store.get_entity("fict-cw-1")

    around = store.neighbourhood("fict-co-trading")
    rels = {r.id: r for r in around.relationships}
    assert rels["fict-own-1"].properties["percentage"] == 60.0
    assert rels["fict-pay-1"].properties["amount"] == 250000.0 and rels["fict-pay-1"].properties["currency"] == "USD"
    emp = store.neighbourhood("fict-pe-2", types=[RelType.EMPLOYS]).relationships
    assert [(r.source, r.target, r.properties["role"]) for r in emp] == [("fict-co-front", "fict-pe-2", "IT worker")]


def test_reload_creates_nothing_new(store: GraphStore, tmp_path: Path) -> None:
    gz = tmp_path / "network.ftm.json.gz"
    gz.write_bytes(gzip.compress(NETWORK.read_bytes()))
    first = run_load(FtmSource(), [NETWORK], store)
    stats = store.stats()
    assert first.nodes_created + first.stubs_created == stats.total_nodes
    assert first.relationships_created == stats.total_relationships
    for again in (run_load(FtmSource(), [NETWORK], store), run_load(FtmSource(), [gz], store)):
        assert (again.nodes_created, again.stubs_created, again.relationships_created) == (0, 0, 0)
    assert store.stats() == stats
    assert len(store.get_entity("fict-pe-vorlak").designations) == 1


def test_stub_is_completed_by_a_later_file(store: GraphStore, tmp_path: Path) -> None:
    run_load(FtmSource(), [NETWORK], store)
    later = tmp_path / "ext.json"
    later.write_text(
        json.dumps({"id": "fict-ext-1", "schema": "Company", "properties": {"name": ["External Imaginary Corp"]}})
        + "\n",
        encoding="utf-8",
    )
    report = run_load(FtmSource(), [later], store)
    assert report.nodes_created == 0  # the stub became the company
    ext = store.get_entity("fict-ext-1")
    assert (ext.kind, ext.name, ext.properties["stub"]) == (NodeKind.COMPANY, "External Imaginary Corp", False)
    assert store.stats().nodes["LegalEntity"] == 1
    assert [r.id for r in store.neighbourhood("fict-ext-1").relationships] == ["fict-ul-1"]


def test_delta_applies_in_order_and_del_removes_entity_and_edges(store: GraphStore) -> None:
    run_load(FtmSource(), [NETWORK], store)
    report = run_load(FtmSource(), [DELTA], store)
    assert report.rejected == 0 and (report.deletes, report.nodes_deleted) == (3, 3)
    for gone in ("fict-pe-3", "fict-pe-5"):
        with pytest.raises(EntityNotFound):
            store.get_entity(gone)
    stats = store.stats()
    assert "FAMILY_OF" not in stats.relationships
    assert stats.relationships["ASSOCIATE_OF"] == 1  # fict-ass-1 went with fict-pe-3, fict-ass-2 came
    org = store.get_entity("fict-org-1")
    assert org.name == "Imaginary Procurement Bureau (renamed)"
    assert store.neighbourhood("fict-org-1").relationships == ()  # its old edges went with the DEL
    ext = store.get_entity("fict-ext-1")
    assert ext.kind is NodeKind.COMPANY and ext.properties["stub"] is False
    assert store.get_entity("fict-pe-2").aliases == ["P. Two"]
    again = run_load(FtmSource(), [DELTA], store)
    assert again.relationships_created == 0 and store.stats() == stats


def test_export_round_trip_validates_and_reloads_to_the_same_graph(store: GraphStore, tmp_path: Path) -> None:
    run_load(FtmSource(), [NETWORK], store)
    before = store.stats()
    stats = ExportStats()
    lines = list(export_graph(store, stats, batch_size=5))
    assert lines and all(validate_ftm(line) == [] for line in lines), [
        (line["id"], validate_ftm(line)) for line in lines if validate_ftm(line)
    ]
    assert stats.entities["Sanction"] == 1 and stats.skipped == {"stub entities (placeholders)": 1}
    out = tmp_path / "export.ftm.json"
    with out.open("w", encoding="utf-8") as handle:
        assert write_ftm(lines, handle) == len(lines)

    store.clear()
    report = run_load(FtmSource(), [out], store)
    assert report.rejected == 0
    assert store.stats() == before
    vorlak = store.get_entity("fict-pe-vorlak")
    assert vorlak.sanctioned and [d.programs for d in vorlak.designations] == [("FICT-1",)]
    assert store.get_entity("fict-co-front").properties["front"] is True
    assert store.get_entity("fict-ext-1").properties["stub"] is True

    sub_stats = ExportStats()
    around = list(export_subgraph(store.neighbourhood("fict-co-trading", hops=2), sub_stats))
    assert {"fict-co-trading", "fict-own-1", WALLET} <= {d["id"] for d in around}
    assert all(validate_ftm(d) == [] for d in around)


def test_both_stores_hold_the_same_graph(_open_stores: dict[str, GraphStore | Exception]) -> None:
    seen = {}
    for kind, value in _open_stores.items():
        if isinstance(value, Exception):
            pytest.fail(f"the {kind} store is unavailable: {value}")
        value.clear()
        value.ensure_schema()
        try:
            run_load(FtmSource(), [NETWORK], value)
            after_network = value.stats()
            run_load(FtmSource(), [DELTA], value)
            entities = sorted(
                (e.id, e.kind.value, e.name, e.sanctioned) for batch in value.iter_entities() for e in batch
            )
            rels = sorted(
                (r.id, r.type.value, r.source, r.target) for batch in value.iter_relationships() for r in batch
            )
            seen[kind] = (after_network, value.stats(), entities, rels)
        finally:
            value.clear()
    assert seen["embedded"] == seen["neo4j"]


@pytest.mark.parametrize("kind", ["embedded", "neo4j"])
def test_cli_load_report_rejects_and_export(
    kind: str,
    store_settings: dict[str, Settings],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SANCTIONS_GRAPH_HOME", str(store_settings[kind].home))
    monkeypatch.setenv("SANCTIONS_GRAPH_STORE", kind)
    assert main(["db", "reset"]) == 0
    try:
        report, rejects = tmp_path / "report.json", tmp_path / "rejects.csv"
        args = ["load", "ftm", str(NETWORK), str(FIXTURES / "malformed.ftm.json"), "--no-progress"]
        assert main([*args, "--dry-run", "--report", str(report), "--rejects", str(rejects)]) == 0
        dry = json.loads(report.read_text(encoding="utf-8"))
        assert dry["dry_run"] and dry["rejected"] == 7 and dry["stubs"] == 1
        assert len(rejects.read_text(encoding="utf-8").splitlines()) == 8  # header + 7
        assert main(["stats", "--json"]) == 0 and '"total_nodes": 0' in capsys.readouterr().out

        assert main(args) == 0
        assert "stubs (ends absent):  1 (1 new)" in capsys.readouterr().out
        out = tmp_path / "export.ftm.json.gz"
        assert main(["export", "ftm", "-o", str(out)]) == 0
        assert "Exported" in capsys.readouterr().err
        with gzip.open(out, "rt", encoding="utf-8") as handle:
            exported = [json.loads(line) for line in handle]
        assert {"fict-ok-1", "fict-pe-vorlak"} <= {d["id"] for d in exported}
        assert all(validate_ftm(d) == [] for d in exported)

        assert main(["export", "ftm", "--entity", "fict-co-front", "--hops", "1"]) == 0
        around = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert "fict-co-front" in {d["id"] for d in around} and "fict-pe-decoy" not in {d["id"] for d in around}
        assert main(["export", "ftm", "--entity", "fict-nobody"]) == 1
    finally:
        assert main(["db", "reset"]) == 0
