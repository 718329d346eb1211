"""Vocabulary, ids, settings and Cypher builders: pure functions, no services."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import cypher
from graph.errors import ConfigError, SourceFormatError
from graph.ids import fold_text, lookup_key, normalize_address, ofac_id, rel_id, wallet_id
from graph.model import NodeRecord
from graph.settings import Settings
from graph.stores.cypher_store import node_row
from graph.vocabulary import RELATIONSHIPS, NodeKind, Prop, RelType, parse_rel_types


def test_every_relationship_type_is_described_once() -> None:
    assert set(RELATIONSHIPS) == set(RelType)


def test_parse_rel_types_accepts_any_case_and_names_unknown_ones() -> None:
    assert parse_rel_types(["owns", " Linked-To "]) == (RelType.OWNS, RelType.LINKED_TO)
    with pytest.raises(ValueError, match="unknown relationship type 'OWNED_BY'"):
        parse_rel_types(["OWNED_BY"])


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("0x97B1043ABD9E6FC31681635166D430A458D14F9C", "0x97b1043abd9e6fc31681635166d430a458d14f9c"),
        ("0X97B1043ABD9E6FC31681635166D430A458D14F9C", "0x97b1043abd9e6fc31681635166d430a458d14f9c"),
        ("bc1QXY2KGDYGJRSQTZQ2N0YRF2493P83KKFJHX0WLH", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"),
        ("1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ", "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ"),
        (" TXmVpin5vq5gdZsciyyjdZgKRUju4st1wM ", "TXmVpin5vq5gdZsciyyjdZgKRUju4st1wM"),
    ],
)
def test_wallet_addresses_normalise_per_chain(raw: str, normal: str) -> None:
    assert normalize_address(raw) == normal
    assert wallet_id(raw) == f"wallet-{normal}"


def test_ids_are_deterministic() -> None:
    assert ofac_id(" 43379 ") == "ofac-43379"
    a = rel_id(RelType.OWNS, "x", "y")
    assert a == rel_id(RelType.OWNS, "x", "y") and a.startswith("owns-")
    assert a != rel_id(RelType.OWNS, "y", "x")
    assert rel_id(RelType.TRANSFERRED, "x", "y", "tx1", "0") != rel_id(RelType.TRANSFERRED, "x", "y", "tx1", "1")


def test_text_folding() -> None:
    assert fold_text("KIM, Jong-Un") == "kim jong un"
    assert fold_text("Société Générale") == "societe generale"
    assert lookup_key("PP 109-420.132") == "pp109420132"


def test_node_row_derives_search_names_and_lookup_keys() -> None:
    row = node_row(
        NodeRecord(
            "p1",
            NodeKind.PERSON,
            {Prop.NAME: "KIM, Sang Man", Prop.ALIASES: ["Kim Sang-man", "Kim Sang-man"], Prop.LOOKUP_KEYS: ["PP 1"]},
        )
    )
    assert row["lists"]["search_names"] == ["kim sang man"]
    assert row["lists"]["aliases"] == ["Kim Sang-man"]
    assert row["lists"]["lookup_keys"] == ["pp1"]
    assert row["scalars"] == {"name": "KIM, Sang Man"}


def test_cypher_takes_labels_and_types_only_from_the_vocabulary() -> None:
    assert "CREATE (n:Entity:Company {id: row.id})" in cypher.create_nodes(NodeKind.COMPANY)
    relabel = cypher.relabel_nodes(NodeKind.COMPANY)
    assert "SET n:Company" in relabel and "REMOVE n:Person:" in relabel and ":Company:" not in relabel
    with pytest.raises(TypeError):
        cypher.create_nodes("Company) DETACH DELETE (x")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cypher.upsert_relationships("OWNS]->() DELETE r //")  # type: ignore[arg-type]
    assert ":OWNS|PAID" in cypher.neighbours([RelType.OWNS, RelType.PAID])


def test_shortest_path_dialects() -> None:
    assert "shortestPath((a)-[*..6]-(b))" in cypher.shortest_path(cypher.Dialect.NEO4J, 6, None)
    assert "allShortestPaths((a)-[:OWNS*..3]-(b))" in cypher.shortest_path(cypher.Dialect.FALKORDB, 3, [RelType.OWNS])
    with pytest.raises(ValueError):
        cypher.shortest_path(cypher.Dialect.NEO4J, 7, None)


def test_settings_from_environment(tmp_path: Path) -> None:
    s = Settings.from_env(
        {"SANCTIONS_GRAPH_HOME": str(tmp_path), "SANCTIONS_GRAPH_STORE": "NEO4J", "NEO4J_URI": "bolt://h:1"}
    )
    assert (s.store, s.home, s.neo4j_uri, s.neo4j_database) == ("neo4j", tmp_path, "bolt://h:1", "neo4j")
    assert Settings.from_env({}, store="embedded").store == "embedded"
    with pytest.raises(ConfigError, match="Unknown store 'sqlite'"):
        Settings.from_env({"SANCTIONS_GRAPH_STORE": "sqlite"})
    with pytest.raises(ConfigError, match="QUERY_TIMEOUT"):
        Settings.from_env({"SANCTIONS_GRAPH_QUERY_TIMEOUT": "soon"})


def test_source_format_error_names_file_line_and_field() -> None:
    err = SourceFormatError("sdn.csv", 12, "SDN_Type", "unknown type 'ship'")
    assert str(err) == "sdn.csv, line 12, field 'SDN_Type': unknown type 'ship'"
