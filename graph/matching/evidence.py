"""What a candidate record says besides its names, and how it bears on the query: birth dates, countries,
identifiers and kind, each as a score adjustment with a sentence.

Adjustments (added to the name score; graph.matching.scoring clamps the sum to [0, 1]):

======================================================  ======
evidence                                                 effect
======================================================  ======
birth date equal (to the day)                           +0.08
birth year equal, or inside the record's range          +0.05
birth year one off                                      -0.02
birth year 2-4 years off                                -0.12
birth year 5+ years off                                 -0.30
a country in common                                     +0.04
no country in common (persons; others -0.04)            -0.08
IMO / SWIFT / tax id differs (one per party)            -0.35
======================================================  ======

An equal strong identifier (IMO, passport, national or tax id, SWIFT/BIC, registration number, wallet) makes the
candidate a match on its own (graph.matching.matcher).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from graph.ids import lookup_key
from graph.matching.query import (
    SINGLE_VALUED_IDS,
    Identifier,
    IdKind,
    PartialDate,
    PartyKind,
    country_code,
)
from graph.model import Entity
from graph.vocabulary import NodeKind, Prop

#: Which stored kinds can be the party a query describes.
COMPATIBLE_KINDS: dict[PartyKind, frozenset[NodeKind]] = {
    PartyKind.PERSON: frozenset({NodeKind.PERSON, NodeKind.LEGAL_ENTITY}),
    PartyKind.COMPANY: frozenset({NodeKind.COMPANY, NodeKind.ORGANIZATION, NodeKind.LEGAL_ENTITY}),
    PartyKind.VESSEL: frozenset({NodeKind.VESSEL}),
    PartyKind.AIRCRAFT: frozenset({NodeKind.AIRCRAFT}),
    PartyKind.WALLET: frozenset({NodeKind.WALLET}),
    PartyKind.UNKNOWN: frozenset(set(NodeKind) - {NodeKind.ADDRESS}),
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact bearing on a candidate: its effect on the score and a sentence for the analyst."""

    effect: float
    text: str
    decisive: bool = False  # an equal strong identifier


