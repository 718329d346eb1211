"""Value parsers every CSV source shares: numbers and amounts, dates of variable precision, timestamps, yes/no,
wallet addresses. Each returns the stored form or raises ValueError with a sentence naming the text, which the
caller turns into a reject naming file, line and field.

Messy exports are read, not rejected: amounts with currency symbols or codes, thousands separators and accounting
parentheses; timestamps without zero padding, US and day-first numeric dates, 12-hour clocks, month names, epoch
seconds or milliseconds, ``UTC``/``Z``/offset suffixes. An all-numeric date that reads both ways (03/04/2021) is
read in the order the file's own values prove (``find_date_order``/``decide_date_order``, reported) or the mapping's
``date_order``. The parsing itself is done by libraries: ``babel.numbers.parse_decimal`` (strict: a misplaced
grouping separator such as ``12,5`` is refused, not guessed), ``prefixdate`` (ISO dates of year, month or day
precision), ``dateutil.parser`` (the forms beyond ISO 8601) and ``datetime`` (ISO 8601, strptime, epoch).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

import prefixdate
from babel.numbers import NumberFormatError, parse_decimal
from dateutil import parser as dateutil_parser

from graph import normalize_address

# --- numbers and amounts ------------------------------------------------------------------------------------------

_CODE = re.compile(r"^[A-Za-z]{2,6}(?=[\d.(+-])|(?<=[\d.)])[A-Za-z]{2,6}$")  # USD 12, 1.5 ETH (spaces removed)


def parse_decimal_text(text: str) -> Decimal:
    """A number or amount as spreadsheets and exports write it: ``1234.5``, ``1,234.5``, ``$96,456,655``, ``60%``,
    ``€ 1.234`` (symbols of any currency), ``USD 12``, ``1.5 ETH``, ``(1,234.50)`` (accounting: negative); a
    decimal comma is refused (``12,5``: not guessed). ValueError otherwise."""
    value = "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Sc")
    value = _CODE.sub("", value.removesuffix("%"))  # US$ 5 -> US5 -> 5
    negative = value.startswith("(") and value.endswith(")")
    if negative:
        value = value[1:-1]
    try:
        number = parse_decimal(value, locale="en_US", strict=True)
    except (NumberFormatError, InvalidOperation):
        raise ValueError(f"not a number: {text!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a number: {text!r}")
    return -number if negative else number


def parse_number(text: str) -> float:
    """``parse_decimal_text`` as a float."""
    return float(parse_decimal_text(text))


# --- yes/no -------------------------------------------------------------------------------------------------------

_TRUE = frozenset({"true", "yes", "y", "1", "x"})
_FALSE = frozenset({"false", "no", "n", "0"})


def parse_flag(text: str) -> bool:
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"not a yes/no value (true/false, yes/no, 1/0): {text!r}")


# --- dates and timestamps -----------------------------------------------------------------------------------------

_ISO_PREFIX = re.compile(r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$")


class DateOrder(StrEnum):
    """How an all-numeric date is written: ``dmy`` (28/12/2020, 28.12.2020) or ``mdy`` (12/28/2020)."""

    DMY = "dmy"
    MDY = "mdy"


class AmbiguousDate(ValueError):
    """A numeric date that reads both ways (03/04/2021) while no date order is known."""


_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.-])")
_ISO_SHAPE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?!\d)")
_MONTH_NAME = re.compile(r"^(?=.*\b\d{4}\b)(?=.*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))", re.IGNORECASE)
_EPOCH = re.compile(r"^\d{9,14}(\.\d+)?$")
_ZONE_WORD = re.compile(r"\s*(\+?\(?(UTC|GMT)\)?|Z)$", re.IGNORECASE)


def _numeric_parts(value: str) -> tuple[int, int] | None:
    match = _NUMERIC_DATE.match(value)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _order_of(parts: tuple[int, int]) -> DateOrder | None:
    """The order one numeric date proves on its own (None: it reads both ways, or neither)."""
    first, second = parts
    if first > 12 >= second:
        return DateOrder.DMY
    if second > 12 >= first:
        return DateOrder.MDY
    return None


def parse_date(text: str, date_format: str | None = None, date_order: DateOrder | None = None) -> str:
    """An ISO date of variable precision (``2023``, ``2023-02``, ``2023-02-24``), an all-numeric date
    (``28/12/2020``, ``12.28.2020``: day or month first as its numbers prove or ``date_order`` says; AmbiguousDate
    when it reads both ways and no order is known), or ``date_format`` (strptime) turned into ``YYYY-MM-DD``;
    ValueError otherwise."""
    value = text.strip()
    if date_format:
        try:
            return datetime.strptime(value, date_format).date().isoformat()
        except ValueError:
            raise ValueError(f"not a date in the format {date_format!r}: {text!r}") from None
    parts = _numeric_parts(value)
    if parts is not None and _NUMERIC_DATE.fullmatch(value):
        dayfirst = _dayfirst(parts, date_order, text)
        try:
            return dateutil_parser.parse(value, dayfirst=dayfirst).date().isoformat()
        except (ValueError, OverflowError):
            raise ValueError(f"not a date: {text!r}") from None
    parsed = prefixdate.parse(value).text if _ISO_PREFIX.match(value) else None
    if parsed is None:
        raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}")
    return parsed


TIMESTAMP_FORMATS = ("iso", "unix", "unix_ms")
#: The default: ISO 8601 and the forms exports use (see ``parse_timestamp``).
AUTO = "auto"


def parse_timestamp(text: str, timestamp_format: str = AUTO, date_order: DateOrder | None = None) -> str:
    """A moment as ISO 8601 UTC (``2024-01-02T03:04:05Z``); times without a zone are UTC. ValueError otherwise.

    ``timestamp_format``: ``iso`` (ISO 8601 only), ``unix`` (epoch seconds), ``unix_ms`` (epoch milliseconds), a
    strptime format, or ``auto`` (the default), which reads what exports write: ISO 8601 (``2024-06-22 2:25:41``
    without zero padding too), numeric dates with a time (``12/28/2020 7:40 PM``, ``28.12.2020 19:40``), month names
    (``Jun-22-2024 02:25:41 AM``), epoch seconds or milliseconds (by their number of digits), and a ``UTC``, ``GMT``,
    ``Z`` or ``+02:00`` suffix. A numeric date that reads both ways (03/04/2021) needs ``date_order``, else
    AmbiguousDate; one that contradicts ``date_order`` is refused."""
    value = text.strip()
    if timestamp_format == AUTO:
        return iso_utc(_auto(value, date_order, text))
    try:
        if timestamp_format == "iso":
            moment = datetime.fromisoformat(value)
        elif timestamp_format in ("unix", "unix_ms"):
            moment = _epoch(value, milliseconds=timestamp_format == "unix_ms")
        else:
            moment = datetime.strptime(value, timestamp_format)
    except (ValueError, OverflowError, OSError):
        shown = "ISO 8601" if timestamp_format == "iso" else repr(timestamp_format)
        raise ValueError(f"not a timestamp in the format {shown}: {text!r}") from None
    return iso_utc(moment)


def _epoch(value: str, milliseconds: bool) -> datetime:
    seconds = float(value) / (1000 if milliseconds else 1)
    if seconds <= 0:
        raise ValueError(value)
    return datetime.fromtimestamp(seconds, tz=UTC)


def _dayfirst(parts: tuple[int, int], order: DateOrder | None, text: str) -> bool:
    """Whether a numeric date is day first: proven by its own numbers, else ``order``; AmbiguousDate when it reads
    both ways and no order is known, ValueError when it contradicts ``order``."""
    proven = _order_of(parts)
    if proven is None and parts[0] != parts[1] and max(parts) <= 12 and order is None:
        raise AmbiguousDate(
            f"ambiguous date: {text!r} reads as day/month and as month/day (set date_order to dmy or mdy)"
        )
    if proven is not None and order is not None and proven is not order:
        raise ValueError(f"not a date: {text!r} is not in the file's date order ({order.value})")
    return (proven or order) is DateOrder.DMY


def _auto(value: str, order: DateOrder | None, text: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        if _EPOCH.match(value):
            return _epoch(value, milliseconds=len(value.split(".")[0]) >= 12)
        bare = _ZONE_WORD.sub("", value)
        if _ISO_SHAPE.match(bare):
            moment = dateutil_parser.parse(bare, yearfirst=True, dayfirst=False)
        else:
            parts = _numeric_parts(bare)
            if parts is not None:
                dayfirst = _dayfirst(parts, order, text)
            elif _MONTH_NAME.match(bare):
                dayfirst = False
            else:
                raise ValueError(
                    f"not a timestamp (ISO 8601, a date and time such as 12/28/2020 7:40 PM or 28.12.2020 19:40, a "
                    f"month name, or epoch seconds): {text!r}"
                )
            try:
                moment = dateutil_parser.parse(bare, dayfirst=dayfirst)
            except (ValueError, OverflowError):
                raise ValueError(f"not a timestamp: {text!r}") from None
    except (OverflowError, OSError):
        raise ValueError(f"not a timestamp: {text!r} is out of range") from None
    except ValueError as exc:
        if str(exc).startswith(("not a", "ambiguous")):
            raise
        raise ValueError(f"not a timestamp in the format ISO 8601: {text!r}") from None
    if bare != value and moment.tzinfo is not None and moment.utcoffset():
        raise ValueError(f"not a timestamp: {text!r} has two zones")
    return moment


@dataclass(frozen=True)
class DateOrderFinding:
    """What a file's own values say about their date order."""

    order: DateOrder | None  # None: no value decides, or values prove both orders
    ambiguous: int  # values that read both ways
    example: str  # a value that decided it (or an ambiguous one when none did)
    conflict: str = ""  # a value proving the other order, when both are proven


