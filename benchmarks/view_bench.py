"""One view, one round trip: a neighbourhood through our API against the raw query returning the same data, and the
shortest path, p50/p95 in ms on a generated FtM graph (load_bench's file, loaded here unless --no-load).

    .venv/bin/python benchmarks/view_bench.py --store neo4j --entities 100000 --links 300000
    .venv/bin/python benchmarks/view_bench.py --store embedded --entities 100000 --links 300000

"ours" is store.neighbourhood(id, hops) (the query, then entities and relationships built); "raw" runs the same
Cypher text (cypher.neighbourhood_view) through the store's read transaction and keeps the driver's rows. Both are
timed on the same entities, one after the other for each entity (which goes first alternates), so a busy moment of
the shared machine falls on both alike. Paths: store.shortest_path between random pairs (≤ 6 hops; the embedded
store's bidirectional search).

``--gc freeze`` does what a long-running server does after its start-up (``sanctions_graph.server``): the objects
alive after the warm-up leave the garbage collector's full collections (``gc.freeze``); ``--gen0 N`` also raises
the youngest generation's threshold. The run prints the collections that happened while timing and how much of
their time fell in "ours" and in "raw".
"""

from __future__ import annotations

import argparse
import gc
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import add_store_options, open_bench_store
from benchmarks.load_bench import generate
from graph import cypher
from graph.stores.cypher_store import CypherStore
from loaders.framework import NoProgress, run_load
from loaders.sources.ftm import FtmSource


class GcClock:
    """Time spent in the garbage collector (gc.callbacks): in all, per generation, and as a running total."""

    def __init__(self) -> None:
        self.total_ms = 0.0
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            ms = (time.perf_counter() - self._started) * 1000
            self.total_ms += ms
            self.pauses[int(info["generation"])].append(ms)

    def summary(self) -> str:
        full = self.pauses[2]
        return (
            f"{sum(len(p) for p in self.pauses.values())} collections ({len(full)} full, "
            f"longest full {max(full, default=0.0):.1f} ms), {self.total_ms:.0f} ms in all"
        )


CLOCK = GcClock()


def _quantiles(times: list[float]) -> tuple[float, float]:
    """p50 and p95 of ``times`` (ms)."""
    times = sorted(times)
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]


#: Milliseconds of garbage collection inside the timed calls of "ours" (key 0) and "raw" (key 1).
GC_IN: dict[int, float] = {0: 0.0, 1: 0.0}


def _ms(fn: Callable[..., object], *args: object, side: int | None = None) -> float:
    t, collected = time.perf_counter(), CLOCK.total_ms
    fn(*args)
    if side is not None:
        GC_IN[side] += CLOCK.total_ms - collected
    return (time.perf_counter() - t) * 1000


def _timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    return _quantiles([_ms(fn) for _ in range(n)])


def _paired(first: Callable[[str], object], second: Callable[[str], object], ids: list[str]) -> tuple[list[float], ...]:
    """Milliseconds of ``first(id)`` and ``second(id)`` for each id, alternating which runs first."""
    a: list[float] = []
    b: list[float] = []
    for k, entity_id in enumerate(ids):
        if k % 2:
            b.append(_ms(second, entity_id, side=1))
            a.append(_ms(first, entity_id, side=0))
        else:
            a.append(_ms(first, entity_id, side=0))
            b.append(_ms(second, entity_id, side=1))
    return a, b


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_store_options(parser, "/tmp/view-bench")
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=200, help="views and paths timed (each)")
    parser.add_argument("--hops", type=int, default=2)
    parser.add_argument("--no-load", action="store_true", help="the store already holds the file")
    parser.add_argument(
        "--gc", choices=("default", "freeze"), default="default", help="freeze: gc.freeze() after the warm-up"
    )
    parser.add_argument("--gen0", type=int, default=0, help="the youngest generation's threshold (0: Python's)")
    parser.add_argument(
        "--scan", type=int, help="pick the entities among the first N the store lists (a graph of millions)"
    )
    args = parser.parse_args()
    home = Path(args.home)
    home.mkdir(parents=True, exist_ok=True)
    path = home / f"bench-{args.entities}-{args.links}-{args.seed}.ftm.json"
    if not path.exists() and not args.no_load:
        generate(path, args.entities, args.links, args.seed)
    store = open_bench_store(args.store, home / "store")
    assert isinstance(store, CypherStore)
    try:
        if not args.no_load:
            store.clear()
            report = run_load(FtmSource(), [path], store, progress=NoProgress())
            print(f"loaded {report.records_read} records in {report.seconds:.0f} s", flush=True)
        rng = random.Random(args.seed)
        ids: list[str] = []
        for batch in store.iter_entities(batch_size=50_000):
            ids += [e.id for e in batch]
            if args.scan and len(ids) >= args.scan:
                break
        sample = [rng.choice(ids) for _ in range(args.queries)]
        query = cypher.neighbourhood_view(store.dialect, args.hops, None)
        for entity_id in sample[:20]:  # warm-up (plans cached, pages in memory)
            store.neighbourhood(entity_id, hops=args.hops)
            store._read(query, {"id": entity_id, "limit": 200})
        if args.gen0:
            gc.set_threshold(args.gen0, *gc.get_threshold()[1:])
        if args.gc == "freeze":  # as sanctions_graph.server does once it has warmed up
            gc.collect()
            gc.freeze()
        gc.callbacks.append(CLOCK)
        ours_ms, raw_ms = _paired(
            lambda i: store.neighbourhood(i, hops=args.hops),
            lambda i: store._read(query, {"id": i, "limit": 200}),
            sample,
        )
        gc.callbacks.remove(CLOCK)
        ours, raw = _quantiles(ours_ms), _quantiles(raw_ms)
        pairs = iter([(rng.choice(ids), rng.choice(ids)) for _ in range(args.queries)])
        paths = _timed(lambda: store.shortest_path(*next(pairs)), args.queries)
    finally:
        store.close()
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    print(
        f"{args.store}, {args.entities} entities / {args.links} links, {args.queries} of each, hops {args.hops},"
        f" gc {args.gc}{f', gen0 {args.gen0}' if args.gen0 else ''}"
    )
    print(f"  neighbourhood, ours  p50 {ours[0]:7.1f} ms  p95 {ours[1]:7.1f} ms")
    print(f"  neighbourhood, raw   p50 {raw[0]:7.1f} ms  p95 {raw[1]:7.1f} ms  (ours/raw p95 {ours[1] / raw[1]:.2f})")
    print(f"  garbage collector while the views were timed: {CLOCK.summary()}")
    print(f"    of which in ours {GC_IN[0]:.0f} ms, in raw {GC_IN[1]:.0f} ms")
    print(f"  shortest path ≤ 6    p50 {paths[0]:7.1f} ms  p95 {paths[1]:7.1f} ms")
    print(f"  load average: {uptime}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
