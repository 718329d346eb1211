"""The entity page's canvas at any size (issue 12), in a real headless Chromium.

Readable at every size (a view opens fitted, labels at least 11 px on screen, fit/zoom/centre buttons, a 2,000-node
view seen whole), grouping of many leaves into one node, Back/Forward/reload/undo of the investigation, and the
page's layout at 1600x1000 and 1366x768. Screenshots go to build/screenshots/canvas-*.png; timings are printed in
the run's summary and build/timings.txt, never asserted.

Run: .venv/bin/pytest tests/e2e/test_canvas.py --headless
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from dashboard.entity.actions import HUB_CAP
from graph import judge
from graph.model import NodeRecord, RelRecord
from graph.stores.base import GraphReader, GraphStore
from graph.vocabulary import NodeKind, Prop, RelType
from tests.e2e import test_explorer
from tests.e2e.helpers import SCREENSHOTS, own_embedded_store, page_clock
from tests.e2e.test_explorer import (
    BIG_VIEW_NODES,
    KIM_WALLET,
    ROOT,
    _assert_no_console_errors,
    _emit,
    _js,
    _node_ids,
    _painted,
    _query,
    _start,
    _wait,
    _wait_nodes,
    open_big_view,
    wheel_step_ms,
)

pytestmark = pytest.mark.browser

#: The explorer's generated network (a ~1,900-node view at 3 hops), the same module-scoped fixture.
shared_generated_store = test_explorer.generated_store

PAYMASTER = "gen-paymaster"
PAID_WALLETS = 240
EMPLOYEES = 60
WALLET_GROUP = f"group:{PAYMASTER}~Wallet~PAID~out"
PERSON_GROUP = f"group:{PAYMASTER}~Person~EMPLOYS~out"
RI = "demo-ri-chol-man"
FRONT = "demo-pyongsan-tech"

# Where every node is, on screen, against the canvas (labels left out: they are sized after the fit).
_INSIDE = (
    "var b = cy.nodes().renderedBoundingBox({includeLabels: false}), w = cy.width(), h = cy.height();"
    "return b.x1 >= -1 && b.y1 >= -1 && b.x2 <= w + 1 && b.y2 <= h + 1;"
)
# The smallest on-screen size of the labels cytoscape draws (font size x zoom; hidden labels left out).
_LABEL_PX = (
    "var z = cy.zoom(), px = cy.nodes().filter(function(n) { return n.style('label') &&"
    " parseFloat(n.style('font-size')) * z >= parseFloat(n.style('min-zoomed-font-size')); })"
    ".map(function(n) { return parseFloat(n.style('font-size')) * z; });"
    "return [px.length, px.length ? Math.min.apply(null, px) : 0];"
)


@pytest.fixture(scope="module")
def group_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """A company paying 240 wallets and employing 60 people (each linked to nothing else): two groups of leaves."""
    store = own_embedded_store(tmp_path_factory, "group", query_timeout=120)
    try:
        store.ensure_schema()
        boss = {Prop.NAME: "Paymaster Trading LLC", Prop.SANCTIONED: True}
        store.upsert_nodes(NodeKind.COMPANY, [NodeRecord(PAYMASTER, NodeKind.COMPANY, boss)])
        wallets = [
            NodeRecord(f"gen-pw-{k:03d}", NodeKind.WALLET, {Prop.NAME: f"0x{k:04d}" + "ef" * 18})
            for k in range(PAID_WALLETS)
        ]
        store.upsert_nodes(NodeKind.WALLET, wallets)
        people = [
            NodeRecord(f"gen-pe-{k:02d}", NodeKind.PERSON, {Prop.NAME: f"Worker {k:02d}"}) for k in range(EMPLOYEES)
        ]
        store.upsert_nodes(NodeKind.PERSON, people)
        paid = [
            RelRecord(f"gen-pp-{k:03d}", RelType.PAID, PAYMASTER, w.id, {Prop.AMOUNT: 100 + k, Prop.CURRENCY: "USD"})
            for k, w in enumerate(wallets)
        ]
        store.upsert_relationships(RelType.PAID, paid)
        employs = [RelRecord(f"gen-pj-{k:02d}", RelType.EMPLOYS, PAYMASTER, p.id, {}) for k, p in enumerate(people)]
        store.upsert_relationships(RelType.EMPLOYS, employs)
        yield store
    finally:
        store.close()


def _settled(dash_duo: Any) -> None:
    """The layout has run and reported its positions (they mount the timeline), and a frame is painted."""
    dash_duo.wait_for_element("#timeline", timeout=60)
    _painted(dash_duo)
    time.sleep(0.3)
    _painted(dash_duo)


def _window(dash_duo: Any, width: int, height: int) -> None:
    """An exact viewport (not the window, whose chrome differs between browsers)."""
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def _shot(dash_duo: Any, name: str) -> None:
    """The viewport as the analyst sees it (no resizing), under build/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    dash_duo.driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000


