"""The entity canvas's state in the URL (issue 12 item 6), in a real headless Chromium: "N more" pages and the page
size the analyst chose, and pinned nodes with their place, survive a reload and walk with Back/Forward; undo/redo
covers them; the "N more" count and the summary are the current ones after each change.

Screenshots: build/screenshots/canvas-reload-keeps-paging.png, canvas-reload-keeps-pin.png.

Run: .venv/bin/pytest tests/e2e/test_canvas_state.py --headless
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from dash.testing.errors import TestingTimeoutError

from graph.stores.base import GraphReader
from tests.e2e.helpers import shown_text, wait_for_shown_text
from tests.e2e.test_canvas import PAYMASTER, _count, _settled, _shot, group_store
from tests.e2e.test_explorer import (
    _assert_no_console_errors,
    _emit,
    _js,
    _node_ids,
    _query,
    _start,
    _wait,
    _wait_nodes,
)

pytestmark = pytest.mark.browser

#: The company paying 240 wallets and employing 60 people (tests/e2e/test_canvas.py), one module-scoped store here.
paging_store = group_store

NEIGHBOURS = 300
RI = "demo-ri-chol-man"
MAPLE = "demo-golden-maple"

# Every node's place, in whole canvas units (what the URL keeps of a pin).
_PLACES = "return cy ? cy.nodes().map(n => [n.id(), Math.round(n.position('x')), Math.round(n.position('y'))]) : [];"


def _leaves(dash_duo: Any) -> int:
    return _count(dash_duo, "gen-pw-") + _count(dash_duo, "gen-pe-")


def _more(dash_duo: Any) -> str | None:
    label = _js(
        dash_duo, f"var n = cy && cy.getElementById('more:{PAYMASTER}'); return n && n.length ? n.data('label') : null;"
    )
    return str(label) if label else None


def _shows(dash_duo: Any, leaves: int) -> None:
    """The canvas holds ``leaves`` of the paymaster's neighbours, its "N more" node offers the rest, and the summary
    counts them."""
    rest = f"{NEIGHBOURS - leaves} more"
    try:  # generous: the shared machine is busy, and a page of 100 is a few store calls
        _wait(dash_duo, lambda: _leaves(dash_duo) == leaves and _more(dash_duo) == rest, "", timeout=40)
    except TestingTimeoutError as exc:
        raise AssertionError(f"not {leaves} neighbours and '{rest}': {_leaves(dash_duo)}, {_more(dash_duo)}") from exc
    # the summary counts what is drawn and each "N more" page
    pages = {25: "brought", 50: "what 1 expansion brought", 75: "what 2 expansions", 175: "what 3 expansions"}[leaves]
    wait_for_shown_text(
        dash_duo,
        "#graph-summary",
        lambda text: f"Showing {leaves} connected entities" in text and (pages in text) == (leaves > 25),
        what=f"the summary of {leaves}",
    )
    dash_duo.wait_for_contains_text("#filter-note", f"{NEIGHBOURS - leaves} connections are not drawn yet")


def _tap_more(dash_duo: Any) -> None:
    """A click on the paymaster's "N more" node, once the page listens for it (assets/entity.js binds its events
    after the graph is drawn)."""
    _wait(dash_duo, lambda: _js(dash_duo, "return !!(cy && cy._sgBound);"), "the graph's events not bound")
    _emit(dash_duo, f"more:{PAYMASTER}", "tap")


def _places(dash_duo: Any) -> dict[str, tuple[int, int]]:
    return {str(i): (int(x), int(y)) for i, x, y in _js(dash_duo, _PLACES)}


def test_n_more_pages_and_the_page_size_survive_reload_back_forward_and_undo(
    dash_duo: Any, paging_store: GraphReader
) -> None:
    _start(dash_duo, paging_store, f"/entity/{PAYMASTER}?hops=1&layout=concentric")
    _shows(dash_duo, 25)
    _settled(dash_duo)  # the page is idle (the timeline mounts then): a click now is the analyst's first
    _tap_more(dash_duo)  # "275 more": the next 25
    _shows(dash_duo, 50)
    _wait(dash_duo, lambda: _query(dash_duo).get("exp") == PAYMASTER, "the page is not in the URL")
    _tap_more(dash_duo)  # and the next: the same step twice, written once with its count
    _shows(dash_duo, 75)
    _wait(dash_duo, lambda: _query(dash_duo).get("exp") == f"{PAYMASTER}*2", "the second page is not in the URL")
    _js(dash_duo, "window.dash_clientside.set_props('page-size', {value: 100});")  # "Expand brings 100 at a time"
    _wait(dash_duo, lambda: _query(dash_duo).get("page") == "100", "the page size is not in the URL")
    assert _query(dash_duo).get("cap") == "25"  # the first load brought 25: a reload must too
    _tap_more(dash_duo)
    _shows(dash_duo, 175)
    after = f"{PAYMASTER}*2,{PAYMASTER}~100"
    _wait(dash_duo, lambda: _query(dash_duo).get("exp") == after, "the page of 100 is not in the URL")
    dash_duo.find_element("#undo").click()  # undo the page of 100, redo it
    _shows(dash_duo, 75)
    _wait(dash_duo, lambda: _query(dash_duo).get("exp") == f"{PAYMASTER}*2", "undo left the page in the URL")
    dash_duo.find_element("#redo").click()
    _shows(dash_duo, 175)
    _wait(dash_duo, lambda: _query(dash_duo).get("exp") == after, "redo: not in the URL")
    _settled(dash_duo)
    nodes, places = _node_ids(dash_duo), _places(dash_duo)
    summary = dash_duo.find_element("#graph-summary").text

    dash_duo.driver.refresh()  # the same pages, the same canvas
    _shows(dash_duo, 175)
    _settled(dash_duo)
    assert _node_ids(dash_duo) == nodes and _places(dash_duo) == places
    assert dash_duo.find_element("#graph-summary").text == summary
    assert "100 at a time" in dash_duo.find_element("#page-size").text
    _shot(dash_duo, "canvas-reload-keeps-paging")

    # Back through every entry: the redo, the undo, the page of 100, choosing 100, the two pages of 25, the first load
    dash_duo.driver.back()
    _shows(dash_duo, 75)  # the undo's entry
    dash_duo.driver.back()
    _shows(dash_duo, 175)  # the page of 100
    dash_duo.driver.back()
    _shows(dash_duo, 75)  # before it, the page size already chosen
    assert _query(dash_duo).get("page") == "100" and _query(dash_duo).get("exp") == f"{PAYMASTER}*2"
    dash_duo.driver.back()
    _wait(dash_duo, lambda: "page" not in _query(dash_duo), "Back did not go to before choosing 100")
    _shows(dash_duo, 75)
    _wait(dash_duo, lambda: "25 at a time" in (shown_text(dash_duo, "#page-size") or ""), "the page size stayed 100")
    dash_duo.driver.back()
    _shows(dash_duo, 50)
    dash_duo.driver.back()
    _shows(dash_duo, 25)  # the first load
    assert "exp" not in _query(dash_duo)
    dash_duo.driver.forward()
    _shows(dash_duo, 50)
    dash_duo.driver.forward()
    _shows(dash_duo, 75)
    dash_duo.driver.forward()
    _wait(dash_duo, lambda: _query(dash_duo).get("page") == "100", "Forward did not choose 100 again")
    dash_duo.driver.forward()
    _shows(dash_duo, 175)
    _assert_no_console_errors(dash_duo)


def test_a_pinned_node_keeps_its_place_through_reload_back_forward_and_undo(
    dash_duo: Any, demo_store: GraphReader
) -> None:
    _start(dash_duo, demo_store, f"/entity/{RI}?hops=2&layout=concentric")
    _wait_nodes(dash_duo, {RI, MAPLE})
    _settled(dash_duo)
    before = _places(dash_duo)
    x, y = before[MAPLE][0] + 160, before[MAPLE][1] - 90
    # dragged somewhere else (as a drag ends: the page's positions store learns it), then pinned there
    _js(dash_duo, f"var n = cy.getElementById('{MAPLE}'); n.position({{x: {x}, y: {y}}}); n.emit('dragfree');")
    time.sleep(0.4)  # the positions are reported 120 ms after a drag
    _emit(dash_duo, MAPLE, "tap")
    dash_duo.wait_for_contains_text("#selected-node", "Golden Maple")
    dash_duo.find_element("#node-pin").click()
    _wait(dash_duo, lambda: _query(dash_duo).get("pin") == f"{MAPLE}~{x}~{y}", "the pin is not in the URL")
    dash_duo.wait_for_contains_text("#graph-message", "pinned")
    _settled(dash_duo)
    pinned = _places(dash_duo)
    assert pinned[MAPLE] == (x, y) and {k: v for k, v in pinned.items() if k != MAPLE} == {
        k: v for k, v in before.items() if k != MAPLE
    }

    dash_duo.find_element("#undo").click()  # undo the pin: out of the URL, the node free again
    _wait(dash_duo, lambda: "pin" not in _query(dash_duo), "undo left the pin in the URL")
    _wait(dash_duo, lambda: not _js(dash_duo, f"return cy.getElementById('{MAPLE}').locked();"), "still locked")
    dash_duo.find_element("#redo").click()
    _wait(dash_duo, lambda: _query(dash_duo).get("pin") == f"{MAPLE}~{x}~{y}", "redo did not pin it again")

    dash_duo.driver.refresh()  # the same canvas: the pinned node where it was pinned, locked, the rest on its rings
    _wait(dash_duo, lambda: _places(dash_duo).get(MAPLE) == (x, y), "the pinned node is not where it was pinned")
    _settled(dash_duo)
    assert _places(dash_duo) == pinned
    assert _js(dash_duo, f"var n = cy.getElementById('{MAPLE}'); return n.locked() && n.hasClass('pinned');")
    _shot(dash_duo, "canvas-reload-keeps-pin")

    dash_duo.driver.back()  # before the pin
    _wait(dash_duo, lambda: "pin" not in _query(dash_duo), "Back kept the pin")
    _wait(dash_duo, lambda: _places(dash_duo).get(MAPLE) == before[MAPLE], "the unpinned node is not on its ring")
    assert not _js(dash_duo, f"return cy.getElementById('{MAPLE}').hasClass('pinned');")
    dash_duo.driver.forward()
    _wait(dash_duo, lambda: _places(dash_duo).get(MAPLE) == (x, y), "Forward did not pin it again")
    _assert_no_console_errors(dash_duo)
