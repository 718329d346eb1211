"""The base of every declarative mapping file (TOML) a source reads: pydantic models, and one translation of
pydantic's errors into 'key: reason' sentences.

A mapping is a ``MappingModel`` (extra keys forbidden, strict types: a TOML number is not a column name). A source's
validators raise ``problem(...)`` errors naming the key below the one being validated (``problem(("name", "a
Wallet's name is its address"))`` on a [[files]] table becomes ``files[0].name: a Wallet's name is its address``),
so every problem of a mapping is reported at once, each with its key, in a ``MappingError``:
``mapping.toml: files[1].properties.shoesize: 'shoesize' is not a property of the vocabulary``.
"""

from __future__ import annotations

import tomllib
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from graph import SourceFormatError
from loaders.common.values import AUTO, TIMESTAMP_FORMATS, DateOrder

M = TypeVar("M", bound="MappingModel")

_PROBLEM = "mapping_problem"


class MappingError(SourceFormatError):
    """A mapping file that does not fit the vocabulary or the format; ``problems`` are 'key: reason' sentences."""

    def __init__(self, path: str, problems: list[str]) -> None:
        super().__init__(path, None, None, f"\n{path}: ".join(problems))
        self.problems = problems


class MappingModel(BaseModel):
    """A table of a mapping file. ``WHAT`` names it in 'unknown key' problems; ``MISSING`` gives the sentence for a
    required key that is absent (default: 'missing (required)')."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    WHAT: ClassVar[str] = "the table"
    MISSING: ClassVar[dict[str, str]] = {}


class TimeOptions(MappingModel):
    """The keys every mapping with dates and times has: ``timestamp_format`` (``auto``, the default, reads ISO 8601
    and the forms exports write; or iso, unix, unix_ms, a strptime format) and ``date_order`` (``dmy`` or ``mdy``: how
    to read an all-numeric date such as 03/04/2021; without it, each file's own values decide)."""

    timestamp_format: str = AUTO
    date_order: DateOrder | None = None

    @field_validator("timestamp_format", mode="before")
    @classmethod
    def _timestamp_format(cls, value: Any) -> str:
        if not isinstance(value, str) or (value not in (*TIMESTAMP_FORMATS, AUTO) and "%" not in value):
            raise problem(
                (
                    None,
                    f"{value!r} is neither {', '.join(TIMESTAMP_FORMATS)} nor a strptime format (leave it out, or "
                    f"write {AUTO!r}, to read ISO 8601 and the forms exports write)",
                )
            )
        return value

    @field_validator("date_order", mode="before")
    @classmethod
    def _date_order(cls, value: Any) -> DateOrder:
        try:
            return DateOrder(value)
        except ValueError:
            raise problem((None, f"must be 'dmy' (28/12/2020) or 'mdy' (12/28/2020), not {value!r}")) from None


def problem(*items: tuple[str | None, str]) -> PydanticCustomError:
    """An error for a validator to raise: (key below the validated one or None, reason) pairs."""
    reasons = "; ".join(reason for _, reason in items)
    return PydanticCustomError(_PROBLEM, "{reasons}", {"reasons": reasons, "problems": list(items)})


def with_problems(handler: Callable[[Any], M], data: Any, items: list[tuple[str | None, str]]) -> M:
    """For a wrap validator: pydantic's validation of ``data`` plus ``items`` found on the raw table (``problem``
    pairs), all reported together."""
    try:
        result = handler(data)
    except ValidationError as exc:
        if not items:
            raise
        details = [_init_details(error) for error in exc.errors()]
    else:
        if not items:
            return result
        details = []
    details.append({"type": problem(*items), "loc": (), "input": data})
    raise ValidationError.from_exception_data("mapping", details)


def _init_details(error: ErrorDetails) -> InitErrorDetails:
    if error["type"] == _PROBLEM:
        return {"type": problem(*(error.get("ctx") or {})["problems"]), "loc": error["loc"], "input": error["input"]}
    details: InitErrorDetails = {"type": error["type"], "loc": error["loc"], "input": error["input"]}
    if "ctx" in error:
        details["ctx"] = error["ctx"]
    return details


def read_toml(path: Path, missing: str | None = None) -> dict[str, Any]:
    """A TOML document; SourceFormatError naming the file when it is absent (``missing``), unreadable, not UTF-8 or
    not TOML."""
    file = str(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SourceFormatError(file, None, None, missing or f"cannot be read ({exc.strerror})") from exc
    except OSError as exc:
        raise SourceFormatError(file, None, None, f"cannot be read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise SourceFormatError(file, None, None, f"is not UTF-8 ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceFormatError(file, None, None, f"is not valid TOML ({exc})") from exc


def validate_mapping(model: type[M], data: dict[str, Any], path: Path, context: dict[str, Any] | None = None) -> M:
    """``data`` validated as ``model``; MappingError listing every problem with its key. ``context`` reaches the
    validators (``path`` and ``document``, the raw data, are always in it)."""
    try:
        return model.model_validate(data, context={"path": path, "document": data, **(context or {})})
    except ValidationError as exc:
        problems = [text for error in exc.errors() for text in _sentences(model, error)]
        raise MappingError(str(path), problems) from None


def key_of(loc: tuple[int | str, ...]) -> str:
    """``("files", 1, "properties", "x")`` -> ``files[1].properties.x``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _sentences(model: type[MappingModel], error: ErrorDetails) -> list[str]:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == _PROBLEM:
        items: list[tuple[str | None, str]] = (error.get("ctx") or {})["problems"]
        return [f"{key_of(loc + ((sub,) if sub else ()))}: {reason}" for sub, reason in items]
    key = key_of(loc) or "(top)"
    owner = _owner(model, loc[:-1])
    if kind == "missing":
        name = str(loc[-1])
        return [f"{key}: {owner.MISSING.get(name, 'missing (required)') if owner else 'missing (required)'}"]
    if kind == "extra_forbidden":
        keys = ", ".join(sorted(f.alias or n for n, f in owner.model_fields.items())) if owner else ""
        return [f"{key}: unknown key ({owner.WHAT if owner else 'the table'} has: {keys})"]
    if kind == "value_error":
        return [f"{key}: {error['msg'].removeprefix('Value error, ')}"]
    expected = {
        "string_type": "must be a string",
        "bool_type": "must be true or false",
        "list_type": "must be a list",
        "tuple_type": "must be a list",
        "dict_type": "must be a table",
        "model_type": "must be a table",
    }.get(kind, error["msg"])
    return [f"{key}: {expected}, not {error['input']!r}"]


def _owner(model: type[MappingModel], loc: tuple[int | str, ...]) -> type[MappingModel] | None:
    """The model class of the table at ``loc`` (None when it is not a model, e.g. a dict's value)."""
    current: type[MappingModel] | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
        current = _model_in(field.annotation) if field else None
    return current


def _model_in(annotation: Any) -> type[MappingModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, MappingModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType, tuple, list):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
