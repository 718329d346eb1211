"""The working graph seen through the page's filters and layout → cytoscape elements, layout and counts. Pure.

``compose(state, view, positions)`` is the whole drawing step of the entity page:

1. a relationship is drawn when its kind is chosen, it is not asserted only by hidden datasets, its payment or
   transfer is at least the minimum amount, and its dates meet the date range (a payment's date inside it, an
   ownership or employment valid during some of it); relationships without dates or amounts are not filtered by them;
2. an entity is drawn when its kind is chosen, it was not hidden by the analyst, and the filters did not cut it off
   from the page's entity (entities that were reachable before filtering and are not any more are left out);
3. entities whose neighbours are not all in the view get an "N more" node;
4. positions: small views are laid out in the browser (fcose, dagre) from the current positions; big ones, and the
   rings layout, get positions computed here and cytoscape's 'preset' layout.
"""

from __future__ import annotations

import math
import zlib
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from dashboard.elements import edge_label_of, kind_caption, radial_layout, risk_classes, short_label
from dashboard.explorer import EdgeInfo, GraphState, NodeInfo, more_id
from dashboard.layouts import BIG_VIEW, LIGHT_VIEW, force_positions, layered_positions, seed_positions
from dashboard.viewstate import Layout, ViewState, date_end, date_start
from graph.vocabulary import Prop, RelType

Point = tuple[float, float]

MONEY_TYPES = frozenset({RelType.PAID.value, RelType.TRANSFERRED.value})
MIN_EDGE_WIDTH = 1.5
MAX_EDGE_WIDTH = 9.0
LAYOUT_PADDING = 40


# --- facts of a relationship -----------------------------------------------------------------------------------


