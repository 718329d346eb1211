"""The embedded server's data directory across stops and starts."""

from __future__ import annotations

from pathlib import Path

from graph.settings import Settings
from graph.stores.factory import open_store
from graph.vocabulary import NodeKind
from tests.integration.test_store import person


def test_a_stop_leaves_a_snapshot_so_the_next_start_replays_no_queries(tmp_path: Path) -> None:
    """The append-only log would replay every write query at the next start (minutes after a big load); a stop
    rewrites it as one snapshot: the incremental part is empty and the data is all there after the restart."""
    settings = Settings.from_env({"SANCTIONS_GRAPH_HOME": str(tmp_path)}, store="embedded")
    first = open_store(settings)
    first.ensure_schema()
    for start in range(0, 2000, 500):
        first.upsert_nodes(NodeKind.PERSON, [person(f"p{i}", f"Person Number{i}") for i in range(start, start + 500)])
    first.close()  # it started the server, so it stops it
    logs = list((tmp_path / "falkordb").rglob("*.incr.aof"))
    snapshots = list((tmp_path / "falkordb").rglob("*.base.rdb"))
    assert logs and all(f.stat().st_size == 0 for f in logs)
    assert snapshots and max(f.stat().st_size for f in snapshots) > 10_000
    second = open_store(settings)
    try:
        assert second.stats().nodes == {"Person": 2000}
        assert second.get_entity("p1999").name == "Person Number1999"
    finally:
        second.close()