# --- 1. readable at every size ----------------------------------------------------------------------------------


def test_a_small_view_opens_fitted_with_labels_readable_on_screen(
    dash_duo: Any, demo_store: GraphReader, timing: Callable[[str], None]
) -> None:
    _start(dash_duo, demo_store, f"/entity/{RI}?hops=3")
    _wait_nodes(dash_duo, {RI, FRONT, "demo-golden-maple"})
    _settled(dash_duo)
    count = _js(dash_duo, "return cy.nodes().length;")
    assert 10 <= count <= 30, count
    assert _js(dash_duo, _INSIDE), "the view does not open fitted to the canvas"
    shown, smallest = _js(dash_duo, _LABEL_PX)
    assert shown == count and smallest >= 11, (shown, count, smallest)  # every label drawn, and readable
    zoom = _js(dash_duo, "return cy.zoom();")
    timing(f"[measure] {count}-node view opens at zoom {zoom:.2f}; smallest label on screen {smallest:.1f} px")
    # the page's entity stands out: bigger than the others on screen
    center_w = _js(dash_duo, f"return cy.$id('{RI}').renderedWidth();")
    other_w = _js(dash_duo, "return cy.nodes('.Company').not('.center')[0].renderedWidth();")
    assert center_w > other_w
    _shot(dash_duo, "canvas-15-nodes-readable")

    dash_duo.find_element("#view-zoom-in").click()
    _wait(dash_duo, lambda: _js(dash_duo, "return cy.zoom();") > zoom * 1.4, "zoom in did nothing")
    _wait(dash_duo, lambda: _js(dash_duo, _LABEL_PX)[1] >= 11, "labels not readable after zooming in")
    dash_duo.find_element("#view-zoom-out").click()
    dash_duo.find_element("#view-zoom-out").click()
    _wait(dash_duo, lambda: _js(dash_duo, "return cy.zoom();") < zoom * 0.8, "zoom out did nothing")
    _js(dash_duo, "cy.panBy({x: 400, y: -300});")
    assert not _js(dash_duo, _INSIDE)
    dash_duo.find_element("#view-fit").click()
    _wait(dash_duo, lambda: _js(dash_duo, _INSIDE), "Fit did not bring the whole view back")
    _js(dash_duo, "cy.panBy({x: 250, y: 120});")
    dash_duo.find_element("#view-centre").click()
    _wait(
        dash_duo,
        lambda: _js(
            dash_duo,
            f"var p = cy.$id('{RI}').renderedPosition(); return Math.abs(p.x - cy.width() / 2) < 2"
            " && Math.abs(p.y - cy.height() / 2) < 2;",
        ),
        "Centre did not centre the page's entity",
    )
    _assert_no_console_errors(dash_duo)


