"""Constraints and indexes, per dialect."""

from __future__ import annotations

from graph.cypher._base import Dialect, _rel_type
from graph.cypher.search import FULLTEXT_LOOKUP, FULLTEXT_NAMES
from graph.vocabulary import ENTITY_LABEL, Prop, RelType

# --- schema -------------------------------------------------------------------------------------------------


def schema_statements(dialect: Dialect) -> list[str]:
    """Constraints and indexes; each statement is safe to run again (FalkorDB's 'already indexed' is ignored)."""
    if dialect is Dialect.NEO4J:
        stmts = [
            f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY_LABEL}) REQUIRE n.{Prop.ID} IS UNIQUE",
            f"CREATE INDEX entity_kind IF NOT EXISTS FOR (n:{ENTITY_LABEL}) ON (n.{Prop.KIND})",
            f"CREATE INDEX entity_sanctioned IF NOT EXISTS FOR (n:{ENTITY_LABEL}) ON (n.{Prop.SANCTIONED})",
        ]
        for t in RelType:  # unique relationship ids; the constraint's index replaces the plain index of before
            stmts += [
                f"DROP INDEX rel_{t.value.lower()}_id IF EXISTS",
                f"CREATE CONSTRAINT rel_{t.value.lower()}_id_unique IF NOT EXISTS"
                f" FOR ()-[r:{_rel_type(t)}]-() REQUIRE r.{Prop.ID} IS UNIQUE",
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


#: Neo4j: wait until every index is ONLINE (indexes created on a loaded database, e.g. after a bulk import, are
#: populated in the background), at most $seconds; fails if one is not by then.
NEO4J_AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"

#: FalkorDB's constraints, as they are: rows of (type, label, properties, entity type, status).
FALKORDB_CONSTRAINTS = "CALL db.constraints()"


def falkordb_unique_ids() -> list[tuple[str, str]]:
    """(entity type, label or relationship type) whose ``id`` FalkorDB keeps unique: the arguments of
    ``GRAPH.CONSTRAINT CREATE <graph> UNIQUE <entity type> <label> PROPERTIES 1 id`` (a command, not Cypher; it
    needs the exact-match index of ``schema_statements`` first and is built asynchronously)."""
    return [("NODE", ENTITY_LABEL)] + [("RELATIONSHIP", _rel_type(t)) for t in RelType]
