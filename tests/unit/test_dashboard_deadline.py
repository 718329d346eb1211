"""A hung store gives a sentence at the deadline, on the store call and on the page an analyst opened."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from dashboard.app import create_app
from dashboard.deadline import with_deadline
from graph import StoreUnavailable
from tests.doubles import HungStore
from tests.unit.dash_app import route


@pytest.fixture
def hung() -> Iterator[HungStore]:
    store = HungStore("get_entity")  # answers search, but get_entity hangs
    yield store
    store.release.set()


def test_a_call_past_the_deadline_is_a_sentence(hung: HungStore) -> None:
    store = with_deadline(hung, 0.3)
    assert store.search("anything") == []  # calls that answer pass through
    assert store.description == hung.description
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match=r"did not answer within 0\.3 s"):
        store.get_entity("x")
    assert time.monotonic() - started < 2


def test_the_entity_page_of_a_hung_store_shows_the_sentence(hung: HungStore) -> None:
    app = create_app(with_deadline(hung, 0.3))
    started = time.monotonic()
    page = json.dumps(route(app, "/entity/x"))
    assert "The graph store did not answer within 0.3 s" in page
    assert time.monotonic() - started < 5
