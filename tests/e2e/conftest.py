"""Browser settings for the dash[testing] fixtures: Debian's headless Chromium, whatever the pytest flags; one
Chromium for the whole run, handed to each test as dash_duo in the state of a fresh one."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from dash.testing.composite import DashComposite
from selenium.common.exceptions import NoAlertPresentException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.support.wait import WebDriverWait

from graph import GraphStore, delete_case, list_cases
from tests.browser import WINDOW_SIZE, chromium_options


def pytest_setup_options() -> Options:
    """Called by dash.testing before it starts the webdriver (chromedriver comes from PATH)."""
    return chromium_options()


#: Seconds between two checks of dash.testing's wait_for_* conditions (selenium's default, 0.5 s, added up to a
#: quarter of a second on average to each of the browser tests' hundreds of waits).
WAIT_POLL = 0.1


class QuickDashComposite(DashComposite):  # type: ignore[misc]
    """dash.testing's DashComposite whose wait_for_* check their condition every WAIT_POLL seconds; the same
    conditions, timeouts and TimeoutException as dash.testing's."""

    def _wait_for(self, method: Any, timeout: float | None, msg: Any) -> Any:
        wait = WebDriverWait(self.driver, self.wait_timeout if timeout is None else timeout, poll_frequency=WAIT_POLL)
        try:
            return wait.until(method)
        except Exception as err:
            raise TimeoutException(str(msg(self.driver) if callable(msg) else msg)) from err


class SharedBrowser:
    """One Chromium (and chromedriver) for the session: starting one per test cost 1-3 s of each browser test on
    the shared machine. Each test gets it as a fresh browser would be: one new tab (no page state, no emulation
    overrides), no cookies, cache or site storage, the fixed window size, the console log emptied, downloads to a
    folder of the test's own, dash.testing's waits at their defaults. A browser that stopped answering is replaced."""

    def __init__(self, config: pytest.Config, folder: Path) -> None:
        self._config = config
        self._folder = folder
        self._duo: QuickDashComposite | None = None

    def _start(self) -> QuickDashComposite:
        config = self._config
        return QuickDashComposite(
            server=None,
            browser=config.getoption("webdriver"),
            remote=config.getoption("remote"),
            remote_url=config.getoption("remote_url"),
            headless=config.getoption("headless"),
            options=config.hook.pytest_setup_options(),
            download_path=str(self._folder),
            percy_assets_root=config.getoption("percy_assets"),
            percy_finalize=config.getoption("nopercyfinalize"),
            pause=config.getoption("pause"),
        )

    def lend(self, server: Any, downloads: Path) -> QuickDashComposite:
        """The browser for one test, on its ``server``, downloading into ``downloads``."""
        if self._duo is None:
            self._duo = self._start()
        duo = self._duo
        downloads.mkdir(parents=True, exist_ok=True)
        duo.server = server
        duo._download_path = str(downloads)
        duo._url = ""
        duo._window_idx = 0
        duo._last_ts = 0
        duo.wait_timeout = 10
        driver = duo.driver
        driver.implicitly_wait(2)
        driver.set_window_size(*WINDOW_SIZE)
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        driver.get_log("browser")  # what earlier tests logged is not this test's
        return duo

    def take_back(self) -> None:
        """After a test: a new blank tab instead of the test's, and nothing the test's pages stored kept."""
        duo = self._duo
        if duo is None:
            return
        driver = duo.driver
        origin = urlsplit(duo.server_url or "")
        try:
            with contextlib.suppress(NoAlertPresentException):
                driver.switch_to.alert.dismiss()
            driver.switch_to.new_window("tab")
            keep = driver.current_window_handle
            for handle in driver.window_handles:
                if handle != keep:
                    driver.switch_to.window(handle)
                    driver.close()
            driver.switch_to.window(keep)
            driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
            driver.execute_cdp_cmd("Network.clearBrowserCache", {})
            if origin.scheme and origin.netloc:
                site = f"{origin.scheme}://{origin.netloc}"
                driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": site, "storageTypes": "all"})
        except WebDriverException:
            self.quit()  # the next test starts a new browser

    def quit(self) -> None:
        if self._duo is not None:
            duo, self._duo = self._duo, None
            duo.__exit__(None, None, None)


class OnAFreePort:
    """dash.testing's threaded server, started on a port nobody listens on unless the test names one: its default
    numbers ports from 58050 in each pytest process, so two runs at once on one machine
    could answer each other's browser."""

    def __init__(self, runner: Any) -> None:
        self._runner = runner

    def __call__(self, app: Any, **kwargs: Any) -> Any:
        if "port" not in kwargs:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                kwargs["port"] = probe.getsockname()[1]
        return self._runner(app, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._runner, name)

    def stop_now(self) -> None:
        """Stop the server as dash.testing's runner does (an exception raised in its threads), and knock on its port
        so the thread wakes from its half-second wait for connections at once; the runner's own stop is then a
        no-op."""
        runner = self._runner
        if not runner.started or runner.thread is None:
            return
        runner.thread.kill()
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", runner.port), timeout=1):
            pass
        runner.thread.join(timeout=runner.stop_timeout)
        if not runner.thread.is_alive():
            runner.started = False


@pytest.fixture(scope="session")
def _shared_browser(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedBrowser]:
    browser = SharedBrowser(pytestconfig, tmp_path_factory.mktemp("browser-downloads"))
    yield browser
    browser.quit()


@pytest.fixture
def dash_duo(_shared_browser: SharedBrowser, dash_thread_server: Any, tmp_path: Path) -> Iterator[DashComposite]:
    """dash.testing's dash_duo (a Dash server thread and the browser), with the session's one browser."""
    server = OnAFreePort(dash_thread_server)
    try:
        yield _shared_browser.lend(server, tmp_path / "download")
    finally:
        _shared_browser.take_back()
        server.stop_now()


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


@pytest.fixture
def cases_store(demo_store: GraphStore) -> Iterator[GraphStore]:
    """The session's demo store; the cases a test writes in it are deleted after the test."""
    yield demo_store
    for case in list_cases(demo_store):
        delete_case(demo_store, case.id)
