"""Load on the dashboard's real server: N simulated analysts replay the requests a real browser session makes, on
loopback, for a bounded time; prints requests/s, errors and p50/p95/p99 per request kind, with `uptime`.

The session is captured, not invented: a headless Chromium (Debian's chromium + chromium-driver) walks the pages
an analyst opens (search, entities at 1-2 hops, paths, a trace, a report) and its performance log gives every
request the pages made: the page, /_dash-layout, /_dash-dependencies and each callback POST with its body. The
replay sends those bytes again, each analyst on its own keep-alive connection, one request after the other.

With --entities N --links M the store first gets load_bench's seeded FtM graph of that size (`sanctions-graph load
ftm`, once per store home; Neo4j: once per database, --skip-load when it is there already) beside the demo data, and
the session also opens three pages of the generated part: a search for a common generated name, a company's
2-hop neighbourhood and the paths between a person and that company.

Each run prints where the machine's CPU went meanwhile (100% = one core; the machine has `nproc`): the bench's own
clients, the dashboard's server process, the store's server (the embedded FalkorDB or a local Neo4j started by
scripts/neo4j.sh), and everything else; with the load average before and after. A missed target can then be told
apart: the server's Python at one core (the interpreter lock) is ours, a machine without idle time is not.

Usage (the server is started and stopped by the bench: `sanctions-graph demo`, which loads the demo data first):
    .venv/bin/python benchmarks/serve_bench.py --analysts 20 50 --seconds 30 [--store neo4j]
    .venv/bin/python benchmarks/serve_bench.py --entities 100000 --links 300000 --home /tmp/sb-100k ...
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

from benchmarks.load_bench import generate, neo4j_pid, process_cpu_s  # noqa: E402
from graph.settings import Settings  # noqa: E402
from graph.stores.factory import embedded_status  # noqa: E402
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
GENERATED_SEED = 7
#: How long the started server may take to answer (`demo` loads the demo data and runs `analyze` on everything).
START_LIMIT_S = 900


def generated_pages(entities: int) -> tuple[str, ...]:
    """Pages on load_bench's generated graph of ``entities`` (its ids: people first, then companies)."""
    person, company = f"lb-person-{entities // 10}", f"lb-company-{entities // 2}"
    return ("/?q=kim+chol+song", f"/entity/{company}?hops=2", f"/paths?from={person}&to={company}")


@dataclass(frozen=True)
class Call:
    kind: str
    method: str
    path: str
    body: bytes | None = None


def _page_name(page: str) -> str:
    path = page.split("?")[0]
    return "search" if path == "/" and "q=" in page else (path.strip("/").split("/")[0] or "home")


def _kind(path: str, body: str | None, page: str = "") -> str:
    """The request's kind in the tables: a page, Dash's layout/dependencies, or a callback by its output (the
    pages' content callback also by the page it renders)."""
    if path.startswith("/_dash-update-component") and body:
        output = str(json.loads(body).get("output", "?")).strip(".")
        name = (output.split("...")[0].split("@")[0])[:40]
        return f"cb {name} ({_page_name(page)})" if name == "_pages_content.children" else f"cb {name}"
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
                    calls.append(
                        Call(_kind(path, body, page), request["method"], path, body.encode() if body else None)
                    )
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
    cpu: str = ""
    load_before: str = ""


def _machine_jiffies() -> tuple[int, int]:
    """(all, idle) CPU time of the machine so far, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return sum(values), values[3] + values[4]


def _load_average() -> str:
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def python_children(pid: int) -> list[int]:
    """The Python processes ``pid`` forked (the server's workers), not other children (an embedded FalkorDB)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    found = []
    for child in children:
        try:
            if "python" in Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace"):
                found.append(int(child))
        except OSError:
            continue
    return found


def tree_cpu_s(pid: int, with_workers: bool) -> float:
    """CPU seconds of ``pid`` (and, with ``with_workers``, of its Python children: workers that ended during
    the run count through the parent's reaped-children time)."""
    used = process_cpu_s(pid) or 0.0
    if not with_workers:
        return used
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        used += (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")  # reaped children
    except OSError:
        pass
    return used + sum(process_cpu_s(child) or 0.0 for child in python_children(pid))


class CpuSplit:
    """Where the machine's CPU went between ``start`` and ``stop``: the named processes, the rest, idle. The
    dashboard server counts with its worker processes."""

    WITH_WORKERS = "dashboard server"

    def __init__(self, pids: dict[str, int | None]) -> None:
        self.pids = {name: pid for name, pid in pids.items() if pid}
        self._cores = os.cpu_count() or 1

    def _used_s(self, name: str, pid: int) -> float:
        return tree_cpu_s(pid, name == self.WITH_WORKERS)

    def start(self) -> None:
        self._wall = time.monotonic()
        self._machine = _machine_jiffies()
        self._used = {name: self._used_s(name, pid) for name, pid in self.pids.items()}

    def stop(self) -> str:
        wall = time.monotonic() - self._wall
        total, idle = (a - b for a, b in zip(_machine_jiffies(), self._machine, strict=True))
        busy = self._cores * (1 - idle / total) * 100 if total else 0.0
        shares = {name: (self._used_s(name, pid) - self._used[name]) / wall * 100 for name, pid in self.pids.items()}
        others = max(0.0, busy - sum(shares.values()))
        parts = ", ".join(f"{name} {share:.0f}%" for name, share in shares.items())
        idle_share = self._cores * 100 - busy
        cores = f"100% = one core, {self._cores} cores"
        return f"CPU ({cores}): {parts}, everything else {others:.0f}%; idle {idle_share:.0f}%"


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


def replay(base: str, calls: list[Call], analysts: int, seconds: float, split: CpuSplit | None = None) -> Tally:
    tally = Tally(defaultdict(list), defaultdict(int), {}, load_before=_load_average())
    split = split or CpuSplit({})
    split.start()
    lock = threading.Lock()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=_analyst, args=(base, calls, until, tally, lock)) for _ in range(analysts)]
    for t in threads:
        t.start()
        time.sleep(0.05)  # analysts arrive one after the other, not in one burst
    for t in threads:
        t.join()
    tally.cpu = split.stop()
    return tally


