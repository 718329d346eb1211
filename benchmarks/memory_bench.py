"""Peak memory of a load: `sanctions-graph load ftm|icij` at two or more sizes on each store, so growth is visible.

    .venv/bin/python benchmarks/memory_bench.py --source ftm --sizes 25000:75000,100000:300000 --store both
    .venv/bin/python benchmarks/memory_bench.py --source icij --sizes 100000,400000 --store embedded

Each load runs as the user runs it, `python -m sanctions_graph load … --no-progress` into an empty store, under
`/usr/bin/time -v`; the figure is its "Maximum resident set size" (the loading process: the embedded server is a
separate process left running, not waited for, so not counted; its own peak, VmHWM, is printed beside it). FtM
sizes are ENTITIES:LINKS (load_bench.py's generator, shuffled within a window so the file is written streaming);
ICIJ sizes are rows of a generated release (about 38% nodes in nodes-*.csv, 62% relationships, the proportions of
the Offshore Leaks download: officers, entities, intermediaries and addresses, officer_of, intermediary_of and
registered_address links). Between two sizes the slope (MB per million records) says how the peak grows. Neo4j is
the server of NEO4J_URI (emptied first with `db reset --yes`; never use CI's); uptime is printed with each figure.
With --code DIR (repeatable) each load runs once per checkout of the code (e.g. `git archive <commit> | tar -x -C
DIR`: the loader before a change), one after the other on the same file. A generated file is kept in --work and used
again by a later run of the same size and seed (so the two stores' runs of a big file can be queued apart).
"""

from __future__ import annotations

import argparse
import csv
import functools
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load_bench import generate  # noqa: E402  (after the path above)

