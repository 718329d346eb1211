"""The entity page worked out while the browser is still loading the app (``install``).

An analyst who opens ``/entity/<id>?…`` (a link, a bookmark, a reload) first gets the app's HTML page; the browser
then loads and runs the app's scripts and asks for the page's layout in Dash pages' callback, 0.1-0.2 s later, and
only then did the server start reading the view (0.4 s for a 2,000-node view). Now the HTML request starts the
same work on a worker thread, and the callback takes its result when it asks for the same entity and query
(``take``), so reading the store overlaps with the browser loading the app. The page is the same: the entity page
depends only on the store, the entity and the query (no user, session or case; the case log is written by the
callback as before). A result nobody takes is dropped after ``KEPT_SECONDS``; at most ``MAX_KEPT`` are kept or
under way, so requests for the HTML page alone cannot queue unbounded work. The work is done by one daemon thread,
started with the first page asked for: it never holds a process open at exit, and an idle app has none.
"""

from __future__ import annotations

import gc
import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any
from urllib.parse import parse_qs

import flask

log = logging.getLogger(__name__)

#: The entity page's address, as the app's HTML page is asked for.
PREFIX = "/entity/"
#: Seconds a worked-out page waits for its callback.
KEPT_SECONDS = 20.0
#: Pages kept or under way at most.
MAX_KEPT = 4
#: Seconds the callback waits at most for a page under way (then it works the page out itself).
WAIT_SECONDS = 120.0
#: Where an app's prefetcher is kept (its Flask server's extensions).
EXTENSION_KEY = "sanctions_graph_entity_prefetch"

Render = Callable[[str, dict[str, Any]], Any]
Key = tuple[str, tuple[tuple[str, Any], ...]]


def query_of(query_string: str) -> dict[str, Any]:
    """A query string's values as Dash pages hands them to a page's layout: a name given once maps to its value,
    a name given several times to the list of them (blank values kept)."""
    parsed = parse_qs(query_string, keep_blank_values=True)
    return {name: values[0] if len(values) == 1 else values for name, values in parsed.items()}


def key_of(entity_id: str, query: Mapping[str, Any]) -> Key:
    """The same entity and query give the same key, whatever the order of the query's names."""
    items = ((name, tuple(value) if isinstance(value, list) else value) for name, value in query.items())
    return entity_id, tuple(sorted(items, key=lambda item: item[0]))


class Prefetcher:
    """Entity pages worked out ahead (``start``) for the callback that will ask for them (``take``)."""

    def __init__(self, render: Render) -> None:
        self._render = render
        self._lock = threading.Lock()
        self._kept: dict[Key, tuple[float, Future[Any]]] = {}
        self._queue: queue.SimpleQueue[tuple[Future[Any], str, dict[str, Any]]] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None

    def start(self, entity_id: str, query: Mapping[str, Any]) -> bool:
        """Start working out the page of ``entity_id`` with ``query``; False when it is already kept or under way,
        or when MAX_KEPT are."""
        key, now = key_of(entity_id, query), time.monotonic()
        with self._lock:
            self._kept = {k: kept for k, kept in self._kept.items() if now - kept[0] < KEPT_SECONDS}
            if key in self._kept or len(self._kept) >= MAX_KEPT:
                return False
            future: Future[Any] = Future()
            self._kept[key] = (now, future)
            self._queue.put((future, entity_id, dict(query)))
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="sg-entity-prefetch", daemon=True)
                self._worker.start()
        return True

    def take(self, entity_id: str, query: Mapping[str, Any]) -> Any | None:
        """The page worked out ahead for ``entity_id`` and ``query`` (waiting for it if under way), once; None when
        there is none, it is too old, or working it out failed (the caller then works it out itself)."""
        with self._lock:
            kept = self._kept.pop(key_of(entity_id, query), None)
        if kept is None or time.monotonic() - kept[0] >= KEPT_SECONDS:
            return None
        try:
            return kept[1].result(timeout=WAIT_SECONDS)
        except Exception:  # worked out again by the caller, which shows its own error if it fails too
            log.warning("the entity page of %s worked out ahead failed", entity_id, exc_info=True)
            return None

    def _run(self) -> None:
        """Work out the pages asked for, one at a time, for as long as the process runs."""
        while True:
            future, entity_id, query = self._queue.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = self._work(entity_id, query)
            except Exception as error:  # handed to the taker, which works the page out itself
                future.set_exception(error)
            else:
                future.set_result(result)

    def _work(self, entity_id: str, query: dict[str, Any]) -> Any:
        # no cyclic garbage collection meanwhile, as while a request is answered (dashboard/request_gc.py)
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            return self._render(entity_id, query)
        finally:
            if paused:
                gc.enable()


def install(server: flask.Flask, render: Render) -> Prefetcher:
    """Start working out the entity page whenever ``server`` is asked for its HTML page (``render(entity_id,
    query)`` on a worker thread); the page's layout takes it with ``take(server, …)``."""
    prefetcher = Prefetcher(render)
    server.extensions[EXTENSION_KEY] = prefetcher

    def on_request() -> None:
        request = flask.request
        if request.method != "GET" or not request.path.startswith(PREFIX):
            return
        if "text/html" not in (request.headers.get("Accept") or ""):
            return
        entity_id = request.path[len(PREFIX) :]
        if entity_id.strip() and "/" not in entity_id:
            prefetcher.start(entity_id, query_of(request.query_string.decode("utf-8", "replace")))

    server.before_request(on_request)
    return prefetcher


def take(entity_id: str, query: Mapping[str, Any]) -> Any | None:
    """The page worked out ahead for this app (the request's) for ``entity_id`` and ``query``, else None."""
    if not flask.has_app_context():
        return None
    prefetcher = flask.current_app.extensions.get(EXTENSION_KEY)
    return prefetcher.take(entity_id, query) if isinstance(prefetcher, Prefetcher) else None
