"""The embedded default store: FalkorDB (OpenCypher) on a server this process starts or finds running."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.query_result import QueryResult

from graph import cypher
from graph.errors import QueryTimeout, SanctionsGraphError, StoreUnavailable
from graph.model import WriteCounts
from graph.settings import Settings
from graph.stores.cypher_store import CypherStore, Row
from graph.stores.cypher_writes import IdsTaken
from graph.stores.embedded_server import DEFAULT_START_TIMEOUT_S, EmbeddedServer
from graph.stores.refusal import NUL_REFUSAL, has_nul, store_refusal
from graph.vocabulary import Prop


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# FalkorDB's compact result set: a cell is [type, value]. The types our queries return (they never return nodes,
# edges or paths) are read here straight into plain values: the client's parser (a function per cell, maps as
# OrderedDict, then _plain again) took about a third of a 2,000-entity view's read. Any other type (a node, an
# edge, a path, a point, a vector, a date) makes the whole answer go through the client's own parser.
_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _MAP = 1, 2, 3, 4, 5, 6, 10


class _OtherType(Exception):
    """A cell of a type _cell does not read."""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _cell(cell: Any) -> Any:
    kind, value = cell[0], cell[1]
    if kind == _STRING:
        return value if type(value) is str else _text(value)
    if kind == _INTEGER:
        return int(value)
    if kind == _NULL:
        return None
    if kind == _BOOLEAN:
        return _text(value) == "true"
    if kind == _DOUBLE:
        return float(value)
    if kind == _ARRAY:
        return [_cell(c) for c in value]
    if kind == _MAP:
        return {_text(value[i]): _cell(value[i + 1]) for i in range(0, len(value), 2)}
    raise _OtherType(kind)


def _compact_rows(response: Any) -> list[Row] | None:
    """The rows of a compact answer (header, rows, statistics), or None when a cell is of another type."""
    if len(response) < 3:  # statistics only: a statement without RETURN
        return []
    header = [_text(h[1]) if isinstance(h, list | tuple) else _text(h) for h in response[0]]
    try:
        return [dict(zip(header, map(_cell, row), strict=True)) for row in response[1]]
    except _OtherType:
        return None


class FalkorStore(CypherStore):
    dialect = cypher.Dialect.FALKORDB
    #: A first load's batches are CREATEd without reading first once ensure_schema has seen every unique-id
    #: constraint operational: a statement that violates one is refused whole (nothing written), then the batch is
    #: written the careful way (cypher_writes.CypherWrites.creates_first).
    creates_first = True
    #: Two load batches in flight: the client writes out one's parameters (about 11 ms for 2,000 relationships)
    #: and reads its answer while the server runs the other (FalkorDB runs one write at a time, so side-by-side
    #: batches cannot deadlock). 100k/300k FtM file: 24.3k against 19.1k records/s with one.
    write_workers = 2

    def __init__(
        self,
        server: EmbeddedServer,
        graph_name: str,
        owns_server: bool,
        query_timeout_s: float,
        idle_timeout_s: float = 0.0,
    ) -> None:
        super().__init__(query_timeout_s)
        self._server = server
        self._owns_server = owns_server
        #: a server left running (idle timeout > 0) has its lease moved on when this store closes
        self._idle_timeout_s = idle_timeout_s
        self._graph_name = graph_name
        try:
            self._db = FalkorDB(unix_socket_path=str(server.socket), socket_timeout=max(30.0, query_timeout_s * 3))
            self._graph = self._db.select_graph(graph_name)
        except (redis.RedisError, OSError) as exc:
            raise StoreUnavailable(f"The embedded store is not reachable at {server.socket}.") from exc

    @classmethod
    def open(cls, settings: Settings, start_timeout_s: float = DEFAULT_START_TIMEOUT_S) -> FalkorStore:
        """Find or start the embedded server for ``settings.home`` (waiting up to ``start_timeout_s`` for a start)
        and connect to it. With ``settings.idle_timeout_s`` > 0 a server this call starts is left running when the
        store closes (it stops itself once unused that long); with 0 the store stops it on close."""
        server = EmbeddedServer(settings.home, start_timeout_s)
        idle = settings.idle_timeout_s
        started = server.ensure_running(idle)
        try:
            store = cls(server, settings.graph_name, started and idle <= 0, settings.query_timeout_s, idle)
            store._write(cypher.PING)  # also creates the graph key, so read-only queries work on a new store
            if started:
                store._wait_for_search_index()
        except Exception:
            if started:
                server.stop()
            raise
        return store

    def _wait_for_search_index(self, timeout_s: float = 60.0) -> None:
        """After a start, FalkorDB rebuilds full-text indexes in the background while saying they are operational:
        wait until the most recently created entity's name is found, so the first search is complete."""
        sample = self._read(cypher.LAST_INDEXED_SAMPLE)
        if not sample or not sample[0]["text"]:
            return
        words = [w for w in str(sample[0]["text"]).split() if w.isascii() and w.isalnum()]
        if not words:
            return
        query = cypher.fulltext_query(self.dialect, Prop.SEARCH_TEXT, words[:1])
        probe = {"index": cypher.FULLTEXT_NAMES, "query": query, "limit": 100_000}
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self._read(cypher.search_candidates(self.dialect), probe)
            if any(r.get(Prop.ID.value) == sample[0]["id"] for r in found):
                return
            time.sleep(0.1)

    @property
    def description(self) -> str:
        return f"embedded FalkorDB, data in {self._server.data_dir}"

    def _translate(self, exc: Exception, params: dict[str, Any] | None = None) -> SanctionsGraphError:
        text = str(exc)
        if isinstance(exc, redis.ResponseError) and has_nul(params):  # the client cuts the query at a NUL
            return SanctionsGraphError(NUL_REFUSAL)
        if isinstance(exc, redis.ResponseError) and "timed out" in text.lower():
            return QueryTimeout("The graph took too long to answer; try fewer hops or a narrower filter.")
        if isinstance(exc, redis.ConnectionError | redis.TimeoutError | OSError):
            return StoreUnavailable("The embedded store stopped answering; run the command again to restart it.")
        if "unique constraint violation" in text:
            return IdsTaken()  # (its sentence: refusal.CONCURRENT_WRITE)
        return SanctionsGraphError(store_refusal(text))

    def _read(self, query: str, params: dict[str, Any] | None = None, timeout_s: float | None = None) -> list[Row]:
        timeout = int((timeout_s or self.query_timeout_s) * 1000)
        params_header = getattr(self._graph, "_build_params_header", None)  # the client's own quoting of values
        try:
            if params_header is None:  # (a client without it: its whole query path)
                return self._rows(self._graph.ro_query(query, params or {}, timeout=timeout))
            text = params_header(params or {}) + query
            response = self._graph.execute_command(
                "GRAPH.RO_QUERY", self._graph.name, text, "--compact", "timeout", timeout
            )
            for part in (response[0], response[-1]):  # a refusal, or a failure while it ran (as the client checks)
                if isinstance(part, redis.ResponseError):
                    raise part
            rows = _compact_rows(response)
            return rows if rows is not None else self._rows(QueryResult(self._graph, response))
        except (redis.RedisError, OSError) as exc:
            raise self._translate(exc, params) from exc

    @staticmethod
    def _rows(result: QueryResult) -> list[Row]:
        header = [h[1] if isinstance(h, list | tuple) else h for h in result.header]
        return [{str(k): _plain(v) for k, v in zip(header, row, strict=True)} for row in result.result_set]

    def _write(self, query: str, params: dict[str, Any] | None = None) -> tuple[list[Row], WriteCounts]:
        try:
            result = self._graph.query(query, params or {})
        except (redis.RedisError, OSError) as exc:
            raise self._translate(exc, params) from exc
        rows = self._rows(result)
        counts = WriteCounts(
            int(result.nodes_created or 0), int(result.relationships_created or 0), int(result.properties_set or 0)
        )
        return rows, counts

    def _stream(self, whole: str, by_id_range: str, page: int) -> Iterator[Row]:
        top = self._read(cypher.MAX_NODE_INTERNAL_ID)
        highest = top[0]["n"] if top else None
        if highest is None:
            return
        for lo in range(0, int(highest) + 1, page):
            yield from self._read(by_id_range, {"lo": lo, "hi": lo + page}, timeout_s=max(60.0, self.query_timeout_s))

    def _schema(self, statement: str) -> None:
        try:
            self._graph.query(statement)
        except redis.ResponseError as exc:
            if "already indexed" in str(exc):
                return
            raise self._translate(exc) from exc
        except (redis.RedisError, OSError) as exc:
            raise self._translate(exc) from exc

    def close(self) -> None:
        with contextlib.suppress(redis.RedisError, OSError, AttributeError):
            self._db.connection.close()
        if self._owns_server:
            self._server.stop()
            self._owns_server = False
        else:
            self._server.renew_lease(self._idle_timeout_s)

    def ensure_schema(self) -> None:
        """Indexes, then ids unique by constraint (entities and every relationship type): a second writer of an id
        fails instead of duplicating it. A constraint that cannot hold (ids already duplicated) is a sentence."""
        super().ensure_schema()
        for entity_type, label in cypher.falkordb_unique_ids():
            try:
                self._graph.execute_command(
                    "GRAPH.CONSTRAINT", "CREATE", self._graph_name, "UNIQUE", entity_type, label, "PROPERTIES", 1, "id"
                )
            except redis.ResponseError as exc:
                if "already exists" not in str(exc):
                    raise self._translate(exc) from exc
            except (redis.RedisError, OSError) as exc:
                raise self._translate(exc) from exc
        deadline = time.monotonic() + 600.0
        while True:  # constraints are built in the background: a load starts once they hold
            states = {(str(r["label"]), str(r["status"])) for r in self._read(cypher.FALKORDB_CONSTRAINTS)}
            failed = sorted(label for label, status in states if status == "FAILED")
            if failed:
                raise SanctionsGraphError(
                    f"The embedded store holds duplicate ids ({', '.join(failed)}), written by an earlier version: "
                    "export what you need, run `sanctions-graph db reset` and load again."
                )
            if all(status == "OPERATIONAL" for _, status in states):
                return
            if time.monotonic() > deadline:  # not all hold yet: every batch reads which ids are stored first
                self._ids_constrained = False
                return
            time.sleep(0.05)
