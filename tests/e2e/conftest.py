"""Browser settings for the dash[testing] fixtures: Debian's headless Chromium, whatever the pytest flags."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.chrome.options import Options

from tests.browser import chromium_options


def pytest_setup_options() -> Options:
    """Called by dash.testing before it starts the webdriver (chromedriver comes from PATH)."""
    return chromium_options()


_TIMINGS = pytest.StashKey[list[str]]()


@pytest.fixture
def timing(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Record a measured figure: shown in the run's summary (captured output or not) and kept in build/timings.txt.
    Figures are reported, never asserted."""
    lines = request.config.stash.setdefault(_TIMINGS, [])

    def record(line: str) -> None:
        lines.append(f"{request.node.name}: {line.strip()}")

    return record


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    lines = config.stash.get(_TIMINGS, [])
    if not lines:
        return
    terminalreporter.section("browser timings (reported, not asserted)")
    for line in lines:
        terminalreporter.write_line(line)
    out = Path(config.rootpath) / "build" / "timings.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
