"""Load on the dashboard's real server: N simulated analysts replay the requests a real browser session makes, on
loopback, for a bounded time; prints requests/s, errors and p50/p95/p99 per request kind, with `uptime`.

The session is captured, not invented: a headless Chromium (Debian's chromium + chromium-driver) walks the pages
an analyst opens (search, entities at 1-2 hops, paths, a trace, a report) and its performance log gives every
request the pages made: the page, /_dash-layout, /_dash-dependencies and each callback POST with its body. The
replay sends those bytes again, each analyst on its own keep-alive connection, one request after the other.

Usage (the server is started and stopped by the bench: `sanctions-graph demo`, which loads the demo data first):
    .venv/bin/python benchmarks/serve_bench.py --analysts 20 50 --seconds 60 [--store neo4j]
    .venv/bin/python benchmarks/serve_bench.py --url http://127.0.0.1:8050 ...   (a server already running)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from selenium import webdriver

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium_options  # noqa: E402

#: The pages of one analyst session (the demo data's ids, as the e2e tests use them).
PAGES = (
    "/",
    "/?q=kim+sang+man",
    "/entity/ofac-43377?hops=2",
    "/entity/demo-ri-chol-man?hops=1",
    "/entity/demo-golden-maple?hops=2",
    "/paths?from=demo-ri-chol-man&to=demo-sunrise-digital",
    "/trace?wallet=wallet-0x1111111111111111111111111111111111111111",
    "/report/demo-golden-maple",
)
_CAPTURED = ("/_dash-update-component", "/_dash-layout", "/_dash-dependencies")


@dataclass(frozen=True)
class Call:
    kind: str
    method: str
    path: str
    body: bytes | None = None


def _kind(path: str, body: str | None) -> str:
    if path.startswith("/_dash-update-component") and body:
        output = str(json.loads(body).get("output", "?")).strip(".")
        return "cb " + (output.split("...")[0].split("@")[0])[:40]
    if path.startswith("/_dash-"):
        return path.split("?")[0]
    return "page " + path.split("?")[0].split("/")[1 if path.count("/") > 1 else 0][:20]


def _browser() -> webdriver.Chrome:
    options = chromium_options()
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(options=options)


def capture(base: str, pages: tuple[str, ...] = PAGES, settle_s: float = 2.5) -> tuple[list[Call], list[str]]:
    """The requests Chromium makes while it opens ``pages`` on ``base``, and what went wrong (status >= 400,
    console errors): an empty second list means the pages work."""
    driver = _browser()
    calls: list[Call] = []
    problems: list[str] = []
    try:
        for page in pages:
            driver.get(base + page)
            quiet_since = time.monotonic()
            seen: list[dict[str, Any]] = []
            while time.monotonic() - quiet_since < settle_s:  # until the page has made no request for settle_s
                entries = driver.get_log("performance")
                if entries:
                    quiet_since = time.monotonic()
                seen += [json.loads(e["message"])["message"] for e in entries]
                time.sleep(0.2)
            for m in seen:
                params = m.get("params", {})
                if m.get("method") == "Network.responseReceived" and params["response"]["status"] >= 400:
                    problems.append(f"{page}: {params['response']['status']} {params['response']['url']}")
                if m.get("method") != "Network.requestWillBeSent":
                    continue
                request = params["request"]
                url: str = request["url"]
                if not url.startswith(base):
                    continue
                path = url[len(base) :]
                if params.get("type") == "Document" or path.startswith(_CAPTURED):
                    body = request.get("postData")
                    calls.append(Call(_kind(path, body), request["method"], path, body.encode() if body else None))
            problems += [
                f"{page}: console {e['message'][:300]}" for e in driver.get_log("browser") if e["level"] == "SEVERE"
            ]
    finally:
        driver.quit()
    return calls, problems


@dataclass
class Tally:
    times: dict[str, list[float]]
    errors: dict[str, int]
    samples: dict[str, str]


def _analyst(base: str, calls: list[Call], until: float, tally: Tally, lock: threading.Lock) -> None:
    session = requests.Session()
    headers = {"Origin": base, "Content-Type": "application/json"}
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    samples: dict[str, str] = {}
    while time.monotonic() < until:
        for call in calls:
            if time.monotonic() >= until:
                break
            started = time.perf_counter()
            try:
                if call.method == "POST":
                    r = session.post(base + call.path, data=call.body, headers=headers, timeout=60)
                else:
                    r = session.get(base + call.path, timeout=60)
                ok = r.status_code in (200, 204)
                why = f"HTTP {r.status_code}: {r.text[:120]}"
            except requests.RequestException as exc:
                ok, why = False, str(exc)[:160]
            times[call.kind].append(time.perf_counter() - started)
            if not ok:
                errors[call.kind] += 1
                samples.setdefault(call.kind, why)
    with lock:
        for kind, values in times.items():
            tally.times[kind] += values
        for kind, n in errors.items():
            tally.errors[kind] += n
        for kind, why in samples.items():
            tally.samples.setdefault(kind, why)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def replay(base: str, calls: list[Call], analysts: int, seconds: float) -> Tally:
    tally = Tally(defaultdict(list), defaultdict(int), {})
    lock = threading.Lock()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=_analyst, args=(base, calls, until, tally, lock)) for _ in range(analysts)]
    for t in threads:
        t.start()
        time.sleep(0.05)  # analysts arrive one after the other, not in one burst
    for t in threads:
        t.join()
    return tally


def report(tally: Tally, analysts: int, seconds: float, label: str) -> None:
    every = [v for values in tally.times.values() for v in values]
    errors = sum(tally.errors.values())
    print(f"\n## {label}: {analysts} analysts, {seconds:g} s — uptime: {subprocess.getoutput('uptime').strip()}")
    p50, p95, p99 = (_pct(every, q) * 1000 for q in (0.5, 0.95, 0.99))
    print(
        f"{len(every)} requests, {len(every) / seconds:.1f} requests/s, {errors} errors; "
        f"all: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms"
    )
    print(f"| {'request kind':44} | count | errors | p50 ms | p95 ms | p99 ms |")
    print(f"|{'-' * 46}|-------|--------|--------|--------|--------|")
    for kind in sorted(tally.times):
        v = tally.times[kind]
        print(
            f"| {kind:44} | {len(v):5} | {tally.errors.get(kind, 0):6} | {_pct(v, 0.5) * 1000:6.0f} | "
            f"{_pct(v, 0.95) * 1000:6.0f} | {_pct(v, 0.99) * 1000:6.0f} |"
        )
    for kind, why in tally.samples.items():
        print(f"  first error of {kind}: {why}")


def _start_server(port: int, store: str | None, home: Path, threads: int) -> subprocess.Popen[bytes]:
    command = [str(ROOT / ".venv/bin/sanctions-graph"), "demo", "--port", str(port), "--threads", str(threads)]
    if store:
        command += ["--store", store]
    env = {**os.environ, "SANCTIONS_GRAPH_HOME": str(home)}
    log = open(home / "server.log", "wb")  # noqa: SIM115 - kept open for the server's life
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server ended with {server.returncode}: see {home / 'server.log'}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(1)
    server.terminate()
    sys.exit("the server did not answer within 300 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--analysts", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--store", choices=["embedded", "neo4j"], default=None)
    parser.add_argument("--port", type=int, default=8761)
    parser.add_argument("--threads", type=int, default=8, help="the server's threads (serve --threads)")
    parser.add_argument("--url", help="a server already running (with the demo data) instead of starting one")
    parser.add_argument("--home", type=Path, help="store home for the started server (default: a temporary one)")
    args = parser.parse_args(argv)
    server = None
    home = args.home or Path(tempfile.mkdtemp(prefix="serve-bench-"))
    if args.url:
        base = args.url.rstrip("/")
    else:
        home.mkdir(parents=True, exist_ok=True)
        server = _start_server(args.port, args.store, home, args.threads)
        base = f"http://127.0.0.1:{args.port}"
    try:
        calls, problems = capture(base)
        kinds = sorted({c.kind for c in calls})
        print(f"captured {len(calls)} requests of one session ({len(kinds)} kinds) from Chromium on {base}")
        for p in problems:
            print(f"  browser problem: {p}")
        label = f"store {args.store or os.environ.get('SANCTIONS_GRAPH_STORE', 'embedded')}, demo data"
        for n in args.analysts:
            report(replay(base, calls, n, args.seconds), n, args.seconds, label)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            code = server.wait(60)
            print(f"\nserver stopped by SIGTERM: exit code {code} (143 expected)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
