"""Bulk reads (paged on FalkorDB), analysis write-back, targeted analytic hops and counts."""

from __future__ import annotations

from collections.abc import Sequence

from graph.cypher._base import Dialect, _label, _prop, _rel_type, _type_alternation
from graph.vocabulary import ENTITY_LABEL, NodeKind, Prop, RelType

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


# --- analytics: targeted hops and bulk reads of only the fields an analysis needs ----------------------------
# Columns are plain scalars (ids, numbers, short strings), never property maps: the FalkorDB client parses maps
# slowly, and a bulk analysis reads millions of rows.


def _columns(var: str, prefix: str, props: Sequence[Prop]) -> str:
    return "".join(f", {var}.{_prop(p)} AS {prefix}{_prop(p)}" for p in props)


def links(
    direction: str,
    types: Sequence[RelType] | None,
    rel_props: Sequence[Prop],
    node_props: Sequence[Prop],
    other_flag: Prop | None = None,
) -> str:
    """One hop out of $ids ('out', 'in' or 'both'): the relationship, the other end, and the named properties;
    with ``other_flag``, only links whose other end has that boolean property true.

    Columns: origin, type, outgoing, other, rid, then r_<prop> and m_<prop>; at most $limit rows.
    """
    rel = f"[r{_type_alternation(types)}]"
    pattern = {"out": f"-{rel}->", "in": f"<-{rel}-", "both": f"-{rel}-"}[direction]
    # the filter goes after a WITH: left in the MATCH, FalkorDB plans a label scan of every m and joins it back
    where = f"\nWITH nid, r, m WHERE m.{_prop(other_flag)} = true" if other_flag is not None else ""
    return f"""
UNWIND $ids AS nid
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: nid}}){pattern}(m:{ENTITY_LABEL}){where}
RETURN nid AS origin, type(r) AS type, startNode(r).{Prop.ID} = nid AS outgoing, m.{Prop.ID} AS other,
       r.{Prop.ID} AS rid{_columns("r", "r_", rel_props)}{_columns("m", "m_", node_props)}
LIMIT $limit
"""


def count_links(direction: str, types: Sequence[RelType] | None) -> str:
    """How many distinct entities each of $ids is linked to (per id, only ids with at least one)."""
    rel = f"[{_type_alternation(types)}]"
    pattern = {"out": f"-{rel}->", "in": f"<-{rel}-", "both": f"-{rel}-"}[direction]
    return f"""
UNWIND $ids AS nid
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: nid}}){pattern}(m:{ENTITY_LABEL})
RETURN nid AS id, count(DISTINCT m) AS n
"""


def link_degrees(dialect: Dialect, direction: str, types: Sequence[RelType] | None) -> str:
    """How many relationships (of ``types``, all if None) each of $ids has ('out', 'in' or 'both'), without
    reading them: parallel relationships each count (a caller weighs a hop by the links it would read). Neo4j plans
    COUNT {} as getDegree (its degree store: constant time for a hub); FalkorDB has indegree()/outdegree(), which
    read the degree from its matrices (a pattern with the relationship unbound would count parallel ones once, and
    binding it enumerates every one, 6-10x slower on hubs). Columns: id, n, for every id in the graph (0 too)."""
    if dialect is Dialect.NEO4J:
        rel = f"[{_type_alternation(types)}]"
        pattern = {"out": f"-{rel}->", "in": f"<-{rel}-", "both": f"-{rel}-"}[direction]
        count = f"COUNT {{ (n){pattern}() }}"
    else:
        args = "".join(f", '{_rel_type(t)}'" for t in types or ())
        out, into = f"outdegree(n{args})", f"indegree(n{args})"
        count = {"out": out, "in": into, "both": f"{out} + {into}"}[direction]
    return f"""
UNWIND $ids AS nid
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: nid}})
RETURN nid AS id, {count} AS n
"""


def entities_with_list_value(prop: Prop, kind: NodeKind | None, node_props: Sequence[Prop]) -> str:
    """Entities (of ``kind``, any if None) whose list property ``prop`` holds one of $values; which ones it holds."""
    label = f":{_label(kind)}" if kind is not None else ""
    return f"""
MATCH (n:{ENTITY_LABEL}{label})
WHERE any(v IN n.{_prop(prop)} WHERE v IN $values)
RETURN n.{Prop.ID} AS id, [v IN n.{_prop(prop)} WHERE v IN $values] AS matched{_columns("n", "n_", node_props)}
LIMIT $limit
"""


