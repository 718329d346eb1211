"""Small pure helpers for OFAC SDN fields: the null marker, programs, dates, names, numbers."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import prefixdate

from graph import Prop
from loaders.sources.ofac_sdn.tables import NULL

#: ``25 Apr 1965``, ``25 April 1965``, ``Apr. 1965``: a month word (its first three letters name it) and a year.
_MONTH_WORD = re.compile(r"^(?:(?P<d>\d{1,2})\s+)?(?P<m>[A-Za-z]{3})[a-z]*\.?\s+(?P<y>\d{4})$")
_YEAR = re.compile(r"^\d{4}$")


def null(value: str | None) -> str | None:
    """The field's text, or None for the null marker ``-0-`` or an empty field."""
    if value is None:
        return None
    text = value.strip()
    return None if text in ("", NULL) else text


def split_programs(value: str | None) -> list[str]:
    """Program codes of a Program field: ``"DPRK3] [DPRK4"`` -> ``["DPRK3", "DPRK4"]`` (deduplicated)."""
    text = null(value)
    if text is None:
        return []
    parts = (p.strip().strip("[]").strip() for p in text.split("] ["))
    return list(dict.fromkeys(p for p in parts if p))


@dataclass(frozen=True)
class DateText:
    """A date as written and, when it is exact (a day, a month or a year), in ISO form."""

    text: str
    iso: str | None

    @property
    def value(self) -> str:
        return self.iso or self.text


@functools.lru_cache(maxsize=8192)  # birth dates repeat (years above all); DateText is immutable
def parse_date(text: str) -> DateText:
    """``25 Apr 1965`` -> 1965-04-25; ``Apr 1965`` -> 1965-04; ``1965`` -> 1965; ``circa 1970``, ``1961 to 1963``,
    an impossible day and anything else are kept as text (iso None). The date itself is read by prefixdate."""
    value = " ".join(text.split())
    m = _MONTH_WORD.match(value)
    if m:
        month_year = f"{m['m']} {m['y']}"
        if m["d"]:
            return DateText(value, prefixdate.parse_format(f"{m['d']} {month_year}", "%d %b %Y").text)
        return DateText(value, prefixdate.parse_format(month_year, "%b %Y").text)
    if _YEAR.match(value):
        return DateText(value, value)
    return DateText(value, None)


def name_key(name: str) -> str:
    """How names are compared to resolve ``Linked To``: case-folded, whitespace collapsed, no trailing period."""
    return " ".join(name.split()).casefold().rstrip(".").rstrip()


def add_unique(values: list[str], value: str) -> None:
    if value and value not in values:
        values.append(value)


def number(value: str | None) -> int | str | None:
    """``"10,030"`` -> 10030; other text is kept as written."""
    if value is None:
        return None
    digits = value.replace(",", "").strip()
    return int(digits) if digits.isdigit() else value


def compact(props: dict[Prop, Any]) -> dict[Prop, Any]:
    """Props without None values and empty lists."""
    return {k: v for k, v in props.items() if v is not None and v != []}
