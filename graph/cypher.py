"""Every Cypher statement of sanctions-graph, as constants or small pure builders.

Values always travel as parameters. Labels, relationship types and property names are interpolated only
from graph.vocabulary enums (checked by type), never from source or user text. The few differences between
Neo4j's and FalkorDB's dialects are isolated here, behind ``Dialect``.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from graph.vocabulary import ENTITY_LABEL, FLAG_PROPS, LIST_PROPS, NodeKind, Prop, RelType


class Dialect(StrEnum):
    NEO4J = "neo4j"
    FALKORDB = "falkordb"


def _label(kind: NodeKind) -> str:
    if not isinstance(kind, NodeKind):
        raise TypeError(f"label must come from the vocabulary, got {kind!r}")
    return kind.value


def _rel_type(rel_type: RelType) -> str:
    if not isinstance(rel_type, RelType):
        raise TypeError(f"relationship type must come from the vocabulary, got {rel_type!r}")
    return rel_type.value


def _type_alternation(types: Sequence[RelType] | None) -> str:
    """':A|B' for a pattern (empty for all types)."""
    if not types:
        return ""
    return ":" + "|".join(_rel_type(t) for t in types)


# --- schema -------------------------------------------------------------------------------------------------


def schema_statements(dialect: Dialect) -> list[str]:
    """Constraints and indexes; each statement is safe to run again (FalkorDB's 'already indexed' is ignored)."""
    if dialect is Dialect.NEO4J:
        stmts = [
            f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY_LABEL}) REQUIRE n.{Prop.ID} IS UNIQUE",
            f"CREATE INDEX entity_kind IF NOT EXISTS FOR (n:{ENTITY_LABEL}) ON (n.{Prop.KIND})",
            f"CREATE INDEX entity_sanctioned IF NOT EXISTS FOR (n:{ENTITY_LABEL}) ON (n.{Prop.SANCTIONED})",
        ]
        stmts += [
            f"CREATE INDEX rel_{t.value.lower()}_id IF NOT EXISTS FOR ()-[r:{_rel_type(t)}]-() ON (r.{Prop.ID})"
            for t in RelType
        ]
        return stmts
    stmts = [
        f"CREATE INDEX FOR (n:{ENTITY_LABEL}) ON (n.{Prop.ID})",
        f"CREATE INDEX FOR (n:{ENTITY_LABEL}) ON (n.{Prop.KIND})",
    ]
    stmts += [f"CREATE INDEX FOR ()-[r:{_rel_type(t)}]-() ON (r.{Prop.ID})" for t in RelType]
    return stmts


# --- write side ---------------------------------------------------------------------------------------------


def _merge_lists(var: str, props: Sequence[Prop]) -> str:
    """SET clauses uniting each list property with the row's values (order kept, no duplicates)."""
    return "\n".join(
        f"SET {var}.{p} = coalesce({var}.{p}, []) + [x IN row.lists.{p} WHERE NOT x IN coalesce({var}.{p}, [])]"
        for p in props
    )


def _merge_flags(var: str, props: Sequence[Prop]) -> str:
    """SET clauses OR-ing boolean marks: once any source says true, it stays true."""
    return "\n".join(f"SET {var}.{p} = coalesce({var}.{p}, false) OR coalesce(row.flags.{p}, false)" for p in props)


NODE_LIST_PROPS: tuple[Prop, ...] = tuple(sorted(LIST_PROPS))
NODE_FLAG_PROPS: tuple[Prop, ...] = tuple(sorted(FLAG_PROPS))
REL_LIST_PROPS: tuple[Prop, ...] = (Prop.DATASETS, Prop.SOURCE_IDS)


# Node rows: {id, scalars: map, lists: map of every NODE_LIST_PROPS, flags: map}. Writing nodes takes up to three
# statements: the store first asks which ids exist and as what kind (EXISTING_KINDS), then CREATEs the new ones
# with both labels at once (adding a label to an existing node is slow in FalkorDB), updates the known ones, and
# relabels the few whose kind changed (e.g. a stub completed).

EXISTING_KINDS = f"""
UNWIND $ids AS eid
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: eid}})
RETURN n.{Prop.ID} AS id, n.{Prop.KIND} AS kind
"""


def create_nodes(kind: NodeKind) -> str:
    lists = ", ".join(f"n.{p} = row.lists.{p}" for p in NODE_LIST_PROPS)
    flags = ", ".join(f"n.{p} = coalesce(row.flags.{p}, false)" for p in NODE_FLAG_PROPS)
    return f"""
UNWIND $rows AS row
CREATE (n:{ENTITY_LABEL}:{_label(kind)} {{{Prop.ID}: row.id}})
SET n += row.scalars
SET n.{Prop.KIND} = '{_label(kind)}', n.{Prop.STUB} = false, {lists}, {flags}
RETURN count(n) AS written
"""


def update_nodes(kind: NodeKind) -> str:
    """Scalars replaced, lists united, marks OR-ed."""
    return f"""
UNWIND $rows AS row
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: row.id}})
SET n += row.scalars
SET n.{Prop.KIND} = '{_label(kind)}', n.{Prop.STUB} = false
{_merge_lists("n", NODE_LIST_PROPS)}
{_merge_flags("n", NODE_FLAG_PROPS)}
RETURN count(n) AS written
"""


