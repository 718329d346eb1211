"""Open the store the settings name. The one place that chooses a backend."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from graph.settings import Settings
from graph.stores.base import GraphStore


def open_store(settings: Settings) -> GraphStore:
    """Connect to (or start) the configured store; raises StoreUnavailable with a sentence when it can't.

    Kind "memory" gives a new, empty in-memory store each time (unit tests; nothing is persisted)."""
    if settings.store == "neo4j":
        from graph.stores.neo4j_store import Neo4jStore

        return Neo4jStore.connect(settings)
    if settings.store == "memory":
        from graph.stores.memory_store import MemoryStore

        return MemoryStore()
    from graph.stores.falkor_store import FalkorStore

    return FalkorStore.open(settings)


@contextlib.contextmanager
def store_session(settings: Settings) -> Iterator[GraphStore]:
    store = open_store(settings)
    try:
        yield store
    finally:
        store.close()
