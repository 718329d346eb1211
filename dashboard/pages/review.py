"""The review page, ``/review``: the SAME_AS queue best score first, both sides' facts side by side and why, with
accept / reject / undo. ``/review?status=accepted`` lists the accepted ones (shareable).

Candidates come from ``sanctions-graph xref``; a judgement records who (the logged-in user) and when, and survives
re-loads and re-runs of xref (graph.matching.judgements).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, dcc, html

from dashboard import context
from dashboard.components import guarded, page
from dashboard.review import apply_action, pair_card, triggered_click
from graph import ACCEPTED, CANDIDATE, REJECTED, GraphReader, review_queue

QUEUE_LIMIT = 50
ACTION = "review-action"
STATUSES = (CANDIDATE, ACCEPTED, REJECTED)
_STATUS_OPTIONS = [
    {"label": "To review", "value": CANDIDATE},
    {"label": "Accepted", "value": ACCEPTED},
    {"label": "Rejected", "value": REJECTED},
]


def _status(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if value in STATUSES else CANDIDATE


def queue_children(store: GraphReader, status: str) -> list[Any]:
    """The queue of one status: a sentence, then one card per SAME_AS."""
    pairs = review_queue(store, [status], limit=QUEUE_LIMIT)
    if not pairs:
        empty = {
            CANDIDATE: "No SAME_AS candidate waits for review. `sanctions-graph xref` proposes them.",
            ACCEPTED: "No SAME_AS has been accepted yet.",
            REJECTED: "No SAME_AS has been rejected yet.",
        }[status]
        return [html.P(empty, className="no-results")]
    more = " (the first ones)" if len(pairs) >= QUEUE_LIMIT else ""
    head = html.P(f"{len(pairs)} SAME_AS, best score first{more}.", className="summary", id="review-count")
    return [head, *(pair_card(ACTION, p) for p in pairs)]


def layout(status: Any = None, **_: Any) -> html.Div:
    chosen = _status(status)
    store = context.current().store
    return page(
        "review",
        "Review SAME_AS candidates",
        "Is it the same party? Accept or reject; an accepted link is followed by exposure, paths and the 50% rule, a "
        "rejected pair is never proposed again. Undo puts it back in the queue.",
        [
            dcc.RadioItems(id="review-status", options=_STATUS_OPTIONS, value=chosen, inline=True, className="radio"),
            html.Div(id="review-message", role="status", className="review-message"),
            # Dash's validation layout needs the queue's box, not the queue (context.validating)
            html.Div(
                None if context.validating() else guarded(lambda: queue_children(store, chosen)), id="review-queue"
            ),
        ],
    )


def register_callbacks(app: dash.Dash, store: GraphReader) -> None:
    @app.callback(
        Output("review-queue", "children"),
        Output("review-message", "children"),
        Input({"type": ACTION, "action": ALL, "rel": ALL}, "n_clicks"),
        Input("review-status", "value"),
        prevent_initial_call=True,
    )
    def _review(_clicks: list[Any], status: str) -> tuple[Any, Any]:
        triggered, value = triggered_click()
        message = guarded(lambda: apply_action(store, triggered, value), back_to_search=False)
        return guarded(lambda: queue_children(store, _status(status))), message
