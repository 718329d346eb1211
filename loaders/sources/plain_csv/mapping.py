"""The plain CSV mapping (TOML, docs/loaders-csv.md) as pydantic models validated against the vocabulary.

``load_mapping`` reads the file and validates the whole of it before any row is read; every problem is reported
with its key (``files[1].properties.shoesize: 'shoesize' is not a property of the vocabulary``), ``files[0]`` being
the first ``[[files]]`` table.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import (
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from graph import (
    ANALYSIS_PROPS,
    FLAG_PROPS,
    INTERNAL_PROPS,
    LIST_PROPS,
    RELATIONSHIPS,
    NodeKind,
    Prop,
    RelType,
)
from loaders.common.mapping import MappingModel, TimeOptions, problem, read_toml, validate_mapping, with_problems
from loaders.common.values import parse_date, parse_timestamp

if TYPE_CHECKING:
    from loaders.common.csvfiles import CsvRecord

#: Properties typed as numbers, dates and timestamps (others are text; LIST_PROPS are lists, FLAG_PROPS yes/no).
NUMBER_PROPS = frozenset({Prop.PERCENTAGE, Prop.AMOUNT, Prop.VALUE_USD, Prop.TONNAGE, Prop.SCORE})
DATE_PROPS = frozenset({Prop.BIRTH_DATE, Prop.START_DATE, Prop.END_DATE, Prop.DATE, Prop.FIRST_SEEN, Prop.LAST_SEEN})
TIMESTAMP_PROPS = frozenset({Prop.TIMESTAMP})
#: Properties a mapping may not set, with the reason.
NOT_MAPPABLE: dict[Prop, str] = {
    **{p: "it is maintained by the store" for p in INTERNAL_PROPS},
    **{p: "it is an analysis result written by `sanctions-graph analyze`" for p in ANALYSIS_PROPS},
    Prop.STUB: "it is maintained by the store",
    Prop.DESIGNATIONS: "designations are built by the sanctions-list loaders; map `sanctioned` and `programs` instead",
    Prop.DATASETS: "it is set from the mapping's `dataset`",
    Prop.SOURCE_IDS: "it is set by the loader",
}
#: Properties that belong to relationships only.
REL_PROPS = frozenset(p for spec in RELATIONSHIPS.values() for p in spec.properties)


@dataclass(frozen=True)
class Template:
    """A column reference (``company_id``) or a template with columns in braces (``acme-co-{company_id}``)."""

    parts: tuple[tuple[str, str | None], ...]  # (literal text, column or None)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for _, c in self.parts if c is not None)

    def render(self, record: CsvRecord) -> tuple[str | None, str | None]:
        """(value, None), or (None, the first referenced column that is empty)."""
        out: list[str] = []
        for literal, column in self.parts:
            out.append(literal)
            if column is not None:
                value = record.get(column)
                if not value:
                    return None, column
                out.append(value)
        return "".join(out), None


def parse_template(text: str) -> Template:
    """ValueError for an empty text, a bad brace, or a format spec in a placeholder."""
    if not text.strip():
        raise ValueError("must name a column")
    if "{" not in text and "}" not in text:
        return Template((("", text.strip()),))
    parts: list[tuple[str, str | None]] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(f"is not a valid template ({exc}); write columns in braces, e.g. 'acme-{{id}}'") from None
    for literal, column, spec, conversion in parsed:
        if column is not None and (spec or conversion):
            raise ValueError(f"placeholder {{{column}}} may not have a format spec or conversion")
        if column is not None and not column.strip():
            raise ValueError("has an empty placeholder {}")
        parts.append((literal, column.strip() if column is not None else None))
    template = Template(tuple(parts))
    if not template.columns:
        raise ValueError("names no column (write columns in braces, e.g. 'acme-{id}')")
    return template


@dataclass(frozen=True)
class PropMap:
    """Where one property's values come from: columns, and for identifiers a label per column."""

    prop: Prop
    columns: tuple[str, ...]
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class End:
    """A relationship end: an id (column or template) or a wallet address column."""

    key: str
    template: Template | None = None
    wallet: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return self.template.columns if self.template else (self.wallet,) if self.wallet else ()


_Name = TypeVar("_Name", bound=StrEnum)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise problem((None, f"must be a non-empty string, not {value!r}"))
    return value


