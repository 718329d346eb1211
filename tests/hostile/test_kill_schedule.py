"""The embedded store never bricks: killed at seeded moments of a load, it starts again and a re-run gives the
digest of a clean load; damaged files are replaced by the last good copy, with a sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import NodeKind, NodeRecord, Settings, open_store
from tests.hostile.kill_schedule import clean_run, run_schedule, write_scenario


def test_kill_schedule_fast_subset(tmp_path: Path) -> None:
    data = write_scenario(tmp_path / "scenario.jsonl", 1500)
    expected, seconds = clean_run(data, tmp_path / "clean")
    outcome = run_schedule(data, tmp_path / "killed", kills=5, seed=13, expected=expected, load_seconds=seconds)
    print(outcome.line())
    assert outcome.failures == []
    assert outcome.kills == 5
    assert outcome.restarts == 5
    assert outcome.digests_equal == 5


def test_damaged_files_are_replaced_by_the_last_good_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings.from_env({"SANCTIONS_GRAPH_HOME": str(tmp_path)}, store="embedded")
    store = open_store(settings)
    store.ensure_schema()
    store.upsert_nodes(NodeKind.COMPANY, [NodeRecord(f"g-{i}", NodeKind.COMPANY, {}) for i in range(50)])
    store.close()  # a clean stop keeps the last good copy
    data_dir = tmp_path / "falkordb"
    assert (data_dir / "last-good" / "taken").exists()
    for path in (data_dir / "appendonlydir").iterdir():
        path.write_bytes(b"\x00garbage" * 1000)  # what a crash mid-write can leave
    again = open_store(settings)
    try:
        assert again.stats().total_nodes == 50
    finally:
        again.close()
    err = capsys.readouterr().err
    assert "could not start on its data" in err and "was restored" in err
    assert list(data_dir.glob("damaged-*"))
