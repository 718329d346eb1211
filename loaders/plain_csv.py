"""Plain CSV with a header row: data engineers' own spreadsheets mapped to the vocabulary by a declarative TOML file.

The mapping format is documented in docs/loaders-csv.md (with a complete example in tests/fixtures/csv/). In short:
one ``[[files]]`` table per file names its node kind or relationship type, the id column (or an id template such as
``"acme-co-{company_id}"``), the name column, property columns -> vocabulary properties, the link ends (source and
target id columns or templates, or ``source_wallet``/``target_wallet`` address columns), constants, and the columns
deliberately ignored. ``load_mapping`` validates the whole mapping against the vocabulary before any row is read; every
problem is reported with its key (``mapping.toml: files[1].properties.shoesize: 'shoesize' is not a property of the
vocabulary``). ``files[0]`` is the first ``[[files]]`` table.

Files are read with pandas (``dtype=str``, ``keep_default_na=False``, the python engine, so a malformed or cut-off
record is skipped with its line number instead of stopping the read). Every column of a file is used by the mapping or
listed in ``ignore``; others are reported as a warning. A column the mapping names that the file lacks stops the load
(SourceFormatError naming file, column and mapping key) before anything is emitted. Bad rows (a missing id, name or
end, a value that is not a number, date or yes/no where one is needed) are rejected with file, line, field and reason.

This module also holds the CSV helpers the other header-row loaders (ICIJ, transfers) share: reading a header,
streaming records with the csv module (exact line numbers, strict quoting), and the encoding rule below.

Encoding rule (all three CSV loaders): files are read as UTF-8 (a BOM is allowed). A record holding bytes that are
not UTF-8 - typically a latin-1/cp1252 name in an otherwise UTF-8 file - is NOT rejected: its bad bytes are decoded
as cp1252 (latin-1 for the five bytes cp1252 leaves undefined) and the load warns with the file and line numbers.
Names are what analysts search for; losing the record would be worse than a possible wrong accent, which the warning
lets someone check.
"""

from __future__ import annotations

import csv
import io
import re
import string
import tomllib
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from graph.errors import SourceFormatError
from graph.ids import normalize_address, rel_id, wallet_id
from graph.model import NodeRecord, RelRecord
from graph.vocabulary import (
    ANALYSIS_PROPS,
    FLAG_PROPS,
    INTERNAL_PROPS,
    LIST_PROPS,
    RELATIONSHIPS,
    NodeKind,
    Prop,
    RelType,
)
from loaders.common.chains import address_chain
from loaders.framework import LoadContext

_MAX_EXAMPLES = 10

# --- text and records ---------------------------------------------------------------------------------------------

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