def _column_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(c, str) and c.strip() for c in value):
        raise problem((None, "must be a list of column names"))
    return [c.strip() for c in value]


def _of_vocabulary(names: type[_Name], value: Any, what: str, plural: str) -> _Name:
    """The vocabulary's member of that name (a node kind, a relationship type); else the problem, naming them all."""
    try:
        return names(str(value))
    except ValueError:
        known = ", ".join(n.value for n in names)
        raise problem((None, f"'{value}' is not a {what} of the vocabulary ({plural}: {known})")) from None


def _vocabulary_prop(name: str, rel: RelType | None) -> Prop:
    """The property ``name`` may map to on a node (``rel`` None) or a ``rel`` relationship; ValueError says why not."""
    try:
        prop = Prop(name)
    except ValueError:
        raise ValueError(f"'{name}' is not a property of the vocabulary") from None
    if prop in NOT_MAPPABLE:
        raise ValueError(f"'{name}' cannot be mapped: {NOT_MAPPABLE[prop]}")
    if rel is not None:
        allowed = RELATIONSHIPS[rel].properties
        if prop not in allowed:
            takes = ", ".join(p.value for p in allowed) or "no properties"
            raise ValueError(f"'{name}' is not a property of {rel.value} relationships ({rel.value} takes {takes})")
    elif prop in REL_PROPS:
        types = ", ".join(s.type.value for s in RELATIONSHIPS.values() if prop in s.properties)
        raise ValueError(f"'{name}' is a relationship property ({types}), not a node property")
    return prop


def _prop_map(prop: Prop, spec: Any) -> PropMap:
    if isinstance(spec, str) and spec.strip():
        return PropMap(prop, (spec.strip(),))
    if isinstance(spec, list) and spec and all(isinstance(c, str) and c.strip() for c in spec):
        if prop not in LIST_PROPS:
            raise ValueError(f"'{prop.value}' holds one value: map it to one column, not {len(spec)}")
        return PropMap(prop, tuple(c.strip() for c in spec))
    if isinstance(spec, dict) and spec and prop is Prop.IDENTIFIERS:
        if not all(isinstance(c, str) and c.strip() for c in spec.values()):
            raise ValueError("must map identifier labels to column names")
        return PropMap(prop, tuple(str(c).strip() for c in spec.values()), tuple(str(k) for k in spec))
    hint = " (or for identifiers a table label = column)" if prop is Prop.IDENTIFIERS else ""
    raise ValueError(f"must be a column name or a list of column names{hint}, not {spec!r}")


def _constant(prop: Prop, value: Any) -> Any:
    if prop in FLAG_PROPS:
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {value!r}")
        return value
    if prop in LIST_PROPS:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise ValueError(f"must be a string or a list of strings, not {value!r}")
        return [v.strip() for v in values]
    if prop in NUMBER_PROPS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"must be a number, not {value!r}")
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty string, not {value!r}")
    if prop in DATE_PROPS:
        return parse_date(value)
    if prop in TIMESTAMP_PROPS:
        return parse_timestamp(value)
    return value.strip()


def _owner(info: ValidationInfo) -> tuple[bool, RelType | None]:
    """Whether the table's kind is known (a valid node or relationship) and its relationship type."""
    node, rel = info.data.get("node"), info.data.get("relationship")
    return node is not None or rel is not None, rel if node is None else None


_NODE_ONLY_KEYS = ("name", "wallet_address")
_REL_ONLY_KEYS = ("source", "source_wallet", "target", "target_wallet")


