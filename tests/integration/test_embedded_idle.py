"""The embedded server a command starts stays running for the idle timeout, then stops itself, saving cleanly;
`db status` says until when, `db stop` stops it now, and a connected client keeps it running."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.settings import Settings
from graph.stores.embedded_server import EmbeddedServer
from graph.stores.factory import embedded_status, open_store
from sanctions_graph import demo
from sanctions_graph.cli import main


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A store home of the test's own; whatever server is left running in it is stopped at the end."""
    yield tmp_path
    EmbeddedServer(tmp_path).stop()


def _cli_home(monkeypatch: pytest.MonkeyPatch, home: Path, idle: str) -> Settings:
    monkeypatch.setenv("SANCTIONS_GRAPH_HOME", str(home))
    monkeypatch.setenv("SANCTIONS_GRAPH_STORE", "embedded")
    monkeypatch.setenv("SANCTIONS_GRAPH_IDLE_TIMEOUT", idle)
    return Settings.from_env({"SANCTIONS_GRAPH_HOME": str(home)}, store="embedded")


def _wait_until_stopped(settings: Settings, timeout_s: float) -> float:
    started = time.monotonic()
    while embedded_status(settings).running:
        assert time.monotonic() - started < timeout_s, "the idle server did not stop itself"
        time.sleep(0.2)
    return time.monotonic() - started


def test_a_command_leaves_the_server_running_until_the_idle_timeout(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _cli_home(monkeypatch, home, "4")
    assert main(["load", "jsonl", str(demo.scenario_file()), "--dataset", "demo", "--no-progress"]) == 0
    first = embedded_status(settings)
    assert first.running and first.idle_until is not None
    capsys.readouterr()
    assert main(["db", "status"]) == 0
    said = capsys.readouterr().out
    assert "is running" in said and "It stops itself at" in said and "db stop" in said
    assert main(["search", "ri chol man"]) == 0  # the same server answers: no start
    assert "demo-ri-chol-man" in capsys.readouterr().out
    second = embedded_status(settings)
    assert second.pid == first.pid and second.idle_until is not None and second.idle_until >= first.idle_until
    _wait_until_stopped(settings, 60)
    server = EmbeddedServer(home)
    assert not server.lease_file.exists()
    assert (server.snapshot_dir / "taken").exists()  # stopped cleanly: the last good copy was taken
    assert "stopped the idle server" in (server.data_dir / "idle-watcher.log").read_text()
    assert main(["search", "ri chol man"]) == 0  # started again on the saved data
    assert "demo-ri-chol-man" in capsys.readouterr().out


def test_db_stop_stops_a_server_left_running_now(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _cli_home(monkeypatch, home, "600")
    assert main(["stats"]) == 0
    assert embedded_status(settings).running
    capsys.readouterr()
    assert main(["db", "stop"]) == 0
    assert capsys.readouterr().out == "Stopped the embedded store.\n"
    assert not embedded_status(settings).running
    assert not EmbeddedServer(home).lease_file.exists()


def test_no_idle_timeout_stops_the_server_with_the_command(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _cli_home(monkeypatch, home, "600")
    assert main(["--idle-timeout", "0", "stats"]) == 0
    assert not embedded_status(settings).running


def test_a_connected_client_keeps_the_server_past_its_lease(home: Path) -> None:
    """A long load or the dashboard on a server left running holds a connection: the watcher waits for it, and the
    lease runs again from when that store closes."""
    settings = Settings.from_env({"SANCTIONS_GRAPH_HOME": str(home)}, store="embedded").with_idle_timeout(1)
    store = open_store(settings)
    try:
        time.sleep(3)  # past the lease, with this store still connected
        assert embedded_status(settings).running
        assert store.stats().total_nodes == 0
    finally:
        store.close()  # moves the lease on: one more second
    assert _wait_until_stopped(settings, 60) >= 0.5