def _raw(fields: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


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
        shown = ", ".join(str(n) for n in self.lines[:_MAX_EXAMPLES]) + (
            " …" if len(self.lines) > _MAX_EXAMPLES else ""
        )
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


def iter_records(path: Path, header: Sequence[str], ctx: LoadContext) -> Iterator[CsvRecord]:
    """Stream the data records of a header-row CSV file with the csv module (strict quoting).

    Counts every record as read; rejects (and does not yield) records that are not valid CSV or have a wrong number
    of fields; repairs non-UTF-8 bytes per the module's encoding rule; warns when the file does not end with a line
    break (its last record may have been cut off)."""
    file = str(path)
    log = _EncodingLog(file)
    last_raw = ""
    with path.open(encoding=ENCODING, errors=ENCODING_ERRORS, newline="") as handle:
        lines = _Lines(handle)
        reader = csv.reader(lines, strict=True)
        try:
            next(reader)  # the header, checked by read_header
        except (StopIteration, csv.Error):
            return
        lines.pop()
        start = reader.line_num + 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raw, _ = repair_text(lines.pop())
                last_raw = raw
                ctx.record_read()
                ctx.reject(file, start, None, f"not valid CSV: {exc}", raw.rstrip("\r\n"))
                start = reader.line_num + 1
                continue
            line, start = start, reader.line_num + 1
            raw, repaired = repair_text(lines.pop())
            last_raw = raw
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # a blank line
            ctx.record_read()
            if repaired:
                fields = [repair_text(f)[0] for f in fields]
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


_SKIPPING = re.compile(r"Skipping line (\d+): (.*)", re.DOTALL)


def frame_records(path: Path, header: Sequence[str], ctx: LoadContext) -> Iterator[CsvRecord]:
    """The data records of a header-row CSV file read with pandas (strings only, no NA guessing).

    Same contract as ``iter_records``: records counted, malformed and short ones rejected with their line, bad bytes
    repaired and warned about. Line numbers are physical lines (quoted line breaks counted; exact except after a
    skipped malformed record that itself spans several lines)."""
    file = str(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                encoding=ENCODING,
                encoding_errors=ENCODING_ERRORS,
                engine="python",
                on_bad_lines="warn",
                skip_blank_lines=False,
            )
        except pd.errors.EmptyDataError as exc:
            raise SourceFormatError(file, None, None, "empty file: no header row") from exc
        except (pd.errors.ParserError, ValueError) as exc:
            raise SourceFormatError(file, None, None, f"not valid CSV ({exc})") from exc
    if len(frame.columns) != len(header):
        raise SourceFormatError(
            file, 1, None, f"pandas read {len(frame.columns)} columns, the header has {len(header)}"
        )
    bad: dict[int, str] = {}
    for warning in caught:
        match = _SKIPPING.match(str(warning.message).strip())
        if match:
            bad[int(match.group(1))] = match.group(2).strip()
    physical = _physical_lines(path)
    log = _EncodingLog(file)
    next_record, next_line = 2, 2  # pandas counts records (header = 1); we report physical lines

    def reject_skipped() -> None:
        """Reject the records pandas skipped that come next (their line numbers follow the last good record)."""
        nonlocal next_record, next_line
        while next_record in bad:
            reason = bad.pop(next_record)
            ctx.record_read()
            raw = physical[next_line - 1] if next_line - 1 < len(physical) else ""
            if "unexpected end of data" in reason or "EOF" in reason:
                reason = "not valid CSV: a quoted field is not closed before the end of the file (file truncated?)"
            else:
                counts = re.match(r"Expected (\d+) fields in line \d+, saw (\d+)", reason)
                detail = f"expected {counts.group(1)}, got {counts.group(2)}" if counts else reason
                reason = f"wrong column count: {detail}"
            ctx.reject(file, next_line, None, reason, raw)
            next_record += 1
            next_line += 1

    for row in frame.itertuples(index=False, name=None):
        reject_skipped()
        line = next_line
        cells = list(row)
        next_record += 1
        next_line += 1 + sum(c.count("\n") for c in cells if isinstance(c, str))
        if all(not isinstance(c, str) for c in cells):
            continue  # a blank line
        ctx.record_read()
        present = [c for c in cells if isinstance(c, str)]
        values = [repair_text(c) for c in present]
        if any(changed for _, changed in values):
            log.lines.append(line)
        texts = [v for v, _ in values]
        if len(present) < len(cells):
            ctx.reject(
                file,
                line,
                None,
                f"wrong column count: expected {len(header)}, got {len(present)} (the record is cut short: "
                "file truncated?)",
                _raw(texts),
            )
            continue
        yield CsvRecord(line, dict(zip(header, texts, strict=True)), _raw(texts))
    reject_skipped()
    for record_no in sorted(bad):  # beyond the last row pandas returned (e.g. an unclosed quote at the end)
        next_line += record_no - next_record
        next_record = record_no
        reject_skipped()
    log.report(ctx)


def _physical_lines(path: Path) -> list[str]:
    with path.open(encoding=ENCODING, errors=ENCODING_ERRORS, newline="") as handle:
        return [repair_text(line)[0].rstrip("\r\n") for line in handle]


# --- values -------------------------------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_number(text: str) -> float:
    """A number as spreadsheets write it: ``1234.5``, ``1,234.5``, ``$96,456,655``, ``60%``; ValueError otherwise."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if value.startswith("US$"):
        value = value[3:]
    value = value.removeprefix("$").removesuffix("%")
    if _THOUSANDS.match(value):
        value = value.replace(",", "")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"not a number: {text!r}")
    return number


def parse_date(text: str, date_format: str | None = None) -> str:
    """An ISO date of variable precision (``2023``, ``2023-02``, ``2023-02-24``), or ``date_format`` (strptime)
    turned into ``YYYY-MM-DD``; ValueError otherwise."""
    value = text.strip()
    if date_format:
        try:
            return datetime.strptime(value, date_format).date().isoformat()
        except ValueError:
            raise ValueError(f"not a date in the format {date_format!r}: {text!r}") from None
    match = _ISO_DATE.match(value)
    if match:
        year, month, day = match.groups()
        try:
            if day is not None:
                return datetime(int(year), int(month), int(day)).date().isoformat()
            if month is not None and 1 <= int(month) <= 12:
                return f"{int(year):04d}-{int(month):02d}"
            if month is None:
                return f"{int(year):04d}"
        except ValueError:
            pass
    raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}")


TIMESTAMP_FORMATS = ("iso", "unix", "unix_ms")


def parse_timestamp(text: str, timestamp_format: str = "iso") -> str:
    """A moment as ISO 8601 UTC (``2024-01-02T03:04:05Z``). ``timestamp_format``: ``iso`` (any ISO 8601 form,
    ``YYYY-MM-DD HH:MM:SS`` included), ``unix`` (epoch seconds), ``unix_ms`` (epoch milliseconds) or a strptime
    format. Times without a zone are UTC. ValueError otherwise."""
    value = text.strip()
    try:
        if timestamp_format == "iso":
            moment = datetime.fromisoformat(value)
        elif timestamp_format in ("unix", "unix_ms"):
            seconds = float(value) / (1000 if timestamp_format == "unix_ms" else 1)
            if seconds <= 0:
                raise ValueError
            moment = datetime.fromtimestamp(seconds, tz=UTC)
        else:
            moment = datetime.strptime(value, timestamp_format)
    except (ValueError, OverflowError, OSError):
        shown = "ISO 8601" if timestamp_format == "iso" else repr(timestamp_format)
        raise ValueError(f"not a timestamp in the format {shown}: {text!r}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds") + "Z"


_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0"}


def parse_flag(text: str) -> bool:
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"not a yes/no value (true/false, yes/no, 1/0): {text!r}")


# --- the mapping --------------------------------------------------------------------------------------------------

#: Properties typed as numbers, dates and timestamps (others are text; LIST_PROPS are lists, FLAG_PROPS yes/no).
NUMBER_PROPS = frozenset({Prop.PERCENTAGE, Prop.AMOUNT, Prop.VALUE_USD, Prop.TONNAGE, Prop.SCORE})
DATE_PROPS = frozenset({Prop.BIRTH_DATE, Prop.START_DATE, Prop.END_DATE, Prop.DATE, Prop.FIRST_SEEN, Prop.LAST_SEEN})
TIMESTAMP_PROPS = frozenset({Prop.TIMESTAMP})
#: Properties a mapping may not set, with the reason.
NOT_MAPPABLE: dict[Prop, str] = {
    **{p: "it is maintained by the store" for p in INTERNAL_PROPS},
    **{p: "it is an analysis result written by `sanctions-graph analyze`" for p in ANALYSIS_PROPS},
    Prop.STUB: "it is maintained by the store",
    Prop.DESIGNATIONS: "designations are built by the sanctions-list loaders; map `sanctioned` and `programs` instead",
    Prop.DATASETS: "it is set from the mapping's `dataset`",
    Prop.SOURCE_IDS: "it is set by the loader",
}
#: Properties that belong to relationships only.
REL_PROPS = frozenset(p for spec in RELATIONSHIPS.values() for p in spec.properties)

_TOP_KEYS = {"dataset", "files"}
_FILE_KEYS = {
    "path",
    "node",
    "relationship",
    "id",
    "name",
    "wallet_address",
    "source",
    "target",
    "source_wallet",
    "target_wallet",
    "properties",
    "constants",
    "ignore",
    "skip_empty",
    "separator",
    "date_format",
    "timestamp_format",
}
_NODE_ONLY_KEYS = {"name", "wallet_address"}
_REL_ONLY_KEYS = {"source", "target", "source_wallet", "target_wallet"}


@dataclass(frozen=True)
class Template:
    """A column reference (``company_id``) or a template with columns in braces (``acme-co-{company_id}``)."""

    parts: tuple[tuple[str, str | None], ...]  # (literal text, column or None)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for _, c in self.parts if c is not None)

    def render(self, record: CsvRecord) -> tuple[str | None, str | None]:
        """(value, None), or (None, the first referenced column that is empty)."""
        out: list[str] = []
        for literal, column in self.parts:
            out.append(literal)
            if column is not None:
                value = record.get(column)
                if not value:
                    return None, column
                out.append(value)
        return "".join(out), None


def parse_template(text: str) -> Template:
    """ValueError for an empty text, a bad brace, or a format spec in a placeholder."""
    if not text.strip():
        raise ValueError("must name a column")
    if "{" not in text and "}" not in text:
        return Template((("", text.strip()),))
    parts: list[tuple[str, str | None]] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(f"is not a valid template ({exc}); write columns in braces, e.g. 'acme-{{id}}'") from None
    for literal, column, spec, conversion in parsed:
        if column is not None and (spec or conversion):
            raise ValueError(f"placeholder {{{column}}} may not have a format spec or conversion")
        if column is not None and not column.strip():
            raise ValueError("has an empty placeholder {}")
        parts.append((literal, column.strip() if column is not None else None))
    template = Template(tuple(parts))
    if not template.columns:
        raise ValueError("names no column (write columns in braces, e.g. 'acme-{id}')")
    return template


@dataclass(frozen=True)
class PropMap:
    """Where one property's values come from: columns, and for identifiers a label per column."""

    prop: Prop
    columns: tuple[str, ...]
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class End:
    """A relationship end: an id (column or template) or a wallet address column."""

    key: str
    template: Template | None = None
    wallet: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return self.template.columns if self.template else (self.wallet,) if self.wallet else ()


@dataclass(frozen=True)
class FileMap:
    """The validated mapping of one file (``key`` is its place in the mapping, e.g. ``files[1]``)."""

    key: str
    path: Path
    node: NodeKind | None = None
    relationship: RelType | None = None
    id: Template | None = None
    name: Template | None = None
    wallet_address: str | None = None
    source: End | None = None
    target: End | None = None
    properties: tuple[PropMap, ...] = ()
    constants: dict[Prop, Any] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    skip_empty: tuple[str, ...] = ()
    separator: str = ";"
    date_format: str | None = None
    timestamp_format: str = "iso"

    def used_columns(self) -> dict[str, str]:
        """Every column the mapping reads -> the mapping key that names it."""
        used: dict[str, str] = {}
        for key, template in (("id", self.id), ("name", self.name)):
            for column in template.columns if template else ():
                used.setdefault(column, f"{self.key}.{key}")
        if self.wallet_address:
            used.setdefault(self.wallet_address, f"{self.key}.wallet_address")
        for end in (self.source, self.target):
            for column in end.columns if end else ():
                used.setdefault(column, f"{self.key}.{end.key}" if end else "")
        for pm in self.properties:
            for column in pm.columns:
                used.setdefault(column, f"{self.key}.properties.{pm.prop.value}")
        for column in self.skip_empty:
            used.setdefault(column, f"{self.key}.skip_empty")
        return used


@dataclass(frozen=True)
class CsvMapping:
    path: Path
    dataset: str
    files: tuple[FileMap, ...]


class MappingError(SourceFormatError):
    """A mapping file that does not fit the vocabulary or the format; ``problems`` are 'key: reason' sentences."""

    def __init__(self, path: str, problems: list[str]) -> None:
        super().__init__(path, None, None, f"\n{path}: ".join(problems))
        self.problems = problems


def _kind_names() -> str:
    return ", ".join(k.value for k in NodeKind)


def _type_names() -> str:
    return ", ".join(t.value for t in RelType)


class _Validator:
    """Collects mapping problems as 'key: reason'."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def add(self, key: str, reason: str) -> None:
        self.problems.append(f"{key}: {reason}")

    def text(self, table: dict[str, Any], name: str, key: str, required: bool = False) -> str | None:
        value = table.get(name)
        if value is None:
            if required:
                self.add(f"{key}.{name}", "missing (required)")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(f"{key}.{name}", f"must be a non-empty string, not {value!r}")
            return None
        return value

    def template(self, table: dict[str, Any], name: str, key: str, required: bool = False) -> Template | None:
        value = self.text(table, name, key, required)
        if value is None:
            return None
        try:
            return parse_template(value)
        except ValueError as exc:
            self.add(f"{key}.{name}", f"{value!r} {exc}")
            return None

    def prop(self, name: str, key: str, rel: RelType | None) -> Prop | None:
        try:
            prop = Prop(name)
        except ValueError:
            self.add(key, f"'{name}' is not a property of the vocabulary")
            return None
        if prop in NOT_MAPPABLE:
            self.add(key, f"'{name}' cannot be mapped: {NOT_MAPPABLE[prop]}")
            return None
        if rel is not None:
            allowed = RELATIONSHIPS[rel].properties
            if prop not in allowed:
                takes = ", ".join(p.value for p in allowed) or "no properties"
                self.add(key, f"'{name}' is not a property of {rel.value} relationships ({rel.value} takes {takes})")
                return None
        elif prop in REL_PROPS:
            types = ", ".join(s.type.value for s in RELATIONSHIPS.values() if prop in s.properties)
            self.add(key, f"'{name}' is a relationship property ({types}), not a node property")
            return None
        return prop

    def constant(self, prop: Prop, value: Any, key: str) -> Any:
        if prop in FLAG_PROPS:
            if not isinstance(value, bool):
                self.add(key, f"must be true or false, not {value!r}")
            return value
        if prop in LIST_PROPS:
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                self.add(key, f"must be a string or a list of strings, not {value!r}")
                return None
            return [v.strip() for v in values]
        if prop in NUMBER_PROPS:
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.add(key, f"must be a number, not {value!r}")
            return value
        if not isinstance(value, str) or not value.strip():
            self.add(key, f"must be a non-empty string, not {value!r}")
            return None
        if prop in DATE_PROPS:
            try:
                return parse_date(value)
            except ValueError as exc:
                self.add(key, str(exc))
        if prop in TIMESTAMP_PROPS:
            try:
                return parse_timestamp(value)
            except ValueError as exc:
                self.add(key, str(exc))
        return value.strip()


def load_mapping(path: Path) -> CsvMapping:
    """Read and validate a CSV mapping (TOML). Raises MappingError listing every problem, each with its key."""
    file = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceFormatError(file, None, None, f"cannot be read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise SourceFormatError(file, None, None, f"is not UTF-8 ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceFormatError(file, None, None, f"is not valid TOML ({exc})") from exc
    v = _Validator(path)
    for key in sorted(data.keys() - _TOP_KEYS):
        v.add(key, f"unknown key (a mapping has: {', '.join(sorted(_TOP_KEYS))})")
    dataset = data.get("dataset")
    if not isinstance(dataset, str) or not dataset.strip():
        v.add("dataset", "missing (required): the dataset name recorded on every node and relationship")
        dataset = ""
    files_data = data.get("files")
    files: list[FileMap] = []
    if not isinstance(files_data, list) or not files_data:
        v.add("files", "missing: at least one [[files]] table is needed")
    else:
        for index, table in enumerate(files_data):
            key = f"files[{index}]"
            if not isinstance(table, dict):
                v.add(key, "must be a table ([[files]])")
                continue
            fm = _file_map(v, key, table, path.parent)
            if fm is not None:
                files.append(fm)
    if v.problems:
        raise MappingError(file, v.problems)
    return CsvMapping(path, dataset.strip(), tuple(files))


def _file_map(v: _Validator, key: str, t: dict[str, Any], base: Path) -> FileMap | None:
    before = len(v.problems)
    for name in sorted(t.keys() - _FILE_KEYS):
        v.add(f"{key}.{name}", f"unknown key (a [[files]] table has: {', '.join(sorted(_FILE_KEYS))})")
    path_text = v.text(t, "path", key, required=True)
    node: NodeKind | None = None
    rel: RelType | None = None
    if ("node" in t) == ("relationship" in t):
        v.add(key, "give exactly one of 'node' (a node kind) or 'relationship' (a relationship type)")
    elif "node" in t:
        try:
            node = NodeKind(str(t["node"]))
        except ValueError:
            v.add(f"{key}.node", f"'{t['node']}' is not a node kind of the vocabulary (kinds: {_kind_names()})")
    else:
        try:
            rel = RelType(str(t["relationship"]))
        except ValueError:
            v.add(
                f"{key}.relationship",
                f"'{t['relationship']}' is not a relationship type of the vocabulary (types: {_type_names()})",
            )
    fm_id = v.template(t, "id", key)
    fm_name: Template | None = None
    wallet: str | None = None
    source = target = None
    if "node" in t:
        for name in sorted(_REL_ONLY_KEYS & t.keys()):
            v.add(f"{key}.{name}", "only a relationship file has link ends")
        if node is NodeKind.WALLET:
            wallet = v.text(t, "wallet_address", key, required=True)
            if "id" in t:
                v.add(f"{key}.id", "a Wallet's id is made from its address (wallet_address); remove 'id'")
            if "name" in t:
                v.add(f"{key}.name", "a Wallet's name is its address; map a label to 'aliases' instead")
        else:
            if "wallet_address" in t:
                v.add(f"{key}.wallet_address", "only a Wallet file has a wallet_address")
            if "id" not in t:
                v.add(f"{key}.id", "missing (required): the id column, or a template such as 'acme-co-{company_id}'")
            fm_name = v.template(t, "name", key, required=True)
    elif "relationship" in t:
        for name in sorted(_NODE_ONLY_KEYS & t.keys()):
            v.add(f"{key}.{name}", "only a node file has a name or a wallet_address")
        source = _end(v, t, key, "source")
        target = _end(v, t, key, "target")
    properties: list[PropMap] = []
    props_table = t.get("properties", {})
    if not isinstance(props_table, dict):
        v.add(f"{key}.properties", "must be a table of property = column")
        props_table = {}
    for name, spec in props_table.items():
        pkey = f"{key}.properties.{name}"
        prop = v.prop(name, pkey, rel) if (node or rel) else None
        if prop is None:
            continue
        pm = _prop_map(v, pkey, prop, spec)
        if pm is not None:
            properties.append(pm)
    constants: dict[Prop, Any] = {}
    const_table = t.get("constants", {})
    if not isinstance(const_table, dict):
        v.add(f"{key}.constants", "must be a table of property = value")
        const_table = {}
    for name, value in const_table.items():
        ckey = f"{key}.constants.{name}"
        prop = v.prop(name, ckey, rel) if (node or rel) else None
        if prop is None:
            continue
        if any(pm.prop is prop for pm in properties):
            v.add(ckey, f"'{name}' is also mapped to a column in properties; give one or the other")
            continue
        constants[prop] = v.constant(prop, value, ckey)
    if node is NodeKind.WALLET and Prop.NAME in {pm.prop for pm in properties}:
        v.add(f"{key}.properties.name", "a Wallet's name is its address; map a label to 'aliases' instead")
    if node is not None and Prop.NAME in {pm.prop for pm in properties} | constants.keys():
        v.add(f"{key}.properties.name", "the name comes from the file's 'name' key, not from properties")
    ignore = t.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(c, str) for c in ignore):
        v.add(f"{key}.ignore", "must be a list of column names")
        ignore = []
    skip_empty = t.get("skip_empty", [])
    if not isinstance(skip_empty, list) or not all(isinstance(c, str) and c.strip() for c in skip_empty):
        v.add(f"{key}.skip_empty", "must be a list of column names")
        skip_empty = []
    separator = t.get("separator", ";")
    if not isinstance(separator, str) or not separator:
        v.add(f"{key}.separator", "must be a non-empty string")
        separator = ";"
    date_format = v.text(t, "date_format", key)
    if date_format is not None and "%" not in date_format:
        v.add(f"{key}.date_format", f"{date_format!r} has no strptime codes (e.g. '%d/%m/%Y')")
    timestamp_format = v.text(t, "timestamp_format", key) or "iso"
    if timestamp_format not in TIMESTAMP_FORMATS and "%" not in timestamp_format:
        v.add(
            f"{key}.timestamp_format",
            f"{timestamp_format!r} is neither {', '.join(TIMESTAMP_FORMATS)} nor a strptime format",
        )
    if len(v.problems) > before or path_text is None:
        return None
    used = FileMap(key, Path(), node, rel, fm_id, fm_name, wallet, source, target, tuple(properties)).used_columns()
    for column in skip_empty:
        if column in ignore:
            v.add(f"{key}.skip_empty", f"column '{column}' is also in ignore")
    for column in ignore:
        if column in used:
            v.add(f"{key}.ignore", f"column '{column}' is both ignored and used by {used[column]}")
    if len(v.problems) > before:
        return None
    return FileMap(
        key=key,
        path=base / path_text,
        node=node,
        relationship=rel,
        id=fm_id,
        name=fm_name,
        wallet_address=wallet,
        source=source,
        target=target,
        properties=tuple(properties),
        constants={p: c for p, c in constants.items() if c is not None},
        ignore=frozenset(ignore),
        skip_empty=tuple(c.strip() for c in skip_empty),
        separator=separator,
        date_format=date_format,
        timestamp_format=timestamp_format,
    )


def _end(v: _Validator, t: dict[str, Any], key: str, end: str) -> End | None:
    wallet_key = f"{end}_wallet"
    if (end in t) == (wallet_key in t):
        v.add(f"{key}.{end}", f"give exactly one of '{end}' (an id column or template) or '{wallet_key}' (an address)")
        return None
    if wallet_key in t:
        column = v.text(t, wallet_key, key)
        return End(wallet_key, wallet=column) if column else None
    template = v.template(t, end, key)
    return End(end, template=template) if template else None


def _prop_map(v: _Validator, key: str, prop: Prop, spec: Any) -> PropMap | None:
    if isinstance(spec, str) and spec.strip():
        return PropMap(prop, (spec.strip(),))
    if isinstance(spec, list) and spec and all(isinstance(c, str) and c.strip() for c in spec):
        if prop not in LIST_PROPS:
            v.add(key, f"'{prop.value}' holds one value: map it to one column, not {len(spec)}")
            return None
        return PropMap(prop, tuple(c.strip() for c in spec))
    if isinstance(spec, dict) and spec and prop is Prop.IDENTIFIERS:
        if not all(isinstance(c, str) and c.strip() for c in spec.values()):
            v.add(key, "must map identifier labels to column names")
            return None
        return PropMap(prop, tuple(str(c).strip() for c in spec.values()), tuple(str(k) for k in spec))
    hint = " (or for identifiers a table label = column)" if prop is Prop.IDENTIFIERS else ""
    v.add(key, f"must be a column name or a list of column names{hint}, not {spec!r}")
    return None


# --- the source ---------------------------------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, field_name: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


_EVM_LIKE = re.compile(r"^0[xX]")
_EVM_FULL = re.compile(r"^0[xX][0-9a-fA-F]{40}$")


def wallet_address_problem(address: str) -> str | None:
    """Why ``address`` cannot be a wallet address (None when it can): empty, spaces, a bad EVM hex, too short."""
    if not address:
        return "missing address"
    if any(c.isspace() for c in address):
        return f"malformed address (contains spaces): {address!r}"
    if _EVM_LIKE.match(address) and not _EVM_FULL.match(address):
        return f"malformed address: {address!r} starts with 0x but is not 0x followed by 40 hex digits"
    if len(address) < 20 or len(address) > 128 or not address.replace(":", "").replace("_", "").isalnum():
        return f"malformed address: {address!r}"
    return None


def canonical_address(address: str) -> str:
    """``normalize_address`` after turning an upper-case ``0X`` prefix into ``0x`` (graph.ids expects ``0x``)."""
    value = address.strip()
    if value.startswith("0X"):
        value = "0x" + value[2:]
    return normalize_address(value)


class PlainCsvSource:
    """Reads header-row CSV files as a validated TOML mapping says (see docs/loaders-csv.md)."""

    name = "csv"

    def __init__(self, mapping_path: Path) -> None:
        self.mapping = load_mapping(mapping_path)  # validated before any row is read

    def expected_counts(self) -> dict[str, int]:
        return {"records": 1}

    def files(self) -> list[Path]:
        """The files the mapping names (relative to the mapping file), without duplicates, in mapping order."""
        return list(dict.fromkeys(fm.path for fm in self.mapping.files))

    def plan(self, paths: Sequence[Path]) -> list[tuple[FileMap, Path]]:
        """Which mapping applies to which file: every [[files]] table when no path is given; otherwise each path
        (a directory: its *.csv files) goes with the tables whose path has the same file name."""
        if not paths:
            return [(fm, fm.path) for fm in self.mapping.files]
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
            else:
                files.append(path)
        plan: list[tuple[FileMap, Path]] = []
        for path in files:
            maps = [fm for fm in self.mapping.files if fm.path.name == path.name]
            if not maps:
                names = ", ".join(sorted({fm.path.name for fm in self.mapping.files}))
                raise SourceFormatError(
                    str(path), None, None, f"not named in the mapping {self.mapping.path} (it names: {names})"
                )
            plan += [(fm, path) for fm in maps]
        return plan

    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None:
        plan = self.plan(paths)
        headers: list[list[str]] = []
        for fm, path in plan:  # every structural check before any row is emitted
            if not path.is_file():
                raise SourceFormatError(str(path), None, None, f"no such file (named by {self.mapping.path}: {fm.key})")
            header = read_header(path)
            used = fm.used_columns()
            for column, key in used.items():
                if column not in header:
                    shown = ", ".join(h or "(unnamed)" for h in header)
                    raise SourceFormatError(
                        str(path),
                        1,
                        column,
                        f"missing column '{column}' named by {self.mapping.path.name}: {key} (the header has: {shown})",
                    )
            unknown = unknown_columns(header, set(used) | fm.ignore)
            if unknown:
                ctx.note("columns neither mapped nor ignored (not loaded)", len(unknown))
                ctx.warn(f"{path}: column(s) neither mapped nor ignored by {fm.key}, not loaded: {', '.join(unknown)}")
            missing_ignored = sorted(fm.ignore - set(header))
            if missing_ignored:
                ctx.warn(f"{path}: {fm.key}.ignore names column(s) the file lacks: {', '.join(missing_ignored)}")
            headers.append(header)
        for (fm, path), header in zip(plan, headers, strict=True):
            for record in frame_records(path, header, ctx):
                try:
                    self._record(fm, record, ctx)
                except _Bad as bad:
                    ctx.reject(str(path), record.line, bad.field, bad.reason, record.raw)

    # --- rows -----------------------------------------------------------------------------------------------------
    def _record(self, fm: FileMap, record: CsvRecord, ctx: LoadContext) -> None:
        if any(not record.get(column) for column in fm.skip_empty):
            ctx.note(f"rows skipped: a column of skip_empty is empty ({fm.path.name}, {fm.key})")
            return
        props = self._props(fm, record)
        dataset = self.mapping.dataset
        if fm.node is not None:
            node_id, name = self._node_identity(fm, record, props)
            props[Prop.NAME] = name
            props[Prop.DATASETS] = [dataset]
            props[Prop.SOURCE_IDS] = [f"{dataset}:{node_id}"]
            ctx.node(NodeRecord(node_id, fm.node, props))
            return
        assert fm.relationship is not None and fm.source is not None and fm.target is not None
        source = self._end_id(fm.source, record)
        target = self._end_id(fm.target, record)
        qualifiers: list[str] = []
        if fm.id is not None:
            value, empty = fm.id.render(record)
            if value is None:
                raise _Bad(empty, f"missing id: column '{empty}' is empty ({fm.key}.id)")
            qualifiers.append(value)
        props[Prop.DATASETS] = [dataset]
        ctx.rel(RelRecord(rel_id(fm.relationship, source, target, *qualifiers), fm.relationship, source, target, props))

    def _node_identity(self, fm: FileMap, record: CsvRecord, props: dict[Prop, Any]) -> tuple[str, str]:
        if fm.node is NodeKind.WALLET:
            assert fm.wallet_address is not None
            address = record.get(fm.wallet_address)
            problem = wallet_address_problem(address)
            if problem:
                raise _Bad(fm.wallet_address, problem)
            canonical = canonical_address(address)
            keys = props.setdefault(Prop.LOOKUP_KEYS, [])
            if canonical not in keys:
                keys.append(canonical)
            chain = address_chain(canonical)
            if chain and Prop.CHAIN not in props:
                props[Prop.CHAIN] = chain
            return wallet_id(canonical), canonical
        assert fm.id is not None and fm.name is not None
        node_id, empty = fm.id.render(record)
        if node_id is None:
            raise _Bad(empty, f"missing id: column '{empty}' is empty ({fm.key}.id)")
        name, empty = fm.name.render(record)
        if name is None:
            raise _Bad(empty, f"missing name: column '{empty}' is empty ({fm.key}.name)")
        return node_id, " ".join(name.split())

    @staticmethod
    def _end_id(end: End, record: CsvRecord) -> str:
        if end.wallet is not None:
            address = record.get(end.wallet)
            problem = wallet_address_problem(address)
            if problem:
                raise _Bad(end.wallet, f"{problem} ({end.key})")
            return wallet_id(canonical_address(address))
        assert end.template is not None
        value, empty = end.template.render(record)
        if value is None:
            raise _Bad(empty, f"missing {end.key}: column '{empty}' is empty")
        return value

    def _props(self, fm: FileMap, record: CsvRecord) -> dict[Prop, Any]:
        props: dict[Prop, Any] = {p: (list(v) if isinstance(v, list) else v) for p, v in fm.constants.items()}
        for pm in fm.properties:
            if pm.prop in LIST_PROPS:
                values: list[str] = []
                for index, column in enumerate(pm.columns):
                    for part in record.get(column).split(fm.separator):
                        part = " ".join(part.split())
                        if not part:
                            continue
                        if pm.labels:
                            part = f"{pm.labels[index]}: {part}"
                        elif pm.prop is Prop.COUNTRIES and len(part) == 2 and part.isalpha():
                            part = part.lower()
                        if part not in values:
                            values.append(part)
                if pm.labels:  # identifiers are also lookup keys (the raw value, as analysts paste it)
                    keys = props.setdefault(Prop.LOOKUP_KEYS, [])
                    keys += [v.split(": ", 1)[1] for v in values if v.split(": ", 1)[1] not in keys]
                if values:
                    props[pm.prop] = [*props.get(pm.prop, []), *[v for v in values if v not in props.get(pm.prop, [])]]
                continue
            column = pm.columns[0]
            text = record.get(column)
            if not text:
                continue
            try:
                props[pm.prop] = self._value(fm, pm.prop, text)
            except ValueError as exc:
                raise _Bad(column, f"{exc} ({fm.key}.properties.{pm.prop.value})") from None
        return props

    @staticmethod
    def _value(fm: FileMap, prop: Prop, text: str) -> Any:
        if prop in FLAG_PROPS:
            return parse_flag(text)
        if prop in NUMBER_PROPS:
            number = parse_number(text)
            return int(number) if prop is Prop.TONNAGE and number.is_integer() else number
        if prop in DATE_PROPS:
            return parse_date(text, fm.date_format)
        if prop in TIMESTAMP_PROPS:
            return parse_timestamp(text, fm.timestamp_format)
        return " ".join(text.split()) if prop is not Prop.NOTES else text.strip()
