"""Debian's headless Chromium as the browser tests (tests/e2e) and the serve benchmark start it."""

from __future__ import annotations

import shutil

from selenium.webdriver.chrome.options import Options

CHROMIUM = "/usr/bin/chromium"
#: The window's size (width, height) at the start of every browser test, so layouts and screenshots compare.
WINDOW_SIZE = (1400, 1000)


def chromium_options() -> Options:
    """Headless, no sandbox (containers), no GPU, /tmp instead of a small /dev/shm, no background traffic, a fixed
    window size so layouts and screenshots compare; the binary from PATH, else Debian's."""
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
        f"--window-size={WINDOW_SIZE[0]},{WINDOW_SIZE[1]}",
    ):
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium") or CHROMIUM
    return options
