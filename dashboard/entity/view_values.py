"""The entity page's view, one value at a time: the choices (layouts, colourings, page sizes) with their defaults,
and the parsers that read one URL parameter or control value, correcting what they cannot use with a sentence.
Pure functions, no Dash, no store; ``dashboard.entity.view_state`` puts them together."""

from __future__ import annotations

import math
import re
from enum import StrEnum
from typing import Any, TypeVar

from graph import MAX_HOPS, NodeKind, RelType

DEFAULT_HOPS = 2


class Layout(StrEnum):
    """How the graph is arranged."""

    CONCENTRIC = "concentric"  # rings by hop distance from the page's entity
    FORCE = "force"  # force-directed (fcose in the browser; computed on the server for big views)
    HIERARCHY = "hierarchy"  # top-down along relationship direction: owners above what they own (dagre)


#: The layout radio's value for "choose by size and shape" (not a Layout: the view keeps its default layout).
AUTO_LAYOUT = "auto"
#: Up to this many drawn nodes, "auto" draws force-directed; above, rings (server positions, fast at any size).
AUTO_FORCE_MAX = 120
#: From this many leaves of one kind, hanging on one entity by one kind of relationship, they are drawn as a group.
DEFAULT_GROUP_MIN = 30
#: How many neighbours an entity brings at a time (first load, Expand, a click on "N more"): the analyst's choice.
PAGE_SIZES = (25, 100, 250, 1000)
DEFAULT_PAGE = PAGE_SIZES[0]

LAYOUT_CAPTIONS: dict[Layout, str] = {
    Layout.CONCENTRIC: "Rings by distance",
    Layout.FORCE: "Force-directed",
    Layout.HIERARCHY: "Hierarchy (ownership, control)",
}

DEFAULT_LAYOUT = Layout.CONCENTRIC


class ColourBy(StrEnum):
    """What the colour of a node tells."""

    KIND = "kind"  # its kind of entity (the shape tells it too)
    EXPOSURE = "exposure"  # hops to the nearest sanctioned entity, from `sanctions-graph analyze`


COLOUR_CAPTIONS: dict[ColourBy, str] = {ColourBy.KIND: "Kind", ColourBy.EXPOSURE: "Exposure"}

DEFAULT_COLOUR = ColourBy.KIND

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


# --- reading single values -------------------------------------------------------------------------------------


def first_value(raw: Any) -> Any:
    """The first of several values (a repeated URL parameter), or the value itself."""
    if isinstance(raw, list | tuple):
        return raw[0] if raw else None
    return raw


def split_items(raw: Any) -> list[str]:
    """'a,b' or ['a', 'b,c'] → ['a', 'b', 'c'] (blanks dropped)."""
    values = raw if isinstance(raw, list | tuple) else [raw]
    out: list[str] = []
    for value in values:
        if value is None:
            continue
        out += [part.strip() for part in str(value).split(",") if part.strip()]
    return out


def parse_hops(raw: Any) -> tuple[int, str | None]:
    """The hops asked for, and a sentence when they had to be corrected."""
    raw = first_value(raw)
    if raw is None or raw == "":
        return DEFAULT_HOPS, None
    try:
        hops = int(str(raw).strip())
    except ValueError:
        return DEFAULT_HOPS, f"Hops must be a number from 1 to {MAX_HOPS}; showing {DEFAULT_HOPS}."
    if 1 <= hops <= MAX_HOPS:
        return hops, None
    fixed = min(max(hops, 1), MAX_HOPS)
    return fixed, f"Hops must be from 1 to {MAX_HOPS}; showing {fixed}."


_E = TypeVar("_E", bound=StrEnum)


def _choice(raw: Any, choices: type[_E], default: _E, unknown: str) -> tuple[_E, str | None]:
    """One of ``choices`` (any case), the default when absent; else the default and the sentence ``unknown``
    (formatted with the value given and the known ones)."""
    raw = first_value(raw)
    if raw is None or str(raw).strip() == "":
        return default, None
    try:
        return choices(str(raw).strip().lower()), None
    except ValueError:
        return default, unknown.format(raw=raw, known=", ".join(c.value for c in choices))


def parse_layout(raw: Any) -> tuple[Layout, str | None]:
    showing = LAYOUT_CAPTIONS[DEFAULT_LAYOUT]
    return _choice(raw, Layout, DEFAULT_LAYOUT, "Unknown layout '{raw}' (use {known}); showing " + showing + ".")


def parse_kinds(raw: Any) -> tuple[frozenset[NodeKind] | None, str | None]:
    """Entity kinds, any case; ``None`` (all) when absent. Unknown ones are dropped with a sentence."""
    if raw is None:
        return None, None
    by_name = {k.value.casefold(): k for k in NodeKind}
    kinds: set[NodeKind] = set()
    unknown: list[str] = []
    for name in split_items(raw):
        kind = by_name.get(name.casefold())
        if kind is None:
            unknown.append(name)
        else:
            kinds.add(kind)
    note = f"Unknown kind of entity ignored: {', '.join(unknown)}." if unknown else None
    if unknown and not kinds:
        return None, note
    return frozenset(kinds), note


