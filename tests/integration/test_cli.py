"""The `sanctions-graph` command on real stores: JSON shapes, exit codes, reports, --help everywhere."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import click
import pytest

from graph.settings import Settings
from sanctions_graph import demo
from sanctions_graph.cli import STOPPED, cli, main

KIM = "ofac-43377"


def _env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("SANCTIONS_GRAPH_HOME", str(settings.home))
    monkeypatch.setenv("SANCTIONS_GRAPH_STORE", settings.store)


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def _demo_loaded(request: pytest.FixtureRequest, store_settings: dict[str, Settings]) -> str:
    """The demo data loaded by the CLI into the session's CLI store of one kind, once for this module: the tests
    that take it only read (a reload per test cost 2-3 s each, more than the first load)."""
    with pytest.MonkeyPatch.context() as mp:
        _env(mp, store_settings[request.param])
        assert main(["load", "ofac-sdn", str(demo.ofac_dir()), "--no-progress"]) == 0
        assert main(["load", "jsonl", str(demo.scenario_file()), "--dataset", "demo_fictional", "--no-progress"]) == 0
    return str(request.param)


@pytest.fixture
def loaded(_demo_loaded: str, store_settings: dict[str, Settings], monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the CLI at the store of one kind holding the demo data."""
    _env(monkeypatch, store_settings[_demo_loaded])
    return _demo_loaded


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


