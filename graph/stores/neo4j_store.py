"""The production store: Neo4j 5 through the official driver, managed transactions, one driver per process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import neo4j
from neo4j import exceptions as neo4j_errors

from graph import cypher
from graph.errors import QueryTimeout, SanctionsGraphError, StoreUnavailable
from graph.model import WriteCounts
from graph.settings import Settings
from graph.stores.cypher_store import CypherStore, Row
from graph.stores.cypher_writes import IdsTaken
from graph.stores.refusal import store_refusal


def _plain(value: Any) -> Any:
    """Driver values to plain Python (lists, dicts, scalars)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "iso_format"):  # neo4j temporal types
        return value.iso_format()
    return value


class Neo4jStore(CypherStore):
    dialect = cypher.Dialect.NEO4J
    #: Neo4j runs a transaction on one thread: two batches side by side let a load use two of its cores. Writes
    #: to shared nodes may meet a deadlock, which Neo4j reports as transient: the transaction is retried.
    write_workers = 2
    #: How long a write transaction is retried after transient errors (deadlocks between a load's side-by-side
    #: batches): longer than the driver-wide 5 s, which keeps an analyst's read from waiting on a dead server.
    write_retry_s = 60.0
    #: A first load's batches are CREATEd without reading first: the unique-id constraints refuse a stored id
    creates_first = True
    ends_by_internal_id = True

    def __init__(self, driver: neo4j.Driver, database: str, uri: str, query_timeout_s: float = 10.0) -> None:
        super().__init__(query_timeout_s)
        self._driver = driver
        self._database = database
        self._uri = uri
        #: Causal chaining: every session of this store starts after the writes of the sessions before it, so on a
        #: cluster (neo4j:// or neo4j+s:// routing URIs, reads routed to followers) a user reads their own load.
        self._bookmarks = neo4j.GraphDatabase.bookmark_manager()

    def _session(self, access: str, **config: Any) -> neo4j.Session:
        """A session on the store's database, chained to the previous ones by the bookmark manager."""
        return self._driver.session(
            database=self._database, default_access_mode=access, bookmark_manager=self._bookmarks, **config
        )

    @classmethod
    def connect(cls, settings: Settings) -> Neo4jStore:
        """Create the process's driver and check that the server answers; raise StoreUnavailable if not."""
        try:
            driver = neo4j.GraphDatabase.driver(
                settings.neo4j_uri,
                auth=(settings.neo4j_username, settings.neo4j_password),
                connection_timeout=5.0,
                max_transaction_retry_time=5.0,
                notifications_min_severity="OFF",  # schema hints on an empty database are not for analysts
            )
        except (ValueError, neo4j_errors.ConfigurationError) as exc:
            raise StoreUnavailable(f"NEO4J_URI '{settings.neo4j_uri}' is not a valid Neo4j address: {exc}") from exc
        store = cls(driver, settings.neo4j_database, settings.neo4j_uri, settings.query_timeout_s)
        try:
            driver.verify_connectivity()
            store._read(cypher.PING)
        except StoreUnavailable:
            driver.close()
            raise
        except neo4j_errors.AuthError as exc:
            driver.close()
            raise StoreUnavailable(
                f"Neo4j at {settings.neo4j_uri} refused the user name or password (check NEO4J_USERNAME and "
                "NEO4J_PASSWORD)."
            ) from exc
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
            driver.close()
            raise StoreUnavailable(f"Neo4j is not reachable at {settings.neo4j_uri}: is the server running?") from exc
        return store

    @property
    def description(self) -> str:
        return f"Neo4j at {self._uri} (database '{self._database}')"

    def _translate(self, exc: Exception) -> SanctionsGraphError:
        if isinstance(exc, neo4j_errors.AuthError):
            return StoreUnavailable(f"Neo4j at {self._uri} refused the user name or password.")
        if isinstance(exc, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired | OSError):
            return StoreUnavailable(f"Neo4j is not reachable at {self._uri}: is the server running?")
        if isinstance(exc, neo4j_errors.ClientError) and "TransactionTimedOut" in (exc.code or ""):
            return QueryTimeout("The graph took too long to answer; try fewer hops or a narrower filter.")
        if isinstance(exc, neo4j_errors.Neo4jError) and "Timed" in (exc.code or ""):
            return QueryTimeout("The graph took too long to answer; try fewer hops or a narrower filter.")
        if isinstance(exc, neo4j_errors.DatabaseUnavailable):
            return StoreUnavailable(f"The Neo4j database '{self._database}' is not available.")
        if isinstance(exc, neo4j_errors.ConstraintError) or "ConstraintValidationFailed" in str(exc):
            return IdsTaken()
        return SanctionsGraphError(store_refusal(str(exc)))

    def _read(self, query: str, params: dict[str, Any] | None = None, timeout_s: float | None = None) -> list[Row]:
        @neo4j.unit_of_work(timeout=timeout_s or self.query_timeout_s)
        def work(tx: neo4j.ManagedTransaction) -> list[Row]:
            return [{k: _plain(v) for k, v in rec.data().items()} for rec in tx.run(query, params or {})]

        for attempt in (1, 2):
            try:
                with self._session(neo4j.READ_ACCESS) as session:
                    return session.execute_read(work)
            except neo4j_errors.Neo4jError as exc:
                if attempt == 1 and self._replaced(exc):
                    continue
                raise self._translate(exc) from exc
            except (neo4j_errors.DriverError, OSError) as exc:
                raise self._translate(exc) from exc
        raise AssertionError("unreachable")

    def _write(self, query: str, params: dict[str, Any] | None = None) -> tuple[list[Row], WriteCounts]:
        def work(tx: neo4j.ManagedTransaction) -> tuple[list[Row], WriteCounts]:
            result = tx.run(query, params or {})
            rows = [{k: _plain(v) for k, v in rec.data().items()} for rec in result]
            c = result.consume().counters
            return rows, WriteCounts(c.nodes_created, c.relationships_created, c.properties_set)

        for attempt in (1, 2):
            try:
                with self._session(neo4j.WRITE_ACCESS, max_transaction_retry_time=self.write_retry_s) as session:
                    return session.execute_write(work)
            except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as exc:
                if attempt == 1 and self._replaced(exc):
                    continue
                raise self._translate(exc) from exc
        raise AssertionError("unreachable")

    def _replaced(self, exc: Exception) -> bool:
        """True (and the bookmarks forgotten) when the database is behind this store's bookmark: it was replaced
        under a running process (a bulk import, a restore), so the chain of earlier sessions no longer exists."""
        if isinstance(exc, neo4j_errors.Neo4jError) and "BookmarkTimeout" in (exc.code or ""):
            self._bookmarks = neo4j.GraphDatabase.bookmark_manager()
            return True
        return False

    def _stream(self, whole: str, by_id_range: str, page: int) -> Iterator[Row]:
        try:
            with self._session(neo4j.READ_ACCESS, fetch_size=page) as session:
                for rec in session.run(whole):  # an auto-commit read: routed to a reader on a cluster
                    yield {k: _plain(v) for k, v in rec.data().items()}
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as exc:
            raise self._translate(exc) from exc

    def _schema(self, statement: str) -> None:
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                session.run(neo4j.Query(statement)).consume()
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as exc:
            raise self._translate(exc) from exc

    def await_indexes(self, seconds: float = 1800.0) -> None:
        """Wait until every index is ONLINE (those created on a loaded database are populated in the background)."""
        self._read(cypher.NEO4J_AWAIT_INDEXES, {"seconds": int(seconds)}, timeout_s=seconds + 60)

    def close(self) -> None:
        self._driver.close()
