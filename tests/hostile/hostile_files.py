"""Hostile file contents for every source: each replaces one file of a good fixture set, and a load of the set must
end in a report (bad records rejected) or one sentence (SanctionsGraphError), never a traceback.

Used by tests/hostile/test_hostile_files.py and benchmarks/hostile_bench.py."""

from __future__ import annotations

import gzip
import random
import shutil
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _binary(size: int = 20_000) -> bytes:
    rng = random.Random(5)
    return bytes(rng.randrange(256) for _ in range(size))


def _first_line(good: bytes) -> bytes:
    return good.split(b"\n", 1)[0] + b"\n"


def _ended(good: bytes) -> bytes:
    return good if good.endswith(b"\n") else good + b"\n"


#: name -> how to make the hostile content from the good content of the file it replaces
CONTENTS: dict[str, Callable[[bytes], bytes]] = {
    "binary": lambda good: _binary(),
    "empty": lambda good: b"",
    "utf16": lambda good: good.decode("utf-8", "replace").encode("utf-16"),
    "nul-bytes": lambda good: good.replace(b",", b",\x00", 5),
    "header-only": _first_line,
    "long-line": lambda good: _first_line(good) + b'"' + b"A" * 3_000_000 + b'"\n' + good.split(b"\n", 1)[-1],
    "many-columns": lambda good: _ended(good) + b",".join([b"x"] * 100_000) + b"\n",
    "unclosed-quote": lambda good: _ended(good) + b'"never closed,' + b"x" * 1000 + b"\n",
    "deep-json": lambda good: b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "garbage-json": lambda good: b'{"id": "a", "schema": "Person", "properties": {"name": NaN}}\n}{\n' + good,
    "gzip-bomb": lambda good: gzip.compress(b" " * (64 << 20)),
}

#: source name -> (fixture set to copy, the file of it to replace, options)
SETS: dict[str, tuple[str, str, dict[str, str]]] = {
    "ofac-sdn": ("ofac", "sdn.csv", {}),
    "icij": ("icij/release", "nodes-entities.csv", {}),
    "transfers": ("transfers", "etherscan.csv", {"mapping": "etherscan"}),
    "csv": ("csv", "companies.csv", {"mapping": "mapping.toml"}),
    "ftm": ("ftm", "", {}),
    "jsonl": ("", "scenario.jsonl", {"dataset": "hostile"}),
}


def prepare(source: str, content: str, root: Path) -> tuple[list[Path], dict[str, str]]:
    """A copy of ``source``'s fixture set under ``root`` with one file made hostile; returns the paths to load and
    the options."""
    fixture, name, options = SETS[source]
    target = root / f"{source}-{content}"
    shutil.rmtree(target, ignore_errors=True)
    if source == "jsonl":
        target.mkdir(parents=True)
        good = (Path(__file__).resolve().parents[2] / "sanctions_graph" / "demo" / "scenario.jsonl").read_bytes()
        (target / name).write_bytes(CONTENTS[content](good))
        return [target / name], options
    if source == "ftm":
        target.mkdir(parents=True)
        good_file = sorted((FIXTURES / "ftm").glob("*.json*"))[0]
        (target / "hostile.jsonl").write_bytes(CONTENTS[content](good_file.read_bytes()))
        return [target / "hostile.jsonl"], options
    shutil.copytree(FIXTURES / fixture, target)
    hostile = target / name
    hostile.write_bytes(CONTENTS[content](hostile.read_bytes()))
    opts = dict(options)
    if opts.get("mapping", "").endswith(".toml"):
        opts["mapping"] = str(target / opts["mapping"])
    if source == "transfers":
        return [hostile], opts
    if source == "csv":
        return [], opts
    return [target], opts
