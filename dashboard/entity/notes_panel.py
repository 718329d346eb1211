"""The entity page's "notes" panel: every case's notes on this entity and the analyst-asserted links touching it,
and a form to write a note in a case, pin the entity to it, or save the explorer's current view in it (graph's cases
functions, as the logged-in user). ``noted_ids`` feeds the canvas's marks ('noted-ids': entities and relationships a
case holds notes on, redrawn when a note is added)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import dash
from dash import ALL, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.components import guarded
from dashboard.entity import asserted
from dashboard.entity.view_state import ViewState, parse_view_state, view_state_to_query
from dashboard.formatting import entity_href
from dashboard.pages.cases import (
    case_href,
    case_store,
    case_user,
    first_of,
    keeps_cases,
    note_form,
    note_outputs,
    spread,
    wid,
)
from graph import GraphReader, add_note, asserted_links, list_cases, noted_targets, notes_on, pin, save_view

PANEL_ID = "notes-panel"
ENTITY_STORE = "notes-entity"
NOTED_STORE = "noted-ids"  # a plain dcc.Store of the entity page (layout._stores), an input of its redraw


def noted_ids(store: GraphReader) -> list[str]:
    """Ids of the entities and relationships any case holds a note on (none when the store keeps no cases)."""
    if not keeps_cases(store):
        return []
    found = guarded(lambda: noted_targets(case_store(store)), back_to_search=False)
    return found if isinstance(found, list) else []


def view_url(entity_id: str, view_json: Any, state_json: Any) -> str:
    """The entity page's address for the view shown now: the controls' state plus what the working graph carries
    into the URL (expansions page by page, opened groups, hidden, removed and pinned entities), as the page writes
    them into the address bar."""
    view = ViewState.from_json(view_json) if isinstance(view_json, dict) else parse_view_state(None)
    view = view.with_working_graph(state_json if isinstance(state_json, dict) else None)
    return f"/entity/{quote(entity_id, safe='')}{view_state_to_query(view, address=True)}"


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
                html.Button("Save view", id=wid("entity-view-button"), className="entity-view-button", n_clicks=0),
                dcc.Input(
                    id=wid("entity-view-name"),
                    className="entity-view-name",
                    placeholder="Name of the saved view (optional)",
                    type="text",
                ),
            ),
        ],
        id=PANEL_ID,
        open=True,
        className="notes-panel",
    )


def _pressed(trigger: Any, button: str) -> bool:
    return trigger == button or (isinstance(trigger, dict) and trigger.get("type") == button)


def save_current_view(store: GraphReader, case_id: str, entity_id: str, name: Any, view: Any, state: Any) -> Any:
    """Save the view shown now in the case (named, else by the entity and the time); a sentence."""
    url = view_url(entity_id, view, state)
    title = str(name or "").strip() or f"{entity_id} at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    done = guarded(lambda: save_view(case_store(store), case_id, title, url), back_to_search=False)
    if isinstance(done, html.Div):
        return done
    return ["View saved in the case as “", html.A(title, href=url), "”."]


def act(
    store: GraphReader,
    trigger: Any,
    case_id: Any,
    text: Any,
    entity_id: Any,
    view: tuple[Any, Any, Any] = (None, None, None),
) -> tuple[Any, Any, Any, Any]:
    """Callback: add the note, pin the entity or save the view (``view``: its name, the view state, the working
    graph); the notes again, a sentence, the text box (emptied after a note), the noted ids (after a note)."""
    keep = dash.no_update
    if not isinstance(case_id, str) or not case_id:
        return keep, "Choose a case first (create one on the Cases page).", keep, keep
    records = case_store(store)
    if _pressed(trigger, "entity-pin-button"):
        done = guarded(lambda: pin(records, case_id, [str(entity_id)]), back_to_search=False)
        message: Any = done if isinstance(done, html.Div) else "Pinned to the case."
        return keep, message, keep, keep
    if _pressed(trigger, "entity-view-button"):
        return keep, save_current_view(store, case_id, str(entity_id), *view), keep, keep
    note = guarded(
        lambda: add_note(records, case_id, str(text or ""), case_user(), target=str(entity_id)),
        back_to_search=False,
    )
    if isinstance(note, html.Div):
        return keep, note, keep, keep
    notes = guarded(lambda: notes_children(store, str(entity_id)), back_to_search=False)
    return notes, "Note added.", "", noted_ids(store)


def register_callbacks(app: dash.Dash, store: GraphReader) -> None:
    asserted.register_callbacks(app, store, lambda entity_id: notes_children(store, entity_id))  # "Remove this link"

    @app.callback(
        *note_outputs("entity"),
        Output(NOTED_STORE, "data"),
        Input(wid("entity-note-button", ALL), "n_clicks"),
        Input(wid("entity-pin-button", ALL), "n_clicks"),
        Input(wid("entity-view-button", ALL), "n_clicks"),
        State(wid("entity-note-case", ALL), "value"),
        State(wid("entity-note-text", ALL), "value"),
        State(wid(ENTITY_STORE, ALL), "data"),
        State(wid("entity-view-name", ALL), "value"),
        State("view-state", "data"),
        State("graph-state", "data"),
        prevent_initial_call=True,
    )
    def _act(
        notes: Any, pins: Any, saves: Any, case_ids: Any, texts: Any, entity_ids: Any, names: Any, view: Any, state: Any
    ) -> tuple[Any, ...]:
        if not any(notes or ()) and not any(pins or ()) and not any(saves or ()):
            raise PreventUpdate
        done = act(
            store,
            dash.ctx.triggered_id,
            first_of(case_ids),
            first_of(texts),
            first_of(entity_ids),
            (first_of(names), view, state),
        )
        return spread(done, notes, (0, 1, 2))
