"""The `sanctions-graph` command on real stores: JSON shapes, exit codes, reports, --help everywhere."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest

from graph.settings import Settings
from sanctions_graph import demo
from sanctions_graph.cli import cli, main

KIM = "ofac-43377"


def _env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("SANCTIONS_GRAPH_HOME", str(settings.home))
    monkeypatch.setenv("SANCTIONS_GRAPH_STORE", settings.store)


@pytest.fixture(params=["embedded", "neo4j"])
def loaded(request: pytest.FixtureRequest, store_settings: dict[str, Settings], monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the CLI at one store and load the demo data into it (idempotent, so cheap after the first time)."""
    _env(monkeypatch, store_settings[request.param])
    assert main(["load", "ofac-sdn", str(demo.ofac_dir()), "--no-progress"]) == 0
    assert main(["load", "jsonl", str(demo.scenario_file()), "--dataset", "demo_fictional", "--no-progress"]) == 0
    return str(request.param)


def _json(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 0) -> object:
    capsys.readouterr()
    assert main(argv) == code
    return json.loads(capsys.readouterr().out)


def test_query_commands_json_shapes(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    hits = _json(capsys, ["search", "sang man", "--json"])
    assert isinstance(hits, list) and hits[0]["id"] == KIM
    assert {"id", "name", "kind", "sanctioned", "matched", "reason"} <= set(hits[0])

    entity = _json(capsys, ["show", KIM, "--json"])
    assert isinstance(entity, dict)
    assert (entity["name"], entity["kind"], entity["sanctioned"]) == ("KIM, Sang Man", "Person", True)
    assert entity["designations"][0]["authority"] == "US OFAC"

    sub = _json(capsys, ["neighbours", KIM, "--hops", "1", "--types", "holds", "--json"])
    assert isinstance(sub, dict) and sub["center"] == KIM and sub["omitted"] == 0
    assert {r["type"] for r in sub["relationships"]} == {"HOLDS"}
    assert all({"id", "type", "source", "target"} <= set(r) for r in sub["relationships"])

    path = _json(capsys, ["path", "demo-ri-chol-man", "demo-sunrise-digital", "--json"])
    assert isinstance(path, dict) and path["hops"] == 2
    assert [e["id"] for e in path["entities"]] == ["demo-ri-chol-man", "demo-bureau-999", "demo-sunrise-digital"]

    none = _json(capsys, ["path", "demo-ri-chol-mann", KIM, "--types", "OWNS", "--json"], code=1)
    assert none is None

    stats = _json(capsys, ["stats", "--json"])
    assert isinstance(stats, dict) and stats["nodes"]["Person"] == 345 and stats["relationships"]["TRANSFERRED"] == 2


def test_not_found_is_a_sentence_and_exit_1(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "no-such-id"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "error: No entity with id 'no-such-id' is in the graph."


def test_unknown_relationship_type_is_a_sentence(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["neighbours", KIM, "--types", "OWNED_BY"]) == 2
    assert "error: Unknown relationship type 'OWNED_BY'; known types: OWNS," in capsys.readouterr().err


def test_unreachable_neo4j_is_one_sentence_and_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        "PATH": "/usr/bin:/bin",
        "NEO4J_URI": f"bolt://127.0.0.1:{port}",
        "NEO4J_PASSWORD": "x",
        "SANCTIONS_GRAPH_HOME": str(tmp_path),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "sanctions_graph", "--store", "neo4j", "stats"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: Neo4j is not reachable at bolt://127.0.0.1:{port}: is the server running?"
    assert "Traceback" not in proc.stderr


def test_load_report_rejects_and_dry_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SANCTIONS_GRAPH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SANCTIONS_GRAPH_STORE", "embedded")
    bad = tmp_path / "sdn.csv"
    good = (demo.ofac_dir() / "sdn.csv").read_bytes().splitlines(keepends=True)[:3]
    bad.write_bytes(b"".join(good) + b'notanumber,"X",-0- ,"DPRK",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n')
    report_file, rejects = tmp_path / "report.json", tmp_path / "rejects.csv"
    argv = ["load", "ofac-sdn", str(bad), "--report", str(report_file), "--rejects", str(rejects), "--no-progress"]
    assert main([*argv, "--dry-run"]) == 0
    dry = json.loads(report_file.read_text())
    assert dry["dry_run"] is True and dry["records_read"] >= 3 and dry["rejected"] == 1
    assert "line 4" in rejects.read_text() or ",4," in rejects.read_text()
    assert main(argv) == 0
    report = json.loads(report_file.read_text())
    assert report["nodes_created"] == 3 and report["records_per_second"] > 0
    assert main(argv) == 0
    assert json.loads(report_file.read_text())["nodes_created"] == 0


def test_embedded_server_is_not_left_running(
    store_settings: dict[str, Settings], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch, store_settings["embedded"])
    assert main(["stats"]) == 0
    capsys.readouterr()
    assert main(["db", "status"]) == 0
    assert "is not running" in capsys.readouterr().out


def _all_parsers() -> list[list[str]]:
    """Every command and subcommand of the click tree, as the words that name it."""

    def walk(group: click.Group, prefix: list[str]) -> list[list[str]]:
        found: list[list[str]] = []
        for name, command in group.commands.items():
            found.append([*prefix, name])
            if isinstance(command, click.Group):
                found += walk(command, [*prefix, name])
        return found

    return [[], *walk(cli, [])]


@pytest.mark.parametrize("command", _all_parsers(), ids=lambda c: " ".join(c) or "top")
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: sanctions-graph" in capsys.readouterr().out


@pytest.mark.parametrize("signals", [1, 2], ids=["one SIGTERM", "a second SIGTERM while it closes"])
def test_serve_leaves_nothing_running_when_it_ends(tmp_path: Path, signals: int) -> None:
    """SIGTERM ends `serve` like Ctrl-C and stops the embedded server it started. A second signal while it closes
    (an impatient Ctrl-C, a supervisor repeating itself) gets a sentence and does not cut the stop short."""
    import os
    import signal
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SANCTIONS_GRAPH_HOME": str(tmp_path), "SANCTIONS_GRAPH_STORE": "embedded"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanctions_graph", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the dashboard did not answer within 60 s"
                time.sleep(0.3)
        status = subprocess.run(
            [sys.executable, "-m", "sanctions_graph", "db", "status"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert "is running" in status.stdout
        proc.send_signal(signal.SIGTERM)
        if signals == 2:
            time.sleep(0.05)  # the first one is being handled: the command is closing the store
            proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    status = subprocess.run(
        [sys.executable, "-m", "sanctions_graph", "db", "status"], env=env, capture_output=True, text=True, check=True
    )
    assert "is not running" in status.stdout
    assert "Traceback" not in stderr
