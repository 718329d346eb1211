"""The one CSV reader every header-row CSV source uses (plain CSV, ICIJ, transfers).

``read_header`` checks the header (columns by name, duplicates refused), ``require_columns``/``unknown_columns``
compare it with what a source maps, and ``iter_records`` streams the data records with the csv module (strict
quoting): each record carries the physical line it starts on (quoted line breaks counted) and its raw text, so a
reject names file, line and field and keeps the row as written. Records that are not valid CSV, or that have a
wrong number of fields, are rejected with their reason; blank lines are skipped without being counted as records.

Encoding rule: files are read as UTF-8 (a BOM is allowed). A record holding bytes that are not UTF-8 - typically a
latin-1/cp1252 name in an otherwise UTF-8 file - is NOT rejected: its bad bytes are decoded as cp1252 (latin-1 for
the five bytes cp1252 leaves undefined) and the load warns with the file and line numbers. Names are what analysts
search for; losing the record would be worse than a possible wrong accent, which the warning lets someone check.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from graph import SourceFormatError
from loaders.common.values import DateOrder, decide_date_order, find_date_order
from loaders.framework import LoadContext
from loaders.framework.guard import InputLimits

MAX_EXAMPLES = 10

ENCODING = "utf-8-sig"
ENCODING_ERRORS = "surrogateescape"  # undecodable bytes become U+DC80..U+DCFF, repaired by ``repair_text``


def _fallback_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: undefined in cp1252, read as latin-1


def repair_text(value: str) -> tuple[str, bool]:
    """Text decoded with ``surrogateescape``, its undecodable bytes re-read as cp1252; and whether any were."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        fixed = "".join(_fallback_char(ord(c) - 0xDC00) if 0xDC80 <= ord(c) <= 0xDCFF else c for c in value)
        return fixed, True
    return value, False


@dataclass(frozen=True)
class CsvRecord:
    """One data record of a header-row CSV file: the line it starts on and its values by column name."""

    line: int
    values: dict[str, str]
    raw: str

    def get(self, column: str | None) -> str:
        """The stripped value of ``column`` ('' when the column is None, absent or empty)."""
        if column is None:
            return ""
        return self.values.get(column, "").strip()


def read_header(path: Path) -> list[str]:
    """The column names of a header-row CSV file (stripped, BOM removed); SourceFormatError for an empty file, a
    broken header or a duplicate column name. Unnamed columns are returned as ''."""
    file = str(path)
    try:
        handle = path.open(encoding=ENCODING, errors=ENCODING_ERRORS, newline="")
    except OSError as exc:
        raise SourceFormatError(file, None, None, f"cannot be read ({exc.strerror})") from exc
    with handle:
        try:
            header = next(csv.reader(handle, strict=True), None)
        except csv.Error as exc:
            raise SourceFormatError(file, 1, None, f"the header row is not valid CSV ({exc})") from exc
    if not header or all(not h.strip() for h in header):
        raise SourceFormatError(file, 1, None, "empty file: no header row")
    columns = InputLimits.from_env().columns
    if len(header) > columns:
        raise SourceFormatError(
            file, 1, None, f"{len(header):,} columns, over the cap of {columns:,} (SANCTIONS_GRAPH_MAX_COLUMNS)"
        )
    names = [repair_text(h)[0].strip() for h in header]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise SourceFormatError(file, 1, name, f"duplicate column name '{name}' in the header row")
        seen.add(name)
    return names


def require_columns(file: str, header: Sequence[str], required: Iterable[str], what: str = "") -> None:
    """SourceFormatError naming the file and the first required column the header lacks."""
    for column in required:
        if column not in header:
            shown = ", ".join(h or "(unnamed)" for h in header)
            raise SourceFormatError(
                file, 1, column, f"missing required column '{column}'{what} (the header has: {shown})"
            )


def unknown_columns(header: Sequence[str], known: Iterable[str]) -> list[str]:
    """Header columns not in ``known``, unnamed ones shown as 'column N (no name)'."""
    known_set = set(known)
    return [h or f"column {i} (no name)" for i, h in enumerate(header, start=1) if h not in known_set]


class _EncodingLog:
    """Lines whose bytes were not UTF-8, reported once per file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: list[int] = []

    def report(self, ctx: LoadContext) -> None:
        if not self.lines:
            return
        ctx.note("records with bytes that are not UTF-8 (read as cp1252)", len(self.lines))
        shown = ", ".join(str(n) for n in self.lines[:MAX_EXAMPLES]) + (" …" if len(self.lines) > MAX_EXAMPLES else "")
        ctx.warn(
            f"{self.file}: {len(self.lines)} record(s) are not valid UTF-8 (line {shown}); "
            "their bad bytes were read as cp1252 - check accented names"
        )


class _Lines:
    """An iterator over a file's lines that remembers the ones the csv reader took for the current record."""

    def __init__(self, handle: Iterable[str]) -> None:
        self._it = iter(handle)
        self.taken: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._it)
        self.taken.append(line)
        return line

    def pop(self) -> str:
        text = "".join(self.taken)
        self.taken.clear()
        return text


