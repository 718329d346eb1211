"""Time and memory of analyze's whole-graph exposure step (graph.analytics.exposure.ExposureGraph), with no store.

    .venv/bin/python benchmarks/exposure_bench.py --entities 1000000 --rels 3000000  # the default block
    .venv/bin/python benchmarks/exposure_bench.py --entities 1000000 --rels 3000000 --block all  # one block (old)
    .venv/bin/python benchmarks/exposure_bench.py --entities 5000000 --rels 15000000

Builds, seeded, a graph of --entities nodes (--sanctioned of them sanctioned, in random places) and --rels
relationships: most between random entities, a share (--hub-share) to a few hubs (formation-agent addresses, exchange
wallets) so that 3-hop reaches are large, as in the generated investigation graphs of analyze_bench and load_bench.
Then times the multi-source BFS (``nearest``) and the counts within 1-3 hops (``sanctioned_within``, --block
sanctioned entities at a time), and prints the peak RSS (getrusage) after building the graph and after each step, and
a checksum of the counts (the same for every block size). Run each block size in its own process: the peak RSS of a
process never goes down.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.analytics.exposure import SOURCE_BLOCK, ExposureGraph
from graph.vocabulary import RelType


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(entities: int, rels: int, sanctioned: int, hubs: int, hub_share: float, seed: int) -> ExposureGraph:
    rng = random.Random(seed)
    graph = ExposureGraph()
    listed = set(rng.sample(range(entities), min(sanctioned, entities)))
    for i in range(entities):
        graph.add_node(f"e{i:08d}", i in listed)
    types = list(RelType)
    batch = 100_000
    for first in range(0, rels, batch):
        pairs = []
        for _ in range(min(batch, rels - first)):
            source = rng.randrange(entities)
            target = rng.randrange(hubs) if rng.random() < hub_share else rng.randrange(entities)
            if target != source:
                pairs.append((f"e{source:08d}", f"e{target:08d}"))
        graph.add_edges(types[(first // batch) % len(types)], pairs)
    return graph


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=1_000_000, help="nodes (default 1,000,000)")
    parser.add_argument("--rels", type=int, default=3_000_000, help="relationships (default 3,000,000)")
    parser.add_argument("--sanctioned", type=int, default=0, help="sanctioned nodes (default 0.8%% of --entities)")
    parser.add_argument("--hubs", type=int, default=200, help="hub nodes (default 200)")
    parser.add_argument("--hub-share", type=float, default=0.01, help="share of relationships to a hub (default 0.01)")
    parser.add_argument(
        "--block", default=str(SOURCE_BLOCK), help=f"sanctioned per block, or 'all' (default {SOURCE_BLOCK})"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", help="also write the figures as JSON to this file")
    args = parser.parse_args()
    sanctioned = args.sanctioned or max(1, args.entities * 8 // 1000)
    block = args.entities + 1 if args.block == "all" else int(args.block)

    figures: dict[str, object] = {"uptime_start": os.getloadavg(), "block": args.block}
    started = time.perf_counter()
    graph = build(args.entities, args.rels, sanctioned, args.hubs, args.hub_share, args.seed)
    figures |= {"nodes": len(graph.ids), "edges": graph.edges, "sanctioned": sum(graph.sanctioned)}
    figures |= {"build_s": round(time.perf_counter() - started, 1), "rss_after_build_mb": round(peak_rss_mb())}
    print(
        f"built {len(graph.ids):,} nodes, {graph.edges:,} edges, {sum(graph.sanctioned):,} sanctioned "
        f"in {figures['build_s']} s; peak RSS {figures['rss_after_build_mb']:,} MB",
        flush=True,
    )

    clock = time.perf_counter()
    dist, _, _, _ = graph.nearest()
    figures |= {"nearest_s": round(time.perf_counter() - clock, 1), "rss_after_nearest_mb": round(peak_rss_mb())}
    reached = sum(1 for d in dist if d >= 0)
    print(
        f"nearest: {figures['nearest_s']} s, {reached:,} nodes reach a sanctioned one; "
        f"peak RSS {figures['rss_after_nearest_mb']:,} MB",
        flush=True,
    )

    clock = time.perf_counter()
    within = graph.sanctioned_within(3, block=block)
    figures |= {"within_s": round(time.perf_counter() - clock, 1), "rss_after_within_mb": round(peak_rss_mb())}
    checksum = [sum(counts) for counts in within]
    figures |= {"within_sums": checksum, "uptime_end": os.getloadavg()}
    print(
        f"sanctioned_within (block {args.block}): {figures['within_s']} s; sums over nodes within 1/2/3 hops "
        f"{checksum}; peak RSS {figures['rss_after_within_mb']:,} MB",
        flush=True,
    )
    print(f"load average {figures['uptime_start']} -> {figures['uptime_end']}")
    if args.out:
        Path(args.out).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
