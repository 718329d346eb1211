"""The entity page's state: the view in the URL, and the working graph in a ``dcc.Store`` per browser tab.

The view, as it travels in the URL: ``/entity/<id>?hops=2&layout=force&kinds=Person,Company…``.

``parse_view_state`` reads a query string (or Dash's parsed query parameters) into a ``ViewState``, correcting what
it cannot use and saying so in ``notes``; ``view_state_to_query`` writes it back, leaving defaults out, so that
copying the address bar reproduces the view. Pure functions, no Dash, no store.

Parameters:
    hops      1-3 (default 2), always written
    layout    concentric (rings by hop distance, default) | force | hierarchy
    kinds     entity kinds shown, comma separated (absent: all; present but empty: only the page's entity)
    rels      relationship kinds shown, comma separated (absent: all)
    from, to  a date range, YYYY, YYYY-MM or YYYY-MM-DD (dated relationships outside it are not drawn)
    min       a minimum amount (payments and transfers below it are not drawn)
    hide      datasets whose links are hidden when no other dataset asserts them, comma separated
    colour    kind (default) | exposure: what the nodes' colour tells (exposure: hops to a sanctioned entity)
    shared    1: draw shared infrastructure (address, phone, e-mail, wallet…) as dashed links (default 0)
    size      degree: nodes sized by their number of connections (default: one size per kind)
    group     leaves of one kind on one entity drawn as one group node from this many (default 30; 0: never)
    open      groups opened by the analyst, comma separated; exp: entities expanded, comma separated (replayed
              on a reload, so a copied URL or Back/Forward brings the expansions back)

Without ``layout`` the page chooses by size and shape (``ViewState.auto``; ``choose_layout``): small views
force-directed, bigger ones in rings computed on the server.

The working graph (``GraphState``): what has been loaded, expanded, hidden, pinned or removed, as JSON in the
page's ``graph-state`` store, never on the server (``dashboard.entity.actions`` are the analyst's actions on it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs, urlencode

from dashboard.entity.exposure import NOT_ANALYSED, Risk
from graph import MAX_HOPS, Entity, NodeKind, Prop, Relationship, RelType

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


@dataclass(frozen=True)
class ViewState:
    """Hops, filters and layout of an entity page. ``None`` for ``kinds``/``rels`` means every kind."""

    hops: int = DEFAULT_HOPS
    layout: Layout = DEFAULT_LAYOUT
    kinds: frozenset[NodeKind] | None = None
    rels: frozenset[RelType] | None = None
    date_from: str | None = None
    date_to: str | None = None
    min_amount: float | None = None
    hide_datasets: frozenset[str] = frozenset()
    colour: ColourBy = DEFAULT_COLOUR
    shared: bool = False
    size_by_degree: bool = False
    group_min: int = DEFAULT_GROUP_MIN
    page: int = DEFAULT_PAGE
    opened: frozenset[str] = frozenset()
    expansions: tuple[str, ...] = ()
    #: Sentences about parameters that had to be corrected (not part of the state itself).
    notes: tuple[str, ...] = field(default=(), compare=False)
    #: No layout chosen: the page picks one by the size and shape of the view (``choose_layout``).
    auto: bool = field(default=False, compare=False)

    @property
    def filtered(self) -> bool:
        """True when any filter narrows the view."""
        return bool(
            self.kinds is not None
            or self.rels is not None
            or self.date_from
            or self.date_to
            or self.min_amount
            or self.hide_datasets
        )

    def without_filters(self) -> ViewState:
        return ViewState(
            hops=self.hops,
            layout=self.layout,
            colour=self.colour,
            shared=self.shared,
            size_by_degree=self.size_by_degree,
            group_min=self.group_min,
            page=self.page,
            opened=self.opened,
            expansions=self.expansions,
            auto=self.auto,
        )

    def to_json(self) -> dict[str, Any]:
        """The form kept in a ``dcc.Store`` (lists sorted, so equal states give equal JSON)."""
        return {
            "hops": self.hops,
            "layout": self.layout.value,
            "kinds": None if self.kinds is None else sorted(k.value for k in self.kinds),
            "rels": None if self.rels is None else sorted(r.value for r in self.rels),
            "date_from": self.date_from,
            "date_to": self.date_to,
            "min_amount": self.min_amount,
            "hide_datasets": sorted(self.hide_datasets),
            "colour": self.colour.value,
            "shared": self.shared,
            "size": self.size_by_degree,
            "group": self.group_min,
            "page": self.page,
            "opened": sorted(self.opened),
            "exp": list(self.expansions),
            "auto": self.auto,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ViewState:
        """Back from ``to_json`` (anything unusable falls back to the default, as in a URL)."""
        if not data:
            return cls()
        return from_controls(
            hops=data.get("hops"),
            layout=data.get("layout"),
            kinds=data.get("kinds"),
            rels=data.get("rels"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            min_amount=data.get("min_amount"),
            hide_datasets=data.get("hide_datasets"),
            colour=data.get("colour"),
            shared=data.get("shared"),
            size=data.get("size"),
            group=data.get("group"),
            page=data.get("page"),
            opened=data.get("opened"),
            expansions=data.get("exp"),
            auto=data.get("auto"),
        )


# --- reading single values -------------------------------------------------------------------------------------


def _first(raw: Any) -> Any:
    if isinstance(raw, list | tuple):
        return raw[0] if raw else None
    return raw


def _items(raw: Any) -> list[str]:
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
    raw = _first(raw)
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


def parse_layout(raw: Any) -> tuple[Layout, str | None]:
    raw = _first(raw)
    if raw is None or str(raw).strip() == "":
        return DEFAULT_LAYOUT, None
    try:
        return Layout(str(raw).strip().lower()), None
    except ValueError:
        known = ", ".join(layout.value for layout in Layout)
        return DEFAULT_LAYOUT, f"Unknown layout '{raw}' (use {known}); showing {LAYOUT_CAPTIONS[DEFAULT_LAYOUT]}."


def parse_kinds(raw: Any) -> tuple[frozenset[NodeKind] | None, str | None]:
    """Entity kinds, any case; ``None`` (all) when absent. Unknown ones are dropped with a sentence."""
    if raw is None:
        return None, None
    by_name = {k.value.casefold(): k for k in NodeKind}
    kinds: set[NodeKind] = set()
    unknown: list[str] = []
    for name in _items(raw):
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
    for name in _items(raw):
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
    raw = _first(raw)
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
    raw = _first(raw)
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
    return frozenset(_items(raw))


def _whole(raw: Any, least: int) -> int | None:
    """A whole number of at least ``least`` from a URL or a control, else None (absent: ``least - 1``)."""
    raw = _first(raw)
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
            f"Group size '{_first(raw)}' is not a whole number; grouping from {DEFAULT_GROUP_MIN}.",
        )
    return (DEFAULT_GROUP_MIN if value < 0 else value), None


def parse_page(raw: Any) -> tuple[int, str | None]:
    """How many neighbours "N more" and Expand bring: one of PAGE_SIZES (the next one up for anything between)."""
    value = _whole(raw, 1)
    if value is None:
        return DEFAULT_PAGE, f"'{_first(raw)}' is not a number of connections; showing {DEFAULT_PAGE} at a time."
    if value < 1:
        return DEFAULT_PAGE, None
    return next((p for p in PAGE_SIZES if p >= value), PAGE_SIZES[-1]), None


def parse_colour(raw: Any) -> tuple[ColourBy, str | None]:
    raw = _first(raw)
    if raw is None or str(raw).strip() == "":
        return DEFAULT_COLOUR, None
    try:
        return ColourBy(str(raw).strip().lower()), None
    except ValueError:
        known = ", ".join(c.value for c in ColourBy)
        return DEFAULT_COLOUR, f"Unknown colouring '{raw}' (use {known}); colouring by kind."


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


# --- the whole state ---------------------------------------------------------------------------------------------


def from_controls(
    *,
    hops: Any = None,
    layout: Any = None,
    kinds: Any = None,
    rels: Any = None,
    date_from: Any = None,
    date_to: Any = None,
    min_amount: Any = None,
    hide_datasets: Any = None,
    colour: Any = None,
    shared: Any = None,
    size: Any = None,
    group: Any = None,
    page: Any = None,
    opened: Any = None,
    expansions: Any = None,
    auto: Any = None,
) -> ViewState:
    """A ViewState from loose values (URL parameters, control values, stored JSON), with notes on corrections.

    ``kinds``/``rels``: None means all; a list (even empty) means exactly those. ``layout`` 'auto' (or ``auto``
    true) leaves the choice to the page."""
    notes: list[str | None] = []
    hops_value, note = parse_hops(hops)
    notes.append(note)
    is_auto = parse_flag(auto) or str(_first(layout) or "").strip().lower() == AUTO_LAYOUT
    layout_value, note = parse_layout(None if is_auto else layout)
    notes.append(note)
    kinds_value, note = parse_kinds(kinds)
    notes.append(note)
    rels_value, note = parse_rels(rels)
    notes.append(note)
    start, note = parse_date(date_from)
    notes.append(note)
    end, note = parse_date(date_to)
    notes.append(note)
    if start and end and date_start(start) > date_end(end):
        start, end = end, start
        notes.append("The date range was given backwards; it has been turned round.")
    amount, note = parse_amount(min_amount)
    notes.append(note)
    colour_value, note = parse_colour(colour)
    notes.append(note)
    group_value, note = parse_group_min(group)
    notes.append(note)
    page_value, note = parse_page(page)
    notes.append(note)
    return ViewState(
        hops=hops_value,
        layout=layout_value,
        kinds=kinds_value,
        rels=rels_value,
        date_from=start,
        date_to=end,
        min_amount=amount,
        hide_datasets=parse_datasets(hide_datasets),
        colour=colour_value,
        shared=parse_flag(shared),
        size_by_degree=parse_flag(size) or str(_first(size) or "").strip().lower() == "degree",
        group_min=group_value,
        page=page_value,
        opened=frozenset(_items(opened)),
        expansions=tuple(dict.fromkeys(_items(expansions))),
        notes=tuple(n for n in notes if n),
        auto=is_auto,
    )


def _query_params(query: str | Mapping[str, Any] | None) -> Mapping[str, Any]:
    if query is None:
        return {}
    if isinstance(query, str):
        text = query[1:] if query.startswith("?") else query
        return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(text, keep_blank_values=True).items()}
    return query


def parse_view_state(query: str | Mapping[str, Any] | None) -> ViewState:
    """The view a URL asks for: ``'?hops=1&layout=force'`` or Dash's parsed parameters ``{'hops': '1', …}``."""
    params = _query_params(query)
    return from_controls(
        hops=params.get("hops"),
        layout=params.get("layout"),
        kinds=params.get("kinds"),
        rels=params.get("rels"),
        date_from=params.get("from"),
        date_to=params.get("to"),
        min_amount=params.get("min"),
        hide_datasets=params.get("hide"),
        colour=params.get("colour"),
        shared=params.get("shared"),
        size=params.get("size"),
        group=params.get("group"),
        page=params.get("page"),
        opened=params.get("open"),
        expansions=params.get("exp"),
        auto=params.get("layout") is None,
    )


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _joined(values: Iterable[str]) -> str:
    return ",".join(sorted(values))


