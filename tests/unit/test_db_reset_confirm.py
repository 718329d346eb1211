"""`db reset` asks before deleting everything: on a terminal it waits for a yes, elsewhere it needs --yes."""

from __future__ import annotations

import io

import pytest

from sanctions_graph.cli import main


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_reset_without_yes_deletes_nothing_off_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["db", "reset", "--store", "memory"]) == 1
    captured = capsys.readouterr()
    assert "Nothing deleted: confirm on a terminal, or add --yes." in captured.err and "Deleted" not in captured.out


@pytest.mark.parametrize(("answer", "code"), [("n\n", 1), ("\n", 1), ("y\n", 0)])
def test_reset_on_a_terminal_asks(
    answer: str, code: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    assert main(["db", "reset", "--store", "memory"]) == code
    captured = capsys.readouterr()
    assert "Delete every entity and relationship from the memory store? [y/N]" in captured.err
    assert ("Deleted every entity and relationship" in captured.out) == (code == 0)
