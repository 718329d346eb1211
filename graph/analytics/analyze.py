"""`sanctions-graph analyze`: precompute exposure and the 50% rule for every entity and write the results back.

Reads only what the analyses need, in bulk (ids and the sanctioned mark of every entity; source and target ids of
every relationship of the followed types; percentages and dates of OWNS), computes in memory (graph/analytics
exposure.ExposureGraph and ownership.evaluate) and writes the ANALYSIS_PROPS of every entity in batches with
``set_node_properties`` - every entity, so results of an earlier run never linger. The dashboard then only reads.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.analytics.dates import today, utc_now_iso
from graph.analytics.exposure import ExposureGraph, exposure_props, is_followed, types_key
from graph.analytics.ownership import evaluate, holdings_from_rows, ownership_props
from graph.plain import as_dict
from graph.stores.base import GraphStore
from graph.vocabulary import ANALYSIS_PROPS, Prop, RelType

Progress = Callable[[str], None]
DEFAULT_WRITE_BATCH = 10_000


def _quiet(_: str) -> None:
    return None


@dataclass
class AnalyzeSummary:
    entities: int = 0
    relationships: int = 0
    sanctioned: int = 0
    types: list[str] = field(default_factory=list)
    as_of: str = ""
    analyzed_at: str = ""
    exposure_by_hops: dict[str, int] = field(default_factory=dict)  # "0", "1", … and "none"
    blocked_by_ownership: int = 0
    possibly_blocked: int = 0
    holdings: int = 0
    written: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, seconds={k: round(v, 2) for k, v in self.seconds.items()})

    def to_text(self) -> str:
        hops = ", ".join(f"{k}: {v}" for k, v in self.exposure_by_hops.items())
        return "\n".join(
            [
                f"Analysed {self.entities} entities and {self.relationships} relationships "
                f"({self.sanctioned} sanctioned) in {self.seconds.get('total', 0):.1f} s.",
                f"Exposure (entities by hops to the nearest sanctioned one): {hops}.",
                f"50% rule as of {self.as_of}: {self.blocked_by_ownership} blocked by ownership, "
                f"{self.possibly_blocked} possibly blocked (a percentage is missing), {self.holdings} holdings read.",
                f"Wrote results to {self.written} entities. Seconds: "
                + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items() if k != "total")
                + ".",
            ]
        )


def analyze(
    store: GraphStore,
    types: Sequence[RelType] | None = None,
    as_of: date | None = None,
    progress: Progress = _quiet,
    write_batch: int = DEFAULT_WRITE_BATCH,
    read_batch: int = 50_000,
    follow_rejected: bool = False,
    candidates: bool = False,
) -> AnalyzeSummary:
    """Compute exposure (over ``types``, all if None; SAME_AS when accepted, unjudged candidates only with
    ``candidates``, rejected ones only with ``follow_rejected``) and
    the 50% rule (as of ``as_of``, default today) for every entity and write them back. ``progress`` receives one
    line per phase."""
    follow = tuple(types) if types else tuple(RelType)
    day = as_of or today()
    summary = AnalyzeSummary(types=[t.value for t in follow], as_of=day.isoformat(), analyzed_at=utc_now_iso())
    started = clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.seconds[name] = now - clock
        clock = now

    graph = ExposureGraph()
    for batch in store.iter_node_values((Prop.SANCTIONED,), batch_size=read_batch):
        for node_id, sanctioned in batch:
            graph.add_node(str(node_id), bool(sanctioned))
    summary.entities = len(graph.ids)
    summary.sanctioned = sum(graph.sanctioned)
    progress(f"read {summary.entities} entities ({summary.sanctioned} sanctioned)")
    lap("read entities")

    owns_rows: list[tuple[Any, ...]] = []
    for rel_type in RelType:
        wanted = rel_type in follow
        if rel_type is RelType.OWNS:
            props = (Prop.PERCENTAGE, Prop.START_DATE, Prop.END_DATE)
            for batch in store.iter_relationship_values(rel_type, props, batch_size=read_batch):
                owns_rows.extend(batch)
                if wanted:
                    graph.add_edges(rel_type, batch)
        elif wanted and rel_type is RelType.SAME_AS:
            for batch in store.iter_relationship_values(rel_type, (Prop.STATUS,), batch_size=read_batch):
                rows = (row for row in batch if is_followed(rel_type, row[2], candidates, follow_rejected))
                graph.add_edges(rel_type, rows)
        elif wanted:
            for batch in store.iter_relationship_values(rel_type, (), batch_size=read_batch):
                graph.add_edges(rel_type, batch)
        progress(f"read {rel_type.value} relationships ({graph.edges} so far)")
    summary.relationships = graph.edges
    lap("read relationships")

    exposures = graph.exposures(progress)  # worked out now; each entity's exposure made when it is written
    graph.adjacency = []  # the largest part, not needed past this point
    progress("computed exposure")
    lap("exposure")

    holdings = holdings_from_rows(owns_rows)
    listed = [graph.ids[i] for i, s in enumerate(graph.sanctioned) if s]
    ownership = evaluate(holdings, listed, day)
    summary.holdings = len(holdings)
    summary.blocked_by_ownership = len(ownership.blocked - ownership.listed)
    summary.possibly_blocked = len(ownership.possibly)
    progress(f"computed the 50% rule ({summary.blocked_by_ownership} blocked, {summary.possibly_blocked} possibly)")
    lap("ownership")

    batch_rows: list[tuple[str, dict[Prop, Any]]] = []
    key = types_key(follow, follow_rejected, candidates)
    by_hops: Counter[str] = Counter()
    for x in exposures:
        by_hops["none" if x.hops is None else str(x.hops)] += 1
        values = exposure_props(x, key)
        values.update(ownership_props(ownership, x.entity))
        values[Prop.ANALYZED_AT] = summary.analyzed_at
        batch_rows.append((x.entity, values))
        if len(batch_rows) >= write_batch:
            summary.written += store.set_node_properties(ANALYSIS_PROPS, batch_rows).rows_written
            batch_rows = []
            progress(f"wrote {summary.written} of {summary.entities}")
    if batch_rows:
        summary.written += store.set_node_properties(ANALYSIS_PROPS, batch_rows).rows_written
    progress(f"wrote {summary.written} of {summary.entities}")
    summary.exposure_by_hops = {k: by_hops[k] for k in sorted(by_hops, key=lambda h: (h == "none", len(h), h))}
    lap("write")
    summary.seconds["total"] = time.perf_counter() - started
    return summary
