"""The entity page's "same-as candidates" panel: the entity's SAME_AS links (best score first) with the other
side's facts beside its own, why, their status, and accept / reject / undo (the same cards as ``/review``)."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, MATCH, Input, Output, html

from dashboard.components import guarded
from dashboard.review import apply_action, pair_card, triggered_click
from graph import GraphReader, with_entities

ACTION = "same-as-panel-action"
PANEL = "same-as-panel"


def panel_children(store: GraphReader, entity_id: str, message: Any = "") -> list[Any]:
    pairs = with_entities(store, store.same_as_of(entity_id))
    if not pairs:
        return []
    return [
        html.Summary(f"Same-as candidates ({len(pairs)})"),
        html.Div(message, className="review-message same-as-message", role="status"),
        *(pair_card(ACTION, p, entity=entity_id) for p in pairs),
    ]


def panel(store: GraphReader, entity_id: str) -> html.Details:
    """The panel (empty, and hidden, when the entity has no SAME_AS)."""
    children = guarded(lambda: panel_children(store, entity_id), back_to_search=False)
    shown = bool(children) if isinstance(children, list) else True
    return html.Details(
        children,
        id={"type": PANEL, "entity": entity_id},
        open=True,
        className="same-as-panel",
        style={} if shown else {"display": "none"},
    )


def register_callbacks(app: dash.Dash, store: GraphReader) -> None:
    """Pattern-matching ids (the panel's id holds its entity): nothing to find in the page's validation layout."""

    @app.callback(
        Output({"type": PANEL, "entity": MATCH}, "children"),
        Input({"type": ACTION, "action": ALL, "rel": ALL, "entity": MATCH}, "n_clicks"),
        prevent_initial_call=True,
    )
    def _judge(_clicks: list[Any]) -> Any:
        triggered, value = triggered_click()
        entity_id = str(triggered.get("entity")) if isinstance(triggered, dict) else ""
        message = guarded(lambda: apply_action(store, triggered, value), back_to_search=False)
        return guarded(lambda: panel_children(store, entity_id, message), back_to_search=False)
