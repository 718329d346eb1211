"""ICIJ Offshore Leaks database CSV: the node files and relationships.csv of the public bulk download.

Files (shared/formats.md, section 3) are recognised by name: ``nodes-entities.csv``, ``nodes-officers.csv``,
``nodes-intermediaries.csv``, ``nodes-addresses.csv``, ``nodes-others.csv`` and ``relationships.csv`` (also the
per-leak names of older releases, ``<leak>.nodes.entity.csv`` … ``<leak>.edges.csv``). Columns are mapped BY HEADER
NAME: column sets differ between releases, so no position is assumed. A column this module does not know is reported
as a warning (not loaded); a missing required column (``node_id``; ``node_id_start``, ``node_id_end`` and
``rel_type`` in relationships) stops the load with SourceFormatError naming file and column, before anything is
emitted. Every header is checked before the first row is read.

Mapping rules
-------------
Ids: ``icij-<node_id>`` (``icij_id``); the ICIJ node id is also an identifier (``ICIJ node id: 240000001``) and a
lookup key, so an id copied from offshoreleaks.icij.org finds the node.

Kinds: entities -> Company (topic ``corp.offshore``); officers -> LegalEntity (the file does not say whether an
officer is a person or a company); intermediaries -> LegalEntity with the topic ``role.intermediary`` (intermediaries
are law firms, banks and individual agents alike, so Organization would be wrong for many); addresses -> Address;
others -> LegalEntity. A node id listed in several files is one node (the entity file's kind wins).

Node columns (any node file; every column is mapped or listed in ``IGNORED_NODE_COLUMNS``):
``name`` -> name (empty: the node is kept, shown by its id, and counted); ``original_name``, ``former_name`` ->
aliases (when they differ from the name); ``countries`` and ``country_codes`` (``;``-separated lists) -> countries as
lower-case ISO alpha-2 codes where the name or code is known to followthemoney (``MLT``/``Malta`` -> ``mt``), else the
name as written; ``jurisdiction``/``jurisdiction_description`` -> countries too, and a ``Jurisdiction: British Virgin
Islands (BVI)`` line in notes; ``address`` -> address (for Address nodes the name; a differing ``name`` becomes an
alias); dates ``incorporation_date``, ``inactivation_date``, ``struck_off_date``, ``dorm_date``, ``closed_date``
(``23-MAR-2006`` -> ``2006-03-23``; a date not understood is kept as written and counted), ``status``,
``company_type``, ``type``, ``service_provider``, ``valid_until`` and ``note`` -> lines of notes (the vocabulary has no
property of their own; as the FtM loader does); ``ibcRUC`` -> identifier ``ibcRUC: …`` and lookup key (all-zero
values skipped); ``sourceID`` -> datasets (``icij_offshore_leaks`` plus ``icij_<source slug>``, e.g.
``icij_panama_papers``). ``internal_id`` is ignored (the provider's own reference).

relationships.csv (``node_id_start`` -> ``node_id_end``; ``rel_type`` and ``link`` compared case-insensitively):
- ``officer_of``: a link containing ``shareholder``, ``owner`` (beneficial owner, co-owner…) -> OWNS (officer ->
  entity); a link naming a board or officer role (``DIRECTOR_TERMS``: director, nominee director, secretary,
  officer, president, manager, signatory, chairman, treasurer, power of attorney…) -> DIRECTS; a link with both
  (``Director and Shareholder``) -> both; any other link (beneficiary, protector, trustee…) -> LINKED_TO. The link is
  kept as ``role``.
- ``registered_address`` -> LOCATED_AT.
- ``intermediary_of`` -> LINKED_TO with role ``intermediary of`` (the vocabulary has no INTERMEDIARY_OF type).
- ``same_as``, ``same_name_as``, ``similar``, ``same_id_as``, ``same_company_as`` and ICIJ's other resolution
  candidates (``SAME_AS_TYPES``) -> SAME_AS with status ``candidate`` and the ICIJ rel_type as ``role``: candidates for
  an analyst, never merged.
- anything else (``connected_to``, …) -> LINKED_TO with the link (or the rel_type when there is no link) as role.
``start_date``/``end_date`` -> ISO start_date/end_date (a date not understood is dropped and counted); ``status`` ->
status (except on SAME_AS, whose status is the resolution status); ``sourceID`` -> datasets. Relationship ids:
``rel_id(type, start, end, rel_type, link, start_date)``, so a re-run merges and a repeated appointment with another
start date stays distinct. Rows whose ends are not among the node ids of the files loaded are counted and warned
about; they are still emitted, and the pipeline writes them only if the store already holds both ends (e.g. node
files loaded earlier) and otherwise counts them as skipped. Rows missing an end or the rel_type, or linking a node to
itself, are rejected.

Bad records (not valid CSV, a wrong number of fields, a missing node_id) are rejected with file, line and field; bytes
that are not UTF-8 are read as cp1252 with a warning (see loaders.common.csvfiles).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from followthemoney.types import registry

from graph import NodeKind, NodeRecord, Prop, RelRecord, RelType, SourceFormatError, rel_id
from loaders.common.csvfiles import CsvRecord, iter_records, read_header, require_columns, unknown_columns
from loaders.common.values import parse_date
from loaders.framework import LoadContext

DATASET = "icij_offshore_leaks"
ID_PREFIX = "icij-"
INTERMEDIARY_TOPIC = "role.intermediary"
OFFSHORE_TOPIC = "corp.offshore"
SAME_AS_STATUS = "candidate"
INTERMEDIARY_ROLE = "intermediary of"
_MAX_EXAMPLES = 10


class IcijFile(StrEnum):
    ENTITIES = "entities"
    OFFICERS = "officers"
    INTERMEDIARIES = "intermediaries"
    ADDRESSES = "addresses"
    OTHERS = "others"
    RELATIONSHIPS = "relationships"


FILE_NAMES: dict[str, IcijFile] = {
    "nodes-entities.csv": IcijFile.ENTITIES,
    "nodes-officers.csv": IcijFile.OFFICERS,
    "nodes-intermediaries.csv": IcijFile.INTERMEDIARIES,
    "nodes-addresses.csv": IcijFile.ADDRESSES,
    "nodes-others.csv": IcijFile.OTHERS,
    "relationships.csv": IcijFile.RELATIONSHIPS,
}
_LEGACY_NODES = re.compile(r"\.nodes\.(entity|officer|intermediary|address|other)\.csv$", re.IGNORECASE)
_LEGACY_KINDS = {
    "entity": IcijFile.ENTITIES,
    "officer": IcijFile.OFFICERS,
    "intermediary": IcijFile.INTERMEDIARIES,
    "address": IcijFile.ADDRESSES,
    "other": IcijFile.OTHERS,
}
_LEGACY_EDGES = re.compile(r"\.edges\.csv$", re.IGNORECASE)

#: Reading order: nodes before relationships; the entity file last among nodes, so its kind (Company) wins.
FILE_ORDER = (
    IcijFile.OFFICERS,
    IcijFile.INTERMEDIARIES,
    IcijFile.OTHERS,
    IcijFile.ADDRESSES,
    IcijFile.ENTITIES,
    IcijFile.RELATIONSHIPS,
)

NODE_KINDS: dict[IcijFile, NodeKind] = {
    IcijFile.ENTITIES: NodeKind.COMPANY,
    IcijFile.OFFICERS: NodeKind.LEGAL_ENTITY,
    IcijFile.INTERMEDIARIES: NodeKind.LEGAL_ENTITY,
    IcijFile.ADDRESSES: NodeKind.ADDRESS,
    IcijFile.OTHERS: NodeKind.LEGAL_ENTITY,
}
NODE_TOPICS: dict[IcijFile, list[str]] = {
    IcijFile.ENTITIES: [OFFSHORE_TOPIC],
    IcijFile.INTERMEDIARIES: [INTERMEDIARY_TOPIC],
}

NODE_REQUIRED = ("node_id",)
#: Date columns of node files -> the label of their line in notes.
NODE_DATE_COLUMNS: dict[str, str] = {
    "incorporation_date": "Incorporated",
    "inactivation_date": "Inactivated",
    "struck_off_date": "Struck off",
    "dorm_date": "Dormant since",
    "closed_date": "Closed",
}
#: Text columns of node files kept as labelled lines of notes.
NODE_NOTE_COLUMNS: dict[str, str] = {
    "status": "Status",
    "company_type": "Company type",
    "type": "Type",
    "service_provider": "Service provider",
}
NODE_MAPPED_COLUMNS = frozenset(
    {
        "node_id",
        "name",
        "original_name",
        "former_name",
        "jurisdiction",
        "jurisdiction_description",
        "address",
        "countries",
        "country_codes",
        "ibcRUC",
        "sourceID",
        "valid_until",
        "note",
        *NODE_DATE_COLUMNS,
        *NODE_NOTE_COLUMNS,
    }
)
IGNORED_NODE_COLUMNS = frozenset({"internal_id"})

REL_REQUIRED = ("node_id_start", "node_id_end", "rel_type")
REL_MAPPED_COLUMNS = frozenset({*REL_REQUIRED, "link", "status", "start_date", "end_date", "sourceID"})
IGNORED_REL_COLUMNS: frozenset[str] = frozenset()

#: ICIJ rel_types that are entity-resolution candidates.
SAME_AS_TYPES = frozenset(
    {
        "same_as",
        "same_name_as",
        "similar",
        "same_id_as",
        "same_company_as",
        "similar_company_as",
        "same_intermediary_as",
        "same_address_as",
        "probably_same_officer_as",
    }
)
#: Words in an officer_of link that make it ownership.
OWNER_TERMS = ("shareholder", "owner")
#: Words in an officer_of link that make it a directorship (board and officer roles, signing powers).
DIRECTOR_TERMS = (
    "director",
    "secretary",
    "officer",
    "president",
    "manager",
    "signatory",
    "chairman",
    "chairwoman",
    "chairperson",
    "treasurer",
    "board member",
    "member of the board",
    "chief executive",
    "chief financial",
    "ceo",
    "c.e.o",
    "cfo",
    "executive",
    "power of attorney",
    "attorney in fact",
    "attorney-in-fact",
    "proxy",
    "liquidator",
    "legal representative",
)
_DIRECTOR_RE = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in DIRECTOR_TERMS) + r")")  # "directors" too


def classify(rel_type: str, link: str) -> list[tuple[RelType, str]]:
    """The relationships one ICIJ row becomes, each with its role (see the module docstring)."""
    return list(_classify(rel_type, link))


@functools.lru_cache(maxsize=65536)  # a release has a few thousand distinct links
def _classify(rel_type: str, link: str) -> tuple[tuple[RelType, str], ...]:
    kind = rel_type.strip().lower().replace(" ", "_").replace("-", "_")
    text = " ".join(link.split())
    low = text.lower()
    if kind == "officer_of":
        out: list[tuple[RelType, str]] = []
        role = text or "officer of"
        if any(term in low for term in OWNER_TERMS):
            out.append((RelType.OWNS, role))
        if _DIRECTOR_RE.search(low):
            out.append((RelType.DIRECTS, role))
        return tuple(out) or ((RelType.LINKED_TO, role),)
    if kind == "registered_address":
        return ((RelType.LOCATED_AT, text or "registered address"),)
    if kind == "intermediary_of":
        if not text or low == INTERMEDIARY_ROLE:
            return ((RelType.LINKED_TO, INTERMEDIARY_ROLE),)
        return ((RelType.LINKED_TO, text if "intermediary" in low else f"{INTERMEDIARY_ROLE}: {text}"),)
    if kind in SAME_AS_TYPES:
        return ((RelType.SAME_AS, kind),)
    return ((RelType.LINKED_TO, text or rel_type.strip()),)


ICIJ_DATE_FORMAT = "%d-%b-%Y"  # 23-MAR-2006 (month names in English, any case)


@functools.lru_cache(maxsize=65536)
def icij_date(text: str) -> str | None:
    """``23-MAR-2006`` (also ISO ``2006-03-23``) -> ``2006-03-23``; None when the text is not such a valid date."""
    value = text.strip()
    for date_format in (ICIJ_DATE_FORMAT, "%Y-%m-%d"):
        try:
            return parse_date(value, date_format)
        except ValueError:
            continue
    return None


def split_list(text: str) -> list[str]:
    """``"Malta;Cyprus"`` -> ``["Malta", "Cyprus"]`` (empty parts dropped)."""
    return [" ".join(p.split()) for p in text.split(";") if p.strip()]


#: Country placeholders ICIJ writes when it does not know (dropped).
UNKNOWN_COUNTRIES = frozenset({"undetermined", "not identified", "unknown", "xxx", "xx"})


@functools.lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """A country name or code (``Malta``, ``MLT``, ``BVI``) as lower-case ISO alpha-2, or None when unknown."""
    cleaned = registry.country.clean(value)
    return str(cleaned) if cleaned else None


def countries(*values: str) -> list[str]:
    """Countries from ``;``-separated name/code lists: alpha-2 where known, else names as written (unknown codes
    such as ``XXX`` are dropped)."""
    return list(_countries(values))


@functools.lru_cache(maxsize=65536)
def _countries(values: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for text in values:
        for part in split_list(text):
            if part.casefold() in UNKNOWN_COUNTRIES:
                continue
            code = country_code(part)
            value = code if code else (None if part.isupper() and len(part) <= 3 else part)
            if value and value not in out:
                out.append(value)
    return tuple(out)


def dataset_of(source_id: str) -> str | None:
    """``Paradise Papers - Appleby`` -> ``icij_paradise_papers_appleby``."""
    slug = re.sub(r"[^a-z0-9]+", "_", source_id.lower()).strip("_")
    return f"icij_{slug}" if slug else None


def icij_id(node_id: str) -> str:
    return f"{ID_PREFIX}{node_id.strip()}"


def file_kind(path: Path) -> IcijFile | None:
    name = path.name.lower()
    if name in FILE_NAMES:
        return FILE_NAMES[name]
    match = _LEGACY_NODES.search(name)
    if match:
        return _LEGACY_KINDS[match.group(1).lower()]
    if _LEGACY_EDGES.search(name):
        return IcijFile.RELATIONSHIPS
    return None


def find_files(paths: Sequence[Path]) -> tuple[list[tuple[IcijFile, Path]], list[Path]]:
    """The ICIJ files among ``paths`` (files, or directories searched one level deep) in reading order, and the
    other .csv files found in those directories (not loaded)."""
    found: list[tuple[IcijFile, Path]] = []
    others: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.iterdir() if p.is_file()):
                kind = file_kind(child)
                if kind is not None:
                    found.append((kind, child))
                elif child.suffix.lower() == ".csv":
                    others.append(child)
        elif path.is_file():
            kind = file_kind(path)
            if kind is None:
                raise SourceFormatError(
                    str(path), None, None, f"not an ICIJ Offshore Leaks file name (expected {', '.join(FILE_NAMES)})"
                )
            found.append((kind, path))
        else:
            raise SourceFormatError(str(path), None, None, "no such file or directory")
    if not found:
        where = ", ".join(str(p) for p in paths) or "(no paths)"
        raise SourceFormatError(
            where, None, None, f"no ICIJ Offshore Leaks files found (names: {', '.join(FILE_NAMES)})"
        )
    unique = list(dict.fromkeys((k, p.resolve()) for k, p in found))
    order = {k: i for i, k in enumerate(FILE_ORDER)}
    return sorted(((k, p) for k, p in unique), key=lambda kp: (order[kp[0]], str(kp[1]))), others


@dataclass
class _Counts:
    unknown_ends: int = 0
    unknown_end_examples: list[str] = field(default_factory=list)
    bad_dates: int = 0
    bad_date_examples: list[str] = field(default_factory=list)


class IcijSource:
    """Reads the ICIJ Offshore Leaks CSV files (see the module docstring for the mapping)."""

    name = "icij"
    dataset = DATASET

    def expected_counts(self) -> dict[str, int]:
        # Any real release has at least one row; which files an analyst loads varies.
        return {"records": 1}

    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None:
        files, others = find_files(paths)
        headers: list[list[str]] = []
        for kind, path in files:  # every header checked before any row is read
            header = read_header(path)
            if kind is IcijFile.RELATIONSHIPS:
                require_columns(str(path), header, REL_REQUIRED)
                unknown = unknown_columns(header, REL_MAPPED_COLUMNS | IGNORED_REL_COLUMNS)
            else:
                require_columns(str(path), header, NODE_REQUIRED)
                unknown = unknown_columns(header, NODE_MAPPED_COLUMNS | IGNORED_NODE_COLUMNS)
            if unknown:
                ctx.note("unknown columns (not loaded)", len(unknown))
                ctx.warn(f"{path}: unknown column(s), not loaded: {', '.join(unknown)}")
            headers.append(header)
        if others:
            ctx.warn(
                "not ICIJ Offshore Leaks file names, not loaded: " + ", ".join(str(p) for p in others[:_MAX_EXAMPLES])
            )
        ctx.expect_total(sum(_count_lines(p) - 1 for _, p in files))
        counts = _Counts()
        for (kind, path), header in zip(files, headers, strict=True):
            for record in iter_records(path, header, ctx):
                if kind is IcijFile.RELATIONSHIPS:
                    self._relationship(str(path), record, ctx, counts)
                else:
                    self._node(kind, str(path), record, ctx, counts)
        self._report(ctx, counts)

    # --- nodes ----------------------------------------------------------------------------------------------------
    def _node(self, kind: IcijFile, file: str, record: CsvRecord, ctx: LoadContext, counts: _Counts) -> None:
        raw_id = record.get("node_id")
        if not raw_id:
            ctx.reject(file, record.line, "node_id", "missing node_id", record.raw)
            return
        node_id = icij_id(raw_id)
        name = " ".join(record.get("name").split())
        address = " ".join(record.get("address").split())
        aliases: list[str] = []
        node_kind = NODE_KINDS[kind]
        if node_kind is NodeKind.ADDRESS:
            if not address and not name:
                ctx.reject(file, record.line, "address", "empty address: neither address nor name given", record.raw)
                return
            if name and address and name.casefold() != address.casefold():
                aliases.append(name)
            name = address or name
            address = address or name
        for column in ("original_name", "former_name"):
            other = " ".join(record.get(column).split())
            if other and other.casefold() != name.casefold() and other not in aliases:
                aliases.append(other)
        if not name:
            ctx.note("nodes without a name (shown by their id)")
        jurisdiction, jurisdiction_code = record.get("jurisdiction_description"), record.get("jurisdiction")
        notes: list[str] = []
        if jurisdiction or jurisdiction_code:
            both = f"{jurisdiction} ({jurisdiction_code})" if jurisdiction and jurisdiction_code else None
            notes.append(f"Jurisdiction: {both or jurisdiction or jurisdiction_code}")
        for column, label in NODE_DATE_COLUMNS.items():
            text = record.get(column)
            if text:
                iso = icij_date(text)
                if iso is None:
                    self._bad_date(counts, file, record.line, column, text)
                notes.append(f"{label}: {iso or text}")
        for column, label in NODE_NOTE_COLUMNS.items():
            text = " ".join(record.get(column).split())
            if text:
                notes.append(f"{label}: {text}")
        notes += [text for text in (record.get("valid_until"), record.get("note")) if text]
        identifiers = [f"ICIJ node id: {raw_id}"]
        lookup = [raw_id]
        registration = record.get("ibcRUC")
        if registration and registration.strip("0"):
            identifiers.append(f"ibcRUC: {registration}")
            lookup.append(registration)
        props: dict[Prop, Any] = {
            Prop.NAME: name or None,
            Prop.ALIASES: aliases,
            Prop.COUNTRIES: countries(
                record.get("country_codes"), record.get("countries"), jurisdiction, jurisdiction_code
            ),
            Prop.ADDRESS: address or None,
            Prop.NOTES: "\n".join(notes) or None,
            Prop.IDENTIFIERS: identifiers,
            Prop.LOOKUP_KEYS: lookup,
            Prop.TOPICS: list(NODE_TOPICS.get(kind, [])),
            Prop.DATASETS: _datasets(record.get("sourceID")),
            Prop.SOURCE_IDS: [f"{DATASET}:{raw_id}"],
        }
        ctx.node(NodeRecord(node_id, node_kind, {k: v for k, v in props.items() if v is not None and v != []}))

    # --- relationships --------------------------------------------------------------------------------------------
    def _relationship(self, file: str, record: CsvRecord, ctx: LoadContext, counts: _Counts) -> None:
        start, end, rel_type = record.get("node_id_start"), record.get("node_id_end"), record.get("rel_type")
        for column, value in (("node_id_start", start), ("node_id_end", end), ("rel_type", rel_type)):
            if not value:
                ctx.reject(file, record.line, column, f"missing {column}", record.raw)
                return
        if start == end:
            ctx.reject(
                file, record.line, "node_id_end", f"self-relationship: node {start} is linked to itself", record.raw
            )
            return
        source, target = icij_id(start), icij_id(end)
        missing = [i for i in (source, target) if i not in ctx.node_ids]
        if missing:
            counts.unknown_ends += 1
            if len(counts.unknown_end_examples) < _MAX_EXAMPLES:
                counts.unknown_end_examples.append(f"line {record.line}: {', '.join(missing)}")
        link = " ".join(record.get("link").split())
        dates: dict[Prop, str] = {}
        for column, prop in (("start_date", Prop.START_DATE), ("end_date", Prop.END_DATE)):
            text = record.get(column)
            if text:
                iso = icij_date(text)
                if iso is None:
                    self._bad_date(counts, file, record.line, column, text)
                else:
                    dates[prop] = iso
        status = " ".join(record.get("status").split())
        kind = rel_type.lower()
        for rel, role in classify(rel_type, link):
            props: dict[Prop, Any] = {Prop.DATASETS: _datasets(record.get("sourceID"))}
            if rel is not RelType.LOCATED_AT:
                props[Prop.ROLE] = role
            props.update(dates)
            if rel is RelType.SAME_AS:
                props[Prop.STATUS] = SAME_AS_STATUS
            elif status:
                props[Prop.STATUS] = status
            qualifiers = (kind, link.lower(), dates.get(Prop.START_DATE, ""))
            ctx.rel(RelRecord(rel_id(rel, source, target, *qualifiers), rel, source, target, props))

    # --- reporting ------------------------------------------------------------------------------------------------
    @staticmethod
    def _bad_date(counts: _Counts, file: str, line: int, column: str, text: str) -> None:
        counts.bad_dates += 1
        if len(counts.bad_date_examples) < _MAX_EXAMPLES:
            counts.bad_date_examples.append(f"{Path(file).name} line {line} {column}: {text!r}")

    @staticmethod
    def _report(ctx: LoadContext, counts: _Counts) -> None:
        if counts.unknown_ends:
            ctx.note("relationship rows with an end not in the loaded node files", counts.unknown_ends)
            ctx.warn(
                f"{counts.unknown_ends} relationship row(s) reference node ids not in the node files loaded; they are "
                "written only where the graph already holds both ends, e.g. " + "; ".join(counts.unknown_end_examples)
            )
        if counts.bad_dates:
            ctx.note(
                "dates not understood (node dates kept as written in notes, relationship dates dropped)",
                counts.bad_dates,
            )
            ctx.warn(
                f"{counts.bad_dates} date(s) not understood (expected DD-MON-YYYY), e.g. "
                + "; ".join(counts.bad_date_examples)
            )


def _datasets(source_id: str) -> list[str]:
    specific = dataset_of(source_id) if source_id else None
    return [DATASET, specific] if specific and specific != DATASET else [DATASET]


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count
