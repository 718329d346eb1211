"""dashboard/request_gc.py: no automatic cyclic garbage collection while the dashboard answers a request."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from dash import Dash

from dashboard.app import create_app
from graph.vocabulary import NodeKind
from tests.doubles import RecordingReader
from tests.factories import ent


@pytest.fixture
def collecting() -> Iterator[None]:
    """Automatic collection on before the test and again after it, whatever the test did."""
    gc.enable()
    try:
        yield
    finally:
        gc.enable()


def _app() -> Dash:
    app = create_app(RecordingReader.of((ent("p-1", NodeKind.PERSON, "Kim Il"),), ()))
    app.server.add_url_rule("/_probe/gc", "probe_gc", lambda: {"collecting": gc.isenabled()})
    app.server.add_url_rule("/_probe/fail", "probe_fail", lambda: 1 / 0)
    return app


def test_collection_is_off_while_a_request_is_answered_and_on_again_after(collecting: None) -> None:
    client = _app().server.test_client()
    assert client.get("/_probe/gc").get_json() == {"collecting": False}
    assert gc.isenabled()
    assert client.get("/_probe/fail").status_code == 500  # a request that fails switches it back on too
    assert gc.isenabled()
    assert client.get("/").status_code == 200 and gc.isenabled()  # a page, Dash's own first-request setup
    gc.disable()  # switched off by someone else: stays off
    assert client.get("/_probe/gc").get_json() == {"collecting": False}
    assert not gc.isenabled()


def test_requests_at_once_never_leave_collection_off(collecting: None) -> None:
    """Two requests answered at once (two server threads), ending in either order."""
    app = _app()
    server = app.server
    inside = {name: threading.Event() for name in "ab"}
    release = {name: threading.Event() for name in "ab"}

    def wait(name: str) -> dict[str, bool]:
        inside[name].set()
        assert release[name].wait(10)
        return {"collecting": gc.isenabled()}

    server.add_url_rule("/_probe/wait/<name>", "probe_wait", wait)
    for order in ("ab", "ba"):
        for event in (*inside.values(), *release.values()):
            event.clear()
        threads = {n: threading.Thread(target=server.test_client().get, args=(f"/_probe/wait/{n}",)) for n in "ab"}
        for name in "ab":
            threads[name].start()
            assert inside[name].wait(10)
        assert not gc.isenabled()  # both being answered
        for name in order:
            release[name].set()
            threads[name].join(10)
        assert gc.isenabled(), order
