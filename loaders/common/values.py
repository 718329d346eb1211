"""Value parsers every CSV source shares: numbers and amounts, dates of variable precision, timestamps, yes/no,
wallet addresses. Each returns the stored form or raises ValueError with a sentence naming the text, which the
caller turns into a reject naming file, line and field.

The parsing itself is done by libraries: ``babel.numbers.parse_decimal`` (strict: a misplaced grouping separator such
as ``12,5`` is refused, not guessed), ``prefixdate`` (ISO dates of year, month or day precision) and the standard
library's ``datetime`` (ISO 8601, strptime formats, epoch seconds).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import prefixdate
from babel.numbers import NumberFormatError, parse_decimal

from graph.ids import normalize_address

# --- numbers and amounts ------------------------------------------------------------------------------------------

_CURRENCY_PREFIXES = ("US$", "$")


def parse_decimal_text(text: str) -> Decimal:
    """A number as spreadsheets write it: ``1234.5``, ``1,234.5``, ``$96,456,655``, ``60%``; ValueError otherwise."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    for prefix in _CURRENCY_PREFIXES:
        value = value.removeprefix(prefix)
    value = value.removesuffix("%")
    try:
        number = parse_decimal(value, locale="en_US", strict=True)
    except (NumberFormatError, InvalidOperation):
        raise ValueError(f"not a number: {text!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a number: {text!r}")
    return number


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


def parse_date(text: str, date_format: str | None = None) -> str:
    """An ISO date of variable precision (``2023``, ``2023-02``, ``2023-02-24``), or ``date_format`` (strptime)
    turned into ``YYYY-MM-DD``; ValueError otherwise."""
    value = text.strip()
    if date_format:
        try:
            return datetime.strptime(value, date_format).date().isoformat()
        except ValueError:
            raise ValueError(f"not a date in the format {date_format!r}: {text!r}") from None
    parsed = prefixdate.parse(value).text if _ISO_PREFIX.match(value) else None
    if parsed is None:
        raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}")
    return parsed


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
    return iso_utc(moment)


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
