"""The dashboard in a real headless Chromium, on the embedded store loaded with the demo data (`demo_store`).

Run: .venv/bin/pytest tests/e2e -q --headless   (needs Debian's chromium and chromium-driver)
"""

from __future__ import annotations

from typing import Any

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from graph.stores.base import GraphReader
from tests.e2e.helpers import assert_no_console_errors as _assert_no_console_errors
from tests.e2e.helpers import current_path as _path
from tests.e2e.helpers import start as _start

pytestmark = pytest.mark.browser

KIM = "ofac-43377"
KIM_NAME = "KIM, Sang Man"
KIM_WALLETS = {
    "wallet-0x97b1043abd9e6fc31681635166d430a458d14f9c",
    "wallet-0xb6f5ec1a0a9cd1526536d3f0426c429529471f40",
}
CHINYONG = "ofac-43379"

# Reads the cytoscape instance that dash-cytoscape mounts in the element with id "graph".
_CY = "var g = document.getElementById('graph'); var cy = g && g._cyreg && g._cyreg.cy; "


def _node_ids(dash_duo: Any) -> list[str]:
    ids: list[str] | None = dash_duo.driver.execute_script(_CY + "return cy ? cy.nodes().map(n => n.id()) : null;")
    return ids or []


def _wait_for_nodes(dash_duo: Any, expected: set[str]) -> list[str]:
    until(lambda: expected <= set(_node_ids(dash_duo)), timeout=10, msg=f"graph never showed {sorted(expected)}")
    return _node_ids(dash_duo)


def _tap(dash_duo: Any, selector_js: str) -> None:
    """Tap a graph element the way a click does (cytoscape's own event, so no pixel hunting)."""
    dash_duo.driver.execute_script(_CY + f"cy.{selector_js}.emit('tap');")


def test_search_then_open_an_entity_shows_its_wallets(dash_duo: Any, demo_store: GraphReader) -> None:
    _start(dash_duo, demo_store)
    dash_duo.wait_for_element("#search-input").send_keys("sang man")
    dash_duo.find_element("#search-button").click()

    dash_duo.wait_for_contains_text("#search-results", KIM_NAME)
    assert _path(dash_duo) == "/?q=sang+man"  # the search is in the URL, so it can be shared
    row = next(r for r in dash_duo.find_elements("#search-results tr.result") if KIM_NAME in r.text)
    assert "SANCTIONED" in row.text
    row.find_element(By.CSS_SELECTOR, "a.result-link").click()

    until(lambda: _path(dash_duo) == f"/entity/{KIM}", timeout=10, msg="did not navigate to the entity page")
    dash_duo.wait_for_text_to_equal("#entity-name", KIM_NAME)
    nodes = _wait_for_nodes(dash_duo, {KIM} | KIM_WALLETS)
    assert all(n == KIM or n.startswith("wallet-") for n in nodes), nodes
    classes = dash_duo.driver.execute_script(_CY + f"return cy.getElementById('{KIM}').classes();")
    assert {"Person", "sanctioned", "center"} <= set(classes)
    assert "Crypto wallet" in dash_duo.find_element("#legend").text
    _assert_no_console_errors(dash_duo)


def test_enter_in_the_nav_search_box_searches_from_any_page(dash_duo: Any, demo_store: GraphReader) -> None:
    _start(dash_duo, demo_store, f"/entity/{KIM}")
    dash_duo.wait_for_text_to_equal("#entity-name", KIM_NAME)
    dash_duo.find_element("#nav-search-input").send_keys("chinyong information", Keys.ENTER)

    dash_duo.wait_for_contains_text("#search-results", "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY")
    hrefs = [a.get_attribute("href") for a in dash_duo.find_elements("a.result-link")]
    assert any(h.endswith(f"/entity/{CHINYONG}") for h in hrefs), hrefs
    assert _path(dash_duo) == "/?q=chinyong+information"
    _assert_no_console_errors(dash_duo)


def test_clicking_a_node_then_an_edge_fills_the_details_panel(dash_duo: Any, demo_store: GraphReader) -> None:
    wallet = "wallet-0x97b1043abd9e6fc31681635166d430a458d14f9c"
    _start(dash_duo, demo_store, f"/entity/{wallet}?hops=1")
    _wait_for_nodes(dash_duo, {wallet, KIM})
    dash_duo.wait_for_contains_text("#details", "0x97b1043abd9e6fc31681635166d430a458d14f9c")  # the page's own entity

    _tap(dash_duo, f"getElementById('{KIM}')")
    dash_duo.wait_for_contains_text("#details", "Passport: 109420132")
    details = dash_duo.find_element("#details").text
    assert KIM_NAME in details and "SANCTIONED" in details
    assert "DPRK4" in details  # programs and the designation
    assert "US OFAC" in details
    assert "us_ofac_sdn" in details  # the source
    link = dash_duo.find_element("#details .open-entity a")
    assert link.get_attribute("href").endswith(f"/entity/{KIM}")

    _tap(dash_duo, "edges()[0]")
    dash_duo.wait_for_contains_text("#details", "Relationship: holds")
    assert f"{KIM_NAME} holds" in dash_duo.find_element("#details").text
    _assert_no_console_errors(dash_duo)


def test_hops_selector_widens_the_view_and_the_url(dash_duo: Any, demo_store: GraphReader) -> None:
    _start(dash_duo, demo_store, "/entity/demo-ri-chol-man?hops=1")
    nodes = _wait_for_nodes(dash_duo, {"demo-ri-chol-man", "demo-pyongsan-tech"})
    assert "demo-golden-maple" not in nodes  # two hops away: director → front firm → owned company

    label = next(el for el in dash_duo.find_elements("#hops label") if el.text.strip() == "2 hops")
    label.click()

    until(lambda: _path(dash_duo) == "/entity/demo-ri-chol-man?hops=2", timeout=10, msg="hops not in the URL")
    _wait_for_nodes(dash_duo, {"demo-ri-chol-man", "demo-pyongsan-tech", "demo-golden-maple"})
    labels = dash_duo.driver.execute_script(_CY + "return cy.edges().map(e => e.data('label'));")
    assert "owns 60%" in labels
    dash_duo.wait_for_contains_text("#graph-summary", "within 2 hops of RI Chol Man")
    _assert_no_console_errors(dash_duo)


def test_an_unknown_entity_gets_a_sentence_and_a_way_back(dash_duo: Any, demo_store: GraphReader) -> None:
    _start(dash_duo, demo_store, "/entity/no-such-entity")
    dash_duo.wait_for_text_to_equal("#error p", "No entity with id 'no-such-entity' is in the graph.")
    assert not dash_duo.find_elements("#graph")
    assert "Traceback" not in dash_duo.driver.page_source

    dash_duo.find_element("#error a").click()
    dash_duo.wait_for_element("#search-input")
    assert _path(dash_duo) == "/"

    dash_duo.find_element("#search-input").send_keys("zzqxjw", Keys.ENTER)  # Enter submits too
    dash_duo.wait_for_text_to_equal("#search-results", "No entity matches 'zzqxjw'.")
    assert _path(dash_duo) == "/?q=zzqxjw"
    _assert_no_console_errors(dash_duo)