def edge_amount(edge: EdgeInfo) -> float | None:
    """A payment's or transfer's size: its value in USD when known, else its amount as given."""
    for prop in (Prop.VALUE_USD, Prop.AMOUNT):
        value = edge.props.get(prop.value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


def edge_date(edge: EdgeInfo) -> str | None:
    """The day a payment was made or a transfer happened (YYYY-MM-DD, or as precise as the source)."""
    for prop in (Prop.DATE, Prop.TIMESTAMP):
        value = edge.props.get(prop.value)
        if value:
            return str(value)[:10]
    return None


def edge_period(edge: EdgeInfo) -> tuple[str | None, str | None]:
    """When a relationship held: its start and end dates (either may be unknown)."""
    start = edge.props.get(Prop.START_DATE.value)
    end = edge.props.get(Prop.END_DATE.value)
    return (str(start) if start else None, str(end) if end else None)


def in_date_range(edge: EdgeInfo, date_from: str | None, date_to: str | None) -> bool:
    """A dated payment/transfer inside the range, or a relationship valid during part of it; undated ones pass."""
    if not date_from and not date_to:
        return True
    low = date_start(date_from) if date_from else "0000-01-01"
    high = date_end(date_to) if date_to else "9999-12-31"
    when = edge_date(edge)
    if when is not None:
        return low <= date_end(when) and date_start(when) <= high
    start, end = edge_period(edge)
    if start and date_start(start) > high:
        return False
    return not (end and date_end(end) < low)


def edge_datasets(edge: EdgeInfo) -> set[str]:
    return {str(d) for d in edge.props.get(Prop.DATASETS.value) or ()}


def edge_passes(edge: EdgeInfo, view: ViewState) -> bool:
    """Whether the filters let a relationship be drawn (its ends are judged separately)."""
    if view.rels is not None and edge.type not in {r.value for r in view.rels}:
        return False
    if view.hide_datasets:
        datasets = edge_datasets(edge)
        if datasets and datasets <= view.hide_datasets:
            return False
    if view.min_amount and edge.type in MONEY_TYPES:
        amount = edge_amount(edge)
        if amount is not None and amount < view.min_amount:
            return False
    return in_date_range(edge, view.date_from, view.date_to)


def node_passes(node: NodeInfo, view: ViewState, center: str) -> bool:
    return node.id == center or view.kinds is None or node.kind in {k.value for k in view.kinds}


# --- filtering -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filtered:
    """What is drawn: entity ids (in the state's order) and relationship ids, and what the filters took away."""

    nodes: list[str]
    edges: list[str]
    cut: frozenset[str] = frozenset()  # entities left out by the filters (their kind, or cut off from the centre)
    edges_out: int = 0  # relationships the filters left out (those of hidden entities not counted)
    hidden: int = 0  # entities the analyst hid


def _reachable(center: str, nodes: set[str], edges: Iterable[EdgeInfo]) -> set[str]:
    adjacency: dict[str, list[str]] = {}
    for e in edges:
        if e.source in nodes and e.target in nodes:
            adjacency.setdefault(e.source, []).append(e.target)
            adjacency.setdefault(e.target, []).append(e.source)
    if center not in nodes:
        return set()
    seen = {center}
    queue = deque([center])
    while queue:
        for other in adjacency.get(queue.popleft(), ()):
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return seen


def filter_view(state: GraphState, view: ViewState) -> Filtered:
    everything = set(state.nodes)
    passing = {i for i, n in state.nodes.items() if node_passes(n, view, state.center)}
    good_edges = [e for e in state.edges.values() if edge_passes(e, view)]
    before = _reachable(state.center, everything, state.edges.values())
    after = _reachable(state.center, passing, good_edges)
    cut = (everything - passing) | ((before & passing) - after)
    hidden = set(state.hidden) - {state.center}
    drawn = passing - cut - hidden
    nodes = [i for i in state.nodes if i in drawn]
    good = {e.id for e in good_edges}
    edges = [e.id for e in state.edges.values() if e.id in good and e.source in drawn and e.target in drawn]
    drawn_edges = set(edges)
    left_out = sum(
        1 for e in state.edges.values() if e.id not in drawn_edges and e.source not in hidden and e.target not in hidden
    )
    return Filtered(nodes, edges, frozenset(cut - hidden), left_out, len(hidden & everything))


# --- elements ----------------------------------------------------------------------------------------------------


def node_element(node: NodeInfo, center: str, pinned: bool, expanded: bool, in_view: int = 0) -> dict[str, Any]:
    classes = [node.kind]
    for flag, name in ((node.sanctioned, "sanctioned"), (node.front, "front"), (node.stub, "stub")):
        if flag:
            classes.append(name)
    if node.id == center:
        classes.append("center")
    if pinned:
        classes.append("pinned")
    if expanded:
        classes.append("expanded")
    classes += risk_classes(node.risk)
    return {
        "data": {
            "id": node.id,
            "label": short_label(node.name, node.kind),
            "name": node.name,
            "kind": node.kind,
            "kind_caption": kind_caption(node.kind),
            "sanctioned": node.sanctioned,
            "front": node.front,
            "center": node.id == center,
            "pinned": pinned,
            "in_view": in_view,
            "exposure": node.risk.band,
        },
        "classes": " ".join(classes),
        "locked": pinned,
    }


def edge_width(edge: EdgeInfo, largest: float) -> float | None:
    """Line width: a payment or transfer by its amount (log scale against the largest in view), an ownership by
    its percentage; None for the others (their type's width)."""
    if edge.type in MONEY_TYPES:
        amount = edge_amount(edge)
        if amount is None or amount <= 0 or largest <= 0:
            return None
        share = math.log10(1 + amount) / math.log10(1 + largest) if largest > 0 else 0.0
        return round(MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * min(max(share, 0.0), 1.0), 1)
    if edge.type == RelType.OWNS.value:
        pct = edge.props.get(Prop.PERCENTAGE.value)
        if isinstance(pct, int | float) and not isinstance(pct, bool):
            return round(MIN_EDGE_WIDTH + 6.0 * min(max(float(pct), 0.0), 100.0) / 100.0, 1)
    return None


def edge_element(edge: EdgeInfo, names: Mapping[str, str], largest: float) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": edge.id,
        "source": edge.source,
        "target": edge.target,
        "type": edge.type,
        "label": edge_label_of(edge.type, edge.props),
        "source_name": names.get(edge.source, edge.source),
        "target_name": names.get(edge.target, edge.target),
        "props": edge.props,
    }
    width = edge_width(edge, largest)
    if width is not None:
        data["width"] = width
    return {"data": data, "classes": edge.type}


