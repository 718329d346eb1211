"""`sanctions-graph users add|list|remove|passwd` on a users file in a temporary store home."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from dashboard.auth import UserFile
from sanctions_graph.cli import main


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("SANCTIONS_GRAPH_HOME", str(tmp_path))
    monkeypatch.delenv("SANCTIONS_GRAPH_USERS", raising=False)
    return tmp_path


def _run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_users_commands_manage_the_users_file(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, ["users", "list"]) == 0
    assert "No users in" in capsys.readouterr().out
    assert _run(monkeypatch, ["users", "add", "ana", "--password-stdin"], "a long password 1\n") == 0
    assert (
        _run(monkeypatch, ["users", "add", "root", "--role", "admin", "--password-stdin"], "a long password 2\n") == 0
    )
    assert "Added root (admin)" in capsys.readouterr().out
    assert _run(monkeypatch, ["users", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"name": "ana", "role": "analyst"},
        {"name": "root", "role": "admin"},
    ]
    file = UserFile(home / "users.json")
    assert file.authenticate("ana", "a long password 1") is not None
    assert _run(monkeypatch, ["users", "passwd", "ana", "--password-stdin"], "a new long password\n") == 0
    assert file.authenticate("ana", "a new long password") is not None
    assert _run(monkeypatch, ["users", "remove", "root"]) == 0
    assert set(file.users()) == {"ana"}


def test_users_commands_fail_with_a_sentence(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, ["users", "add", "ana", "--password-stdin"], "short\n") == 1
    assert "error: The password is too short: use at least 12 characters." in capsys.readouterr().err
    assert _run(monkeypatch, ["users", "remove", "ghost"]) == 1
    assert "error: No user 'ghost' in" in capsys.readouterr().err
    (home / "users.json").write_text("{not json")
    assert _run(monkeypatch, ["users", "list"]) == 2
    assert "users.json: the users file cannot be read" in capsys.readouterr().err
