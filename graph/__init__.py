"""sanctions-graph's domain core: the public API outside callers (loaders, dashboard, the CLI) import from.

``from graph import open_store, Settings, NodeKind, ...``: these names are the contract; the modules behind them
(graph.stores.*, graph.cypher, ...) are internals. Modules inside graph/ import each other by full path, never
``from graph import ...`` (that would make an import cycle through this file).

Each name is imported when it is first used (PEP 562: the module ``__getattr__`` at the end, from the ``_WHERE``
table), not when ``graph`` is, so a command pays only for what it touches: ``import graph`` alone loads no driver,
no followthemoney, no pandas. The same names are imported under ``if TYPE_CHECKING:`` for type checkers, so
``from graph import X`` stays exactly typed; tests/unit/test_graph_api.py checks that the imports, ``__all__`` and
``_WHERE`` agree and that every name resolves to the object its module defines.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
        standing,
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
        NOT_PROPERTY_ROWS,
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
    "NOT_PROPERTY_ROWS",
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
    "standing",
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
if TYPE_CHECKING:
    __all__ += _cases.__all__  # the cases API, listed once in graph/cases/__init__.py
    __all__ += _model.__all__  # the domain objects, listed once in graph/model.py

#: Where each of graph's own names lives: ``module``, or ``module:attribute`` when graph names it differently.
_WHERE: dict[str, str] = {
    "AnalyzeSummary": "graph.analytics.analyze",
    "analyze": "graph.analytics.analyze",
    "parse_day": "graph.analytics.dates",
    "EXPOSURE_DEFAULT_HOPS": "graph.analytics.exposure:DEFAULT_MAX_HOPS",
    "EXPOSURE_MAX_HOPS": "graph.analytics.exposure:MAX_MAX_HOPS",
    "ExposureReport": "graph.analytics.exposure",
    "entity_exposure": "graph.analytics.exposure",
    "is_rejected": "graph.analytics.exposure",
    "resolve_types": "graph.analytics.exposure",
    "DEFAULT_FLOW_HOPS": "graph.analytics.itworkers",
    "ItWorkerReport": "graph.analytics.itworkers",
    "find_it_workers": "graph.analytics.itworkers",
    "Listing": "graph.analytics.listing",
    "entity_listings": "graph.analytics.listing",
    "listed_status": "graph.analytics.listing",
    "listings": "graph.analytics.listing",
    "named_nearest": "graph.analytics.listing",
    "standing": "graph.analytics.listing",
    "with_derived": "graph.analytics.listing",
    "with_listings": "graph.analytics.listing",
    "OwnershipReport": "graph.analytics.ownership",
    "entity_ownership": "graph.analytics.ownership",
    "ownership_from_subgraph": "graph.analytics.ownership",
    "SharedReport": "graph.analytics.shared_infrastructure",
    "shared_infrastructure": "graph.analytics.shared_infrastructure",
    "TRACE_DEFAULT_HOPS": "graph.analytics.trace:DEFAULT_HOPS",
    "TRACE_MAX_HOPS": "graph.analytics.trace:MAX_HOPS",
    "Trace": "graph.analytics.trace",
    "TraceDirection": "graph.analytics.trace",
    "resolve_start": "graph.analytics.trace",
    "trace_funds": "graph.analytics.trace",
    "trace_table_text": "graph.analytics.trace",
    "country_code": "graph.countries",
    "country_name": "graph.countries",
    "country_names": "graph.countries",
    "ConfigError": "graph.errors",
    "EntityNotFound": "graph.errors",
    "ExpectedCountError": "graph.errors",
    "QueryTimeout": "graph.errors",
    "SanctionsGraphError": "graph.errors",
    "SourceFormatError": "graph.errors",
    "StoreUnavailable": "graph.errors",
    "EXPORT_HIDDEN_PROPS": "graph.exports.common:INTERNAL",
    "designation_text": "graph.exports.common",
    "file_stem": "graph.exports.common",
    "shown_relationships": "graph.exports.common",
    "without_internal": "graph.exports.common",
    "ExportStats": "graph.exports.ftm",
    "export_entities": "graph.exports.ftm",
    "export_graph": "graph.exports.ftm",
    "export_subgraph": "graph.exports.ftm",
    "ftm_jsonl": "graph.exports.ftm",
    "judgements": "graph.exports.ftm",
    "write_ftm": "graph.exports.ftm",
    "graphml": "graph.exports.graphml",
    "xml_text": "graph.exports.graphml",
    "csv_safe_row": "graph.exports.tabular",
    "csv_zip": "graph.exports.tabular",
    "formula_safe": "graph.exports.tabular",
    "write_graph_csv_zip": "graph.exports.tabular",
    "EDGE_SCHEMATA": "graph.ftm_mapping",
    "EXPORT_EDGES": "graph.ftm_mapping",
    "EdgeMap": "graph.ftm_mapping",
    "INTERVAL_IGNORED": "graph.ftm_mapping",
    "KIND_SCHEMATA": "graph.ftm_mapping",
    "LINK_PROPS": "graph.ftm_mapping",
    "NUMERIC_REL_PROPS": "graph.ftm_mapping",
    "TRANSFER_MARK": "graph.ftm_mapping",
    "fold_text": "graph.ids",
    "is_evm_address": "graph.ids",
    "lookup_key": "graph.ids",
    "normalize_address": "graph.ids",
    "ofac_id": "graph.ids",
    "rel_id": "graph.ids",
    "wallet_id": "graph.ids",
    "ACCEPTED": "graph.matching.judgements",
    "CANDIDATE": "graph.matching.judgements",
    "JUDGEMENT_COLUMNS": "graph.matching.judgements",
    "JudgementError": "graph.matching.judgements",
    "REJECTED": "graph.matching.judgements",
    "SameAsPair": "graph.matching.judgements",
    "followed_statuses": "graph.matching.judgements",
    "judge": "graph.matching.judgements",
    "judgement_rows": "graph.matching.judgements",
    "review_queue": "graph.matching.judgements",
    "status_of": "graph.matching.judgements",
    "with_entities": "graph.matching.judgements",
    "MATCH_THRESHOLD": "graph.matching.matcher",
    "POSSIBLE_THRESHOLD": "graph.matching.matcher",
    "FIELD_HEADERS": "graph.matching.screening",
    "ScreenResult": "graph.matching.screening",
    "ScreenSummary": "graph.matching.screening:Summary",
    "find_columns": "graph.matching.screening",
    "read_counterparties": "graph.matching.screening:read_table",
    "rejects_frame": "graph.matching.screening",
    "results_frame": "graph.matching.screening",
    "screen_frame": "graph.matching.screening",
    "screen_rows": "graph.matching.screening",
    "XrefSummary": "graph.matching.xref",
    "xref": "graph.matching.xref",
    "as_dict": "graph.plain",
    "counted_lines": "graph.plain",
    "terminal_text": "graph.safe_text",
    "STORES": "graph.settings",
    "Settings": "graph.settings",
    "DEFAULT_NEIGHBOURHOOD_LIMIT": "graph.stores.base",
    "GraphReader": "graph.stores.base",
    "GraphStore": "graph.stores.base",
    "GraphWriter": "graph.stores.base",
    "MAX_HOPS": "graph.stores.base",
    "MAX_PATH_HOPS": "graph.stores.base",
    "ReviewWriter": "graph.stores.base",
    "BulkFiles": "graph.stores.bulk_import",
    "BulkImportWriter": "graph.stores.bulk_import",
    "DEFAULT_START_TIMEOUT_S": "graph.stores.factory",
    "ServerStatus": "graph.stores.factory",
    "embedded_status": "graph.stores.factory",
    "open_store": "graph.stores.factory",
    "reset_store": "graph.stores.factory",
    "stop_embedded": "graph.stores.factory",
    "store_session": "graph.stores.factory",
    "wait_for_embedded_persistence": "graph.stores.factory",
    "write_session": "graph.stores.factory",
    "StoreBusy": "graph.stores.write_lock",
    "ANALYSIS_PROPS": "graph.vocabulary",
    "ENTITY_LABEL": "graph.vocabulary",
    "FLAG_PROPS": "graph.vocabulary",
    "INTERNAL_PROPS": "graph.vocabulary",
    "KIND_CAPTIONS": "graph.vocabulary",
    "LIST_PROPS": "graph.vocabulary",
    "NOT_PROPERTY_ROWS": "graph.vocabulary",
    "NodeKind": "graph.vocabulary",
    "Prop": "graph.vocabulary",
    "RELATIONSHIPS": "graph.vocabulary",
    "RelSpec": "graph.vocabulary",
    "RelType": "graph.vocabulary",
    "parse_kind": "graph.vocabulary",
    "parse_rel_types": "graph.vocabulary",
}
#: Modules whose own ``__all__`` graph re-exports whole: the domain objects, the cases API.
_WHOLE = ("graph.model", "graph.cases")


def _resolve(name: str) -> Any:
    if name == "__all__":  # graph's own names, then the whole modules' (which imports graph.cases)
        return [*_WHERE, *(n for module in _WHOLE for n in importlib.import_module(module).__all__)]
    if name in _WHERE:
        module, _, attribute = _WHERE[name].partition(":")
        return getattr(importlib.import_module(module), attribute or name)
    # a dunder probe (copy, pickle, inspect) loads nothing; nor does `from graph import cypher` (a submodule, which
    # the import system loads once this says it is no attribute)
    if not name.startswith("__") and importlib.util.find_spec(f"{__name__}.{name}") is None:
        for module in _WHOLE:
            loaded = importlib.import_module(module)
            if name in loaded.__all__:
                return getattr(loaded, name)
    raise AttributeError(f"module 'graph' has no attribute {name!r}")


if not TYPE_CHECKING:  # (a type checker reads the imports above; a __getattr__ would make every unknown name Any)
    del __all__  # the complete list names the cases API, which would have to be imported: computed on first use

    def __getattr__(name: str) -> Any:
        value = _resolve(name)
        globals()[name] = value  # the next use is a plain module attribute
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_resolve("__all__")})
