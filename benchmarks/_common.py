"""What the benchmarks share: the --store/--home options and a store opened for a large graph."""

from __future__ import annotations

import argparse
import os
import random
from pathlib import Path

from graph.settings import Settings
from graph.stores.base import GraphStore
from graph.stores.factory import DEFAULT_START_TIMEOUT_S, open_store


def add_store_options(parser: argparse.ArgumentParser, home: str) -> None:
    """--store (embedded or neo4j) and --home (the embedded store's SANCTIONS_GRAPH_HOME, default ``home``)."""
    parser.add_argument("--store", choices=("embedded", "neo4j"), default="embedded")
    parser.add_argument("--home", default=home, help="SANCTIONS_GRAPH_HOME for the embedded store")


def open_bench_store(
    kind: str, home: str | Path, start_timeout_s: float = 300.0, query_timeout_s: int | None = 120
) -> GraphStore:
    """The store of that kind with its home at ``home``; a store of a million entities takes a while to load from
    disk, hence a generous start timeout (never below the default), and a query timeout unless the environment
    sets one (None: the settings' own)."""
    env = dict(os.environ)
    env["SANCTIONS_GRAPH_HOME"] = str(Path(home).resolve())
    if query_timeout_s is not None:
        env.setdefault("SANCTIONS_GRAPH_QUERY_TIMEOUT", str(query_timeout_s))
    settings = Settings.from_env(env, store=kind)
    return open_store(settings, start_timeout_s=max(DEFAULT_START_TIMEOUT_S, start_timeout_s))


def respelled(name: str, rng: random.Random) -> str:
    """A listed name as another file might write it: words reordered, a letter changed, a legal form swapped."""
    words = name.replace(",", "").split()
    roll = rng.random()
    if roll < 0.3 and len(words) > 1:
        rng.shuffle(words)
    elif roll < 0.7:
        i = rng.randrange(len(words))
        if len(words[i]) > 4:
            j = rng.randrange(1, len(words[i]) - 1)
            words[i] = words[i][:j] + rng.choice("aeiouny") + words[i][j + 1 :]
    else:
        legal = {"LTD.", "LTD", "LLC", "CO.", "CO", "COMPANY", "LIMITED", "JSC", "OOO", "AO"}
        kept = [w for w in words if w.upper() not in legal]
        words = kept + ([rng.choice(("Limited", "LLC", "Co., Ltd."))] if len(kept) < len(words) else [])
    return " ".join(w.capitalize() if w.isupper() else w for w in words)
