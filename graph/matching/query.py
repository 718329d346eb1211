"""What the matcher is asked about: a party's names, kind, countries, birth date and identifiers.

Parsers turn the cells of a counterparty file into these values: ``parse_kind('individual')``,
``parse_identifier('IMO 9341067')``, ``country_code('Korea, North')`` (rigour's territories), ``parse_date``.
Each raises ``QueryError`` with a sentence naming the value when it cannot be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from rigour.territories import lookup_territory

from graph.errors import SanctionsGraphError
from graph.ids import lookup_key, normalize_address


class QueryError(SanctionsGraphError, ValueError):
    """A query value that cannot be read (the message names it)."""


class PartyKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"  # companies, organisations, government bodies
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    WALLET = "wallet"
    UNKNOWN = "unknown"


_KIND_WORDS: dict[str, PartyKind] = {
    "person": PartyKind.PERSON, "individual": PartyKind.PERSON, "natural person": PartyKind.PERSON,
    "people": PartyKind.PERSON, "indiv": PartyKind.PERSON, "p": PartyKind.PERSON,
    "company": PartyKind.COMPANY, "organization": PartyKind.COMPANY, "organisation": PartyKind.COMPANY,
    "entity": PartyKind.COMPANY, "legal entity": PartyKind.COMPANY, "legalentity": PartyKind.COMPANY,
    "business": PartyKind.COMPANY, "corporate": PartyKind.COMPANY, "org": PartyKind.COMPANY,
    "bank": PartyKind.COMPANY, "government": PartyKind.COMPANY, "c": PartyKind.COMPANY,
    "vessel": PartyKind.VESSEL, "ship": PartyKind.VESSEL, "boat": PartyKind.VESSEL, "tanker": PartyKind.VESSEL,
    "aircraft": PartyKind.AIRCRAFT, "airplane": PartyKind.AIRCRAFT, "plane": PartyKind.AIRCRAFT,
    "wallet": PartyKind.WALLET, "crypto": PartyKind.WALLET, "cryptowallet": PartyKind.WALLET,
    "crypto wallet": PartyKind.WALLET, "address": PartyKind.WALLET, "digital currency address": PartyKind.WALLET,
    "": PartyKind.UNKNOWN, "unknown": PartyKind.UNKNOWN, "other": PartyKind.UNKNOWN,
}  # fmt: skip


def parse_kind(text: str | None) -> PartyKind:
    """'individual' -> PERSON, 'Organization' -> COMPANY, 'ship' -> VESSEL, blank -> UNKNOWN."""
    key = " ".join((text or "").strip().casefold().replace("_", " ").split())
    if key in _KIND_WORDS:
        return _KIND_WORDS[key]
    raise QueryError(f"unknown kind {text!r}: expected person, company, vessel, aircraft or wallet")


class IdKind(StrEnum):
    IMO = "IMO"
    PASSPORT = "passport"
    NATIONAL_ID = "national id"
    TAX_ID = "tax id"
    SWIFT = "SWIFT/BIC"
    REGISTRATION = "registration number"
    WALLET = "wallet"
    OTHER = "identifier"


#: Identifier kinds whose equality names one party (a wallet may be shared, but it is still that party's).
STRONG_IDS = frozenset({IdKind.IMO, IdKind.PASSPORT, IdKind.NATIONAL_ID, IdKind.TAX_ID, IdKind.SWIFT,
                        IdKind.REGISTRATION, IdKind.WALLET})  # fmt: skip
#: Identifier kinds a party has only one of: another value on the candidate contradicts the query.
SINGLE_VALUED_IDS = frozenset({IdKind.IMO, IdKind.SWIFT, IdKind.TAX_ID})

_ID_PREFIXES: tuple[tuple[re.Pattern[str], IdKind], ...] = tuple(
    (re.compile(rf"^(?:{p})\b[\s.:#-]*(?:no\.?|number|nr\.?)?[\s.:#-]*", re.IGNORECASE), kind)
    for p, kind in (
        (r"imo(?:\s+number)?", IdKind.IMO),
        (r"passport", IdKind.PASSPORT),
        (r"national\s+id(?:entification)?|nat\.?\s*id|cedula|id\s+card|identity\s+card", IdKind.NATIONAL_ID),
        (r"tax\s+id|inn|tin|vat|itin|rfc|ruc|nit", IdKind.TAX_ID),
        (r"swift(?:\s*/\s*bic)?|bic", IdKind.SWIFT),
        (r"registration(?:\s+(?:id|number))?|reg\.?|company\s+number|ogrn|uscc|lei|duns|d-u-n-s", IdKind.REGISTRATION),
        (r"wallet|address|digital\s+currency\s+address(?:\s*-\s*[a-z]+)?", IdKind.WALLET),
    )
)
_EVM = re.compile(r"^0x[0-9a-f]{40}$", re.IGNORECASE)
_BECH32 = re.compile(r"^(bc1|ltc1|tb1)[0-9a-z]{20,90}$", re.IGNORECASE)
_BASE58 = re.compile(r"^[13TLMD][1-9A-HJ-NP-Za-km-z]{25,40}$")
_XMR = re.compile(r"^[48][1-9A-HJ-NP-Za-km-z]{90,110}$")


def looks_like_wallet(value: str) -> bool:
    v = value.strip()
    return bool(_EVM.match(v) or _BECH32.match(v) or _BASE58.match(v) or _XMR.match(v))


@dataclass(frozen=True)
class Identifier:
    """An identifier of the party: its kind and its value as written."""

    kind: IdKind
    value: str

    @property
    def key(self) -> str:
        """The store's lookup key of the value (graph.ids.lookup_key)."""
        return lookup_key(self.value)

    @property
    def address(self) -> str:
        """A wallet address in the store's canonical form (EVM and bech32 lower-case, base58 as written)."""
        return normalize_address(self.value)

    def __str__(self) -> str:
        return f"{self.kind.value} {self.value}"