def test_the_2000_node_view_is_seen_whole_and_stays_interactive(
    dash_duo: Any, shared_generated_store: GraphStore, monkeypatch: pytest.MonkeyPatch, timing: Callable[[str], None]
) -> None:
    nodes = BIG_VIEW_NODES
    store_time, started = open_big_view(dash_duo, shared_generated_store, monkeypatch, lambda d: _window(d, 1600, 1000))
    _wait(dash_duo, lambda: _js(dash_duo, _INSIDE), "the big view is not seen whole", timeout=30)
    _painted(dash_duo)
    drawn = time.perf_counter()
    edges = _js(dash_duo, "return cy.edges().length;")
    zoom = _js(dash_duo, "return cy.zoom();")
    assert zoom > 0.002  # not stuck at the floor
    _settled(dash_duo)
    assert _js(dash_duo, _INSIDE)
    # the page's entity (sanctioned) stands out even fitted: at least 12 px on screen
    assert _js(dash_duo, f"return cy.$id('{ROOT}').renderedWidth();") >= 12
    # a label too small to read is not drawn; the node under the pointer shows its own, readable
    wallet = "gen-wallet-03-04"
    _emit(dash_duo, wallet, "mouseover")
    _wait(
        dash_duo,
        lambda: (
            _js(dash_duo, f"var n = cy.$id('{wallet}'); return parseFloat(n.style('font-size')) * cy.zoom();") >= 11
        ),
        "the hovered node's label is not readable",
    )
    _emit(dash_duo, wallet, "mouseout")
    clock = page_clock(dash_duo)
    step = wheel_step_ms(dash_duo)
    pan = float(
        dash_duo.driver.execute_async_script(
            "var g = document.getElementById('graph'), cy = g._cyreg.cy, done = arguments[arguments.length - 1];"
            "var n = 0, t = performance.now();"
            "function step() { cy.panBy({x: n % 2 ? 40 : -40, y: 0});"
            " if (++n < 30) { requestAnimationFrame(step); }"
            " else { requestAnimationFrame(function() { done((performance.now() - t) / 31); }); } }"
            "requestAnimationFrame(step);"
        )
    )
    timing(
        f"\n[timing] {nodes}-node / {edges}-edge view (3 hops): opened fitted in {drawn - started:.2f}s (the page's own"
        f" clock: navigation → drawn fitted and painted {clock['painted'] / 1000:.2f}s, its callback in the next frame"
        f" {clock['painted_late'] / 1000:.2f}s; store's"
        f" neighbourhood call {sum(store_time):.2f}s), zoom {zoom:.3f}; zoom step {step:.0f} ms, pan step {pan:.0f} ms"
        f"; load average {os.getloadavg()[0]:.2f}"
    )
    _js(dash_duo, "cy.fit(undefined, 40);")
    _shot(dash_duo, "canvas-2000-nodes-fitted")
    _assert_no_console_errors(dash_duo)


# --- 2. grouping ------------------------------------------------------------------------------------------------


def _group_label(dash_duo: Any, group: str) -> str | None:
    label = _js(
        dash_duo,
        f"if (!cy) {{ return null; }} var n = cy.getElementById('{group}'); return n.length ? n.data('label') : null;",
    )
    return str(label) if label else None


def _count(dash_duo: Any, prefix: str) -> int:
    return sum(1 for n in _node_ids(dash_duo) if n.startswith(prefix))


def test_many_leaves_are_one_group_that_opens_and_undo_closes_it(dash_duo: Any, group_store: GraphReader) -> None:
    _start(dash_duo, group_store, f"/entity/{PAYMASTER}?hops=1&page=1000")
    _wait(dash_duo, lambda: _group_label(dash_duo, WALLET_GROUP) == "240 crypto wallets", "no wallet group")
    assert _group_label(dash_duo, PERSON_GROUP) == "60 persons"
    assert _count(dash_duo, "gen-pw-") == 0 and _count(dash_duo, "gen-pe-") == 0
    dash_duo.wait_for_contains_text("#graph-summary", "300 entities in 2 groups")
    _settled(dash_duo)
    _shot(dash_duo, "canvas-groups")

    _emit(dash_duo, WALLET_GROUP, "tap")  # a click opens the group
    _wait(dash_duo, lambda: _count(dash_duo, "gen-pw-") == PAID_WALLETS, "the group did not open")
    assert _group_label(dash_duo, WALLET_GROUP) is None and _group_label(dash_duo, PERSON_GROUP) == "60 persons"
    _wait(dash_duo, lambda: WALLET_GROUP in _query(dash_duo).get("open", ""), "the open group is not in the URL")
    dash_duo.wait_for_contains_text("#graph-summary", "60 entities in 1 group")
    _settled(dash_duo)
    _shot(dash_duo, "canvas-group-opened")

    dash_duo.find_element("#undo").click()  # undo closes it again, redo opens it
    _wait(dash_duo, lambda: _group_label(dash_duo, WALLET_GROUP) == "240 crypto wallets", "undo did not close it")
    assert _count(dash_duo, "gen-pw-") == 0
    dash_duo.find_element("#redo").click()
    _wait(dash_duo, lambda: _count(dash_duo, "gen-pw-") == PAID_WALLETS, "redo did not open it")
    _assert_no_console_errors(dash_duo)


