"""A query made in a case is run once: the command that makes it reads through ``Remembered`` (each read answer kept
by method and arguments), and the log's runner (``querylog.run_query``) counting its results then reads the same
answers instead of asking the store again. A command whose work is not a store read - screening a file, where the
scoring costs more than the reads - hands its count over instead (``tell_counted``).
"""

from __future__ import annotations

import contextvars
import inspect
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

Counted = tuple[int, list[str]]

#: The read methods whose answers are kept (iterators and writes are passed through).
REMEMBERED = frozenset(
    {
        "search",
        "get_entity",
        "get_entities",
        "neighbourhood",
        "shortest_path",
        "shortest_paths",
        "links",
        "count_links",
        "link_degrees",
        "entities_with_list_value",
        "match_candidates",
        "match_candidates_many",
        "same_as_of",
    }
)

_told: contextvars.ContextVar[Counted | None] = contextvars.ContextVar("told_counted", default=None)


def _key(value: Any) -> Any:
    """A hashable form of an argument (lists and tuples alike, sets sorted, mappings by item)."""
    if isinstance(value, Enum):
        return (type(value).__name__, value.value)
    if isinstance(value, list | tuple):
        return tuple(_key(v) for v in value)
    if isinstance(value, set | frozenset):
        return tuple(sorted((_key(v) for v in value), key=repr))
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _key(v)) for k, v in value.items()))
    hash(value)  # anything else must be hashable as it is (TypeError: not remembered)
    return value


class Remembered:
    """A store seen through its answers: the read methods in REMEMBERED answer a call they answered before (same
    method, same arguments once defaults are applied) from memory; everything else goes to the store. ``calls``
    counts the reads that reached the store."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self._answers: dict[Any, Any] = {}
        self.calls: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name not in REMEMBERED or not callable(attr):
            return attr
        return self._remembering(name, attr)

    def _remembering(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        try:
            signature: inspect.Signature | None = inspect.signature(method)
        except (TypeError, ValueError):
            signature = None

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                if signature is not None:
                    bound = signature.bind(*args, **kwargs)
                    bound.apply_defaults()
                    key: tuple[Any, ...] = (name, _key(dict(bound.arguments)))
                else:
                    key = (name, _key(args), _key(kwargs))
            except TypeError:  # unhashable or unbindable arguments: asked of the store every time
                return self._ask(name, method, args, kwargs)
            if key not in self._answers:
                self._answers[key] = self._ask(name, method, args, kwargs)
            return self._answers[key]

        return call

    def _ask(self, name: str, method: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self.calls[name] = self.calls.get(name, 0) + 1
        return method(*args, **kwargs)


def tell_counted(count: int, ids: list[str]) -> None:
    """Called by a command that counted its own results (for the case's query log, instead of running it again)."""
    _told.set((count, ids))


def expect_counted() -> contextvars.Token[Counted | None]:
    """Start listening for ``tell_counted`` (the query-logging wrapper, before the command runs)."""
    return _told.set(None)


def told_counted(token: contextvars.Token[Counted | None]) -> Counted | None:
    """What the command told since ``expect_counted`` (None: nothing), and stop listening."""
    told = _told.get()
    _told.reset(token)
    return told
