"""How long one `sanctions-graph` command takes on the embedded store: cold (no server running) and warm (the server a
command left running, see --idle-timeout), p50/p95 over N runs of `search TEXT`, `show ID`, `db status` and
`--help`, with uptime; optionally side by side with another checkout of the code (--compare DIR).

    .venv/bin/python benchmarks/cli_bench.py --runs 10
    git archive <commit> | tar -x -C /tmp/before
    .venv/bin/python benchmarks/cli_bench.py --runs 10 --warm-only --compare /tmp/before

Kinds timed, each a fresh `python -m sanctions_graph …` process as a user runs it:
- "cold, stop after": no server; the command starts it, loads the data, answers and stops it (--idle-timeout 0, the
  behaviour before the idle timeout);
- "cold, left running": no server; the command starts it and leaves it running (the default);
- "warm": the server is running; the command connects to it (`db status` and `--help` are timed warm only);
- "python imports": `python -c "import sanctions_graph.cli"`, the floor of any command;
- "in-process": the command's body through `main()` in this process (imports paid once), the store's part.
With --compare, every timed process runs once per code tree in turn (this checkout, then DIR, with PYTHONPATH and
the working directory set to the tree), so both see the same server, data and load. The store holds the demo data
(OFAC DPRK extract + the fictional scenario), loaded first.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _p50_p95(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each command and kind")
    parser.add_argument("--home", default="/tmp/cli-bench", help="SANCTIONS_GRAPH_HOME of the embedded store used")
    parser.add_argument("--text", default="kim sang man", help="what `search` looks for")
    parser.add_argument("--id", default="ofac-43377", help="what `show` shows")
    parser.add_argument("--warm-only", action="store_true", help="time only warm commands and the imports")
    parser.add_argument("--compare", type=Path, help="another checkout of the code, timed in turn with this one")
    args = parser.parse_args()
    env = {
        **os.environ,
        "SANCTIONS_GRAPH_HOME": str(Path(args.home).resolve()),
        "SANCTIONS_GRAPH_STORE": "embedded",
        "SANCTIONS_GRAPH_IDLE_TIMEOUT": "600",
    }
    os.environ.update(env)
    trees = {"this": ROOT}
    if args.compare:
        trees["compare"] = args.compare.resolve()

    def run_in(tree: Path, *python_args: str) -> None:
        tree_env = {**env, "PYTHONPATH": str(tree)}
        subprocess.run([sys.executable, *python_args], env=tree_env, cwd=tree, check=True, capture_output=True)

    def cli(*argv: str, tree: Path = ROOT) -> None:
        run_in(tree, "-m", "sanctions_graph", *argv)

    from sanctions_graph import demo

    cli("load", "ofac-sdn", str(demo.ofac_dir()), "--no-progress")
    cli("load", "jsonl", str(demo.scenario_file()), "--dataset", demo.SCENARIO_DATASET, "--no-progress")
    commands = {
        "search": ["search", args.text],
        "show": ["show", args.id],
        "db status": ["db", "status"],
        "--help": ["--help"],
    }
    times: dict[tuple[str, str, str], list[float]] = defaultdict(list)

    def timed(name: str, kind: str, python_args: list[str], before: Callable[[], object]) -> None:
        """``runs`` runs, each tree in turn within a run, ``before`` (not timed) ahead of each process."""
        for _ in range(args.runs):
            for label, tree in trees.items():
                before()
                started = time.perf_counter()
                run_in(tree, *python_args)
                times[(name, kind, label)].append(time.perf_counter() - started)

    def stopped() -> None:
        cli("db", "stop")

    print(f"uptime before: {_uptime()}")
    for name, argv in commands.items():
        command = ["-m", "sanctions_graph", *argv]
        if not args.warm_only and name in ("search", "show"):
            timed(name, "cold, stop after", ["-m", "sanctions_graph", "--idle-timeout", "0", *argv], stopped)
            timed(name, "cold, left running", command, stopped)
        cli("search", args.text)  # the server is running from here on
        timed(name, "warm", command, lambda: None)
    timed("any", "python imports", ["-c", "import sanctions_graph.cli"], lambda: None)
    from sanctions_graph.cli import main as cli_main

    for name in ("search", "show"):

        def in_process(argv: list[str] = commands[name]) -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                assert cli_main(argv) == 0

        for _ in range(args.runs):
            started = time.perf_counter()
            in_process()
            times[(name, "in-process (warm)", "this")].append(time.perf_counter() - started)
    stopped()
    print(f"{'command':<10} {'kind':<20} {'code':<8} {'p50 s':>8} {'p95 s':>8}   ({args.runs} runs each)")
    for (name, kind, label), values in times.items():
        p50, p95 = _p50_p95(values)
        print(f"{name:<10} {kind:<20} {label:<8} {p50:8.3f} {p95:8.3f}")
    for label, tree in trees.items():
        print(f"code {label}: {tree}")
    print(f"uptime after: {_uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
