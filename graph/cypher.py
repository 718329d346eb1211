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
        stmts += [
            f"CREATE FULLTEXT INDEX {FULLTEXT_NAMES} IF NOT EXISTS FOR (n:{ENTITY_LABEL})"
            f" ON EACH [n.{Prop.SEARCH_TEXT}]"
            " OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}",
            f"CREATE FULLTEXT INDEX {FULLTEXT_LOOKUP} IF NOT EXISTS FOR (n:{ENTITY_LABEL})"
            f" ON EACH [n.{Prop.LOOKUP_TEXT}]"
            " OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}",
        ]
        return stmts
    stmts = [
        f"CREATE INDEX FOR (n:{ENTITY_LABEL}) ON (n.{Prop.ID})",
        f"CREATE INDEX FOR (n:{ENTITY_LABEL}) ON (n.{Prop.KIND})",
    ]
    stmts += [f"CREATE INDEX FOR ()-[r:{_rel_type(t)}]-() ON (r.{Prop.ID})" for t in RelType]
    stmts.append(
        f"CALL db.idx.fulltext.createNodeIndex({{label: '{ENTITY_LABEL}', stopwords: [], language: 'english'}}, "
        f"{{field: '{Prop.SEARCH_TEXT}', nostem: true}}, {{field: '{Prop.LOOKUP_TEXT}', nostem: true}})"
    )
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
# with both labels at once (adding a label to an existing node is slow in FalkorDB; their rows are {id, props}),
# updates the known ones, and relabels the few whose kind changed (e.g. a stub completed). Relationships likewise:
# existing_relationships, then create_relationships for the new ones and upsert_relationships (MERGE) for the rest.

EXISTING_KINDS = f"""
UNWIND $ids AS eid
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: eid}})
RETURN n.{Prop.ID} AS id, n.{Prop.KIND} AS kind
"""


#: The full-text fields, kept equal to the (merged) lists they index.
# (`WITH n` first: FalkorDB reads a property set earlier in the same clause chain as null inside reduce().)
_SET_SEARCH_TEXT = (
    f"WITH n SET n.{Prop.SEARCH_TEXT} = reduce(acc = '', x IN n.{Prop.SEARCH_NAMES} | acc + ' ' + x), "
    f"n.{Prop.LOOKUP_TEXT} = reduce(acc = '', x IN n.{Prop.LOOKUP_KEYS} | acc + ' ' + x)"
)


