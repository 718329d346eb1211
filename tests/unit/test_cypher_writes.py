"""Write-side Cypher: relationship lookups by id go through the type's id index on both dialects."""

from __future__ import annotations

import pytest

from graph import cypher
from graph.cypher import Dialect
from graph.vocabulary import RelType


@pytest.mark.parametrize("build", [cypher.existing_relationships, cypher.delete_relationships])
def test_neo4j_relationship_seeks_carry_an_index_hint_falkordb_ones_none(build: object) -> None:
    neo4j = build(Dialect.NEO4J, RelType.HOLDS)  # type: ignore[operator]
    falkor = build(Dialect.FALKORDB, RelType.HOLDS)  # type: ignore[operator]
    assert "USING INDEX SEEK r:HOLDS(id)" in neo4j  # a seek: "USING INDEX" also allows a scan of the index
    assert "USING INDEX" not in falkor
    assert "MATCH ()-[r:HOLDS {id: rid}]->()" in falkor


def test_relationship_types_only_from_the_vocabulary() -> None:
    with pytest.raises(TypeError):
        cypher.existing_relationships(Dialect.NEO4J, "HOLDS")  # type: ignore[arg-type]
