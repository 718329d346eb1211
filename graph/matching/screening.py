"""Batch screening: counterparty rows -> each row's best hits with score, label, explanation and what the graph
knows about the hit (sanctioned, blocked under the 50% rule, exposure hops and the nearest listed party).

Rows are plain mappings (a CSV's dicts, a DataFrame's records). Their columns are found by header name
(``find_columns``: name, kind/type, country, birth date/dob, identifier, wallet, aliases, row id …, or explicit
``field=header`` overrides); ``screen_frame`` does the same for a pandas DataFrame and returns the results and the
rejected rows as DataFrames. A row that cannot be read (no name nor identifier, a birth date that is not a date, an
unknown kind) is reported with its reason, never guessed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd

from graph.matching.matcher import MATCH, POSSIBLE_MATCH, Hit, Matcher, label_for
from graph.matching.query import (
    Identifier,
    IdKind,
    PartyKind,
    Query,
    QueryError,
    country_code,
    parse_date,
    parse_identifier,
    parse_kind,
)
from graph.model import Entity
from graph.plain import as_dict
from graph.stores.base import GraphReader
from graph.vocabulary import Prop

#: Fields of a counterparty row and the headers (compared case-, space- and punctuation-insensitively) that hold them.
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "row_id": ("row id", "rowid", "id", "ref", "reference", "counterparty id", "customer id", "client id", "record id"),
    "name": ("name", "full name", "counterparty", "counterparty name", "party name", "entity name", "company name",
             "legal name", "vessel name", "customer name", "client name"),
    "aliases": ("aliases", "alias", "aka", "other names", "alternative names"),
    "kind": ("kind", "type", "entity type", "party type", "counterparty type", "category", "schema"),
    "country": ("country", "country code", "countries", "nationality", "citizenship", "jurisdiction", "flag",
                "country of incorporation", "country of registration", "residence"),
    "birth_date": ("birth date", "birthdate", "date of birth", "dob", "born", "birth"),
    "identifier": ("identifier", "identifiers", "id number", "identification", "passport", "passport number", "imo",
                   "imo number", "tax id", "inn", "swift", "bic", "swift bic", "registration number", "national id"),
    "wallet": ("wallet", "wallet address", "crypto address", "crypto wallet", "digital currency address",
               "blockchain address"),
}  # fmt: skip
#: Identifier columns whose header names the kind ('passport' column -> passport numbers).
_HEADER_ID_KINDS: dict[str, IdKind] = {
    "passport": IdKind.PASSPORT, "passport number": IdKind.PASSPORT, "imo": IdKind.IMO, "imo number": IdKind.IMO,
    "tax id": IdKind.TAX_ID, "inn": IdKind.TAX_ID, "swift": IdKind.SWIFT, "bic": IdKind.SWIFT,
    "swift bic": IdKind.SWIFT, "registration number": IdKind.REGISTRATION, "national id": IdKind.NATIONAL_ID,
}  # fmt: skip


def _header_key(header: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in str(header).casefold()).split())


def find_columns(headers: Sequence[str], overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Field -> header of the columns to read. ``overrides`` (field -> header, e.g. from ``--columns name=Party``)
    win; raises QueryError naming an unknown field or header, or when no name, identifier or wallet column is found."""
    by_key = {_header_key(h): h for h in headers}
    found: dict[str, str] = {}
    for fld, header in (overrides or {}).items():
        if fld not in FIELD_HEADERS:
            raise QueryError(f"unknown field {fld!r} in the column mapping: use {', '.join(FIELD_HEADERS)}")
        if header not in headers and _header_key(header) not in by_key:
            raise QueryError(f"column {header!r} (for {fld}) is not in the file: its columns are {', '.join(headers)}")
        found[fld] = header if header in headers else by_key[_header_key(header)]
    taken = set(found.values())
    for fld, names in FIELD_HEADERS.items():
        if fld in found:
            continue
        for name in names:
            match = by_key.get(name)
            if match is not None and match not in taken:
                found[fld] = match
                taken.add(match)
                break
    if not {"name", "identifier", "wallet"} & set(found):
        raise QueryError(
            f"no name, identifier or wallet column among {', '.join(map(str, headers))}: name one with --columns name=…"
        )
    return found