def test_expand_by_relationship_type_and_a_chosen_page_size(dash_duo: Any, group_store: GraphReader) -> None:
    _start(dash_duo, group_store, f"/entity/{PAYMASTER}?hops=1")
    _wait(dash_duo, lambda: len(_node_ids(dash_duo)) >= HUB_CAP, "the first page never came")
    _wait(dash_duo, lambda: _count(dash_duo, "gen-pw-") + _count(dash_duo, "gen-pe-") == HUB_CAP, "not capped")
    people = _count(dash_duo, "gen-pe-")
    # the right-click menu's "Expand: employs (outgoing)" brings employees only
    _js(
        dash_duo,
        "window.dash_clientside.set_props('graph', {contextMenuData:"
        f" {{menuItemId: 'expand:EMPLOYS:out', elementId: '{PAYMASTER}', timeStamp: Date.now()}}}});",
    )
    _wait(dash_duo, lambda: _count(dash_duo, "gen-pe-") == people + HUB_CAP, "expand by type brought no employees")
    dash_duo.wait_for_contains_text("#graph-message", "(employs, outgoing)")
    wallets = _count(dash_duo, "gen-pw-")
    # "N more" brings as many as the analyst chose
    _js(dash_duo, "window.dash_clientside.set_props('page-size', {value: 100});")
    _wait(dash_duo, lambda: _query(dash_duo).get("page") == "100", "page size not in the URL")
    _emit(dash_duo, f"more:{PAYMASTER}", "tap")
    _wait(
        dash_duo,
        lambda: _count(dash_duo, "gen-pw-") + _count(dash_duo, "gen-pe-") == wallets + people + HUB_CAP + 100,
        "the next page did not bring 100",
    )
    dash_duo.wait_for_contains_text("#graph-message", "Added 100 entities")
    _assert_no_console_errors(dash_duo)


# --- 4. the truth on screen: a SAME_AS as judged ----------------------------------------------------------------

JUDGED = "gen-judged"
SAME_AS_OPEN, SAME_AS_ACCEPTED, SAME_AS_REJECTED = "gen-sa-open", "gen-sa-accepted", "gen-sa-rejected"


@pytest.fixture(scope="module")
def judged_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """A person with three same-as candidates: one left open, one accepted, one rejected (by the review's own
    judge, as the review page records it)."""
    store = own_embedded_store(tmp_path_factory, "judged")
    try:
        store.ensure_schema()
        names = {
            JUDGED: "Ri Chol Man",
            "gen-j-open": "Ri Cholman",
            "gen-j-yes": "Ri Chol-man",
            "gen-j-no": "Ri Chol Mann",
        }
        store.upsert_nodes(
            NodeKind.PERSON, [NodeRecord(i, NodeKind.PERSON, {Prop.NAME: name}) for i, name in names.items()]
        )
        pairs = {SAME_AS_OPEN: "gen-j-open", SAME_AS_ACCEPTED: "gen-j-yes", SAME_AS_REJECTED: "gen-j-no"}
        candidates = {Prop.SCORE: 0.8, Prop.STATUS: "candidate"}
        store.upsert_relationships(
            RelType.SAME_AS, [RelRecord(r, RelType.SAME_AS, JUDGED, other, candidates) for r, other in pairs.items()]
        )
        judge(store, SAME_AS_ACCEPTED, "accept")
        judge(store, SAME_AS_REJECTED, "reject")
        yield store
    finally:
        store.close()


_EDGE_LOOK = (
    "var e = cy.$id(arguments[0]); return {line: e.style('line-style'), colour: e.style('line-color'),"
    " opacity: parseFloat(e.style('opacity')), label: e.style('label'), classes: e.classes()};"
)