def find_date_order(values: Iterable[str]) -> DateOrderFinding:
    """The date order the numeric dates among ``values`` prove (ISO and other forms are ignored)."""
    proven: dict[DateOrder, str] = {}
    ambiguous, example = 0, ""
    for text in values:
        parts = _numeric_parts(_ZONE_WORD.sub("", text.strip()))
        if parts is None:
            continue
        order = _order_of(parts)
        if order is None:
            if parts[0] != parts[1] and max(parts) <= 12:
                ambiguous += 1
                example = example or text.strip()
            continue
        proven.setdefault(order, text.strip())
    if len(proven) == 2:
        return DateOrderFinding(None, ambiguous, proven[DateOrder.DMY], proven[DateOrder.MDY])
    if proven:
        ((order, decided_by),) = proven.items()
        return DateOrderFinding(order, ambiguous, decided_by)
    return DateOrderFinding(None, ambiguous, example)


def decide_date_order(finding: DateOrderFinding, where: str) -> tuple[DateOrder | None, str | None]:
    """The order to read a file's numeric dates in, and a sentence for the load report when the choice matters."""
    if finding.conflict:
        return None, (
            f"{where}: dates in both orders (day first: {finding.example!r}; month first: {finding.conflict!r}); "
            "dates that read both ways are rejected - set date_order (dmy or mdy) in the mapping"
        )
    if finding.order is not None:
        if not finding.ambiguous:
            return finding.order, None
        shown = "day/month/year" if finding.order is DateOrder.DMY else "month/day/year"
        return finding.order, (
            f"{where}: {finding.ambiguous} date(s) such as 03/04 read as {shown}, as {finding.example!r} in the same "
            "file shows"
        )
    if finding.ambiguous:
        return DateOrder.MDY, (
            f"{where}: {finding.ambiguous} date(s) such as {finding.example!r} read both ways and no value decides: "
            'read as month/day/year - set date_order = "dmy" in the mapping if they are day first'
        )
    return None, None


def iso_utc(moment: datetime) -> str:
    """``2024-01-02T03:04:05Z`` (microseconds when there are any); a moment without a zone is taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds") + "Z"


# --- wallet addresses ---------------------------------------------------------------------------------------------

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
