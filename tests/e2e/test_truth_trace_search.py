"""Issue 12 items 4-5 in a real headless Chromium, on the demo data (`demo_store`): a wallet listed on an SDN record
marked as a listed address of its party everywhere, the 50% rule's arithmetic on the entity page and the printable
report, a trace from a pasted address that stops at a mixer and continues through it, search with typos and facets.

Screenshots land in build/screenshots/truth-*.png. Run: .venv/bin/pytest tests/e2e/test_truth_trace_search.py -q
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from graph.stores.base import GraphReader
from tests.e2e.helpers import graph_screenshot, js, start

pytestmark = pytest.mark.browser

LISTED_ADDRESS = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"  # on LAZARUS GROUP's SDN record (27307)
LISTED_WALLET = "wallet-0x098b716b8aaf21512996dc57eb0615e2383e2f96"
STATUS = "Listed address of LAZARUS GROUP (US OFAC 27307)"


def _screenshot(dash_duo: Any, name: str, graph_id: str = "graph") -> Path:
    """The whole page under build/screenshots/truth-NAME.png (tests/e2e/helpers.graph_screenshot)."""
    return graph_screenshot(dash_duo, f"truth-{name}", graph_id)


def _go(dash_duo: Any, path: str) -> None:
    dash_duo.driver.get(dash_duo.server_url + path)


def _text(dash_duo: Any, selector: str) -> str:
    return str(dash_duo.find_element(selector).text)


def test_a_listed_wallet_is_marked_in_search_panel_and_report(dash_duo: Any, demo_store: GraphReader) -> None:
    start(dash_duo, demo_store, "/?q=" + LISTED_ADDRESS.upper())
    dash_duo.wait_for_contains_text("#search-results", "LISTED ADDRESS", timeout=15)
    row = dash_duo.find_element("tr.result")
    assert STATUS in row.text and LISTED_WALLET in row.text and "us_ofac_sdn" in row.text
    _screenshot(dash_duo, "search-listed-wallet")

    _go(dash_duo, f"/entity/{LISTED_WALLET}")
    dash_duo.wait_for_contains_text("#details", STATUS, timeout=15)
    details = _text(dash_duo, "#details")
    assert "LISTED ADDRESS" in details and "No sanctions designation" not in details
    assert "US OFAC 27307 (LAZARUS GROUP)" in _text(dash_duo, "#details .sources-table")  # the record, named
    trace = dash_duo.driver.find_element(By.LINK_TEXT, "Trace funds")
    assert trace.get_attribute("href").endswith(f"/trace?wallet={LISTED_WALLET}&direction=forward&hops=4")
    _screenshot(dash_duo, "entity-listed-wallet")

    _go(dash_duo, f"/report/{LISTED_WALLET}")
    dash_duo.wait_for_contains_text("#report-designations", STATUS, timeout=15)
    assert "Listed on: US OFAC 27307 (LAZARUS GROUP)" in _text(dash_duo, "#report-sources")
    _screenshot(dash_duo, "report-listed-wallet")


def test_the_50_percent_rule_is_worked_out_on_the_page_and_the_report(dash_duo: Any, demo_store: GraphReader) -> None:
    start(dash_duo, demo_store, "/entity/demo-golden-maple")
    dash_duo.wait_for_element("#ownership-equation", timeout=15)
    assert _text(dash_duo, "#ownership-equation") == "0% + 0% = 0% < 50%: not blocked"
    ownership = _text(dash_duo, "#ownership")
    assert "NOT BLOCKED" in ownership and "Pyongsan Tech Solutions Ltd" in ownership and "60%" in ownership
    assert "As of " in ownership and "owner not blocked: passes nothing on" in ownership
    _screenshot(dash_duo, "entity-ownership-not-blocked")

    _go(dash_duo, "/report/demo-taedong-shipping")
    dash_duo.wait_for_element("#ownership-equation", timeout=15)
    assert _text(dash_duo, "#ownership-equation") == "51% = 51% ≥ 50%: blocked"
    assert "BLOCKED (50% RULE)" in _text(dash_duo, "h1")
    ownership = _text(dash_duo, "#ownership")
    assert "Round 0 (listed): Bureau 999" in ownership and "Round 1: Taedong Coastal Shipping Co" in ownership
    assert "No sanctions designation" not in _text(dash_duo, ".report-meta:nth-of-type(2)")
    _screenshot(dash_duo, "report-blocked")


def test_trace_from_a_pasted_address_stops_at_the_mixer_and_goes_on(dash_duo: Any, demo_store: GraphReader) -> None:
    start(dash_duo, demo_store, "/trace")
    box = dash_duo.find_element("#trace-wallet")
    box.send_keys("0X" + "1" * 40)  # as an analyst pastes it, in capitals
    dash_duo.find_element("#trace-button").click()
    dash_duo.wait_for_contains_text("#trace-summary", "stops here: service", timeout=15)
    until(lambda: js(dash_duo, "return cy ? cy.nodes().length : 0;", "trace-graph") == 2, timeout=10)
    classes = js(dash_duo, "return cy.getElementById('wallet-0x" + "2" * 40 + "').classes();", "trace-graph")
    assert "service" in classes and "trace-stop" in classes
    zoom = float(js(dash_duo, "return cy.zoom();", "trace-graph"))
    assert zoom <= 1.2  # fitted, never blown up for two nodes
    _screenshot(dash_duo, "trace-stops-at-mixer", "trace-graph")

    dash_duo.driver.find_element(By.LINK_TEXT, "Continue through them →").click()
    dash_duo.wait_for_contains_text("#trace-summary", "traced through", timeout=15)
    until(lambda: js(dash_duo, "return cy ? cy.nodes().length : 0;", "trace-graph") == 3, timeout=10)
    assert "through=1" in dash_duo.driver.current_url
    _screenshot(dash_duo, "trace-through-mixer", "trace-graph")


def test_search_finds_typos_and_narrows_by_facets(dash_duo: Any, demo_store: GraphReader) -> None:
    start(dash_duo, demo_store, "/")
    dash_duo.find_element("#search-input").send_keys("Kim Jong Unn\n")
    dash_duo.wait_for_contains_text("#search-results", "KIM, Jong Un", timeout=15)
    _go(dash_duo, "/?q=Korea Daesong Bnak")
    dash_duo.wait_for_contains_text("#search-results", "KOREA DAESONG BANK", timeout=15)
    row = dash_duo.find_element("tr.result").text
    assert "North Korea (KP)" in row or "KP" not in row  # countries are named one way

    _go(dash_duo, "/?q=korea")
    dash_duo.wait_for_element("#search-facets", timeout=15)
    before = len(dash_duo.find_elements("tr.result"))
    facet = dash_duo.find_elements("#search-facets .facet-kind a.facet-value")[-1]
    kind = facet.text.rsplit(" (", 1)[0]
    facet.click()
    dash_duo.wait_for_contains_text("#search-facets .facet-kind", f"{kind} (remove)", timeout=15)
    rows = dash_duo.find_elements("tr.result")
    assert 0 < len(rows) <= before and all(kind in r.text for r in rows)
    dash_duo.driver.find_element(By.LINK_TEXT, "name").click()
    until(lambda: "sort=name" in dash_duo.driver.current_url, timeout=10)
    _screenshot(dash_duo, "search-facets")
