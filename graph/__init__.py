"""sanctions-graph's domain core: the public API outside callers (loaders, dashboard, the CLI) import from.

``from graph import open_store, Settings, NodeKind, ...``: these names are the contract; the modules behind them
(graph.stores.*, graph.cypher, ...) are internals. Modules inside graph/ import each other by full path, never
``from graph import ...`` (that would make an import cycle through this file).
"""

from __future__ import annotations

from graph.analytics.analyze import AnalyzeSummary, analyze
from graph.analytics.exposure import ExposureReport, entity_exposure
from graph.analytics.itworkers import ItWorkerReport, find_it_workers
from graph.analytics.ownership import OwnershipReport, entity_ownership
from graph.analytics.shared_infrastructure import SharedReport, shared_infrastructure
from graph.analytics.trace import Trace, TraceDirection, trace_funds
from graph.errors import (
    ConfigError,
    EntityNotFound,
    ExpectedCountError,
    QueryTimeout,
    SanctionsGraphError,
    SourceFormatError,
    StoreUnavailable,
)
from graph.ids import fold_text, is_evm_address, lookup_key, normalize_address, ofac_id, rel_id, wallet_id
from graph.model import (
    Designation,
    Direction,
    Entity,
    Link,
    NodeRecord,
    Path,
    Relationship,
    RelRecord,
    SearchHit,
    Stats,
    Subgraph,
    WriteCounts,
)
from graph.settings import STORES, Settings
from graph.stores.base import (
    DEFAULT_NEIGHBOURHOOD_LIMIT,
    MAX_HOPS,
    MAX_PATH_HOPS,
    GraphReader,
    GraphStore,
    GraphWriter,
)
from graph.stores.factory import (
    DEFAULT_START_TIMEOUT_S,
    ServerStatus,
    embedded_status,
    open_store,
    reset_store,
    stop_embedded,
    store_session,
    wait_for_embedded_persistence,
)
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
    "ANALYSIS_PROPS",
    "DEFAULT_NEIGHBOURHOOD_LIMIT",
    "DEFAULT_START_TIMEOUT_S",
    "ENTITY_LABEL",
    "FLAG_PROPS",
    "INTERNAL_PROPS",
    "KIND_CAPTIONS",
    "LIST_PROPS",
    "MAX_HOPS",
    "MAX_PATH_HOPS",
    "RELATIONSHIPS",
    "STORES",
    "AnalyzeSummary",
    "ConfigError",
    "Designation",
    "Direction",
    "Entity",
    "EntityNotFound",
    "ExpectedCountError",
    "ExposureReport",
    "GraphReader",
    "GraphStore",
    "GraphWriter",
    "ItWorkerReport",
    "Link",
    "NodeKind",
    "NodeRecord",
    "OwnershipReport",
    "Path",
    "Prop",
    "QueryTimeout",
    "RelRecord",
    "RelSpec",
    "RelType",
    "Relationship",
    "SanctionsGraphError",
    "SearchHit",
    "ServerStatus",
    "Settings",
    "SharedReport",
    "SourceFormatError",
    "Stats",
    "StoreUnavailable",
    "Subgraph",
    "Trace",
    "TraceDirection",
    "WriteCounts",
    "analyze",
    "embedded_status",
    "entity_exposure",
    "entity_ownership",
    "find_it_workers",
    "fold_text",
    "is_evm_address",
    "lookup_key",
    "normalize_address",
    "ofac_id",
    "open_store",
    "parse_kind",
    "parse_rel_types",
    "rel_id",
    "reset_store",
    "shared_infrastructure",
    "stop_embedded",
    "store_session",
    "trace_funds",
    "wait_for_embedded_persistence",
    "wallet_id",
]