def more_elements(parent: NodeInfo, count: int) -> list[dict[str, Any]]:
    """The "N more" node of an entity and the dashed line to it."""
    node_id = more_id(parent.id)
    return [
        {
            "data": {
                "id": node_id,
                "label": f"{count:,} more",
                "name": f"{count:,} more connections of {parent.name}",
                "kind": "more",
                "parent_id": parent.id,
                "count": count,
            },
            "classes": "more",
            "locked": False,
        },
        {
            "data": {"id": f"more-edge:{parent.id}", "source": parent.id, "target": node_id, "type": "more"},
            "classes": "more-edge",
        },
    ]


# --- layout ------------------------------------------------------------------------------------------------------


def _layout_key(layout: Layout, ids: Sequence[str]) -> str:
    """Changes when the drawn nodes or the layout change: only then does the browser run the layout again."""
    return f"{layout.value}-{len(ids)}-{zlib.crc32(chr(0).join(sorted(ids)).encode()):08x}"


def browser_layout(layout: Layout, key: str) -> dict[str, Any]:
    common: dict[str, Any] = {"fit": True, "padding": LAYOUT_PADDING, "animate": False, "key": key}
    if layout is Layout.FORCE:
        return {
            "name": "fcose",
            "quality": "default",
            "randomize": False,
            "nodeDimensionsIncludeLabels": True,
            "idealEdgeLength": 110,
            "nodeRepulsion": 6500,
            "numIter": 2500,
            **common,
        }
    if layout is Layout.HIERARCHY:
        return {
            "name": "dagre",
            "rankDir": "TB",
            "nodeSep": 40,
            "rankSep": 90,
            "edgeSep": 10,
            "nodeDimensionsIncludeLabels": True,
            **common,
        }
    return {"name": "preset", **common}


def arrange(
    layout: Layout,
    ids: Sequence[str],
    edges: Sequence[tuple[str, str]],
    center: str,
    current: Mapping[str, Point],
    pinned: Iterable[str],
    order: Mapping[str, tuple[str, ...]],
) -> tuple[dict[str, Point], dict[str, Any]]:
    """Positions for ``ids`` and the cytoscape layout to run. Pinned entities keep their current place."""
    key = _layout_key(layout, ids)
    big = len(ids) > BIG_VIEW
    keep = {i: current[i] for i in pinned if i in current}
    if layout is Layout.CONCENTRIC:
        positions = radial_layout(ids, edges, center, order)
    elif not big:  # the browser lays it out, starting from where things are
        positions = seed_positions(ids, edges, current or radial_layout(ids, edges, center, order), center)
        return {**positions, **keep}, browser_layout(layout, key)
    elif layout is Layout.HIERARCHY:
        positions = layered_positions(ids, edges)
    else:
        start = seed_positions(ids, edges, current, center) if current else radial_layout(ids, edges, center, order)
        positions = force_positions(ids, edges, start, fixed=keep)
    return {**positions, **keep}, browser_layout(Layout.CONCENTRIC, key)


# --- the whole drawing --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelinePoint:
    """A payment or transfer for the timeline."""

    edge_id: str
    type: str
    date: str
    amount: float | None
    text: str


@dataclass(frozen=True)
class ComposedView:
    elements: list[dict[str, Any]]
    layout: dict[str, Any]
    filtered: Filtered
    more: dict[str, int]
    big: bool  # drawn lighter: more than BIG_VIEW nodes or LIGHT_VIEW elements
    present: frozenset[str]  # kinds and relationship types drawn (for the legend)
    timeline: list[TimelinePoint] = field(default_factory=list)

    @property
    def node_count(self) -> int:
        return len(self.filtered.nodes)

    @property
    def edge_count(self) -> int:
        return len(self.filtered.edges)

    @property
    def not_loaded(self) -> int:
        return sum(self.more.values())


