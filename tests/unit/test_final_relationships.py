"""Relationships a source emits at the end of its load without the spool (LoadContext.final_rel): written in batches
after everything emitted before them, stubs asked for meanwhile first; an FtM load gives the same graph and report as
when every relationship goes through the spool, also when relationship ids repeat."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from graph.model import NodeRecord, RelRecord
from graph.stores.memory_store import MemoryStore
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.framework import LoadContext, run_load
from loaders.sources.ftm import FtmSource
from loaders.sources.ftm import load as ftm_load
from tests.doubles import RecordingStore, graph_digest
from tests.ftm_fixtures import DELTA, NETWORK


class _EndSource:
    """Nodes, then relationships at the end (final_rel), one of them to an end absent from the source (a stub)."""

    name = "end"

    def expected_counts(self) -> dict[str, int]:
        return {}

    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None:
        for i in range(5):
            ctx.node(NodeRecord(f"p{i}", NodeKind.PERSON, {Prop.NAME: f"P {i}"}))
        for i in range(1, 5):
            ctx.final_rel(RelRecord(f"r{i}", RelType.ASSOCIATE_OF, "p0", f"p{i}", {}, frozenset()))
        ctx.stub("ghost")
        ctx.final_rel(RelRecord("r-ghost", RelType.ASSOCIATE_OF, "p0", "ghost", {}, frozenset()))
        ctx.rel(RelRecord("r-spooled", RelType.OWNS, "p1", "p2", {}, frozenset()))


def test_final_relationships_come_after_nodes_and_stubs_in_batches() -> None:
    writer = RecordingStore()
    report = run_load(_EndSource(), [], writer, batch_size=2)
    names = [c.method for c in writer.calls]
    first_rel = names.index("upsert_relationships")
    assert "upsert_nodes" not in names[first_rel:]
    assert names.index("ensure_stubs") < max(i for i, c in enumerate(writer.calls) if "r-ghost" in c.ids)
    assert all(len(c.ids) <= 2 for c in writer.calls)
    assert report.relationships == {"ASSOCIATE_OF": 5, "OWNS": 1} and report.stubs == 1
    assert {r.id for r in writer.rel_records} == {"r1", "r2", "r3", "r4", "r-ghost", "r-spooled"}


def test_a_dry_run_counts_final_relationships_like_spooled_ones() -> None:
    report = run_load(_EndSource(), [], None, batch_size=2)
    assert report.relationships == {"ASSOCIATE_OF": 5, "OWNS": 1}


class _LateDelete(_EndSource):
    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None:
        super().read(paths, ctx)
        ctx.delete("p1")


def test_a_deletion_after_final_relationships_is_refused() -> None:
    with pytest.raises(RuntimeError, match="after final_rel"):
        run_load(_LateDelete(), [], MemoryStore())


def _line(entity_id: str, schema: str, **props: list[str]) -> str:
    return json.dumps({"id": entity_id, "schema": schema, "properties": props})


#: relationship ids that repeat: a record "own" with two owners (own.1, own.2) and a record whose id is "own.1";
#: two wallets of one address naming the same holder (one HOLDS id, derived from the ends); a record whose id looks
#: like a derived one; a record read twice (the later version wins)
_REPEATS = [
    _line("p1", "Person", name=["Kim Chol"]),
    _line("p2", "Person", name=["Ri Song"]),
    _line("c1", "Company", name=["Maple Trading Ltd"]),
    _line("own", "Ownership", owner=["p1", "p2"], asset=["c1"], percentage=["10"]),
    _line("own.1", "Ownership", owner=["p2"], asset=["c1"], percentage=["60"]),
    _line("w1", "CryptoWallet", publicKey=["0xabcdef0123456789abcdef0123456789abcdef01"], holder=["p1"]),
    _line("w2", "CryptoWallet", publicKey=["0xABCDEF0123456789abcdef0123456789abcdef01"], holder=["p1"]),
    _line("owns-0123456789abcdef0123", "Ownership", owner=["p1"], asset=["c1"]),
    _line("emp", "Employment", employee=["p1"], employer=["c1"], role=["clerk"]),
    _line("emp", "Employment", employee=["p2"], employer=["c1"], role=["driver"]),
    _line("dangling", "UnknownLink", subject=["p1"], object=["absent-entity"]),
]


def _graph(files: list[Path]) -> tuple[str, int, int, str]:
    store = MemoryStore()
    reports = []
    for file in files:
        report = run_load(FtmSource(), [file], store)
        reports.append(
            json.dumps(
                [report.nodes, report.relationships, report.relationships_created, report.stubs, report.notes],
                sort_keys=True,
            )
        )
    stats = store.stats()
    return graph_digest(store), stats.total_nodes, stats.total_relationships, "\n".join(reports)


def test_an_ftm_load_gives_the_same_graph_as_with_every_relationship_spooled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repeats = tmp_path / "repeats.ftm.json"
    repeats.write_text("\n".join(_REPEATS) + "\n", encoding="utf-8")
    cases = [[NETWORK, DELTA], [repeats]]
    now = [_graph(files) for files in cases]
    monkeypatch.setattr(ftm_load, "_MAYBE_REPEATED", lambda _: True)  # every relationship through the spool
    spooled = [_graph(files) for files in cases]
    assert now == spooled
    assert now[1][2] == 6  # own.1 (the record of that id, read last), own.2, one HOLDS, owns-…, emp, dangling
