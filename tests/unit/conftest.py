"""Fixtures shared by the unit tests of the cases pages and the entity page's case features."""

from __future__ import annotations

import pytest

from graph import delete_case, list_cases
from graph.stores.memory_store import MemoryStore
from sanctions_graph.cli import load_demo


@pytest.fixture(scope="module")
def demo() -> MemoryStore:
    """The demo data loaded in a memory store, once per test module."""
    store = MemoryStore()
    load_demo(store, quiet=True)
    return store


@pytest.fixture
def store(demo: MemoryStore) -> MemoryStore:
    """The module's demo store with no case in it (cases written by the test before are deleted)."""
    for case in list_cases(demo):
        delete_case(demo, case.id)
    return demo