def relabel_nodes(kind: NodeKind) -> str:
    """Give $ids exactly one kind label: ``kind``."""
    other_kinds = ":".join(_label(k) for k in NodeKind if k is not kind)
    return f"""
UNWIND $ids AS eid
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: eid}})
REMOVE n:{other_kinds}
SET n:{_label(kind)}
RETURN count(n) AS written
"""


def upsert_relationships(rel_type: RelType) -> str:
    """Rows: {id, source, target, scalars, lists}. Rows whose ends are missing match nothing and are not written."""
    return f"""
UNWIND $rows AS row
MATCH (a:{ENTITY_LABEL} {{{Prop.ID}: row.source}})
MATCH (b:{ENTITY_LABEL} {{{Prop.ID}: row.target}})
MERGE (a)-[r:{_rel_type(rel_type)} {{{Prop.ID}: row.id}}]->(b)
SET r += row.scalars
{_merge_lists("r", REL_LIST_PROPS)}
RETURN count(r) AS written
"""


ENSURE_STUBS = f"""
UNWIND $ids AS sid
MERGE (n:{ENTITY_LABEL} {{{Prop.ID}: sid}})
ON CREATE SET n:{NodeKind.LEGAL_ENTITY.value}, n.{Prop.KIND} = '{NodeKind.LEGAL_ENTITY.value}', n.{Prop.NAME} = sid,
              n.{Prop.STUB} = true, n.{Prop.SEARCH_NAMES} = [], n.{Prop.LOOKUP_KEYS} = []
RETURN count(n) AS written
"""

DELETE_NODES = f"""
UNWIND $ids AS did
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: did}})
DETACH DELETE n
RETURN count(*) AS written
"""

DELETE_ALL = "MATCH (n) DETACH DELETE n"

# --- read side ----------------------------------------------------------------------------------------------

GET_ENTITY = f"MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: $id}}) RETURN properties(n) AS props"

GET_ENTITIES = f"UNWIND $ids AS eid MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: eid}}) RETURN properties(n) AS props"

SEARCH = f"""
MATCH (n:{ENTITY_LABEL})
WHERE $key IN n.{Prop.LOOKUP_KEYS}
   OR (size($tokens) > 0 AND any(s IN n.{Prop.SEARCH_NAMES} WHERE all(t IN $tokens WHERE s CONTAINS t)))
RETURN properties(n) AS props
LIMIT $limit
"""


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
    """Relationships whose both ends are in $ids."""
    return f"""
UNWIND $ids AS nid
MATCH (a:{ENTITY_LABEL} {{{Prop.ID}: nid}})-[r{_type_alternation(types)}]->(b:{ENTITY_LABEL})
WHERE b.{Prop.ID} IN $ids
RETURN type(r) AS type, properties(r) AS rprops, a.{Prop.ID} AS source, b.{Prop.ID} AS target
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


# --- bulk reads and analysis write-back -----------------------------------------------------------------------
# Neo4j streams one query's records lazily; FalkorDB returns whole result sets, so it pages by internal node id
# (a NodeByIdSeek, cheap) over the range [0, max id].

MAX_NODE_INTERNAL_ID = f"MATCH (n:{ENTITY_LABEL}) RETURN max(id(n)) AS n"

ALL_ENTITIES = f"MATCH (n:{ENTITY_LABEL}) RETURN properties(n) AS props"

ENTITIES_IN_ID_RANGE = f"""
MATCH (n:{ENTITY_LABEL}) WHERE id(n) >= $lo AND id(n) < $hi
RETURN properties(n) AS props
"""


def all_relationships(types: Sequence[RelType] | None) -> str:
    return f"""
MATCH (a:{ENTITY_LABEL})-[r{_type_alternation(types)}]->(b:{ENTITY_LABEL})
RETURN type(r) AS type, properties(r) AS rprops, a.{Prop.ID} AS source, b.{Prop.ID} AS target
"""


def relationships_in_id_range(types: Sequence[RelType] | None) -> str:
    """Relationships whose source node's internal id is in [$lo, $hi)."""
    return f"""
MATCH (a:{ENTITY_LABEL})-[r{_type_alternation(types)}]->(b:{ENTITY_LABEL}) WHERE id(a) >= $lo AND id(a) < $hi
RETURN type(r) AS type, properties(r) AS rprops, a.{Prop.ID} AS source, b.{Prop.ID} AS target
"""


def set_node_properties(props: Sequence[Prop]) -> str:
    """Rows: {id, props: map}; writes only the named (vocabulary) properties, so analyses can't clobber others."""
    sets = ", ".join(f"n.{_prop(p)} = row.props.{_prop(p)}" for p in props)
    return f"""
UNWIND $rows AS row
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: row.id}})
SET {sets}
RETURN count(n) AS written
"""


def _prop(prop: Prop) -> str:
    if not isinstance(prop, Prop):
        raise TypeError(f"property must come from the vocabulary, got {prop!r}")
    return prop.value


STATS_NODES = f"MATCH (n:{ENTITY_LABEL}) RETURN n.{Prop.KIND} AS key, count(*) AS n"
STATS_RELATIONSHIPS = "MATCH ()-[r]->() RETURN type(r) AS key, count(*) AS n"
PING = "RETURN 1 AS ok"
