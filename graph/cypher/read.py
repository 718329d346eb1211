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


def _subquery(dialect: Dialect, imported: str) -> str:
    """The opening of a CALL subquery that sees only ``imported`` of the outer row: Neo4j 5's scope clause
    (``CALL (x) {``; the importing WITH is deprecated there), FalkorDB's importing WITH (it has no scope clause)."""
    if dialect is Dialect.NEO4J:
        return f"CALL ({imported}) {{"
    return f"CALL {{\n  WITH {imported}"


def neighbourhood_view(dialect: Dialect, hops: int, types: Sequence[RelType] | None) -> str:
    """A whole view in one query: the centre ($id), its rings hop by hop up to ``hops`` while fewer than $limit
    entities are taken (the ones left out counted, never expanded), and the relationships out of every taken one.

    Returns one row per taken entity: i (its place: the centre 0, then ring by ring), node (its properties), out
    (its outgoing relationships, [type, target id, properties], to ANY entity: the caller keeps those whose target
    was taken, a set lookup) and omitted (how many neighbours the cap left out). No row if the centre is not there.

    Shaped for both stores: each ring's neighbours are found in a subquery that sees only the frontier, and no
    list is carried into a MATCH row by row; FalkorDB copies such a list into every row, and grouping by the list
    of taken entities (as 0da37a1 did) made a 3-hop, 1,933-entity view take 49-75 s instead of 0.05 s.
    """
    if not 1 <= hops <= 3:
        raise ValueError("hops must be between 1 and 3")
    alt = _type_alternation(types)
    ring = f"""
{_subquery(dialect, "frontier")}
  UNWIND frontier AS f
  MATCH (f)-[{alt}]-(m:{ENTITY_LABEL})
  RETURN collect(DISTINCT m) AS found
}}
WITH seen, left, [x IN found WHERE NOT x IN seen AND NOT x IN left] AS ring
WITH seen, left, ring, $limit - size(seen) AS room
WITH seen + ring[..room] AS seen, left + ring[room..] AS left, ring[..room] AS frontier
"""
    return f"""
MATCH (c:{ENTITY_LABEL} {{{Prop.ID}: $id}})
WITH [c] AS seen, [] AS left, [c] AS frontier
{ring * hops}
WITH seen, size(left) AS omitted
UNWIND range(0, size(seen) - 1) AS i
WITH seen[i] AS a, i, omitted
OPTIONAL MATCH (a)-[r{alt}]->(b:{ENTITY_LABEL})
WITH i, a, omitted, collect(CASE WHEN r IS NULL THEN NULL ELSE [type(r), b.{Prop.ID}, properties(r)] END) AS out
RETURN i, properties(a) AS node, out, omitted
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