def test_a_rejected_same_as_is_drawn_apart_from_an_open_and_an_accepted_one(
    dash_duo: Any, judged_store: GraphReader
) -> None:
    _start(dash_duo, judged_store, f"/entity/{JUDGED}?hops=1")
    _wait_nodes(dash_duo, {JUDGED, "gen-j-open", "gen-j-yes", "gen-j-no"})
    _settled(dash_duo)

    def look(edge: str) -> dict[str, Any]:
        found = dash_duo.driver.execute_script(
            "var g = document.getElementById('graph'), cy = g._cyreg.cy;" + _EDGE_LOOK, edge
        )
        assert isinstance(found, dict), (edge, found)
        return found

    rejected, accepted, candidate = look(SAME_AS_REJECTED), look(SAME_AS_ACCEPTED), look(SAME_AS_OPEN)
    assert "same-as-rejected" in rejected["classes"], rejected
    assert rejected["line"] == "dashed" and rejected["opacity"] == 0.5, rejected
    assert rejected["label"] == "rejected same as", rejected  # said in words, not only by the line
    assert candidate["line"] == "dotted" and candidate["opacity"] == 1, candidate
    assert accepted["line"] == "solid" and accepted["colour"] != rejected["colour"], accepted
    assert accepted["label"] == "same as (accepted)" and candidate["label"] != accepted["label"], accepted
    assert len({rejected["colour"], accepted["colour"], candidate["colour"]}) == 3
    _emit(dash_duo, SAME_AS_REJECTED, "tap")  # its panel says it was rejected
    dash_duo.wait_for_contains_text("#details", "rejected")
    _shot(dash_duo, "canvas-same-as-judged")
    _assert_no_console_errors(dash_duo)


# --- 6. investigation state -------------------------------------------------------------------------------------


def test_back_forward_reload_and_undo_walk_the_investigation(dash_duo: Any, demo_store: GraphReader) -> None:
    _start(dash_duo, demo_store, f"/entity/{RI}?hops=1")
    _wait_nodes(dash_duo, {RI, FRONT}, absent={"demo-golden-maple"})
    _emit(dash_duo, FRONT, "dbltap")  # an expansion: a new history entry, and in the URL
    _wait_nodes(dash_duo, {"demo-golden-maple"})
    _wait(dash_duo, lambda: _query(dash_duo).get("exp") == FRONT, "the expansion is not in the URL")
    dash_duo.wait_for_contains_text("#graph-summary", "plus what 1 expansion brought")

    dash_duo.driver.refresh()  # a reload keeps it
    _wait_nodes(dash_duo, {RI, FRONT, "demo-golden-maple"})

    dash_duo.driver.back()  # Back: the view before the expansion
    _wait_nodes(dash_duo, {RI, FRONT}, absent={"demo-golden-maple"})
    assert "exp" not in _query(dash_duo)
    dash_duo.driver.forward()
    _wait_nodes(dash_duo, {"demo-golden-maple"})

    label = next(el for el in dash_duo.find_elements("#hops label") if el.text.strip().startswith("2 hops"))
    label.click()  # hops: a history entry too
    _wait(dash_duo, lambda: _query(dash_duo).get("hops") == "2", "hops not in the URL")
    dash_duo.driver.back()
    _wait(dash_duo, lambda: _query(dash_duo).get("hops") == "1", "Back did not return to 1 hop")
    dash_duo.wait_for_contains_text("#graph-summary", "within 1 hop of")
    _wait(dash_duo, lambda: dash_duo.find_element("#hops input[value='1']").is_selected(), "radio not back at 1")

    # undo and redo of hide and remove
    _wait_nodes(dash_duo, {"demo-golden-maple"})
    _emit(dash_duo, "demo-golden-maple", "tap")
    dash_duo.wait_for_contains_text("#selected-node", "Golden Maple")
    dash_duo.find_element("#node-hide").click()
    _wait_nodes(dash_duo, set(), absent={"demo-golden-maple"})
    _emit(dash_duo, FRONT, "tap")
    dash_duo.wait_for_contains_text("#selected-node", "Pyongsan")
    dash_duo.find_element("#node-remove").click()
    _wait_nodes(dash_duo, set(), absent={FRONT})
    dash_duo.find_element("#undo").click()
    _wait_nodes(dash_duo, {FRONT}, absent={"demo-golden-maple"})
    dash_duo.find_element("#undo").click()
    _wait_nodes(dash_duo, {FRONT, "demo-golden-maple"})
    dash_duo.find_element("#redo").click()
    _wait_nodes(dash_duo, {FRONT}, absent={"demo-golden-maple"})
    _assert_no_console_errors(dash_duo)


def _more_label(dash_duo: Any, parent: str) -> str | None:
    label = _js(dash_duo, f"var n = cy.getElementById('more:{parent}'); return n.length ? n.data('label') : null;")
    return str(label) if label else None


