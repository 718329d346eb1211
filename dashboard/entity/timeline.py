"""The timeline under the graph: payments and transfers of the view by date; brushing it sets the date range.

``timeline_points``: the payments and transfers of the view; ``figure``: a plotly figure of them as plain data
(``dcc.Graph`` draws it with the plotly.js bundled in Dash, served locally); ``brushed_range``: the reverse step, a
brushed selection → a date range. Pure functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from dashboard.entity.filters import MONEY_TYPES, Filtered, edge_amount, edge_date, filter_view
from dashboard.entity.styles import rel_style
from dashboard.entity.view_state import ViewState
from dashboard.entity.view_values import date_end, date_start, parse_date
from dashboard.entity.working_graph import GraphState
from dashboard.formatting import edge_label_of, short_label
from graph import RelType

HEIGHT = 190
EMPTY = "No payments or transfers in this view."
_TRACES: tuple[tuple[RelType, str, str], ...] = (
    (RelType.PAID, "Payments", "circle"),
    (RelType.TRANSFERRED, "Transfers", "diamond"),
)
CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["lasso2d", "autoScale2d", "toImage"],
}


@dataclass(frozen=True)
class TimelinePoint:
    """A payment or transfer for the timeline."""

    edge_id: str
    type: str
    date: str
    amount: float | None
    text: str


def timeline_points(
    state: GraphState, view: ViewState, shown: Filtered | None = None, labels: Mapping[str, str] | None = None
) -> list[TimelinePoint]:
    """Payments and transfers between the entities drawn with every filter but the date range, by date
    (``shown``: what ``filter_view`` drew for ``view``, reused when the view has no date range; ``labels``: edge id →
    ``edge_label_of``, as the drawing has them already)."""
    dated = bool(view.date_from or view.date_to)
    undated = (
        shown if shown is not None and not dated else filter_view(state, replace(view, date_from=None, date_to=None))
    )
    labels = labels or {}
    names: dict[str, str] = {}  # each entity's short label once (an entity has many payments)

    def name(node_id: str) -> str:
        if node_id not in names:
            node = state.nodes.get(node_id)
            names[node_id] = short_label(node.name, node.kind) if node else node_id
        return names[node_id]

    points = []
    for edge_id in undated.edges:
        e = state.edges[edge_id]
        when = edge_date(e)
        if e.type not in MONEY_TYPES or when is None:
            continue
        label = labels.get(edge_id) or edge_label_of(e.type, e.props)
        text = f"{name(e.source)} → {name(e.target)}: {label} on {when}"
        points.append(TimelinePoint(e.id, e.type, when, edge_amount(e), text))
    return sorted(points, key=lambda p: (p.date, p.edge_id))


def figure(points: Sequence[TimelinePoint], date_from: str | None, date_to: str | None) -> dict[str, Any]:
    """Dots per payment/transfer (size on a log scale of the amount); the chosen range shaded."""
    data: list[dict[str, Any]] = []
    for rel_type, name, symbol in _TRACES:
        mine = [p for p in points if p.type == rel_type.value]
        if not mine:
            continue
        colour = rel_style(rel_type).colour
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [p.date for p in mine],
                "y": [p.amount if p.amount and p.amount > 0 else None for p in mine],
                "text": [p.text for p in mine],
                "customdata": [p.edge_id for p in mine],
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {"color": colour, "symbol": symbol, "size": 10, "line": {"width": 1, "color": "#1A1A1A"}},
            }
        )
    shapes: list[dict[str, Any]] = []
    if date_from or date_to:
        dates = [p.date for p in points]
        low = date_start(date_from) if date_from else (min(dates) if dates else None)
        high = date_end(date_to) if date_to else (max(dates) if dates else None)
        if low and high:
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "x0": low,
                    "x1": high,
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": "#0B57D0",
                    "opacity": 0.08,
                    "line": {"width": 1, "color": "#0B57D0"},
                    "layer": "below",
                }
            )
    annotations: list[dict[str, Any]] = []
    if not data:
        annotations.append(
            {
                "text": EMPTY,
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "font": {"size": 14, "color": "#4B5563"},
            }
        )
    return {
        "data": data,
        "layout": {
            "annotations": annotations,
            "height": HEIGHT,
            "margin": {"l": 60, "r": 16, "t": 8, "b": 32},
            "dragmode": "select",
            "selectdirection": "h",
            "hovermode": "closest",
            "showlegend": True,
            "legend": {"orientation": "h", "x": 0, "y": 1.18},
            "xaxis": {"type": "date", "title": {"text": ""}, "fixedrange": False, "visible": bool(data)},
            "yaxis": {"type": "log", "title": {"text": "Amount"}, "fixedrange": True, "visible": bool(data)},
            "shapes": shapes,
            "uirevision": "timeline",
            "plot_bgcolor": "#FFFFFF",
            "paper_bgcolor": "#FFFFFF",
        },
    }


def brushed_range(selected: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """The days a horizontal brush covers (``dcc.Graph.selectedData``), or None when there is no brush."""
    if not selected:
        return None
    rng = selected.get("range") or {}
    xs = rng.get("x") if isinstance(rng, Mapping) else None
    if not isinstance(xs, list | tuple) or len(xs) != 2:
        return None
    low, _ = parse_date(str(xs[0])[:10])
    high, _ = parse_date(str(xs[1])[:10])
    if not low or not high:
        return None
    return (low, high) if low <= high else (high, low)
