"""The query log of a case: every search, entity view, path, trace, exposure and screening made in a case (from the
dashboard or the CLI), with who, when, what and how many results, kept as ``RecordLabel.QUERY`` records; replayed
to show what the data says now against what it said then.

One runner per kind of query (``run_query``) counts the results and names them (entity, relationship or path ids,
the first ``RESULT_IDS_CAP`` kept): the CLI logs through it, the dashboard passes the same figures or lets it count,
and a replay runs it again, so then and now are counted the same way. ``log_query`` never raises: a log that cannot
be written is a warning in the server's log, never a broken page or command.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from graph.analytics.dates import parse_day, utc_now_iso
from graph.analytics.exposure import DEFAULT_MAX_HOPS, entity_exposure, resolve_types
from graph.analytics.trace import DEFAULT_HOPS, TraceDirection, trace_funds
from graph.errors import EntityNotFound
from graph.matching.query import QueryError
from graph.matching.screening import ScreenResult, find_columns, read_table, screen_rows
from graph.stores.base import GraphReader, RecordStore
from graph.vocabulary import RecordKey, RecordLabel, RelType, parse_rel_types

log = logging.getLogger(__name__)

#: Result ids kept per logged query (the count is always whole).
RESULT_IDS_CAP = 200
#: An uploaded counterparty file is kept in its screening's log entry (for the replay) up to this size (base64).
UPLOAD_KEPT_CHARS = 2_000_000
_UNSHOWN = frozenset({"upload"})  # parameters too long to print (kept in the record and the export)


class QueryKind(StrEnum):
    SEARCH = "search"  # {text, limit}
    ENTITY = "entity"  # {id, hops (0: the entity alone), types, limit}
    PATHS = "paths"  # {source, target, k, max_hops, types}
    TRACE = "trace"  # {start, direction, hops, since, until, through_services}
    EXPOSURE = "exposure"  # {id, max_hops, include, exclude}
    SCREEN = "screen"  # {file, columns, hits, threshold}; an upload also {upload: the file, base64; rows}


@dataclass(frozen=True)
class LoggedQuery:
    id: str
    case_id: str
    kind: str
    params: dict[str, Any]
    results: int
    result_ids: list[str]
    user: str
    via: str  # "dashboard" or "cli"
    at: str

    @property
    def what(self) -> str:
        shown = ", ".join(
            f"{k}={v}" for k, v in self.params.items() if v not in (None, "", [], False) and k not in _UNSHOWN
        )
        return f"{self.kind} {shown}".strip()

    @property
    def ids_capped(self) -> bool:
        return self.results > len(self.result_ids) and len(self.result_ids) >= RESULT_IDS_CAP

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_record(self) -> dict[str, Any]:
        return {**self.to_dict(), "params": json.dumps(self.params, ensure_ascii=False, sort_keys=True)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LoggedQuery:
        params = d.get("params") or {}
        return cls(
            id=str(d["id"]),
            case_id=str(d["case_id"]),
            kind=str(d["kind"]),
            params=dict(json.loads(params) if isinstance(params, str) else params),
            results=int(d.get("results") or 0),
            result_ids=[str(i) for i in d.get("result_ids") or []],
            user=str(d.get("user") or ""),
            via=str(d.get("via") or ""),
            at=str(d.get("at") or ""),
        )


# --- the runners: (count, result ids) --------------------------------------------------------------------------
Counted = tuple[int, list[str]]


def _types(p: Mapping[str, Any], key: str = "types") -> tuple[RelType, ...] | None:
    raw = p.get(key)
    if not raw:
        return None
    return parse_rel_types(raw.split(",") if isinstance(raw, str) else list(raw))


def _day(p: Mapping[str, Any], key: str) -> Any:
    return parse_day(str(p[key])) if p.get(key) else None


def _search(store: GraphReader, p: Mapping[str, Any]) -> Counted:
    ids = [h.entity.id for h in store.search(str(p["text"]), int(p.get("limit") or 20))]
    return len(ids), ids


def _entity(store: GraphReader, p: Mapping[str, Any]) -> Counted:
    hops = int(p.get("hops") or 0)
    if hops == 0:  # read as the command reads it (graph.cases.remembered)
        try:
            ids = [store.get_entity(str(p["id"])).id]
        except EntityNotFound:
            ids = []
    else:
        sub = store.neighbourhood(str(p["id"]), hops=hops, types=_types(p), limit=int(p.get("limit") or 200))
        ids = [e.id for e in sub.entities]
    return len(ids), ids


def _paths(store: GraphReader, p: Mapping[str, Any]) -> Counted:
    if int(p.get("k") or 1) == 1:  # one path: read as the command reads it (graph.cases.remembered)
        one = store.shortest_path(str(p["source"]), str(p["target"]), int(p.get("max_hops") or 6), _types(p))
        return (0, []) if one is None else (1, [e.id for e in one.entities])
    found = store.shortest_paths(
        str(p["source"]), str(p["target"]), k=int(p.get("k") or 1), max_hops=int(p.get("max_hops") or 6),
        types=_types(p),
    )  # fmt: skip
    return len(found), list(dict.fromkeys(e.id for path in found for e in path.entities))


def _trace(store: GraphReader, p: Mapping[str, Any]) -> Counted:
    trace = trace_funds(
        store, str(p["start"]), TraceDirection(p.get("direction") or TraceDirection.FORWARD.value),
        hops=int(p.get("hops") or DEFAULT_HOPS), since=_day(p, "since"), until=_day(p, "until"),
        through_services=bool(p.get("through_services")),
    )  # fmt: skip
    return len(trace.transfers), [t.transfer.rel_id for t in trace.transfers]


def _exposure(store: GraphReader, p: Mapping[str, Any]) -> Counted:
    types = resolve_types(_types(p, "include"), _types(p, "exclude"))
    report = entity_exposure(
        store, str(p["id"]), types=types, max_hops=int(p.get("max_hops") or DEFAULT_MAX_HOPS), use_stored=False
    )
    x = report.exposure
    return (0 if x.hops is None else 1), list(x.path)


def _screen(store: GraphReader, p: Mapping[str, Any]) -> Counted:
    if p.get("upload"):  # a file uploaded to the dashboard's /screen, kept in the log
        frame = read_table(io.BytesIO(base64.b64decode(str(p["upload"]))), str(p["file"]))
    elif p.get("uploaded"):
        raise QueryError(f"{p['file']} was uploaded to the dashboard and was too large to keep: it cannot be replayed.")
    else:
        frame = read_table(Path(str(p["file"])))
    columns = find_columns([str(c) for c in frame.columns], p.get("columns") or None)
    records = [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]
    return screen_counted(screen_rows(records, store, columns, int(p.get("hits") or 3), p.get("threshold")))


def screen_counted(results: Iterable[ScreenResult]) -> Counted:
    """A screening's results as the log counts them: rows with a hit, and each one's best hit."""
    done = list(results)
    return sum(1 for r in done if r.hits), [h.id for r in done for h in r.hits[:1]]


RUNNERS: dict[QueryKind, Callable[[GraphReader, Mapping[str, Any]], Counted]] = {
    QueryKind.SEARCH: _search,
    QueryKind.ENTITY: _entity,
    QueryKind.PATHS: _paths,
    QueryKind.TRACE: _trace,
    QueryKind.EXPOSURE: _exposure,
    QueryKind.SCREEN: _screen,
}


def run_query(store: GraphReader, kind: str, params: Mapping[str, Any]) -> Counted:
    """Run a query of ``kind`` with ``params``: how many results, and their ids (all of them)."""
    return RUNNERS[QueryKind(kind)](store, params)


# --- the log ------------------------------------------------------------------------------------------------------
class CaseStore(GraphReader, RecordStore, Protocol):
    """What cases need of a store: its read side and the analysts' records (every GraphStore is one)."""


