"""xref speed: SAME_AS candidates for N generated entities against the full 2024 OFAC SDN list, embedded store.

    .venv/bin/python benchmarks/xref_bench.py --entities 100000            # the issue's figure (target <= 10 min)
    .venv/bin/python benchmarks/xref_bench.py --entities 5000              # a smoke run
    .venv/bin/python benchmarks/xref_bench.py --entities 100000 --names repeated   # last session's file

The store (its own home, kept between runs under --home) holds the full list (dataset us_ofac_sdn, loaded once) and
a generated FtM file of N entities in dataset load_bench. By default (--names distinct) every entity has a name of
its own (benchmarks/xref_names.py: persons of nine naming traditions, a fifth of them in their own script, companies
with coined names and their country's legal form, 5% variants of listed names; 55% persons, 37% companies, 8%
organisations, with nationality, birth date, passport or registration number), so the run's caches help only as
much as they would on a real file; --names repeated is load_bench.py's generator (names from short word lists,
about 3,000 distinct; 20% wallets, which xref does not compare). The benchmark runs the library function
`sanctions-graph xref` calls (graph.matching.xref.xref) with --dataset load_bench --against us_ofac_sdn and prints
entities compared, pairs, candidates written, seconds, entities/s and `uptime` beside them. A second run (--rerun)
shows the idempotent one: nothing new is written. Run it under `flock /tmp/sg-bench.lock` (it uses the cores for
minutes).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import json
import os
import pstats
import random
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import open_bench_store
from benchmarks.load_bench import generate
from benchmarks.screen_bench import ensure_list
from benchmarks.xref_names import distinct_names
from graph.matching.xref import DEFAULT_MATCH_BATCH, xref
from graph.names import hangul_to_latin
from graph.stores.base import GraphStore
from graph.vocabulary import NodeKind
from loaders.framework import NoProgress, run_load
from loaders.sources.ftm import FtmSource

LIST_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ofac-sdn-2024-05-03-full"
OFAC = "us_ofac_sdn"
GENERATED = "load_bench"


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


#: Shares of the distinct-name file's entities per FtM schema.
DISTINCT_MIX = {"Person": 0.55, "Company": 0.37, "Organization": 0.08}
LISTED_SHARE = 0.05


def listed_names(store: GraphStore) -> list[tuple[str, str]]:
    """(name, 'person'/'company') of the list's persons, companies and organisations, sorted."""
    out: list[tuple[str, str]] = []
    for batch in store.iter_entities():
        for e in batch:
            if e.kind in (NodeKind.PERSON, NodeKind.COMPANY, NodeKind.ORGANIZATION) and e.name:
                out.append((e.name, "person" if e.kind is NodeKind.PERSON else "company"))
    return sorted(out)


