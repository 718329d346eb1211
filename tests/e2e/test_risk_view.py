"""Risk on the entity page, in a real headless Chromium: exposure colouring, the OFAC 50% rule marks, shared
infrastructure as dashed lines, and the downloads of the current view.

The demo scenario has no entity blocked by ownership (Golden Maple is 60% owned by Pyongsan Tech, a front that is not
itself designated), so the store of this module (`risk_store`) is the demo data plus two fictional companies owned
by the designated Bureau 999: one 55% (blocked under the 50% rule), one with no percentage recorded (possibly
blocked). `sanctions-graph analyze` (graph.analytics.analyze) then writes exposure and ownership results onto every
entity, as the CLI does.

Screenshots land in build/screenshots/. Run: .venv/bin/pytest tests/e2e/test_risk_view.py -q --headless
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from dash.testing.wait import until

from dashboard.entity.styles import EXPOSURE_COLOURS, SHARED_PURPLE
from graph.analytics.analyze import analyze
from graph.model import NodeRecord, RelRecord
from graph.stores.base import GraphReader, GraphStore
from graph.vocabulary import NodeKind, Prop, RelType
from tests.e2e.helpers import assert_exports_a_picture, exported_csv, exported_ftm, exported_graphml, own_embedded_store
from tests.e2e.helpers import assert_no_console_errors as _assert_no_console_errors
from tests.e2e.helpers import current_path as _path
from tests.e2e.helpers import graph_screenshot as _screenshot
from tests.e2e.helpers import js as _js
from tests.e2e.helpers import node_ids as _node_ids
from tests.e2e.helpers import start as _start

pytestmark = pytest.mark.browser


BUREAU = "demo-bureau-999"
RI = "demo-ri-chol-man"
SUNRISE = "demo-sunrise-digital"
GOLDEN = "demo-golden-maple"
PYONGSAN = "demo-pyongsan-tech"
BLOCKED = "riskview-tumen-shipping"  # 55% owned by Bureau 999: blocked under the 50% rule
POSSIBLY = "riskview-amnok-trading"  # owned by Bureau 999, share unknown: possibly blocked
SHARED_EDGE = f"shared:{GOLDEN}|{SUNRISE}"  # both LOCATED_AT the Dandong address

_CY = "var g = document.getElementById('graph'); var cy = g && g._cyreg && g._cyreg.cy; "


def _rgb(hex_colour: str) -> str:
    """'#E66101' → 'rgb(230,97,1)', as cytoscape reports a colour."""
    h = hex_colour.lstrip("#")
    return "rgb({},{},{})".format(*(int(h[i : i + 2], 16) for i in (0, 2, 4)))


@pytest.fixture(scope="module")
def risk_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """An embedded store of its own: the demo data, two companies owned by Bureau 999, then `analyze`."""
    from sanctions_graph.cli import load_demo

    store = own_embedded_store(tmp_path_factory, "risk")
    try:
        load_demo(store, quiet=True)
        store.upsert_nodes(
            NodeKind.COMPANY,
            [
                NodeRecord(BLOCKED, NodeKind.COMPANY, {Prop.NAME: "Tumen River Shipping Co", Prop.COUNTRIES: ["kp"]}),
                NodeRecord(POSSIBLY, NodeKind.COMPANY, {Prop.NAME: "Amnok Trading LLC", Prop.COUNTRIES: ["cn"]}),
            ],
        )
        store.upsert_relationships(
            RelType.OWNS,
            [
                RelRecord("riskview-owns-1", RelType.OWNS, BUREAU, BLOCKED, {Prop.PERCENTAGE: 55}),
                RelRecord("riskview-owns-2", RelType.OWNS, BUREAU, POSSIBLY, {}),
            ],
        )
        summary = analyze(store)
        # Tumen River and the demo's own Taedong Coastal Shipping (51%); possibly blocked: Amnok Trading
        assert summary.blocked_by_ownership == 2 and summary.possibly_blocked == 1
        yield store
    finally:
        store.close()


# --- helpers --------------------------------------------------------------------------------------------------------


def _wait_nodes(dash_duo: Any, expected: set[str]) -> None:
    until(lambda: expected <= _node_ids(dash_duo), timeout=15, msg=f"graph never showed {sorted(expected)}")


def _classes(dash_duo: Any, node: str) -> list[str]:
    return list(_js(dash_duo, f"return cy.getElementById({node!r}).classes();") or [])


def _style(dash_duo: Any, element: str, prop: str) -> str:
    return str(_js(dash_duo, f"var e = cy.getElementById({element!r}); return e.length ? e.style({prop!r}) : '';"))


def _click_label(dash_duo: Any, container: str, text: str) -> None:
    label = next(el for el in dash_duo.find_elements(f"{container} label") if el.text.strip().startswith(text))
    label.click()


def _emit(dash_duo: Any, element_id: str, event: str) -> None:
    _js(dash_duo, f"cy.getElementById({element_id!r}).emit({event!r});")


# --- tests ----------------------------------------------------------------------------------------------------------


def test_exposure_colouring_and_the_50_percent_rule_marks(dash_duo: Any, risk_store: GraphReader) -> None:
    _start(dash_duo, risk_store, f"/entity/{BUREAU}?hops=2")
    _wait_nodes(dash_duo, {BUREAU, RI, SUNRISE, BLOCKED, POSSIBLY, PYONGSAN})

    # colour by kind (the default): the marks of the 50% rule show already
    assert "blocked" in _classes(dash_duo, BLOCKED) and "exposure-1" in _classes(dash_duo, BLOCKED)
    assert "possibly-blocked" in _classes(dash_duo, POSSIBLY)
    assert _style(dash_duo, BLOCKED, "border-style") == "dashed"
    assert _style(dash_duo, BLOCKED, "border-color") == _rgb(EXPOSURE_COLOURS["0"])
    assert _style(dash_duo, POSSIBLY, "border-style") == "dotted"
    kind_green = _style(dash_duo, BLOCKED, "background-color")
    assert kind_green == _style(dash_duo, SUNRISE, "background-color")  # both companies: the kind's colour

    _click_label(dash_duo, ".view-controls", "Exposure")
    until(lambda: "colour=exposure" in _path(dash_duo), timeout=10, msg="colour not written to the URL")
    until(
        lambda: _style(dash_duo, RI, "background-color") == _rgb(EXPOSURE_COLOURS["0"]),
        timeout=10,
        msg="the sanctioned entity was not coloured red",
    )
    assert "exposure-0" in _classes(dash_duo, BUREAU) and "exposure-0" in _classes(dash_duo, RI)
    assert "exposure-1" in _classes(dash_duo, SUNRISE) and "exposure-1" in _classes(dash_duo, PYONGSAN)
    assert _style(dash_duo, SUNRISE, "background-color") == _rgb(EXPOSURE_COLOURS["1"])
    two_hops = [n for n in _node_ids(dash_duo) if "exposure-2" in _classes(dash_duo, n)]
    assert two_hops, "no entity two hops from a sanctioned one in view"
    assert _style(dash_duo, two_hops[0], "background-color") == _rgb(EXPOSURE_COLOURS["2"])
    # the marks stay in every colouring, the kinds keep their shapes
    assert _style(dash_duo, BLOCKED, "border-style") == "dashed"
    assert _style(dash_duo, BLOCKED, "shape") == "round-rectangle"
    legend = dash_duo.find_element("#legend").text
    assert "1 hop from a sanctioned entity" in legend and "Blocked (50% rule)" in legend
    assert dash_duo.find_element("#risk-note").text == ""  # every entity in view was analysed

    _emit(dash_duo, BLOCKED, "tap")
    dash_duo.wait_for_contains_text("#details", "BLOCKED (50% RULE)")
    assert "Blocked under the OFAC 50% rule (55% owned by blocked persons)" in dash_duo.find_element("#details").text
    _screenshot(dash_duo, "risk-exposure-blocked")

    _emit(dash_duo, POSSIBLY, "tap")
    dash_duo.wait_for_contains_text("#details", "POSSIBLY BLOCKED")

    # the colouring is part of the shareable address
    dash_duo.driver.get(dash_duo.server_url + f"/entity/{BUREAU}?hops=1&colour=exposure")
    _wait_nodes(dash_duo, {BUREAU, BLOCKED})
    until(lambda: _style(dash_duo, BLOCKED, "background-color") == _rgb(EXPOSURE_COLOURS["1"]), timeout=10)
    _assert_no_console_errors(dash_duo)


def test_without_analysis_the_page_says_to_run_analyze(dash_duo: Any, demo_store: GraphReader) -> None:
    _start(dash_duo, demo_store, f"/entity/{GOLDEN}?hops=1&colour=exposure")
    _wait_nodes(dash_duo, {GOLDEN, PYONGSAN})
    dash_duo.wait_for_contains_text("#risk-note", "Run `sanctions-graph analyze` to compute exposure")
    assert not any(c.startswith("exposure-") for c in _classes(dash_duo, GOLDEN))
    assert _style(dash_duo, GOLDEN, "background-color") == _rgb(EXPOSURE_COLOURS["unknown"])
    _click_label(dash_duo, ".view-controls", "Kind")  # back to kinds: no sentence
    until(lambda: dash_duo.find_element("#risk-note").text == "", timeout=10, msg="the sentence stayed")
    _assert_no_console_errors(dash_duo)


def test_shared_infrastructure_is_drawn_as_dashed_lines(dash_duo: Any, risk_store: GraphReader) -> None:
    _start(dash_duo, risk_store, f"/entity/{GOLDEN}?hops=2")
    _wait_nodes(dash_duo, {GOLDEN, SUNRISE, "demo-addr-dandong"})
    assert not _js(dash_duo, "return cy.edges('.shared').length;")

    _click_label(dash_duo, ".view-controls", "Shared infrastructure")
    until(lambda: "shared=1" in _path(dash_duo), timeout=10, msg="the toggle was not written to the URL")
    until(lambda: _js(dash_duo, f"return cy.getElementById({SHARED_EDGE!r}).length;") == 1, timeout=15)
    edge = _js(dash_duo, f"var e = cy.getElementById({SHARED_EDGE!r}); return e.data();")
    assert edge["type"] == "shared" and edge["label"] == "address" and edge["weight"] == 1
    assert _style(dash_duo, SHARED_EDGE, "line-style") == "dashed"
    assert _style(dash_duo, SHARED_EDGE, "line-color") == _rgb(SHARED_PURPLE)
    assert _style(dash_duo, SHARED_EDGE, "width") == "7px"  # weight 1: the widest
    dash_duo.wait_for_contains_text("#risk-note", "1 dashed line joins entities that share")
    assert "shares infrastructure" in dash_duo.find_element("#legend").text

    _emit(dash_duo, SHARED_EDGE, "tap")
    dash_duo.wait_for_contains_text("#details", "Shared infrastructure")
    details = dash_duo.find_element("#details").text
    assert "Golden Maple Trading Co and Sunrise Digital Services LLC share infrastructure: address" in details
    assert "Room 1201, 88 Example Road, Dandong, China — held by 2 entities, weight 1" in details
    _screenshot(dash_duo, "risk-shared-infrastructure")

    # off again: the lines go; the URL forgets the toggle
    _click_label(dash_duo, ".view-controls", "Shared infrastructure")
    until(lambda: not _js(dash_duo, "return cy.edges('.shared').length;"), timeout=10, msg="the lines stayed")
    assert "shared=1" not in _path(dash_duo)

    # the toggle is part of the shareable address
    dash_duo.driver.get(dash_duo.server_url + f"/entity/{GOLDEN}?hops=2&shared=1")
    until(
        lambda: _js(dash_duo, f"var e = cy && cy.getElementById({SHARED_EDGE!r}); return e && e.length;") == 1,
        timeout=15,
        msg="a page opened with shared=1 did not draw the shared infrastructure",
    )
    assert dash_duo.find_element("#shared input").is_selected()
    _assert_no_console_errors(dash_duo)


def test_the_current_view_downloads_after_filters_and_hides(dash_duo: Any, risk_store: GraphReader) -> None:
    _start(dash_duo, risk_store, f"/entity/{BUREAU}?hops=1")
    _wait_nodes(dash_duo, {BUREAU, RI, SUNRISE, BLOCKED, POSSIBLY})
    _emit(dash_duo, POSSIBLY, "tap")
    dash_duo.wait_for_contains_text("#selected-node", "Amnok Trading LLC")
    dash_duo.find_element("#node-hide").click()
    until(lambda: POSSIBLY not in _node_ids(dash_duo), timeout=10, msg="not hidden")
    shown = {n for n in _node_ids(dash_duo) if not n.startswith("more:")}
    edges = set(_js(dash_duo, "return cy.edges().filter(e => !e.hasClass('more-edge')).map(e => e.id());") or [])

    nodes, rows = exported_csv(dash_duo, "graph")
    assert {n["id"] for n in nodes} == shown and POSSIBLY not in shown
    assert {e["id"] for e in rows} == edges
    blocked = next(n for n in nodes if n["id"] == BLOCKED)
    assert "blocked_by_ownership" in blocked["other_properties"]  # the analysis travels with the entity
    bureau = next(n for n in nodes if n["id"] == BUREAU)
    assert bureau["sanctioned"] == "true" and "DEMO-DPRK" in bureau["designations"]

    assert exported_graphml(dash_duo, "graph") == (shown, len(edges))

    ftm = exported_ftm(dash_duo, "graph")
    assert {e["id"] for e in ftm if e["schema"] in ("Person", "Organization", "Company")} == shown
    ownerships = [e["properties"] for e in ftm if e["schema"] == "Ownership"]
    assert all(o["owner"] == [BUREAU] for o in ownerships)
    assert sorted(o["asset"][0] for o in ownerships) == ["demo-taedong-shipping", BLOCKED]  # not the hidden one

    assert_exports_a_picture(dash_duo, "graph", "png")
    assert_exports_a_picture(dash_duo, "graph", "svg")
    _assert_no_console_errors(dash_duo)