def test_export_csv_writes_every_entity_and_relationship(
    loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    counts = _json(capsys, ["stats", "--json"])
    assert isinstance(counts, dict)
    out = tmp_path / "graph.zip"
    assert main(["export", "csv", str(out), "--no-progress"]) == 0
    nodes, edges = counts["total_nodes"], counts["total_relationships"]
    assert (
        capsys.readouterr().out
        == f"{nodes} entities (nodes.csv) and {edges} relationships (edges.csv) written to {out}\n"
    )
    with zipfile.ZipFile(out) as z:
        assert z.namelist() == ["nodes.csv", "edges.csv"]
        rows = {name: list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8-sig")))) for name in z.namelist()}
    assert (len(rows["nodes.csv"]), len(rows["edges.csv"])) == (nodes, edges)
    assert {r["id"] for r in rows["nodes.csv"]} >= {KIM, "demo-ri-chol-man"}
    assert list(tmp_path.iterdir()) == [out]  # no partial file left


def test_export_ftm_writes_same_as_as_judgements(
    loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines, found = tmp_path / "graph.ftm.json", tmp_path / "judgements.json"
    capsys.readouterr()
    argv = ["export", "ftm", "-o", str(lines), "--judgements", str(found), "--no-progress"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    # the demo's one SAME_AS, rejected by an analyst: a negative judgement, the greater id as target
    expected = {
        "source": "demo-ri-chol-man",
        "target": "demo-ri-chol-mann",
        "judgement": "negative",
        "score": 0.62,
        "user": None,
        "timestamp": None,
    }
    assert [json.loads(line) for line in found.read_text(encoding="utf-8").splitlines()] == [expected]
    assert f"written to {lines}\n1 SAME_AS judgement(s) written to {found}" in err
    assert "SAME_AS relationships (no FtM edge)" in err
    assert all(json.loads(line)["schema"] != "Similar" for line in lines.read_text(encoding="utf-8").splitlines())
    # one entity's neighbourhood: the judgements among its relationships
    assert main([*argv, "--entity", "demo-ri-chol-man"]) == 0
    assert [json.loads(line) for line in found.read_text(encoding="utf-8").splitlines()] == [expected]
    assert main([*argv, "--entity", KIM]) == 0
    assert found.read_text(encoding="utf-8") == ""
    assert "0 SAME_AS judgement(s) written" in capsys.readouterr().err


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

    cli.register_all()  # the commands of other modules are registered on first use (sanctions_graph/lazy.py)
    return [[], *walk(cli, [])]


@pytest.mark.parametrize("command", _all_parsers(), ids=lambda c: " ".join(c) or "top")
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: sanctions-graph" in capsys.readouterr().out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_serve(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    """`sanctions-graph serve` in a process of its own, once its dashboard answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanctions_graph", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                assert response.status == 200
                return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                _, stderr = proc.communicate()
                raise AssertionError(f"the dashboard did not answer within 60 s: {stderr}") from None
            time.sleep(0.3)


@pytest.mark.parametrize("signals", [1, 2], ids=["one SIGTERM", "a second SIGTERM while it closes"])
def test_serve_leaves_nothing_running_when_it_ends(tmp_path: Path, signals: int) -> None:
    """SIGTERM ends `serve` like Ctrl-C and stops the embedded server it started. A second signal while it closes
    (an impatient Ctrl-C, a supervisor repeating itself) gets a sentence and does not cut the stop short."""
    port = _free_port()
    env = {**os.environ, "SANCTIONS_GRAPH_HOME": str(tmp_path), "SANCTIONS_GRAPH_STORE": "embedded"}
    proc = _start_serve(env, port)
    try:
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


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["Ctrl-C", "SIGTERM"])
def test_ctrl_c_and_sigterm_end_serve_with_one_sentence(tmp_path: Path, signum: int, code: int) -> None:
    """Ctrl-C and SIGTERM stop `serve` the same way: the sentence STOPPED last, exit code 128 + the signal."""
    env = {**os.environ, "SANCTIONS_GRAPH_HOME": str(tmp_path), "SANCTIONS_GRAPH_STORE": "embedded"}
    proc = _start_serve(env, _free_port())
    try:
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code
    assert stderr.strip().splitlines()[-1] == STOPPED == "Stopped on request."
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("command", "defaults"),
    [
        (["search"], ["--limit INTEGER RANGE most hits [default: 20;"]),
        (["neighbours"], ["[default: 1;", "[default: 200;"]),
        (["trace"], ["[default: forward]"]),
        (["serve"], ["[default: 127.0.0.1]", "[default: 8050;", "130 for Ctrl-C, 143 for SIGTERM"]),
        (["load", "transfers"], ["[default: transfers]", "[default: 2000;", "[required]"]),
        (["export", "ftm"], ["[default: (standard output)]", "[default: 5000;", "[default: not written]"]),
    ],
    ids=["search", "neighbours", "trace", "serve", "load transfers", "export ftm"],
)
def test_help_shows_defaults(command: list[str], defaults: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # help is wrapped to the terminal's width
    for default in defaults:
        assert default in text
    assert "--store [embedded|neo4j" in text and "[default: ($SANCTIONS_GRAPH_STORE, else embedded)]" in text


def test_show_hides_internal_properties_unless_all(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    internal = {"search_text", "lookup_text", "search_names", "lookup_keys", "stub", "id", "kind"}
    plain = _json(capsys, ["show", KIM, "--json"])
    everything = _json(capsys, ["show", KIM, "--all", "--json"])
    assert isinstance(plain, dict) and isinstance(everything, dict)
    assert not internal & set(plain["properties"])
    assert {"lookup_keys", "search_names", "stub"} <= set(everything["properties"])
    assert set(plain["properties"]) == set(everything["properties"]) - internal
    assert plain["designations"] == everything["designations"] and plain["name"] == everything["name"]
    assert main(["show", KIM]) == 0
    text = capsys.readouterr().out
    assert "programs:" in text and not any(f"  {p}:" in text for p in internal)
    assert main(["show", KIM, "--all"]) == 0
    assert "  search_names:" in capsys.readouterr().out


def test_usage_errors_exit_2_with_the_usage_line(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["search", "x", "--limit", "0"], ["no-such-command"], ["load", "jsonl", "x.jsonl"], []):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2, argv
        assert "usage: sanctions-graph" in capsys.readouterr().err


REPO = Path(__file__).resolve().parents[2]


def test_demo_script_help_and_arguments() -> None:
    """`bash scripts/demo` passes its arguments to `sanctions-graph demo` (none of them reaches the venv setup)."""
    shown = subprocess.run(["bash", "scripts/demo", "--help"], cwd=REPO, capture_output=True, text=True, check=False)
    assert shown.returncode == 0
    assert shown.stdout.startswith("usage: bash scripts/demo") and "source .venv/bin/activate" in shown.stdout
    dry = subprocess.run(
        ["bash", "scripts/demo", "--dry-run", "--port", "8051", "--host", "127.0.0.1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.strip().splitlines()[-1] == (
        ".venv/bin/sanctions-graph demo --store embedded --port 8051 --host 127.0.0.1"
    )
    assert "not a pip extra" not in dry.stderr
