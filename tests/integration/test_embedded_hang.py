"""A server that hangs while it reads its data (here: stopped with SIGSTOP as soon as it is spawned) is killed and
started again on the same files; a second hang counts as damaged files and the last good copy is restored."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph import NodeKind, NodeRecord, Settings, open_store
from graph.stores import embedded_server


class Freezer:
    """Stops (SIGSTOP) the first ``count`` servers the embedded store spawns, the moment they are spawned: a server
    hung on its data, as far as the start can tell (no answer at all, not even "loading")."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, count: int) -> None:
        self.count = count
        self.frozen: list[int] = []
        real = subprocess.Popen

        def spawn(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
            proc = real(*args, **kwargs)
            if len(self.frozen) < self.count:
                os.kill(proc.pid, signal.SIGSTOP)
                self.frozen.append(proc.pid)
            return proc

        monkeypatch.setattr(embedded_server.subprocess, "Popen", spawn)

    def close(self) -> None:
        for pid in self.frozen:  # the start kills them; make sure, whatever happened
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """A home whose store holds 40 companies and was stopped cleanly (so a last good copy exists)."""
    monkeypatch.setattr(embedded_server, "STALL_TIMEOUT_S", 3.0)
    settings = Settings.from_env({"SANCTIONS_GRAPH_HOME": str(tmp_path)}, store="embedded")
    store = open_store(settings)
    store.ensure_schema()
    store.upsert_nodes(NodeKind.COMPANY, [NodeRecord(f"h-{i}", NodeKind.COMPANY, {}) for i in range(40)])
    store.close()
    assert (tmp_path / "falkordb" / "last-good" / "taken").exists()
    yield settings


def _open_while_frozen(settings: Settings, monkeypatch: pytest.MonkeyPatch, count: int) -> tuple[int, list[int], float]:
    freezer = Freezer(monkeypatch, count)
    started = time.monotonic()
    try:
        store = open_store(settings)
        try:
            return store.stats().total_nodes, freezer.frozen, time.monotonic() - started
        finally:
            store.close()
    finally:
        freezer.close()


def test_a_hang_on_start_is_killed_and_started_again_on_the_same_files(
    stored: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    nodes, frozen, seconds = _open_while_frozen(stored, monkeypatch, 1)
    assert nodes == 40 and len(frozen) == 1
    assert seconds < 30
    err = capsys.readouterr().err
    assert "gave no answer for 3 s while reading its data (hung); it was stopped and is started again." in err
    assert "restored" not in err
    assert not list((stored.home / "falkordb").glob("damaged-*"))


def test_a_second_hang_restores_the_last_good_copy_with_a_sentence(
    stored: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    nodes, frozen, _ = _open_while_frozen(stored, monkeypatch, 2)
    assert nodes == 40 and len(frozen) == 2
    err = capsys.readouterr().err
    assert "could not start on its data (the server hung twice while reading it)" in err and "was restored" in err
    assert list((stored.home / "falkordb").glob("damaged-*"))
