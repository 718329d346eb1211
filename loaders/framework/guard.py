"""What a source may hand the store: the caps on input (configurable) and the check of every value emitted.

A bad value costs only its own record: ``value_problem`` says in words what is wrong with a value the stores cannot
keep faithfully (a NUL, NaN or Infinity, an integer beyond int64, a map or a list of maps, text longer than the cap,
text that is not valid Unicode), and the load context rejects that record with file, line and field. Derived
properties (analysis results, search and lookup fields, review marks: what the store or ``analyze`` maintains) are
never read from a source: ``DERIVED_PROPS`` are dropped from source records and counted in the report.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields
from typing import Any

from graph import ANALYSIS_PROPS, INTERNAL_PROPS, Prop

#: Properties no source may set: the store's own fields, what `analyze` writes back, what is derived on reading and
#: an analyst's review marks. Dropped from source records (and counted in the load report).
DERIVED_PROPS: frozenset[Prop] = frozenset(
    {
        *ANALYSIS_PROPS,
        *(INTERNAL_PROPS - {Prop.ID, Prop.KIND}),
        Prop.LISTED_VIA,
        Prop.EXPOSURE_NEAREST_NAME,
        Prop.MATCH_LABEL,
        Prop.EXPLANATION,
        Prop.JUDGEMENT,
        Prop.JUDGED_BY,
        Prop.JUDGED_AT,
    }
)

_INT64 = (-(2**63), 2**63 - 1)


ENV_PREFIX = "SANCTIONS_GRAPH_MAX_"


def _cap(default: int, what: str) -> Any:
    return field(default=default, metadata={"help": what})


@dataclass(frozen=True)
class InputLimits:
    """Caps on what a load reads, so that memory stays bounded whatever the input. Each one is set only from the
    environment: ``SANCTIONS_GRAPH_MAX_<NAME>`` (e.g. ``SANCTIONS_GRAPH_MAX_FIELD_CHARS=200000``); ``caps_help``
    lists them with their defaults (`sanctions-graph load --help`, docs/security.md)."""

    field_chars: int = _cap(100_000, "characters of one text value (a name, a note…); more reject the record")
    list_items: int = _cap(10_000, "values in one list property (aliases, identifiers…); more reject it")
    line_bytes: int = _cap(8_000_000, "bytes of one line of a JSON-lines or FtM file; a longer line is rejected")
    columns: int = _cap(2_000, "columns of a CSV file; a wider header refuses the file")
    decompressed_bytes: int = _cap(20_000_000_000, "bytes a compressed file may expand to; beyond, the load stops")
    decompressed_ratio: int = _cap(200, "times its compressed size a file may expand to (gzip bombs: 1000x)")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> InputLimits:
        """The caps from ``SANCTIONS_GRAPH_MAX_*`` (a value that is not a positive integer keeps the default)."""
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for f in fields(cls):
            raw = env.get(env_name(f.name))
            if raw is None:
                continue
            try:
                values[f.name] = int(raw)
            except ValueError:
                continue
            if values[f.name] <= 0:
                del values[f.name]
        return cls(**values)

    def describe(self) -> str:
        """The caps in one line (for the benchmark)."""
        return ", ".join(f"{f.name}={getattr(self, f.name):,}" for f in fields(self))


def env_name(cap: str) -> str:
    """The environment variable that sets the cap named ``cap`` (an InputLimits field)."""
    return ENV_PREFIX + cap.upper()


def caps_help() -> str:
    """The caps, each with its environment variable, default and what it bounds: the epilog of `load --help` (click
    keeps the lines of a paragraph that starts with \\b as they are)."""
    lines = [f"{env_name(f.name)}={f.default}\n    {f.metadata['help']}" for f in fields(InputLimits)]
    return (
        "Caps on input (environment variables, with their defaults; a record beyond a cap is rejected with its "
        "file, line, field and reason, the rest of the file is loaded):\n\n\b\n" + "\n".join(lines)
    )


DEFAULT_LIMITS = InputLimits()


def text_problem(text: str, limits: InputLimits = DEFAULT_LIMITS) -> str | None:
    if "\x00" in text:
        return "NUL character in text"
    if len(text) > limits.field_chars:
        return f"too long: {len(text):,} characters (the cap is {limits.field_chars:,})"
    if text.isascii():  # constant time: Python knows it of every string
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "not valid Unicode (a lone surrogate)"
    return None


def _scalar_problem(value: Any, limits: InputLimits) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return text_problem(value, limits)
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            return "integer beyond 64 bits"
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return "not a number (NaN)"
        if math.isinf(value):
            return "infinite number"
        return None
    if isinstance(value, dict):
        return "a map where a value is expected"
    if isinstance(value, list | tuple):
        return "a nested list where a value is expected"
    return f"unsupported value of type {type(value).__name__}"


def _fine_texts(values: list[Any] | tuple[Any, ...], limits: InputLimits) -> bool:
    """Whether ``values`` are all texts without a problem, checked at once (False: not texts, or look one by one)."""
    try:
        joined = "".join(values)
    except TypeError:
        return False
    if "\x00" in joined or (len(joined) > limits.field_chars and max(map(len, values)) > limits.field_chars):
        return False
    if joined.isascii():
        return True
    try:
        joined.encode("utf-8")  # lone surrogates do not pair up by joining: it fails iff one value fails
    except UnicodeEncodeError:
        return False
    return True


def value_problem(value: Any, limits: InputLimits = DEFAULT_LIMITS) -> str | None:
    """What makes ``value`` unfit for a property (in words), or None: scalars, or lists of scalars, only."""
    if type(value) is str:  # the common case first
        return text_problem(value, limits)
    if isinstance(value, list | tuple):
        if len(value) > limits.list_items:
            return f"too many values: {len(value):,} (the cap is {limits.list_items:,})"
        if _fine_texts(value, limits):
            return None
        for item in value:
            if isinstance(item, dict):
                return "a list of maps where values are expected"
            problem = _scalar_problem(item, limits)
            if problem:
                return problem
        return None
    return _scalar_problem(value, limits)
