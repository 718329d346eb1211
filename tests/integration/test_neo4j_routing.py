"""The Neo4j store through a routing URI (neo4j://, what a cluster or Aura needs): the store suite's read and write
paths run against the local server, reads in read transactions, writes in write transactions, bookmarks chaining
them so a write is seen by the next read.

The `store` fixture below replaces conftest's for this module only: the store suite's tests imported here run once,
on Neo4j through neo4j://.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from graph.settings import Settings
from graph.stores.base import GraphStore
from graph.stores.neo4j_store import Neo4jStore
from graph.vocabulary import NodeKind, Prop
from tests.integration.test_store import (  # noqa: F401  (tests and the fixture they need, collected here too)
    chain,
    company,
    test_delete_nodes_removes_their_relationships,
    test_get_entity_and_not_found,
    test_iterate_everything_in_batches,
    test_neighbourhood_by_hops,
    test_neighbourhood_keeps_links_among_the_outermost_ring,
    test_search_finds_identifiers_exactly_in_any_case,
    test_set_node_properties_writes_only_named_properties,
    test_shortest_path,
    test_stats,
    test_upsert_is_idempotent,
)


def _routing_settings(home: Path) -> Settings:
    env = dict(os.environ)
    env["SANCTIONS_GRAPH_HOME"] = str(home)
    settings = Settings.from_env(env, store="neo4j")
    address = urlsplit(settings.neo4j_uri)
    return replace(settings, neo4j_uri=f"neo4j://{address.hostname}:{address.port or 7687}")


@pytest.fixture(scope="module")
def _routing_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jStore]:
    store = Neo4jStore.connect(_routing_settings(tmp_path_factory.mktemp("routing")))
    yield store
    store.close()


@pytest.fixture
def store(_routing_store: Neo4jStore) -> Iterator[GraphStore]:
    """An empty Neo4j store reached through a neo4j:// routing URI."""
    _routing_store.clear()
    _routing_store.ensure_schema()
    yield _routing_store
    _routing_store.clear()


def test_the_store_speaks_through_a_routing_uri(store: GraphStore) -> None:
    assert "neo4j://" in store.description


def test_a_write_is_read_at_once_by_a_new_read_session(store: GraphStore) -> None:
    """Each call opens its own session; the bookmark manager makes the read wait for the write before it."""
    for i in range(5):
        store.upsert_nodes(NodeKind.COMPANY, [company(f"rw{i}", f"Read Own Write {i}")])
        assert store.get_entity(f"rw{i}").properties[Prop.NAME.value] == f"Read Own Write {i}"
    assert store.stats().nodes == {"Company": 5}


def test_read_only_user_settings() -> None:
    env = {"NEO4J_USERNAME": "loader", "NEO4J_PASSWORD": "w", "NEO4J_READ_USERNAME": "viewer"}
    env["NEO4J_READ_PASSWORD"] = "r"
    reading = Settings.from_env(env, store="neo4j").for_reading()
    assert (reading.neo4j_username, reading.neo4j_password) == ("viewer", "r")
    plain = Settings.from_env({"NEO4J_USERNAME": "loader", "NEO4J_PASSWORD": "w"}, store="neo4j")
    assert plain.for_reading() == plain