def parse_identifier(text: str, default: IdKind = IdKind.OTHER) -> Identifier | None:
    """'IMO 9341067' -> (IMO, '9341067'); 'passport PS745220146'; a bare wallet address -> WALLET; blank -> None."""
    value = " ".join(text.strip().split())
    if not value:
        return None
    for pattern, kind in _ID_PREFIXES:
        m = pattern.match(value)
        if m and m.end() < len(value):
            rest = value[m.end() :].strip()
            if kind is IdKind.WALLET and not looks_like_wallet(rest):
                continue
            return Identifier(kind, rest)
    if looks_like_wallet(value):
        return Identifier(IdKind.WALLET, value)
    if not lookup_key(value):
        raise QueryError(f"identifier {text!r} has no letters or digits")
    return Identifier(default, value)


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 (lower case) of a country written as a code or a name ('Korea, North' -> 'kp'), or None
    when rigour's territories do not know it."""
    value = text.strip()
    if not value:
        return None
    territory = lookup_territory(value)
    if territory is None:
        return None
    return str(territory.ftm_country or territory.code).lower()


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, month or day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p is not None]
        return "-".join(parts)


_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def parse_date(text: str) -> PartialDate | None:
    """'1984-01-08', '1984-01', '1984', '08.01.1984', '08/01/1984' (day first) -> PartialDate; blank -> None."""
    value = text.strip()
    if not value:
        return None
    value = value.split("T")[0].split(" ")[0]
    m = _ISO.match(value)
    if m:
        parts = [int(x) if x else None for x in m.groups()]
        date = PartialDate(parts[0] or 0, parts[1], parts[2])
    else:
        m = _DMY.match(value)
        if not m:
            raise QueryError(f"birth date {text!r} is not a date (YYYY-MM-DD, YYYY-MM, YYYY or DD.MM.YYYY)")
        date = PartialDate(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if not 1800 <= date.year <= 2100 or not 1 <= (date.month or 1) <= 12 or not 1 <= (date.day or 1) <= 31:
        raise QueryError(f"birth date {text!r} is out of range")
    return date


@dataclass(frozen=True)
class Query:
    """A party to look for: at least one name or identifier."""

    names: tuple[str, ...] = ()
    kind: PartyKind = PartyKind.UNKNOWN
    countries: tuple[str, ...] = ()  # ISO alpha-2, lower case
    birth_date: PartialDate | None = None
    identifiers: tuple[Identifier, ...] = field(default=())

    def __post_init__(self) -> None:
        if not any(n.strip() for n in self.names) and not self.identifiers:
            raise QueryError("a query needs a name or an identifier")