def parse_rels(raw: Any) -> tuple[frozenset[RelType] | None, str | None]:
    """Relationship kinds, any case, '-' or ' ' for '_'; ``None`` (all) when absent."""
    if raw is None:
        return None, None
    rels: set[RelType] = set()
    unknown: list[str] = []
    for name in split_items(raw):
        try:
            rels.add(RelType(name.upper().replace("-", "_").replace(" ", "_")))
        except ValueError:
            unknown.append(name)
    note = f"Unknown kind of relationship ignored: {', '.join(unknown)}." if unknown else None
    if unknown and not rels:
        return None, note
    return frozenset(rels), note


def parse_date(raw: Any) -> tuple[str | None, str | None]:
    """'2023', '2023-04' or '2023-04-05' (also the date part of a timestamp) as given; else a sentence."""
    raw = first_value(raw)
    if raw is None or str(raw).strip() == "":
        return None, None
    text = str(raw).strip()[:10]
    match = _DATE.match(text)
    if match:
        month, day = match.group(2), match.group(3)
        month_ok = month is None or 1 <= int(month) <= 12
        if month_ok and (day is None or month is None or 1 <= int(day) <= _DAYS_IN_MONTH[int(month) - 1]):
            return text, None
    return None, f"'{raw}' is not a date (use YYYY-MM-DD); that end of the date range is open."


def parse_amount(raw: Any) -> tuple[float | None, str | None]:
    raw = first_value(raw)
    if raw is None or str(raw).strip() == "":
        return None, None
    try:
        value = float(str(raw).strip().replace(",", "").replace("_", ""))
    except ValueError:
        return None, f"The minimum amount '{raw}' is not a number; no minimum is applied."
    if math.isnan(value) or math.isinf(value) or value < 0:
        return None, "The minimum amount must be zero or more; no minimum is applied."
    return (value if value > 0 else None), None


def parse_datasets(raw: Any) -> frozenset[str]:
    return frozenset(split_items(raw))


def _whole(raw: Any, least: int) -> int | None:
    """A whole number of at least ``least`` from a URL or a control, else None (absent: ``least - 1``)."""
    raw = first_value(raw)
    if raw is None or str(raw).strip() == "":
        return least - 1
    try:
        value = int(str(raw).strip())
    except ValueError:
        return None
    return value if value >= least else None


def parse_group_min(raw: Any) -> tuple[int, str | None]:
    """The group size: a whole number, 0 for never; else the default with a sentence."""
    value = _whole(raw, 0)
    if value is None:
        return (
            DEFAULT_GROUP_MIN,
            f"Group size '{first_value(raw)}' is not a whole number; grouping from {DEFAULT_GROUP_MIN}.",
        )
    return (DEFAULT_GROUP_MIN if value < 0 else value), None


def parse_page(raw: Any) -> tuple[int, str | None]:
    """How many neighbours "N more" and Expand bring: one of PAGE_SIZES (the next one up for anything between)."""
    value = _whole(raw, 1)
    if value is None:
        return DEFAULT_PAGE, f"'{first_value(raw)}' is not a number of connections; showing {DEFAULT_PAGE} at a time."
    if value < 1:
        return DEFAULT_PAGE, None
    return next((p for p in PAGE_SIZES if p >= value), PAGE_SIZES[-1]), None


def parse_colour(raw: Any) -> tuple[ColourBy, str | None]:
    return _choice(raw, ColourBy, DEFAULT_COLOUR, "Unknown colouring '{raw}' (use {known}); colouring by kind.")


def parse_flag(raw: Any) -> bool:
    """'1', 'true', 'yes', 'on' (any case), True or a checked checklist (['on']) → True; anything else False."""
    if isinstance(raw, list | tuple):
        return any(parse_flag(v) for v in raw)
    if isinstance(raw, bool):
        return raw
    return str(raw).strip().lower() in ("1", "true", "yes", "on") if raw is not None else False


# --- dates as ranges ---------------------------------------------------------------------------------------------


def date_start(value: str) -> str:
    """The first day a partial date covers: '2023' → '2023-01-01', '2023-04' → '2023-04-01'."""
    value = value[:10]
    if len(value) == 4:
        return value + "-01-01"
    if len(value) == 7:
        return value + "-01"
    return value


def date_end(value: str) -> str:
    """The last day a partial date covers: '2023' → '2023-12-31', '2023-02' → '2023-02-29' (good for comparing)."""
    value = value[:10]
    if len(value) == 4:
        return value + "-12-31"
    if len(value) == 7:
        return f"{value}-{_DAYS_IN_MONTH[int(value[5:7]) - 1]:02d}"
    return value
