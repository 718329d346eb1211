"""Browser settings for the dash[testing] fixtures: Debian's headless Chromium, whatever the pytest flags."""

from __future__ import annotations

import shutil

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
