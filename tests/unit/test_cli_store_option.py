"""--store means the same wherever it is given: before the command, after a group's name, after the command's."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from sanctions_graph import demo
from sanctions_graph.cli import cli, main


def _command_paths() -> list[list[str]]:
    """Every leaf command of the click tree, as the words that name it."""

    def walk(group: click.Group, prefix: list[str]) -> list[list[str]]:
        found: list[list[str]] = []
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                found += walk(command, [*prefix, name])
            else:
                found.append([*prefix, name])
        return found

    cli.register_all()  # the commands of other modules are registered on first use (sanctions_graph/lazy.py)
    return walk(cli, [])


def _placements(path: list[str], store: str) -> list[list[str]]:
    """PATH with `--store STORE` after each of its words (and before the first)."""
    return [[*path[:i], "--store", store, *path[i:]] for i in range(len(path) + 1)]


@pytest.fixture
def neo4j_unreachable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The environment names a Neo4j nobody listens on: a command that reaches it fails with exit code 2."""
    monkeypatch.setenv("SANCTIONS_GRAPH_STORE", "neo4j")
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    monkeypatch.setenv("SANCTIONS_GRAPH_HOME", str(tmp_path / "home"))


@pytest.mark.parametrize("path", _command_paths(), ids=" ".join)
def test_every_command_accepts_store_at_every_level(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    for argv in _placements(path, "memory"):
        with pytest.raises(SystemExit) as exit_info:
            main([*argv, "--help"])
        assert exit_info.value.code == 0, argv
        assert "usage: sanctions-graph" in capsys.readouterr().out


def test_every_group_shows_store_in_its_help() -> None:
    cli.register_all()
    groups = [cli, *(c for c in cli.commands.values() if isinstance(c, click.Group))]
    for group in groups:
        assert any("--store" in p.opts for p in group.params), group.name


@pytest.mark.parametrize(
    ("path", "rest"),
    [
        (["db", "reset"], ["--yes"]),
        (["export", "ftm"], []),
        (["stats"], []),
        (["load", "jsonl"], [str(demo.scenario_file()), "--dataset", "t", "--no-progress"]),
    ],
    ids=lambda words: " ".join(words),
)
def test_store_after_a_group_reaches_the_command(
    path: list[str], rest: list[str], neo4j_unreachable: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # the environment's store is an unreachable Neo4j: only --store memory, wherever it is, lets the command run
    for argv in _placements(path, "memory"):
        capsys.readouterr()
        assert main([*argv, *rest]) == 0, argv
        assert "Neo4j" not in capsys.readouterr().err, argv
    assert main([*path, *rest]) == 2  # without --store: the environment's Neo4j, which is not there
    assert "Neo4j is not reachable at bolt://127.0.0.1:9" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["status", "stop"])
def test_db_status_and_stop_take_the_store_at_every_level(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SANCTIONS_GRAPH_STORE", "embedded")
    monkeypatch.setenv("SANCTIONS_GRAPH_HOME", str(tmp_path))
    for argv in _placements(["db", command], "neo4j"):
        capsys.readouterr()
        assert main(argv) == 1, argv
        assert capsys.readouterr().out == (
            "`db status` and `db stop` manage the embedded store; Neo4j is managed by its own tools.\n"
        )


@pytest.mark.parametrize("command", ["status", "stop"])
def test_db_status_and_stop_on_the_memory_store_say_it_has_no_server(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", command, "--store", "memory"]) == 1
    assert capsys.readouterr().out == (
        "`db status` and `db stop` manage the embedded store; the memory store has no server: it lives and ends "
        "with the command.\n"
    )


def test_two_different_stores_are_a_sentence_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--store", "embedded", "db", "--store", "neo4j", "status"]) == 2
    assert capsys.readouterr().err == ("error: --store is given twice with different stores (embedded, neo4j).\n")
    assert main(["db", "--store", "memory", "reset", "--store", "memory", "--yes"]) == 0  # the same store twice is fine
