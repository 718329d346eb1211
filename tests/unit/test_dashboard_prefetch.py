"""The entity page worked out while the browser loads the app (dashboard/entity/prefetch.py)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from dashboard.app import create_app
from dashboard.entity import prefetch
from dashboard.entity.prefetch import MAX_KEPT, Prefetcher, key_of, query_of
from graph.stores.memory_store import MemoryStore
from sanctions_graph.cli import load_demo
from tests.unit.dash_app import router_request

HTML = {"Accept": "text/html,application/xhtml+xml"}
DEMO_ENTITY = "ofac-43377"


def test_query_as_dash_pages_hands_it_to_a_layout() -> None:
    assert query_of("hops=2&kinds=Person&kinds=Company&q=") == {"hops": "2", "kinds": ["Person", "Company"], "q": ""}
    assert key_of("a", {"hops": "2", "layout": "force"}) == key_of("a", {"layout": "force", "hops": "2"})
    assert key_of("a", {"hops": "2"}) != key_of("a", {"hops": "3"}) != key_of("b", {"hops": "3"})


def test_a_page_worked_out_ahead_is_taken_once_and_a_failure_is_worked_out_again() -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    gate = threading.Event()

    def render(entity_id: str, query: dict[str, Any]) -> Any:
        gate.wait(5)
        calls.append((entity_id, query))
        if entity_id == "broken":
            raise RuntimeError("store gone")
        return f"page of {entity_id}"

    ahead = Prefetcher(render)
    assert ahead.start("a", {"hops": "2"})
    assert not ahead.start("a", {"hops": "2"})  # already under way
    gate.set()
    assert ahead.take("a", {"hops": "2"}) == "page of a"  # waits for the work under way
    assert ahead.take("a", {"hops": "2"}) is None  # once
    assert ahead.take("c", {}) is None  # never asked for
    assert ahead.start("broken", {})
    assert ahead.take("broken", {}) is None
    assert calls == [("a", {"hops": "2"}), ("broken", {})]


def test_no_more_than_max_kept_pages_are_kept_or_under_way() -> None:
    ahead = Prefetcher(lambda entity_id, query: entity_id)
    assert all(ahead.start(f"e{k}", {}) for k in range(MAX_KEPT))
    assert not ahead.start("one-more", {})
    assert ahead.take("e0", {}) == "e0"
    assert ahead.start("one-more", {})  # room again


def test_the_work_is_done_on_one_daemon_thread_started_by_the_first_page() -> None:
    def workers() -> list[threading.Thread]:
        return [thread for thread in threading.enumerate() if thread.name == "sg-entity-prefetch"]

    before = len(workers())
    names: list[str] = []
    ahead = Prefetcher(lambda entity_id, query: names.append(threading.current_thread().name) or entity_id)
    assert len(workers()) == before  # an idle app has no worker
    assert ahead.start("a", {}) and ahead.start("b", {})
    assert ahead.take("a", {}) == "a" and ahead.take("b", {}) == "b"
    assert names == ["sg-entity-prefetch", "sg-entity-prefetch"]
    started = [thread for thread in workers() if thread.is_alive()]
    assert len(started) == before + 1 and all(thread.daemon for thread in started)  # never holds the process open


class CountingStore(MemoryStore):
    """The demo store, counting the neighbourhood reads (one per entity page worked out)."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def neighbourhood(self, *args: Any, **kwargs: Any) -> Any:
        self.reads += 1
        return super().neighbourhood(*args, **kwargs)


@pytest.fixture(scope="module")
def counting() -> CountingStore:
    store = CountingStore()
    load_demo(store, quiet=True)
    return store


def test_the_html_request_works_out_the_page_the_router_then_sends(counting: CountingStore) -> None:
    app = create_app(counting)
    client = app.server.test_client()
    assert client.get("/").status_code == 200  # the first request sets up the router
    before = counting.reads
    fresh = client.post("/_dash-update-component", json=router_request(f"/entity/{DEMO_ENTITY}", "?hops=2"))
    assert counting.reads == before + 1

    # the browser opens the address: its HTML page, then the router's callback for it
    assert client.get(f"/entity/{DEMO_ENTITY}?hops=2", headers=HTML).status_code == 200
    ahead = client.post("/_dash-update-component", json=router_request(f"/entity/{DEMO_ENTITY}", "?hops=2"))
    assert counting.reads == before + 2  # read once, ahead; the router took it
    assert json.loads(ahead.data) == json.loads(fresh.data)  # the same page

    # another query is not that page; a script's request (not for HTML) starts nothing
    client.get(f"/entity/{DEMO_ENTITY}?hops=1", headers=HTML)
    deadline = time.monotonic() + 10
    while counting.reads < before + 3 and time.monotonic() < deadline:  # worked out ahead, on its thread
        time.sleep(0.01)
    other = client.post("/_dash-update-component", json=router_request(f"/entity/{DEMO_ENTITY}", "?hops=3"))
    assert counting.reads == before + 4 and other.status_code == 200
    assert prefetch.take(DEMO_ENTITY, {"hops": "1"}) is None  # no app serving a request here
    client.get(f"/entity/{DEMO_ENTITY}?hops=2", headers={"Accept": "application/json"})
    assert counting.reads == before + 4
