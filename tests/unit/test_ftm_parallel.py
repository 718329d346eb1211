"""An FtM file parsed by several processes (FtmSource(workers=N), loaders.framework.parallel) gives what one process
gives: the same write calls in the same order, the same records, the same report (counts, notes, warnings) and the
same rejects file (file, line, field, reason, raw), on a file of every kind of line - nodes and edges, Sanctions
before and after their entity, delta operations, a schema change, blank lines, a BOM, lines that are no JSON, not
UTF-8, too long, and a truncated last line - cut into many small chunks."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path

import pytest

from graph import Prop, SourceFormatError
from loaders.framework import parallel, run_load
from loaders.sources.ftm import FtmSource
from loaders.sources.ftm import load as ftm_load
from tests.doubles import RecordingStore
from tests.ftm_fixtures import DELTA, FIXTURES, NETWORK

CAP = 3000  # SANCTIONS_GRAPH_MAX_LINE_BYTES in these tests: one line below is longer


def _line(record: dict[str, object]) -> bytes:
    return json.dumps(record).encode() + b"\n"


def _generated(n: int) -> list[bytes]:
    lines: list[bytes] = []
    for i in range(n):
        lines.append(_line({"id": f"gp-{i}", "schema": "Person", "properties": {"name": [f"Gen Person {i}"]}}))
        lines.append(
            _line({"id": f"gc-{i}", "schema": "Company", "properties": {"name": [f"Gen Co {i}"], "country": ["kp"]}})
        )
        wallet = {"publicKey": [f"0x{i:040x}"], "currencySymbol": ["ETH"], "holder": [f"gp-{i}"]}
        lines.append(_line({"id": f"gw-{i}", "schema": "CryptoWallet", "properties": wallet}))
        owners = [f"gp-{i}", f"gp-{i + 1}"] if i % 7 == 0 else [f"gp-{i}"]
        own = {"owner": owners, "asset": [f"gc-{i}"], "percentage": ["25%"], "colour": ["red"]}
        lines.append(_line({"id": f"go-{i}", "schema": "Ownership", "properties": own}))
        pay = {"payer": [f"gw-{i}"], "beneficiary": [f"gw-{(i + 3) % n}"], "amount": ["12.5"]}
        pay |= {"transactionNumber": [f"0x{i:064x}"], "currency": ["ETH"], "date": ["2024-01-02T03:04:05"]}
        lines.append(_line({"id": f"gpay-{i}", "schema": "Payment", "properties": pay}))
        if i % 10 == 0:
            lines.append(b"\n   \n")  # blank lines: counted as lines, not as records
            sanction = {"entity": [f"gc-{i + 5}"], "authority": ["OFAC"], "program": ["DPRK3"]}
            lines.append(_line({"id": f"gs-{i}", "schema": "Sanction", "properties": sanction}))
        if i % 25 == 3:
            lines.append(_line({"id": f"gp-{i}", "schema": "LegalEntity", "properties": {"name": [f"Again {i}"]}}))
            lines.append(_line({"id": f"gx-{i}", "schema": "Person", "properties": {"name": ["Bad\u0000Name"]}}))
            lines.append(_line({"id": f"gu-{i}", "schema": "Company", "properties": {"name": ["U"], "nope": ["x"]}}))
            lines.append(_line({"id": f"gd-{i}", "schema": "Directorship", "properties": {"director": ["gp-1"]}}))
        if i == 40:
            long_name = "L" * (CAP + 10)
            lines.append(_line({"id": "g-long", "schema": "Person", "properties": {"name": [long_name]}}))
    return lines


def _file(tmp_path: Path) -> Path:
    network = NETWORK.read_bytes().splitlines(keepends=True)
    parts = [b"\xef\xbb\xbf" + network[0], *network[1:]]
    for name in ("malformed.ftm.json", "missing-fields.ftm.json", "latin1.ftm.json"):
        parts += [
            line if line.endswith(b"\n") else line + b"\n" for line in (FIXTURES / name).read_bytes().splitlines(True)
        ]
    parts += _generated(120)
    parts += DELTA.read_bytes().splitlines(keepends=True)
    parts.append(b'{"id": "g-cut", "schema": "Person", "properties": {"name": ["Cut')  # no final line break
    path = tmp_path / "mixed.ftm.json"
    path.write_bytes(b"".join(parts))
    return path


def _load(path: Path, tmp_path: Path, workers: int) -> tuple[object, ...]:
    store = RecordingStore()
    rejects = tmp_path / f"rejects-{workers}.csv"
    source = FtmSource(workers=workers, chunk_bytes=1024)
    report = run_load(source, [path], store, rejects_path=rejects)
    summary = report.to_dict()
    for key in ("seconds", "records_per_second", "rejects_file"):
        summary.pop(key, None)
    return store.calls, store.node_records, store.rel_records, store.stub_ids, summary, rejects.read_text("utf-8")


def test_several_processes_give_what_one_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONS_GRAPH_MAX_LINE_BYTES", str(CAP))
    path = _file(tmp_path)
    used: list[int] = []
    real = parallel.ParallelLines.__init__

    def counting(self: parallel.ParallelLines[object], *args: object, **kwargs: object) -> None:
        real(self, *args, **kwargs)  # type: ignore[arg-type]
        used.append(self.workers)

    monkeypatch.setattr(parallel.ParallelLines, "__init__", counting)
    one = _load(path, tmp_path, 1)
    assert used == []
    real_line = ftm_load.Load._line
    by_loader: list[int] = []

    def read_here(self: ftm_load.Load, file: str, number: int, raw: bytes) -> None:
        by_loader.append(number)
        real_line(self, file, number, raw)

    monkeypatch.setattr(ftm_load.Load, "_line", read_here)
    for workers in (2, 3):
        by_loader.clear()
        assert _load(path, tmp_path, workers) == one
        assert 0 < len(by_loader) < 100  # the others (600 lines) prepared by the parsing processes
    assert used == [2, 3]
    assert len(parallel.chunk_bounds(path, 1024)) > 50

    lines = path.read_bytes().split(b"\n")
    rejects = {(row["line"], row["field"]): row["reason"] for row in csv.DictReader(io.StringIO(str(one[5])))}
    long_line = next(n for n, line in enumerate(lines, start=1) if b'"g-long"' in line)
    assert rejects[(str(long_line), "")] == f"line too long: over {CAP:,} bytes"
    latin1 = next(n for n, line in enumerate(lines, start=1) if b"\xe9" in line)
    assert rejects[(str(latin1), "")].startswith("not UTF-8")
    missing_end = next(n for n, line in enumerate(lines, start=1) if b'"gd-3"' in line)
    assert rejects[(str(missing_end), "organization")].startswith("missing edge end")
    assert rejects[(str(len(lines)), "")].startswith("truncated: the file ends in the middle of a record")
    summary = one[4]
    assert isinstance(summary, dict) and summary["records_read"] > 650 and summary["rejected"] >= 10


def test_a_schema_change_is_read_in_the_loading_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record of an id read before with another schema is redone the one-process way (from its byte offset)."""
    path = tmp_path / "schemas.ftm.json"
    path.write_bytes(
        b"".join(
            [_line({"id": f"p{i}", "schema": "LegalEntity", "properties": {"name": [f"P {i}"]}}) for i in range(60)]
            + [_line({"id": f"p{i}", "schema": "Person", "properties": {"name": [f"Q {i}"]}}) for i in range(60)]
        )
    )
    redone: list[int] = []
    real = ftm_load.Load._line

    def counting(self: ftm_load.Load, file: str, number: int, raw: bytes) -> None:
        redone.append(number)
        real(self, file, number, raw)

    monkeypatch.setattr(ftm_load.Load, "_line", counting)
    store = RecordingStore()
    run_load(FtmSource(workers=2, chunk_bytes=512), [path], store)
    assert redone == list(range(61, 121))
    assert {r.kind.value for r in store.nodes.values()} == {"Person"}
    assert store.nodes["p7"].props[Prop.NAME] == "Q 7"


def test_a_json_array_is_refused_as_by_one_process(tmp_path: Path) -> None:
    path = tmp_path / "array.ftm.json"
    path.write_bytes(b"[\n" + b"".join(_line({"id": f"p{i}", "schema": "Person"}) for i in range(200)) + b"]\n")
    for workers in (1, 2):
        with pytest.raises(SourceFormatError, match="a JSON array, not JSON lines"):
            run_load(FtmSource(workers=workers, chunk_bytes=512), [path], RecordingStore())


def test_chunks_cover_the_file_and_start_at_lines(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    lines = [b"x" * (i * 37 % 900) + b"\n" for i in range(400)] + [b"y" * 5000 + b"\n", b"z" * 10]
    data = b"".join(lines)
    path.write_bytes(data)
    bounds = parallel.chunk_bounds(path, 700)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert all(data[start - 1 : start] == b"\n" for start, _ in bounds[1:])
    assert not parallel.splittable(path, len(data))
