"""Reading OFAC's files: which they are, their encoding, their CSV records, and the checks that tell a malformed row
(rejected) from a file that is not in the format at all (SourceFormatError)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from graph import SourceFormatError
from loaders.common.csvfiles import csv_records
from loaders.framework import LoadContext
from loaders.sources.ofac_sdn.tables import COLUMNS, SDN_FILE

EOF_MARK = "\x1a"


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was read with: UTF-8 (BOM allowed), else cp1252, else latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


@dataclass(frozen=True)
class CsvRow:
    """One CSV record: the line it starts on, its fields and its raw text."""

    line: int
    fields: list[str]
    raw: str


def read_rows(text: str, file: str) -> list[CsvRow]:
    """CSV records of a decoded file, the final 0x1A end-of-file mark and blank lines left out."""
    stripped = text.rstrip("\r\n")
    if stripped.endswith(EOF_MARK):
        text = stripped[: -len(EOF_MARK)]
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[CsvRow] = []
    previous = 0
    for fields in csv_records(reader):
        if isinstance(fields, csv.Error):
            raise SourceFormatError(file, previous + 1, None, f"not valid CSV ({fields})") from fields
        start, previous = previous + 1, reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        raw = "".join(lines[start - 1 : previous]).rstrip("\r\n")
        rows.append(CsvRow(start, fields, raw))
    return rows


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str | None
    reason: str
    raw: str


class FileCheck:
    """Rejections of one file, kept back until the file is known to be in its format."""

    def __init__(self, file: str, kind: str) -> None:
        self.file = file
        self.kind = kind
        self.columns = COLUMNS[kind]
        self.rows = 0
        self.rejections: list[Rejection] = []

    def reject(self, row: CsvRow, field_name: str | None, reason: str) -> None:
        self.rejections.append(Rejection(row.line, field_name, reason, row.raw))

    def valid_rows(self, text: str, id_columns: int = 1) -> Iterator[CsvRow]:
        """The file's rows (its header checked), counted; those of a wrong shape rejected, the others yielded."""
        rows = read_rows(text, self.file)
        self.header_check(rows)
        for row in rows:
            self.rows += 1
            if self.valid_shape(row, id_columns):
                yield row

    def valid_shape(self, row: CsvRow, id_columns: int = 1) -> bool:
        """Column count and numeric id columns; rejects and returns False when either is wrong."""
        if len(row.fields) != len(self.columns):
            self.reject(row, None, f"wrong column count: expected {len(self.columns)}, got {len(row.fields)}")
            return False
        for index in range(id_columns):
            value = row.fields[index].strip()
            if not value.isdigit():
                self.reject(row, self.columns[index], f"{self.columns[index]} not numeric: {value!r}")
                return False
        return True

    def header_check(self, rows: list[CsvRow]) -> None:
        if not rows:
            return
        first = rows[0]
        value = first.fields[0].strip()
        if not value.isdigit():
            raise SourceFormatError(
                self.file,
                first.line,
                self.columns[0],
                f"starts with {value!r}, not a numeric {self.columns[0]} - a header row? OFAC SDN {self.kind} has no "
                "header; is this the right file?",
            )

    def finish(self) -> None:
        """Raise SourceFormatError when most rows are malformed (not this format at all)."""
        bad = len(self.rejections)
        if self.rows and bad * 2 > self.rows:
            first = self.rejections[0]
            raise SourceFormatError(
                self.file,
                first.line,
                first.field,
                f"{bad} of {self.rows} rows are malformed (first: {first.reason}); not an OFAC SDN {self.kind} file?",
            )

    def emit(self, ctx: LoadContext) -> None:
        for rej in self.rejections:
            ctx.reject(self.file, rej.line, rej.field, rej.reason, rej.raw)


def find_files(paths: Sequence[Path]) -> dict[str, Path]:
    """The OFAC files among ``paths`` (files, or directories searched one level deep), by lower-case file name."""
    found: dict[str, Path] = {}
    candidates: list[Path] = []
    for path in paths:
        if path.is_dir():
            candidates += sorted(p for p in path.iterdir() if p.is_file() and p.name.lower() in COLUMNS)
        elif path.is_file():
            if path.name.lower() not in COLUMNS:
                raise SourceFormatError(
                    str(path), None, None, f"not an OFAC SDN file name (expected one of {', '.join(COLUMNS)})"
                )
            candidates.append(path)
        else:
            raise SourceFormatError(str(path), None, None, "no such file or directory")
    for path in candidates:
        key = path.name.lower()
        other = found.get(key)
        if other is not None and other.resolve() != path.resolve():
            raise SourceFormatError(str(path), None, None, f"a second {key} (the first is {other})")
        found[key] = path
    if SDN_FILE not in found:
        where = ", ".join(str(p) for p in paths) or "(no paths)"
        raise SourceFormatError(where, None, None, f"no {SDN_FILE} found (names compared case-insensitively)")
    return found


def read_text(path: Path, ctx: LoadContext) -> str:
    """A file's text (see ``decode``); a warning when it is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceFormatError(str(path), None, None, f"cannot be read ({exc.strerror})") from exc
    text, encoding = decode(data)
    if encoding in ("cp1252", "latin-1"):
        ctx.warn(f"{path}: not valid UTF-8; read as {encoding}")
    return text
