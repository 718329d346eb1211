"""The change record's ids and a full publication's rows go to disk past a size (graph/cases/changes_spool.py): the
spooled set answers as a dict of ids would (membership, count, the first ids in order, an id discarded and added
again going last), the spooled map as a dict of values; a load's change record, and what a full publication
removes and rewrites, are the same whether they stayed in memory or went to disk."""

from __future__ import annotations

import functools
import importlib.util
import random
from pathlib import Path
from typing import Any

import pytest

import loaders.framework.run as run_module
from graph import Designation, NodeKind, NodeRecord, Prop
from graph.cases import changes_spool, load_changes
from graph.cases.changes import ChangeTracker
from graph.cases.changes_spool import IdSet, ValueSpool
from graph.cases.snapshot import SeenWriter
from graph.stores.memory_store import MemoryStore
from loaders.framework import run_load
from loaders.sources.ftm import FtmSource
from loaders.sources.ofac_sdn import OfacSdnSource
from sanctions_graph import demo
from tests.doubles import graph_digest
from tests.ftm_fixtures import DELTA, NETWORK


def _same_as_a_dict(ids: IdSet, reference: dict[str, None], probes: list[str]) -> None:
    assert len(ids) == len(reference)
    assert ids.first(len(reference) + 5) == list(reference)
    assert ids.first(3) == list(reference)[:3]
    assert [p in ids for p in probes] == [p in reference for p in probes]


@pytest.mark.parametrize("buffer_ops", [7, changes_spool.BUFFER_OPS])
def test_id_set_spills_past_its_limit_and_answers_as_a_dict(monkeypatch: pytest.MonkeyPatch, buffer_ops: int) -> None:
    monkeypatch.setattr(changes_spool, "BUFFER_OPS", buffer_ops)
    rng = random.Random(14)
    ids = IdSet(spill_after=50)
    reference: dict[str, None] = {}
    for n in range(12_000):
        item = f"id-{rng.randrange(3000)}"
        if rng.random() < 0.25:
            ids.discard(item)
            reference.pop(item, None)
        else:
            ids.add(item)
            reference[item] = None
        if len(reference) > 50:
            assert ids.on_disk  # past 50 ids (and it stays there)
        if n % 997 == 0:
            _same_as_a_dict(ids, reference, [f"id-{i}" for i in range(0, 3000, 37)])
    _same_as_a_dict(ids, reference, [f"id-{i}" for i in range(3000)])
    # an id discarded and added again goes last; one added again in place stays where it was
    head = ids.first(1)[0]
    ids.add(head)
    reference[head] = None
    assert ids.first(1) == [head]
    ids.discard(head)
    ids.add(head)
    reference.pop(head)
    reference[head] = None
    _same_as_a_dict(ids, reference, [head, "never"])
    ids.close()
    assert not ids.on_disk and len(ids) == 0


def test_id_set_below_its_limit_stays_in_memory() -> None:
    ids = IdSet(spill_after=10)
    ids.update(f"x{i}" for i in range(10))
    assert not ids.on_disk and ids.first(2) == ["x0", "x1"]
    ids.add("x10")
    assert ids.on_disk and len(ids) == 11 and ids.first(2) == ["x0", "x1"]


def _change_records(monkeypatch: pytest.MonkeyPatch, spill_after: int | None) -> list[dict[str, Any]]:
    monkeypatch.setattr(run_module, "ChangeTracker", functools.partial(ChangeTracker, spill_after=spill_after))
    store = MemoryStore()
    for file in (NETWORK, DELTA):  # the delta adds, changes and deletes entities and relationships
        run_load(FtmSource(), [Path(file)], store, keep_changes=True)
    return [{k: v for k, v in c.to_dict().items() if k not in {"id", "at"}} for c in load_changes(store)]


def test_a_loads_change_record_is_the_same_with_its_ids_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    spills: list[int] = []
    spill = IdSet._spill

    def noted(self: IdSet) -> None:
        spills.append(1)
        spill(self)

    monkeypatch.setattr(IdSet, "_spill", noted)
    in_memory = _change_records(monkeypatch, None)
    assert not spills
    monkeypatch.setattr(changes_spool, "BUFFER_OPS", 3)  # operations reach the disk as they come
    on_disk = _change_records(monkeypatch, 1)
    assert len(spills) >= 4  # the added, changed, removed and relationship lists went to disk
    assert on_disk == in_memory
    counts = [c["counts"] for c in in_memory]
    assert counts[0]["nodes_added"] > 0 and counts[0]["relationships_added"] > 0
    assert counts[1]["nodes_changed"] + counts[1]["nodes_removed"] + counts[1]["relationships_removed"] > 0


