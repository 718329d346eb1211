"""The entity page's "notes" panel: every case's notes on this entity and the analyst-asserted links touching it,
and a form to write a note in a case or pin the entity to it (graph's cases functions, as the logged-in user)."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.components import guarded
from dashboard.formatting import entity_href
from dashboard.pages.cases import case_href, case_store, case_user, first_of, keeps_cases, note_form, spread, wid
from graph import GraphReader, add_note, asserted_links, list_cases, notes_on, pin

PANEL_ID = "notes-panel"
ENTITY_STORE = "notes-entity"


def notes_children(store: GraphReader, entity_id: str) -> list[Any]:
    records = case_store(store)
    titles = {c.id: c.title for c in list_cases(records)}
    notes = [
        html.Li(
            [
                html.Span(f"{n.author}, {n.at} in ", className="note-meta"),
                dcc.Link(titles.get(n.case_id, n.case_id), href=case_href(n.case_id)),
                html.P(n.text),
            ]
        )
        for n in notes_on(records, [entity_id])
    ]
    links = [
        html.Li(
            [
                html.Span(f"{a.label} ", className="asserted-link"),
                dcc.Link(other, href=entity_href(other)),
                html.Span(f" (analyst-asserted by {a.author}: {a.source_text})", className="muted"),
            ]
        )
        for a in asserted_links(records)
        for other in ([a.target] if a.source == entity_id else [a.source] if a.target == entity_id else [])
    ]
    out: list[Any] = [html.Ul(notes, id="entity-notes-items")] if notes else [html.P("No note on this entity.")]
    if links:
        out += [html.H4("Analyst-asserted links"), html.Ul(links)]
    return out


def panel(store: GraphReader, entity_id: str) -> html.Details | html.Div:
    """The panel; its form lists the cases. Nothing when the store cannot keep cases (a read-only reader)."""
    if not keeps_cases(store):
        return html.Div(id=PANEL_ID, hidden=True)
    cases = guarded(lambda: list_cases(case_store(store)), back_to_search=False)
    options = [{"label": c.title, "value": c.id} for c in cases] if isinstance(cases, list) else []
    return html.Details(
        [
            html.Summary("Notes"),
            dcc.Store(id=wid(ENTITY_STORE), data=entity_id),
            html.Div(
                guarded(lambda: notes_children(store, entity_id), back_to_search=False),
                id=wid("entity-notes"),
                className="entity-notes",
            ),
            dcc.Dropdown(
                id=wid("entity-note-case"),
                className="entity-note-case",
                options=options,
                value=options[-1]["value"] if options else None,
                placeholder="Case",
                clearable=False,
            ),
            *note_form(
                "entity",
                "Write a note on this entity",
                html.Button("Pin to case", id=wid("entity-pin-button"), className="entity-pin-button", n_clicks=0),
            ),
        ],
        id=PANEL_ID,
        open=True,
        className="notes-panel",
    )


def act(store: GraphReader, trigger: Any, case_id: Any, text: Any, entity_id: Any) -> tuple[Any, Any, Any]:
    """Callback: add the note or pin the entity; the notes again, a sentence, the text box (emptied after a note)."""
    if not isinstance(case_id, str) or not case_id:
        return dash.no_update, "Choose a case first (create one on the Cases page).", dash.no_update
    records = case_store(store)
    if trigger == "entity-pin-button" or (isinstance(trigger, dict) and trigger.get("type") == "entity-pin-button"):
        done = guarded(lambda: pin(records, case_id, [str(entity_id)]), back_to_search=False)
        message: Any = done if isinstance(done, html.Div) else "Pinned to the case."
        return dash.no_update, message, dash.no_update
    note = guarded(
        lambda: add_note(records, case_id, str(text or ""), case_user(), target=str(entity_id)),
        back_to_search=False,
    )
    if isinstance(note, html.Div):
        return dash.no_update, note, dash.no_update
    return guarded(lambda: notes_children(store, str(entity_id)), back_to_search=False), "Note added.", ""


def register_callbacks(app: dash.Dash, store: GraphReader) -> None:
    @app.callback(
        Output(wid("entity-notes", ALL), "children"),
        Output(wid("entity-note-message", ALL), "children"),
        Output(wid("entity-note-text", ALL), "value"),
        Input(wid("entity-note-button", ALL), "n_clicks"),
        Input(wid("entity-pin-button", ALL), "n_clicks"),
        State(wid("entity-note-case", ALL), "value"),
        State(wid("entity-note-text", ALL), "value"),
        State(wid(ENTITY_STORE, ALL), "data"),
        prevent_initial_call=True,
    )
    def _act(notes: Any, pins: Any, case_ids: Any, texts: Any, entity_ids: Any) -> tuple[Any, ...]:
        if not any(notes or ()) and not any(pins or ()):
            raise PreventUpdate
        done = act(store, dash.ctx.triggered_id, first_of(case_ids), first_of(texts), first_of(entity_ids))
        return spread(done, notes, (0, 1, 2))
