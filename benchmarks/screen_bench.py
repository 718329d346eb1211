"""Screening benchmark: the full OFAC SDN list in a store, a counterparty file screened against it, scored.

    .venv/bin/python benchmarks/screen_bench.py                                   # dev set, embedded store
    .venv/bin/python benchmarks/screen_bench.py --store neo4j                     # NEO4J_* from the environment
    .venv/bin/python benchmarks/screen_bench.py --input my.csv --truth my_truth.csv --out results.jsonl
    .venv/bin/python benchmarks/screen_bench.py --perf 10000                       # 10,000 generated counterparties
    .venv/bin/python benchmarks/screen_bench.py --no-nomenklatura                  # ours only

The list (--list, default /work/shared/data/ofac-sdn-2024-05-03-full) is loaded through the OFAC loader and the
load pipeline into the store of --home (embedded FalkorDB; a fresh directory under build/ by default), unless
that store already holds it (--reload forces a load). Each row of --input is screened with
graph.matching.screening; the results go to --out as the JSON lines score.py reads
(``{"row_id", "results": [{"id", "score", "label"}…]}``), and the metrics are printed: recall@1, recall@3,
match-labelled recall@1 (the expected record first and labelled ``match``), the share of look-alikes labelled
``match`` (of the decoys; similar and ordinary apart), the share labelled ``possible match``, and p50/p95 seconds
per counterparty.

Beside it, the same rows through nomenklatura's logic-v2 (OpenSanctions' matcher) with its own candidate index:
nomenklatura is not a dependency of sanctions-graph; install it in its own venv, and the benchmark runs
benchmarks/nk_logic_v2.py there (give another interpreter with --nk-python):

    python3 -m venv /tmp/nk-venv && /tmp/nk-venv/bin/pip install nomenklatura

Without it the column is skipped with a sentence. nomenklatura reads the list as FollowTheMoney entities, which
this script writes from the loaded store with the project's FtM export.

--generated N loads N generated entities beside the list (the "1M entities loaded" figure: --generated 1000000
with its own --home); the dev set is then screened against the list among them.

--perf N: N counterparties generated from list names (seeded; a letter changed, words reordered, a legal form
swapped, a country or birth year added, a third of them names that are not listed), screened on the store, and
the seconds in total and per counterparty printed (no scoring).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import open_bench_store, respelled
from graph.matching.matcher import MATCH, POSSIBLE_MATCH
from graph.matching.screening import ScreenResult, find_columns, screen_rows
from graph.stores.base import GraphStore
from graph.vocabulary import NodeKind

DATA = Path("/work/shared/data")
DEFAULT_LIST = DATA / "ofac-sdn-2024-05-03-full"
DEFAULT_INPUT = DATA / "screening-dev" / "counterparties_input.csv"
ROOT = Path(__file__).resolve().parent.parent
NK_SCRIPT = Path(__file__).resolve().parent / "nk_logic_v2.py"
MIN_LISTED = 14_000  # records of the 2024 list: a store holding fewer persons/companies/vessels is (re)loaded


def listed_count(store: GraphStore) -> int:
    nodes = store.stats().nodes
    kinds = (NodeKind.PERSON, NodeKind.COMPANY, NodeKind.ORGANIZATION, NodeKind.VESSEL, NodeKind.AIRCRAFT)
    return sum(nodes.get(k.value, 0) for k in kinds)


def ensure_list(store: GraphStore, list_dir: Path, reload: bool) -> None:
    from loaders.framework import NoProgress, run_load
    from loaders.sources.ofac_sdn import OfacSdnSource

    if not reload and listed_count(store) >= MIN_LISTED:
        print(f"list: reusing {listed_count(store):,} listed records in {store.description}")
        return
    if reload:
        store.clear()
    started = time.perf_counter()
    report = run_load(OfacSdnSource(), [list_dir], store, progress=NoProgress())
    print(
        f"list: loaded {list_dir} into {store.description} in {time.perf_counter() - started:.1f} s "
        f"({report.records_read:,} records)"
    )


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def screen(store: GraphStore, rows: list[dict[str, str]], limit: int = 5) -> list[ScreenResult]:
    columns = find_columns(list(rows[0].keys()))
    return list(screen_rows(rows, store, columns, limit=limit))


def write_results(results: Sequence[ScreenResult], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in results:
            hits = [{"id": h.id, "score": h.score, "label": h.label, "name": h.name} for h in r.hits]
            fh.write(json.dumps({"row_id": r.row_id, "results": hits}, ensure_ascii=False) + "\n")


def metrics(results: dict[str, list[dict[str, Any]]], truth: list[dict[str, str]]) -> dict[str, Any]:
    """recall@1, recall@3, match-labelled recall@1 over the true hits; match and possible-match shares of decoys."""
    hits = [t for t in truth if t.get("expected_id")]
    decoys = [t for t in truth if not t.get("expected_id")]
    similar = [t for t in decoys if t.get("case", "").startswith("decoy-similar")]

    def ranked(row_id: str) -> list[dict[str, Any]]:
        return sorted(results.get(row_id, []), key=lambda h: -float(h.get("score") or 0))

    r1 = sum(1 for t in hits if ranked(t["row_id"])[:1] and ranked(t["row_id"])[0]["id"] == t["expected_id"])
    r3 = sum(1 for t in hits if t["expected_id"] in [h["id"] for h in ranked(t["row_id"])[:3]])
    m1 = sum(
        1
        for t in hits
        if ranked(t["row_id"])[:1]
        and ranked(t["row_id"])[0]["id"] == t["expected_id"]
        and str(ranked(t["row_id"])[0].get("label", "")).casefold() == MATCH
    )

    def labelled(rows: list[dict[str, str]], label: str) -> int:
        return sum(
            1 for t in rows if any(str(h.get("label", "")).casefold() == label for h in results.get(t["row_id"], []))
        )

    missed = [
        (
            t["row_id"],
            t["name"],
            t["expected_id"],
            [(h["id"], h.get("score"), h.get("label")) for h in ranked(t["row_id"])[:2]],
        )
        for t in hits
        if not (
            ranked(t["row_id"])[:1]
            and ranked(t["row_id"])[0]["id"] == t["expected_id"]
            and str(ranked(t["row_id"])[0].get("label", "")).casefold() == MATCH
        )
    ]
    false = [
        (
            t["row_id"],
            t["name"],
            [
                (h["id"], h.get("score"))
                for h in results.get(t["row_id"], [])
                if str(h.get("label", "")).casefold() == MATCH
            ],
        )
        for t in decoys
        if labelled([t], MATCH)
    ]
    return {
        "hits": len(hits),
        "decoys": len(decoys),
        "recall@1": r1 / len(hits) if hits else 0.0,
        "recall@3": r3 / len(hits) if hits else 0.0,
        "match_recall@1": m1 / len(hits) if hits else 0.0,
        "decoys_match": labelled(decoys, MATCH) / len(decoys) if decoys else 0.0,
        "similar_match": labelled(similar, MATCH),
        "similar": len(similar),
        "decoys_possible": labelled(decoys, POSSIBLE_MATCH) / len(decoys) if decoys else 0.0,
        "missed": missed,
        "false_matches": false,
    }


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", default="embedded", choices=("embedded", "neo4j", "memory"))
    ap.add_argument("--home", type=Path, default=ROOT / "build" / "screen-bench-home")
    ap.add_argument("--list", type=Path, default=DEFAULT_LIST, dest="list_dir")
    ap.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    ap.add_argument("--truth", type=Path, default=None, help="answers (default: counterparties.csv beside --input)")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "screen-results.jsonl")
    ap.add_argument("--reload", action="store_true", help="load the list even if the store holds it")
    ap.add_argument("--no-nomenklatura", action="store_true")
    ap.add_argument("--nk-python", default="/tmp/nk-venv/bin/python")
    ap.add_argument("--perf", type=int, default=0, metavar="N", help="time N generated counterparties instead")
    ap.add_argument("--verbose", action="store_true", help="list missed hits and false matches")
    ap.add_argument(
        "--generated",
        type=int,
        default=0,
        metavar="N",
        help="load N generated entities (benchmarks/load_bench.py's generator, seed 7) beside the list first",
    )
    args = ap.parse_args(argv)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    store = open_bench_store(args.store, args.home, query_timeout_s=None)
    try:
        ensure_list(store, args.list_dir, args.reload)
        if args.generated:
            from benchmarks.xref_bench import ensure_generated

            ensure_generated(store, args.generated, 0, 7, args.home)
            print(f"store: {store.stats().nodes} nodes")
        if args.perf:
            return perf(store, args.perf)
        rows = read_rows(args.input)
        screen(store, list(generated_rows(store, 50, seed=3)))  # warm-up (caches, plans, index pages): other rows
        started = time.perf_counter()
        results = screen(store, rows)
        total = time.perf_counter() - started
        write_results(results, args.out)
        truth_path = args.truth or args.input.with_name("counterparties.csv")
        truth = read_rows(truth_path) if truth_path.exists() else []
        ours = metrics({r.row_id: [h.to_dict() for h in r.hits] for r in results}, truth) if truth else None
        seconds = [r.seconds for r in results]
        columns: list[tuple[str, dict[str, Any] | None, list[float]]] = [("sanctions-graph", ours, seconds)]
        nk = None if args.no_nomenklatura else run_nomenklatura(args, store, rows)
        if nk is not None:
            nk_results, nk_seconds = nk
            columns.append(("nomenklatura logic-v2", metrics(nk_results, truth) if truth else None, nk_seconds))
        print_table(columns, args, total, len(rows))
        if args.verbose:
            for name, m, _ in columns:
                if m:
                    print(f"\n{name}: missed or not labelled match:")
                    for item in m["missed"]:
                        print("  ", item)
                    print(f"{name}: decoys labelled match:", m["false_matches"])
    finally:
        store.close()
    return 0


def print_table(
    columns: list[tuple[str, dict[str, Any] | None, list[float]]], args: argparse.Namespace, total: float, n: int
) -> None:
    print(f"\ninput: {args.input} ({n} rows); list: {args.list_dir}; store: {args.store}; results: {args.out}")
    print(f"load average (uptime): {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    header = f"{'':38}" + "".join(f"{name:>24}" for name, _, _ in columns)
    print(header)

    def line(label: str, fmt: Any) -> None:
        print(f"{label:38}" + "".join(f"{fmt(m, s):>24}" for _, m, s in columns))

    def share(key: str) -> Any:
        return lambda m, s: f"{m[key]:.3f}" if m else "-"

    line("recall@1", share("recall@1"))
    line("recall@3", share("recall@3"))
    line("match-labelled recall@1", share("match_recall@1"))
    line(
        "look-alikes labelled match",
        lambda m, s: f"{m['decoys_match']:.3f} ({round(m['decoys_match'] * m['decoys'])}/{m['decoys']})" if m else "-",
    )
    line("  of them similar decoys", lambda m, s: f"{m['similar_match']}/{m['similar']}" if m else "-")
    line("look-alikes labelled possible match", share("decoys_possible"))
    line("p50 s per counterparty", lambda m, s: f"{statistics.median(s):.4f}" if s else "-")
    line("p95 s per counterparty", lambda m, s: f"{percentile(s, 0.95):.4f}" if s else "-")


# --- nomenklatura logic-v2, in its own interpreter ----------------------------------------------------------------
def run_nomenklatura(
    args: argparse.Namespace, store: GraphStore, rows: list[dict[str, str]]
) -> tuple[dict[str, list[dict[str, Any]]], list[float]] | None:
    python = Path(args.nk_python)
    if (
        not python.exists()
        or subprocess.run([str(python), "-c", "import nomenklatura"], capture_output=True).returncode
    ):
        print(
            f"nomenklatura logic-v2: skipped, no interpreter with nomenklatura at {python} "
            "(python3 -m venv /tmp/nk-venv && /tmp/nk-venv/bin/pip install nomenklatura)"
        )
        return None
    entities = args.out.parent / "screen-bench-list.ftm.json"
    if not entities.exists() or args.reload:
        export_ftm(store, entities)
    nk_out = args.out.with_name("screen-results-nomenklatura.jsonl")
    cmd = [str(python), str(NK_SCRIPT), "--entities", str(entities), "--input", str(args.input), "--out", str(nk_out)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"nomenklatura logic-v2: failed ({' '.join(cmd)}):\n{done.stderr[-2000:]}")
        return None
    results: dict[str, list[dict[str, Any]]] = {}
    seconds: list[float] = []
    with nk_out.open(encoding="utf-8") as fh:
        for text in fh:
            item = json.loads(text)
            results[item["row_id"]] = item["results"]
            seconds.append(float(item["seconds"]))
    return results, seconds


def export_ftm(store: GraphStore, path: Path) -> None:
    """The loaded list as FollowTheMoney entities (the project's FtM export), for nomenklatura."""
    from graph.exports.ftm import ExportStats, export_graph, write_ftm

    with path.open("w", encoding="utf-8") as fh:
        write_ftm(export_graph(store, ExportStats()), fh)


# --- 10,000 generated counterparties --------------------------------------------------------------------------
_FILLER = ("Global", "Pacific", "Northern", "Sunrise", "Atlas", "Harbor", "Summit", "Delta", "Crescent", "Nova")
_SURNAMES = ("Smith", "Garcia", "Nguyen", "Kowalski", "Okafor", "Tanaka", "Rossi", "Hansen", "Silva", "Dubois")


def generated_rows(store: GraphStore, n: int, seed: int = 11) -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    listed: list[tuple[str, str]] = []
    for batch in store.iter_entities():
        for e in batch:
            if e.kind in (NodeKind.PERSON, NodeKind.COMPANY, NodeKind.ORGANIZATION, NodeKind.VESSEL):
                kind = {"Person": "person", "Vessel": "vessel"}.get(e.kind.value, "company")
                listed.append((e.name, kind))
    listed.sort()
    for i in range(n):
        if rng.random() < 0.33:
            kind = rng.choice(("person", "company"))
            name = (
                f"{rng.choice(_FILLER)} {rng.choice(_SURNAMES)}"
                if kind == "person"
                else f"{rng.choice(_FILLER)} {rng.choice(_FILLER)} Trading Ltd"
            )
        else:
            name, kind = rng.choice(listed)
            name = respelled(name, rng)
        row = {"row_id": f"gen-{i:05d}", "name": name, "kind": kind, "country": "", "birth_date": ""}
        if kind == "person" and rng.random() < 0.3:
            row["birth_date"] = str(rng.randrange(1940, 2000))
        yield row


def perf(store: GraphStore, n: int) -> int:
    rows = list(generated_rows(store, n))
    screen(store, rows[:5])
    started = time.perf_counter()
    results = screen(store, rows)
    total = time.perf_counter() - started
    seconds = [r.seconds for r in results]
    labels = [r.label for r in results]
    print(
        f"{n:,} generated counterparties on {store.description}: {total:.1f} s in total "
        f"({n / total:.0f}/s); p50 {statistics.median(seconds) * 1000:.1f} ms, "
        f"p95 {percentile(seconds, 0.95) * 1000:.1f} ms, max {max(seconds) * 1000:.1f} ms per counterparty; "
        f"{labels.count(MATCH):,} labelled match, {labels.count(POSSIBLE_MATCH):,} possible match"
    )
    print(f"load average (uptime): {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
