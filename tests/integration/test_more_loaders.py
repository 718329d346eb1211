"""ICIJ, transfer and plain CSV loaders end-to-end into both stores: counts, idempotent re-runs, shared wallets."""

from __future__ import annotations

from pathlib import Path

from graph.stores.base import GraphStore
from graph.vocabulary import RelType
from loaders.framework import LoadReport, run_load
from loaders.sources.icij import IcijSource
from loaders.sources.ofac_sdn import OfacSdnSource
from loaders.sources.plain_csv import PlainCsvSource
from loaders.sources.transfers import TransfersSource
from sanctions_graph import demo

FIXTURES = Path(__file__).parent.parent / "fixtures"
RELEASE = FIXTURES / "icij" / "release"
TRANSFERS = FIXTURES / "transfers"
CSV_MAPPING = FIXTURES / "csv" / "mapping.toml"
OFAC_WALLET_ID = "wallet-0x97b1043abd9e6fc31681635166d430a458d14f9c"


def _transfer_loads(store: GraphStore) -> list[LoadReport]:
    return [
        run_load(TransfersSource("tracer"), [TRANSFERS / "tracer.csv"], store),
        run_load(TransfersSource("etherscan"), [TRANSFERS / "etherscan.csv"], store),
        run_load(TransfersSource(TRANSFERS / "custom.toml", "case_tron"), [TRANSFERS / "custom.csv"], store),
    ]


def test_icij_release_loads_and_a_reload_creates_nothing(store: GraphStore) -> None:
    first = run_load(IcijSource(), [RELEASE], store)
    stats = store.stats()
    assert stats.nodes == {"Company": 3, "LegalEntity": 7, "Address": 2}
    assert stats.relationships == {"OWNS": 2, "DIRECTS": 2, "LINKED_TO": 5, "LOCATED_AT": 2, "SAME_AS": 2}
    assert (first.nodes_created, first.relationships_created) == (12, 13)
    assert first.notes["relationships skipped: an end is not in the graph"] == 1  # 99999999 is in no node file
    again = run_load(IcijSource(), [RELEASE], store)
    assert again.nodes_created == 0 and again.relationships_created == 0
    assert store.stats() == stats
    harbour = store.get_entity("icij-90000001")
    assert harbour.name == "FICTIONAL HARBOUR HOLDINGS LTD." and harbour.countries == ["vg"]
    assert set(harbour.properties["datasets"]) == {"icij_offshore_leaks", "icij_panama_papers"}
    around = store.neighbourhood("icij-91000001", types=[RelType.SAME_AS, RelType.OWNS])
    by_type = {r.type: r for r in around.relationships}
    assert by_type[RelType.SAME_AS].properties["status"] == "candidate"
    assert by_type[RelType.OWNS].properties["role"] == "shareholder of"
    assert by_type[RelType.OWNS].properties["start_date"] == "2006-06-01"
    assert store.search("654321")[0].entity.id == "icij-90000001"  # ibcRUC is a lookup key


def test_icij_relationships_loaded_after_their_nodes_are_written(store: GraphStore) -> None:
    node_files = sorted(p for p in RELEASE.iterdir() if p.name.startswith("nodes-"))
    run_load(IcijSource(), node_files, store)
    report = run_load(IcijSource(), [RELEASE / "relationships.csv"], store)
    assert report.notes["relationship rows with an end not in the loaded node files"] == 13  # not in this load…
    assert report.relationships_created == 13  # …but in the graph: written
    assert report.notes["relationships skipped: an end is not in the graph"] == 1


def test_transfers_load_and_a_reload_creates_nothing(store: GraphStore) -> None:
    first = _transfer_loads(store)
    stats = store.stats()
    # tracer 7 wallets; etherscan 3 (0x97b1… already there); custom 3 Tron wallets
    assert stats.nodes == {"Wallet": 12}
    assert stats.relationships == {"TRANSFERRED": 9}
    assert [r.relationships_created for r in first] == [5, 2, 2]
    again = _transfer_loads(store)
    assert [r.nodes_created for r in again] == [0, 0, 0]
    assert [r.relationships_created for r in again] == [0, 0, 0]
    assert store.stats() == stats
    mixer = store.get_entity("wallet-0x90f7b7db319bd5108655e705960512775edc1c73")
    assert mixer.aliases == ["Example Mixer Pool"]
    assert store.search("Example Mixer Pool")[0].entity.id == mixer.id  # labels are searchable names
    legs = [
        r
        for batch in store.iter_relationships([RelType.TRANSFERRED])
        for r in batch
        if r.properties["tx_hash"] == "9d979c42fb43e972a9a6e373e4b546c9209e990fc83f099724d2fa7cabc8456f"
    ]
    assert sorted(r.properties["amount"] for r in legs) == [0.75, 3350.5]


def test_csv_example_loads_and_a_reload_creates_nothing(store: GraphStore) -> None:
    source = PlainCsvSource(CSV_MAPPING)
    first = run_load(source, source.files(), store)
    stats = store.stats()
    assert stats.nodes == {"Company": 3, "Person": 2, "Wallet": 2}
    assert stats.relationships == {"HOLDS": 1, "OWNS": 2, "DIRECTS": 1, "EMPLOYS": 1, "PAID": 2}
    assert (first.nodes_created, first.relationships_created) == (7, 7)
    again = run_load(source, source.files(), store)
    assert again.nodes_created == 0 and again.relationships_created == 0
    assert store.stats() == stats
    northwind = store.get_entity("acme-C001")
    assert northwind.properties["front"] is True
    assert northwind.aliases == ["Northwind Example Trdg", "NW Example"]
    assert store.search("2020-123456")[0].entity.id == "acme-C001"


def test_a_transfer_from_an_sdn_wallet_lands_on_the_wallet_node_of_the_ofac_load(store: GraphStore) -> None:
    run_load(OfacSdnSource(), [demo.ofac_dir()], store)
    before = store.stats().nodes["Wallet"]
    # tracer.csv writes the SDN address 0x97B1043ABD9E6FC31681635166D430A458D14F9C in upper case
    report = run_load(TransfersSource("tracer"), [TRANSFERS / "tracer.csv"], store)
    assert report.nodes["Wallet"] == 7 and report.nodes_created == 6  # the SDN wallet was already there
    assert store.stats().nodes["Wallet"] == before + 6
    wallet = store.get_entity(OFAC_WALLET_ID)
    assert set(wallet.properties["datasets"]) == {"us_ofac_sdn", "transfers"}
    assert wallet.aliases == ["Fictional Cluster 7"]
    around = store.neighbourhood(OFAC_WALLET_ID)
    ids = {e.id for e in around.entities}
    assert {"ofac-43377", "wallet-0xdbb835dc0ca6b146ee4580a04be096691512cfde"} <= ids
    types = {(r.type, r.source, r.target) for r in around.relationships}
    assert (RelType.HOLDS, "ofac-43377", OFAC_WALLET_ID) in types
    assert (RelType.TRANSFERRED, OFAC_WALLET_ID, "wallet-0xdbb835dc0ca6b146ee4580a04be096691512cfde") in types
    path = store.shortest_path("ofac-43377", "wallet-0x90f7b7db319bd5108655e705960512775edc1c73")
    assert path is not None and path.hops == 3  # holder -> SDN wallet -> next wallet -> the mixer