def view_state_to_query(state: ViewState) -> str:
    """The query string (with its '?') for ``state``; defaults are left out, hops is always written."""
    pairs: list[tuple[str, str]] = [("hops", str(state.hops))]
    if state.layout is not DEFAULT_LAYOUT:
        pairs.append(("layout", state.layout.value))
    if state.kinds is not None:
        pairs.append(("kinds", _joined(k.value for k in state.kinds)))
    if state.rels is not None:
        pairs.append(("rels", _joined(r.value for r in state.rels)))
    if state.date_from:
        pairs.append(("from", state.date_from))
    if state.date_to:
        pairs.append(("to", state.date_to))
    if state.min_amount:
        pairs.append(("min", _number(state.min_amount)))
    if state.hide_datasets:
        pairs.append(("hide", _joined(state.hide_datasets)))
    if state.colour is not DEFAULT_COLOUR:
        pairs.append(("colour", state.colour.value))
    if state.shared:
        pairs.append(("shared", "1"))
    if state.size_by_degree:
        pairs.append(("size", "degree"))
    if state.group_min != DEFAULT_GROUP_MIN:
        pairs.append(("group", str(state.group_min)))
    if state.page != DEFAULT_PAGE:
        pairs.append(("page", str(state.page)))
    if state.opened:
        pairs.append(("open", _joined(state.opened)))
    if state.expansions:
        pairs.append(("exp", ",".join(state.expansions)))
    return "?" + urlencode(pairs, safe=",:")


