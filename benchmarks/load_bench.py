"""Load speed: `sanctions-graph load ftm` on a generated FtM file, against a one-transaction-per-record loader.

    .venv/bin/python benchmarks/load_bench.py --entities 100000 --links 300000 --store both --out load.json
    .venv/bin/python benchmarks/load_bench.py --entities 5000 --links 15000 --store embedded     # a smoke run

The file (seeded, so every run writes the same one) holds followthemoney-valid FtM JSON lines: Person, Company,
Organization and CryptoWallet entities with names, aliases, countries and identifiers (half the wallets name a
holder: a HOLDS link), Ownership, Directorship, Employment, Payment and UnknownLink edges between them, and
Sanction records for about 1% of the entities.

For each store the benchmark empties it (timed: clear() deletes in batches), loads the file through the library
function the CLI's `load ftm` calls (loaders.framework.run_load with loaders.sources.ftm.FtmSource, the CLI's default
batch size) and reports records/s; with --rerun it loads the file a second time (idempotent: nothing new is written).
Then it empties the store again and runs a one-transaction-per-record loader on a sample: the same parsed records
(what the FtM source emits), each written by the store's own write API with batch size 1 - the nodes first, then
the relationships among them. Its rate per node record and per relationship record, weighted by the file's mix,
gives the per-record loader's extrapolated records/s and the ratio. Results are printed as a table and, with --out,
written as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from followthemoney import model as ftm_model

from graph import WriteCounts
from graph.settings import Settings
from graph.stores.base import GraphStore
from graph.stores.factory import DEFAULT_START_TIMEOUT_S, embedded_status, open_store, wait_for_embedded_persistence
from loaders.framework import DEFAULT_BATCH_SIZE, LineProgress, NoProgress, run_load
from loaders.sources.ftm import FtmSource
from tests.doubles import RecordingStore

#: Share of entities per FtM schema.
ENTITY_MIX = {"Person": 0.40, "Company": 0.32, "Organization": 0.08, "CryptoWallet": 0.20}
#: Share of links per FtM edge schema.
LINK_MIX = {"Ownership": 0.30, "Directorship": 0.15, "Employment": 0.15, "Payment": 0.25, "UnknownLink": 0.15}
SANCTIONED_SHARE = 0.01
COUNTRIES = ["kp", "ru", "ir", "cn", "ae", "hk", "sg", "tr", "cy", "gb", "us", "de", "ch", "pa", "vg", "sy", "by"]
FIRST = ["Kim", "Ri", "Pak", "Choe", "Jong", "Ivan", "Olga", "Ali", "Reza", "Wei", "Li", "Hassan", "Maria", "Jon"]
LAST = ["Chol", "Song", "Il", "Nam", "Hyok", "Petrov", "Sokolova", "Karimi", "Zhang", "Chen", "Haddad", "Smith"]
WORDS = ["Golden", "Maple", "Sunrise", "Ocean", "Star", "Unity", "Pioneer", "Eastern", "Bright", "Silk", "Harbor"]
TRADES = ["Trading", "Shipping", "Logistics", "Digital", "Holdings", "Tech", "Import Export", "Mining", "Capital"]
SUFFIX = ["Ltd", "LLC", "Co.", "Limited", "FZE", "GmbH", "JSC", "Pte Ltd"]
CURRENCIES = ["ETH", "BTC", "USDT", "TRX"]
PROGRAMS = ["DPRK3", "CYBER2", "RUSSIA-EO14024", "IRAN", "SDGT"]


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _date(rng: random.Random, lo: int = 2005, hi: int = 2024) -> str:
    return f"{rng.randint(lo, hi)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(path: Path, entities: int, links: int, seed: int, window: int | None = None) -> dict[str, int]:
    """Write the FtM file; return the count of lines per schema. The lines are shuffled as a whole, or with
    ``window`` (a file too large to hold: memory_bench.py) by a reservoir of that many lines as they are written."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    lines = _lines(rng, entities, links, counts)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for line in _shuffled(rng, lines) if window is None else _shuffled_in_window(rng, lines, window):
            handle.write(json.dumps(line, separators=(",", ":")) + "\n")
    return counts


