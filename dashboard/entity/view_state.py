"""The entity page's view as it travels in the URL: ``/entity/<id>?hops=2&layout=force&kinds=Person,Company…``.

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
    page      how many neighbours Expand and "N more" bring (25 default, 100, 250, 1000)
    open      groups opened by the analyst, comma separated; exp: every expansion and "N more" page in order,
              comma separated, each ``id`` or ``id~size`` or ``id~size~TYPE.out`` (``working_graph.Step``;
              replayed on a reload, so a copied URL or Back/Forward brings the same pages back)
    cap       how many neighbours of a hub the first load brought, when not ``page`` (the page size was changed
              after the page opened); the expansions' sizes are written against it
    hidden    entities the analyst hid, removed: entities the analyst removed, comma separated (done again after
              the expansions on a reload)
    pin       pinned entities with the place they were pinned at, ``id~x~y``, comma separated

Without ``layout`` the page chooses by size and shape (``ViewState.auto``; ``choose_layout``): small views
force-directed, bigger ones in rings computed on the server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

from dashboard.entity.view_values import (
    AUTO_LAYOUT,
    DEFAULT_COLOUR,
    DEFAULT_GROUP_MIN,
    DEFAULT_HOPS,
    DEFAULT_LAYOUT,
    DEFAULT_PAGE,
    ColourBy,
    Layout,
    date_end,
    date_start,
    first_value,
    parse_amount,
    parse_colour,
    parse_datasets,
    parse_date,
    parse_flag,
    parse_group_min,
    parse_hops,
    parse_kinds,
    parse_layout,
    parse_page,
    parse_rels,
    split_items,
)
from graph import NodeKind, RelType


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
    #: The first load's page size when it is not ``page`` (None: the same).
    cap: int | None = None
    opened: frozenset[str] = frozenset()
    expansions: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    pins: tuple[str, ...] = ()
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
        """The view with every filter of ``filtered`` back to its default (and no correction notes)."""
        return replace(
            self, kinds=None, rels=None, date_from=None, date_to=None, min_amount=None, hide_datasets=frozenset(),
            notes=(),
        )  # fmt: skip

    @property
    def load_size(self) -> int:
        """How many neighbours of a hub the first load brings (and a bare expansion step: ``working_graph.Step``)."""
        return self.cap or self.page

    def without_working_graph(self) -> ViewState:
        """The view without what the working graph carries into the URL (expansions, the first load's page size,
        opened groups, hidden, removed and pinned entities: assets/entity.js writes those from the working graph)."""
        return replace(self, cap=None, opened=frozenset(), expansions=(), hidden=(), removed=(), pins=())

    def with_working_graph(self, graph: Mapping[str, Any] | None) -> ViewState:
        """The view with what the working graph (``GraphState.to_json``) carries into the URL, as assets/entity.js
        writes it into the address bar: the expansion steps, the first load's page size, opened groups, hidden,
        removed and pinned entities (a saved view keeps them as a reload does)."""
        data = graph or {}

        def items(key: str) -> tuple[str, ...]:
            return tuple(str(i) for i in data.get(key) or ())

        cap = data.get("cap")
        return replace(
            self,
            cap=cap if isinstance(cap, int) and cap != self.page else None,
            expansions=items("steps") or items("expanded"),
            opened=frozenset(items("opened")),
            hidden=items("hidden"),
            removed=items("removed"),
            pins=items("pins"),
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
            "cap": self.cap,
            "opened": sorted(self.opened),
            "exp": list(self.expansions),
            "hidden": list(self.hidden),
            "removed": list(self.removed),
            "pin": list(self.pins),
            "auto": self.auto,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ViewState:
        """Back from ``to_json`` (anything unusable falls back to the default, as in a URL)."""
        if not data:
            return cls()
        return from_controls(data)


# --- the whole state ---------------------------------------------------------------------------------------------

#: The values ``from_controls`` reads (the keys of ``ViewState.to_json`` but ``auto``), and the URL parameter of
#: those whose parameter has another name.
CONTROL_NAMES = (
    "hops", "layout", "kinds", "rels", "date_from", "date_to", "min_amount", "hide_datasets", "colour", "shared",
    "size", "group", "page", "cap", "opened", "exp", "hidden", "removed", "pin",
)  # fmt: skip
_URL_NAMES = {"date_from": "from", "date_to": "to", "min_amount": "min", "hide_datasets": "hide", "opened": "open"}


def from_controls(values: Mapping[str, Any]) -> ViewState:
    """A ViewState from loose values (URL parameters, control values, stored JSON), with notes on corrections.

    ``kinds``/``rels``: None means all; a list (even empty) means exactly those. ``layout`` 'auto' (or ``auto``
    true) leaves the choice to the page."""
    notes: list[str | None] = []

    def noted(parsed: tuple[Any, str | None]) -> Any:
        notes.append(parsed[1])
        return parsed[0]

    get = values.get
    is_auto = parse_flag(get("auto")) or str(first_value(get("layout")) or "").strip().lower() == AUTO_LAYOUT
    hops, layout = noted(parse_hops(get("hops"))), noted(parse_layout(None if is_auto else get("layout")))
    kinds, rels = noted(parse_kinds(get("kinds"))), noted(parse_rels(get("rels")))
    start, end = noted(parse_date(get("date_from"))), noted(parse_date(get("date_to")))
    if start and end and date_start(start) > date_end(end):
        start, end = end, start
        notes.append("The date range was given backwards; it has been turned round.")
    amount, colour = noted(parse_amount(get("min_amount"))), noted(parse_colour(get("colour")))
    group_min, page = noted(parse_group_min(get("group"))), noted(parse_page(get("page")))
    cap = noted(parse_page(get("cap"))) if first_value(get("cap")) not in (None, "") else None
    size = get("size")
    return ViewState(
        hops=hops,
        layout=layout,
        kinds=kinds,
        rels=rels,
        date_from=start,
        date_to=end,
        min_amount=amount,
        hide_datasets=parse_datasets(get("hide_datasets")),
        colour=colour,
        shared=parse_flag(get("shared")),
        size_by_degree=parse_flag(size) or str(first_value(size) or "").strip().lower() == "degree",
        group_min=group_min,
        page=page,
        opened=frozenset(split_items(get("opened"))),
        cap=None if cap == page else cap,
        expansions=tuple(split_items(get("exp"))),  # in order, repeated: one "N more" page each
        hidden=tuple(dict.fromkeys(split_items(get("hidden")))),
        removed=tuple(dict.fromkeys(split_items(get("removed")))),
        pins=tuple(dict.fromkeys(split_items(get("pin")))),
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
    values = {name: params.get(_URL_NAMES.get(name, name)) for name in CONTROL_NAMES}
    return from_controls({**values, "auto": params.get("layout") is None})


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _joined(values: Iterable[str]) -> str:
    return ",".join(sorted(values))


def view_state_to_query(state: ViewState, address: bool = False) -> str:
    """The query string (with its '?') for ``state``; defaults are left out, hops is always written. ``address``:
    for the address bar, where a layout the analyst chose is written even when it is the default one (a URL without
    ``layout`` leaves the choice to the page, so a reload would not keep "Rings by distance")."""
    pairs: list[tuple[str, str]] = [("hops", str(state.hops))]
    if state.layout is not DEFAULT_LAYOUT or (address and not state.auto):
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
    if state.cap is not None and state.cap != state.page:
        pairs.append(("cap", str(state.cap)))
    if state.opened:
        pairs.append(("open", _joined(state.opened)))
    if state.expansions:
        pairs.append(("exp", ",".join(state.expansions)))
    if state.hidden:
        pairs.append(("hidden", ",".join(state.hidden)))
    if state.removed:
        pairs.append(("removed", ",".join(state.removed)))
    if state.pins:
        pairs.append(("pin", ",".join(state.pins)))
    return "?" + urlencode(pairs, safe=",:~*")


def with_dates(state: ViewState, date_from: str | None, date_to: str | None) -> ViewState:
    return replace(state, date_from=date_from, date_to=date_to)
