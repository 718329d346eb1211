"""The paths page, the downloads and the printable report in a real headless Chromium, on the demo data.

Run: .venv/bin/pytest tests/e2e/test_paths_export.py -q --headless
Screenshots land in build/screenshots/. Downloads go to dash testing's per-test download directory (it sets
Chrome's download.default_directory and allows headless downloads).
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from graph.stores.base import GraphReader
from tests.e2e.helpers import SCREENSHOTS, assert_exports_a_picture, exported_csv, exported_ftm, exported_graphml
from tests.e2e.helpers import assert_no_console_errors as _assert_no_console_errors
from tests.e2e.helpers import current_path as _path
from tests.e2e.helpers import start as _start

pytestmark = pytest.mark.browser

RI = "demo-ri-chol-man"
SUNRISE = "demo-sunrise-digital"
BUREAU = "demo-bureau-999"
KIM = "ofac-43377"

_CY = "var g = document.getElementById('paths-graph'); var cy = g && g._cyreg && g._cyreg.cy; "


def _screenshot(dash_duo: Any, name: str) -> None:
    """The whole page, not just the window (the window grows to the page's height for the shot)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver = dash_duo.driver
    size = driver.get_window_size()
    height = int(driver.execute_script("return document.documentElement.scrollHeight;"))
    driver.set_window_size(size["width"], max(size["height"], height + 140))
    try:
        driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    finally:
        driver.set_window_size(size["width"], size["height"])


def _node_ids(dash_duo: Any) -> set[str]:
    ids = dash_duo.driver.execute_script(_CY + "return cy ? cy.nodes().map(n => n.id()) : null;")
    return set(ids or [])


def _pick(dash_duo: Any, picker_id: str, typed: str, option_text: str) -> None:
    """Search-as-you-type in a picker, then choose the option showing ``option_text``."""
    dash_duo.find_element(f"#{picker_id}").click()
    search = dash_duo.wait_for_element(f"#{picker_id} input, .dash-dropdown-search")
    search.send_keys(typed)

    def option() -> Any:
        for element in dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role='option']"):
            if option_text in element.text:
                return element
        return None

    until(lambda: option() is not None, timeout=10, msg=f"no option {option_text!r} after typing {typed!r}")
    option().click()


def test_picking_two_entities_lists_the_path_hop_by_hop(dash_duo: Any, demo_store: GraphReader) -> None:
    _start(dash_duo, demo_store, "/paths")
    dash_duo.wait_for_contains_text("#paths-summary", "Pick two entities")
    _pick(dash_duo, "paths-from", "ri chol", "RI Chol Man · Person · SANCTIONED")
    _pick(dash_duo, "paths-to", "sunrise", "Sunrise Digital Services LLC")
    dash_duo.find_element("#paths-find").click()

    until(lambda: f"from={RI}" in _path(dash_duo) and f"to={SUNRISE}" in _path(dash_duo), timeout=10)
    dash_duo.wait_for_contains_text("#paths-summary", "the shortest has 2 hops")
    first = dash_duo.find_elements("#paths-list .path")[0]
    assert first.find_element(By.TAG_NAME, "h3").text == "Path 1 · 2 hops"
    hops = [li.text for li in first.find_elements(By.CSS_SELECTOR, "li.hop")]
    assert len(hops) == 2, hops
    assert hops[0].startswith("RI Chol Man SANCTIONED —member of→ Bureau 999 SANCTIONED"), hops[0]
    assert "Role: Officer" in hops[0] and "Sources: demo_fictional" in hops[0]
    assert hops[1].startswith("Bureau 999 SANCTIONED ←linked to— Sunrise Digital Services LLC"), hops[1]
    assert "Role: Revenue channel" in hops[1]
    until(lambda: {RI, BUREAU, SUNRISE} <= _node_ids(dash_duo), timeout=10, msg="the path is not drawn")
    _screenshot(dash_duo, "paths-ri-chol-man-to-sunrise-digital")
    _assert_no_console_errors(dash_duo)


def test_a_pair_without_a_path_gets_a_plain_sentence(dash_duo: Any, demo_store: GraphReader) -> None:
    _start(dash_duo, demo_store, f"/paths?from={KIM}&to={RI}&max_hops=4")
    dash_duo.wait_for_text_to_equal("#paths-summary", "No path within 4 hops between KIM, Sang Man and RI Chol Man.")
    assert not dash_duo.find_elements("#paths-list .path")
    assert not dash_duo.find_element("#paths-graph-block").is_displayed()
    _screenshot(dash_duo, "paths-no-path")
    _assert_no_console_errors(dash_duo)


