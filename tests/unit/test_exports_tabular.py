"""The whole graph as the CSV zip, streamed from a reader: the same files as the CSV of all its entities."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from graph.exports.tabular import csv_zip, write_graph_csv_zip
from graph.stores.memory_store import MemoryStore
from loaders.framework import run_load
from loaders.sources.ftm import FtmSource

NETWORK = Path(__file__).resolve().parents[1] / "fixtures" / "ftm" / "network.ftm.json"


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_the_whole_graph_streams_as_the_csv_of_all_its_entities_and_relationships() -> None:
    store = MemoryStore()
    run_load(FtmSource(), [NETWORK], store)
    entities = [e for batch in store.iter_entities() for e in batch]
    rels = [r for batch in store.iter_relationships() for r in batch]
    out = io.BytesIO()
    assert write_graph_csv_zip(store, out, batch_size=3) == (len(entities), len(rels)) == (13, 13)
    streamed = _files(out.getvalue())
    assert list(streamed) == ["nodes.csv", "edges.csv"]
    assert streamed == _files(csv_zip(entities, rels))
    assert streamed["nodes.csv"].startswith(b"\xef\xbb\xbfid,name,kind")
    assert b"fict-co-front" in streamed["edges.csv"]
