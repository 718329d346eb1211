"""Kill the embedded server at seeded moments of a load: after each kill the store must start again (restoring the
last good copy if its files are damaged) and a re-run of the load must give the digest of a clean load.

Used by tests/hostile/test_kill_schedule.py (a few kills) and benchmarks/kill_bench.py (the full schedule)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from graph import GraphStore, SanctionsGraphError, Settings, open_store
from graph.stores.embedded_server import EmbeddedServer
from loaders.framework import run_load
from loaders.sources.native_jsonl import NativeJsonlSource
from tests.doubles import graph_digest


def write_scenario(path: Path, entities: int) -> Path:
    """A deterministic file of ``entities`` companies, each owning the next (and a payment to every seventh)."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(entities):
            node = {"node": "Company", "id": f"k-{i}", "name": f"Kill Test Company {i}", "countries": ["kp"]}
            out.write(json.dumps(node) + "\n")
        for i in range(entities - 1):
            out.write(json.dumps({"rel": "OWNS", "source": f"k-{i}", "target": f"k-{i + 1}", "percentage": 51}) + "\n")
            if i % 7 == 0:
                rel = {"rel": "PAID", "source": f"k-{i}", "target": f"k-{(i * 13) % entities}", "amount": i}
                out.write(json.dumps(rel) + "\n")
    return path


def load(store: GraphStore, data: Path) -> None:
    run_load(NativeJsonlSource("killtest"), [data], store)


@dataclass
class KillOutcome:
    kills: int = 0
    killed_mid_load: int = 0
    restarts: int = 0
    restores: int = 0
    digests_equal: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"kills {self.kills}, killed mid-load {self.killed_mid_load}, restarts {self.restarts}, "
            f"restores {self.restores}, digests equal {self.digests_equal}/{self.kills}"
        )


def clean_run(data: Path, home: Path) -> tuple[str, float]:
    """The digest of a clean load into a new store, and the seconds the load took."""
    store = open_store(Settings.from_env({"SANCTIONS_GRAPH_HOME": str(home)}, store="embedded"))
    try:
        started = time.monotonic()
        load(store, data)
        seconds = time.monotonic() - started
        return graph_digest(store), seconds
    finally:
        store.close()


def run_schedule(data: Path, home: Path, kills: int, seed: int, expected: str, load_seconds: float) -> KillOutcome:
    """``kills`` times: start a load, ``kill -9`` the server at a seeded moment of it, start the store again and
    re-run the load; count restarts, restores and re-runs whose digest equals ``expected``."""
    rng = random.Random(seed)
    settings = Settings.from_env({"SANCTIONS_GRAPH_HOME": str(home)}, store="embedded")
    server = EmbeddedServer(settings.home)
    outcome = KillOutcome()
    for _ in range(kills):
        store = open_store(settings)
        errors: list[BaseException] = []

        def _load(target: GraphStore = store, failed: list[BaseException] = errors) -> None:
            try:
                load(target, data)
            except (SanctionsGraphError, OSError) as exc:
                failed.append(exc)

        worker = threading.Thread(target=_load)
        worker.start()
        time.sleep(rng.uniform(0.0, load_seconds))
        pid = server.status().pid
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            outcome.kills += 1
        worker.join()
        outcome.killed_mid_load += bool(errors)
        with contextlib.suppress(SanctionsGraphError, OSError):
            store.close()
        try:
            again = open_store(settings)
        except SanctionsGraphError as exc:
            outcome.failures.append(f"no start after a kill: {exc}")
            break
        outcome.restarts += 1
        damaged = len(list(server.data_dir.glob("damaged-*")))
        outcome.restores = damaged
        try:
            load(again, data)
            got = graph_digest(again)
        finally:
            again.close()
        if got == expected:
            outcome.digests_equal += 1
        else:
            outcome.failures.append("a re-run after a kill gave another digest than a clean load")
    return outcome