def with_dates(state: ViewState, date_from: str | None, date_to: str | None) -> ViewState:
    return replace(state, date_from=date_from, date_to=date_to)


# --- the working graph: what the page holds per browser tab, in a dcc.Store ---------------------------------------

MORE_PREFIX = "more:"

#: Relationship properties kept in the view (the rest are bookkeeping of the store).
_REL_DROP = frozenset({Prop.ID.value})


# --- what the view holds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeInfo:
    """What the graph needs of an entity (its full record is read when it is clicked)."""

    id: str
    kind: str
    name: str
    sanctioned: bool = False
    front: bool = False
    stub: bool = False
    datasets: tuple[str, ...] = ()
    risk: Risk = NOT_ANALYSED  # stored results of `sanctions-graph analyze` (exposure, 50% rule)

    @classmethod
    def of(cls, entity: Entity) -> NodeInfo:
        p = entity.properties
        return cls(
            id=entity.id,
            kind=entity.kind.value,
            name=entity.name,
            sanctioned=entity.sanctioned,
            front=bool(p.get(Prop.FRONT)),
            stub=bool(p.get(Prop.STUB)),
            datasets=tuple(str(d) for d in p.get(Prop.DATASETS) or ()),
            risk=Risk.of(p),
        )

    def to_json(self) -> list[Any]:
        row = [self.id, self.kind, self.name, self.sanctioned, self.front, self.stub, list(self.datasets)]
        risk = self.risk.to_json()
        return row if risk is None else [*row, risk]

    @classmethod
    def from_json(cls, row: Sequence[Any]) -> NodeInfo:
        risk = Risk.from_json(row[7]) if len(row) > 7 else NOT_ANALYSED
        return cls(str(row[0]), str(row[1]), str(row[2]), bool(row[3]), bool(row[4]), bool(row[5]), tuple(row[6]), risk)


