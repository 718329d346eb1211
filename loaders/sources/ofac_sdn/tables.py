"""The OFAC SDN tables (tables.toml, package data): read once at import and validated, so a bad edit fails at once
with the file and the key, not as a wrong mapping in the middle of a load."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from graph import ConfigError, NodeKind

TABLES_FILE = "tables.toml"

NULL = "-0-"
SDN_FILE = "sdn.csv"
ADD_FILE = "add.csv"
ALT_FILE = "alt.csv"
COMMENTS_FILE = "sdn_comments.csv"

#: How a remark label with its own handling is parsed (see remarks.parse_remark_item).
FIELD_HANDLINGS = frozenset({"dob", "pob", "country", "gender", "org_type", "target_type"})


@dataclass(frozen=True)
class Tables:
    """The tables, typed."""

    columns: dict[str, tuple[str, ...]]
    sdn_types: dict[str, NodeKind | None]
    alt_types: frozenset[str]
    identifier_labels: dict[str, str]
    company_identifier_labels: frozenset[str]
    note_only_labels: tuple[str, ...]
    field_labels: dict[str, str]
    legal_form_words: frozenset[str]
    non_business_activities: tuple[str, ...]

    def label_table(self) -> list[tuple[str, str, str]]:
        """(casefolded label, handling, display label), longest label first."""
        rows: list[tuple[str, str, str]] = []
        rows += [(k.casefold(), "identifier", v) for k, v in self.identifier_labels.items()]
        rows += [(k.casefold(), "note", k) for k in self.note_only_labels]
        rows += [(k.casefold(), v, k) for k, v in self.field_labels.items()]
        return sorted(rows, key=lambda r: -len(r[0]))


class _Reader:
    """Typed access to the parsed TOML; every error names the file and the key."""

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        self.name = name
        self.data = data

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.name}: [{key}] {problem}")

    def table(self, key: str) -> dict[str, Any]:
        node: Any = self.data
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            raise self.fail(key, "missing or not a table")
        return node

    def strings(self, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "must be a non-empty list of non-empty strings")
        if len(set(value)) != len(value):
            raise self.fail(key, f"lists a value twice: {sorted({v for v in value if value.count(v) > 1})}")
        return tuple(value)

    def string_map(self, key: str) -> dict[str, str]:
        table = self.table(key)
        if not table or not all(isinstance(v, str) and v for v in table.values()):
            raise self.fail(key, "must map names to non-empty strings")
        return dict(table)


def parse_tables(name: str, data: dict[str, Any]) -> Tables:
    """The tables of a parsed TOML document; ConfigError naming ``name`` and the key when one is wrong."""
    r = _Reader(name, data)
    columns = {file: r.strings(f"columns.{file}", cols) for file, cols in r.table("columns").items()}
    missing_files = {SDN_FILE, ADD_FILE, ALT_FILE, COMMENTS_FILE} - set(columns)
    if missing_files:
        raise r.fail("columns", f"has no columns for {sorted(missing_files)}")
    kinds = {k.value: k for k in NodeKind}
    sdn_types: dict[str, NodeKind | None] = {}
    for sdn_type, kind in r.string_map("sdn_types").items():
        if kind not in kinds:
            raise r.fail(f"sdn_types.{sdn_type}", f"{kind!r} is not a node kind ({', '.join(kinds)})")
        sdn_types[sdn_type.casefold()] = kinds[kind]
    sdn_types[NULL] = None  # an entity: Company or Organization, see remarks.entity_kind

    written: list[str] = []  # every label as written, to find one listed twice
    identifier_labels: dict[str, str] = {}
    for group, labels in r.table("identifier_labels").items():
        for label in r.strings(f"identifier_labels.{group}", labels):
            identifier_labels[label] = label
            written.append(label)
    shown_as = r.string_map("identifier_labels_shown_as")
    identifier_labels |= shown_as
    labels = r.table("labels")
    company = r.strings("labels.company_identifiers", labels.get("company_identifiers"))
    unknown = [label for label in company if label not in identifier_labels]
    if unknown:
        raise r.fail("labels.company_identifiers", f"names labels not in [identifier_labels]: {unknown}")
    note_only = r.strings("labels.note_only", labels.get("note_only"))
    fields = r.string_map("labels.fields")
    bad = {label: h for label, h in fields.items() if h not in FIELD_HANDLINGS}
    if bad:
        raise r.fail("labels.fields", f"unknown handling {bad} (known: {', '.join(sorted(FIELD_HANDLINGS))})")
    written += [*shown_as, *note_only, *fields]
    folded = [label.casefold() for label in written]
    twice = sorted({label for label, key in zip(written, folded, strict=True) if folded.count(key) > 1})
    if twice:
        raise r.fail("labels", f"labels listed twice (compared case-insensitively): {twice}")

    words = r.table("company_words")
    legal_forms = r.strings("company_words.legal_forms", words.get("legal_forms"))
    trade = r.strings("company_words.trade", words.get("trade"))
    if any(w != w.upper() or " " in w or "." in w for w in (*legal_forms, *trade)):
        raise r.fail("company_words", "words must be single upper-case words without dots")
    return Tables(
        columns=columns,
        sdn_types=sdn_types,
        alt_types=frozenset(r.strings("alt.types", r.table("alt").get("types"))),
        identifier_labels=identifier_labels,
        company_identifier_labels=frozenset(company),
        note_only_labels=note_only,
        field_labels=fields,
        legal_form_words=frozenset((*legal_forms, *trade)),
        non_business_activities=tuple(
            a.casefold()
            for a in r.strings("organization_types.non_business", r.table("organization_types").get("non_business"))
        ),
    )


def load_tables() -> Tables:
    """tables.toml of this package, parsed and validated."""
    resource = resources.files(__package__).joinpath(TABLES_FILE)
    name = f"{__package__}/{TABLES_FILE}"
    try:
        data = tomllib.loads(resource.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: not valid TOML ({exc})") from exc
    return parse_tables(name, data)


TABLES = load_tables()
COLUMNS = TABLES.columns
SDN_TYPES = TABLES.sdn_types
ALT_TYPES = TABLES.alt_types
IDENTIFIER_LABELS = TABLES.identifier_labels
COMPANY_IDENTIFIER_LABELS = TABLES.company_identifier_labels
NOTE_ONLY_LABELS = TABLES.note_only_labels
LEGAL_FORM_WORDS = TABLES.legal_form_words
NON_BUSINESS_ACTIVITIES = TABLES.non_business_activities
