"""Benchmark of `analyze` and of single-entity exposure/ownership on a generated graph.

    .venv/bin/python benchmarks/analyze_bench.py --entities 1000000 --rels 3000000 --store embedded
    .venv/bin/python benchmarks/analyze_bench.py --entities 20000 --rels 60000          # a smoke run
    .venv/bin/python benchmarks/analyze_bench.py --skip-load ...                        # reuse the loaded graph
    .venv/bin/python benchmarks/analyze_bench.py --store neo4j ...   # Neo4j from NEO4J_URI etc. (scripts/neo4j.sh)

The graph (seeded, so every run makes the same one) mixes kinds like an investigation graph: persons, companies,
organisations, wallets and addresses; about 1% sanctioned; ownership trees with percentages (some missing, some
ended); directorships, employment, family and associate links; entities located at addresses whose popularity is
skewed (a few formation-agent addresses with thousands of companies); wallets held by entities and transferring to
each other with timestamps and amounts; payments. It is loaded through the store's write API (upsert_nodes,
upsert_relationships), the store's counts per relationship type are checked against the generated ones, then
`analyze` is timed, then single-entity `exposure` (from analyze's results, and with --live also walked live) and
`ownership` (median, p90, p99 and max of --calls calls on random entities). Results, with the load average
(os.getloadavg) after each phase, are printed and, with --out, written as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import add_store_options, open_bench_store
from graph.analytics.analyze import analyze
from graph.analytics.exposure import entity_exposure
from graph.analytics.ownership import entity_ownership
from graph.model import NodeRecord, RelRecord
from graph.stores.base import GraphStore
from graph.vocabulary import NodeKind, Prop, RelType

#: Share of entities per kind.
KIND_MIX = {
    NodeKind.PERSON: 0.34,
    NodeKind.COMPANY: 0.34,
    NodeKind.ORGANIZATION: 0.02,
    NodeKind.WALLET: 0.22,
    NodeKind.ADDRESS: 0.08,
}
#: Share of relationships per type.
REL_MIX = {
    RelType.OWNS: 0.20,
    RelType.DIRECTS: 0.08,
    RelType.EMPLOYS: 0.05,
    RelType.LOCATED_AT: 0.12,
    RelType.HOLDS: 0.08,
    RelType.TRANSFERRED: 0.32,
    RelType.PAID: 0.06,
    RelType.FAMILY_OF: 0.03,
    RelType.ASSOCIATE_OF: 0.03,
    RelType.LINKED_TO: 0.02,
    RelType.SAME_AS: 0.01,
}
SANCTIONED_SHARE = 0.01


def generate(
    entities: int, rels: int, seed: int
) -> tuple[dict[NodeKind, list[NodeRecord]], dict[RelType, list[RelRecord]]]:
    rng = random.Random(seed)
    nodes: dict[NodeKind, list[NodeRecord]] = {}
    ids: dict[NodeKind, list[str]] = {}
    start = 0
    kinds = list(KIND_MIX)
    for n, kind in enumerate(kinds):
        count = entities - start if n == len(kinds) - 1 else int(entities * KIND_MIX[kind])
        kind_ids = [f"{kind.value.lower()}-{i}" for i in range(start, start + count)]
        start += count
        ids[kind] = kind_ids
        node_records: list[NodeRecord] = []
        for node_id in kind_ids:
            node_props: dict[Prop, Any] = {Prop.NAME: node_id.replace("-", " ").title()}
            if kind in (NodeKind.PERSON, NodeKind.COMPANY, NodeKind.ORGANIZATION):
                node_props[Prop.SANCTIONED] = rng.random() < SANCTIONED_SHARE / 0.70
            if kind is NodeKind.WALLET and rng.random() < 0.002:
                node_props[Prop.NOTES] = rng.choice(["Exchange hot wallet", "Mixer deposit address", "Bridge contract"])
            node_records.append(NodeRecord(node_id, kind, node_props))
        nodes[kind] = node_records
    holders = ids[NodeKind.PERSON] + ids[NodeKind.COMPANY] + ids[NodeKind.ORGANIZATION]
    companies = ids[NodeKind.COMPANY]
    persons = ids[NodeKind.PERSON]
    wallets = ids[NodeKind.WALLET]
    addresses = ids[NodeKind.ADDRESS]
    # skewed address popularity: a few hubs (formation agents), a long tail
    address_weights = [1.0 / (i + 1) ** 0.9 for i in range(len(addresses))]
    out: dict[RelType, list[RelRecord]] = {}
    seq = 0

    def rel(t: RelType, s: str, d: str, props: dict[Prop, Any] | None = None) -> RelRecord:
        nonlocal seq
        seq += 1
        return RelRecord(f"{t.value.lower()}-{seq}", t, s, d, props or {})

    for t, share in REL_MIX.items():
        count = int(rels * share)
        records: list[RelRecord] = []
        if t is RelType.OWNS:
            # ownership trees: an asset gets 1-3 owners whose stated percentages add up to at most 100
            while len(records) < count:
                asset = rng.choice(companies)
                owners = rng.sample(holders, k=rng.randint(1, 3))
                left = 100.0
                for owner in owners:
                    if owner == asset or len(records) >= count:
                        continue
                    pct = round(rng.uniform(10, left), 2) if left > 10 else left
                    left -= pct
                    props: dict[Prop, Any] = {Prop.START_DATE: str(rng.randint(2005, 2023))}
                    if rng.random() > 0.02:
                        props[Prop.PERCENTAGE] = pct
                    if rng.random() < 0.05:
                        props[Prop.END_DATE] = f"{rng.randint(2010, 2023)}-{rng.randint(1, 12):02d}"
                    records.append(rel(t, owner, asset, props))
        elif t is RelType.LOCATED_AT:
            chosen = rng.choices(addresses, weights=address_weights, k=count)
            records = [rel(t, rng.choice(holders), a) for a in chosen]
        elif t is RelType.HOLDS:
            records = [rel(t, rng.choice(holders), rng.choice(wallets)) for _ in range(count)]
        elif t is RelType.TRANSFERRED:
            for _ in range(count):
                ts = 1_600_000_000 + rng.randint(0, 100_000_000)
                when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))
                amount = round(rng.lognormvariate(0, 2), 6)
                props = {Prop.AMOUNT: amount, Prop.ASSET: "eth", Prop.VALUE_USD: round(amount * 2000, 2)}
                props[Prop.TIMESTAMP] = when
                records.append(rel(t, rng.choice(wallets), rng.choice(wallets), props))
        elif t is RelType.PAID:
            for _ in range(count):
                props = {Prop.AMOUNT: round(rng.uniform(100, 20_000), 2), Prop.CURRENCY: "USD"}
                props[Prop.DATE] = f"{rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                target = rng.choice(wallets) if rng.random() < 0.5 else rng.choice(persons)
                records.append(rel(t, rng.choice(companies), target, props))
        elif t in (RelType.DIRECTS, RelType.EMPLOYS):
            records = [
                rel(
                    t,
                    rng.choice(persons if t is RelType.DIRECTS else companies),
                    rng.choice(companies if t is RelType.DIRECTS else persons),
                )
                for _ in range(count)
            ]
        else:
            records = [rel(t, rng.choice(persons), rng.choice(holders)) for _ in range(count)]
        out[t] = records
    return nodes, out


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def load(
    store: GraphStore,
    nodes: dict[NodeKind, list[NodeRecord]],
    rels: dict[RelType, list[RelRecord]],
    batch: int,
    part: str = "all",
    resume: bool = False,
) -> dict[str, float]:
    """Load the graph (``part`` "all"), only its entities into an emptied store ("nodes"), or only its
    relationships onto the entities already there ("relationships"; with ``resume``, types the store already
    holds in full are skipped)."""
    if part != "relationships":
        # empty the store in batches: one DETACH DELETE of millions of entities exceeds a small Neo4j's memory
        ids = [row[0] for batch_rows in store.iter_node_values((), batch_size=50_000) for row in batch_rows]
        for chunk in _batches(ids, 5_000):
            store.delete_nodes(chunk)
    store.ensure_schema()
    t0 = time.perf_counter()
    n = 0
    for kind, records in nodes.items() if part != "relationships" else ():
        for chunk in _batches(records, batch):
            store.upsert_nodes(kind, chunk)
            n += len(chunk)
        print(f"  loaded {n} nodes ({time.perf_counter() - t0:.0f} s)", flush=True)
    t1 = time.perf_counter()
    r = 0
    complete = store.stats().relationships if resume else {}
    for t, rel_records in rels.items() if part != "nodes" else ():
        if complete.get(t.value) == len(rel_records):
            r += len(rel_records)
            print(f"  {t.value}: all {len(rel_records)} already stored", flush=True)
            continue
        for rel_chunk in _batches(rel_records, batch):
            store.upsert_relationships(t, rel_chunk)
            r += len(rel_chunk)
        print(f"  loaded {r} relationships ({time.perf_counter() - t1:.0f} s)", flush=True)
    t2 = time.perf_counter()
    out = {"load_nodes_s": t1 - t0, "load_relationships_s": t2 - t1}
    return {k: v for k, v in out.items() if part == "all" or k.startswith(f"load_{part}")}


def single_entity_timings(
    store: GraphStore,
    nodes: dict[NodeKind, list[NodeRecord]],
    rels: dict[RelType, list[RelRecord]],
    calls: int,
    seed: int,
    live: bool,
) -> dict[str, Any]:
    rng = random.Random(seed + 1)
    everyone = [r.id for records in nodes.values() for r in records]
    owned = [r.target for r in rels.get(RelType.OWNS, [])]
    exposure_ids = rng.sample(everyone, min(calls, len(everyone)))
    ownership_ids = rng.sample(owned, min(calls, len(owned))) if owned else []
    entity_exposure(store, exposure_ids[0])  # warm up
    if ownership_ids:
        entity_ownership(store, ownership_ids[0])
    times_x: list[float] = []
    times_live: list[float] = []
    times_o: list[float] = []
    methods: dict[str, int] = {}
    for entity_id in exposure_ids:
        t = time.perf_counter()
        report = entity_exposure(store, entity_id)
        times_x.append((time.perf_counter() - t) * 1000)
        methods[report.exposure.method] = methods.get(report.exposure.method, 0) + 1
    for entity_id in exposure_ids if live else []:
        t = time.perf_counter()
        entity_exposure(store, entity_id, use_stored=False)
        times_live.append((time.perf_counter() - t) * 1000)
    for entity_id in ownership_ids:
        t = time.perf_counter()
        entity_ownership(store, entity_id)
        times_o.append((time.perf_counter() - t) * 1000)

    def stats(ms: list[float]) -> dict[str, Any]:
        if not ms:
            return {}
        ordered = sorted(ms)
        return {
            "median_ms": round(statistics.median(ms), 1),
            "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
            "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
            "max_ms": round(ordered[-1], 1),
            "calls": len(ms),
        }

    return {
        "exposure": {**stats(times_x), "methods": methods},
        "exposure_live": stats(times_live),
        "ownership": stats(times_o),
    }


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--rels", type=int, default=3_000_000)
    add_store_options(parser, home="build/bench-home")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch", type=int, default=10_000, help="records per write")
    parser.add_argument("--calls", type=int, default=50, help="single-entity calls to time")
    parser.add_argument("--skip-load", action="store_true", help="reuse the graph already in the store")
    parser.add_argument(
        "--load-part",
        choices=("all", "nodes", "relationships"),
        default="all",
        help="load only the entities (into an emptied store), or only the relationships (onto them)",
    )
    parser.add_argument(
        "--resume", action="store_true", help="with --load-part relationships: skip types already stored in full"
    )
    parser.add_argument("--skip-analyze", action="store_true", help="time single-entity calls only (needs a run)")
    parser.add_argument("--live", action="store_true", help="also time exposure walked live (exposure --live)")
    parser.add_argument("--out", help="write the figures as JSON to this file")
    args = parser.parse_args()

    store = open_bench_store(args.store, args.home, start_timeout_s=300.0)
    figures: dict[str, Any] = {"store": store.description, "entities": args.entities, "rels": args.rels}
    try:
        t = time.perf_counter()
        nodes, rels = generate(args.entities, args.rels, args.seed)
        figures["generate_s"] = round(time.perf_counter() - t, 1)
        print(
            f"generated {sum(map(len, nodes.values()))} entities, {sum(map(len, rels.values()))} relationships "
            f"in {figures['generate_s']} s",
            flush=True,
        )
        if not args.skip_load:
            loaded = load(store, nodes, rels, args.batch, args.load_part, args.resume)
            figures.update({k: round(v, 1) for k, v in loaded.items()})
            if args.load_part == "nodes":  # the rest needs the relationships: a later --load-part relationships
                print(json.dumps(figures, indent=1))
                return 0
        figures["load_average"] = {"after load": _load_average()}
        stats = store.stats()
        figures["stored"] = {"nodes": stats.total_nodes, "relationships": stats.total_relationships}
        print(f"store holds {stats.total_nodes} entities, {stats.total_relationships} relationships", flush=True)
        expected = {t.value: len(r) for t, r in rels.items()}
        stored_by_type = stats.relationships
        missing = {k: (stored_by_type.get(k, 0), n) for k, n in expected.items() if stored_by_type.get(k) != n}
        figures["stored"]["relationships_by_type"] = stats.relationships
        figures["stored"]["complete"] = not missing and stats.total_nodes == sum(map(len, nodes.values()))
        for rel_name, (stored, n) in missing.items():
            print(f"  INCOMPLETE: {rel_name}: {stored} stored of {n} generated", flush=True)
        if not args.skip_analyze:
            t = time.perf_counter()
            summary = analyze(store, progress=lambda line: print(f"  analyze: {line}", flush=True))
            figures["analyze_s"] = round(time.perf_counter() - t, 1)
            figures["analyze"] = summary.to_dict()
            figures["load_average"]["after analyze"] = _load_average()
            print(summary.to_text(), flush=True)
        figures["single_entity"] = single_entity_timings(store, nodes, rels, args.calls, args.seed, args.live)
        figures["load_average"]["after single-entity calls"] = _load_average()
        print(json.dumps(figures["single_entity"]), flush=True)
    finally:
        store.close()
    print(json.dumps({k: v for k, v in figures.items() if k != "analyze"}, indent=1))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
