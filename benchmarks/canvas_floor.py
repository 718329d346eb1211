"""The browser's floor for opening a big view: bare cytoscape on a plain page against the entity page.

Issue 12 asks for the 2,000-node view (1,933 nodes / 5,292 edges, the browser tests' generated network, 3 hops) to
open in 2 s. This bench says how much of that is cytoscape itself: the same elements (positions included) and the
same stylesheet as the entity page sends, drawn by the cytoscape version dash-cytoscape bundles (obtained from the
npm registry, checked against its published sha512) on a page that holds nothing else, fetched as JSON as the app
fetches its page. Both pages are timed by the browser tests' own clock (tests/e2e/helpers: navigation → every node
drawn inside the canvas → the next frame), in headless Chromium at 1600x1000, each round a new browser that opens
the page once untimed (its scripts then come from the HTTP cache, as in the tests) and then timed; the two pages
alternate round by round. The dashboard runs as `sanctions-graph serve` (one process) on an embedded store of its
own. Prints each round, the medians, and `uptime` before and after.

    .venv/bin/python benchmarks/canvas_floor.py --rounds 5
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
from functools import partial
from pathlib import Path
from typing import Any

from selenium import webdriver

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import open_store  # noqa: E402
from graph.settings import Settings  # noqa: E402
from tests.browser import chromium_options  # noqa: E402
from tests.e2e.helpers import _PAGE_CLOCK  # noqa: E402
from tests.e2e.test_explorer import BIG_VIEW_EDGES, BIG_VIEW_NODES, load_generated  # noqa: E402
from tests.e2e.test_explorer import ROOT as BIG_ROOT  # noqa: E402

#: The cytoscape inside dash-cytoscape's bundle (checked in its text before the bench runs).
CYTOSCAPE_VERSION = "3.28.1"
CACHE = Path(os.environ.get("SANCTIONS_GRAPH_CACHE", Path.home() / ".cache" / "sanctions-graph"))

FLOOR_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>cytoscape floor</title>
<style>html, body {{ margin: 0; }} #graph {{ width: {width}px; height: {height}px; }}</style>
<script src="cytoscape.min.js"></script></head>
<body><div id="graph"></div>
<script>
fetch('view.json').then(function(r) {{ return r.json(); }}).then(function(view) {{
  var div = document.getElementById('graph');
  var cy = cytoscape({{container: div, elements: view.elements, style: view.stylesheet, layout: {{name: 'preset'}},
                       minZoom: 0.002, maxZoom: 4}});
  cy.fit(undefined, 30);
  div._cyreg = {{cy: cy}};  /* where the page clock looks for the graph, as on dash-cytoscape's element */
}});
</script></body></html>
"""


def cytoscape_script() -> Path:
    """cytoscape.min.js of CYTOSCAPE_VERSION from the npm registry (cached; sha512 checked against the registry)."""
    target = CACHE / f"cytoscape-{CYTOSCAPE_VERSION}" / "cytoscape.min.js"
    if target.exists():
        return target
    with urllib.request.urlopen(f"https://registry.npmjs.org/cytoscape/{CYTOSCAPE_VERSION}", timeout=60) as answer:
        dist = json.load(answer)["dist"]
    with urllib.request.urlopen(dist["tarball"], timeout=120) as answer:
        tarball = answer.read()
    algorithm, _, expected = dist["integrity"].partition("-")
    if algorithm != "sha512" or base64.b64encode(hashlib.sha512(tarball).digest()).decode() != expected:
        raise SystemExit(f"cytoscape {CYTOSCAPE_VERSION}: the tarball does not match the registry's sha512")
    with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
        member = tar.extractfile("package/dist/cytoscape.min.js")
        if member is None:
            raise SystemExit(f"cytoscape {CYTOSCAPE_VERSION}: no dist/cytoscape.min.js in the package")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(member.read())
    return target


def check_bundled_version() -> None:
    import dash_cytoscape

    bundle = Path(dash_cytoscape.__file__).parent / "dash_cytoscape_extra.min.js"
    if f'"{CYTOSCAPE_VERSION}"' not in bundle.read_text(encoding="utf-8", errors="replace"):
        raise SystemExit(f"{bundle} does not hold cytoscape {CYTOSCAPE_VERSION}: set CYTOSCAPE_VERSION to its own")


def the_view(home: Path) -> dict[str, Any]:
    """Load the generated network into an embedded store at ``home`` and return the entity page's elements and
    stylesheet for its root at 3 hops (the server then reads the same store)."""
    from dashboard.entity.layout import render_entity

    env = {**os.environ, "SANCTIONS_GRAPH_HOME": str(home), "SANCTIONS_GRAPH_IDLE_TIMEOUT": "0"}
    store = open_store(Settings.from_env(env, store="embedded"))
    try:
        load_generated(store)
        page = render_entity(store, BIG_ROOT, {"hops": "3"})
    finally:
        store.close()

    def find(component: Any) -> dict[str, Any] | None:
        if not hasattr(component, "to_plotly_json"):
            return None
        props = component.to_plotly_json()["props"]
        if props.get("id") == "graph":
            return {"elements": props["elements"], "stylesheet": props["stylesheet"]}
        children = props.get("children")
        for child in children if isinstance(children, list) else [children]:
            found = find(child)
            if found is not None:
                return found
        return None

    view = find(page)
    if view is None:
        raise SystemExit("the entity page has no graph")
    return view


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """The floor page's files, without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {timeout:.0f} s")


def browser() -> Any:
    """A new headless Chromium with a 1600x1000 viewport (the browser tests' size for issue 12)."""
    driver = webdriver.Chrome(options=chromium_options())
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 1600, "height": 1000, "deviceScaleFactor": 1, "mobile": False}
    )
    return driver