def _shuffled(rng: random.Random, lines: Iterator[dict[str, Any]]) -> list[dict[str, Any]]:
    every = list(lines)
    rng.shuffle(every)  # a real export is not sorted by schema; the load resolves edges at the end anyway
    for sample in every[:: max(1, len(every) // 500)]:  # followthemoney itself checks a sample of the lines
        ftm_model.get_proxy(sample, cleaned=False)
        if not ftm_model.get_proxy(sample).properties:
            raise AssertionError(f"generated line lost its properties under followthemoney: {sample}")
    return every


def _shuffled_in_window(rng: random.Random, lines: Iterator[dict[str, Any]], window: int) -> Iterator[dict[str, Any]]:
    """The lines in an order mixed within ``window`` lines (each goes out when a later one takes its random slot)."""
    reservoir: list[dict[str, Any]] = []
    for line in lines:
        if len(reservoir) < window:
            reservoir.append(line)
            continue
        slot = rng.randrange(window)
        yield reservoir[slot]
        reservoir[slot] = line
    rng.shuffle(reservoir)
    yield from reservoir


def _lines(rng: random.Random, entities: int, links: int, counts: dict[str, int]) -> Iterator[dict[str, Any]]:
    """The file's lines in schema order (entities, links, sanctions), counted per schema into ``counts``."""
    ids: dict[str, list[str]] = {}
    start = 0
    schemata = list(ENTITY_MIX)
    for n, schema in enumerate(schemata):
        count = entities - start if n == len(schemata) - 1 else int(entities * ENTITY_MIX[schema])
        ids[schema] = [f"lb-{schema.lower()}-{i}" for i in range(start, start + count)]
        start += count
    legal = ids["Person"] + ids["Company"] + ids["Organization"]
    linkable = legal + ids["CryptoWallet"]  # once: concatenated for every UnknownLink line it made 1M/3M take hours
    orgs = ids["Company"] + ids["Organization"]
    for schema in schemata:
        for entity_id in ids[schema]:
            props: dict[str, list[str]] = {}
            if schema == "Person":
                props["name"] = [f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"]
                props["nationality"] = [rng.choice(COUNTRIES)]
                props["birthDate"] = [_date(rng, 1950, 2000)]
                if rng.random() < 0.3:
                    props["passportNumber"] = [f"{rng.randint(100000000, 999999999)}"]
                if rng.random() < 0.2:
                    props["alias"] = [f"{rng.choice(FIRST)} {rng.choice(LAST)}"]
            elif schema == "CryptoWallet":
                props["publicKey"] = [f"0x{_hex(rng, 40)}"]
                props["currencySymbol"] = [rng.choice(CURRENCIES)]
                if rng.random() < 0.5:
                    props["holder"] = [rng.choice(legal)]
            else:
                props["name"] = [f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(TRADES)} {rng.choice(SUFFIX)}"]
                props["jurisdiction" if schema == "Company" else "country"] = [rng.choice(COUNTRIES)]
                props["registrationNumber"] = [f"{rng.randint(10**7, 10**9)}"]
                if rng.random() < 0.05:
                    props["topics"] = ["corp.shell"]
                if rng.random() < 0.1:
                    props["alias"] = [f"{rng.choice(WORDS)} {rng.choice(TRADES)}"]
            counts[schema] = counts.get(schema, 0) + 1
            yield {"id": entity_id, "schema": schema, "properties": props, "datasets": ["load_bench"]}
    seq = 0
    for schema, share in LINK_MIX.items():
        for _ in range(int(links * share)):
            seq += 1
            props = {}
            if schema == "Ownership":
                props = {"owner": [rng.choice(legal)], "asset": [rng.choice(ids["Company"])]}
                props["percentage"] = [f"{rng.uniform(1, 100):.2f}"]
                props["startDate"] = [_date(rng)]
            elif schema == "Directorship":
                props = {"director": [rng.choice(ids["Person"])], "organization": [rng.choice(orgs)]}
                props["role"] = [rng.choice(["director", "chairman", "secretary"])]
            elif schema == "Employment":
                props = {"employee": [rng.choice(ids["Person"])], "employer": [rng.choice(orgs)]}
                props["role"] = [rng.choice(["IT worker", "developer", "manager"])]
            elif schema == "Payment":
                props = {"payer": [rng.choice(legal)], "beneficiary": [rng.choice(legal)]}
                props["amount"] = [f"{rng.uniform(100, 50_000):.2f}"]
                props["currency"] = ["USD"]
                props["date"] = [_date(rng, 2019, 2024)]
            else:
                props = {"subject": [rng.choice(legal)], "object": [rng.choice(linkable)]}
                props["role"] = ["associated"]
            counts[schema] = counts.get(schema, 0) + 1
            yield {"id": f"lb-link-{seq}", "schema": schema, "properties": props, "datasets": ["load_bench"]}
    for i, subject in enumerate(rng.sample(legal, int(len(legal) * SANCTIONED_SHARE))):
        props = {
            "entity": [subject],
            "authority": ["US OFAC"],
            "program": [rng.choice(PROGRAMS)],
            "startDate": [_date(rng, 2010, 2024)],
        }
        counts["Sanction"] = counts.get("Sanction", 0) + 1
        yield {"id": f"lb-sanction-{i}", "schema": "Sanction", "properties": props, "datasets": ["load_bench"]}


def per_record(store: GraphStore, recorder: RecordingStore, sample: int, seed: int) -> dict[str, Any]:
    """One write transaction per record through the store's API (batch size 1) on a sample, extrapolated; the
    records are those the pipeline gave the recording (in-memory) store."""
    rng = random.Random(seed)
    rels = rng.sample(recorder.rel_records, min(len(recorder.rel_records), max(1, sample // 3)))
    ends = {end for r in rels for end in (r.source, r.target)}
    nodes = [n for n in recorder.node_records if n.id in ends][: max(1, sample - len(rels))]
    kept = {n.id for n in nodes}
    rels = [r for r in rels if r.source in kept and r.target in kept]
    t = time.perf_counter()
    for node in nodes:
        store.upsert_nodes(node.kind, [node])
    node_s = time.perf_counter() - t
    t = time.perf_counter()
    written = 0
    for rel in rels:
        written += store.upsert_relationships(rel.type, [rel]).rows_written
    rel_s = time.perf_counter() - t
    if written != len(rels):
        raise AssertionError(f"the per-record loader wrote {written} of {len(rels)} relationships")
    per_node, per_rel = node_s / max(1, len(nodes)), rel_s / max(1, len(rels))
    # the full file as this loader would write it: every node row and every relationship row, one at a time
    whole_s = (len(recorder.node_records) + len(recorder.stub_ids)) * per_node + len(recorder.rel_records) * per_rel
    return {
        "sample_nodes": len(nodes),
        "sample_relationships": len(rels),
        "node_records_per_s": round(1 / per_node, 1) if per_node else None,
        "relationship_records_per_s": round(1 / per_rel, 1) if per_rel else None,
        "extrapolated_seconds": round(whole_s, 1),
    }


def process_cpu_s(pid: int | None) -> float | None:
    """User + system CPU seconds a local process has used so far (None: unknown)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


#: A JVM's thread names (as /proc shows them: 15 characters) by what the threads do.
JVM_THREADS = {"jit": ("C1 CompilerThre", "C2 CompilerThre"), "gc": ("GC Thread", "G1 ", "VM Periodic")}


def threads_cpu_s(pid: int | None) -> dict[str, float] | None:
    """A local process's CPU seconds so far by kind of thread (``JVM_THREADS``; "other": the rest): how much of a
    Neo4j server's CPU during a load went to compiling (the JIT) and collecting garbage. None: unknown. Threads
    that ended are not counted (Bolt workers come and go; the JVM may stop a compiler thread it no longer needs, so
    the JIT's share is a lower bound)."""
    if pid is None:
        return None
    out = dict.fromkeys((*JVM_THREADS, "other"), 0.0)
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return None
    for task in tasks:
        try:
            text = (task / "stat").read_text()
        except OSError:
            continue  # the thread ended meanwhile
        name, rest = text.split("(", 1)[1].rsplit(")", 1)
        fields = rest.split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        kind = next((k for k, prefixes in JVM_THREADS.items() if name.startswith(prefixes)), "other")
        out[kind] += cpu
    return out


def _delta(after: dict[str, float] | None, before: dict[str, float] | None) -> dict[str, float] | None:
    if after is None or before is None:
        return None
    return {k: round(after[k] - before.get(k, 0.0), 1) for k in after}


def server_pid(kind: str, settings: Settings, args: argparse.Namespace) -> int | None:
    """The store server's process: the embedded one from its pid file, Neo4j's from --neo4j-pid or the pid file
    scripts/neo4j.sh writes in $NEO4J_RUN_DIR (only meaningful for a server on this machine)."""
    if kind == "embedded":
        return embedded_status(settings).pid
    return neo4j_pid(args.neo4j_pid)


def neo4j_pid(given: str | None) -> int | None:
    """A local Neo4j's process id: the one given, else the pid file scripts/neo4j.sh writes in $NEO4J_RUN_DIR."""
    if given:
        return int(given)
    run_dir = os.environ.get("NEO4J_RUN_DIR")
    pid_file = Path(run_dir) / "neo4j.pid" if run_dir else None
    return int(pid_file.read_text().strip()) if pid_file and pid_file.exists() else None


def wait_for_persistence(settings: Settings, limit_s: float = 300.0) -> float:
    """Wait until the embedded server has no log rewrite or snapshot running (after the load and the clear it
    compacts its append-only log in a forked child): the per-record loader must not be timed against a busy
    server, which would flatter the ratio. Returns the seconds waited."""
    return round(wait_for_embedded_persistence(settings, limit_s), 1)


def clear(store: GraphStore) -> float:
    t = time.perf_counter()
    store.clear()
    return time.perf_counter() - t


def bench_store(kind: str, path: Path, home: Path, args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ)
    store_home = home / "store"
    if kind == "embedded" and store_home.exists():
        shutil.rmtree(store_home)  # the benchmark's own data: a server replaying old runs' log would start slowly
    env["SANCTIONS_GRAPH_HOME"] = str(store_home.resolve())
    env.setdefault("SANCTIONS_GRAPH_QUERY_TIMEOUT", "300")
    settings = Settings.from_env(env, store=kind)
    # a big embedded store takes minutes to load from disk
    store = open_store(settings, start_timeout_s=max(DEFAULT_START_TIMEOUT_S, 300.0))
    out: dict[str, Any] = {"store": store.description}
    try:
        out["clear_before_s"] = round(clear(store), 2)
        print(f"[{kind}] {store.description}: emptied in {out['clear_before_s']} s; loading…", flush=True)
        pid = server_pid(kind, settings, args)
        server_before, client_before = process_cpu_s(pid), time.process_time()
        threads_before = threads_cpu_s(pid) if kind == "neo4j" else None
        report = run_load(
            FtmSource(workers=args.workers), [path], store, progress=NoProgress(), batch_size=args.batch_size
        )
        server_after, client_cpu = process_cpu_s(pid), time.process_time() - client_before
        threads = _delta(threads_cpu_s(pid), threads_before) if kind == "neo4j" else None
        server_cpu = server_after - server_before if server_after is not None and server_before is not None else None
        out["load"] = {
            "records": report.records_read,
            "seconds": round(report.seconds, 2),
            "records_per_s": round(report.records_per_second, 1),
            "nodes_created": report.nodes_created,
            "relationships_created": report.relationships_created,
            "stubs_created": report.stubs_created,
            # where the time went: this process (parsing, rows, the driver) and the server, CPU seconds
            "client_cpu_s": round(client_cpu, 1),
            "server_cpu_s": round(server_cpu, 1) if server_cpu is not None else None,
            # Neo4j's CPU by thread kind: the JIT's compiler threads, garbage collection, the rest (queries)
            "server_cpu_by_thread_s": threads,
        }
        stats = store.stats()
        out["stored"] = {"nodes": stats.total_nodes, "relationships": stats.total_relationships}
        print(f"[{kind}] load: {json.dumps(out['load'])}; stored {json.dumps(out['stored'])}", flush=True)
        if args.rerun:
            again = run_load(
                FtmSource(workers=args.workers), [path], store, progress=NoProgress(), batch_size=args.batch_size
            )
            out["rerun"] = {
                "seconds": round(again.seconds, 2),
                "records_per_s": round(again.records_per_second, 1),
                "nodes_created": again.nodes_created,
                "relationships_created": again.relationships_created,
            }
            print(f"[{kind}] second load of the same file: {json.dumps(out['rerun'])}", flush=True)
        if args.per_record > 0:  # 0: the load alone (the per-record loader costs minutes on Neo4j)
            out["clear_after_load_s"] = round(clear(store), 2)
            print(f"[{kind}] emptied the loaded graph in {out['clear_after_load_s']} s", flush=True)
            recorder = RecordingStore()
            run_load(
                FtmSource(workers=args.workers), [path], recorder, progress=NoProgress(), batch_size=args.batch_size
            )
            store.ensure_schema()
            if kind == "embedded":
                out["waited_for_server_s"] = wait_for_persistence(settings)
            pr = per_record(store, recorder, args.per_record, args.seed)
            pr["records_per_s"] = round(report.records_read / pr["extrapolated_seconds"], 1)
            out["per_record"] = pr
            out["ratio"] = round(out["load"]["records_per_s"] / pr["records_per_s"], 1)
            print(f"[{kind}] per-record (sample, extrapolated): {json.dumps(pr)}", flush=True)
            clear(store)
    finally:
        store.close()
    return out


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def bench_bulk(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Neo4j (the local server of scripts/neo4j.sh: NEO4J_RUN_DIR): the transactional load (unless --bulk-only),
    then the bulk load (import files written in-process, neo4j-admin import with the server's restart, schema,
    indexes ONLINE) of the same file, each phase timed, the load average printed before and after each load."""
    from sanctions_graph.bulk_load import bulk_load

    if not os.environ.get("NEO4J_RUN_DIR"):
        raise SystemExit("--bulk needs the local Neo4j of scripts/neo4j.sh: source its env file (NEO4J_RUN_DIR)")
    settings = Settings.from_env(store="neo4j")
    out: dict[str, Any] = {}
    store = open_store(settings)
    try:
        clear(store)
        if not args.bulk_only:
            before = _uptime()
            report = run_load(
                FtmSource(workers=args.workers), [path], store, progress=NoProgress(), batch_size=args.batch_size
            )
            out["transactional"] = {
                "seconds": round(report.seconds, 2),
                "records_per_s": round(report.records_per_second, 1),
                "uptime_before": before,
                "uptime_after": _uptime(),
            }
            print(f"[neo4j] transactional load: {json.dumps(out['transactional'])}", flush=True)
            clear(store)
    finally:
        store.close()
    out_dir = Path(args.home) / "bulk-files"
    shutil.rmtree(out_dir, ignore_errors=True)
    before = _uptime()
    bulk = bulk_load(
        settings,
        FtmSource(workers=args.workers),
        [path],
        batch_size=args.batch_size,
        directory=out_dir,
        progress=LineProgress("[neo4j] bulk, files", stream=sys.stdout),
        say=lambda message: print(f"[neo4j] bulk: {message} ({time.strftime('%H:%M:%S')})", flush=True),
    )
    records = bulk.records_read
    notes = {k: float(v) for k, v in bulk.notes.items() if k.endswith("(s)")}
    tool_s = notes.get("neo4j-admin import (s)") or None
    out.update(
        {
            "records": records,
            "bulk_end_to_end": {"seconds": round(bulk.seconds, 2), "records_per_s": round(bulk.records_per_second, 1)},
            "import_step": {"seconds": tool_s, "records_per_s": round(records / tool_s, 1) if tool_s else None},
            "phases_s": notes,
            "import_files_mb": bulk.notes.get("import files (MB)"),
            "uptime_before": before,
            "uptime_after": _uptime(),
        }
    )
    if "transactional" in out:
        out["ratio_end_to_end"] = round(bulk.records_per_second / max(out["transactional"]["records_per_s"], 1e-9), 2)
    print(f"[neo4j] bulk: {json.dumps(out)}", flush=True)
    store = open_store(settings)
    try:
        stats = store.stats()
        out["stored"] = {"nodes": stats.total_nodes, "relationships": stats.total_relationships}
        print(f"[neo4j] stored after the bulk load: {json.dumps(out['stored'])}", flush=True)
        if not args.keep:
            clear(store)
    finally:
        store.close()
    shutil.rmtree(out_dir, ignore_errors=True)  # the import files (GBs at 5M entities)
    return out


class _DiscardingWriter:
    """A GraphWriter that writes nothing (the nodes' ids kept, so relationships count as a store would count them):
    what the parse side of a load costs alone."""

    write_workers = 1

    def __init__(self) -> None:
        self.ids: set[str] = set()

    def ensure_schema(self) -> None:
        pass

    def upsert_nodes(self, kind: Any, rows: Sequence[Any]) -> WriteCounts:
        self.ids.update(r.id for r in rows)
        return WriteCounts(nodes_created=len(rows), rows_written=len(rows))

    def upsert_relationships(self, rel_type: Any, rows: Sequence[Any]) -> WriteCounts:
        n = sum(1 for r in rows if r.source in self.ids and r.target in self.ids)
        return WriteCounts(relationships_created=n, rows_written=n)

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        self.ids.update(ids)
        return WriteCounts(nodes_created=len(ids), rows_written=len(ids))

    def add_to_node_lists(self, rows: Sequence[Any]) -> WriteCounts:
        return WriteCounts(rows_written=len(rows))

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        return WriteCounts()

    def set_node_properties(self, props: Sequence[Any], rows: Sequence[Any]) -> WriteCounts:
        return WriteCounts()

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        return WriteCounts()


def bench_parse(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The parse side alone, no store: the file into a writer that discards the records (--parse-only discard) or
    into the bulk import files (--parse-only files: BulkImportWriter with its file-writing process, as --bulk
    writes them), with this process's CPU seconds and the writing process's."""
    from graph import BulkImportWriter

    out_dir = Path(args.home) / "parse-files"
    shutil.rmtree(out_dir, ignore_errors=True)
    bulk = BulkImportWriter(out_dir, process=True) if args.parse_only == "files" else None
    writer: Any = bulk if bulk is not None else _DiscardingWriter()
    before, cpu, children = _uptime(), time.process_time(), os.times()
    report = run_load(
        FtmSource(workers=args.workers), [path], writer, progress=NoProgress(), batch_size=args.batch_size
    )
    if bulk is not None:
        bulk.close()
    after = os.times()
    out = {
        "mode": args.parse_only,
        "workers": FtmSource(workers=args.workers).workers,
        "records": report.records_read,
        "seconds": round(report.seconds, 2),
        "records_per_s": round(report.records_per_second, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        "writer_process_cpu_s": round(
            after.children_user + after.children_system - children.children_user - children.children_system, 1
        ),
        "uptime_before": before,
        "uptime_after": _uptime(),
    }
    shutil.rmtree(out_dir, ignore_errors=True)
    print(f"[parse] {json.dumps(out)}", flush=True)
    return out


def table(results: dict[str, dict[str, Any]]) -> str:
    rows = [
        ("store", "records", "load s", "records/s", "per-record rec/s*", "ratio", "clear s", "CPU s client / server"),
    ]
    for kind, r in results.items():
        server_cpu = r["load"]["server_cpu_s"]
        split = r["load"].get("server_cpu_by_thread_s")
        split_text = f" (JIT {split['jit']}, GC {split['gc']})" if split else ""
        per_rec, ratio, cleared = r.get("per_record"), r.get("ratio"), r.get("clear_after_load_s")
        rows.append(
            (
                kind,
                str(r["load"]["records"]),
                f"{r['load']['seconds']:.1f}",
                f"{r['load']['records_per_s']:,.0f}",
                f"{per_rec['records_per_s']:,.0f}" if per_rec else "-",
                f"{ratio:.1f}x" if ratio is not None else "-",
                f"{cleared:.1f}" if cleared is not None else "-",
                f"{r['load']['client_cpu_s']:.1f} / {server_cpu if server_cpu is not None else '?'}{split_text}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    text = "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)
    return (
        text + "\n* one write transaction per record (store API, batch size 1) on a sample of "
        "the parsed records, extrapolated to the whole file; CPU s: of this process and of the store server\n"
        "  during the load (the server's is '?' unless it runs here: the embedded one, or Neo4j with --neo4j-pid or\n"
        "  NEO4J_RUN_DIR); their sum over the machine's cores bounds the records/s any schedule could reach"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time `sanctions-graph load ftm` on a generated FtM file against a one-transaction-per-record "
        "loader, on the embedded store, Neo4j (NEO4J_* environment) or both.",
    )
    parser.add_argument("--entities", type=int, default=100_000, help="FtM entities to generate (default 100000)")
    parser.add_argument("--links", type=int, default=300_000, help="FtM edge records to generate (default 300000)")
    parser.add_argument("--store", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument(
        "--home",
        default="/tmp/load-bench",
        help="directory of the generated file; the embedded store's data goes to (and is wiped from) DIR/store",
    )
    parser.add_argument(
        "--per-record", type=int, default=3000, help="sample size of the per-record loader (0: the load alone)"
    )
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="the load's batch size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rerun", action="store_true", help="load the file a second time (must create nothing)")
    parser.add_argument("--out", help="write the figures as JSON to this file")
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="Neo4j: the transactional load against --bulk (neo4j-admin import, restart included) of the same file",
    )
    parser.add_argument(
        "--bulk-only", action="store_true", help="with --bulk: no transactional load first (e.g. 5M entities)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="with --bulk: leave the bulk-loaded graph in the database (to query it)"
    )
    parser.add_argument(
        "--window",
        type=int,
        help="generate the file shuffled within this many lines (a file too large to shuffle in memory)",
    )
    parser.add_argument(
        "--neo4j-pid", help="the local Neo4j server's process id, to report its CPU (default: $NEO4J_RUN_DIR/neo4j.pid)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="processes parsing the file's lines (default: one per core, as `load ftm`; 1: the loading process alone)",
    )
    parser.add_argument(
        "--parse-only",
        choices=("discard", "files"),
        help="no store: time the parse side alone, into a writer that discards the records or into the bulk import "
        "files (with the CPU seconds of this process and of the file-writing one)",
    )
    args = parser.parse_args(argv)

    home = Path(args.home)
    path = home / f"bench-{args.entities}-{args.links}-{args.seed}.ftm.json"
    figures: dict[str, Any] = {"entities": args.entities, "links": args.links, "seed": args.seed, "file": str(path)}
    if not path.exists():
        t = time.perf_counter()
        figures["lines"] = generate(path, args.entities, args.links, args.seed, window=args.window)
        print(f"generated {path} ({sum(figures['lines'].values())} lines) in {time.perf_counter() - t:.1f} s")
    if args.parse_only:
        figures["parse"] = bench_parse(path, args)
        if args.out:
            Path(args.out).write_text(json.dumps(figures, indent=1) + "\n")
        return 0
    if args.bulk:
        figures["bulk"] = bench_bulk(path, args)
        figures["uptime"] = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
        print(f"load average: {figures['uptime']}")
        if args.out:
            Path(args.out).write_text(json.dumps(figures, indent=1) + "\n")
        return 0
    results: dict[str, dict[str, Any]] = {}
    for kind in ("embedded", "neo4j") if args.store == "both" else (args.store,):
        results[kind] = bench_store(kind, path, home, args)
    figures["results"] = results
    figures["uptime"] = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    print()
    print(table(results))
    print(f"load average: {figures['uptime']}")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
