"""Browser settings for the dash[testing] fixtures: Debian's headless Chromium, whatever the pytest flags."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.chrome.options import Options

CHROMIUM = "/usr/bin/chromium"


def pytest_setup_options() -> Options:
    """Called by dash.testing before it starts the webdriver (chromedriver comes from PATH)."""
    options = Options()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
    ):
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium") or CHROMIUM
    return options


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
