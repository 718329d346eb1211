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


def _neo4j_server() -> str | None:
    """The pid of the local Neo4j server of scripts/neo4j.sh ($NEO4J_RUN_DIR/neo4j.pid), None without one: a new
    pid means the server was restarted, as `scripts/neo4j.sh import` does with the database it replaces."""
    run_dir = os.environ.get("NEO4J_RUN_DIR")
    if not run_dir:
        return None
    try:
        return (Path(run_dir) / "neo4j.pid").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


class SessionStores:
    """The session's store of each kind, opened once. The Neo4j one is opened again when the local server was
    restarted since (the bulk import test replaces the database): the old driver's bookmarks name transactions the
    new database never had, so its next sessions waited out Neo4j's bookmark timeout (2 x 60 s) before it forgot
    them."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._tmp = tmp_path_factory
        self._server = _neo4j_server()
        self._values = {kind: self._open(kind) for kind in STORE_KINDS}

    def _open(self, kind: str) -> GraphStore | Exception:
        try:
            return open_store(_settings(kind, self._tmp.mktemp(f"home-{kind}")))
        except StoreUnavailable as exc:
            return exc

    def get(self, kind: str) -> GraphStore | Exception:
        if kind == "neo4j" and (server := _neo4j_server()) != self._server:
            self._server = server
            old = self._values[kind]
            if not isinstance(old, Exception):
                old.close()
            self._values[kind] = self._open(kind)
        return self._values[kind]

    def close(self) -> None:
        for value in self._values.values():
            if not isinstance(value, Exception):
                value.close()


@pytest.fixture(scope="session")
def _open_stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionStores]:
    stores = SessionStores(tmp_path_factory)
    yield stores
    stores.close()


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
def store(request: pytest.FixtureRequest, _open_stores: SessionStores) -> Iterator[GraphStore]:
    """An empty store of each kind (the test runs once per store)."""
    with _emptied(request.param, _open_stores.get(request.param)) as value:
        yield value


def _each_emptied(stores: SessionStores) -> Iterator[tuple[str, GraphStore]]:
    for kind in STORE_KINDS:
        with _emptied(kind, stores.get(kind)) as store:
            yield kind, store


@pytest.fixture
def each_store(_open_stores: SessionStores) -> Iterator[tuple[str, GraphStore]]:
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