def _cell(row: Mapping[str, Any], header: str | None) -> str:
    if header is None:
        return ""
    value = row.get(header)
    if value is None or (isinstance(value, float) and value != value):  # NaN from pandas
        return ""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return str(value.isoformat())[:10]
    return str(value).strip()


def row_query(row: Mapping[str, Any], columns: Mapping[str, str]) -> Query:
    """The Query of one row; QueryError with the field and the reason when a cell cannot be read."""
    kind = parse_kind(_cell(row, columns.get("kind")))
    names = [_cell(row, columns.get("name"))]
    names += [a.strip() for a in _cell(row, columns.get("aliases")).split(";") if a.strip()]
    countries: list[str] = []
    for part in _cell(row, columns.get("country")).replace(";", ",").split(","):
        if part.strip():
            code = country_code(part)
            if code is None:
                raise QueryError(f"country {part.strip()!r} is not a known country or code")
            countries.append(code)
    birth = parse_date(_cell(row, columns.get("birth_date")))
    identifiers: list[Identifier] = []
    id_header = columns.get("identifier")
    default = _HEADER_ID_KINDS.get(_header_key(id_header), IdKind.OTHER) if id_header else IdKind.OTHER
    for part in _cell(row, id_header).split(";"):
        ident = parse_identifier(part, default)
        if ident is not None:
            if kind is PartyKind.WALLET and ident.kind is IdKind.OTHER:
                ident = Identifier(IdKind.WALLET, ident.value)
            identifiers.append(ident)
    for part in _cell(row, columns.get("wallet")).split(";"):
        if part.strip():
            identifiers.append(Identifier(IdKind.WALLET, part.strip()))
    if kind is PartyKind.WALLET and not any(i.kind is IdKind.WALLET for i in identifiers):
        raise QueryError("a wallet row needs its address in the identifier or wallet column")
    return Query(
        names=tuple(n for n in names if n),
        kind=kind,
        countries=tuple(dict.fromkeys(countries)),
        birth_date=birth,
        identifiers=tuple(identifiers),
    )


@dataclass(frozen=True)
class ScreenHit:
    """One hit of a screened row, with what the graph knows about the record."""

    id: str
    name: str
    kind: str
    score: float
    label: str
    explanation: str
    sanctioned: bool
    blocked_by_ownership: bool | None = None
    ownership_unknown: bool | None = None
    exposure_hops: int | None = None
    exposure_nearest: str | None = None
    exposure_nearest_name: str | None = None
    programs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)


@dataclass
class ScreenResult:
    """One screened row: its line (1 = first data row), id, hits best first, or why it could not be screened."""

    line: int
    row_id: str
    name: str
    hits: list[ScreenHit] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def label(self) -> str:
        return self.hits[0].label if self.hits else ""

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, drop=("seconds",), rename={"hits": "results"}, results=[h.to_dict() for h in self.hits])


def _facts(hit: Hit, full: Entity | None, names: Mapping[str, str]) -> ScreenHit:
    entity = full or hit.entity
    props = entity.properties

    def flag(prop: Prop) -> bool | None:
        value = props.get(prop.value)
        return None if value is None else bool(value)

    hops = props.get(Prop.EXPOSURE_HOPS.value)
    nearest = props.get(Prop.EXPOSURE_NEAREST.value)
    return ScreenHit(
        id=entity.id,
        name=entity.name,
        kind=entity.kind.value,
        score=hit.score,
        label=hit.label,
        explanation=hit.explanation,
        sanctioned=entity.sanctioned,
        blocked_by_ownership=flag(Prop.BLOCKED_BY_OWNERSHIP),
        ownership_unknown=flag(Prop.OWNERSHIP_UNKNOWN),
        exposure_hops=int(hops) if hops is not None else None,
        exposure_nearest=str(nearest) if nearest else None,
        exposure_nearest_name=names.get(str(nearest)) if nearest else None,
        programs=tuple(str(p) for p in props.get(Prop.PROGRAMS.value) or ()),
    )


