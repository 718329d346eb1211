"""The change record's ids go to disk past a size (graph/cases/changes_spool.py): the spooled set answers as a dict
of ids would (membership, count, the first ids in order, an id discarded and added again going last), and a load's
change record is the same whether its ids stayed in memory or went to disk."""

from __future__ import annotations

import functools
import random
from pathlib import Path
from typing import Any

import pytest

import loaders.framework.run as run_module
from graph.cases import changes_spool, load_changes
from graph.cases.changes import ChangeTracker
from graph.cases.changes_spool import IdSet
from graph.stores.memory_store import MemoryStore
from loaders.framework import run_load
from loaders.sources.ftm import FtmSource
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