def entities_with_lookup_key(dialect: Dialect, kind: NodeKind | None, node_props: Sequence[Prop]) -> str:
    """entities_with_list_value for identifier keys, through the lookup full-text index instead of a scan of every
    entity: $query (built by lookup_keys_query) gives candidates, the exact keys are tested after. $index names the
    index (Neo4j)."""
    call = (
        "CALL db.index.fulltext.queryNodes($index, $query) YIELD node"
        if dialect is Dialect.NEO4J
        else f"CALL db.idx.fulltext.queryNodes('{ENTITY_LABEL}', $query) YIELD node"
    )
    label = f" AND n:{_label(kind)}" if kind is not None else ""
    keys = f"n.{Prop.LOOKUP_KEYS}"
    return f"""
{call}
WITH node AS n
WHERE any(v IN coalesce({keys}, []) WHERE v IN $values){label}
RETURN n.{Prop.ID} AS id, [v IN {keys} WHERE v IN $values] AS matched{_columns("n", "n_", node_props)}
LIMIT $limit
"""


def lookup_keys_query(dialect: Dialect, keys: Sequence[str]) -> str:
    """Full-text query text matching any of ``keys`` (lookup keys: ASCII letters and digits); "" if one is not."""
    if not keys or len(keys) > 500 or not all(k.isascii() and k.isalnum() for k in keys):
        return ""  # (Lucene refuses queries of over 1,024 clauses)
    if dialect is Dialect.NEO4J:
        return " OR ".join(keys)
    return f"@{Prop.LOOKUP_TEXT}:(" + "|".join(keys) + ")"


def _values_list(var: str, props: Sequence[Prop]) -> str:
    return "".join(f", {var}.{_prop(p)}" for p in props)


def node_values(props: Sequence[Prop]) -> tuple[str, str]:
    """Bulk read of every entity's id and the named properties: (streamed whole, paged by internal id).

    The streamed form (Neo4j) returns the rows in buckets - one record ``{rows: [[id, value…], …]}`` per last two
    characters of the id - because the driver's cost is per record, not per value (4-5x faster); the paged form
    (FalkorDB) returns one record per entity (columns id, v_<prop>)."""
    bucket = f"right(n.{Prop.ID}, 2)"
    return (
        f"MATCH (n:{ENTITY_LABEL}) WITH {bucket} AS bucket, collect([n.{Prop.ID}{_values_list('n', props)}]) AS rows "
        "RETURN rows",
        f"MATCH (n:{ENTITY_LABEL}) WHERE id(n) >= $lo AND id(n) < $hi "
        f"RETURN n.{Prop.ID} AS id{_columns('n', 'v_', props)}",
    )


def relationship_values(rel_type: RelType, props: Sequence[Prop]) -> tuple[str, str]:
    """Bulk read of one type's relationships: source id, target id and the named properties (streamed in buckets
    as ``node_values``; paged one record per relationship: source, target, v_<prop>)."""
    match = f"MATCH (a:{ENTITY_LABEL})-[r:{_rel_type(rel_type)}]->(b:{ENTITY_LABEL})"
    cols = f"a.{Prop.ID} AS source, b.{Prop.ID} AS target{_columns('r', 'v_', props)}"
    bucket = f"right(a.{Prop.ID}, 2)"
    # FalkorDB (the paged form) answers a pattern whose relationship is not projected from its adjacency matrix,
    # one row per connected pair: parallel relationships would be lost. Projecting id(r) makes it enumerate them.
    return (
        f"{match} WITH {bucket} AS bucket, collect([a.{Prop.ID}, b.{Prop.ID}{_values_list('r', props)}]) AS rows "
        "RETURN rows",
        f"{match} WHERE id(a) >= $lo AND id(a) < $hi RETURN {cols}, id(r) AS rel_internal_id",
    )


STATS_NODES = f"MATCH (n:{ENTITY_LABEL}) RETURN n.{Prop.KIND} AS key, count(*) AS n"
STATS_RELATIONSHIPS = "MATCH ()-[r]->() RETURN type(r) AS key, count(*) AS n"
PING = "RETURN 1 AS ok"
