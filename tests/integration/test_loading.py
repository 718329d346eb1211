"""Loaders end-to-end into both stores: counts, idempotent re-runs, and the same graph on Neo4j and FalkorDB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from graph.stores.base import GraphStore
from loaders.framework import run_load
from loaders.sources.native_jsonl import NativeJsonlSource
from loaders.sources.ofac_sdn import OfacSdnSource
from sanctions_graph import demo
from sanctions_graph.cli import load_demo


def test_demo_load_is_idempotent(store: GraphStore) -> None:
    first = load_demo(store, quiet=True)
    stats = store.stats()
    second = load_demo(store, quiet=True)
    assert sum(r.nodes_created for r in first) == stats.total_nodes
    assert sum(r.relationships_created for r in first) == stats.total_relationships
    assert [r.nodes_created for r in second] == [0, 0]
    assert [r.relationships_created for r in second] == [0, 0]
    assert store.stats() == stats


def test_demo_ofac_extract_contents(store: GraphStore) -> None:
    report = run_load(OfacSdnSource(), [demo.ofac_dir()], store)
    assert report.records_read == 749
    assert report.rejected == 0
    stats = store.stats()
    assert stats.nodes["Person"] == 340
    assert stats.nodes["Vessel"] == 106
    assert stats.nodes["Aircraft"] == 19
    assert stats.nodes.get("Organization", 0) + stats.nodes.get("Company", 0) == 284
    kim = store.get_entity("ofac-43377")
    assert kim.sanctioned and kim.name == "KIM, Sang Man"
    wallets = {e.id for e in store.neighbourhood("ofac-43377", types=None).entities if e.kind.value == "Wallet"}
    assert "wallet-0x97b1043abd9e6fc31681635166d430a458d14f9c" in wallets
    assert "wallet-1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ" in wallets
    hits = store.search("0x97B1043ABD9E6FC31681635166D430A458D14F9C")
    assert hits[0].entity.id == "wallet-0x97b1043abd9e6fc31681635166d430a458d14f9c"
    assert hits[0].reason == "identifier"


def test_both_stores_hold_the_same_graph(each_store: Iterator[tuple[str, GraphStore]]) -> None:
    stats = {}
    for kind, store in each_store:
        load_demo(store, quiet=True)
        stats[kind] = store.stats()
    assert stats["embedded"] == stats["neo4j"]
    assert stats["neo4j"].total_nodes > 1000


def test_scenario_wallet_meets_ofac_wallet_on_one_node(store: GraphStore, tmp_path: Path) -> None:
    run_load(OfacSdnSource(), [demo.ofac_dir()], store)
    before = store.stats().nodes["Wallet"]
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"node": "Person", "id": "x-1", "name": "Investigated Person"}\n'
        '{"node": "Wallet", "id": "wallet-0x97b1043abd9e6fc31681635166d430a458d14f9c", '
        '"name": "0x97b1043abd9e6fc31681635166d430a458d14f9c"}\n'
        '{"rel": "HOLDS", "source": "x-1", "target": "wallet-0x97b1043abd9e6fc31681635166d430a458d14f9c"}\n',
        encoding="utf-8",
    )
    run_load(NativeJsonlSource("case"), [path], store)
    assert store.stats().nodes["Wallet"] == before
    holders = {e.id for e in store.neighbourhood("wallet-0x97b1043abd9e6fc31681635166d430a458d14f9c").entities}
    assert {"x-1", "ofac-43377"} <= holders
    datasets = store.get_entity("wallet-0x97b1043abd9e6fc31681635166d430a458d14f9c").properties["datasets"]
    assert set(datasets) == {"us_ofac_sdn", "case"}


def test_ofac_full_list_slice_contents_and_rerun(store: GraphStore) -> None:
    """The slice of the full 2024-05-03 list (tests/fixtures/ofac-full-slice): every SDN_Type, continuation rows,
    vessels, aircraft, addresses and aliases; a second run creates nothing."""
    slice_dir = Path(__file__).resolve().parents[1] / "fixtures" / "ofac-full-slice"
    first = run_load(OfacSdnSource(), [slice_dir], store)
    assert first.records_read == 346 and first.rejected == 0
    stats = store.stats()
    assert (stats.nodes["Person"], stats.nodes["Vessel"], stats.nodes["Aircraft"]) == (123, 17, 12)
    assert stats.nodes["Company"] + stats.nodes["Organization"] == 194
    assert stats.relationships["LOCATED_AT"] == 677
    tian = store.get_entity("ofac-28263")
    assert "snowsjohn" in tian.aliases  # joined across sdn.csv and sdn_comments.csv
    assert "ofac-27307" in {e.id for e in store.neighbourhood("ofac-28263", types=None).entities}
    assert store.search("IMO 7406784")[0].entity.id == "ofac-4243"
    again = run_load(OfacSdnSource(), [slice_dir], store)
    assert (again.nodes_created, again.relationships_created) == (0, 0) and store.stats() == stats