def test_the_paths_view_downloads_as_csv_graphml_ftm_png_and_svg(dash_duo: Any, demo_store: GraphReader) -> None:
    _start(dash_duo, demo_store, f"/paths?from={RI}&to={SUNRISE}&k=3")
    dash_duo.wait_for_contains_text("#paths-summary", "the shortest has 2 hops")
    until(lambda: {RI, BUREAU, SUNRISE} <= _node_ids(dash_duo), timeout=10, msg="the path is not drawn")
    shown = _node_ids(dash_duo)

    nodes, edges = exported_csv(dash_duo, "paths-graph")
    assert {n["id"] for n in nodes} == shown
    ri = next(n for n in nodes if n["id"] == RI)
    assert ri["sanctioned"] == "true" and "DEMO-DPRK" in ri["designations"]
    member = next(e for e in edges if e["type"] == "MEMBER_OF")
    assert (member["source"], member["target"], member["role"]) == (RI, BUREAU, "Officer")

    assert exported_graphml(dash_duo, "paths-graph") == (shown, len(edges))  # its root and graph are asserted there

    ftm = exported_ftm(dash_duo, "paths-graph")
    assert {e["id"] for e in ftm if e["schema"] in ("Person", "Organization", "Company")} >= {RI, BUREAU, SUNRISE}
    membership = next(e for e in ftm if e["schema"] == "Membership")
    assert membership["properties"]["member"] == [RI] and membership["properties"]["organization"] == [BUREAU]
    assert any(e["schema"] == "Sanction" and e["properties"]["entity"] == [RI] for e in ftm)

    assert_exports_a_picture(dash_duo, "paths-graph", "png")
    assert_exports_a_picture(dash_duo, "paths-graph", "svg")
    _assert_no_console_errors(dash_duo)


def test_the_report_shows_designations_connections_and_prints(dash_duo: Any, demo_store: GraphReader) -> None:
    _start(dash_duo, demo_store, f"/report/{RI}")
    dash_duo.wait_for_text_to_equal("#report-name", "RI Chol Man")
    designations = dash_duo.find_element("#report-designations").text
    assert "Fictional demo authority: DEMO-DPRK, since 2023-09-12" in designations
    image = dash_duo.find_element("#report-graph-image")
    assert image.get_attribute("src").startswith("data:image/svg+xml;base64,")
    until(lambda: dash_duo.driver.execute_script("return arguments[0].naturalWidth;", image) > 0, timeout=5)
    assert "Pyongsan Tech Solutions Ltd" in dash_duo.find_element("#report-connections").text
    assert "demo_fictional" in dash_duo.find_element("#report-sources").text
    _screenshot(dash_duo, "report-ri-chol-man")

    dash_duo.driver.execute_script("window.__printed = 0; window.print = function () { window.__printed += 1; };")
    dash_duo.find_element("#report-print").click()
    until(lambda: dash_duo.driver.execute_script("return window.__printed;") == 1, timeout=5, msg="print not called")

    # on paper: no navigation bar, no buttons; the designation and the drawing stay
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not dash_duo.find_element(".navbar").is_displayed()
        assert not dash_duo.find_element("#report-print").is_displayed()
        assert dash_duo.find_element("#report-designations").is_displayed()
        assert dash_duo.find_element("#report-graph-image").is_displayed()
        _screenshot(dash_duo, "report-ri-chol-man-print")
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
        (SCREENSHOTS / "report-ri-chol-man.pdf").write_bytes(base64.b64decode(pdf["data"]))
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    _assert_no_console_errors(dash_duo)


def test_the_report_of_an_unsanctioned_company_shows_its_path_to_a_sanctioned_one(
    dash_duo: Any, demo_store: GraphReader
) -> None:
    _start(dash_duo, demo_store, "/report/demo-golden-maple")
    dash_duo.wait_for_text_to_equal("#report-name", "Golden Maple Trading Co")
    assert "No sanctions designation in the loaded data." in dash_duo.find_element("#report-designations").text
    paths = dash_duo.find_element("#report-sanctioned-paths").text
    assert "Golden Maple Trading Co ←owns— Pyongsan Tech Solutions Ltd" in paths
    assert "Pyongsan Tech Solutions Ltd FRONT ←directs— RI Chol Man SANCTIONED" in paths
    assert "Percentage: 60%" in paths
    _screenshot(dash_duo, "report-golden-maple")
    # the explorer's nav search still works from the report
    dash_duo.find_element("#nav-search-input").send_keys("sunrise", Keys.ENTER)
    dash_duo.wait_for_contains_text("#search-results", "Sunrise Digital Services LLC")
    _assert_no_console_errors(dash_duo)