def test_value_spool_spills_past_its_limit_and_reads_back_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(changes_spool, "BUFFER_OPS", 5)
    values: ValueSpool[dict[str, Any]] = ValueSpool(spill_after=20)
    reference: dict[str, dict[str, Any]] = {}
    for i in range(300):
        key = f"k{i % 170}"  # keys set again replace their value
        values[key] = reference[key] = {"i": i, "names": [f"n{i}"]}
    assert values.on_disk and len(values) == len(reference) == 170
    assert sorted(values.keys()) == sorted(reference)
    assert all(values[k] == v for k, v in reference.items())
    assert "k3" in values and "nope" not in values and values.get("nope") is None
    with pytest.raises(KeyError):
        values["nope"]
    with pytest.raises(ValueError):
        values["none"] = None  # type: ignore[assignment]
    values.close()
    assert len(values) == 0


def _derive() -> Any:
    """tests/fixtures/cases/derive_sdn_version.py's derive (a later version of the demo's SDN extract)."""
    path = Path(__file__).parent.parent / "fixtures" / "cases" / "derive_sdn_version.py"
    spec = importlib.util.spec_from_file_location("derive_sdn_version", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.derive


def _full_publication(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, spill_after: int | None
) -> tuple[str, dict[str, int], list[dict[str, Any]]]:
    monkeypatch.setattr(run_module, "SeenWriter", functools.partial(SeenWriter, spill_after=spill_after))
    monkeypatch.setattr(run_module, "ChangeTracker", functools.partial(ChangeTracker, spill_after=spill_after))
    version = tmp_path / "v2"  # the same files both times (the change record names them)
    if not version.exists():
        _derive()(demo.ofac_dir(), version, remove_every=53, rename_every=59, remark_every=61, add=3)
    store = MemoryStore()
    run_load(OfacSdnSource(), [demo.ofac_dir()], store, keep_changes=True)
    report = run_load(OfacSdnSource(full_publication=True), [version], store, keep_changes=True)
    records = [{k: v for k, v in c.to_dict().items() if k not in {"id", "at"}} for c in load_changes(store)]
    return graph_digest(store), dict(report.notes), records


def test_a_full_publication_removes_the_same_with_what_it_wrote_on_disk(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spills: list[str] = []
    spill = ValueSpool.__setitem__

    def noted(self: ValueSpool[Any], key: str, value: Any) -> None:
        spill(self, key, value)
        if self.on_disk:
            spills.append(key)

    monkeypatch.setattr(ValueSpool, "__setitem__", noted)
    in_memory = _full_publication(monkeypatch, tmp_path, None)
    assert not spills
    on_disk = _full_publication(monkeypatch, tmp_path, 1)
    assert spills  # the rows and claims went to disk
    assert on_disk == in_memory
    notes = in_memory[1]
    assert any("(removed)" in k and n > 0 for k, n in notes.items())  # the publication removed records
    assert any("corrected" in k and n > 0 for k, n in notes.items())  # and rewrote changed ones


@pytest.mark.parametrize("spill_after", [None, 0])
def test_seen_writer_unites_a_node_written_twice_in_memory_or_on_disk(spill_after: int | None) -> None:
    seen = SeenWriter(MemoryStore(), spill_after=spill_after)
    first = Designation(authority="US OFAC", programs=("DPRK",), record_id="1").to_json()
    again = Designation(authority="US OFAC", programs=("CYBER2",), record_id="1").to_json()
    seen.upsert_nodes(
        NodeKind.PERSON,
        [NodeRecord("p1", NodeKind.PERSON, {Prop.ALIASES: ["A"], Prop.DESIGNATIONS: [first], Prop.PROGRAMS: ["DPRK"]})],
    )
    seen.upsert_nodes(NodeKind.COMPANY, [NodeRecord("c1", NodeKind.COMPANY, {Prop.NAME: "C"})])
    seen.upsert_nodes(
        NodeKind.PERSON,
        [
            NodeRecord(
                "p1", NodeKind.PERSON, {Prop.ALIASES: ["B", "A"], Prop.DESIGNATIONS: [again], Prop.PROGRAMS: ["CYBER2"]}
            )
        ],
    )
    assert seen.rows.on_disk is (spill_after == 0)
    assert seen.rows["p1"].props[Prop.ALIASES] == ["A", "B"]  # lists united, in order
    assert seen.claims["p1"][Prop.PROGRAMS] == ["DPRK", "CYBER2"]
    assert seen.claims["p1"][Prop.DESIGNATIONS] == [first, again]
    assert "c1" not in seen.claims and "c1" in seen.node_ids and len(seen.node_ids) == 2
    seen.close()
