"""Login rate limit: an in-process count of failed logins per (address, user name) in a sliding window."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class LoginLimiter:
    """At most ``attempts`` failures per key in ``window_s`` seconds; a success clears the key's failures."""

    def __init__(self, attempts: int = 5, window_s: float = 300.0, clock: Callable[[], float] = time.monotonic):
        self.attempts = attempts
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] >= self.window_s:
            times.popleft()
        return times

    def wait_s(self, address: str, name: str) -> float:
        """0 if a login may be tried now, else the seconds until the oldest failure leaves the window."""
        now = self._clock()
        with self._lock:
            times = self._recent((address, name.lower()), now)
            if len(times) < self.attempts:
                return 0.0
            return self.window_s - (now - times[0])

    def failed(self, address: str, name: str) -> None:
        now = self._clock()
        with self._lock:
            self._recent((address, name.lower()), now).append(now)
            if len(self._failures) > 10_000:  # forget the quiet keys so a flood of names cannot grow memory
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]

    def succeeded(self, address: str, name: str) -> None:
        with self._lock:
            self._failures.pop((address, name.lower()), None)