def timed_open(url: str) -> dict[str, float]:
    """A new browser opens ``url`` once (untimed), then again with the page clock: milliseconds from navigation to
    the drawn, fitted graph and to the next frame."""
    driver = browser()
    try:
        driver.get(url)
        count = "var g = document.getElementById('graph'); return g && g._cyreg ? g._cyreg.cy.nodes().length : 0;"
        deadline = time.monotonic() + 120
        while driver.execute_script(count) != BIG_VIEW_NODES:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url}: the view was not drawn in 120 s")
            time.sleep(0.1)
        time.sleep(1.0)
        source = f"(function() {{ {_PAGE_CLOCK} }}).apply(null, [[{BIG_VIEW_NODES}, {BIG_VIEW_EDGES}]]);"
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
        driver.get(url)
        read = "return window.__sgClock && window.__sgClock.painted !== undefined ? window.__sgClock : null;"
        deadline = time.monotonic() + 120
        while (clock := driver.execute_script(read)) is None:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url}: the page clock never saw the view drawn")
            time.sleep(0.05)
        nav = driver.execute_script(
            "var n = performance.getEntriesByType('navigation')[0]; return n.domContentLoadedEventEnd;"
        )
        return {"drawn": float(clock["drawn"]), "painted": float(clock["painted"]), "dom_ready": float(nav)}
    finally:
        driver.quit()


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds, each page once a round (default 5)")
    parser.add_argument("--home", help="store home for the generated network (default: a new temporary folder)")
    args = parser.parse_args(argv)

    check_bundled_version()
    script = cytoscape_script()
    home = Path(args.home or tempfile.mkdtemp(prefix="canvas-floor-"))
    view = the_view(home)
    floor_dir = home / "floor"
    floor_dir.mkdir(exist_ok=True)
    shutil.copy(script, floor_dir / "cytoscape.min.js")
    (floor_dir / "view.json").write_text(json.dumps(view), encoding="utf-8")
    # the canvas of the entity page at 1600x1000 (measured there in the first round; the floor page is given it)
    size = {"width": 1100, "height": 760}

    handler = partial(QuietHandler, directory=str(floor_dir))
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    static = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=static.serve_forever, daemon=True).start()
    port = free_port()
    env = {**os.environ, "SANCTIONS_GRAPH_HOME": str(home), "SANCTIONS_GRAPH_IDLE_TIMEOUT": "0"}
    serve = ["serve", "--store", "embedded", "--port", str(port), "--workers", "1"]
    server = subprocess.Popen(
        [sys.executable, "-m", "sanctions_graph", *serve],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    ours_url = f"http://127.0.0.1:{port}/entity/{BIG_ROOT}?hops=3"
    floor_url = f"http://127.0.0.1:{static.server_address[1]}/index.html"
    before = uptime()
    figures: dict[str, list[dict[str, float]]] = {"ours": [], "floor": []}
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        driver = browser()
        try:
            driver.get(ours_url)
            time.sleep(8)
            box = driver.execute_script(
                "var b = document.getElementById('graph').getBoundingClientRect(); return [b.width, b.height];"
            )
            size = {"width": round(box[0]), "height": round(box[1])}
        finally:
            driver.quit()
        (floor_dir / "index.html").write_text(FLOOR_PAGE.format(**size), encoding="utf-8")
        print(f"cytoscape {CYTOSCAPE_VERSION}; canvas {size['width']}x{size['height']}; {before}", flush=True)
        for r in range(args.rounds):
            for name, url in (
                (("ours", ours_url), ("floor", floor_url))
                if r % 2 == 0
                else (
                    ("floor", floor_url),
                    ("ours", ours_url),
                )
            ):
                result = timed_open(url)
                figures[name].append(result)
                print(
                    f"round {r + 1} {name:5s}: drawn {result['drawn'] / 1000:.2f} s, painted"
                    f" {result['painted'] / 1000:.2f} s (scripts run: {result['dom_ready'] / 1000:.2f} s)",
                    flush=True,
                )
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
        static.shutdown()
    after = uptime()
    ours = statistics.median(f["painted"] for f in figures["ours"]) / 1000
    floor = statistics.median(f["painted"] for f in figures["floor"]) / 1000
    print(
        f"\n{BIG_VIEW_NODES} nodes / {BIG_VIEW_EDGES} edges, navigation -> drawn fitted and painted, median of"
        f" {args.rounds}: entity page {ours:.2f} s, bare cytoscape {CYTOSCAPE_VERSION} {floor:.2f} s"
        f" (the rest of the page: {ours - floor:.2f} s)\nload average before: {before}\nafter: {after}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
