"""What a load keeps until its end goes to disk (loaders/framework/spool.py): past BUFFER_ROWS the rows are in the
temporary database, and reading back gives what a dict kept the same way would hold, in the same order; an FtM load
whose edges all went to disk gives the same graph as one whose edges all waited in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import RelRecord
from graph.stores.memory_store import MemoryStore
from graph.vocabulary import Prop, RelType
from loaders.framework import run_load, spool
from loaders.framework.spool import RelationshipSpool, SpooledMap
from loaders.sources.ftm import FtmSource
from tests.doubles import graph_digest
from tests.ftm_fixtures import DELTA, NETWORK

#: rows in each spool's temporary database
_COUNT = {"items": "SELECT count(*) FROM items", "rels": "SELECT count(*) FROM rels"}


def _on_disk(db_owner: SpooledMap[dict[str, object]] | RelationshipSpool, table: str) -> int:
    return int(db_owner._db.execute(_COUNT[table]).fetchone()[0])


def test_spooled_map_spills_past_its_buffer_and_reads_back_the_same_values() -> None:
    spooled: SpooledMap[dict[str, object]] = SpooledMap()
    reference: dict[str, dict[str, object]] = {}
    n = 3 * spool.BUFFER_ROWS + 7
    for i in range(n):
        value: dict[str, object] = {"i": i, "names": [f"n{i}", "x"], "share": i / 7}
        spooled[f"k{i}"] = value
        reference[f"k{i}"] = value
    assert len(spooled._pending) < spool.BUFFER_ROWS
    assert _on_disk(spooled, "items") >= n - spool.BUFFER_ROWS  # the rest went to disk
    # a replaced key keeps its first place; a discarded or popped one is gone
    spooled["k5"] = reference["k5"] = {"i": "again"}
    spooled.discard("k6")
    del reference["k6"]
    spooled.discard("never-set")
    assert spooled.pop("k7") == reference.pop("k7")
    assert spooled.pop("k7") is None
    assert spooled.get("k5") == {"i": "again"} and "k6" not in spooled and "k8" in spooled
    assert list(spooled.items()) == list(reference.items())
    with pytest.raises(ValueError):
        spooled["none"] = None  # type: ignore[assignment]
    spooled.close()


def test_relationship_spool_keeps_the_last_emission_of_an_id_in_the_place_of_the_first() -> None:
    rels = RelationshipSpool()
    reference: dict[tuple[str, str], tuple[int, RelRecord]] = {}
    n = 2 * spool.BUFFER_ROWS + 3
    for seq in range(n):
        i = seq % (n - 10)  # the last ten emissions repeat ids emitted first
        record = RelRecord(f"r{i}", RelType.OWNS, f"a{i}", f"b{seq}", {Prop.PERCENTAGE: float(seq)}, frozenset())
        rels.add(seq, record)
        key = (record.type.value, record.id)
        reference[key] = (seq, record)  # a dict keeps the first place and the last value
    assert _on_disk(rels, "rels") >= n - 10 - spool.BUFFER_ROWS
    assert list(rels) == list(reference.values())
    rels.close()


def _ftm_graph(files: list[Path]) -> tuple[str, int, int]:
    store = MemoryStore()
    for file in files:
        run_load(FtmSource(), [file], store)
    stats = store.stats()
    return graph_digest(store), stats.total_nodes, stats.total_relationships


def test_an_ftm_load_with_its_edges_on_disk_gives_the_same_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spool, "BUFFER_ROWS", 10**9)  # everything waits in memory (a dict, as before the spool)
    in_memory = _ftm_graph([NETWORK, DELTA])
    monkeypatch.setattr(spool, "BUFFER_ROWS", 1)  # every edge and relationship goes to disk at once
    on_disk = _ftm_graph([NETWORK, DELTA])
    assert on_disk == in_memory
    assert in_memory[2] > 0  # relationships were loaded at all


@pytest.mark.parametrize(
    ("seen_bits", "buffer_rows"),
    [
        (8, 1),  # every write on disk at once; 8 bits: the filter says "maybe" for almost every key
        (1 << 26, 1),
        (8, 7),  # 7 rows at a time (a key deleted and set again within those 7 still takes the last place)
    ],
)
def test_spooled_map_matches_a_dict_under_random_writes_deletions_and_reads(
    monkeypatch: pytest.MonkeyPatch, seen_bits: int, buffer_rows: int
) -> None:
    """A dict that drops a deleted key (set again: the last place) is the reference, whether every write goes to
    disk at once or several wait in memory; reads in the middle build the index, later writes go on after it."""
    import random

    monkeypatch.setattr(spool, "BUFFER_ROWS", buffer_rows)
    monkeypatch.setattr(spool, "_SEEN_BITS", seen_bits)
    rng = random.Random(5)
    spooled: SpooledMap[list[int]] = SpooledMap()
    reference: dict[str, list[int]] = {}
    for step in range(3000):
        key = f"k{rng.randrange(300)}"
        roll = rng.random()
        if roll < 0.6:
            spooled[key] = reference[key] = [step]
        elif roll < 0.8:
            spooled.discard(key)
            reference.pop(key, None)
        elif roll < 0.9:
            assert spooled.pop(key) == reference.pop(key, None)
        else:
            assert spooled.get(key) == reference.get(key)
            assert (key in spooled) == (key in reference)
        if step in (1000, 2999):
            assert list(spooled.items()) == list(reference.items())
    assert list(spooled.values()) == list(reference.values())
    spooled.close()


def test_spooled_map_writes_no_row_for_deleting_a_key_never_written() -> None:
    spooled: SpooledMap[int] = SpooledMap()
    for i in range(3 * spool.BUFFER_ROWS):
        spooled.discard(f"never-{i}")
    spooled["k"] = 1
    assert list(spooled.items()) == [("k", 1)]
    assert _on_disk(spooled, "items") < 10  # (a few at most: the filter may say "maybe")
    spooled.close()
