"""OFAC SDN "classic" CSV: sdn.csv plus, when given, add.csv, alt.csv and sdn_comments.csv.

The format (shared/formats.md, section 1): no header row, positional columns, the null marker ``-0- ``, CRLF line
ends and a final DOS end-of-file byte 0x1A. Every file links by ``ent_num``. Most of the identifying data sits in
the free-text ``Remarks`` column, a ``; ``-separated list of items; remarks longer than the field limit continue in
sdn_comments.csv, cut mid-word, and are concatenated (without a space) before they are parsed.

Mapping rules
-------------
Kinds. ``individual`` -> Person, ``vessel`` -> Vessel, ``aircraft`` -> Aircraft. An entity (``-0-``) is a Company
or an Organization, decided by the first rule that applies (see ``entity_kind``):
  1. remarks ``Target Type Government Entity`` -> Organization; ``Target Type Private Company`` or
     ``State-Owned Enterprise`` -> Company;
  2. remarks ``Organization Type: <ISIC activity>`` -> Company, unless the activity is a public, political,
     religious or membership one (public administration, public order and safety, defence, …) -> Organization;
  3. a company-register identifier in the remarks (Company Number, Registration ID/Number, Tax ID No., SWIFT/BIC,
     D-U-N-S, USCC, Legal Entity Number, …) -> Company;
  4. a legal-form or trade word in the name (LTD, LIMITED, LLC, INC, CORP, CORPORATION, COMPANY, CO, JSC, OOO,
     GMBH, PTE, JVC, JOINT VENTURE, BANK, TRADING, SHIPPING, INDUSTRIES, …) -> Company;
  5. otherwise Organization.

Record node: id ``ofac_id(ent_num)``; name as written; aliases from ``a.k.a./f.k.a./n.k.a. '…'`` remarks and
alt.csv (deduplicated, never the name itself); countries from ``nationality``, ``citizen``, ``Nationality of
Registration`` and add.csv countries, as written ("Korea, North"); identifiers as readable strings
``"<Label>: <text as written>"`` (``"Passport: 109420132 (Korea, North) issued …"``, ``"Email: …"``, ``"IMO: …"``,
``"Digital Currency Address - XBT: …"``) and every raw identifier value (number, e-mail, website and its bare host,
IMO with and without the prefix, phone, call sign, …) in ``lookup_keys`` for the store to normalise - except wallet
addresses, which are the lookup key of their Wallet node only: a pasted address then finds the wallet first (the
store ranks sanctioned identifier hits first, so a holder carrying the key would hide it), one hop from its holder;
birth date (ISO when exact - ``1965-04-25``, ``1965`` - else the text as written, ``circa 1947``; several joined with
``; ``), birth place, gender, title (Title column), notes (the full remarks text; for vessels also ``GRT`` and
``Vessel owner`` lines, which have no property of their own), programs (``"A] [B"`` split), sanctioned, one US OFAC
designation, datasets and source ids. Vessel columns: call sign, vessel type, tonnage (int when numeric), flag;
``IMO`` from the remarks.

Wallets. Each ``Digital Currency Address - <TICKER> <address>`` (``alt.`` or not) is a Wallet node (id
``wallet_id(address)``; one node per normalised address, its currencies the union of the tickers it is listed
under) held by the record (HOLDS). Chain (``chain_for``): an EVM address (0x + 40 hex) is ``evm`` and a Tron
address (T + 33 base58) is ``tron`` whatever the ticker; otherwise the ticker's chain (XBT -> bitcoin, LTC ->
litecoin, XMR -> monero, …; a USDT/USDC token on a Bitcoin-shaped address -> bitcoin, i.e. Omni). A ticker whose
chain contradicts the address shape is counted and warned about. Wallets are NOT marked sanctioned: OFAC designates
the holder and lists the address as one of its identifiers; exposure analytics reach the wallet one HOLDS hop from a
sanctioned holder, and a wallet shared by two holders stays one node.

Links. ``Linked To: NAME`` becomes LINKED_TO (role "Linked To") to every record whose SDN_Name equals NAME compared
case-insensitively, whitespace-collapsed and without a trailing period (the remarks' final period often eats a
``LTD.``). Resolved after all records are read; names not in the list are counted and warned about.

add.csv: a row with an address or city becomes an Address node ``ofac-addr-<ent_num>-<add_num>`` (name: address,
city, country joined; notes: Add_remarks) with LOCATED_AT; a row with only a country adds that country to the
record; an all-null row is skipped. alt.csv: alt_name becomes an alias (alt_type aka/fka/nka; alt_remarks is
ignored). sdn_comments.csv: Remarks_Extended is appended to the record's remarks. OFAC only continues remarks
that fill the 1000-character field; continuations of shorter remarks are still appended, but counted and warned
about (sdn.csv and sdn_comments.csv from different dates join mid-item into nonsense).

Remark items no rule maps are of two sorts: free text (positions, relations, "all offices worldwide"; kept in
notes, counted) and items that look like an identifier of an unmapped kind (a code word, an e-mail or a web
address, see ``looks_like_identifier``; counted and warned about). Identifier kinds found in the full list of
2024-05-03 (benchmarks/verify_ofac_full.py) are all in ``IDENTIFIER_LABELS`` or ``NOTE_ONLY_LABELS``; websites and
e-mail addresses written without a label (old records) are mapped too.

Remarks cut at the field limit whose continuation is not given (no sdn_comments.csv) end without a period or fill
the 1000-character field: their last, possibly partial item (e.g. half a wallet address) is not parsed (it stays in
notes), and the records are counted and warned about.

Rows with a wrong column count, a non-numeric id, an unknown SDN_Type, an unknown alt_type, an empty name, a
duplicate ent_num, or an ent_num not in sdn.csv are rejected with file, line and field. A file that does not look
like its OFAC format (a header row, or more than half of its rows malformed) raises SourceFormatError, before
anything is emitted.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from graph.errors import SourceFormatError
from graph.ids import normalize_address, ofac_id, rel_id, wallet_id
from graph.model import Designation, NodeRecord, RelRecord
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.common.chains import chain_for, ticker_contradicts_address, website_host
from loaders.framework import LoadContext

DATASET = "us_ofac_sdn"
AUTHORITY = "US OFAC"
DETAILS_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"
NULL = "-0-"
EOF_MARK = "\x1a"
LINKED_TO_ROLE = "Linked To"
#: Length of sdn.csv's Remarks field; longer remarks continue in sdn_comments.csv.
REMARKS_LIMIT = 1000
_MAX_EXAMPLES = 10

SDN_FILE = "sdn.csv"
ADD_FILE = "add.csv"
ALT_FILE = "alt.csv"
COMMENTS_FILE = "sdn_comments.csv"

#: Positional columns of each file, by file name.
COLUMNS: dict[str, tuple[str, ...]] = {
    SDN_FILE: (
        "ent_num",
        "SDN_Name",
        "SDN_Type",
        "Program",
        "Title",
        "Call_Sign",
        "Vess_type",
        "Tonnage",
        "GRT",
        "Vess_flag",
        "Vess_owner",
        "Remarks",
    ),
    ADD_FILE: ("ent_num", "Add_num", "Address", "City/State/Province/Postal Code", "Country", "Add_remarks"),
    ALT_FILE: ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
    COMMENTS_FILE: ("ent_num", "Remarks_Extended"),
}

SDN_TYPES: dict[str, NodeKind | None] = {
    "individual": NodeKind.PERSON,
    "vessel": NodeKind.VESSEL,
    "aircraft": NodeKind.AIRCRAFT,
    NULL: None,  # an entity: Company or Organization, see entity_kind
}
ALT_TYPES = {"aka", "fka", "nka"}

# --- remark labels ---------------------------------------------------------------------------------------------

#: OFAC identifier labels (as written in remarks) -> the label shown in ``identifiers``. Matched case-insensitively,
#: longest first, at the start of an item.
IDENTIFIER_LABELS: dict[str, str] = {
    label: label
    for label in (
        # travel and identity documents
        "Passport",
        "Diplomatic Passport",
        "Stateless Person Passport",
        "British National Overseas Passport",
        "Travel Document Number",
        "National ID No.",
        "National Foreign ID Number",
        "Identification Number",
        "Personal ID Card",
        "Tazkira National ID Card",
        "Refugee ID Card",
        "Stateless Person ID Card",
        "UAE Identification",
        "Kenyan ID No.",
        "Moroccan Personal ID No.",
        "Bosnian Personal ID No.",
        "Turkish Identification Number",
        "Turkish Identificiation Number",
        "CNP (Personal Numerical Code)",
        "Romanian Permanent Resident",
        "Citizen's Card Number",
        "Birth Certificate Number",
        "Residency Number",
        "Immigration No.",
        "Public Security and Immigration No.",
        "VisaNumberID",
        "Driver's License No.",
        "Pilot License Number",
        "Seafarer's Identification Document",
        "Electoral Registry No.",
        "Credencial electoral",
        "I.F.E.",
        "Cedula No.",
        "D.N.I.",
        "N.I.E.",
        "Numero de Identidad",
        "Tarjeta Profesional",
        "Cartilla de Servicio Militar Nacional",
        "SSN",
        "C.U.R.P.",
        "C.U.I.P.",
        "C.U.I.",
        "LE Number",
        # tax numbers
        "Tax ID No.",
        "R.F.C.",
        "RFC",
        "C.U.I.T.",
        "C.I.F.",
        "NIT #",
        "RUC #",
        "R.U.C. #",
        "RIF #",
        "RTN",
        "V.A.T. Number",
        "Italian Fiscal Code",
        "Fiscal Code",
        "Romanian Tax Registration",
        "Paraguayan tax identification number",
        "US FEIN",
        "Numero Unico de Identificacao Tributaria (NUIT)",
        # registers and licences
        "Registration Number",
        "Registration ID",
        "Company Number",
        "UK Company Number",
        "Business Number",
        "Business Registration Number",
        "Business Registration Document #",
        "Commercial Registry Number",
        "Certificate of Incorporation Number",
        "Public Registration Number",
        "Chamber of Commerce Number",
        "Dubai Chamber of Commerce Membership No.",
        "Istanbul Chamber of Comm. No.",
        "Enterprise Number",
        "Legal Entity Number",
        "Government Gazette Number",
        "Unified Social Credit Code (USCC)",
        "United Social Credit Code Certificate (USCCC)",
        "D-U-N-S Number",
        "Trade License No.",
        "License",
        "Matricula Mercantil No",
        "Folio Mercantil No.",
        "C.R. No.",
        "Romanian C.R.",
        "Registered Charity No.",
        "Branch Unit Number",
        "Serial No.",
        "SRE Permit No.",
        "MSB Registration Number",
        "Afghan Money Service Provider License Number",
        "Chinese Commercial Code",
        "Economic Register Number (CBLS)",
        "Central Registration System Number",
        "C.I.N.",
        "Company ID",
        "File Number",
        "Organization Code",
        "Registration Certificate Number (Dubai)",
        "Russian State Individual Business Registration Number Pattern (OGRNIP)",
        "Permit Number",
        "Tourism License No.",
        "Trademark number",
        "N.I.F.",
        "Military Registration Number",
        "Temporary suspension of deportation No.",
        # financial codes
        "SWIFT/BIC",
        "BIK (RU)",
        "ISIN",
        "Equity Ticker",
        "MICEX Code",
        "UN/LOCODE",
        # vessels and aircraft
        "Vessel Registration Identification",
        "MMSI",
        "Vessel Call Sign",
        "Other Vessel Call Sign",
        "Aircraft Serial Identification",
        "Aircraft Mode S Transponder Code",
        "Aircraft Tail Number",
        "Previous Aircraft Tail Number",
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        "Aircraft Manufacturer's Serial Number (MSN)",
        # contact details
        "Website",
    )
} | {
    "Email Address": "Email",
    "Email": "Email",
    "Phone Number": "Phone",
    "Phone": "Phone",
    "Telephone": "Phone",
    "Fax": "Fax",
    "Telex": "Telex",
}

#: Identifier labels that only a company (not a government body or a loose group) carries.
COMPANY_IDENTIFIER_LABELS = frozenset(
    {
        "Registration Number",
        "Registration ID",
        "Company Number",
        "UK Company Number",
        "Business Number",
        "Business Registration Number",
        "Business Registration Document #",
        "Commercial Registry Number",
        "Certificate of Incorporation Number",
        "Public Registration Number",
        "Chamber of Commerce Number",
        "Dubai Chamber of Commerce Membership No.",
        "Istanbul Chamber of Comm. No.",
        "Enterprise Number",
        "Legal Entity Number",
        "Government Gazette Number",
        "Unified Social Credit Code (USCC)",
        "United Social Credit Code Certificate (USCCC)",
        "D-U-N-S Number",
        "Trade License No.",
        "Tax ID No.",
        "V.A.T. Number",
        "SWIFT/BIC",
        "BIK (RU)",
        "ISIN",
        "Equity Ticker",
        "Economic Register Number (CBLS)",
        "Central Registration System Number",
        "C.I.N.",
        "Company ID",
        "File Number",
        "Organization Code",
        "Registration Certificate Number (Dubai)",
    }
)

#: Known remark labels that map to no property: kept in notes only (not counted as unrecognised).
NOTE_ONLY_LABELS = (
    "Secondary sanctions risk:",
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
    "Additional Sanctions Information -",
    "Executive Order 13846 information:",
    "Executive Order 13662 Directive Determination -",
    "Executive Order 14024 Directive Information",
    "CAATSA Section 235 Information:",
    "IFCA Determination -",
    "PAIPA Section 2 Information:",
    "Additional Program Tags -",
    "Effective Date",
    "Listing Date",
    "Issuer Name",
    "Organization Established Date",
    "Aircraft Manufacture Date",
    "Aircraft Model",
    "Aircraft Operator",
    "Vessel Year of Build",
    "Vessel Type",
    "Other Vessel Type",
    "Vessel Flag",
    "Other Vessel Flag",
    "Former Vessel Flag",
    "Vessel Owner",
    "For more information on directives, please visit the following link:",
    "Interpol:",
)

#: Remark labels with their own handling (value after the label).
_FIELD_LABELS = {
    "DOB": "dob",
    "POB": "pob",
    "nationality": "country",
    "citizen": "country",
    "Nationality of Registration": "country",
    "Gender": "gender",
    "Organization Type:": "org_type",
    "Target Type": "target_type",
}


def _label_table() -> list[tuple[str, str, str]]:
    """(casefolded label, handling, display label), longest label first."""
    rows: list[tuple[str, str, str]] = []
    rows += [(k.casefold(), "identifier", v) for k, v in IDENTIFIER_LABELS.items()]
    rows += [(k.casefold(), "note", k) for k in NOTE_ONLY_LABELS]
    rows += [(k.casefold(), v, k) for k, v in _FIELD_LABELS.items()]
    return sorted(rows, key=lambda r: -len(r[0]))


_LABELS = _label_table()

_ALT_PREFIX = re.compile(r"^alt\.\s+", re.IGNORECASE)
_ALIAS = re.compile(r"^(?P<kind>[afn])\.k\.a\.,?\s*(?P<name>.+)$", re.IGNORECASE)
_ALIAS_OPEN = re.compile(r"(?:alt\.\s+)?[afn]\.k\.a\.,?\s*'", re.IGNORECASE)
_QUOTE_CLOSE = re.compile(r"'(?=;\s|;?\s*$|\.\s*$)")
_ITEM_SEP = re.compile(r";(?:\s+|$)")
_NEXT_ALIAS = re.compile(r";\s+(?:alt\.\s+)?[afn]\.k\.a\.", re.IGNORECASE)
_WALLET = re.compile(r"^Digital Currency Address\s*-\s*(?P<ticker>[A-Za-z0-9]+)\s+(?P<address>\S+)$", re.IGNORECASE)
_LINKED = re.compile(r"^Linked To:\s*(?P<name>.+)$", re.IGNORECASE)
_IMO = re.compile(
    r"^(?:(?:Vessel Registration Identification|Identification Number)\s+)?"
    r"(?:IMO|International Maritime Organization No\.)\s+\(?(?P<imo>\d{7})\)?$",
    re.IGNORECASE,
)
#: A website or e-mail address given without a label (old records): ``www.example.com``, ``info@x.org (email)``.
_BARE_WEBSITE = re.compile(r"^(?P<value>(?:https?://|www\.)\S+?)(?:\s+\(website\))?\.?$", re.IGNORECASE)
_BARE_EMAIL = re.compile(r"^(?P<value>[^\s@]+@[^\s@]+\.[A-Za-z]{2,})(?:\s+\(e-?mail\))?\.?$", re.IGNORECASE)
#: An unrecognised item that carries a code (3+ digits in a word of 5+ characters, not a year or a year range), an
#: e-mail or a web address looks like an identifier of a kind not mapped yet; anything else is free text (positions,
#: relations, remarks such as "all offices worldwide") kept in notes.
_CODE_WORD = re.compile(r"(?<![\w./-])(?=[\w./-]*\d[\w./-]*\d[\w./-]*\d)[\w./-]{5,}")
_YEARISH = re.compile(r"^(?:\d{4}(?:-\d{4})?|\d+(?:st|nd|rd|th))$", re.IGNORECASE)
_ID_VALUE = re.compile(
    r"^(?P<value>.+?)(?:\s+\((?P<country>[^()]*)\))?"
    r"(?P<tail>\s+(?:issued|expires|expiry|expiration|issue date|valid)\b.*)?$",
    re.IGNORECASE,
)

_MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
_DAY_MONTH_YEAR = re.compile(r"^(?P<d>\d{1,2})\s+(?P<m>[A-Za-z]{3})[a-z]*\.?\s+(?P<y>\d{4})$")
_MONTH_YEAR = re.compile(r"^(?P<m>[A-Za-z]{3})[a-z]*\.?\s+(?P<y>\d{4})$")
_YEAR = re.compile(r"^\d{4}$")

#: Words of a name (dots removed) that mark a company: legal forms and a few trade words.
LEGAL_FORM_WORDS = frozenset(
    {
        "LTD",
        "LIMITED",
        "LLC",
        "LLP",
        "INC",
        "INCORPORATED",
        "CORP",
        "CORPORATION",
        "COMPANY",
        "CO",
        "PLC",
        "JSC",
        "OJSC",
        "PJSC",
        "CJSC",
        "OOO",
        "OAO",
        "ZAO",
        "PAO",
        "AO",
        "GMBH",
        "AG",
        "SA",
        "SARL",
        "SRL",
        "SPA",
        "BV",
        "NV",
        "PTE",
        "PTY",
        "BHD",
        "FZE",
        "FZCO",
        "FZC",
        "DMCC",
        "KFT",
        "SRO",
        "EOOD",
        "JV",
        "JVC",
        "HOLDING",
        "HOLDINGS",
        "BANK",
        # trade words that in this list only ever name businesses
        "TRADING",
        "SHIPPING",
        "INDUSTRIES",
    }
)

#: Parts of ISIC activity names (OFAC "Organization Type") that are not businesses.
NON_BUSINESS_ACTIVITIES = (
    "public administration",
    "public order",
    "defence activities",
    "defense activities",
    "foreign affairs",
    "justice and judicial",
    "compulsory social security",
    "membership organization",
    "political organization",
    "religious organization",
    "extraterritorial",
    "regulation of the activities",
)


# --- small pure helpers ----------------------------------------------------------------------------------------


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


def split_remarks(text: str) -> list[str]:
    """Items of a remarks text, split on ``; `` outside the quotes of ``a.k.a. '…'`` names; items are stripped.

    Only a quote opening an alias item counts (apostrophes elsewhere, "Workers' Party", are text); it closes at a
    quote followed by ``; ``, or by the end of the text (optionally after ``.``). A quote that never closes before
    the next alias item is treated as text, so one broken quote cannot swallow the items after it.
    """
    items: list[str] = []
    start = 0
    while True:
        pos = start
        opened = _ALIAS_OPEN.match(text, start)
        if opened:
            closed = _QUOTE_CLOSE.search(text, opened.end())
            if closed and not _NEXT_ALIAS.search(text, opened.end(), closed.start()):
                pos = closed.end()
        sep = _ITEM_SEP.search(text, pos)
        if sep is None:
            items.append(text[start:])
            break
        items.append(text[start : sep.start()])
        start = sep.end()
    return [i.strip() for i in items if i.strip()]


@dataclass(frozen=True)
class DateText:
    """A date as written and, when it is exact (a day, a month or a year), in ISO form."""

    text: str
    iso: str | None

    @property
    def value(self) -> str:
        return self.iso or self.text


def parse_date(text: str) -> DateText:
    """``25 Apr 1965`` -> 1965-04-25; ``Apr 1965`` -> 1965-04; ``1965`` -> 1965; ``circa 1970``, ``1961 to 1963``
    and anything else are kept as text (iso None)."""
    value = " ".join(text.split())
    m = _DAY_MONTH_YEAR.match(value)
    if m and m["m"].casefold() in _MONTHS:
        try:
            return DateText(value, date(int(m["y"]), _MONTHS[m["m"].casefold()], int(m["d"])).isoformat())
        except ValueError:
            return DateText(value, None)
    m = _MONTH_YEAR.match(value)
    if m and m["m"].casefold() in _MONTHS:
        return DateText(value, f"{m['y']}-{_MONTHS[m['m'].casefold()]:02d}")
    if _YEAR.match(value):
        return DateText(value, value)
    return DateText(value, None)


def name_key(name: str) -> str:
    """How names are compared to resolve ``Linked To``: case-folded, whitespace collapsed, no trailing period."""
    return " ".join(name.split()).casefold().rstrip(".").rstrip()


def legal_form_words(name: str) -> set[str]:
    """Legal-form and trade words in a name: ``"X TRADING CO., LTD."`` -> {"TRADING", "CO", "LTD"}."""
    words = re.findall(r"[A-Z0-9&]+", name.upper().replace(".", ""))
    found = {w for w in words if w in LEGAL_FORM_WORDS}
    if "JOINT VENTURE" in " ".join(words):
        found.add("JOINT VENTURE")
    return found


# --- remarks ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identifier:
    """One identifier from the remarks: readable text and the raw values an analyst may paste."""

    label: str
    text: str
    values: tuple[str, ...]
    country: str | None = None


@dataclass(frozen=True)
class WalletMention:
    ticker: str
    address: str


@dataclass
class Remarks:
    """What the remarks of one record say, item by item."""

    birth_dates: list[DateText] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    gender: str | None = None
    aliases: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    wallets: list[WalletMention] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)
    imo: list[str] = field(default_factory=list)
    organization_type: str | None = None
    target_type: str | None = None
    unrecognised: list[str] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)
    bad_wallets: list[str] = field(default_factory=list)
    truncated: str | None = None


def _unquote(name: str) -> str:
    value = name.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        value = value[1:-1]
    return " ".join(value.split())


def _add_unique(values: list[str], value: str) -> None:
    if value and value not in values:
        values.append(value)


def _match_label(item: str) -> tuple[str, str, str] | None:
    """(handling, display label, rest of the item) for the longest known label the item starts with."""
    folded = item.casefold()
    for label, handling, display in _LABELS:
        if not folded.startswith(label):
            continue
        rest = item[len(label) :]
        if rest and not (label[-1] in ":-" or rest[0] in " :"):
            continue
        return handling, display, rest.strip().lstrip(":").strip()
    return None


def parse_identifier(display: str, rest: str) -> Identifier:
    """An identifier from its display label and the text after the label (``"109420132 (Korea, North) issued …"``)."""
    m = _ID_VALUE.match(rest)
    value = m["value"].strip() if m else rest
    country = m["country"].strip() if m and m["country"] else None
    values = [value]
    if display == "Website":
        host = website_host(value)
        if host and host != value:
            values.append(host)
    return Identifier(display, f"{display}: {rest}", tuple(values), country)


def looks_like_identifier(item: str) -> bool:
    """True for an unlabelled item carrying a code, an e-mail or a web address (see ``_CODE_WORD``)."""
    if "@" in item or re.search(r"https?://|www\.", item, re.IGNORECASE):
        return True
    return any(not _YEARISH.match(word) for word in _CODE_WORD.findall(item))


def parse_remark_item(item: str, out: Remarks) -> None:
    """Parse one remarks item (``alt.`` prefix allowed) into ``out``."""
    text = " ".join(item.split())
    text = _ALT_PREFIX.sub("", text)
    if not text:
        return
    m = _ALIAS.match(text)
    if m:
        _add_unique(out.aliases, _unquote(m["name"]))
        return
    if text.casefold().startswith("digital currency address"):
        m = _WALLET.match(text)
        if m:
            ticker, address = m["ticker"].upper(), m["address"]
            label = f"Digital Currency Address - {ticker}"
            out.wallets.append(WalletMention(ticker, address))
            # readable on the holder; the address itself is the wallet node's lookup key (see the module docstring)
            out.identifiers.append(Identifier(label, f"{label}: {address}", ()))
        else:
            out.bad_wallets.append(text)
        return
    m = _LINKED.match(text)
    if m:
        _add_unique(out.linked_to, m["name"].strip())
        return
    m = _IMO.match(text)
    if m:
        _add_unique(out.imo, m["imo"])
        out.identifiers.append(Identifier("IMO", f"IMO: {m['imo']}", (m["imo"], f"IMO {m['imo']}")))
        return
    matched = _match_label(text)
    if matched is None:
        m = _BARE_WEBSITE.match(text)
        if m:
            out.identifiers.append(parse_identifier("Website", m["value"]))
            return
        m = _BARE_EMAIL.match(text)
        if m:
            out.identifiers.append(parse_identifier("Email", m["value"]))
            return
        (out.unrecognised if looks_like_identifier(text) else out.free_text).append(text)
        return
    handling, display, rest = matched
    if not rest and handling != "note":
        out.unrecognised.append(text)
    elif handling == "identifier":
        out.identifiers.append(parse_identifier(display, rest))
    elif handling == "dob":
        out.birth_dates.append(parse_date(rest))
    elif handling == "pob":
        _add_unique(out.birth_places, rest)
    elif handling == "country":
        _add_unique(out.countries, rest)
    elif handling == "gender":
        out.gender = rest
    elif handling == "org_type":
        out.organization_type = rest
    elif handling == "target_type":
        out.target_type = rest


def parse_remarks(text: str | None, maybe_cut: bool = False) -> Remarks:
    """Parse a remarks text (its sdn_comments.csv continuation already appended).

    A complete text ends with a period, which is stripped. Text that does not end with a period (trailing space
    included: ``"… By U.S. "``) was cut at the field limit, and so was one the caller flags ``maybe_cut`` (it fills
    the field and no continuation was given): its last item may be partial and is kept aside in ``truncated``
    instead of being parsed. A cut that fell just after a ``;`` leaves every item whole.
    """
    out = Remarks()
    if text is None or text.strip() in ("", NULL):
        return out
    items = split_remarks(text)
    if not items:
        return out
    if text.rstrip().endswith(";"):
        pass
    elif text.endswith(".") and not maybe_cut:
        items[-1] = items[-1][:-1].rstrip()
    else:
        out.truncated = items.pop()
    for item in items:
        parse_remark_item(item, out)
    return out


def entity_kind(name: str, remarks: Remarks) -> NodeKind:
    """Company or Organization for an SDN entity (``-0-``), by the rules in the module docstring."""
    target = (remarks.target_type or "").casefold()
    if "government" in target:
        return NodeKind.ORGANIZATION
    if "company" in target or "enterprise" in target:
        return NodeKind.COMPANY
    if remarks.organization_type:
        activity = remarks.organization_type.casefold()
        if any(word in activity for word in NON_BUSINESS_ACTIVITIES):
            return NodeKind.ORGANIZATION
        return NodeKind.COMPANY
    if any(i.label in COMPANY_IDENTIFIER_LABELS for i in remarks.identifiers):
        return NodeKind.COMPANY
    if legal_form_words(name):
        return NodeKind.COMPANY
    return NodeKind.ORGANIZATION


# --- files -----------------------------------------------------------------------------------------------------


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
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise SourceFormatError(file, previous + 1, None, f"not valid CSV ({exc})") from exc
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


@dataclass
class SdnRecord:
    """A valid sdn.csv row, plus what the other files add to it."""

    ent_num: str
    line: int
    name: str
    sdn_type: str
    programs: list[str]
    title: str | None
    call_sign: str | None
    vessel_type: str | None
    tonnage: str | None
    grt: str | None
    flag: str | None
    owner: str | None
    remarks: str | None
    continuation: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    address_countries: list[str] = field(default_factory=list)
    addresses: list[AddressRow] = field(default_factory=list)

    @property
    def full_remarks(self) -> str | None:
        text = (self.remarks or "") + "".join(self.continuation)
        return text or None


@dataclass(frozen=True)
class AddressRow:
    ent_num: str
    add_num: str
    address: str | None
    city: str | None
    country: str | None
    remarks: str | None


class _FileCheck:
    """Rejections of one file, kept back until the file is known to be in its format."""

    def __init__(self, file: str, kind: str) -> None:
        self.file = file
        self.kind = kind
        self.columns = COLUMNS[kind]
        self.rows = 0
        self.rejections: list[Rejection] = []

    def reject(self, row: CsvRow, field_name: str | None, reason: str) -> None:
        self.rejections.append(Rejection(row.line, field_name, reason, row.raw))

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


# --- the source ------------------------------------------------------------------------------------------------


@dataclass
class _WalletNode:
    address: str
    currencies: list[str] = field(default_factory=list)
    chain: str | None = None
    holders: list[str] = field(default_factory=list)


class OfacSdnSource:
    """Reads OFAC SDN classic CSV files (see the module docstring for the mapping)."""

    name = "ofac-sdn"
    dataset = DATASET

    def __init__(self) -> None:
        self._have_comments = False
        self._short_continued: list[str] = []

    def expected_counts(self) -> dict[str, int]:
        # Any real SDN file - even an extract of one program - has at least one record; kinds vary by extract.
        return {"records": 1}

    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None:
        files = find_files(paths)
        self._have_comments = COMMENTS_FILE in files
        self._short_continued = []
        texts = {kind: self._text(path, ctx) for kind, path in files.items()}
        records, checks = self._read_sdn(str(files[SDN_FILE]), texts[SDN_FILE])
        ctx.expect_total(len(records))
        if COMMENTS_FILE in files:
            checks.append(self._read_comments(str(files[COMMENTS_FILE]), texts[COMMENTS_FILE], records))
        if ALT_FILE in files:
            checks.append(self._read_alt(str(files[ALT_FILE]), texts[ALT_FILE], records))
        if ADD_FILE in files:
            checks.append(self._read_add(str(files[ADD_FILE]), texts[ADD_FILE], records))
        for check in checks:
            check.emit(ctx)
        ctx.record_read(len(checks[0].rejections))  # rejected sdn.csv rows were read too
        self._emit(records, ctx)

    # --- reading -------------------------------------------------------------------------------------------------
    @staticmethod
    def _text(path: Path, ctx: LoadContext) -> str:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SourceFormatError(str(path), None, None, f"cannot be read ({exc.strerror})") from exc
        text, encoding = decode(data)
        if encoding in ("cp1252", "latin-1"):
            ctx.warn(f"{path}: not valid UTF-8; read as {encoding}")
        return text

    def _read_sdn(self, file: str, text: str) -> tuple[dict[str, SdnRecord], list[_FileCheck]]:
        check = _FileCheck(file, SDN_FILE)
        rows = read_rows(text, file)
        check.header_check(rows)
        records: dict[str, SdnRecord] = {}
        for row in rows:
            check.rows += 1
            if not check.valid_shape(row):
                continue
            f = row.fields
            ent_num = f[0].strip()
            sdn_type = f[2].strip()
            type_key = NULL if sdn_type == NULL else sdn_type.casefold()
            if type_key not in SDN_TYPES:
                check.reject(row, "SDN_Type", f"unknown SDN_Type: {sdn_type!r}")
                continue
            name = null(f[1])
            if name is None:
                check.reject(row, "SDN_Name", "empty name")
                continue
            if ent_num in records:
                check.reject(row, "ent_num", f"duplicate ent_num: {ent_num} first on line {records[ent_num].line}")
                continue
            records[ent_num] = SdnRecord(
                ent_num=ent_num,
                line=row.line,
                name=" ".join(name.split()),
                sdn_type=type_key,
                programs=split_programs(f[3]),
                title=null(f[4]),
                call_sign=null(f[5]),
                vessel_type=null(f[6]),
                tonnage=null(f[7]),
                grt=null(f[8]),
                flag=null(f[9]),
                owner=null(f[10]),
                remarks=f[11] if null(f[11]) is not None else None,  # unstripped: a cut may end in a space
            )
        if not check.rows:
            raise SourceFormatError(file, None, None, "no records")
        check.finish()
        return records, [check]

    @staticmethod
    def _known(check: _FileCheck, row: CsvRow, records: dict[str, SdnRecord]) -> SdnRecord | None:
        record = records.get(row.fields[0].strip())
        if record is None:
            check.reject(row, "ent_num", f"unknown ent_num: {row.fields[0].strip()} is not in {SDN_FILE}")
        return record

    def _read_comments(self, file: str, text: str, records: dict[str, SdnRecord]) -> _FileCheck:
        check = _FileCheck(file, COMMENTS_FILE)
        rows = read_rows(text, file)
        check.header_check(rows)
        for row in rows:
            check.rows += 1
            if not check.valid_shape(row):
                continue
            record = self._known(check, row, records)
            extra = row.fields[1]
            if record is None or null(extra) is None:
                continue
            if not record.continuation and len(record.remarks or "") < REMARKS_LIMIT:
                # OFAC only continues remarks that fill the field: sdn.csv and sdn_comments.csv may be of two dates
                self._short_continued.append(record.ent_num)
            record.continuation.append(extra)
        check.finish()
        return check

    def _read_alt(self, file: str, text: str, records: dict[str, SdnRecord]) -> _FileCheck:
        check = _FileCheck(file, ALT_FILE)
        rows = read_rows(text, file)
        check.header_check(rows)
        for row in rows:
            check.rows += 1
            if not check.valid_shape(row, id_columns=2):
                continue
            alt_type = (null(row.fields[2]) or "").casefold().replace(".", "")
            if alt_type not in ALT_TYPES:
                check.reject(row, "alt_type", f"unknown alt_type: {row.fields[2].strip()!r}")
                continue
            alt_name = null(row.fields[3])
            if alt_name is None:
                check.reject(row, "alt_name", "empty name")
                continue
            record = self._known(check, row, records)
            if record is not None:
                _add_unique(record.aliases, " ".join(alt_name.split()))
        check.finish()
        return check

    def _read_add(self, file: str, text: str, records: dict[str, SdnRecord]) -> _FileCheck:
        check = _FileCheck(file, ADD_FILE)
        rows = read_rows(text, file)
        check.header_check(rows)
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            check.rows += 1
            if not check.valid_shape(row, id_columns=2):
                continue
            key = (row.fields[0].strip(), row.fields[1].strip())
            if key in seen:
                check.reject(row, "Add_num", f"duplicate Add_num: {key[1]} for {key[0]} first on line {seen[key]}")
                continue
            seen[key] = row.line
            record = self._known(check, row, records)
            if record is None:
                continue
            f = row.fields
            address = AddressRow(key[0], key[1], null(f[2]), null(f[3]), null(f[4]), null(f[5]))
            record.addresses.append(address)
            if address.country:
                _add_unique(record.address_countries, address.country)
        check.finish()
        return check

    # --- emitting ------------------------------------------------------------------------------------------------
    def _emit(self, records: dict[str, SdnRecord], ctx: LoadContext) -> None:
        by_name: dict[str, list[str]] = defaultdict(list)
        for record in records.values():
            by_name[name_key(record.name)].append(record.ent_num)
        wallets: dict[str, _WalletNode] = {}
        links: list[tuple[str, str]] = []
        truncated: list[str] = []
        unrecognised: list[str] = []
        free_text = 0
        bad_wallets: list[str] = []
        mismatched: list[str] = []
        for record in records.values():
            ctx.record_read()
            remarks = parse_remarks(record.full_remarks, maybe_cut=self._maybe_cut(record))
            if remarks.truncated is not None:
                truncated.append(record.ent_num)
            unrecognised += remarks.unrecognised
            free_text += len(remarks.free_text)
            bad_wallets += [f"{record.ent_num}: {w}" for w in remarks.bad_wallets]
            node_id = ofac_id(record.ent_num)
            ctx.node(self._record_node(record, remarks))
            for mention in remarks.wallets:
                if ticker_contradicts_address(mention.ticker, mention.address):
                    mismatched.append(f"{record.ent_num}: {mention.ticker} {mention.address}")
                address = normalize_address(mention.address)
                wallet = wallets.setdefault(address, _WalletNode(address))
                _add_unique(wallet.currencies, mention.ticker)
                wallet.chain = wallet.chain or chain_for(mention.ticker, mention.address)
                _add_unique(wallet.holders, node_id)
            self._addresses(record, ctx)
            links += [(record.ent_num, target) for target in remarks.linked_to]
        for wallet in wallets.values():
            self._wallet(wallet, ctx)
        self._links(links, by_name, ctx)
        if self._short_continued:
            ctx.note("continuations of remarks that do not fill the field", len(self._short_continued))
            ctx.warn(
                f"{len(self._short_continued)} sdn_comments.csv row(s) continue remarks shorter than {REMARKS_LIMIT} "
                "characters (OFAC only continues full ones: are sdn.csv and sdn_comments.csv from different dates?): "
                f"ent_num {', '.join(self._short_continued[:_MAX_EXAMPLES])}"
            )
        if free_text:
            ctx.note("free-text remark items (positions, relations, …; kept in notes)", free_text)
        self._report(ctx, truncated, unrecognised, bad_wallets, mismatched)

    def _maybe_cut(self, record: SdnRecord) -> bool:
        """Remarks that fill the field, with no sdn_comments.csv given to say whether they go on."""
        return not self._have_comments and not record.continuation and len(record.remarks or "") >= REMARKS_LIMIT

    def _designation(self, record: SdnRecord) -> str:
        return Designation(
            authority=AUTHORITY,
            programs=tuple(record.programs),
            record_id=record.ent_num,
            source_url=DETAILS_URL.format(record.ent_num),
        ).to_json()

    def _record_node(self, record: SdnRecord, remarks: Remarks) -> NodeRecord:
        base = SDN_TYPES[record.sdn_type]
        kind = base if base is not None else entity_kind(record.name, remarks)
        aliases: list[str] = []
        seen = {name_key(record.name)}
        for alias in [*remarks.aliases, *record.aliases]:
            if name_key(alias) not in seen:
                seen.add(name_key(alias))
                aliases.append(alias)
        countries = list(remarks.countries)
        for country in record.address_countries:
            _add_unique(countries, country)
        identifiers: list[str] = []
        lookup: list[str] = []
        for ident in remarks.identifiers:
            _add_unique(identifiers, ident.text)
            for value in ident.values:
                _add_unique(lookup, value)
        if record.call_sign:
            _add_unique(identifiers, f"Call Sign: {record.call_sign}")
            _add_unique(lookup, record.call_sign)
        notes = [record.full_remarks] if record.full_remarks else []
        if record.grt:
            notes.append(f"GRT: {record.grt}")
        if record.owner:
            notes.append(f"Vessel owner: {record.owner}")
        props: dict[Prop, Any] = {
            Prop.NAME: record.name,
            Prop.ALIASES: aliases,
            Prop.COUNTRIES: countries,
            Prop.IDENTIFIERS: identifiers,
            Prop.LOOKUP_KEYS: lookup,
            Prop.BIRTH_DATE: "; ".join(d.value for d in remarks.birth_dates) or None,
            Prop.BIRTH_PLACE: "; ".join(remarks.birth_places) or None,
            Prop.GENDER: remarks.gender,
            Prop.TITLE: record.title,
            Prop.NOTES: "\n".join(notes) or None,
            Prop.PROGRAMS: list(record.programs),
            Prop.SANCTIONED: True,
            Prop.DESIGNATIONS: [self._designation(record)],
            Prop.DATASETS: [DATASET],
            Prop.SOURCE_IDS: [f"{DATASET}:{record.ent_num}"],
            Prop.IMO: remarks.imo[0] if remarks.imo else None,
            Prop.CALL_SIGN: record.call_sign,
            Prop.VESSEL_TYPE: record.vessel_type,
            Prop.TONNAGE: _number(record.tonnage),
            Prop.FLAG: record.flag,
        }
        return NodeRecord(ofac_id(record.ent_num), kind, _compact(props))

    def _addresses(self, record: SdnRecord, ctx: LoadContext) -> None:
        node_id = ofac_id(record.ent_num)
        for row in record.addresses:
            if row.address is None and row.city is None:
                if row.country is None:
                    ctx.note("address rows with no content (skipped)")
                else:
                    ctx.note("address rows with only a country (added to the record's countries)")
                continue
            address_id = f"ofac-addr-{row.ent_num}-{row.add_num}"
            props: dict[Prop, Any] = {
                Prop.NAME: ", ".join(p for p in (row.address, row.city, row.country) if p),
                Prop.ADDRESS: row.address,
                Prop.CITY: row.city,
                Prop.COUNTRIES: [row.country] if row.country else [],
                Prop.NOTES: row.remarks,
                Prop.DATASETS: [DATASET],
                Prop.SOURCE_IDS: [f"{DATASET}:{row.ent_num}:address:{row.add_num}"],
            }
            ctx.node(NodeRecord(address_id, NodeKind.ADDRESS, _compact(props)))
            ctx.rel(self._rel(RelType.LOCATED_AT, node_id, address_id, record.ent_num))

    def _wallet(self, wallet: _WalletNode, ctx: LoadContext) -> None:
        wallet_node = wallet_id(wallet.address)
        props: dict[Prop, Any] = {
            Prop.NAME: wallet.address,
            Prop.CURRENCIES: wallet.currencies,
            Prop.CHAIN: wallet.chain,
            Prop.LOOKUP_KEYS: [wallet.address],
            Prop.DATASETS: [DATASET],
            Prop.SANCTIONED: False,
        }
        ctx.node(NodeRecord(wallet_node, NodeKind.WALLET, _compact(props)))
        for holder in wallet.holders:
            ctx.rel(self._rel(RelType.HOLDS, holder, wallet_node, holder.removeprefix("ofac-")))

    def _links(self, links: list[tuple[str, str]], by_name: dict[str, list[str]], ctx: LoadContext) -> None:
        unresolved: list[str] = []
        ambiguous: list[str] = []
        for source, target_name in links:
            named = by_name.get(name_key(target_name), [])
            targets = [t for t in named if t != source]
            if not targets:
                if named:
                    ctx.note("linked-to names naming the record itself (not linked)")
                else:
                    unresolved.append(f"{target_name!r} (from {source})")
                continue
            if len(targets) > 1:
                ambiguous.append(f"{target_name!r} (from {source}: {', '.join(targets)})")
            for target in targets:
                rel = self._rel(RelType.LINKED_TO, ofac_id(source), ofac_id(target), source)
                rel.props[Prop.ROLE] = LINKED_TO_ROLE
                ctx.rel(rel)
        if unresolved:
            ctx.note("linked-to names not in the list", len(unresolved))
            ctx.warn(
                f"{len(unresolved)} 'Linked To' name(s) match no record in the list and were not linked, e.g. "
                + "; ".join(unresolved[:_MAX_EXAMPLES])
            )
        if ambiguous:
            ctx.note("linked-to names matching several records (linked to each)", len(ambiguous))
            ctx.warn(
                f"{len(ambiguous)} 'Linked To' name(s) match several records and were linked to each, e.g. "
                + "; ".join(ambiguous[:_MAX_EXAMPLES])
            )

    @staticmethod
    def _rel(rel_type: RelType, source: str, target: str, ent_num: str) -> RelRecord:
        return RelRecord(
            rel_id(rel_type, source, target),
            rel_type,
            source,
            target,
            {Prop.DATASETS: [DATASET], Prop.SOURCE_IDS: [f"{DATASET}:{ent_num}"]},
        )

    @staticmethod
    def _report(
        ctx: LoadContext, truncated: list[str], unrecognised: list[str], bad_wallets: list[str], mismatched: list[str]
    ) -> None:
        if truncated:
            ctx.note("remarks cut off without continuation (last item not parsed)", len(truncated))
            ctx.warn(
                f"{len(truncated)} record(s) have remarks cut at the field limit and no sdn_comments.csv continuation; "
                f"their last item was not parsed (kept in notes): ent_num {', '.join(truncated[:_MAX_EXAMPLES])}"
                + (" …" if len(truncated) > _MAX_EXAMPLES else "")
            )
        if unrecognised:
            ctx.note("remark items not recognised (kept in notes only)", len(unrecognised))
            examples = list(dict.fromkeys(unrecognised))[:_MAX_EXAMPLES]
            ctx.warn(f"{len(unrecognised)} remark item(s) not recognised, kept in notes only, e.g. {examples}")
        if bad_wallets:
            ctx.note("digital currency items not understood", len(bad_wallets))
            ctx.warn(f"digital currency items not understood (no wallet made): {bad_wallets[:_MAX_EXAMPLES]}")
        if mismatched:
            ctx.note("wallet addresses whose shape contradicts the ticker", len(mismatched))
            ctx.warn(f"wallet addresses whose shape contradicts the ticker (chain from the address): {mismatched}")


def _number(value: str | None) -> int | str | None:
    """``"10,030"`` -> 10030; other text is kept as written."""
    if value is None:
        return None
    digits = value.replace(",", "").strip()
    return int(digits) if digits.isdigit() else value


def _compact(props: dict[Prop, Any]) -> dict[Prop, Any]:
    """Props without None values and empty lists."""
    return {k: v for k, v in props.items() if v is not None and v != []}