def screen_rows(
    rows: Iterable[Mapping[str, Any]],
    store: GraphReader,
    columns: Mapping[str, str],
    limit: int = 3,
    threshold: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ScreenResult]:
    """Screen rows one by one (a generator: results arrive as rows are screened). ``threshold``: report only hits
    scoring at least this (default: every hit the matcher reports); ``progress`` is called with 1 after each row."""
    matcher = Matcher(store)
    for line, row in enumerate(rows, start=1):
        started = time.perf_counter()
        row_id = _cell(row, columns.get("row_id")) or str(line)
        name = _cell(row, columns.get("name"))
        result = ScreenResult(line=line, row_id=row_id, name=name)
        try:
            query = row_query(row, columns)
        except QueryError as exc:
            result.error = str(exc)
        else:
            hits = [h for h in matcher.match(query, limit) if threshold is None or h.score >= threshold]
            labelled = [h for h in hits if h.label]
            full = {e.id: e for e in store.get_entities([h.entity.id for h in labelled])} if labelled else {}
            nearest = {str(e.properties.get(Prop.EXPOSURE_NEAREST.value)) for e in full.values()}
            nearest.discard("None")
            names = {e.id: e.name for e in store.get_entities(sorted(nearest))} if nearest else {}
            result.hits = [_facts(h, full.get(h.entity.id), names) for h in hits]
        result.seconds = time.perf_counter() - started
        if progress is not None:
            progress(1)
        yield result


def results_frame(results: Iterable[ScreenResult], hits_per_row: int = 3) -> pd.DataFrame:
    """One output row per screened row: its id and name, the best label, then per hit id, name, score, label,
    explanation and the graph's facts (hit_1_…, hit_2_…). Rejected rows are left out (see rejects_frame)."""
    records: list[dict[str, Any]] = []
    for r in results:
        if r.error is not None:
            continue
        record: dict[str, Any] = {"row_id": r.row_id, "name": r.name, "label": r.label or "no match"}
        for i, hit in enumerate(r.hits[:hits_per_row], start=1):
            for key, value in hit.to_dict().items():
                record[f"hit_{i}_{key}"] = ";".join(value) if isinstance(value, list) else value
        records.append(record)
    return pd.DataFrame.from_records(records)


def rejects_frame(results: Iterable[ScreenResult]) -> pd.DataFrame:
    """The rows that could not be screened: line, row id, name and the reason."""
    return pd.DataFrame.from_records(
        [{"line": r.line, "row_id": r.row_id, "name": r.name, "reason": r.error} for r in results if r.error],
        columns=["line", "row_id", "name", "reason"],
    )


TABLE_SUFFIXES = (".csv", ".xlsx", ".xls")


def read_table(source: str | Path | IO[bytes], name: str | None = None) -> pd.DataFrame:
    """A counterparty file as text cells (CSV: UTF-8, header row; Excel: the first sheet). ``source``: a path, or a
    buffer (an upload) whose file ``name`` gives the format. QueryError naming the file when it cannot be read."""
    label = name or str(source)
    suffix = Path(label).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise QueryError(f"{label}: not a .csv or .xlsx file")
    try:
        if suffix == ".csv":
            return pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        return pd.read_excel(source, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise QueryError(f"{label}: cannot be read as a table: {exc}") from exc


def screen_frame(
    frame: pd.DataFrame,
    store: GraphReader,
    overrides: Mapping[str, str] | None = None,
    limit: int = 3,
    threshold: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Screen a DataFrame of counterparties: (results, rejects), columns found by header (see find_columns)."""
    columns = find_columns([str(c) for c in frame.columns], overrides)
    records = [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]
    results = list(screen_rows(records, store, columns, limit, threshold))
    return results_frame(results, limit), rejects_frame(results)


@dataclass
class Summary:
    """Counts of a screening run: rows screened, rows whose best hit is a match / possible match, rejected rows."""

    screened: int = 0
    matches: int = 0
    possible_matches: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def add(self, result: ScreenResult) -> None:
        if result.error is not None:
            self.rejected.append((result.line, result.error))
            return
        self.screened += 1
        if result.label == MATCH:
            self.matches += 1
        elif result.label == POSSIBLE_MATCH:
            self.possible_matches += 1


__all__ = [
    "FIELD_HEADERS",
    "ScreenHit",
    "ScreenResult",
    "Summary",
    "find_columns",
    "label_for",
    "rejects_frame",
    "results_frame",
    "row_query",
    "screen_frame",
    "screen_rows",
]