def _shape_problems(t: dict[str, Any]) -> list[tuple[str | None, str]]:
    """The keys of a [[files]] table that do not go together (or are missing given the others)."""
    p: list[tuple[str | None, str]] = []
    if ("node" in t) == ("relationship" in t):
        p.append((None, "give exactly one of 'node' (a node kind) or 'relationship' (a relationship type)"))
    elif "node" in t:
        p += [(k, "only a relationship file has link ends") for k in _REL_ONLY_KEYS if k in t]
        if t["node"] == NodeKind.WALLET.value:
            if "wallet_address" not in t:
                p.append(("wallet_address", "missing (required)"))
            if "id" in t:
                p.append(("id", "a Wallet's id is made from its address (wallet_address); remove 'id'"))
            if "name" in t:
                p.append(("name", "a Wallet's name is its address; map a label to 'aliases' instead"))
        else:
            if "wallet_address" in t:
                p.append(("wallet_address", "only a Wallet file has a wallet_address"))
            if "id" not in t:
                p.append(("id", "missing (required): the id column, or a template such as 'acme-co-{company_id}'"))
            if "name" not in t:
                p.append(("name", "missing (required)"))
    else:
        p += [(k, "only a node file has a name or a wallet_address") for k in _NODE_ONLY_KEYS if k in t]
        for end in ("source", "target"):
            if (end in t) == (f"{end}_wallet" in t):
                p.append(
                    (end, f"give exactly one of '{end}' (an id column or template) or '{end}_wallet' (an address)")
                )
    return p


