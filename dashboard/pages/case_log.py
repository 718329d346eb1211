"""The dashboard's half of a case's query log (graph.cases.querylog): the search, entity, paths and trace pages an
analyst opens while working in a case (``cases.current_case``: the case chosen on its page, kept in a cookie) are
logged in it with who, when, what and how many results.

One hook serves every page: ``logged_layout`` wraps a page's layout (``app._register_page``). The page is built
first and returned as it is; the log is written afterwards on one background thread (graph's runner counts the
results, as a replay will), so it never slows a page view, and a log that fails is a line in the server's log.
Callbacks log through ``note_query`` too: a screening uploaded to /screen (with its count, and the file kept for the
replay) and an expansion on the entity page.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from dashboard import context
from dashboard.entity.actions import MAX_VIEW_NODES
from dashboard.entity.view_state import parse_view_state
from dashboard.pages.analysis import trace_params, wants_through
from dashboard.pages.cases import case_store, case_user, current_case, keeps_cases
from dashboard.pages.paths import parse_query
from dashboard.pages.search import SEARCH_LIMIT, query_text
from graph import CaseNotFound, CaseStore, QueryKind, get_case, log_query

log = logging.getLogger(__name__)

Params = dict[str, Any] | None
Counted = tuple[int, list[str]]

#: What the writer thread has to do: logs are written in the order the pages were served.
_queue: queue.Queue[Callable[[], None]] = queue.Queue()
_started = threading.Lock()
_thread: list[threading.Thread] = []


def _work() -> None:
    while True:
        try:
            job = _queue.get()
        except SystemExit:  # a test server's thread killer: this daemon thread ends with the process, not before
            continue
        try:
            job()
        except BaseException:
            log.warning("a query log job failed", exc_info=True)
        finally:
            _queue.task_done()


def _submit(job: Callable[[], None]) -> None:
    """Queue a job for the one daemon writer thread (started on first use; it never holds a process open)."""
    with _started:
        if not _thread or not _thread[-1].is_alive():  # first use, or stopped by whoever stopped the server
            _thread.append(threading.Thread(target=_work, name="case-query-log", daemon=True))
            _thread[-1].start()
    _queue.put(job)


def search_params(q: Any = None, **_: Any) -> Params:
    text = query_text(q)
    return {"text": text, "limit": SEARCH_LIMIT} if text else None


def entity_params(entity_id: str | None = None, **query: Any) -> Params:
    if not entity_id or not unquote(entity_id).strip():
        return None
    return {"id": unquote(entity_id).strip(), "hops": parse_view_state(query).hops, "limit": MAX_VIEW_NODES}


def paths_params(**params: Any) -> Params:
    q = parse_query(params)
    if not q.source or not q.target:
        return None
    types = ",".join(t.value for t in q.types) if q.types else None
    return {"source": q.source, "target": q.target, "k": q.k, "max_hops": q.max_hops, "types": types}


def trace_query_params(**params: Any) -> Params:
    p = trace_params(params)
    if not p["wallet"]:
        return None
    return {
        "start": p["wallet"],
        "direction": p["direction"].value,
        "hops": p["hops"],
        "since": p["since"].isoformat() if p["since"] else None,
        "until": p["until"].isoformat() if p["until"] else None,
        "through_services": wants_through(params),
    }


#: The logged pages (by the module name they are registered under): the kind of query and its parameters from the
#: page's path and query string.
LOGGED: dict[str, tuple[QueryKind, Callable[..., Params]]] = {
    "dashboard.pages.search": (QueryKind.SEARCH, search_params),
    "dashboard.entity": (QueryKind.ENTITY, entity_params),
    "dashboard.pages.paths": (QueryKind.PATHS, paths_params),
    "dashboard.pages.trace": (QueryKind.TRACE, trace_query_params),
}


def _write(
    store: CaseStore, case_id: str, kind: QueryKind, params: dict[str, Any], user: str, counted: Counted | None = None
) -> None:
    try:
        get_case(store, case_id)
    except CaseNotFound:
        return  # the case was deleted since it was chosen: nothing to log in
    except Exception:
        log.warning("the %s query could not be logged in case %s", kind, case_id, exc_info=True)
        return
    log_query(store, case_id, kind, params, user, via="dashboard", counted=counted)


def note_query(kind: QueryKind, params: Params, counted: Counted | None = None) -> None:
    """Queue the log of a page's query in the current case (none chosen, or nothing asked: nothing logged);
    ``counted``: its results as the page found them (else graph's runner counts them again)."""
    case_id = current_case()
    if case_id is None or params is None:
        return
    store = context.current().store
    if not keeps_cases(store):
        return
    records, user = case_store(store), case_user()
    _submit(lambda: _write(records, case_id, kind, params, user, counted))


def note_expansion(entity_id: str, rel_type: str | None, size: int) -> None:
    """An expansion on the entity page (the entity's next neighbours, of one relationship type or all), logged in
    the current case as the entity's one-hop neighbourhood (graph's runner counts it after the answer was sent)."""
    try:
        note_query(QueryKind.ENTITY, {"id": entity_id, "hops": 1, "types": rel_type, "limit": size})
    except Exception:  # the log never breaks the page
        log.warning("the expansion of %s could not be logged", entity_id, exc_info=True)


def logged_layout(module: str, layout: Any) -> Any:
    """The page's layout, logging its query in the current case after building the page (others unchanged)."""
    if module not in LOGGED or not callable(layout):
        return layout
    kind, params_of = LOGGED[module]

    @functools.wraps(layout)
    def page(*args: Any, **kwargs: Any) -> Any:
        shown = layout(*args, **kwargs)
        try:
            note_query(kind, params_of(**kwargs))
        except Exception:  # the log never breaks the page
            log.warning("the %s page's query could not be logged", kind, exc_info=True)
        return shown

    return page


def drain(timeout_s: float = 10.0) -> None:
    """Wait for the logs queued so far (tests; a server shutting down)."""
    done = threading.Event()
    _submit(done.set)
    done.wait(timeout_s)


__all__ = ["LOGGED", "drain", "logged_layout", "note_expansion", "note_query"]
