"""Open the store the settings name, and manage the embedded server. The one place that chooses a backend.

Callers (the CLI, benchmarks) use these functions, never EmbeddedServer itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from graph.settings import Settings
from graph.stores.base import GraphStore
from graph.stores.embedded_server import DEFAULT_START_TIMEOUT_S, EmbeddedServer, ServerStatus
from graph.stores.write_lock import exclusive_writer, lock_path

__all__ = [
    "DEFAULT_START_TIMEOUT_S",
    "ServerStatus",
    "embedded_status",
    "open_store",
    "reset_store",
    "stop_embedded",
    "store_session",
    "wait_for_embedded_persistence",
    "write_session",
]


def open_store(settings: Settings, start_timeout_s: float = DEFAULT_START_TIMEOUT_S) -> GraphStore:
    """Connect to (or start) the configured store; raises StoreUnavailable with a sentence when it can't.

    ``start_timeout_s``: how long a start of the embedded server may take (a big store loads for minutes).
    Kind "memory" gives a new, empty in-memory store each time (unit tests; nothing is persisted)."""
    if settings.store == "neo4j":
        from graph.stores.neo4j_store import Neo4jStore

        return Neo4jStore.connect(settings)
    if settings.store == "memory":
        from graph.stores.memory_store import MemoryStore

        return MemoryStore()
    from graph.stores.falkor_store import FalkorStore

    return FalkorStore.open(settings, start_timeout_s)


@contextlib.contextmanager
def store_session(settings: Settings, start_timeout_s: float = DEFAULT_START_TIMEOUT_S) -> Iterator[GraphStore]:
    store = open_store(settings, start_timeout_s)
    try:
        yield store
    finally:
        store.close()


@contextlib.contextmanager
def write_session(settings: Settings, start_timeout_s: float = DEFAULT_START_TIMEOUT_S) -> Iterator[GraphStore]:
    """A store session for a load: it holds the store's write lock (one writer at a time per store; a second load
    is refused with a sentence, StoreBusy) for the whole session. After a load that ends well the embedded store's
    data is kept as its last good copy (restored by itself when the server cannot start on damaged files)."""
    address = settings.store if settings.store != "neo4j" else f"{settings.neo4j_uri}/{settings.neo4j_database}"
    if settings.store == "memory":
        with store_session(settings, start_timeout_s) as store:
            yield store
        return
    path = lock_path(settings.home, settings.store, address)
    with exclusive_writer(path, f"the {settings.store} store"):
        with store_session(settings, start_timeout_s) as store:
            yield store
        if settings.store == "embedded":  # a server that goes on running (serve): keep a last good copy now
            EmbeddedServer(settings.home).snapshot_running()


# --- the embedded server of ``settings.home`` (whatever ``settings.store`` says) ---------------------------------


def embedded_status(settings: Settings) -> ServerStatus:
    """Whether the embedded server of ``settings.home`` runs (pid, socket, data directory); ``.describe()`` says
    it in a sentence."""
    return EmbeddedServer(settings.home).status()


def stop_embedded(settings: Settings) -> bool:
    """Stop the embedded server of ``settings.home``, saving its data first; False if none was running."""
    return EmbeddedServer(settings.home).stop()


def wait_for_embedded_persistence(settings: Settings, timeout_s: float) -> float:
    """Wait (up to ``timeout_s``) until the embedded server has no log rewrite or snapshot running; returns the
    seconds waited (best effort: a server that does not answer is not waited for)."""
    return EmbeddedServer(settings.home).wait_for_persistence(timeout_s)


def reset_store(settings: Settings) -> str:
    """Delete every entity and relationship of the configured store; returns the store's description (for a
    sentence such as 'Deleted every entity and relationship from <description>.')."""
    with store_session(settings) as store:
        store.clear()
        return store.description
