"""sanctions-graph's domain core: the public API outside callers (loaders, dashboard, the CLI) import from.

``from graph import open_store, Settings, NodeKind, ...``: these names are the contract; the modules behind them
(graph.stores.*, graph.cypher, ...) are internals. Modules inside graph/ import each other by full path, never
``from graph import ...`` (that would make an import cycle through this file).
"""

from __future__ import annotations

from graph import cases as _cases
from graph import model as _model
from graph.analytics.analyze import AnalyzeSummary, analyze
from graph.analytics.dates import parse_day
from graph.analytics.exposure import DEFAULT_MAX_HOPS as EXPOSURE_DEFAULT_HOPS
from graph.analytics.exposure import MAX_MAX_HOPS as EXPOSURE_MAX_HOPS
from graph.analytics.exposure import ExposureReport, entity_exposure, is_rejected, resolve_types
from graph.analytics.itworkers import DEFAULT_FLOW_HOPS, ItWorkerReport, find_it_workers
from graph.analytics.listing import (
    Listing,
    entity_listings,
    listed_status,
    listings,
    named_nearest,
    with_derived,
    with_listings,
)
from graph.analytics.ownership import OwnershipReport, entity_ownership, ownership_from_subgraph
from graph.analytics.shared_infrastructure import SharedReport, shared_infrastructure
from graph.analytics.trace import DEFAULT_HOPS as TRACE_DEFAULT_HOPS
from graph.analytics.trace import MAX_HOPS as TRACE_MAX_HOPS
from graph.analytics.trace import Trace, TraceDirection, resolve_start, trace_funds, trace_table_text
from graph.cases import *  # noqa: F403  (the cases API: exactly graph.cases.__all__, re-exported below)
from graph.countries import country_code, country_name, country_names
from graph.errors import (
    ConfigError,
    EntityNotFound,
    ExpectedCountError,
    QueryTimeout,
    SanctionsGraphError,
    SourceFormatError,
    StoreUnavailable,
)
from graph.exports.common import INTERNAL as EXPORT_HIDDEN_PROPS
from graph.exports.common import designation_text, file_stem, shown_relationships, without_internal
from graph.exports.ftm import (
    ExportStats,
    export_entities,
    export_graph,
    export_subgraph,
    ftm_jsonl,
    judgements,
    write_ftm,
)
from graph.exports.graphml import graphml, xml_text
from graph.exports.tabular import csv_safe_row, csv_zip, formula_safe, write_graph_csv_zip
from graph.ftm_mapping import (
    EDGE_SCHEMATA,
    EXPORT_EDGES,
    INTERVAL_IGNORED,
    KIND_SCHEMATA,
    LINK_PROPS,
    NUMERIC_REL_PROPS,
    TRANSFER_MARK,
    EdgeMap,
)
from graph.ids import fold_text, is_evm_address, lookup_key, normalize_address, ofac_id, rel_id, wallet_id
from graph.matching.judgements import (
    ACCEPTED,
    CANDIDATE,
    JUDGEMENT_COLUMNS,
    REJECTED,
    JudgementError,
    SameAsPair,
    followed_statuses,
    judge,
    judgement_rows,
    review_queue,
    status_of,
    with_entities,
)
from graph.matching.matcher import MATCH_THRESHOLD, POSSIBLE_THRESHOLD
from graph.matching.screening import (
    FIELD_HEADERS,
    ScreenResult,
    find_columns,
    rejects_frame,
    results_frame,
    screen_frame,
    screen_rows,
)
from graph.matching.screening import Summary as ScreenSummary
from graph.matching.screening import read_table as read_counterparties
from graph.matching.xref import XrefSummary, xref
from graph.model import *  # noqa: F403  (the domain objects: exactly graph.model.__all__, re-exported below)
from graph.plain import as_dict, counted_lines
from graph.safe_text import terminal_text
from graph.settings import STORES, Settings
from graph.stores.base import (
    DEFAULT_NEIGHBOURHOOD_LIMIT,
    MAX_HOPS,
    MAX_PATH_HOPS,
    GraphReader,
    GraphStore,
    GraphWriter,
    ReviewWriter,
)
from graph.stores.bulk_import import BulkFiles, BulkImportWriter
from graph.stores.factory import (
    DEFAULT_START_TIMEOUT_S,
    ServerStatus,
    embedded_status,
    open_store,
    reset_store,
    stop_embedded,
    store_session,
    wait_for_embedded_persistence,
    write_session,
)
from graph.stores.write_lock import StoreBusy
from graph.vocabulary import (
    ANALYSIS_PROPS,
    ENTITY_LABEL,
    FLAG_PROPS,
    INTERNAL_PROPS,
    KIND_CAPTIONS,
    LIST_PROPS,
    RELATIONSHIPS,
    NodeKind,
    Prop,
    RelSpec,
    RelType,
    parse_kind,
    parse_rel_types,
)

