"""No traceback from any loader on any input: every source, each of its files made hostile in turn, ends in a
report (the bad records rejected, the good ones read) or in one sentence naming the file."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from graph import SanctionsGraphError
from loaders.framework import run_load
from loaders.registry import SOURCES
from tests.hostile.hostile_files import CONTENTS, SETS, prepare

#: contents that spoil one record only: the rest of the file is read
ONE_BAD_RECORD = ("long-line", "unclosed-quote", "many-columns")


@pytest.mark.parametrize("content", list(CONTENTS))
@pytest.mark.parametrize("source", list(SETS))
def test_a_hostile_file_gives_a_report_or_a_sentence(source: str, content: str, tmp_path: Path) -> None:
    paths, options = prepare(source, content, tmp_path)
    built, files = SOURCES[source].build(options, paths)
    try:
        report = run_load(built, files, None, check_counts=False)
    except SanctionsGraphError as exc:
        assert str(tmp_path) in str(exc) and str(exc).count("\n") == 0
        return
    if content in ONE_BAD_RECORD and source not in ("ftm", "jsonl"):
        assert report.rejected >= 1
        assert report.records_read > report.rejected  # the good records around it were read
    assert report.rejected <= report.records_read + 1


def test_a_gzip_bomb_is_refused_with_a_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = tmp_path / "bomb.ftm.json.gz"
    line = b'{"id": "x", "schema": "Thing"}' + b" " * 1000 + b"\n"
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        for _ in range(80_000):  # ~85 MB expanded, ~100 KB compressed
            out.write(line)
    built, files = SOURCES["ftm"].build({}, [bomb])
    with pytest.raises(SanctionsGraphError, match="possible decompression bomb"):
        run_load(built, files, None, check_counts=False)