class FileMap(TimeOptions):
    """One ``[[files]]`` table, validated (``key`` is its place in the mapping, e.g. ``files[1]``)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    WHAT = "a [[files]] table"

    path: Path
    node: NodeKind | None = None
    relationship: RelType | None = None
    id: Template | None = None
    name: Template | None = None
    wallet_address: str | None = None
    source_id: Template | None = Field(None, alias="source")
    target_id: Template | None = Field(None, alias="target")
    source_wallet: str | None = None
    target_wallet: str | None = None
    properties: tuple[PropMap, ...] = ()
    constants: dict[Prop, Any] = {}
    ignore: frozenset[str] = frozenset()
    skip_empty: tuple[str, ...] = ()
    separator: str = ";"
    date_format: str | None = None
    _key: str = PrivateAttr("")

    @property
    def key(self) -> str:
        return self._key

    @property
    def source(self) -> End | None:
        return self._end("source", self.source_id, self.source_wallet)

    @property
    def target(self) -> End | None:
        return self._end("target", self.target_id, self.target_wallet)

    @staticmethod
    def _end(end: str, template: Template | None, wallet: str | None) -> End | None:
        if wallet is not None:
            return End(f"{end}_wallet", wallet=wallet)
        return End(end, template=template) if template is not None else None

    @field_validator("path", mode="before")
    @classmethod
    def _path(cls, value: Any, info: ValidationInfo) -> Path:
        base = Path((info.context or {}).get("path", "mapping.toml")).parent
        return base / _text(value)

    @field_validator("node", mode="before")
    @classmethod
    def _node(cls, value: Any) -> NodeKind:
        return _of_vocabulary(NodeKind, value, "node kind", "kinds")

    @field_validator("relationship", mode="before")
    @classmethod
    def _relationship(cls, value: Any) -> RelType:
        return _of_vocabulary(RelType, value, "relationship type", "types")

    @field_validator("id", "name", "source_id", "target_id", mode="before")
    @classmethod
    def _template(cls, value: Any) -> Template:
        try:
            return parse_template(_text(value))
        except ValueError as exc:
            raise problem((None, f"{value!r} {exc}")) from None

    @field_validator("wallet_address", "source_wallet", "target_wallet", "separator", "date_format", mode="before")
    @classmethod
    def _string(cls, value: Any) -> str:
        return _text(value)

    @field_validator("properties", mode="before")
    @classmethod
    def _properties(cls, value: Any, info: ValidationInfo) -> tuple[PropMap, ...]:
        if not isinstance(value, dict):
            raise problem((None, "must be a table of property = column"))
        known, rel = _owner(info)
        out: list[PropMap] = []
        problems: list[tuple[str | None, str]] = []
        for name, spec in value.items():
            if not known:
                continue
            try:
                out.append(_prop_map(_vocabulary_prop(name, rel), spec))
            except ValueError as exc:
                problems.append((name, str(exc)))
        if problems:
            raise problem(*problems)
        return tuple(out)

    @field_validator("constants", mode="before")
    @classmethod
    def _constants(cls, value: Any, info: ValidationInfo) -> dict[Prop, Any]:
        if not isinstance(value, dict):
            raise problem((None, "must be a table of property = value"))
        known, rel = _owner(info)
        mapped = {pm.prop for pm in info.data.get("properties", ())}
        out: dict[Prop, Any] = {}
        problems: list[tuple[str | None, str]] = []
        for name, constant in value.items():
            if not known:
                continue
            try:
                prop = _vocabulary_prop(name, rel)
                if prop in mapped:
                    raise ValueError(f"'{name}' is also mapped to a column in properties; give one or the other")
                out[prop] = _constant(prop, constant)
            except ValueError as exc:
                problems.append((name, str(exc)))
        if problems:
            raise problem(*problems)
        return out

    @field_validator("ignore", mode="before")
    @classmethod
    def _ignore(cls, value: Any) -> frozenset[str]:
        return frozenset(_column_list(value))

    @field_validator("skip_empty", mode="before")
    @classmethod
    def _skip_empty(cls, value: Any) -> tuple[str, ...]:
        return tuple(_column_list(value))

    @field_validator("date_format")
    @classmethod
    def _date_format(cls, value: str) -> str:
        if "%" not in value:
            raise problem((None, f"{value!r} has no strptime codes (e.g. '%d/%m/%Y')"))
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _shape(cls, data: Any, handler: ModelWrapValidatorHandler[FileMap]) -> FileMap:
        """Which keys go together, checked on the table as written, so these problems are reported along with any
        problem of a value."""
        return with_problems(handler, data, _shape_problems(data) if isinstance(data, dict) else [])

    @model_validator(mode="after")
    def _name_not_a_property(self) -> FileMap:
        mapped = {pm.prop for pm in self.properties}
        if self.node is NodeKind.WALLET and Prop.NAME in mapped:
            raise problem(("properties.name", "a Wallet's name is its address; map a label to 'aliases' instead"))
        if self.node is not None and Prop.NAME in mapped | self.constants.keys():
            raise problem(("properties.name", "the name comes from the file's 'name' key, not from properties"))
        return self

    def used_columns(self) -> dict[str, str]:
        """Every column the mapping reads -> the mapping key that names it."""
        used: dict[str, str] = {}
        for key, template in (("id", self.id), ("name", self.name)):
            for column in template.columns if template else ():
                used.setdefault(column, f"{self.key}.{key}")
        if self.wallet_address:
            used.setdefault(self.wallet_address, f"{self.key}.wallet_address")
        for end in (self.source, self.target):
            for column in end.columns if end else ():
                used.setdefault(column, f"{self.key}.{end.key}" if end else "")
        for pm in self.properties:
            for column in pm.columns:
                used.setdefault(column, f"{self.key}.properties.{pm.prop.value}")
        for column in self.skip_empty:
            used.setdefault(column, f"{self.key}.skip_empty")
        return used


class CsvMapping(MappingModel):
    """A whole mapping file: the dataset and its [[files]] tables."""

    WHAT = "a mapping"
    MISSING = {
        "dataset": "missing (required): the dataset name recorded on every node and relationship",
        "files": "missing: at least one [[files]] table is needed",
    }

    dataset: str
    files: list[FileMap]
    _path: Path = PrivateAttr(Path())

    @property
    def path(self) -> Path:
        return self._path

    @field_validator("dataset", mode="before")
    @classmethod
    def _dataset(cls, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise problem((None, "missing (required): the dataset name recorded on every node and relationship"))
        return value.strip()

    @field_validator("files", mode="before")
    @classmethod
    def _files(cls, value: Any) -> Any:
        if not isinstance(value, list) or not value:
            raise problem((None, "missing: at least one [[files]] table is needed"))
        return value

    @model_validator(mode="after")
    def _keys(self, info: ValidationInfo) -> CsvMapping:
        self._path = Path((info.context or {}).get("path", "mapping.toml"))
        p: list[tuple[str | None, str]] = []
        for index, fm in enumerate(self.files):
            fm._key = key = f"files[{index}]"
            used = fm.used_columns()
            p += [(f"{key}.skip_empty", f"column '{c}' is also in ignore") for c in fm.skip_empty if c in fm.ignore]
            p += [
                (f"{key}.ignore", f"column '{c}' is both ignored and used by {used[c]}") for c in fm.ignore if c in used
            ]
        if p:
            raise problem(*p)
        return self


def load_mapping(path: Path) -> CsvMapping:
    """Read and validate a CSV mapping (TOML). Raises MappingError listing every problem, each with its key."""
    return validate_mapping(CsvMapping, read_toml(path), path)