#: Shares of an ICIJ release's node rows by file, and of its relationship rows by type (the download's proportions,
#: rounded: about 2M nodes and 3.3M relationships in 2024).
ICIJ_NODES = {"entities": 0.40, "officers": 0.40, "intermediaries": 0.05, "addresses": 0.15}
ICIJ_LINKS = [("officer_of", "shareholder of"), ("officer_of", "Director of"), ("intermediary_of", "intermediary of")]
ICIJ_NODE_SHARE = 0.38
_HEADERS = {
    "entities": "node_id,name,original_name,former_name,jurisdiction,jurisdiction_description,company_type,address,"
    "internal_id,incorporation_date,inactivation_date,struck_off_date,dorm_date,status,service_provider,ibcRUC,"
    "country_codes,countries,sourceID,valid_until,note",
    "officers": "node_id,name,countries,country_codes,sourceID,valid_until,note",
    "intermediaries": "node_id,name,status,internal_id,address,countries,country_codes,sourceID,valid_until,note",
    "addresses": "node_id,address,name,countries,country_codes,sourceID,valid_until,note",
    "others": "node_id,name,type,incorporation_date,struck_off_date,closed_date,jurisdiction,"
    "jurisdiction_description,countries,country_codes,sourceID,valid_until,note",
}
_SOURCE = "Panama Papers"
_VALID = "The Panama Papers data is current through 2015"


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def generate_icij(directory: Path, rows: int, seed: int) -> dict[str, int]:
    """An ICIJ release of ``rows`` rows (nodes and relationships) in ``directory``; returns the counts."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    nodes = int(rows * ICIJ_NODE_SHARE)
    ids: dict[str, list[int]] = {}
    next_id = 10_000_000
    for name, share in ICIJ_NODES.items():
        count = max(1, int(nodes * share))
        ids[name] = list(range(next_id, next_id + count))
        next_id += count
    for name, header in _HEADERS.items():
        with (directory / f"nodes-{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(header.split(","))
            width = len(header.split(","))
            for node_id in ids.get(name, []):
                row = [""] * width
                row[0] = str(node_id)
                if name == "addresses":
                    row[1] = f"{rng.randint(1, 999)} Example Road {node_id}, Road Town"
                else:
                    row[1] = f"PLACEHOLDER {name.upper()} {node_id} LTD" if name != "officers" else f"Person {node_id}"
                row[-3:] = [_SOURCE, _VALID, ""]
                out.writerow(row)
    links = rows - sum(len(v) for v in ids.values())
    columns = ["node_id_start", "node_id_end", "rel_type", "link", "status", "start_date", "end_date", "sourceID"]
    with (directory / "relationships.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(columns)
        for n in range(links):
            entity = rng.choice(ids["entities"])
            if n % 5 == 4:
                address = rng.choice(ids["addresses"])
                out.writerow([entity, address, "registered_address", "registered address", "", "", "", _SOURCE])
                continue
            kind, link = rng.choice(ICIJ_LINKS)
            start = rng.choice(ids["intermediaries"] if kind == "intermediary_of" else ids["officers"])
            date = f"{rng.randint(1, 28):02d}-JAN-{rng.randint(1995, 2015)}"
            out.writerow([start, entity, kind, link, "", date, "", _SOURCE])
    return {"nodes": sum(len(v) for v in ids.values()), "relationships": links}


def _generated(data: Path, write: Callable[[Path], dict[str, int]]) -> dict[str, int]:
    """The counts of the generated file (or directory) ``data``, written by ``write`` unless an earlier run wrote
    it whole (the generators are seeded: the same size and seed give the same file, so a second store's run on a
    big file need not write it again)."""
    done = data.with_name(data.name + ".counts.json")
    if data.exists() and done.exists():
        return {str(k): int(v) for k, v in json.loads(done.read_text(encoding="utf-8")).items()}
    done.unlink(missing_ok=True)
    if data.is_dir():
        shutil.rmtree(data)
    counts = write(data)
    done.write_text(json.dumps(counts), encoding="utf-8")
    return counts


def _embedded_server_peak_mb(env: dict[str, str]) -> float | None:
    """VmHWM of the embedded server left running (from `db status`: its pid)."""
    status = subprocess.run(
        [sys.executable, "-m", "sanctions_graph", "db", "status"], env=env, capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"\(pid (\d+)\)", status)
    if not found:
        return None
    try:
        text = Path(f"/proc/{found.group(1)}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    peak = re.search(r"VmHWM:\s+(\d+) kB", text)
    return int(peak.group(1)) / 1024 if peak else None


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process under it (from /proc's children lists)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text(encoding="utf-8").split()
        except OSError:
            continue
        todo.extend(int(child) for child in children)
    return out


def _python_pss_kb(pid: int) -> int:
    """The proportional set size of ``pid`` if it is a Python process (the loader and its parsing workers, not the
    embedded server it may start), else 0. PSS shares a page among the processes mapping it: forked workers' pages
    in common with the loading process are not counted twice."""
    try:
        if "python" not in Path(f"/proc/{pid}/comm").read_text(encoding="utf-8"):
            return 0
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="utf-8")
    except OSError:
        return 0
    found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
    return int(found.group(1)) if found else 0


def measure(
    store: str, source: str, data: Path, home: Path, records: int, code: Path, workers: int | None = None
) -> dict[str, Any]:
    """One load into an empty store under /usr/bin/time -v: peak RSS, wall time, records/s (the loader's code from
    the checkout ``code``). Also the peak of the summed PSS of the loader's Python processes, read every 0.5 s: with
    parsing workers (`--workers`), time -v's figure is the largest single process, not their sum."""
    env = {
        **os.environ,
        "SANCTIONS_GRAPH_HOME": str(home),
        "SANCTIONS_GRAPH_IDLE_TIMEOUT": "600",
        "PYTHONPATH": str(code),
    }
    cli = [sys.executable, "-m", "sanctions_graph"]
    if store == "neo4j":
        subprocess.run([*cli, "db", "reset", "--yes", "--store", "neo4j"], env=env, check=True, capture_output=True)
    else:
        shutil.rmtree(home, ignore_errors=True)
    command = ["/usr/bin/time", "-v", *cli, "load", source, str(data), "--store", store, "--no-progress"]
    if workers is not None:
        command += ["--workers", str(workers)]
    started = time.perf_counter()
    with (
        tempfile.TemporaryFile("w+") as stderr,
        subprocess.Popen(command, env=env, cwd=code, stdout=subprocess.DEVNULL, stderr=stderr, text=True) as running,
    ):
        tree_peak_kb = 0
        while running.poll() is None:
            pids = _descendants(running.pid)[1:]  # not /usr/bin/time itself
            tree_peak_kb = max(tree_peak_kb, sum(_python_pss_kb(pid) for pid in pids))
            time.sleep(0.5)
        stderr.seek(0)
        errors = stderr.read()
    wall = time.perf_counter() - started
    if running.returncode != 0:
        raise SystemExit(f"the load failed ({running.returncode}): {errors[-2000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", errors)
    result: dict[str, Any] = {
        "store": store,
        "records": records,
        "workers": workers,
        "peak_rss_mb": int(peak.group(1)) / 1024 if peak else None,
        "python_processes_peak_pss_mb": round(tree_peak_kb / 1024),
        "wall_s": wall,
        "records_per_s": records / wall,
        "uptime": _uptime(),
    }
    if store == "embedded":
        result["server_peak_mb"] = _embedded_server_peak_mb(env)
        subprocess.run([*cli, "db", "stop"], env=env, check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--source", choices=("ftm", "icij"), default="ftm")
    parser.add_argument(
        "--sizes", default="25000:75000,100000:300000", help="FtM ENTITIES:LINKS or ICIJ ROWS, comma-separated"
    )
    parser.add_argument("--store", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--work", type=Path, default=Path("/tmp/memory-bench"), help="where files and homes go")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--code", type=Path, action="append", help="a checkout whose loader to run (repeatable; default this one)"
    )
    parser.add_argument(
        "--workers", type=int, help="ftm: `load ftm --workers N` (default: the command's own, one per core, at most 4)"
    )
    args = parser.parse_args()
    stores = ["embedded", "neo4j"] if args.store == "both" else [args.store]
    codes: list[Path] = [c.resolve() for c in args.code] if args.code else [ROOT]
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    for size in args.sizes.split(","):
        if args.source == "ftm":
            entities, links = (int(n) for n in size.split(":"))
            data = work / f"ftm-{entities}-{links}-{args.seed}.ftm.json"
            write = functools.partial(generate, entities=entities, links=links, seed=args.seed, window=100_000)
            counts = _generated(data, write)
        else:
            data = work / f"icij-{size}-{args.seed}"
            counts = _generated(data, functools.partial(generate_icij, rows=int(size), seed=args.seed))
        records = sum(counts.values())
        print(f"{args.source} {size}: {records:,} records in {data} ({counts})", flush=True)
        for store, code in itertools.product(stores, codes):
            result = measure(store, args.source, data, work / "home", records, code, args.workers)
            result["code"] = str(code)
            results.append(result)
            server = result.get("server_peak_mb")
            extra = f", embedded server peak {server:.0f} MB" if server else ""
            print(
                f"  {store:<9} {code}: peak RSS {result['peak_rss_mb']:.0f} MB (the loader's Python processes "
                f"together: PSS {result['python_processes_peak_pss_mb']:,} MB){extra}; {result['wall_s']:.1f} s "
                f"({result['records_per_s']:,.0f} records/s)  [{result['uptime']}]",
                flush=True,
            )
    for store, code in itertools.product(stores, codes):
        mine = [r for r in results if r["store"] == store and r["code"] == str(code)]
        for small, large in itertools.pairwise(mine):
            slope = (large["peak_rss_mb"] - small["peak_rss_mb"]) / ((large["records"] - small["records"]) / 1e6)
            print(
                f"{store} {code}: {small['records']:,} -> {large['records']:,} records: peak RSS "
                f"{small['peak_rss_mb']:.0f} -> {large['peak_rss_mb']:.0f} MB, {slope:+.0f} MB per million records"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
