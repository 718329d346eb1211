"""Every Cypher statement of sanctions-graph, as constants or small pure builders.

Values always travel as parameters. Labels, relationship types and property names are interpolated only
from graph.vocabulary enums (checked by type), never from source or user text. The few differences between
Neo4j's and FalkorDB's dialects are isolated here, behind ``Dialect``.

One package, one module per concern: _base (dialect, vocabulary guards), schema, write, read, search (with the
matcher's candidates) and bulk. Callers use ``from graph import cypher`` and ``cypher.NAME``.
"""

from __future__ import annotations

from graph.cypher._base import Dialect
from graph.cypher.bulk import (
    ALL_ENTITIES,
    ENTITIES_IN_ID_RANGE,
    MAX_NODE_INTERNAL_ID,
    PING,
    STATS_NODES,
    STATS_RELATIONSHIPS,
    all_relationships,
    count_links,
    entities_with_list_value,
    entities_with_lookup_key,
    link_degrees,
    links,
    lookup_keys_query,
    node_values,
    relationship_values,
    relationships_in_id_range,
    set_node_properties,
)
from graph.cypher.cases import delete_records, get_records, put_records
from graph.cypher.read import (
    GET_ENTITIES,
    GET_ENTITY,
    neighbour_ids,
    neighbourhood_view,
    neighbours,
    relationships_between,
    shortest_path,
)
from graph.cypher.review import SAME_AS_OF, SAME_AS_QUEUE, UPSERT_SAME_AS, judge_same_as
from graph.cypher.schema import FALKORDB_CONSTRAINTS, NEO4J_AWAIT_INDEXES, falkordb_unique_ids, schema_statements
from graph.cypher.search import (
    COUNT_NAMES_CONTAINING,
    FULLTEXT_LOOKUP,
    FULLTEXT_NAMES,
    LAST_INDEXED_SAMPLE,
    MATCH_CANDIDATE_PROPS,
    SEARCH_CANDIDATE_PROPS,
    fulltext_all_words,
    fulltext_query,
    match_candidates,
    match_names_queries,
    search_candidates,
)
from graph.cypher.write import (
    ADD_TO_NODE_LISTS,
    DELETE_NODES,
    DELETE_SOME,
    ENSURE_STUBS,
    EXISTING_KINDS,
    NODE_FLAG_PROPS,
    NODE_LIST_PROPS,
    REL_LIST_PROPS,
    create_nodes,
    create_relationships,
    create_relationships_between,
    delete_relationships,
    existing_relationships,
    relabel_nodes,
    update_nodes,
    upsert_relationships,
)

__all__ = [
    "ADD_TO_NODE_LISTS",
    "ALL_ENTITIES",
    "COUNT_NAMES_CONTAINING",
    "DELETE_NODES",
    "DELETE_SOME",
    "ENSURE_STUBS",
    "ENTITIES_IN_ID_RANGE",
    "EXISTING_KINDS",
    "FALKORDB_CONSTRAINTS",
    "FULLTEXT_LOOKUP",
    "FULLTEXT_NAMES",
    "GET_ENTITIES",
    "GET_ENTITY",
    "LAST_INDEXED_SAMPLE",
    "MATCH_CANDIDATE_PROPS",
    "MAX_NODE_INTERNAL_ID",
    "NEO4J_AWAIT_INDEXES",
    "NODE_FLAG_PROPS",
    "NODE_LIST_PROPS",
    "PING",
    "REL_LIST_PROPS",
    "SAME_AS_OF",
    "SAME_AS_QUEUE",
    "SEARCH_CANDIDATE_PROPS",
    "STATS_NODES",
    "STATS_RELATIONSHIPS",
    "UPSERT_SAME_AS",
    "Dialect",
    "all_relationships",
    "count_links",
    "create_nodes",
    "create_relationships",
    "create_relationships_between",
    "delete_relationships",
    "entities_with_list_value",
    "entities_with_lookup_key",
    "existing_relationships",
    "falkordb_unique_ids",
    "fulltext_all_words",
    "fulltext_query",
    "judge_same_as",
    "link_degrees",
    "links",
    "lookup_keys_query",
    "match_candidates",
    "match_names_queries",
    "neighbour_ids",
    "neighbourhood_view",
    "neighbours",
    "node_values",
    "relabel_nodes",
    "relationship_values",
    "relationships_between",
    "relationships_in_id_range",
    "schema_statements",
    "search_candidates",
    "set_node_properties",
    "shortest_path",
    "update_nodes",
    "upsert_relationships",
]
__all__ += ["delete_records", "get_records", "put_records"]  # the analysts' records (graph.cases)