def log_query(
    store: CaseStore,
    case_id: str,
    kind: str,
    params: Mapping[str, Any],
    user: str,
    via: str,
    counted: Counted | None = None,
    at: str | None = None,
) -> LoggedQuery | None:
    """Record a query made in a case (one small write); ``counted``: its results as the caller found them (else
    ``run_query`` counts them). Never raises: on any failure the query is not logged and the server's log says why."""
    try:
        count, ids = counted if counted is not None else run_query(store, kind, params)
        query = LoggedQuery(
            id=f"query-{time.time_ns():x}-{uuid.uuid4().hex[:6]}",  # ordered by time within one second too
            case_id=case_id,
            kind=QueryKind(kind).value,
            params={k: v for k, v in params.items() if v is not None},
            results=count,
            result_ids=list(dict.fromkeys(ids))[:RESULT_IDS_CAP],
            user=user,
            via=via,
            at=at or utc_now_iso(),
        )
        store.put_records(RecordLabel.QUERY, [query.to_record()])
        return query
    except Exception:  # logging never breaks the page or the command it serves
        log.warning("the %s query could not be logged in case %s", kind, case_id, exc_info=True)
        return None


def query_log(store: RecordStore, case_id: str) -> list[LoggedQuery]:
    """The case's logged queries, oldest first."""
    rows = store.get_records(RecordLabel.QUERY, RecordKey.CASE_ID, [case_id])
    return sorted((LoggedQuery.from_dict(r) for r in rows), key=lambda q: (q.at, q.id))


@dataclass(frozen=True)
class Replayed:
    """A logged query run again: its count now, the result ids it has now and had not then, and the reverse."""

    query: LoggedQuery
    now: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.error is not None or self.now != self.query.results or bool(self.added or self.removed)

    def text(self) -> str:
        q = self.query
        head = f"{q.at}  {q.user} ({q.via})  {q.what}: then {q.results}, now "
        if self.error is not None:
            return head + f"failed ({self.error})"
        tail = "" if self.changed else " (unchanged)"
        out = [head + f"{self.now}{tail}"]
        if self.added:
            out.append(f"    new: {', '.join(self.added)}")
        if self.removed:
            out.append(f"    gone: {', '.join(self.removed)}")
        if q.ids_capped:
            out.append(f"    (ids compared: the first {RESULT_IDS_CAP} of {q.results})")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query.to_dict(),
            "then": self.query.results,
            "now": self.now,
            "added": self.added,
            "removed": self.removed,
            "error": self.error,
        }


def replay(store: GraphReader, queries: Sequence[LoggedQuery]) -> list[Replayed]:
    """Run each logged query again and compare with what it found then (a query that fails now says why)."""
    out = []
    for q in queries:
        try:
            count, ids = run_query(store, q.kind, q.params)
        except Exception as exc:  # an entity gone, a file moved: told, the others still replayed
            out.append(Replayed(q, 0, error=str(exc) or type(exc).__name__))
            continue
        now = list(dict.fromkeys(ids))[: max(RESULT_IDS_CAP, len(q.result_ids))]
        then = set(q.result_ids)
        out.append(Replayed(q, count, [i for i in now if i not in then], [i for i in q.result_ids if i not in now]))
    return out
