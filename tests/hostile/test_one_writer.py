"""Never duplicated: ids unique by constraint on both stores, one load at a time per store."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import (
    ENTITY_LABEL,
    GraphStore,
    NodeKind,
    NodeRecord,
    RelRecord,
    RelType,
    SanctionsGraphError,
    Settings,
    StoreBusy,
    write_session,
)
from graph.stores.cypher_store import CypherStore

_CREATE_NODE = f"CREATE (:{ENTITY_LABEL} {{id: $id}})"
_CREATE_REL = (
    f"MATCH (a:{ENTITY_LABEL} {{id: $a}}), (b:{ENTITY_LABEL} {{id: $b}})"
    f" CREATE (a)-[:{RelType.OWNS.value} {{id: $id}}]->(b)"
)


def test_a_second_writer_of_an_id_is_refused_with_a_sentence(store: GraphStore) -> None:
    """Two writers that both saw an id as new (the race of two loads at once): the second create fails with a
    sentence instead of writing a duplicate, for nodes and relationships alike."""
    if not isinstance(store, CypherStore):
        pytest.skip("the in-memory store has one writer by construction")
    store.upsert_nodes(
        NodeKind.COMPANY, [NodeRecord("c1", NodeKind.COMPANY, {}), NodeRecord("c2", NodeKind.COMPANY, {})]
    )
    store.upsert_relationships(RelType.OWNS, [RelRecord("r1", RelType.OWNS, "c1", "c2", {})])
    with pytest.raises(SanctionsGraphError, match="Another load wrote the same ids"):
        store._write(_CREATE_NODE, {"id": "c1"})
    with pytest.raises(SanctionsGraphError, match="Another load wrote the same ids"):
        store._write(_CREATE_REL, {"a": "c1", "b": "c2", "id": "r1"})
    stats = store.stats()
    assert stats.total_nodes == 2
    assert sum(stats.relationships.values()) == 1


@pytest.mark.parametrize("kind", ["embedded", "neo4j"])
def test_one_load_at_a_time(kind: str, tmp_path: Path, store_settings: dict[str, Settings]) -> None:
    """A second load of the same store while one writes is refused at once, in a sentence; after the first ends,
    the next one may write."""
    settings = store_settings[kind]
    busy = r"Another load \(pid \d+\) is writing to the .* store right now"
    with write_session(settings), pytest.raises(StoreBusy, match=busy), write_session(settings):
        pass
    with write_session(settings) as store:
        assert store.stats().total_nodes >= 0
