"""The write side: nodes and relationships upserted in batches, stubs, deletes and delta writes."""

from __future__ import annotations

from collections.abc import Sequence

from graph.cypher._base import Dialect, _label, _rel_type
from graph.vocabulary import ENTITY_LABEL, FLAG_PROPS, LIST_PROPS, NodeKind, Prop, RelType

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


def create_nodes(kind: NodeKind, node_ids: bool = False) -> str:
    """Rows: {id, props}: every property of a new node, computed by the store (kind, stub=false, every list and mark,
    the full-text fields), so the statement is one CREATE and one map SET per row. With ``node_ids`` (Neo4j) it
    also returns ``ids`` and ``nodes``: the new nodes' ids and internal ids, pair by pair (for
    create_relationships_between)."""
    ids = ", collect(row.id) AS ids, collect(id(n)) AS nodes" if node_ids else ""
    return f"""
UNWIND $rows AS row
CREATE (n:{ENTITY_LABEL}:{_label(kind)} {{{Prop.ID}: row.id}})
SET n += row.props
RETURN count(n) AS written{ids}
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


def create_relationships_between(rel_type: RelType) -> str:
    """create_relationships with the ends found by the internal ids the store kept when it created them (rows:
    {id, source, target, s, t, props}; Neo4j): a node found by its internal id costs a quarter of a relationship
    less than a seek in the id index. An internal id is reused after its node is deleted, so each end must still
    be an entity with the row's id: a row whose end fails that is not written (and the store writes the batch
    again the careful way). The check compares lists so that Neo4j seeks the ends by id, not in the id index."""
    return f"""
UNWIND $rows AS row
MATCH (a), (b) WHERE id(a) = row.s AND id(b) = row.t AND a:{ENTITY_LABEL} AND b:{ENTITY_LABEL}
  AND [a.{Prop.ID}, b.{Prop.ID}] = [row.source, row.target]
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
{KEEP_JUDGED_STATUS if rel_type is RelType.SAME_AS else ""}
{_merge_lists("r", REL_LIST_PROPS)}
RETURN count(r) AS written
"""


#: After a SAME_AS upsert's ``SET r += row.scalars``: an analyst's judgement (graph/cypher/review.py) outlives a
#: source's reload of the candidate, which would set its status back to "candidate".
KEEP_JUDGED_STATUS = f"SET r.{Prop.STATUS} = coalesce(r.{Prop.JUDGEMENT}, r.{Prop.STATUS})"


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