_SEPARATOR = re.compile(r"^[-=_*~#+.|:\s]+$")
#: What a row skipped without being a record is counted as, in the report's notes.
SKIPPED_BLANK = "rows skipped: blank"
SKIPPED_SEPARATOR = "rows skipped: separator lines (----, ====)"
SKIPPED_HEADER = "rows skipped: the header row repeated"


def skipped_kind(fields: Sequence[str], header: Sequence[str]) -> str | None:
    """Why a row is not a record (blank, a separator line, the header again), or None when it is one."""
    if all(not f.strip() for f in fields):
        return SKIPPED_BLANK
    if all(not f.strip() or _SEPARATOR.match(f) for f in fields):
        return SKIPPED_SEPARATOR
    if len(fields) == len(header) and [f.strip() for f in fields] == list(header):
        return SKIPPED_HEADER
    return None


def csv_records(reader: Iterator[list[str]]) -> Iterator[list[str] | csv.Error]:
    """The records of a csv reader, a malformed one as its csv.Error: the caller decides whether it ends the file
    or rejects the record (the reader goes on after it)."""
    while True:
        try:
            record: list[str] | csv.Error = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            record = exc
        yield record


def _rows(path: Path) -> Iterator[tuple[int, list[str] | csv.Error, str, bool]]:
    """(line, the fields or the csv error, the raw text, whether bytes were repaired) of each row after the header."""
    with path.open(encoding=ENCODING, errors=ENCODING_ERRORS, newline="") as handle:
        lines = _Lines(handle)
        reader = csv.reader(lines, strict=True)
        try:
            next(reader)  # the header, checked by read_header
        except (StopIteration, csv.Error):
            return
        lines.pop()
        start = reader.line_num + 1
        for fields in csv_records(reader):
            if isinstance(fields, csv.Error):
                raw, _ = repair_text(lines.pop())
                yield start, fields, raw, False
                start = reader.line_num + 1
                continue
            line, start = start, reader.line_num + 1
            raw, repaired = repair_text(lines.pop())
            if repaired:
                fields = [repair_text(f)[0] for f in fields]
            yield line, fields, raw, repaired


def iter_records(path: Path, header: Sequence[str], ctx: LoadContext) -> Iterator[CsvRecord]:
    """Stream the data records of a header-row CSV file with the csv module (strict quoting).

    Counts every record as read; rejects (and does not yield) records that are not valid CSV or have a wrong number
    of fields; skips blank rows, separator lines and a repeated header, counting each kind in the notes; repairs
    non-UTF-8 bytes per the module's encoding rule; warns when the file does not end with a line break (its last
    record may have been cut off)."""
    file = str(path)
    log = _EncodingLog(file)
    last_raw = ""
    for line, fields, raw, repaired in _rows(path):
        last_raw = raw
        if isinstance(fields, csv.Error):
            ctx.record_read(file=file, line=line)
            ctx.reject(file, line, None, _csv_error(fields), raw.rstrip("\r\n"))
            continue
        skipped = skipped_kind(fields, header)
        if skipped is not None:
            ctx.note(skipped)
            continue
        ctx.record_read(file=file, line=line)
        if repaired:
            log.lines.append(line)
        if len(fields) != len(header):
            hint = " (the record is cut short: file truncated?)" if len(fields) < len(header) else ""
            ctx.reject(
                file,
                line,
                None,
                f"wrong column count: expected {len(header)}, got {len(fields)}{hint}",
                raw.rstrip("\r\n"),
            )
            continue
        yield CsvRecord(line, dict(zip(header, fields, strict=True)), raw.rstrip("\r\n"))
    log.report(ctx)
    if last_raw and not last_raw.endswith(("\n", "\r")):
        ctx.warn(f"{file}: the file does not end with a line break; its last record may have been cut off")


def column_values(path: Path, header: Sequence[str], columns: Sequence[str]) -> list[str]:
    """The stripped values of some columns over a file's well-formed records, read without reporting anything (for
    a decision that needs the whole file first, such as the date order)."""
    indexes = [list(header).index(c) for c in columns]
    return [
        fields[i].strip()
        for _, fields, _, _ in _rows(path)
        if isinstance(fields, list) and len(fields) == len(header) and skipped_kind(fields, header) is None
        for i in indexes
    ]


def file_date_order(path: Path, header: Sequence[str], columns: Sequence[str], ctx: LoadContext) -> DateOrder | None:
    """The order of the all-numeric dates (03/04/2021) in ``columns`` of one file, decided once from the file's own
    values; when some dates read both ways the decision is reported (a note, and a warning naming the evidence)."""
    if not columns:
        return None
    where = f"{path}: column(s) {', '.join(repr(c) for c in columns)}"
    order, sentence = decide_date_order(find_date_order(column_values(path, header, columns)), where)
    if sentence:
        ctx.note("files with all-numeric dates that read both ways (see the warnings)")
        ctx.warn(sentence)
    return order


def _csv_error(exc: csv.Error) -> str:
    if "unexpected end of data" in str(exc):
        return "not valid CSV: a quoted field is not closed before the end of the file (file truncated?)"
    return f"not valid CSV: {exc}"
