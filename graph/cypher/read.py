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


def neighbourhood_view(hops: int, types: Sequence[RelType] | None) -> str:
    """A whole view in one query: the centre ($id), its rings hop by hop up to ``hops`` while fewer than $limit
    entities are taken (the ones left out counted, never expanded), and every relationship among the taken ones.

    Returns one row (none if the centre is not there): nodes (property maps, the centre first, ring by ring),
    rels ([type, source id, target id, properties]) and omitted (how many neighbours the cap left out).
    An empty frontier is unwound as [null] so the row survives; slices never go negative (seen <= $limit).
    """
    if not 1 <= hops <= 3:
        raise ValueError("hops must be between 1 and 3")
    alt = _type_alternation(types)
    ring = f"""
UNWIND CASE WHEN size(frontier) = 0 THEN [null] ELSE frontier END AS f
OPTIONAL MATCH (f)-[{alt}]-(m:{ENTITY_LABEL})
WITH c, seen, left, collect(DISTINCT m) AS found
WITH c, seen, left, [x IN found WHERE NOT x IN seen AND NOT x IN left] AS ring
WITH c, seen, left, ring, $limit - size(seen) AS room
WITH c, seen + ring[..room] AS seen, left + ring[room..] AS left, ring[..room] AS frontier
"""
    return f"""
MATCH (c:{ENTITY_LABEL} {{{Prop.ID}: $id}})
WITH c, [c] AS seen, [] AS left, [c] AS frontier
{ring * hops}
UNWIND seen AS a
OPTIONAL MATCH (a)-[r{alt}]->(b:{ENTITY_LABEL})
WITH seen, left, CASE WHEN b IN seen THEN [type(r), a.{Prop.ID}, b.{Prop.ID}, properties(r)] END AS rel
RETURN [x IN seen | properties(x)] AS nodes, collect(rel) AS rels, size(left) AS omitted
"""


def neighbour_ids(types: Sequence[RelType] | None) -> str:
    """One level of a breadth-first search: the ids next to each of $ids (both directions), ids only."""
    return f"""
UNWIND $ids AS nid
MATCH (:{ENTITY_LABEL} {{{Prop.ID}: nid}})-[{_type_alternation(types)}]-(m:{ENTITY_LABEL})
RETURN DISTINCT nid AS origin, m.{Prop.ID} AS other
"""


def relationships_between(types: Sequence[RelType] | None) -> str:
    """The relationships joining each pair of ids in $pairs ([a, b], either direction), with their properties."""
    return f"""
UNWIND $pairs AS pair
MATCH (a:{ENTITY_LABEL} {{{Prop.ID}: pair[0]}})-[r{_type_alternation(types)}]-(b:{ENTITY_LABEL})
WITH pair, r, b WHERE b.{Prop.ID} = pair[1]
RETURN pair[0] AS a, pair[1] AS b, type(r) AS type, startNode(r).{Prop.ID} AS source, endNode(r).{Prop.ID} AS target,
       properties(r) AS rprops
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
