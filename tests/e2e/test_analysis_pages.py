"""Analysis pages in headless Chromium on the demo data: the fund-flow trace and the IT-worker pattern."""

from __future__ import annotations

from typing import Any

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from graph.stores.base import GraphReader
from tests.e2e.helpers import shown_text

pytestmark = pytest.mark.browser

W1 = "wallet-0x1111111111111111111111111111111111111111"
W2 = "wallet-0x2222222222222222222222222222222222222222"
_CY = "var g = document.getElementById('trace-graph'); var cy = g && g._cyreg && g._cyreg.cy; "


def _severe(dash_duo: Any) -> list[Any]:
    return [entry for entry in dash_duo.get_logs() if entry.get("level") == "SEVERE"]


def test_trace_page_follows_funds_to_the_mixer_and_stops(dash_duo: Any, demo_store: GraphReader) -> None:
    dash_duo.start_server(create_app(demo_store))
    dash_duo.driver.get(dash_duo.server_url + "/trace")
    dash_duo.wait_for_element("#trace-wallet").send_keys(W1)
    dash_duo.find_element("#trace-button").click()
    until(lambda: "wallet=" in dash_duo.driver.current_url, timeout=10)
    dash_duo.wait_for_text_to_equal("h1", "Fund-flow trace")
    until(lambda: "stops here" in (shown_text(dash_duo, ".page") or ""), timeout=10)
    text = dash_duo.find_element(".page").text
    assert "Fictional mixer deposit wallet" in text
    assert "2023-04-04T10:12:00Z" in text
    ids = dash_duo.driver.execute_script(_CY + "return cy ? cy.nodes().map(n => n.id()) : [];")
    assert set(ids) == {W1, W2}  # the trace stops at the mixer: W3 behind it is not followed
    dash_duo.driver.save_screenshot("build/screenshots/trace.png")
    assert _severe(dash_duo) == []


def test_it_worker_page_flags_pooled_pay(dash_duo: Any, demo_store: GraphReader) -> None:
    dash_duo.start_server(create_app(demo_store))
    dash_duo.driver.get(dash_duo.server_url + "/it-workers")
    until(lambda: "flagged" in (shown_text(dash_duo, ".page") or ""), timeout=15)
    text = dash_duo.find_element(".page").text
    assert "2 of 2 employed people are flagged" in text
    assert "Alex Kim" in text and "Jamie Park" in text
    links = [a.get_attribute("href") for a in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".page a")]
    assert any(href.endswith(f"/entity/{W1}") for href in links)
    dash_duo.driver.save_screenshot("build/screenshots/it-workers.png")
    assert _severe(dash_duo) == []
