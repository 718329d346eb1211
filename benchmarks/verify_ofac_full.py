"""Run the OFAC SDN loader over a full-list directory and print what it made of it.

    .venv/bin/python benchmarks/verify_ofac_full.py DIR                     # dry run (parse and map, write nothing)
    .venv/bin/python benchmarks/verify_ofac_full.py DIR --store embedded    # a real load ($SANCTIONS_GRAPH_HOME)
    .venv/bin/python benchmarks/verify_ofac_full.py DIR --store neo4j       # a real load into $NEO4J_URI

DIR holds sdn.csv and, when available, add.csv, alt.csv and sdn_comments.csv (OFAC's published files). Printed:
records by SDN_Type (counted with the csv module, independently of the loader), nodes and relationships by kind,
identifiers by kind (the label before ": "), remark items not recognised and free-text items by their first words,
rejects by reason, notes, warnings, time and records/s. Figures only: nothing here fails on speed.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.model import NodeRecord, RelRecord, WriteCounts
from graph.settings import Settings
from graph.stores.base import GraphWriter
from graph.stores.factory import open_store
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.framework import run_load
from loaders.sources.ofac_sdn import OfacSdnSource, decode, null, parse_remarks, read_rows


class Tee:
    """A GraphWriter that counts identifier labels of the nodes it sees and passes them on (or drops them)."""

    write_workers = 1

    def __init__(self, inner: GraphWriter | None) -> None:
        self.inner = inner
        self.identifier_kinds: Counter[str] = Counter()

    def ensure_schema(self) -> None:
        if self.inner is not None:
            self.inner.ensure_schema()

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        for row in rows:
            for text in row.props.get(Prop.IDENTIFIERS, []):
                self.identifier_kinds[text.split(": ", 1)[0]] += 1
        if self.inner is not None:
            return self.inner.upsert_nodes(kind, rows)
        return WriteCounts(nodes_created=0, rows_written=len(rows))

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        if self.inner is not None:
            return self.inner.upsert_relationships(rel_type, rows)
        return WriteCounts(rows_written=len(rows))

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        return self.inner.ensure_stubs(ids) if self.inner is not None else WriteCounts()

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        return self.inner.delete_nodes(ids) if self.inner is not None else WriteCounts()

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        return self.inner.set_node_properties(props, rows) if self.inner is not None else WriteCounts()

    def add_to_node_lists(self, rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        return self.inner.add_to_node_lists(rows) if self.inner is not None else WriteCounts()

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        return self.inner.delete_relationships(ids) if self.inner is not None else WriteCounts()


def _prefix(item: str, words: int = 3) -> str:
    return " ".join(re.split(r"[\s:]+", item.strip())[:words])


def _table(title: str, counts: Counter[str], limit: int) -> None:
    print(f"{title} ({sum(counts.values())} in {len(counts)} kinds)")
    for key, value in counts.most_common(limit):
        print(f"  {value:7d}  {key}")
    if len(counts) > limit:
        print(f"  … {len(counts) - limit} more")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--store", choices=["embedded", "neo4j"], help="load for real (default: dry run)")
    parser.add_argument("--rejects", type=Path, help="write rejected rows to this CSV")
    parser.add_argument("--limit", type=int, default=40, help="rows shown per table (default 40)")
    args = parser.parse_args(argv)

    sdn_text, _ = decode((args.directory / "sdn.csv").read_bytes())
    rows = [r for r in csv.reader(io.StringIO(sdn_text, newline="")) if len(r) == 12]
    print(f"sdn.csv rows by SDN_Type (csv module): {dict(Counter(r[2].strip() for r in rows))}")

    # remark items by prefix, with the continuation joined as the loader joins it
    continued: dict[str, str] = {}
    comments = args.directory / "sdn_comments.csv"
    if comments.exists():
        text, _ = decode(comments.read_bytes())
        for row in read_rows(text, str(comments)):
            if len(row.fields) == 2:
                continued[row.fields[0].strip()] = continued.get(row.fields[0].strip(), "") + row.fields[1]
    unrecognised: Counter[str] = Counter()
    free_text: Counter[str] = Counter()
    for r in rows:
        remarks = (r[11] if null(r[11]) is not None else "") + continued.get(r[0].strip(), "")
        parsed = parse_remarks(remarks or None, maybe_cut=not comments.exists() and len(r[11]) >= 1000)
        unrecognised.update(_prefix(i) for i in parsed.unrecognised)
        free_text.update(_prefix(i, 2) for i in parsed.free_text)

    store = None
    if args.store:
        store = open_store(Settings.from_env(store=args.store))
    tee = Tee(store)
    try:
        started = time.perf_counter()
        report = run_load(OfacSdnSource(), [args.directory], tee if store else None, rejects_path=args.rejects)
        wall = time.perf_counter() - started
        if store is None:  # a dry run writes nothing: run once more through the tee to count identifier kinds
            run_load(OfacSdnSource(), [args.directory], tee)
    finally:
        if store is not None:
            store.close()

    print(report.to_text())
    _table("identifiers by kind", tee.identifier_kinds, args.limit * 5)
    _table("remark items not recognised, by first words", unrecognised, args.limit)
    _table("free-text remark items, by first words", free_text, args.limit)
    _table("rejects by reason", Counter(report.rejected_reasons), args.limit)
    mode = f"load into {args.store}" if args.store else "dry run"
    print(f"{mode}: {report.records_read} records in {wall:.2f} s ({report.records_read / wall:,.0f} records/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