def create_nodes(kind: NodeKind) -> str:
    """Rows: {id, props}: every property of a new node, computed by the store (kind, stub=false, every list and mark,
    the full-text fields), so the statement is one CREATE and one map SET per row."""
    return f"""
UNWIND $rows AS row
CREATE (n:{ENTITY_LABEL}:{_label(kind)} {{{Prop.ID}: row.id}})
SET n += row.props
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
{_SET_SEARCH_TEXT}
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


def _rel_id_seek(dialect: Dialect, rel_type: RelType) -> str:
    """MATCH of the relationship of one type whose id is `rid`, through the type's id index.

    Neo4j gets an index hint: it caches a plan made when the type had few relationships (a scan of them all is
    then cheapest) and kept using it on a million, one scan per id (a 10k-id batch timed out after 120 s)."""
    pattern = f"MATCH ()-[r:{_rel_type(rel_type)} {{{Prop.ID}: rid}}]->()"
    if dialect is Dialect.NEO4J:
        return f"{pattern} USING INDEX SEEK r:{_rel_type(rel_type)}({Prop.ID})"
    return pattern


def existing_relationships(dialect: Dialect, rel_type: RelType) -> str:
    """Which of $ids are relationships of this type already (a seek in the type's id index on both stores)."""
    return f"""
UNWIND $ids AS rid
{_rel_id_seek(dialect, rel_type)}
RETURN r.{Prop.ID} AS id
"""


def create_relationships(rel_type: RelType) -> str:
    """Rows: {id, source, target, props} of relationships known to be new (props: every property, id included).
    A CREATE, not a MERGE: no search among the ends' relationships. Rows whose ends are missing are not written."""
    return f"""
UNWIND $rows AS row
MATCH (a:{ENTITY_LABEL} {{{Prop.ID}: row.source}})
MATCH (b:{ENTITY_LABEL} {{{Prop.ID}: row.target}})
CREATE (a)-[r:{_rel_type(rel_type)}]->(b)
SET r += row.props
RETURN count(r) AS written
"""


def upsert_relationships(rel_type: RelType) -> str:
    """Rows: {id, source, target, scalars, lists}. Rows whose ends are missing match nothing and are not written.
    For relationships that may exist (the store CREATEs those known to be new): scalars replaced, lists united."""
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

#: One batch of `clear()`: the store repeats it until it deletes nothing (one DETACH DELETE of a big graph runs a
#: small Neo4j out of memory).
DELETE_SOME = "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"

# --- read side ----------------------------------------------------------------------------------------------

GET_ENTITY = f"MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: $id}}) RETURN properties(n) AS props"

GET_ENTITIES = f"UNWIND $ids AS eid MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: eid}}) RETURN properties(n) AS props"

# --- search: full-text indexes give candidates (never a scan); graph.names ranks them -------------------------------
FULLTEXT_NAMES = "entity_names"
FULLTEXT_LOOKUP = "entity_lookup"


LAST_INDEXED_SAMPLE = f"""
MATCH (n:{ENTITY_LABEL}) WHERE n.{Prop.SEARCH_TEXT} <> ''
RETURN n.{Prop.ID} AS id, n.{Prop.SEARCH_TEXT} AS text ORDER BY id(n) DESC LIMIT 1
"""


#: The scan that search never runs: every entity's name text tested for a word. Only benchmarks/search_bench.py
#: runs it, to compare with the index.
COUNT_NAMES_CONTAINING = f"MATCH (n:{ENTITY_LABEL}) WHERE n.{Prop.SEARCH_TEXT} CONTAINS $word RETURN count(n) AS n"


#: What ranking a search candidate needs; the hits' whole records are read afterwards, by id (search_candidates).
SEARCH_CANDIDATE_PROPS = (Prop.ID, Prop.KIND, Prop.NAME, Prop.ALIASES, Prop.SANCTIONED, Prop.LOOKUP_KEYS)
_CANDIDATE_COLUMNS = ", ".join(f"node.{p.value} AS {p.value}" for p in SEARCH_CANDIDATE_PROPS)


def search_candidates(dialect: Dialect) -> str:
    """Candidates from a full-text index, best score first, as columns SEARCH_CANDIDATE_PROPS and score: $index
    names the index (Neo4j), $query is built by fulltext_query or fulltext_all_words.

    Only the few fields ranking needs are read (a client parses whole property maps slowly; a search reads hundreds
    of candidates and keeps 20). Neo4j's full-text procedure yields hits by descending score; FalkorDB's yields them
    in index order, so it sorts (node and score only): without it the LIMIT kept arbitrary matches, and an exact
    name among thousands of partial matches could be left out.
    """
    if dialect is Dialect.NEO4J:
        return f"""
CALL db.index.fulltext.queryNodes($index, $query) YIELD node, score
RETURN {_CANDIDATE_COLUMNS}, score
LIMIT $limit
"""
    return f"""
CALL db.idx.fulltext.queryNodes('{ENTITY_LABEL}', $query) YIELD node, score
WITH node, score ORDER BY score DESC LIMIT $limit
RETURN {_CANDIDATE_COLUMNS}, score
"""


def _safe_terms(terms: Sequence[str]) -> list[str]:
    return [t for t in terms if t.isascii() and t.isalnum()]


def _spellings(dialect: Dialect, terms: Sequence[str]) -> list[str]:
    """Index terms for words: each as is, as a prefix (2+ letters) and one edit away (4+ letters)."""
    parts: list[str] = []
    for t in terms:
        parts.append(t)
        if len(t) >= 2:
            parts.append(f"{t}*")
        if len(t) >= 4:
            parts.append(f"{t}~1" if dialect is Dialect.NEO4J else f"%{t}%")
    return list(dict.fromkeys(parts))


def fulltext_query(dialect: Dialect, field: Prop, terms: Sequence[str]) -> str:
    """Query text for the full-text engines matching ANY of the terms. Terms must be folded words (ASCII letters
    and digits only)."""
    safe = _safe_terms(terms)
    if not safe:
        return ""
    if field is Prop.LOOKUP_TEXT:
        return safe[0] if dialect is Dialect.NEO4J else f"@{Prop.LOOKUP_TEXT}:{safe[0]}"
    parts = _spellings(dialect, safe)
    if dialect is Dialect.NEO4J:
        return " OR ".join(parts)
    return f"@{Prop.SEARCH_TEXT}:(" + "|".join(parts) + ")"


def fulltext_all_words(dialect: Dialect, words: Sequence[Sequence[str]]) -> str:
    """Query text matching names that hold EVERY query word, each in one of its forms (``words``: per query word,
    its folded form and its canonical key). Far fewer candidates than any-word on a big store."""
    groups = [_spellings(dialect, safe) for safe in (_safe_terms(w) for w in words) if safe]
    if not groups:
        return ""
    if dialect is Dialect.NEO4J:
        return " AND ".join("(" + " OR ".join(g) + ")" for g in groups)
    return f"@{Prop.SEARCH_TEXT}:(" + " ".join("(" + "|".join(g) + ")" for g in groups) + ")"


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


# --- delta writes: lists added to stored nodes, relationships deleted by id ----------------------------------

#: Rows: {id, lists: map of every NODE_LIST_PROPS, flags: map}. Lists are united with what is stored, marks OR-ed;
#: name, kind and scalars are left alone (the node exists: the store made a stub first if it did not).
ADD_TO_NODE_LISTS = f"""
UNWIND $rows AS row
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: row.id}})
{_merge_lists("n", NODE_LIST_PROPS)}
{_merge_flags("n", NODE_FLAG_PROPS)}
{_SET_SEARCH_TEXT}
RETURN count(n) AS written
"""


def delete_relationships(dialect: Dialect, rel_type: RelType) -> str:
    """Delete the relationships of one type whose id is in $ids (one statement per type uses its id index)."""
    return f"""
UNWIND $ids AS rid
{_rel_id_seek(dialect, rel_type)}
DELETE r
RETURN count(*) AS written
"""


# --- matcher (graph.matching): candidates through the name and lookup full-text indexes, never a scan ------------

#: What the matcher compares: names, kind, countries, birth date, identifiers (and the mark it reports).
MATCH_CANDIDATE_PROPS = (
    Prop.ID,
    Prop.KIND,
    Prop.NAME,
    Prop.ALIASES,
    Prop.COUNTRIES,
    Prop.BIRTH_DATE,
    Prop.BIRTH_PLACE,
    Prop.IDENTIFIERS,
    Prop.LOOKUP_KEYS,
    Prop.IMO,
    Prop.FLAG,
    Prop.SANCTIONED,
)
_MATCH_COLUMNS = ", ".join(f"node.{p.value} AS {p.value}" for p in MATCH_CANDIDATE_PROPS)


def match_candidates(dialect: Dialect) -> str:
    """Name candidates for the matcher: for each full-text query of $queries (built by match_names_queries), its
    $limit best-scored entities; their union, as columns MATCH_CANDIDATE_PROPS. One round trip for all queries.
    $index names the index (Neo4j, which takes the limit as a procedure option); FalkorDB's procedure yields hits
    unordered, so each query's hits are sorted by score before they are cut."""
    if dialect is Dialect.NEO4J:
        return f"""
UNWIND $queries AS q
CALL db.index.fulltext.queryNodes($index, q, {{limit: $limit}}) YIELD node
WITH DISTINCT node
RETURN {_MATCH_COLUMNS}
"""
    return f"""
UNWIND $queries AS q
CALL db.idx.fulltext.queryNodes('{ENTITY_LABEL}', q) YIELD node, score
WITH q, node, score ORDER BY score DESC
WITH q, collect(node)[0..$limit] AS nodes
UNWIND nodes AS node
WITH DISTINCT node
RETURN {_MATCH_COLUMNS}
"""


def _alternatives(dialect: Dialect, spellings: Sequence[str], fuzzy: bool) -> list[str]:
    safe = _safe_terms(spellings)
    parts = list(safe)
    if fuzzy and safe and len(safe[0]) >= 4:
        parts.append(f"{safe[0]}~1" if dialect is Dialect.NEO4J else f"%{safe[0]}%")
    return list(dict.fromkeys(parts))


def match_names_queries(dialect: Dialect, words: Sequence[Sequence[str]], fuzzy: bool = True) -> list[str]:
    """Full-text query texts for the matcher: one per query word (``words``: per word, its spellings as folded
    words, ASCII letters and digits - others are left out), matching any spelling or, with ``fuzzy``, a word one
    edit away from the first (4+ letters); and, for two words or more, one matching names that hold every word."""
    groups = [g for g in (_alternatives(dialect, w, fuzzy) for w in words) if g]
    if dialect is Dialect.NEO4J:
        texts = [" OR ".join(g) for g in groups]
        if len(groups) > 1:
            texts.append(" AND ".join("(" + " OR ".join(g) + ")" for g in groups))
    else:
        texts = [f"@{Prop.SEARCH_TEXT}:(" + "|".join(g) + ")" for g in groups]
        if len(groups) > 1:
            texts.append(f"@{Prop.SEARCH_TEXT}:(" + " ".join("(" + "|".join(g) + ")" for g in groups) + ")")
    return texts
