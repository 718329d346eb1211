"""Reads of one view: entities by id, neighbours, edges among them, shortest paths."""

from __future__ import annotations

from collections.abc import Sequence

from graph.cypher._base import Dialect, _type_alternation
from graph.vocabulary import ENTITY_LABEL, Prop, RelType

# --- read side ----------------------------------------------------------------------------------------------

GET_ENTITY = f"MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: $id}}) RETURN properties(n) AS props"

GET_ENTITIES = f"UNWIND $ids AS eid MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: eid}}) RETURN properties(n) AS props"

def neighbours(types: Sequence[RelType] | None) -> str:
    """One hop out of a frontier of ids, both directions."""
    return f"""
UNWIND $ids AS nid
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: nid}})-[r{_type_alternation(types)}]-(m:{ENTITY_LABEL})
RETURN type(r) AS type, properties(r) AS rprops, startNode(r).{Prop.ID} AS source, endNode(r).{Prop.ID} AS target,
       properties(m) AS mprops
LIMIT $limit
"""


def count_neighbours(types: Sequence[RelType] | None) -> str:
    return f"""
UNWIND $ids AS nid
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: nid}})-[{_type_alternation(types)}]-(m:{ENTITY_LABEL})
RETURN count(DISTINCT m.{Prop.ID}) AS n
"""


def edges_among(types: Sequence[RelType] | None) -> str:
    """Relationships going out of the entities in $ids to entities in $among (the ids of the whole view).

    Each start node comes from the id index and its relationships are followed; the far end is tested after a
    WITH. (A condition on the far node inside the MATCH lets FalkorDB's planner look every $among up through the
    index and test each pair: ~20 s instead of ~0.1 s for 2,000 ids.)
    """
    return f"""
UNWIND $ids AS nid
MATCH (a:{ENTITY_LABEL} {{{Prop.ID}: nid}})-[r{_type_alternation(types)}]->(b:{ENTITY_LABEL})
WITH a, r, b.{Prop.ID} AS bid
WHERE bid IN $among
RETURN type(r) AS type, properties(r) AS rprops, a.{Prop.ID} AS source, bid AS target
"""


def shortest_path(dialect: Dialect, max_hops: int, types: Sequence[RelType] | None) -> str:
    """An undirected shortest path of at most ``max_hops``.

    Neo4j has shortestPath() in MATCH; FalkorDB supports undirected search only through allShortestPaths().
    """
    if not 1 <= max_hops <= 6:
        raise ValueError("max_hops must be between 1 and 6")
    pattern = f"(a)-[{_type_alternation(types)}*..{int(max_hops)}]-(b)"
    func = "shortestPath" if dialect is Dialect.NEO4J else "allShortestPaths"
    return f"""
MATCH (a:{ENTITY_LABEL} {{{Prop.ID}: $source}}), (b:{ENTITY_LABEL} {{{Prop.ID}: $target}})
WITH a, b
MATCH p = {func}({pattern})
RETURN [x IN nodes(p) | properties(x)] AS nodes,
       [r IN relationships(p) | [type(r), startNode(r).{Prop.ID}, endNode(r).{Prop.ID}, properties(r)]] AS rels
LIMIT 1
"""


