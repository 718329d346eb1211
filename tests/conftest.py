"""Shared fixtures: the stores (embedded FalkorDB, Neo4j and the in-memory store, which must behave like them), and
an embedded store loaded with the demo data.

Neo4j is required: the test command starts one (scripts/neo4j.sh) and exports NEO4J_*; if it is unreachable the
Neo4j-parametrised tests FAIL, they are never skipped, so the suite cannot pass without a real Neo4j.
A test that needs a behaviour only the servers have takes `@pytest.mark.server_only(reason=...)`: its memory
variant is deselected.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph.errors import StoreUnavailable
from graph.settings import Settings
from graph.stores.base import GraphStore
from graph.stores.factory import open_store

#: Commands the tests run stop the embedded server they start when they end (the CLI's default leaves it running for
#: 10 minutes); tests of the idle timeout set it themselves and stop the server.
os.environ["SANCTIONS_GRAPH_IDLE_TIMEOUT"] = "0"

#: The real stores (servers), and every kind the `store` fixture runs a test on.
SERVER_STORE_KINDS = ("embedded", "neo4j")
STORE_KINDS = (*SERVER_STORE_KINDS, "memory")


def _settings(kind: str, home: Path) -> Settings:
    env = dict(os.environ)
    env["SANCTIONS_GRAPH_HOME"] = str(home)
    return Settings.from_env(env, store=kind)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the non-server variants of tests marked server_only (they need a behaviour only servers have)."""
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        kind = getattr(getattr(item, "callspec", None), "params", {}).get("store")
        if item.get_closest_marker("server_only") is not None and kind is not None and kind not in SERVER_STORE_KINDS:
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def _open_stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, GraphStore | Exception]]:
    stores: dict[str, GraphStore | Exception] = {}
    for kind in STORE_KINDS:
        try:
            stores[kind] = open_store(_settings(kind, tmp_path_factory.mktemp(f"home-{kind}")))
        except StoreUnavailable as exc:
            stores[kind] = exc
    yield stores
    for value in stores.values():
        if not isinstance(value, Exception):
            value.close()


@contextmanager
def _emptied(kind: str, value: GraphStore | Exception) -> Iterator[GraphStore]:
    """The store of ``kind`` empty (with its schema) for a test, emptied again after it; one that could not be
    opened fails the test."""
    if isinstance(value, Exception):
        pytest.fail(f"the {kind} store is required for this suite and is unavailable: {value}")
    value.clear()
    value.ensure_schema()
    try:
        yield value
    finally:
        value.clear()


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, _open_stores: dict[str, GraphStore | Exception]) -> Iterator[GraphStore]:
    """An empty store of each kind (the test runs once per store)."""
    with _emptied(request.param, _open_stores[request.param]) as value:
        yield value


def _each_emptied(stores: dict[str, GraphStore | Exception]) -> Iterator[tuple[str, GraphStore]]:
    for kind, value in stores.items():
        with _emptied(kind, value) as store:
            yield kind, store


@pytest.fixture
def each_store(_open_stores: dict[str, GraphStore | Exception]) -> Iterator[tuple[str, GraphStore]]:
    """For a test that compares the stores: each kind with its store, in turn, empty during its turn only."""
    return _each_emptied(_open_stores)


@pytest.fixture(scope="session")
def store_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Settings]:
    """Settings of a fresh home per store kind, for CLI tests that open their own store."""
    return {kind: _settings(kind, tmp_path_factory.mktemp(f"cli-{kind}")) for kind in SERVER_STORE_KINDS}


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """An embedded store of its own, loaded with the demo data (OFAC extract + fictional scenario)."""
    from sanctions_graph.cli import load_demo

    s = open_store(_settings("embedded", tmp_path_factory.mktemp("demo-home")))
    try:
        load_demo(s, quiet=True)
        yield s
    finally:
        s.close()
