"""Issue 12's deliverables walked on the demo data at 1600x1000 and 1366x768 (exact viewports), in a real headless
Chromium: a view opens fitted and readable, the page's entity and sanctioned nodes marked (item 1); the graph and
the legend above the fold, no sideways scroll, the side panel wide (item 7), on the entity page and on the trace,
search and report pages; and after each change (an expansion, hiding, a reload, Back) every sentence and count on
the page is the current one: the summary, the filter note, "Show hidden (n)", the filters' counts and the selected
entity's "N connections in the graph, M in this view" (item 6). Screenshots: build/screenshots/walk-*.png.

Run: .venv/bin/pytest tests/e2e/test_canvas_walk.py --headless
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from graph.stores.base import GraphReader
from tests.browser import WINDOW_SIZE
from tests.e2e.helpers import shown_text, wait_for_shown_text
from tests.e2e.test_canvas import _INSIDE, _LABEL_PX, _LAYOUT, _settled, _shot, _window
from tests.e2e.test_explorer import (
    KIM_WALLET,
    _assert_no_console_errors,
    _click_label,
    _emit,
    _js,
    _query,
    _start,
    _wait,
    _wait_nodes,
)

pytestmark = pytest.mark.browser

SIZES = [(1600, 1000), (1366, 768)]
#: The viewports real windows of those sizes leave once the browser's own bars are drawn (tabs, address bar: about
#: 140 px): the graph and the legend must be above the fold there too.
REAL_VIEWPORTS = [(1600, 860), (1366, 625)]
RI, FRONT = "demo-ri-chol-man", "demo-pyongsan-tech"
MAPLE, ALEX, JAMIE = "demo-golden-maple", "demo-alex-kim", "demo-jamie-park"
MIXER_FROM = "0x" + "1" * 40

# Sideways scroll and where a graph (by id) sits against the fold.
_PAGE = (
    "var d = document.documentElement, g = document.getElementById(arguments[0]);"
    "var r = g ? g.getBoundingClientRect() : null;"
    "return {scroll: d.scrollWidth - d.clientWidth, fold: window.innerHeight,"
    " top: r ? r.top : null, bottom: r ? r.bottom : null};"
)


def _page(dash_duo: Any, graph_id: str = "graph") -> dict[str, Any]:
    found = dash_duo.driver.execute_script(_PAGE, graph_id)
    assert isinstance(found, dict)
    return found


def _kind_count(dash_duo: Any, kind: str) -> int | None:
    """The count the kinds filter shows for ``kind`` ('Person (3)' → 3)."""
    for label in dash_duo.find_elements("#filter-kinds label"):
        text = str(label.get_attribute("textContent") or "").strip()
        if text.startswith(kind + " ("):
            return int(text[len(kind) + 2 : -1])
    return None


def _drawn(dash_duo: Any, kind: str) -> int:
    return int(_js(dash_duo, f"return cy.nodes().filter(n => n.data('kind') === '{kind}').length;"))


def _connections(dash_duo: Any) -> str:
    return shown_text(dash_duo, "#details .connections") or ""


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_entity_page_is_readable_above_the_fold_and_every_count_is_current(
    dash_duo: Any, demo_store: GraphReader, width: int, height: int
) -> None:
    _start(dash_duo, demo_store)
    _window(dash_duo, width, height)
    dash_duo.driver.get(f"{dash_duo.server_url}/entity/{RI}?hops=1&layout=concentric")
    _wait_nodes(dash_duo, {RI, FRONT}, absent={MAPLE})
    _settled(dash_duo)

    # 1. fitted, readable, marked
    assert _js(dash_duo, _INSIDE), "a node is off the canvas"
    labels, smallest = _js(dash_duo, _LABEL_PX)
    assert labels > 0 and smallest >= 11, (labels, smallest)
    assert _js(dash_duo, f"var n = cy.getElementById('{RI}'); return n.hasClass('center') && n.hasClass('sanctioned');")
    # 7. the graph and the legend above the fold, no sideways scroll, a side panel wide enough for addresses
    box = _js(dash_duo, _LAYOUT)
    assert box["bottom"] <= box["fold"] and box["height"] >= 360 and box["legend"] < box["fold"], box
    assert box["scroll"] <= 0 and box["side"] >= 380, box
    _shot(dash_duo, f"walk-entity-{width}x{height}")

    # 6. every summary and count current after an expansion from the toolbar, with the entity's panel open
    _emit(dash_duo, FRONT, "tap")
    _wait(dash_duo, lambda: "in this view" in _connections(dash_duo), "no connections sentence in the panel")
    before = _connections(dash_duo)
    assert before.startswith("4 connections in the graph, ") and "4 in this view" not in before, before
    people = _kind_count(dash_duo, "Person")
    assert people == _drawn(dash_duo, "Person"), people
    dash_duo.find_element("#node-expand").click()
    _wait_nodes(dash_duo, {MAPLE, ALEX, JAMIE})
    _wait(dash_duo, lambda: _connections(dash_duo).startswith("4 connections in the graph, 4 in this view"), "stale")
    wait_for_shown_text(dash_duo, "#graph-summary", lambda t: "plus what 1 expansion brought" in t, what="summary")
    _wait(dash_duo, lambda: _kind_count(dash_duo, "Person") == _drawn(dash_duo, "Person") > (people or 0), "counts")
    drawn = len(_js(dash_duo, "return cy.nodes().map(n => n.id());"))
    summary = shown_text(dash_duo, "#graph-summary") or ""
    assert f"Showing {drawn - 1} connected entities" in summary, summary

    # hiding one: the summary, the filter note and the button count it
    _emit(dash_duo, ALEX, "tap")
    dash_duo.wait_for_contains_text("#selected-node", "Alex Kim")
    dash_duo.find_element("#node-hide").click()
    _wait_nodes(dash_duo, set(), absent={ALEX})
    dash_duo.wait_for_text_to_equal("#show-hidden", "Show hidden (1)")
    wait_for_shown_text(dash_duo, "#filter-note", lambda t: "1 entity is hidden" in t, what="filter note")
    wait_for_shown_text(
        dash_duo, "#graph-summary", lambda t: f"Showing {drawn - 2} connected entities" in t, what="summary"
    )
    hidden_summary = shown_text(dash_duo, "#graph-summary")

    dash_duo.driver.refresh()  # a reload: the same sentences and counts
    _wait_nodes(dash_duo, {MAPLE, JAMIE}, absent={ALEX})
    dash_duo.wait_for_text_to_equal("#show-hidden", "Show hidden (1)")
    wait_for_shown_text(dash_duo, "#graph-summary", lambda t: t == hidden_summary, what="summary after a reload")
    dash_duo.driver.back()  # before the hiding
    _wait_nodes(dash_duo, {ALEX})
    _wait(dash_duo, lambda: "hidden" not in _query(dash_duo), "Back kept the hidden node")
    dash_duo.wait_for_text_to_equal("#show-hidden", "Show hidden")
    wait_for_shown_text(dash_duo, "#graph-summary", lambda t: f"Showing {drawn - 1} connected" in t, what="summary")

    # a filter is a history entry too: Back brings the view and its checkbox back, Forward the filter again
    dash_duo.find_element("#filters summary").click()
    _click_label(dash_duo, "#filter-kinds", "Person")
    _wait_nodes(dash_duo, {RI, FRONT, MAPLE}, absent={ALEX, JAMIE})  # the page's own entity stays
    _wait(dash_duo, lambda: "Person" not in _query(dash_duo).get("kinds", "Person"), "the filter is not in the URL")
    wait_for_shown_text(dash_duo, "#filter-note", lambda t: "The filters leave out" in t, what="filter note")
    dash_duo.driver.back()
    _wait_nodes(dash_duo, {ALEX, JAMIE})
    _wait(dash_duo, lambda: "kinds" not in _query(dash_duo), "Back kept the filter")
    _wait(dash_duo, lambda: _ticked(dash_duo, "Person"), "the Person checkbox is not ticked again")
    dash_duo.driver.forward()
    _wait_nodes(dash_duo, {MAPLE}, absent={ALEX, JAMIE})
    _assert_no_console_errors(dash_duo)


def _ticked(dash_duo: Any, kind: str) -> bool:
    boxes = dash_duo.find_elements(f"#filter-kinds input[value='{kind}']")
    return bool(boxes) and bool(boxes[0].is_selected())


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_other_pages_fit_the_window(dash_duo: Any, demo_store: GraphReader, width: int, height: int) -> None:
    """A long wallet address as the entity heading, the trace (its graph above the fold), search results and the
    printable report: none scrolls sideways."""
    _start(dash_duo, demo_store)
    _window(dash_duo, width, height)
    dash_duo.driver.get(f"{dash_duo.server_url}/entity/{KIM_WALLET}?hops=2")
    _wait_nodes(dash_duo, {KIM_WALLET})
    _settled(dash_duo)
    page = _page(dash_duo)
    assert page["scroll"] <= 0 and page["bottom"] <= page["fold"], page

    dash_duo.driver.get(f"{dash_duo.server_url}/trace?wallet={MIXER_FROM}&direction=forward&hops=4")
    _wait(dash_duo, lambda: (_js(dash_duo, "return cy ? cy.nodes().length : 0;", "trace-graph") or 0) >= 2, "no trace")
    page = _page(dash_duo, "trace-graph")
    assert page["scroll"] <= 0 and page["bottom"] <= page["fold"] and page["bottom"] - page["top"] >= 280, page
    _shot(dash_duo, f"walk-trace-{width}x{height}")

    for path, ready in (("/?q=kim+jong+unn", "#search-results"), (f"/report/{KIM_WALLET}", "#report-sources")):
        dash_duo.driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element(ready, timeout=15)
        assert _page(dash_duo)["scroll"] <= 0, path
    _assert_no_console_errors(dash_duo)


@pytest.mark.parametrize(("width", "height"), REAL_VIEWPORTS)
def test_in_a_real_window_the_graph_and_the_legend_are_above_the_fold(
    dash_duo: Any, demo_store: GraphReader, width: int, height: int, timing: Callable[[str], None]
) -> None:
    """The viewport of a real 1600x1000 or 1366x768 window (item 7): the entity page's graph ends above the fold,
    fitted and readable, the legend's heading and first lines are on screen without scrolling, nothing scrolls
    sideways; also with a long wallet address as the heading. The headless window the tests start with (its size
    from SANCTIONS_GRAPH_BROWSER_SIZE) has no browser bars: its viewport is printed beside."""
    _start(dash_duo, demo_store)
    window = dash_duo.driver.execute_script("return [window.innerWidth, window.innerHeight];")
    _window(dash_duo, width, height)
    for entity, path in ((RI, f"/entity/{RI}?hops=1&layout=concentric"), (KIM_WALLET, f"/entity/{KIM_WALLET}?hops=2")):
        dash_duo.driver.get(dash_duo.server_url + path)
        _wait_nodes(dash_duo, {entity})
        _settled(dash_duo)
        box = _js(dash_duo, _LAYOUT)
        assert box["fold"] == height, box
        assert box["bottom"] <= box["fold"] and box["height"] >= 280, box
        assert box["legend"] <= box["fold"] - 80, box  # the legend's heading and its first lines
        assert box["scroll"] <= 0, box
        assert _js(dash_duo, _INSIDE), "a node is off the canvas"
        labels, smallest = _js(dash_duo, _LABEL_PX)
        assert labels > 0 and smallest >= 11, (labels, smallest)
        name = "entity" if entity == RI else "wallet"
        _shot(dash_duo, f"walk-{name}-viewport-{width}x{height}")
        timing(
            f"[measure] viewport {width}x{height} ({name}): graph {box['top']:.0f}-{box['bottom']:.0f} px, legend"
            f" {box['legend']:.0f} px; the headless window {WINDOW_SIZE[0]}x{WINDOW_SIZE[1]} has a viewport of"
            f" {window[0]}x{window[1]}"
        )
    _assert_no_console_errors(dash_duo)
