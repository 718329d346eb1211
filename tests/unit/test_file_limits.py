"""The login rate limit that `serve`'s worker processes share (dashboard/auth/file_limits.py): the same rule as the
in-process limiter, with one count per file."""

from __future__ import annotations

import stat
from pathlib import Path

from dashboard.auth.file_limits import FileLoginLimiter


def test_two_limiters_on_one_file_share_the_count_and_forget_after_the_window(tmp_path: Path) -> None:
    now = [1000.0]
    path = tmp_path / "home" / "login_failures.sqlite"
    first = FileLoginLimiter(path, attempts=3, window_s=60, clock=lambda: now[0])
    second = FileLoginLimiter(path, attempts=3, window_s=60, clock=lambda: now[0])  # another worker process
    first.failed("1.2.3.4", "ana")
    now[0] += 10
    second.failed("1.2.3.4", "ANA")
    assert first.wait_s("1.2.3.4", "ana") == 0  # 2 of 3
    first.failed("1.2.3.4", "ana")
    assert second.wait_s("1.2.3.4", "ana") == 50  # until the oldest failure leaves the window
    assert second.wait_s("5.6.7.8", "ana") == 0 and second.wait_s("1.2.3.4", "bo") == 0  # per address and user
    now[0] += 51
    assert first.wait_s("1.2.3.4", "ana") == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_success_clears_the_count_for_every_process(tmp_path: Path) -> None:
    path = tmp_path / "login_failures.sqlite"
    first, second = FileLoginLimiter(path, attempts=2), FileLoginLimiter(path, attempts=2)
    first.failed("::1", "ana")
    second.failed("::1", "ana")
    assert first.wait_s("::1", "ana") > 0
    second.succeeded("::1", "ana")
    assert first.wait_s("::1", "ana") == 0
    assert FileLoginLimiter(path, attempts=2).wait_s("::1", "ana") == 0  # and a restart reads the same file
