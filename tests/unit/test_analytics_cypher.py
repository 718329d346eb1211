"""The analytics' Cypher builders: vocabulary-only names, parameters only, the planner-friendly shapes."""

from __future__ import annotations

import pytest

from graph import cypher
from graph.vocabulary import NodeKind, Prop, RelType


def test_links_patterns_and_columns() -> None:
    out = cypher.links("out", [RelType.OWNS], [Prop.PERCENTAGE], [Prop.NAME])
    assert "MATCH (n:Entity {id: nid})-[r:OWNS]->(m:Entity)" in out
    assert "r.percentage AS r_percentage" in out and "m.name AS m_name" in out
    assert "<-[r:OWNS|PAID]-" in cypher.links("in", [RelType.OWNS, RelType.PAID], [], [])
    both = cypher.links("both", None, [], [], other_flag=Prop.SANCTIONED)
    assert "-[r]-(m:Entity)" in both
    # the filter on the other end sits after a WITH, so FalkorDB starts from the id index, not a label scan
    assert "WITH nid, r, m WHERE m.sanctioned = true" in both
    assert "$ids" in both and "$limit" in both


def test_builders_refuse_names_not_from_the_vocabulary() -> None:
    with pytest.raises(TypeError):
        cypher.links("out", None, ["percentage) DELETE r //"], [])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        cypher.entities_with_list_value("lookup_keys", None, [])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cypher.relationship_values("OWNS", [])  # type: ignore[arg-type]


def test_bulk_reads_stream_in_buckets_and_page_every_relationship() -> None:
    whole, paged = cypher.relationship_values(RelType.OWNS, [Prop.PERCENTAGE])
    assert "collect([a.id, b.id, r.percentage]) AS rows" in whole and "right(a.id, 2)" in whole
    assert "id(a) >= $lo AND id(a) < $hi" in paged and "id(r)" in paged  # id(r): parallel edges are kept
    whole, paged = cypher.node_values([Prop.SANCTIONED])
    assert "collect([n.id, n.sanctioned]) AS rows" in whole
    assert "n.sanctioned AS v_sanctioned" in paged
    assert "(n:Entity:Address)" in cypher.entities_with_list_value(Prop.SEARCH_NAMES, NodeKind.ADDRESS, [])
    assert "count(DISTINCT m)" in cypher.count_links("in", [RelType.HOLDS])
    # degrees without expanding: getDegree on Neo4j, indegree()/outdegree() on FalkorDB (no COUNT {} there; both
    # count parallel relationships, which a pattern with the relationship unbound counts once)
    assert "COUNT { (n)<-[:HOLDS]-() }" in cypher.link_degrees(cypher.Dialect.NEO4J, "in", [RelType.HOLDS])
    assert "RETURN nid AS id, outdegree(n) + indegree(n) AS n" in cypher.link_degrees(
        cypher.Dialect.FALKORDB, "both", None
    )
    assert "indegree(n, 'HOLDS', 'OWNS') AS n" in cypher.link_degrees(
        cypher.Dialect.FALKORDB, "in", [RelType.HOLDS, RelType.OWNS]
    )


def test_identifier_keys_are_read_through_the_lookup_index_when_they_can_be() -> None:
    from graph.cypher import Dialect, entities_with_lookup_key, lookup_keys_query

    assert lookup_keys_query(Dialect.NEO4J, ["pp109420132", "86131"]) == "pp109420132 OR 86131"
    assert lookup_keys_query(Dialect.FALKORDB, ["pp109420132", "86131"]) == "@lookup_text:(pp109420132|86131)"
    assert lookup_keys_query(Dialect.NEO4J, ["+86 131"]) == ""  # not a lookup key: the caller scans
    assert lookup_keys_query(Dialect.NEO4J, [f"k{i}" for i in range(501)]) == ""  # too many clauses for Lucene
    assert "db.index.fulltext.queryNodes" in entities_with_lookup_key(Dialect.NEO4J, None, ())
    assert "db.idx.fulltext.queryNodes" in entities_with_lookup_key(Dialect.FALKORDB, None, ())
