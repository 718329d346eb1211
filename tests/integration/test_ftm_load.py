"""FtM loading and export end-to-end into both stores: contents, stubs, idempotent re-runs, deltas, round trips."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.errors import EntityNotFound
from graph.exports.ftm import ExportStats, export_graph, export_subgraph, validate_ftm, write_ftm
from graph.model import Designation
from graph.settings import Settings
from graph.stores.base import GraphStore
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.framework import run_load
from loaders.sources.ftm import FtmSource
from sanctions_graph.cli import main
from tests.ftm_fixtures import DELTA, FIXTURES, NETWORK, NETWORK_RELS, WALLET

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


def test_both_stores_hold_the_same_graph(each_store: Iterator[tuple[str, GraphStore]]) -> None:
    seen = {}
    for kind, store in each_store:
        run_load(FtmSource(), [NETWORK], store)
        after_network = store.stats()
        run_load(FtmSource(), [DELTA], store)
        entities = sorted((e.id, e.kind.value, e.name, e.sanctioned) for batch in store.iter_entities() for e in batch)
        rels = sorted((r.id, r.type.value, r.source, r.target) for batch in store.iter_relationships() for r in batch)
        seen[kind] = (after_network, store.stats(), entities, rels)
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
    assert main(["db", "reset", "--yes"]) == 0
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
        assert main(["db", "reset", "--yes"]) == 0


# --- deltas against what earlier loads wrote (issue 3, item 1) --------------------------------------------------


def _ftm(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_sanction_and_identification_of_an_entity_of_an_earlier_load(store: GraphStore, tmp_path: Path) -> None:
    run_load(FtmSource(), [NETWORK], store)
    before = store.get_entity("fict-pe-2")
    later = _ftm(
        tmp_path / "later.json",
        [
            {
                "id": "fict-s9",
                "schema": "Sanction",
                "properties": {"entity": ["fict-pe-2"], "authority": ["X"], "program": ["P9"]},
            },
            {"id": "fict-pp9", "schema": "Passport", "properties": {"holder": ["fict-pe-2"], "number": ["ZZ123"]}},
            {"id": "fict-s8", "schema": "Sanction", "properties": {"entity": ["fict-nowhere"], "authority": ["Y"]}},
        ],
    )
    report = run_load(FtmSource(), [later], store)
    assert report.rejected == 0 and report.nodes_created == 0
    pe2 = store.get_entity("fict-pe-2")
    assert (pe2.kind, pe2.name) == (before.kind, before.name)  # added to, not replaced
    assert pe2.sanctioned and "P9" in pe2.properties["programs"]
    assert [d.authority for d in pe2.designations][-1] == "X"
    assert "Passport: ZZ123" in pe2.properties["identifiers"]
    assert store.search("ZZ123")[0].entity.id == "fict-pe-2"  # the new lookup key is searchable
    stub = store.get_entity("fict-nowhere")  # no such node anywhere: a stub keeps the designation
    assert stub.properties["stub"] is True and stub.sanctioned
    assert report.stubs_created == 1
    # the entity's own load completes the stub and keeps the designation
    run_load(
        FtmSource(),
        [
            _ftm(
                tmp_path / "n.json",
                [{"id": "fict-nowhere", "schema": "Company", "properties": {"name": ["Nowhere Ltd"]}}],
            )
        ],
        store,
    )
    done = store.get_entity("fict-nowhere")
    assert (done.kind, done.name, done.properties["stub"], done.sanctioned) == (
        NodeKind.COMPANY,
        "Nowhere Ltd",
        False,
        True,
    )
    assert [d.authority for d in done.designations] == ["Y"]


def test_del_of_an_edge_written_by_an_earlier_load(store: GraphStore, tmp_path: Path) -> None:
    run_load(FtmSource(), [NETWORK], store)
    edge = next(r for r in store.neighbourhood("fict-ext-1").relationships)
    assert edge.id == "fict-ul-1"
    total = store.stats().total_relationships
    report = run_load(FtmSource(), [_ftm(tmp_path / "d.json", [{"op": "DEL", "entity": {"id": "fict-ul-1"}}])], store)
    assert store.neighbourhood("fict-ext-1").relationships == ()
    assert store.stats().total_relationships == total - 1
    assert report.notes["relationships deleted (delta DEL of edges of earlier loads)"] == 1
    # a DEL then an ADD of the same edge id in one delta: the ADD wins
    readd = {
        "id": "fict-ul-1",
        "schema": "UnknownLink",
        "properties": {"subject": ["fict-ext-1"], "object": ["fict-org-1"]},
    }
    rows: list[dict[str, object]] = [{"op": "DEL", "entity": {"id": "fict-ul-1"}}, {"op": "ADD", "entity": readd}]
    run_load(FtmSource(), [_ftm(tmp_path / "d2.json", rows)], store)
    assert [r.id for r in store.neighbourhood("fict-ext-1").relationships] == ["fict-ul-1"]


def test_mod_replaces_the_entitys_own_properties(store: GraphStore, tmp_path: Path) -> None:
    first = {
        "id": "fict-m",
        "schema": "Person",
        "properties": {"name": ["Old Name"], "alias": ["Old Alias"], "birthDate": ["1970"], "country": ["fr"]},
    }
    sanction = {"id": "fict-ms", "schema": "Sanction", "properties": {"entity": ["fict-m"], "authority": ["Z"]}}
    passport = {"id": "fict-mp", "schema": "Passport", "properties": {"holder": ["fict-m"], "number": ["MP1"]}}
    link = {"id": "fict-ml", "schema": "UnknownLink", "properties": {"subject": ["fict-m"], "object": ["fict-m2"]}}
    other = {"id": "fict-m2", "schema": "Person", "properties": {"name": ["Other"]}}
    run_load(FtmSource(), [_ftm(tmp_path / "a.json", [first, sanction, passport, link, other])], store)
    mod = {
        "id": "fict-m",
        "schema": "Person",
        "properties": {"name": ["New Name"], "alias": ["New Alias"], "country": ["de"]},
    }
    run_load(FtmSource(), [_ftm(tmp_path / "b.json", [{"op": "MOD", "entity": mod}])], store)
    m = store.get_entity("fict-m")
    assert m.name == "New Name" and m.aliases == ["New Alias"] and m.properties["countries"] == ["de"]
    assert "birth_date" not in m.properties  # absent from the new version: removed
    assert m.sanctioned and [d.authority for d in m.designations] == ["Z"]  # from the Sanction record: kept
    assert "Passport: MP1" in m.properties["identifiers"]  # from the Passport record: kept
    assert [r.id for r in store.neighbourhood("fict-m").relationships] == ["fict-ml"]
    assert [h.entity.id for h in store.search("Old Alias") if h.entity.id == "fict-m"] == []
    assert store.search("New Alias")[0].entity.id == "fict-m"


def test_mod_of_an_edge_of_an_earlier_load_replaces_its_properties(store: GraphStore, tmp_path: Path) -> None:
    people = [
        {"id": f"fict-e{i}", "schema": "Company", "properties": {"name": [f"Edge Co {i}"]}, "datasets": ["one"]}
        for i in (1, 2)
    ]
    owns = {
        "id": "fict-own",
        "schema": "Ownership",
        "properties": {"owner": ["fict-e1"], "asset": ["fict-e2"], "percentage": ["30"], "startDate": ["2019-01-01"]},
        "datasets": ["one"],
    }
    run_load(FtmSource(), [_ftm(tmp_path / "a.json", [*people, owns])], store)
    mod = dict(owns, properties={"owner": ["fict-e1"], "asset": ["fict-e2"], "percentage": ["45"]}, datasets=["two"])
    report = run_load(FtmSource(), [_ftm(tmp_path / "b.json", [{"op": "MOD", "entity": mod}])], store)
    assert report.relationships_created == 0
    (rel,) = store.neighbourhood("fict-e1").relationships
    assert rel.properties[Prop.PERCENTAGE.value] == 45.0  # replaced
    assert Prop.START_DATE.value not in rel.properties  # absent from the new version: removed
    assert rel.properties[Prop.DATASETS.value] == ["one", "two"]  # still united
    # an ADD of the same edge adds to what is stored: the start date stays away, the percentage is replaced
    add = dict(owns, properties={"owner": ["fict-e1"], "asset": ["fict-e2"], "percentage": ["50"]})
    run_load(FtmSource(), [_ftm(tmp_path / "c.json", [add])], store)
    (rel,) = store.neighbourhood("fict-e1").relationships
    assert rel.properties[Prop.PERCENTAGE.value] == 50.0 and Prop.START_DATE.value not in rel.properties
    # a MOD in the same file as the first version: the later version alone is written
    run_load(FtmSource(), [_ftm(tmp_path / "d.json", [owns, {"op": "MOD", "entity": mod}])], store)
    (rel,) = store.neighbourhood("fict-e1").relationships
    assert rel.properties[Prop.PERCENTAGE.value] == 45.0 and Prop.START_DATE.value not in rel.properties


def test_store_add_to_node_lists_and_delete_relationships(store: GraphStore) -> None:
    run_load(FtmSource(), [NETWORK], store)
    counts = store.add_to_node_lists(
        [
            ("fict-pe-2", {Prop.IDENTIFIERS: ["Tax: T-1"], Prop.LOOKUP_KEYS: ["T-1"], Prop.SANCTIONED: True}),
            ("fict-new", {Prop.DATASETS: ["d"]}),
        ]
    )
    assert (counts.rows_written, counts.nodes_created) == (2, 1)
    assert "Tax: T-1" in store.get_entity("fict-pe-2").properties["identifiers"]
    assert store.get_entity("fict-new").properties["stub"] is True
    with pytest.raises(ValueError, match="list properties and marks only"):
        store.add_to_node_lists([("fict-pe-2", {Prop.NAME: "x"})])
    deleted = store.delete_relationships(["fict-ul-1", "fict-own-1", "no-such-rel"])
    assert deleted.rows_written == 2
    assert store.delete_relationships([]).rows_written == 0