def report(tally: Tally, analysts: int, seconds: float, label: str) -> None:
    every = [v for values in tally.times.values() for v in values]
    errors = sum(tally.errors.values())
    print(f"\n## {label}: {analysts} analysts, {seconds:g} s — uptime: {subprocess.getoutput('uptime').strip()}")
    print(f"load average before the run: {tally.load_before}; {tally.cpu}")
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


def _start_server(port: int, store: str | None, home: Path, threads: int, workers: int) -> subprocess.Popen[bytes]:
    command = [str(ROOT / ".venv/bin/sanctions-graph"), "demo", "--port", str(port), "--threads", str(threads)]
    command += ["--workers", str(workers)] if workers else []
    if store:
        command += ["--store", store]
    env = {**os.environ, "SANCTIONS_GRAPH_HOME": str(home)}
    log = open(home / "server.log", "wb")  # noqa: SIM115 - kept open for the server's life
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_LIMIT_S
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
    sys.exit(f"the server did not answer within {START_LIMIT_S} s")


def load_generated(home: Path, store: str | None, entities: int, links: int) -> None:
    """load_bench's seeded FtM graph into the store, through the CLI (once per home: a marker file says it is
    there)."""
    path = home / f"generated-{entities}-{links}-{GENERATED_SEED}.ftm.json"
    marker = path.with_suffix(f".loaded-{store or 'default'}")
    if marker.exists():
        print(f"{path.name} is loaded already ({marker.name})")
        return
    if not path.exists():
        generate(path, entities, links, GENERATED_SEED)
    command = [str(ROOT / ".venv/bin/sanctions-graph"), "load", "ftm", str(path), "--dataset", "load_bench"]
    command += ["--no-progress"] + (["--store", store] if store else [])
    started = time.monotonic()
    subprocess.run(command, env={**os.environ, "SANCTIONS_GRAPH_HOME": str(home)}, check=True)
    marker.write_text(f"loaded in {time.monotonic() - started:.0f} s\n")
    print(f"loaded {path.name} in {time.monotonic() - started:.0f} s")


def store_pid(store: str | None, home: Path) -> int | None:
    """The local store server's process (the embedded FalkorDB of ``home``; Neo4j from scripts/neo4j.sh's pid
    file in $NEO4J_RUN_DIR), or None."""
    kind = store or os.environ.get("SANCTIONS_GRAPH_STORE", "embedded")
    if kind == "neo4j":
        return neo4j_pid(None)
    return embedded_status(Settings.from_env({**os.environ, "SANCTIONS_GRAPH_HOME": str(home)}, store=kind)).pid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--analysts", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--store", choices=["embedded", "neo4j"], default=None)
    parser.add_argument("--port", type=int, default=8761)
    parser.add_argument("--threads", type=int, default=4, help="threads per server process (serve --threads)")
    parser.add_argument("--workers", type=int, default=0, help="server processes (serve --workers; 0: its default)")
    parser.add_argument("--url", help="a server already running (with the demo data) instead of starting one")
    parser.add_argument("--home", type=Path, help="store home for the started server (default: a temporary one)")
    parser.add_argument("--entities", type=int, default=0, help="also load load_bench's generated graph: entities")
    parser.add_argument("--links", type=int, default=0, help="... and links (with --entities)")
    parser.add_argument("--skip-load", action="store_true", help="the generated graph is in the store already")
    parser.add_argument("--server-pid", type=int, help="with --url: the server's process, for the CPU split")
    args = parser.parse_args(argv)
    server = None
    home = args.home or Path(tempfile.mkdtemp(prefix="serve-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    pages = PAGES + (generated_pages(args.entities) if args.entities else ())
    if args.entities and not args.skip_load and not args.url:
        load_generated(home, args.store, args.entities, args.links)
    if args.url:
        base = args.url.rstrip("/")
    else:
        server = _start_server(args.port, args.store, home, args.threads, args.workers)
        base = f"http://127.0.0.1:{args.port}"
    split = CpuSplit(
        {
            "bench clients": os.getpid(),
            CpuSplit.WITH_WORKERS: server.pid if server else args.server_pid,
            "store server": store_pid(args.store, home),
        }
    )
    try:
        calls, problems = capture(base, pages)
        kinds = sorted({c.kind for c in calls})
        print(f"captured {len(calls)} requests of one session ({len(kinds)} kinds) from Chromium on {base}")
        for p in problems:
            print(f"  browser problem: {p}")
        size = f"demo data + {args.entities:,}/{args.links:,} generated" if args.entities else "demo data"
        label = f"store {args.store or os.environ.get('SANCTIONS_GRAPH_STORE', 'embedded')}, {size}"
        for n in args.analysts:
            report(replay(base, calls, n, args.seconds, split), n, args.seconds, label)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            code = server.wait(60)
            print(f"\nserver stopped by SIGTERM: exit code {code} (143 expected)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
