"""A deadline on every store call the dashboard makes: a hung store (a stopped server, a dead connection that the
driver would wait on for minutes) gives the analyst a sentence within the query timeout and a few seconds, not a
blank page.

``with_deadline(store, seconds)`` returns a stand-in for ``store`` whose methods run on a small pool of worker
threads; a call that has not returned by the deadline raises ``StoreUnavailable`` (a sentence that pages show in
their error box). The late call keeps its worker until the store answers or its own timeout fires; while every
worker is stuck, new calls wait in the queue and get the same sentence at their deadline.
"""

from __future__ import annotations

import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar, cast

from graph import StoreUnavailable

S = TypeVar("S")


class _Deadline:
    def __init__(self, store: Any, seconds: float, workers: int) -> None:
        self._store = store
        self._seconds = seconds
        self._workers = workers
        self._lock = threading.Lock()
        self._pool_pid = os.getpid()
        self._pool = self._new_pool()

    def _new_pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="store-call")

    def _pool_here(self) -> ThreadPoolExecutor:
        """This process's pool (a new one in a forked child: the parent's threads did not come along; the parent
        never takes the lock, so a child never inherits it held)."""
        if self._pool_pid != os.getpid():
            with self._lock:
                if self._pool_pid != os.getpid():
                    self._pool = self._new_pool()
                    self._pool_pid = os.getpid()
        return self._pool

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if not callable(value) or name.startswith("_"):
            return value

        @functools.wraps(value)
        def call(*args: Any, **kwargs: Any) -> Any:
            future = self._pool_here().submit(value, *args, **kwargs)
            try:
                return future.result(timeout=self._seconds)
            except FutureTimeout:
                future.cancel()  # still queued (every worker stuck): never run it
                raise StoreUnavailable(
                    f"The graph store did not answer within {self._seconds:g} s: it may be stopped or overloaded. "
                    "Try again in a moment."
                ) from None

        return call


def with_deadline(store: S, seconds: float, workers: int = 32) -> S:
    """``store`` with every method call bounded by ``seconds`` (see the module's docstring)."""
    return cast(S, _Deadline(store, seconds, workers))
