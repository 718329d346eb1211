"""The full kill schedule on the embedded store: kill -9 the server at seeded moments of a load, start it again,
re-run the load and compare the digest with a clean load's. Prints kills, restarts, restores and equal digests.

    .venv/bin/python benchmarks/kill_bench.py [--entities 20000] [--kills 40] [--seed 7]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hostile.kill_schedule import clean_run, run_schedule, write_scenario


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    with tempfile.TemporaryDirectory(prefix="kill-bench-") as tmp:
        root = Path(tmp)
        data = write_scenario(root / "scenario.jsonl", args.entities)
        expected, seconds = clean_run(data, root / "clean")
        print(f"clean load of {args.entities} entities: {seconds:.1f} s")
        started = time.monotonic()
        outcome = run_schedule(data, root / "killed", args.kills, args.seed, expected, seconds)
        print(outcome.line(), f"({time.monotonic() - started:.0f} s)")
        for failure in outcome.failures:
            print("FAILED:", failure)
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    return 0 if not outcome.failures and outcome.digests_equal == outcome.kills else 1


if __name__ == "__main__":
    sys.exit(main())
