"""`export csv` and `export ftm` without a server: the in-memory store, files, sentences."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from sanctions_graph.cli import main


def test_export_csv_of_an_empty_graph_has_the_two_headers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "empty.zip"
    assert main(["export", "--store", "memory", "csv", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"0 entities (nodes.csv) and 0 relationships (edges.csv) written to {out}\n"
    assert "Exporting CSV" in captured.err  # the progress bar's label (the bar itself only on a terminal)
    with zipfile.ZipFile(out) as z:
        assert z.read("nodes.csv").decode("utf-8-sig").startswith("id,")
        assert z.read("edges.csv").decode("utf-8-sig").startswith("id,")


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "csv", "{missing}/graph.zip"],
        ["export", "ftm", "-o", "{missing}/graph.ftm.json"],
        ["export", "ftm", "-o", "{tmp}/graph.ftm.json", "--judgements", "{missing}/judgements.json"],
    ],
    ids=["csv", "ftm", "judgements"],
)
def test_an_unwritable_output_is_a_sentence_and_exit_1(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-dir"
    argv = [a.format(missing=missing, tmp=tmp_path) for a in argv]
    assert main(["--store", "memory", *argv, "--no-progress"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == f"error: Cannot write {argv[-1]}: No such file or directory."
    assert not missing.exists() and not list(tmp_path.glob("*.part"))