# --- birth dates ---------------------------------------------------------------------------------------------------
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}  # fmt: skip
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DMY_TEXT = re.compile(r"\b(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@dataclass(frozen=True, slots=True)
class BirthDates:
    """A record's birth dates: exact days, and year intervals (a year, 'circa', or 'YYYY to YYYY')."""

    days: tuple[date, ...]
    years: tuple[tuple[int, int], ...]
    text: str


@lru_cache(maxsize=65536)
def parse_birth_dates(text: str) -> BirthDates:
    """'1965-04-25; 1966' or '01 Dec 1952 to 31 Dec 1952' or 'circa 1947' as days and year intervals."""
    days: list[date] = []
    years: list[tuple[int, int]] = []
    for part in re.split(r";|\balt\.", text):
        found_days: list[date] = []
        for y, m, d in _ISO_DATE.findall(part):
            with contextlib.suppress(ValueError):  # not a calendar day: only its year counts
                found_days.append(date(int(y), int(m), int(d)))
        for d, mon, y in _DMY_TEXT.findall(part):
            if mon.casefold() in _MONTHS:
                with contextlib.suppress(ValueError):
                    found_days.append(date(int(y), _MONTHS[mon.casefold()], int(d)))
        part_years = [int(y) for y in _YEAR.findall(part)]
        if not part_years:
            continue
        lo, hi = min(part_years), max(part_years)
        if "circa" in part.casefold() or "approx" in part.casefold():
            lo, hi = lo - 2, hi + 2
        years.append((lo, hi))
        if len(found_days) == 1 and " to " not in part:
            days.append(found_days[0])
    return BirthDates(tuple(days), tuple(years), text)


def birth_date_evidence(query: PartialDate, stored: str | None) -> Evidence | None:
    if not stored:
        return None
    dates = parse_birth_dates(stored)
    if not dates.years:
        return None
    if query.month and query.day:
        for d in dates.days:
            if (d.year, d.month, d.day) == (query.year, query.month, query.day):
                return Evidence(0.08, f"birth date {query} agrees")
    off = min(
        0 if lo <= query.year <= hi else min(abs(query.year - lo), abs(query.year - hi)) for lo, hi in dates.years
    )
    if off == 0:
        if query.month and query.day and dates.days and all(d.year == query.year for d in dates.days):
            return Evidence(0.03, f"birth year {query.year} agrees ({stored}; the day differs)")
        return Evidence(0.05, f"birth year {query.year} agrees ({stored})")
    if off == 1:
        return Evidence(-0.02, f"birth date {query} is one year off {stored}")
    if off < 5:
        return Evidence(-0.12, f"birth date {query} contradicts {stored} ({off} years apart)")
    return Evidence(-0.30, f"birth date {query} contradicts {stored} ({off} years apart)")


# --- countries -----------------------------------------------------------------------------------------------------
_PARENTHESES = re.compile(r"\(([^()]{2,40})\)")


def candidate_countries(entity: Entity) -> dict[str, str]:
    """ISO code -> the country as the record writes it: its countries, a vessel's flag, the country of its place(s)
    of birth ('Kafr Fila, Lebanon') and of its identifiers ('Passport: 123 (Iran)')."""
    out: dict[str, str] = {}
    values = [*entity.countries]
    flag = entity.properties.get(Prop.FLAG.value)
    if isinstance(flag, str) and flag:
        values.append(flag)
    birth_place = entity.properties.get(Prop.BIRTH_PLACE.value)
    if isinstance(birth_place, str):
        values += [place.rsplit(",", 1)[-1] for place in birth_place.split(";") if place.strip()]
    for ident in entity.properties.get(Prop.IDENTIFIERS.value) or []:
        values += _PARENTHESES.findall(str(ident))
    for value in values:
        code = country_code(str(value))
        if code and code not in out:
            out[code] = str(value)
    return out


def country_evidence(query: tuple[str, ...], entity: Entity) -> Evidence | None:
    if not query:
        return None
    stored = candidate_countries(entity)
    if not stored:
        return None
    common = [stored[c] for c in query if c in stored]
    if common:
        return Evidence(0.04, f"country {', '.join(c.upper() for c in query if c in stored)} agrees ({common[0]})")
    penalty = -0.08 if entity.kind is NodeKind.PERSON else -0.04  # companies' and vessels' lists are less complete
    return Evidence(
        penalty,
        f"country {', '.join(c.upper() for c in query)} is not among the record's ({'; '.join(stored.values())})",
    )


# --- identifiers ---------------------------------------------------------------------------------------------------
_LABEL_KINDS: tuple[tuple[str, IdKind], ...] = (
    ("imo", IdKind.IMO), ("passport", IdKind.PASSPORT), ("swift", IdKind.SWIFT), ("bic", IdKind.SWIFT),
    ("tax", IdKind.TAX_ID), ("inn", IdKind.TAX_ID), ("national id", IdKind.NATIONAL_ID),
    ("identification number", IdKind.NATIONAL_ID), ("cedula", IdKind.NATIONAL_ID),
    ("registration", IdKind.REGISTRATION), ("company number", IdKind.REGISTRATION), ("digital currency", IdKind.WALLET),
)  # fmt: skip


def identifier_kind(label: str) -> IdKind:
    """The kind of a stored identifier from its label ('Passport: 123 (Iran)' -> PASSPORT)."""
    head = label.split(":", 1)[0].casefold()
    for word, kind in _LABEL_KINDS:
        if word in head:
            return kind
    return IdKind.OTHER


def _stored_identifiers(entity: Entity) -> list[str]:
    values = [str(v) for v in entity.properties.get(Prop.IDENTIFIERS.value) or []]
    imo = entity.properties.get(Prop.IMO.value)
    if imo:
        values.append(f"IMO: {imo}")
    return values


def identifier_evidence(identifiers: tuple[Identifier, ...], entity: Entity, matched_keys: set[str]) -> list[Evidence]:
    """Equal identifiers (``matched_keys``: query keys found in the record's lookup keys) and contradicting ones."""
    out: list[Evidence] = []
    stored = _stored_identifiers(entity)
    for ident in identifiers:
        if ident.kind is IdKind.WALLET:
            continue  # wallets are matched through their Wallet node (graph.matching.matcher)
        key = ident.key
        if key and key in matched_keys:
            label = next((s for s in stored if key in lookup_key(s)), "")
            written = label or f"{ident.kind.value} {ident.value}"
            out.append(Evidence(0.0, f"{ident.kind.value} {ident.value} equals the record's {written}", True))
            continue
        if ident.kind in SINGLE_VALUED_IDS:
            others = [s for s in stored if identifier_kind(s) is ident.kind]
            if others:
                out.append(Evidence(-0.35, f"{ident.kind.value} {ident.value} differs from the record's {others[0]}"))
    return out


def kind_compatible(kind: PartyKind, entity: Entity) -> bool:
    return entity.kind in COMPATIBLE_KINDS[kind]
