"""Which of the working graph's entities and relationships the page's filters let through. Pure.

1. a relationship is drawn when its kind is chosen, it is not asserted only by hidden datasets, its payment or
   transfer is at least the minimum amount, and its dates meet the date range (a payment's date inside it, an
   ownership or employment valid during some of it); relationships without dates or amounts are not filtered by them;
2. an entity is drawn when its kind is chosen, it was not hidden by the analyst, and the filters did not cut it off
   from the page's entity (entities that were reachable before filtering and are not any more are left out).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from dashboard.entity.view_state import ViewState
from dashboard.entity.view_values import date_end, date_start
from dashboard.entity.working_graph import EdgeInfo, GraphState, NodeInfo
from graph import Prop, RelType

MONEY_TYPES = frozenset({RelType.PAID.value, RelType.TRANSFERRED.value})


# --- facts of a relationship -----------------------------------------------------------------------------------


#: The property names read for every relationship of a view (an enum member's .value costs a lookup each time).
_AMOUNT_KEYS = (Prop.VALUE_USD.value, Prop.AMOUNT.value)
_DATE_KEYS = (Prop.DATE.value, Prop.TIMESTAMP.value)


def edge_amount(edge: EdgeInfo) -> float | None:
    """A payment's or transfer's size: its value in USD when known, else its amount as given."""
    for key in _AMOUNT_KEYS:
        value = edge.props.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


def edge_date(edge: EdgeInfo) -> str | None:
    """The day a payment was made or a transfer happened (YYYY-MM-DD, or as precise as the source)."""
    for key in _DATE_KEYS:
        value = edge.props.get(key)
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
    cut: set[str] = set()
    if len(passing) < len(everything) or len(good_edges) < len(state.edges):  # else nothing is cut off
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
