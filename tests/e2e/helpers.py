"""What the browser tests share: starting the app on a store, the address bar, the page's cytoscape graph, full-page
screenshots under build/screenshots/, downloads and the browser console."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import pytest
from dash.testing.wait import until
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from graph import GraphReader, GraphStore, Settings, open_store

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
#: How the file of each export button's format ends.
EXPORT_SUFFIXES = {"csv": ".csv.zip", "graphml": ".graphml", "ftm": ".ftm.jsonl", "png": ".png", "svg": ".svg"}


def own_embedded_store(
    tmp_path_factory: pytest.TempPathFactory, name: str, query_timeout: int | None = None
) -> GraphStore:
    """An embedded store of its own (its own SANCTIONS_GRAPH_HOME, a new folder ``<name>-home``); the caller closes
    it. ``query_timeout``: seconds, generous for big views on a busy shared machine."""
    env = dict(os.environ)
    env["SANCTIONS_GRAPH_HOME"] = str(tmp_path_factory.mktemp(f"{name}-home"))
    if query_timeout is not None:
        env["SANCTIONS_GRAPH_QUERY_TIMEOUT"] = str(query_timeout)
    return open_store(Settings.from_env(env, store="embedded"))


def cy_script(graph_id: str = "graph") -> str:
    """JavaScript that binds ``g`` (the graph's element) and ``cy`` (its cytoscape instance, or null)."""
    return f"var g = document.getElementById('{graph_id}'); var cy = g && g._cyreg && g._cyreg.cy; "


def js(dash_duo: Any, script: str, graph_id: str = "graph") -> Any:
    """Run ``script`` in the page with ``g`` and ``cy`` bound to the graph (``cy_script``)."""
    return dash_duo.driver.execute_script(cy_script(graph_id) + script)


def node_ids(dash_duo: Any, graph_id: str = "graph") -> set[str]:
    """The ids of the nodes the graph shows (none while it is not drawn)."""
    return set(js(dash_duo, "return cy ? cy.nodes().map(n => n.id()) : null;", graph_id) or [])


def start(dash_duo: Any, store: GraphReader, path: str = "/") -> None:
    """The dashboard on ``store``, opened at ``path``."""
    dash_duo.start_server(create_app(store))
    if path != "/":
        dash_duo.driver.get(dash_duo.server_url + path)


def current_path(dash_duo: Any) -> str:
    """The address bar without the server, unquoted: '/entity/x?hops=2'."""
    return unquote(str(dash_duo.driver.current_url)[len(dash_duo.server_url) :])


def assert_no_console_errors(dash_duo: Any) -> None:
    severe = [entry for entry in dash_duo.get_logs() if entry.get("level") == "SEVERE"]
    assert severe == [], severe


def shown_text(dash_duo: Any, selector: str) -> str | None:
    """The text of the element ``selector`` if it is on the page and shown, else None: absent, hidden (a dcc.Loading
    hides its children while their callback runs, and hidden text reads as '') or replaced while being read."""
    try:
        element = dash_duo.driver.find_element(By.CSS_SELECTOR, selector)
        return str(element.text) if element.is_displayed() else None
    except (NoSuchElementException, StaleElementReferenceException):
        return None


def wait_for_shown_text(
    dash_duo: Any, selector: str, ready: Callable[[str], bool], timeout: float = 20, what: str = ""
) -> str:
    """Wait until the element ``selector`` is shown with a text for which ``ready`` holds; that text. A condition on
    what is NOT in the text cannot pass on an element that is loading, absent or not yet replaced."""
    seen: list[str | None] = [None]

    def check() -> bool:
        seen[0] = shown_text(dash_duo, selector)
        return seen[0] is not None and ready(seen[0])

    until(check, timeout=timeout, poll=0.1, msg=f"{selector} never showed {what or 'the expected text'}: {seen[0]!r}")
    return str(seen[0])


def choose_option(dash_duo: Any, selector: str, label: str, timeout: float = 10) -> None:
    """Open the dcc.Dropdown ``selector`` and choose the option shown as ``label``, then wait until the dropdown
    shows it as its value (dash.testing's select_dcc_dropdown gives up silently when the menu is not open yet)."""

    def option() -> Any:
        for element in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option"):
            try:
                if element.text.strip() == label and element.is_displayed():
                    return element
            except StaleElementReferenceException:
                continue
        return None

    def opened() -> bool:
        if option() is not None:
            return True
        if not dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-options"):  # closed: open it
            dash_duo.wait_for_element(selector, timeout=timeout).click()
        return False

    until(opened, timeout=timeout, poll=0.3, msg=f"the dropdown {selector} never offered {label!r}")
    option().click()
    wait_for_shown_text(dash_duo, selector, lambda text: label in text, timeout=timeout, what=f"the value {label!r}")


def downloaded(dash_duo: Any, suffix: str) -> Path:
    """The one finished download whose name ends with ``suffix``."""
    folder = Path(dash_duo.download_path)

    def done() -> list[Path]:
        return [p for p in folder.iterdir() if p.name.endswith(suffix) and p.stat().st_size > 0]

    until(lambda: len(done()) == 1, timeout=15, msg=f"no {suffix} file was downloaded to {folder}")
    return done()[0]


def next_frames(dash_duo: Any, frames: int = 2) -> None:
    """Wait until the page has drawn ``frames`` more frames (what it was asked to lay out or paint is on screen)."""
    dash_duo.driver.execute_async_script(
        "var done = arguments[arguments.length - 1], left = arguments[0];"
        "function tick() { if (--left <= 0) { done(); } else { requestAnimationFrame(tick); } }"
        "requestAnimationFrame(tick);",
        frames,
    )


def graph_screenshot(dash_duo: Any, name: str, graph_id: str = "graph") -> Path:
    """The whole page, in a window tall enough for the graph (which is then refitted), under build/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver = dash_duo.driver
    size = driver.get_window_size()
    height = int(driver.execute_script("return document.documentElement.scrollHeight;"))
    driver.set_window_size(size["width"], min(max(height + 120, size["height"]), 2400))
    next_frames(dash_duo)  # laid out at the new size
    js(dash_duo, "if (cy) { cy.resize(); cy.fit(undefined, 40); }", graph_id)
    next_frames(dash_duo)  # repainted
    driver.save_screenshot(str(path))
    driver.set_window_size(size["width"], size["height"])
    assert path.stat().st_size > 10_000
    return path


def export(dash_duo: Any, graph_id: str, fmt: str) -> Path:
    """Press the export button of ``fmt`` beside the graph ``graph_id``: the file it downloads."""
    dash_duo.find_element(f"#{graph_id}-export-{fmt}").click()
    return downloaded(dash_duo, EXPORT_SUFFIXES[fmt])


def exported_csv(dash_duo: Any, graph_id: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The rows of nodes.csv and edges.csv in the CSV zip the graph's button downloads (and nothing else in it)."""
    with zipfile.ZipFile(export(dash_duo, graph_id, "csv")) as z:
        assert sorted(z.namelist()) == ["edges.csv", "nodes.csv"]
        tables = [list(csv.DictReader(io.StringIO(z.read(n).decode("utf-8-sig")))) for n in ("nodes.csv", "edges.csv")]
    return tables[0], tables[1]


def exported_graphml(dash_duo: Any, graph_id: str) -> tuple[set[str], int]:
    """The node ids and the number of edges of the GraphML file the graph's button downloads."""
    root = ET.parse(export(dash_duo, graph_id, "graphml")).getroot()
    assert root.tag == f"{GRAPHML}graphml"
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None
    return {str(n.get("id")) for n in graph.iter(f"{GRAPHML}node")}, len(list(graph.iter(f"{GRAPHML}edge")))


def exported_ftm(dash_duo: Any, graph_id: str) -> list[dict[str, Any]]:
    """The FtM entities of the JSON lines file the graph's button downloads."""
    lines = export(dash_duo, graph_id, "ftm").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def assert_exports_a_picture(dash_duo: Any, graph_id: str, fmt: str = "png") -> None:
    """The graph's picture button downloads a PNG (or an SVG document)."""
    path = export(dash_duo, graph_id, fmt)
    if fmt == "png":
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"


# --- the page's own clock -----------------------------------------------------------------------------------------

#: Kept in the page (window.__sgClock) from the browser's own clock, performance.now(): milliseconds since the page's
#: navigation started. ``clicks``: each click's event time (when the browser received it); ``results``: the first
#: frame painted with a search result link in it; ``drawn``: the end of the first frame in which the entity page's
#: graph holds ``nodes`` nodes and ``edges`` edges, every node drawn on the canvas and inside it (the view fitted);
#: ``painted``: the next frame's start (the drawn frame has gone to the screen). Checked on every cytoscape frame
#: (its 'render' event) and every animation frame: no polling from outside, which added up to a poll interval and a
#: WebDriver round trip to each figure. A frame's start is the time its animation-frame callbacks are given, not the
#: time the clock's own callback runs: cytoscape's callback for that next frame runs before it and may work for tens
#: of milliseconds on a big view (drawing cached pictures of its elements), work that does not hold back the frame
#: already drawn; ``painted_late`` and ``results_late`` keep the time the clock's callback ran (what ``painted``
#: and ``results`` were until session 12).
_PAGE_CLOCK = r"""
var want = arguments[0], clock = window.__sgClock = {clicks: [], nodes: want[0], edges: want[1]};
document.addEventListener('click', function(evt) { clock.clicks.push(evt.timeStamp); }, true);
function inside(cy) {
  if (cy.nodes().length !== clock.nodes || cy.edges().length !== clock.edges) { return false; }
  var b = cy.nodes().renderedBoundingBox({includeLabels: false}), w = cy.width(), h = cy.height();
  if (!(b.x1 >= -1 && b.y1 >= -1 && b.x2 <= w + 1 && b.y2 <= h + 1)) { return false; }
  return cy.nodes().every(function(n) { return n.renderedBoundingBox().w > 0; });
}
function watch() {
  if (clock.results === undefined && document.querySelector('#search-results a.result-link')) {
    var seen = performance.now();
    requestAnimationFrame(function(start) {
      clock.results_late = performance.now();
      clock.results = Math.max(start, seen);
    });
    clock.results = null;
  }
  var g = document.getElementById('graph'), cy = g && g._cyreg && g._cyreg.cy;
  if (cy && !cy._sgClock) {
    cy._sgClock = true;
    var check = function() {
      if (clock.drawn !== undefined || !inside(cy)) { return; }
      clock.drawn = performance.now();
      cy.off('render', check);
      requestAnimationFrame(function(start) {
        clock.painted_late = performance.now();
        clock.painted = Math.max(start, clock.drawn);
      });
    };
    cy.on('render', check);
  }
  if (clock.drawn === undefined) { requestAnimationFrame(watch); }
}
requestAnimationFrame(watch);
"""


def start_page_clock(dash_duo: Any, nodes: int, edges: int, before_navigation: bool = False) -> None:
    """Start the page's own clock (``_PAGE_CLOCK``) for a graph of ``nodes`` and ``edges``: in the page now, or, with
    ``before_navigation``, in the next page the browser opens (before any of its own scripts run)."""
    if before_navigation:
        source = f"(function() {{ {_PAGE_CLOCK} }}).apply(null, [[{nodes}, {edges}]]);"
        added = dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
        dash_duo._sg_clock_script = added["identifier"]  # removed by page_clock: only the next page
    else:
        dash_duo.driver.execute_script(_PAGE_CLOCK, [nodes, edges])


def page_clock(dash_duo: Any, timeout: float = 60) -> dict[str, Any]:
    """The page's clock once the graph is drawn and painted: milliseconds since the navigation started."""
    read = "return window.__sgClock && window.__sgClock.painted !== undefined ? window.__sgClock : null;"
    until(lambda: dash_duo.driver.execute_script(read) is not None, timeout=timeout, poll=0.2, msg="no painted graph")
    script = getattr(dash_duo, "_sg_clock_script", None)
    if script is not None:
        dash_duo.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script})
        dash_duo._sg_clock_script = None
    return dict(dash_duo.driver.execute_script(read))
