"""The small exception tree of sanctions-graph. Driver errors are translated into these at the store boundary."""

from __future__ import annotations


class SanctionsGraphError(Exception):
    """Base of every error this project raises on purpose; its message is a sentence for people."""


class ConfigError(SanctionsGraphError):
    """Settings are missing or invalid."""


class StoreUnavailable(SanctionsGraphError):
    """The graph store cannot be reached or started."""


class QueryTimeout(SanctionsGraphError):
    """A query took longer than it was allowed."""


class EntityNotFound(SanctionsGraphError):
    """No entity has the requested id."""

    def __init__(self, entity_id: str) -> None:
        super().__init__(f"No entity with id '{entity_id}' is in the graph.")
        self.entity_id = entity_id


class SourceFormatError(SanctionsGraphError):
    """A source file does not have the structure its loader expects."""

    def __init__(self, path: str, line: int | None, field: str | None, reason: str) -> None:
        where = path
        if line is not None:
            where += f", line {line}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.field = field
        self.reason = reason


class ExpectedCountError(SanctionsGraphError):
    """A load produced fewer records than its source declares it must."""
