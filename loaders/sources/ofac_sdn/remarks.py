"""The Remarks column: items split on ``; ``, each parsed by its label (aliases, identifiers, wallets, links, birth
data, countries, …), and the Company/Organization decision for entities (``entity_kind``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph import NodeKind
from loaders.common.chains import website_host
from loaders.sources.ofac_sdn.fields import DateText, add_unique, parse_date
from loaders.sources.ofac_sdn.tables import (
    COMPANY_IDENTIFIER_LABELS,
    LEGAL_FORM_WORDS,
    NON_BUSINESS_ACTIVITIES,
    NULL,
    TABLES,
)

_LABELS = TABLES.label_table()

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


def legal_form_words(name: str) -> set[str]:
    """Legal-form and trade words in a name: ``"X TRADING CO., LTD."`` -> {"TRADING", "CO", "LTD"}."""
    words = re.findall(r"[A-Z0-9&]+", name.upper().replace(".", ""))
    found = {w for w in words if w in LEGAL_FORM_WORDS}
    if "JOINT VENTURE" in " ".join(words):
        found.add("JOINT VENTURE")
    return found


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
        add_unique(out.aliases, _unquote(m["name"]))
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
        add_unique(out.linked_to, m["name"].strip())
        return
    m = _IMO.match(text)
    if m:
        add_unique(out.imo, m["imo"])
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
        add_unique(out.birth_places, rest)
    elif handling == "country":
        add_unique(out.countries, rest)
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
