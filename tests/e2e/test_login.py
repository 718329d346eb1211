"""The login in a real headless Chromium: a dashboard with users sends the browser to the login page, refuses a
wrong password with a sentence, opens the pages (under the CSP) after the right one, and signs out.

Screenshots: build/screenshots/login.png and build/screenshots/login-done.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from dashboard.auth import Role, Security, UserFile
from graph.stores.base import GraphReader

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"


def _log_in(dash_duo: Any, name: str, password: str) -> None:
    driver = dash_duo.driver
    until(lambda: driver.find_elements(By.ID, "username"), timeout=10, msg="no login form")
    driver.find_element(By.ID, "username").clear()
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-button").click()


def test_login_guards_the_dashboard(dash_duo: Any, demo_store: GraphReader, tmp_path: Path) -> None:
    users = UserFile(tmp_path / "users.json")
    users.add("ana", Role.ANALYST, PASSWORD)
    # the runner alone: start_server would wait for the Dash page, which a login page is not
    dash_duo.server(create_app(demo_store, security=Security(users=users)))
    base = dash_duo.server.url  # (setting dash_duo.server_url would wait for the Dash page too)
    driver = dash_duo.driver
    driver.get(base)
    until(lambda: "/login" in driver.current_url, timeout=10, msg="the dashboard did not ask for a login")
    Path("build/screenshots").mkdir(parents=True, exist_ok=True)
    driver.save_screenshot("build/screenshots/login.png")

    _log_in(dash_duo, "ana", "not the password")
    until(lambda: "Wrong user name or password." in driver.page_source, timeout=10, msg="no sentence for a wrong one")
    assert "/login" in driver.current_url

    _log_in(dash_duo, "ana", PASSWORD)
    dash_duo.wait_for_element("#nav-search-input", timeout=10)  # the Dash app runs: its scripts passed the CSP
    dash_duo.find_element("#nav-search-input").send_keys("kim sang man")
    dash_duo.find_element("#nav-search-button").click()
    until(lambda: "KIM, Sang Man" in driver.page_source, timeout=10, msg="search answered nothing after the login")
    driver.save_screenshot("build/screenshots/login-done.png")
    blocked = [
        e
        for e in dash_duo.get_logs()
        if (e.get("source") in {"security", "network"} or "Content Security Policy" in str(e.get("message")))
        and "/login - " not in str(e.get("message"))  # the wrong password's 401 above is meant
    ]
    assert blocked == [], blocked  # no CSP violation nor refused request

    dash_duo.find_element("#sign-out-button").click()
    until(lambda: "/login" in driver.current_url, timeout=10, msg="sign out did not end the session")
    driver.get(base + "/paths")
    until(lambda: "/login" in driver.current_url, timeout=10, msg="a page opened after sign out")
