"""`sanctions-graph load SOURCE … --store neo4j --bulk`: a first load into an empty Neo4j database through the import
tool. The source's records become import CSV files (graph's BulkImportWriter), `scripts/neo4j.sh import` replaces
the local server's database with them (stop, `neo4j-admin database import full`, start), then the schema and
full-text indexes are created and the few writes the import tool cannot do are applied. For a server this machine
does not run, the files are kept and the exact command printed (docs/scale.md)."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from graph import BulkImportWriter, ConfigError, Settings, StoreUnavailable, store_session
from loaders.framework import LoadReport, Progress, Source, run_load

#: The script that runs the local server (scripts/neo4j.sh), beside this package in a checkout.
NEO4J_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "neo4j.sh"


def _local(settings: Settings) -> bool:
    host = urlsplit(settings.neo4j_uri).hostname or ""
    return host in {"127.0.0.1", "localhost", "::1"} and bool(os.environ.get("NEO4J_RUN_DIR")) and NEO4J_SCRIPT.exists()


def bulk_load(
    settings: Settings,
    source: Source,
    files: Sequence[Path],
    *,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
    batch_size: int = 2000,
    directory: Path | None = None,
    say: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load ``files`` into an empty Neo4j database with the import tool; returns the load's report, whose seconds
    cover parsing, writing the files, the import with the server's restart, and the schema. ``progress`` follows
    the records read; ``say`` gets a sentence as each later phase starts (minutes each at millions of records)."""
    tell = say or (lambda _message: None)
    if settings.store != "neo4j":
        raise ConfigError("--bulk loads into Neo4j only: add --store neo4j.")
    with store_session(settings) as store:
        if store.stats().total_nodes:
            raise ConfigError(
                f"--bulk replaces the whole database and {store.description} is not empty: load without --bulk, or "
                "empty it first (sanctions-graph db reset)."
            )
    started = time.perf_counter()
    out = directory or Path(tempfile.mkdtemp(prefix="sanctions-graph-bulk-"))
    writer = BulkImportWriter(out, process=True)  # the files written by a process of its own while this one parses
    try:
        report = run_load(source, files, writer, rejects_path=rejects_path, progress=progress, batch_size=batch_size)
    except BaseException:
        writer.abort()  # the process writing the files ends with the load
        raise
    bulk = writer.close()
    report.notes["import files written (s)"] = round(time.perf_counter() - started)
    report.notes["import files (MB)"] = round(sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 1e6)
    if not _local(settings):
        report.warnings.append(
            f"The import files are in {out}. On the Neo4j server (stopped), run: "
            f"{bulk.command(settings.neo4j_database)}; start it, then load any source once without --bulk to "
            "create the schema (docs/scale.md)."
        )
        return report
    env = {**os.environ, "NEO4J_ENV_FILE": str(Path(os.environ["NEO4J_RUN_DIR"]) / "neo4j.env")}
    tell(
        f"import files written in {report.notes['import files written (s)']} s "
        f"({report.notes['import files (MB)']:,} MB in {out}); importing them with neo4j-admin (the server is "
        "stopped, then started again)"
    )
    imported = time.perf_counter()
    done = subprocess.run(["bash", str(NEO4J_SCRIPT), "import", str(out)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise StoreUnavailable(f"The import into Neo4j failed: {done.stderr.strip()[-2000:]}")
    report.notes["import step with the restart (s)"] = round(time.perf_counter() - imported)
    tool = re.search(r"imported in (\d+)s", done.stderr)
    if tool:
        report.notes["neo4j-admin import (s)"] = int(tool.group(1))
    tell(f"imported, server started again ({report.notes['import step with the restart (s)']} s); creating the schema")
    with store_session(settings) as store:
        schema = time.perf_counter()
        store.ensure_schema()
        report.notes["schema and constraints (s)"] = round(time.perf_counter() - schema)
        tell(f"schema created ({report.notes['schema and constraints (s)']} s); the writes the import tool cannot do")
        after = time.perf_counter()
        bulk.apply_after(store)
        report.notes["writes after the import (s)"] = round(time.perf_counter() - after)
        online = time.perf_counter()
        wait = getattr(store, "await_indexes", None)  # Neo4j: the indexes fill in the background; searches need them
        if callable(wait):
            tell("waiting for the full-text indexes to come ONLINE (searches need them)")
            wait()
            report.notes["indexes ONLINE after (s)"] = round(time.perf_counter() - online)
    report.seconds = time.perf_counter() - started
    return report