__all__ = [
    "ACCEPTED",
    "ANALYSIS_PROPS",
    "CANDIDATE",
    "DEFAULT_FLOW_HOPS",
    "DEFAULT_NEIGHBOURHOOD_LIMIT",
    "DEFAULT_START_TIMEOUT_S",
    "EDGE_SCHEMATA",
    "ENTITY_LABEL",
    "EXPORT_EDGES",
    "EXPORT_HIDDEN_PROPS",
    "EXPOSURE_DEFAULT_HOPS",
    "EXPOSURE_MAX_HOPS",
    "FIELD_HEADERS",
    "FLAG_PROPS",
    "INTERNAL_PROPS",
    "INTERVAL_IGNORED",
    "JUDGEMENT_COLUMNS",
    "KIND_CAPTIONS",
    "KIND_SCHEMATA",
    "LINK_PROPS",
    "LIST_PROPS",
    "MATCH_THRESHOLD",
    "MAX_HOPS",
    "MAX_PATH_HOPS",
    "NUMERIC_REL_PROPS",
    "POSSIBLE_THRESHOLD",
    "REJECTED",
    "RELATIONSHIPS",
    "STORES",
    "TRACE_DEFAULT_HOPS",
    "TRACE_MAX_HOPS",
    "TRANSFER_MARK",
    "AnalyzeSummary",
    "BulkFiles",
    "BulkImportWriter",
    "ConfigError",
    "EdgeMap",
    "EntityNotFound",
    "ExpectedCountError",
    "ExportStats",
    "ExposureReport",
    "GraphReader",
    "GraphStore",
    "GraphWriter",
    "ItWorkerReport",
    "JudgementError",
    "Listing",
    "NodeKind",
    "OwnershipReport",
    "Prop",
    "QueryTimeout",
    "RelSpec",
    "RelType",
    "ReviewWriter",
    "SameAsPair",
    "SanctionsGraphError",
    "ScreenResult",
    "ScreenSummary",
    "ServerStatus",
    "Settings",
    "SharedReport",
    "SourceFormatError",
    "StoreBusy",
    "StoreUnavailable",
    "Trace",
    "TraceDirection",
    "XrefSummary",
    "analyze",
    "as_dict",
    "counted_lines",
    "country_code",
    "country_name",
    "country_names",
    "csv_safe_row",
    "csv_zip",
    "designation_text",
    "embedded_status",
    "entity_exposure",
    "entity_listings",
    "entity_ownership",
    "export_entities",
    "export_graph",
    "export_subgraph",
    "file_stem",
    "find_columns",
    "find_it_workers",
    "fold_text",
    "followed_statuses",
    "formula_safe",
    "ftm_jsonl",
    "graphml",
    "is_evm_address",
    "is_rejected",
    "judge",
    "judgement_rows",
    "judgements",
    "listed_status",
    "listings",
    "lookup_key",
    "named_nearest",
    "normalize_address",
    "ofac_id",
    "open_store",
    "ownership_from_subgraph",
    "parse_day",
    "parse_kind",
    "parse_rel_types",
    "read_counterparties",
    "rejects_frame",
    "rel_id",
    "reset_store",
    "resolve_start",
    "resolve_types",
    "results_frame",
    "review_queue",
    "screen_frame",
    "screen_rows",
    "shared_infrastructure",
    "shown_relationships",
    "status_of",
    "stop_embedded",
    "store_session",
    "terminal_text",
    "trace_funds",
    "trace_table_text",
    "wait_for_embedded_persistence",
    "wallet_id",
    "with_derived",
    "with_entities",
    "with_listings",
    "without_internal",
    "write_ftm",
    "write_graph_csv_zip",
    "write_session",
    "xml_text",
    "xref",
]
__all__ += _cases.__all__  # the cases API, listed once in graph/cases/__init__.py
__all__ += _model.__all__  # the domain objects, listed once in graph/model.py
