"""How long one `sanctions-graph` command takes on the embedded store: cold (no server running) and warm (the server a
command left running, see --idle-timeout), p50/p95 over N runs of `search TEXT` and `show ID`, with uptime.

    .venv/bin/python benchmarks/cli_bench.py --runs 10

Kinds timed, each a fresh `python -m sanctions_graph …` process as a user runs it:
- "cold, stop after": no server; the command starts it, loads the data, answers and stops it (--idle-timeout 0, the
  behaviour before the idle timeout);
- "cold, left running": no server; the command starts it and leaves it running (the default);
- "warm": the server is running; the command connects to it;
- "python imports": `python -c "import sanctions_graph.cli"`, the floor of any command;
- "in-process": the command's body through `main()` in this process (imports paid once), the store's part.
The store holds the demo data (OFAC DPRK extract + the fictional scenario), loaded first.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _p50_p95(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _timed(run: Callable[[], object], before: Callable[[], object], runs: int) -> tuple[float, float]:
    """p50/p95 in seconds of ``run`` over ``runs`` runs, ``before`` (not timed) ahead of each."""
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return _p50_p95(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each command and kind")
    parser.add_argument("--home", default="/tmp/cli-bench", help="SANCTIONS_GRAPH_HOME of the embedded store used")
    parser.add_argument("--text", default="kim sang man", help="what `search` looks for")
    parser.add_argument("--id", default="ofac-43377", help="what `show` shows")
    args = parser.parse_args()
    env = {
        **os.environ,
        "SANCTIONS_GRAPH_HOME": str(Path(args.home).resolve()),
        "SANCTIONS_GRAPH_STORE": "embedded",
        "SANCTIONS_GRAPH_IDLE_TIMEOUT": "600",
    }
    os.environ.update(env)

    def cli(*argv: str) -> None:
        subprocess.run([sys.executable, "-m", "sanctions_graph", *argv], env=env, check=True, capture_output=True)

    from sanctions_graph import demo

    cli("load", "ofac-sdn", str(demo.ofac_dir()), "--no-progress")
    cli("load", "jsonl", str(demo.scenario_file()), "--dataset", demo.SCENARIO_DATASET, "--no-progress")
    commands = {"search": ["search", args.text], "show": ["show", args.id]}

    def stopped() -> None:
        cli("db", "stop")

    def nothing() -> None:
        pass

    print(f"uptime before: {_uptime()}")
    rows: list[tuple[str, str, tuple[float, float]]] = []
    for name, argv in commands.items():
        rows.append((name, "cold, stop after", _timed(partial(cli, "--idle-timeout", "0", *argv), stopped, args.runs)))
        rows.append((name, "cold, left running", _timed(partial(cli, *argv), stopped, args.runs)))
        cli(*argv)  # the server is running from here on
        rows.append((name, "warm", _timed(partial(cli, *argv), nothing, args.runs)))
    imports = _timed(
        lambda: subprocess.run([sys.executable, "-c", "import sanctions_graph.cli"], env=env, check=True),
        nothing,
        args.runs,
    )
    rows.append(("any", "python imports", imports))
    from sanctions_graph.cli import main as cli_main

    for name, argv in commands.items():

        def in_process(a: list[str] = argv) -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                assert cli_main(a) == 0

        rows.append((name, "in-process (warm)", _timed(in_process, nothing, args.runs)))
    stopped()
    print(f"{'command':<8} {'kind':<22} {'p50 s':>8} {'p95 s':>8}   ({args.runs} runs each)")
    for name, kind, (p50, p95) in rows:
        print(f"{name:<8} {kind:<22} {p50:8.3f} {p95:8.3f}")
    print(f"uptime after: {_uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