@dataclass(frozen=True)
class EdgeInfo:
    """A relationship with its facts (amount, dates, sources…), as the details panel and the filters need them."""

    id: str
    type: str
    source: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, rel: Relationship) -> EdgeInfo:
        props = {k: v for k, v in rel.properties.items() if k not in _REL_DROP and v is not None and v != []}
        return cls(rel.id, rel.type.value, rel.source, rel.target, props)

    def to_json(self) -> list[Any]:
        return [self.id, self.type, self.source, self.target, self.props]

    @classmethod
    def from_json(cls, row: Sequence[Any]) -> EdgeInfo:
        return cls(str(row[0]), str(row[1]), str(row[2]), str(row[3]), dict(row[4] or {}))


@dataclass(frozen=True)
class GraphState:
    """The working graph. ``degree`` holds the total number of neighbours of the entities whose neighbours were
    capped or expanded: where it exceeds the neighbours in the view, an "N more" node offers the rest."""

    center: str
    hops: int
    nodes: dict[str, NodeInfo]
    edges: dict[str, EdgeInfo]
    degree: dict[str, int] = field(default_factory=dict)
    expanded: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    pinned: tuple[str, ...] = ()
    #: Entities within the hops the first load left out because the view was full.
    omitted: int = 0
    #: Groups of leaves the analyst opened (``dashboard.entity.groups``).
    opened: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "center": self.center,
            "hops": self.hops,
            "nodes": [n.to_json() for n in self.nodes.values()],
            "edges": [e.to_json() for e in self.edges.values()],
            "degree": self.degree,
            "expanded": list(self.expanded),
            "hidden": list(self.hidden),
            "pinned": list(self.pinned),
            "omitted": self.omitted,
            "opened": list(self.opened),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GraphState:
        nodes = [NodeInfo.from_json(row) for row in data.get("nodes") or ()]
        edges = [EdgeInfo.from_json(row) for row in data.get("edges") or ()]
        return cls(
            center=str(data["center"]),
            hops=int(data.get("hops") or 1),
            nodes={n.id: n for n in nodes},
            edges={e.id: e for e in edges},
            degree={str(k): int(v) for k, v in (data.get("degree") or {}).items()},
            expanded=tuple(data.get("expanded") or ()),
            hidden=tuple(data.get("hidden") or ()),
            pinned=tuple(data.get("pinned") or ()),
            omitted=int(data.get("omitted") or 0),
            opened=tuple(data.get("opened") or ()),
        )

    def neighbours(self, node_id: str) -> set[str]:
        """The neighbours of ``node_id`` that are in the view."""
        out: set[str] = set()
        for e in self.edges.values():
            if e.source == node_id:
                out.add(e.target)
            elif e.target == node_id:
                out.add(e.source)
        out.discard(node_id)
        return out

    def more(self) -> dict[str, int]:
        """Entity id → how many of its neighbours are not in the view, for those where that is known and > 0."""
        counts: dict[str, int] = {}
        if not self.degree:
            return counts
        adjacency: dict[str, set[str]] = {i: set() for i in self.degree}
        for e in self.edges.values():
            if e.source in adjacency and e.target != e.source:
                adjacency[e.source].add(e.target)
            if e.target in adjacency and e.target != e.source:
                adjacency[e.target].add(e.source)
        for node_id, total in self.degree.items():
            missing = total - len(adjacency[node_id])
            if node_id in self.nodes and missing > 0:
                counts[node_id] = missing
        return counts


def more_id(parent: str) -> str:
    return MORE_PREFIX + parent


def more_parent(element_id: str) -> str | None:
    """The entity an "N more" node belongs to, or None for any other id."""
    return element_id[len(MORE_PREFIX) :] if element_id.startswith(MORE_PREFIX) else None
