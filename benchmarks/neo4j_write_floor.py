"""What Neo4j itself costs per write on this machine, with nothing of sanctions-graph in the way.

    source "$(bash scripts/neo4j.sh start | tail -n 1)"     # a scratch database: the script adds and removes data
    NEO4J_RUN_DIR=build/neo4j-run .venv/bin/python benchmarks/neo4j_write_floor.py --nodes 50000

With the driver alone, in UNWIND batches like the loaders': N nodes `CREATE (n:WriteFloor {id: row.id})` under a
uniqueness constraint, then N relationships `CREATE (a)-[:WRITE_FLOOR]->(b)` between nodes found through it. It
prints wall time and the server's CPU time per write (the server's CPU is read from /proc, so only for a Neo4j on
this machine: --neo4j-pid or $NEO4J_RUN_DIR/neo4j.pid), then removes its nodes, relationships and constraint.
These are floors: a loader's records carry properties, more indexes and an existence check on top.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import neo4j

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load_bench import neo4j_pid, process_cpu_s

LABEL = "WriteFloor"
REL = "WRITE_FLOOR"
CONSTRAINT = "write_floor_id"


def _timed(driver: neo4j.Driver, query: str, rows: list[dict[str, Any]], batch: int, pid: int | None) -> dict[str, Any]:
    def write(tx: neo4j.ManagedTransaction, part: list[dict[str, Any]]) -> None:
        tx.run(query, rows=part).consume()

    cpu0, t0 = process_cpu_s(pid), time.perf_counter()
    with driver.session() as session:
        for start in range(0, len(rows), batch):
            session.execute_write(write, rows[start : start + batch])
    wall, cpu1 = time.perf_counter() - t0, process_cpu_s(pid)
    server = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
    return {
        "writes": len(rows),
        "wall_s": round(wall, 2),
        "writes_per_s": round(len(rows) / wall),
        "server_cpu_us_per_write": round(server / len(rows) * 1e6, 1) if server is not None else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Neo4j's own cost per node and relationship write (NEO4J_* env).")
    parser.add_argument("--nodes", type=int, default=50_000, help="nodes, and relationships, to write (default 50000)")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--neo4j-pid", help="the local server's process id (default: $NEO4J_RUN_DIR/neo4j.pid)")
    args = parser.parse_args(argv)
    driver = neo4j.GraphDatabase.driver(
        os.environ["NEO4J_URI"],
        auth=(os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"]),
        notifications_min_severity="OFF",
    )
    pid = neo4j_pid(args.neo4j_pid)
    n = args.nodes
    try:
        with driver.session() as session:
            session.run(
                f"CREATE CONSTRAINT {CONSTRAINT} IF NOT EXISTS FOR (n:{LABEL}) REQUIRE n.id IS UNIQUE"
            ).consume()
        nodes = _timed(
            driver,
            f"UNWIND $rows AS row CREATE (n:{LABEL} {{id: row.id}})",
            [{"id": f"wf-{i}"} for i in range(n)],
            args.batch_size,
            pid,
        )
        print(f"nodes (id only, unique constraint): {nodes}", flush=True)
        rels = _timed(
            driver,
            f"UNWIND $rows AS row MATCH (a:{LABEL} {{id: row.a}}) MATCH (b:{LABEL} {{id: row.b}}) "
            f"CREATE (a)-[:{REL}]->(b)",
            [{"a": f"wf-{i}", "b": f"wf-{(i * 7919 + 1) % n}"} for i in range(n)],
            args.batch_size,
            pid,
        )
        print(f"relationships (no property, ends by the unique index): {rels}", flush=True)
    finally:
        with driver.session() as session:
            session.run(f"MATCH (n:{LABEL}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS").consume()
            session.run(f"DROP CONSTRAINT {CONSTRAINT} IF EXISTS").consume()
        driver.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