def test_hidden_and_removed_nodes_survive_a_reload_and_walk_back_and_forward(
    dash_duo: Any, demo_store: GraphReader
) -> None:
    maple, jamie, alex = "demo-golden-maple", "demo-jamie-park", "demo-alex-kim"
    _start(dash_duo, demo_store, f"/entity/{RI}?hops=1")
    _wait_nodes(dash_duo, {RI, FRONT}, absent={maple})
    _emit(dash_duo, FRONT, "dbltap")
    _wait_nodes(dash_duo, {maple, jamie, alex})
    _emit(dash_duo, maple, "tap")
    dash_duo.wait_for_contains_text("#selected-node", "Golden Maple")
    dash_duo.find_element("#node-hide").click()
    _wait(dash_duo, lambda: _query(dash_duo).get("hidden") == maple, "the hidden node is not in the URL")
    _emit(dash_duo, jamie, "tap")
    dash_duo.wait_for_contains_text("#selected-node", "Jamie Park")
    dash_duo.find_element("#node-remove").click()
    _wait(dash_duo, lambda: _query(dash_duo).get("removed") == jamie, "the removed node is not in the URL")
    assert _query(dash_duo)["exp"] == FRONT and _query(dash_duo)["hidden"] == maple

    dash_duo.driver.refresh()  # a reload: expanded, then hidden and removed again
    _wait_nodes(dash_duo, {RI, FRONT, alex}, absent={maple, jamie})
    dash_duo.wait_for_text_to_equal("#show-hidden", "Show hidden (1)")
    _wait(dash_duo, lambda: _more_label(dash_duo, FRONT) == "1 more", "the removed neighbour is not offered again")
    _settled(dash_duo)
    _shot(dash_duo, "canvas-reload-keeps-hidden-and-removed")

    dash_duo.driver.back()  # before the removal: Jamie Park is back, Golden Maple still hidden
    _wait_nodes(dash_duo, {jamie}, absent={maple})
    assert "removed" not in _query(dash_duo) and _query(dash_duo)["hidden"] == maple
    dash_duo.driver.back()  # before the hiding
    _wait_nodes(dash_duo, {maple, jamie})
    assert "hidden" not in _query(dash_duo)
    dash_duo.driver.forward()
    dash_duo.driver.forward()
    _wait_nodes(dash_duo, {alex}, absent={maple, jamie})

    dash_duo.find_element("#show-hidden").click()  # shown again: out of the URL too
    _wait_nodes(dash_duo, {maple}, absent={jamie})
    _wait(dash_duo, lambda: "hidden" not in _query(dash_duo), "a shown node stayed in the URL")
    _assert_no_console_errors(dash_duo)


# --- 7. page layout ---------------------------------------------------------------------------------------------

_LAYOUT = (
    "var g = document.getElementById('graph').getBoundingClientRect();"
    "var legend = document.getElementById('legend').getBoundingClientRect();"
    "var side = document.querySelector('.page-entity .side').getBoundingClientRect();"
    "var d = document.documentElement;"
    "return {top: g.top, bottom: g.bottom, height: g.height, legend: legend.top, side: side.width,"
    " fold: window.innerHeight, scroll: d.scrollWidth - d.clientWidth};"
)


@pytest.mark.parametrize(("width", "height"), [(1600, 1000), (1366, 768)])
def test_the_graph_and_the_legend_are_above_the_fold_without_sideways_scroll(
    dash_duo: Any, demo_store: GraphReader, width: int, height: int, timing: Callable[[str], None]
) -> None:
    _start(dash_duo, demo_store)
    _window(dash_duo, width, height)
    dash_duo.driver.get(f"{dash_duo.server_url}/entity/{KIM_WALLET}?hops=2")  # a long address as the heading
    _wait_nodes(dash_duo, {KIM_WALLET})
    _settled(dash_duo)
    box = _js(dash_duo, _LAYOUT)
    _shot(dash_duo, f"canvas-layout-{width}x{height}")
    timing(f"[measure] {width}x{height}: graph {box['top']:.0f}-{box['bottom']:.0f} px, legend {box['legend']:.0f} px")
    assert box["bottom"] <= box["fold"] and box["height"] >= 360, box
    assert box["legend"] < box["fold"], box
    assert box["scroll"] <= 0, box
    assert box["side"] >= 400 or width < 1400, box
    _assert_no_console_errors(dash_duo)
