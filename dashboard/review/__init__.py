"""Reviewing SAME_AS candidates in the dashboard: who judges, the store that records it, and the pieces both the
``/review`` page and the entity page's "same-as candidates" panel show (both sides' facts, why, the buttons).

Judging is the dashboard's only write: it goes through graph's ``judge`` on the served store when that store can
record judgements (a ``GraphStore`` does), with the name of the logged-in user.
"""

from __future__ import annotations

from typing import Any, cast

import dash
import flask
from dash import dcc, html

from dashboard.auth import Role, require_role
from dashboard.components import badges
from dashboard.formatting import entity_href, format_country, kind_caption
from graph import (
    ACCEPTED,
    CANDIDATE,
    REJECTED,
    Entity,
    GraphReader,
    Prop,
    Relationship,
    ReviewWriter,
    SameAsPair,
    SanctionsGraphError,
    judge,
)

DEFAULT_USER = "analyst"
#: Which buttons a SAME_AS of each status offers.
ACTIONS_BY_STATUS: dict[str, tuple[str, ...]] = {
    CANDIDATE: ("accept", "reject"),
    ACCEPTED: ("undo",),
    REJECTED: ("undo",),
}
BUTTON_TEXT = {"accept": "Accept", "reject": "Reject", "undo": "Undo"}
STATUS_TEXT = {CANDIDATE: "candidate", ACCEPTED: "accepted", REJECTED: "rejected"}


def current_user() -> str:
    """Who is judging: the web server's REMOTE_USER, else the logged-in user (who must be an analyst), else
    "analyst" (outside a request, e.g. a callback called as a function)."""
    if not flask.has_request_context():
        return DEFAULT_USER
    remote = flask.request.environ.get("REMOTE_USER")
    if remote:
        return str(remote)
    return require_role(Role.ANALYST).name or DEFAULT_USER


def writer(store: GraphReader) -> ReviewWriter:
    """The served store as one that records judgements; a sentence when it cannot."""
    if not callable(getattr(store, "judge_same_as", None)):
        raise SanctionsGraphError("This dashboard's store is read-only: judgements cannot be recorded here.")
    return cast(ReviewWriter, store)


def apply_action(store: GraphReader, triggered: Any, clicks: Any) -> str:
    """Run the button a pattern-matching callback was triggered by (``triggered``: its id, with ``action`` and
    ``rel``; ``clicks``: its n_clicks) and say what was done; '' when no button was pressed (a re-render)."""
    if not isinstance(triggered, dict) or not clicks:
        return ""
    action, rel_id = str(triggered.get("action")), str(triggered.get("rel"))
    rel = judge(writer(store), rel_id, action, current_user())
    props = rel.properties
    done = {"accept": "Accepted", "reject": "Rejected", "undo": "Undone"}.get(action, action)
    return f"{done} by {props.get(Prop.JUDGED_BY.value)} at {props.get(Prop.JUDGED_AT.value)}."


def triggered_click() -> tuple[Any, Any]:
    """(id, value) of what triggered the running callback."""
    triggered = dash.callback_context.triggered
    return dash.ctx.triggered_id, (triggered[0].get("value") if triggered else None)


def status_of(rel: Relationship) -> str:
    return str(rel.properties.get(Prop.STATUS.value) or CANDIDATE).strip().casefold()


def action_buttons(kind: str, rel: Relationship, entity: str | None = None) -> html.Div:
    """The buttons a SAME_AS offers (ids ``{"type": kind, "action": …, "rel": rel.id}``, and ``"entity"`` when
    given: the page it sits on)."""
    status = status_of(rel)
    extra = {"entity": entity} if entity is not None else {}
    return html.Div(
        [
            html.Button(
                BUTTON_TEXT[a],
                id={"type": kind, "action": a, "rel": rel.id, **extra},
                n_clicks=0,
                className=f"button review-{a}",
            )
            for a in ACTIONS_BY_STATUS.get(status, ("accept", "reject"))
        ],
        className="review-actions",
    )


def judged_line(rel: Relationship) -> str:
    props = rel.properties
    by, at = props.get(Prop.JUDGED_BY.value), props.get(Prop.JUDGED_AT.value)
    status = STATUS_TEXT.get(status_of(rel), status_of(rel))
    if by and props.get(Prop.JUDGEMENT.value):
        return f"{status} by {by} at {at}"
    if by:
        return f"{status} (undone by {by} at {at})"
    return status


def score_text(rel: Relationship) -> str:
    score = rel.properties.get(Prop.SCORE.value)
    label = rel.properties.get(Prop.MATCH_LABEL.value) or ""
    text = f"{float(score):.2f}" if isinstance(score, int | float) else "—"
    return f"{text} {label}".strip()


def _list(values: Any) -> str:
    if isinstance(values, list | tuple):
        return "; ".join(str(v) for v in values)
    return str(values) if values not in (None, "") else ""


FACT_ROWS: tuple[tuple[str, Any], ...] = (
    ("Kind", lambda e: kind_caption(e.kind)),
    ("Aliases", lambda e: _list(e.aliases)),
    ("Countries", lambda e: ", ".join(format_country(c) for c in e.countries)),
    ("Birth date", lambda e: _list(e.properties.get(Prop.BIRTH_DATE.value))),
    ("Identifiers", lambda e: _list(e.properties.get(Prop.IDENTIFIERS.value))),
    ("Datasets", lambda e: _list(e.properties.get(Prop.DATASETS.value))),
    ("Programs", lambda e: _list(e.properties.get(Prop.PROGRAMS.value))),
)


def _name_cell(e: Entity) -> html.Th:
    return html.Th(
        [dcc.Link(e.name, href=entity_href(e.id)), " ", *badges(e.sanctioned, bool(e.properties.get("front")))]
    )


def facts_table(left: Entity, right: Entity) -> html.Table:
    """Both sides' facts side by side (a row only when one side knows it)."""
    rows = [html.Tr([html.Td(""), _name_cell(left), _name_cell(right)])]
    for caption, read in FACT_ROWS:
        a, b = read(left), read(right)
        if a or b:
            rows.append(html.Tr([html.Th(caption, scope="row"), html.Td(a), html.Td(b)]))
    return html.Table(html.Tbody(rows), className="review-facts")


def pair_card(kind: str, pair: SameAsPair, entity: str | None = None) -> html.Div:
    """One SAME_AS for review: score and label, both sides' facts, why, its status, the buttons."""
    explanation = pair.rel.properties.get(Prop.EXPLANATION.value) or "no explanation recorded (not proposed by xref)"
    return html.Div(
        [
            html.Div(
                [
                    html.Span(score_text(pair.rel), className="review-score"),
                    html.Span(judged_line(pair.rel), className=f"review-status status-{status_of(pair.rel)}"),
                ],
                className="review-head",
            ),
            facts_table(pair.left, pair.right),
            html.P(["Why: ", html.Span(str(explanation), className="review-why")], className="review-explanation"),
            action_buttons(kind, pair.rel, entity),
        ],
        className="review-card",
    )


__all__ = [
    "ACTIONS_BY_STATUS",
    "DEFAULT_USER",
    "action_buttons",
    "apply_action",
    "current_user",
    "facts_table",
    "judged_line",
    "pair_card",
    "score_text",
    "status_of",
    "triggered_click",
    "writer",
]
