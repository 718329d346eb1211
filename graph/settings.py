"""One typed settings object, read from the environment and validated at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from graph.errors import ConfigError

#: Store kinds; "memory" (in this process only, nothing persisted) is for unit tests and small tools, never the
#: default.
STORES = ("embedded", "neo4j", "memory")


def _default_home() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "sanctions-graph"


@dataclass(frozen=True)
class Settings:
    """Where the graph lives and how to reach it."""

    store: str = "embedded"
    home: Path = Path()
    graph_name: str = "sanctions"
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_username: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    query_timeout_s: float = 10.0
    #: A read-only user for the dashboard (NEO4J_READ_USERNAME / NEO4J_READ_PASSWORD); empty: the user above.
    neo4j_read_username: str = ""
    neo4j_read_password: str = ""
    #: How long an embedded server a command starts stays running once unused (seconds); 0: the command stops it
    #: when it ends. The CLI sets it (--idle-timeout, SANCTIONS_GRAPH_IDLE_TIMEOUT, default 600); libraries get 0.
    idle_timeout_s: float = 0.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, store: str | None = None) -> Settings:
        e = os.environ if env is None else env
        home = Path(e["SANCTIONS_GRAPH_HOME"]).expanduser() if e.get("SANCTIONS_GRAPH_HOME") else _default_home()
        try:
            timeout = float(e.get("SANCTIONS_GRAPH_QUERY_TIMEOUT", "10"))
        except ValueError:
            raise ConfigError("SANCTIONS_GRAPH_QUERY_TIMEOUT must be a number of seconds.") from None
        settings = cls(
            store=(store or e.get("SANCTIONS_GRAPH_STORE") or "embedded").strip().lower(),
            home=home,
            graph_name=e.get("SANCTIONS_GRAPH_NAME", "sanctions"),
            neo4j_uri=e.get("NEO4J_URI", cls.neo4j_uri),
            neo4j_username=e.get("NEO4J_USERNAME", cls.neo4j_username),
            neo4j_password=e.get("NEO4J_PASSWORD", ""),
            neo4j_database=e.get("NEO4J_DATABASE", cls.neo4j_database),
            query_timeout_s=timeout,
            neo4j_read_username=e.get("NEO4J_READ_USERNAME", ""),
            neo4j_read_password=e.get("NEO4J_READ_PASSWORD", ""),
        )
        settings.validate()
        return settings

    def with_store(self, store: str) -> Settings:
        s = replace(self, store=store.strip().lower())
        s.validate()
        return s

    def with_idle_timeout(self, seconds: float) -> Settings:
        """These settings with another idle timeout for an embedded server they start (0: stopped on close)."""
        if seconds < 0:
            raise ConfigError("The idle timeout must be 0 (stop when the command ends) or a number of seconds.")
        return replace(self, idle_timeout_s=float(seconds))

    def for_reading(self) -> Settings:
        """These settings with the read-only Neo4j user, when one is set (what the dashboard connects as)."""
        if not self.neo4j_read_username:
            return self
        return replace(self, neo4j_username=self.neo4j_read_username, neo4j_password=self.neo4j_read_password)

    def validate(self) -> None:
        if self.store not in STORES:
            raise ConfigError(f"Unknown store '{self.store}': choose one of {', '.join(STORES)}.")
        if self.query_timeout_s <= 0:
            raise ConfigError("SANCTIONS_GRAPH_QUERY_TIMEOUT must be positive.")
        if self.store == "neo4j" and not self.neo4j_uri:
            raise ConfigError("NEO4J_URI is empty: set it to the Bolt address of your Neo4j server.")
