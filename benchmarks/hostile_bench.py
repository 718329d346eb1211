"""Bad input, one child process per case: every source with each of its files made hostile (tests/hostile), a gzip
bomb and a 50 MB name; prints per case the exit, the outcome (records read / rejected, or the sentence) and the
child's peak memory (ru_maxrss from wait4, as /usr/bin/time reports it).

    .venv/bin/python benchmarks/hostile_bench.py [--only CONTENT ...]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile.hostile_files import CONTENTS, SETS  # noqa: E402

_CHILD = """
import json, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from graph import SanctionsGraphError
from loaders.framework import run_load
from loaders.registry import SOURCES
from tests.hostile.hostile_files import prepare
source, content, tmp = sys.argv[1], sys.argv[2], Path(sys.argv[3])
if content.startswith("file:"):
    paths, options = [Path(content[5:])], {{"dataset": "bench"}}
else:
    paths, options = prepare(source, content, tmp)
built, files = SOURCES[source].build(options, paths)
try:
    r = run_load(built, files, None, check_counts=False)
    print(json.dumps({{"outcome": f"read {{r.records_read}}, rejected {{r.rejected}}"}}))
except SanctionsGraphError as exc:
    print(json.dumps({{"outcome": "sentence: " + str(exc).split(": ", 1)[-1][:70]}}))
    sys.exit(1)
"""


def run_case(source: str, content: str, tmp: Path) -> tuple[int, str, float]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD.format(root=str(ROOT)), source, content, str(tmp)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = proc.stdout.read() if proc.stdout else "", proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    try:
        outcome = json.loads(out.strip().splitlines()[-1])["outcome"]
    except (IndexError, ValueError, KeyError):
        outcome = "TRACEBACK: " + (err.strip().splitlines() or ["?"])[-1][:80]
    return code, outcome, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="contents to run (default: all)")
    args = parser.parse_args()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    tracebacks = 0
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        bomb = tmp / "bomb.ftm.json.gz"
        with gzip.open(bomb, "wb", compresslevel=9) as out:
            line = b'{"id": "x", "schema": "Thing"}' + b" " * 1000 + b"\n"
            for _ in range(1_200_000):  # 1.2 GB expanded
                out.write(line)
        big = tmp / "big-name.jsonl"
        big.write_text(json.dumps({"node": "Company", "id": "big", "name": "A" * 50_000_000}) + "\n")
        cases = [(s, c) for s in SETS for c in CONTENTS if not args.only or c in args.only]
        cases += [("ftm", f"file:{bomb}"), ("jsonl", f"file:{big}")]
        print(f"{'source':<10}{'input':<24}{'exit':>5}  {'peak MB':>8}  outcome")
        for source, content in cases:
            code, outcome, peak = run_case(source, content, tmp)
            tracebacks += outcome.startswith("TRACEBACK")
            shown = Path(content[5:]).name if content.startswith("file:") else content
            print(f"{source:<10}{shown:<24}{code:>5}  {peak:>8.0f}  {outcome}", flush=True)
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"{len(cases)} cases, {tracebacks} tracebacks")
    return 1 if tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