def timeline_points(state: GraphState, view: ViewState) -> list[TimelinePoint]:
    """Payments and transfers between the entities drawn with every filter but the date range, by date."""
    undated = filter_view(state, replace(view, date_from=None, date_to=None))

    def name(node_id: str) -> str:
        node = state.nodes.get(node_id)
        return short_label(node.name, node.kind) if node else node_id

    points = []
    for edge_id in undated.edges:
        e = state.edges[edge_id]
        when = edge_date(e)
        if e.type not in MONEY_TYPES or when is None:
            continue
        text = f"{name(e.source)} → {name(e.target)}: {edge_label_of(e.type, e.props)} on {when}"
        points.append(TimelinePoint(e.id, e.type, when, edge_amount(e), text))
    return sorted(points, key=lambda p: (p.date, p.edge_id))


def compose(state: GraphState, view: ViewState, current: Mapping[str, Point] | None = None) -> ComposedView:
    """Elements and layout of the page's graph for ``state`` seen through ``view``; ``current``: positions the
    browser has now (entities that keep theirs do not jump)."""
    current = current or {}
    shown = filter_view(state, view)
    drawn = set(shown.nodes)
    more = {p: n for p, n in state.more().items() if p in drawn}
    names = {i: n.name for i, n in state.nodes.items()}
    edges = [state.edges[i] for i in shown.edges]
    pairs = [(e.source, e.target) for e in edges]
    order: dict[str, tuple[str, ...]] = {i: (n.kind, n.name.casefold(), i) for i, n in state.nodes.items()}
    ids = list(shown.nodes)
    pinned = [p for p in state.pinned if p in drawn]
    # "N more" nodes are laid out with the rest, as one more neighbour of their entity
    stub_ids = [more_id(p) for p in more]
    stub_pairs = [(p, more_id(p)) for p in more]
    order.update({more_id(p): ("~", p) for p in more})
    positions, layout = arrange(view.layout, ids + stub_ids, pairs + stub_pairs, state.center, current, pinned, order)
    largest = max((a for e in edges if e.type in MONEY_TYPES for a in [edge_amount(e)] if a), default=0.0)
    pinned_set, expanded = set(pinned), set(state.expanded)
    loaded_neighbours: dict[str, set[str]] = {}
    for e in state.edges.values():
        if e.source != e.target:
            loaded_neighbours.setdefault(e.source, set()).add(e.target)
            loaded_neighbours.setdefault(e.target, set()).add(e.source)
    elements: list[dict[str, Any]] = []
    for i in ids:
        in_view = len(loaded_neighbours.get(i, ()))
        node = node_element(state.nodes[i], state.center, i in pinned_set, i in expanded, in_view)
        x, y = positions.get(i, (0.0, 0.0))
        node["position"] = {"x": x, "y": y}
        elements.append(node)
    stubs: list[dict[str, Any]] = []
    for parent, count in more.items():
        node, line = more_elements(state.nodes[parent], count)
        x, y = positions.get(node["data"]["id"], (0.0, 0.0))
        node["position"] = {"x": x, "y": y}
        elements.append(node)
        stubs.append(line)
    elements += [edge_element(e, names, largest) for e in edges]
    elements += stubs
    present = frozenset({state.nodes[i].kind for i in ids} | {e.type for e in edges})
    return ComposedView(
        elements=elements,
        layout=layout,
        filtered=shown,
        more=more,
        big=len(ids) + len(more) > BIG_VIEW or len(ids) + len(more) + len(edges) > LIGHT_VIEW,
        present=present,
        timeline=timeline_points(state, view),
    )


def positions_from(raw: Any) -> dict[str, Point]:
    """The browser's positions as the page keeps them ({id: [x, y]}); anything malformed is skipped."""
    out: dict[str, Point] = {}
    if not isinstance(raw, Mapping):
        return out
    for key, value in raw.items():
        if isinstance(value, list | tuple) and len(value) == 2:
            try:
                out[str(key)] = (float(value[0]), float(value[1]))
            except (TypeError, ValueError):
                continue
    return out