def generate_distinct(path: Path, entities: int, seed: int, listed: list[tuple[str, str]]) -> dict[str, int]:
    """An FtM file of ``entities`` entities with distinct names (see the module's docstring); counts per schema."""
    rng = random.Random(seed)
    persons = int(entities * DISTINCT_MIX["Person"])
    companies = entities - persons
    organisations = int(entities * DISTINCT_MIX["Organization"])
    counts: dict[str, int] = {}
    with path.open("w", encoding="utf-8") as handle:
        names = distinct_names(rng, persons, companies, listed, LISTED_SHARE, hangul_to_latin)
        for i, (kind, name, country) in enumerate(names):
            props: dict[str, list[str]] = {"name": [name]}
            if kind == "person":
                schema = "Person"
                props["birthDate"] = [f"{rng.randint(1945, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
                if country:
                    props["nationality"] = [country]
                if rng.random() < 0.3:
                    props["passportNumber"] = [f"{rng.choice('ABCDEFGHKLMNP')}{rng.randint(10**7, 10**8 - 1)}"]
            else:
                schema = "Organization" if i - persons < organisations else "Company"
                if country:
                    props["jurisdiction" if schema == "Company" else "country"] = [country]
                props["registrationNumber"] = [f"{rng.randint(10**7, 10**10)}"]
            counts[schema] = counts.get(schema, 0) + 1
            line = {"id": f"xb-{schema.lower()}-{i}", "schema": schema, "properties": props, "datasets": [GENERATED]}
            handle.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    return counts


def ensure_generated(
    store: GraphStore, entities: int, links: int, seed: int, work: Path, names: str = "repeated"
) -> None:
    tag = f"{entities}-{links}-{seed}" if names == "repeated" else f"distinct-{entities}-{seed}"
    marker = work / f"generated-{tag}.done"
    if marker.exists():
        print(f"generated: reusing {entities:,} entities with {names} names (marker {marker.name})")
        return
    if any(work.glob("generated-*.done")):
        raise SystemExit(f"{work} holds another generated file: give another --home")
    path = work / f"xref-bench-{tag}.ftm.json"
    if names == "distinct":
        counts = generate_distinct(path, entities, seed, listed_names(store))
    else:
        counts = generate(path, entities, links, seed)
    started = time.perf_counter()
    report = run_load(FtmSource(), [path], store, progress=NoProgress())
    print(f"generated: {counts} loaded in {time.perf_counter() - started:.1f} s ({report.records_read:,} records)")
    marker.write_text("ok\n", encoding="utf-8")


def server_cpu_s(home: Path) -> float:
    """CPU seconds (user + system) of the embedded FalkorDB server whose data is under ``home``."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if str(home.resolve()) not in (proc / "cmdline").read_bytes().decode(errors="replace"):
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _children_cpu_s() -> float:
    """CPU seconds of this process's ended children (the scoring workers, once the pool has shut down)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Progress:
    """Prints entities compared and the rate every 10,000 entities, with uptime."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.done = self.printed = 0

    def __call__(self, n: int) -> None:
        self.done += n
        if self.done - self.printed >= 10_000:
            self.printed = self.done
            rate = self.done / (time.perf_counter() - self.started)
            print(f"  {self.done:,} entities, {rate:.0f}/s; {uptime()}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=100_000, help="generated entities (default 100,000)")
    parser.add_argument("--links", type=int, default=0, help="generated links (--names repeated; default 0)")
    parser.add_argument("--names", choices=("distinct", "repeated"), default="distinct", help="see above")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--home", type=Path, default=Path("/tmp/xref-bench-home"), help="the store's home")
    parser.add_argument("--list", type=Path, default=LIST_DIR, help="the OFAC SDN directory")
    parser.add_argument("--rerun", action="store_true", help="run xref a second time (idempotent)")
    parser.add_argument("--out", type=Path, help="write the figures as JSON")
    parser.add_argument("--workers", type=int, default=1, help="scoring processes (graph.matching.xref)")
    parser.add_argument("--profile", type=Path, help="run under cProfile (main thread) and write its stats here")
    parser.add_argument("--match-batch", type=int, default=DEFAULT_MATCH_BATCH, help="entities per round trip")
    args = parser.parse_args(argv)
    args.home.mkdir(parents=True, exist_ok=True)
    store = open_bench_store("embedded", args.home)
    try:
        ensure_list(store, args.list, reload=False)
        ensure_generated(store, args.entities, args.links, args.seed, args.home, args.names)
        print(f"before: {uptime()}")
        runs = []
        for n in range(2 if args.rerun else 1):
            cpu, server, children = time.process_time(), server_cpu_s(args.home), _children_cpu_s()
            run = functools.partial(
                xref,
                store,
                dataset=GENERATED,
                against=OFAC,
                progress=Progress(),
                match_batch=args.match_batch,
                workers=args.workers,
            )
            if args.profile:
                profiler = cProfile.Profile()
                summary = profiler.runcall(run)
                profiler.dump_stats(str(args.profile))
                pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(40)
            else:
                summary = run()
            figures = summary.to_dict()
            figures["entities_per_s"] = round(summary.entities / summary.seconds, 1) if summary.seconds else None
            figures["python_cpu_s"] = round(time.process_time() - cpu, 1)
            figures["workers_cpu_s"] = round(_children_cpu_s() - children, 1)
            figures["server_cpu_s"] = round(server_cpu_s(args.home) - server, 1)
            figures["workers"] = args.workers
            figures["uptime"] = uptime()
            runs.append(figures)
            print(
                f"run {n + 1}: {summary.entities:,} entities compared, {summary.pairs:,} pairs "
                f"({summary.by_label}), {summary.created:,} new candidates, {summary.updated:,} updated, "
                f"{summary.seconds:.1f} s = {summary.seconds / 60:.1f} min ({figures['entities_per_s']} entities/s); "
                f"{args.workers} scoring process(es); CPU: this process {figures['python_cpu_s']} s, workers "
                f"{figures['workers_cpu_s']} s, store server {figures['server_cpu_s']} s; "
                f"{figures['uptime']}"
            )
        if args.out:
            args.out.write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
