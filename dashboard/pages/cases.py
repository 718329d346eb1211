"""The cases pages: ``/cases`` (every case, a badge on those a rescreen found changed, a form for a new one) and
``/case/<id>`` (pinned entities, saved views, the changes of the last rescreen, notes with a form, analyst-asserted
links, attached screening runs).

Cases are the dashboard's own writes (with SAME_AS judgements): through graph's cases functions on the served store
when it can keep records (a ``GraphStore`` can), as the logged-in user (``case_user``).
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import quote, unquote

import dash
import flask
from dash import ALL, Input, Output, State, dcc, html

from dashboard import context
from dashboard.auth import Role, require_role
from dashboard.components import error_alert, guarded
from dashboard.formatting import entity_href, plural
from dashboard.pages.case_pack import pack_download
from graph import (
    Case,
    CaseStore,
    GraphReader,
    SanctionsGraphError,
    add_note,
    asserted_links,
    get_case,
    list_cases,
    new_case,
    notes_of,
    query_log,
    runs_of,
)

DEFAULT_USER = "analyst"
#: The cookie naming the case the analyst works in (its pages' queries are logged in it: case_log.py).
CASE_COOKIE = "sg_case"


def case_user() -> str:
    """Who writes: the web server's REMOTE_USER, else the logged-in user (who must be an analyst), else "analyst"
    (outside a request, e.g. a callback called as a function)."""
    if not flask.has_request_context():
        return DEFAULT_USER
    remote = flask.request.environ.get("REMOTE_USER")
    return str(remote) if remote else require_role(Role.ANALYST).name or DEFAULT_USER


def current_case() -> str | None:
    """The case the analyst works in (chosen on its page), or None (also outside a request)."""
    if not flask.has_request_context():
        return None
    return flask.request.cookies.get(CASE_COOKIE) or None


def wid(kind: str, key: Any = "") -> dict[str, Any]:
    """A component id of these pages: pattern-matching, so a callback whose components are not on the page shown
    is not an error (callbacks take ALL of them: a list of none or one)."""
    return {"type": kind, "key": key}


def first_of(values: Any) -> Any:
    return values[0] if isinstance(values, list) and values else None


def spread(result: tuple[Any, ...], inputs: Any, outputs: tuple[int, ...]) -> tuple[Any, ...]:
    """A single-component callback's result spread over ALL-wildcard outputs (as many as ``inputs``)."""
    n = len(inputs) if isinstance(inputs, list) else 0
    return tuple([value] * n if i in outputs else value for i, value in enumerate(result))


def case_href(case_id: str) -> str:
    return f"/case/{quote(case_id, safe='')}"


def keeps_cases(store: GraphReader) -> bool:
    return callable(getattr(store, "put_records", None))


def case_store(store: GraphReader) -> CaseStore:
    """The served store as one that keeps cases; a sentence when it cannot."""
    if not keeps_cases(store):
        raise SanctionsGraphError("This dashboard's store is read-only: cases cannot be kept here.")
    return cast(CaseStore, store)


def changed_badge(case: Case) -> html.Span | None:
    if not case.changes:
        return None
    n = len(case.changes)
    return html.Span(
        plural(n, "1 change", f"{n} changes"), className="badge badge-changed", title=f"at {case.rescreened_at}"
    )


# --- /cases -------------------------------------------------------------------------------------------------


def case_rows(store: GraphReader) -> list[Any]:
    cases = list_cases(case_store(store))
    if not cases:
        return [html.P("No case yet: name one above to start.", className="no-results")]
    changed = sum(1 for c in cases if c.changes)
    head = html.P(
        f"{plural(len(cases), '1 case', f'{len(cases)} cases')}"
        + (f", {changed} changed at the last rescreen" if changed else ""),
        className="summary",
        id="cases-count",
    )
    rows = [
        html.Tr(
            [
                html.Td([dcc.Link(c.title, href=case_href(c.id), className="case-title"), " ", changed_badge(c)]),
                html.Td(c.created_by),
                html.Td(c.created_at),
                html.Td(str(len(c.pinned))),
            ],
            className="case-row",
        )
        for c in cases
    ]
    header = html.Tr([html.Th("Case"), html.Th("Created by"), html.Th("Created at"), html.Th("Pinned")])
    return [head, html.Table([html.Thead(header), html.Tbody(rows)], className="cases-table")]


def cases_layout(**_: Any) -> html.Div:
    store = context.current().store
    return html.Div(
        [
            html.H1("Cases"),
            html.P(
                "A case keeps an investigation: pinned entities, saved views, notes and screening runs. "
                "`sanctions-graph rescreen` after a load marks the cases whose picture changed.",
                className="hint",
            ),
            html.Div(
                [
                    dcc.Input(
                        id=wid("case-new-title"),
                        className="case-new-title",
                        type="text",
                        placeholder="Name of the new case",
                        maxLength=200,
                    ),
                    html.Button("New case", id=wid("case-new-button"), className="case-new-button", n_clicks=0),
                ],
                className="case-new",
            ),
            html.Div(id=wid("case-new-message"), className="case-new-message", role="status"),
            html.Div(
                None if context.validating() else guarded(lambda: case_rows(store), back_to_search=False),
                id="cases-list",
            ),
        ],
        className="page page-cases",
    )


def create_case(store: GraphReader, clicks: Any, title: Any) -> tuple[Any, Any]:
    """Callback: the new case's page (pathname), or no navigation and a sentence."""
    if not clicks:
        return dash.no_update, ""
    if not isinstance(title, str) or not title.strip():
        return dash.no_update, error_alert("Give the case a name.", back_to_search=False)
    created = guarded(lambda: new_case(case_store(store), title, case_user()), back_to_search=False)
    if not isinstance(created, Case):
        return dash.no_update, created
    return case_href(created.id), ""


# --- /case/<id> ---------------------------------------------------------------------------------------------


def notes_list(store: GraphReader, case_id: str) -> list[Any]:
    notes = notes_of(case_store(store), case_id)
    if not notes:
        return [html.P("No note yet.", className="no-results")]
    items = []
    for n in notes:
        on: list[Any] = []
        if n.on == "entity":
            on = [" on ", dcc.Link(n.target, href=entity_href(n.target))]
        elif n.on == "relationship":
            on = [f" on relationship {n.target}"]
        items.append(html.Li([html.Span(f"{n.author}, {n.at}", className="note-meta"), *on, html.P(n.text)]))
    return [html.Ul(items, className="notes-list", id="case-notes-items")]


def note_form(prefix: str, placeholder: str, *buttons: Any) -> list[Any]:
    """A note's text box, its "Add note" button (then ``buttons``) and the sentence after, ids ``<prefix>-note-…``."""
    return [
        dcc.Textarea(
            id=wid(f"{prefix}-note-text"), className=f"{prefix}-note-text", placeholder=placeholder,
            style={"width": "100%"},
        ),
        html.Button("Add note", id=wid(f"{prefix}-note-button"), className=f"{prefix}-note-button", n_clicks=0),
        *buttons,
        html.Div(id=wid(f"{prefix}-note-message"), className=f"{prefix}-note-message", role="status"),
    ]  # fmt: skip


def note_outputs(prefix: str) -> list[Output]:
    """The outputs of a note form's callback (``note_form``): the notes shown (``<prefix>-notes``), the sentence and
    the text box, each over ALL of its components (none or one on the page shown; ``spread`` fills them)."""
    return [
        Output(wid(f"{prefix}-notes", ALL), "children"),
        Output(wid(f"{prefix}-note-message", ALL), "children"),
        Output(wid(f"{prefix}-note-text", ALL), "value"),
    ]


def _section(title: str, children: list[Any], **kwargs: Any) -> html.Section:
    return html.Section([html.H2(title), *children], className="case-section", **kwargs)


def case_body(store: GraphReader, case_id: str) -> list[Any]:
    records = case_store(store)
    case = get_case(records, case_id)
    names = {e.id: e.name for e in store.get_entities(case.pinned)} if case.pinned else {}
    pinned = [
        html.Li([dcc.Link(names.get(i, i), href=entity_href(i)), html.Span(f" {i}", className="muted")])
        if i in names
        else html.Li(f"{i} (not in the graph now)")
        for i in case.pinned
    ]
    views = [html.Li(html.A(v.name, href=v.url)) for v in case.views]
    changes = [html.Li(str(c.get("text", "")), className="case-change") for c in case.changes]
    links = [
        html.Li(
            [
                dcc.Link(a.source, href=entity_href(a.source)),
                html.Span(f" —{a.label}→ ", className="asserted-link"),
                dcc.Link(a.target, href=entity_href(a.target)),
                html.Span(f" analyst-asserted by {a.author}, {a.at}: {a.source_text}", className="muted"),
            ]
        )
        for a in asserted_links(records, case_id)
    ]
    runs = [
        html.Li(f"{r.filename} ({r.format}), attached by {r.attached_by} at {r.at}") for r in runs_of(records, case_id)
    ]
    header = html.Div(
        [
            html.H1([case.title, " ", changed_badge(case)]),
            html.P(f"{case.id} · created by {case.created_by} at {case.created_at}", className="muted"),
            html.Button("Download evidence pack", id=wid("case-pack-button"), className="case-pack-button", n_clicks=0),
            dcc.Download(id=wid("case-pack-download")),
        ]
    )
    out: list[Any] = [header]
    if changes:
        out.append(
            _section(f"Changed at the last rescreen ({case.rescreened_at})", [html.Ul(changes)], id="case-changes")
        )
    out += [
        _section(f"Pinned entities ({len(pinned)})", [html.Ul(pinned)] if pinned else [html.P("None pinned.")]),
        _section("Saved views", [html.Ul(views)] if views else [html.P("No saved view.")]),
        _section(
            "Notes",
            [
                html.Div(notes_list(store, case_id), id=wid("case-notes"), className="case-notes"),
                *note_form("case", "Write a note on the case"),
            ],
        ),
        _section("Analyst-asserted links", [html.Ul(links)] if links else [html.P("None.")]),
        _section("Screening runs", [html.Ul(runs)] if runs else [html.P("None attached.")]),
        _section("Query log", query_log_children(records, case_id), id="case-query-log"),
    ]
    return out


def query_log_children(store: CaseStore, case_id: str) -> list[Any]:
    """The queries made in the case, and the button that makes it the case the analyst's queries are logged in."""
    working = current_case() == case_id
    queries = query_log(store, case_id)
    rows = [html.Tr([html.Td(q.at), html.Td(f"{q.user} ({q.via})"), html.Td(q.what), html.Td(str(q.results))])
            for q in queries]  # fmt: skip
    header = html.Tr([html.Th("At"), html.Th("By"), html.Th("Query"), html.Th("Results")])
    table: list[Any] = [html.Table([html.Thead(header), html.Tbody(rows)], className="query-log")] if rows else []
    return [
        html.P(
            "Searches, entity views, paths and traces you open are logged in this case."
            if working
            else "Work in this case to log the searches, entity views, paths and traces you open in it.",
            className="hint",
        ),
        html.Button(
            "Stop logging in this case" if working else "Work in this case",
            id=wid("case-work-button"),
            className="case-work-button",
            n_clicks=0,
        ),
        html.Span(id=wid("case-work-message"), className="case-work-message", role="status"),
        *(table or [html.P("No query logged yet (`sanctions-graph case log ID --replay` replays them).")]),
    ]


def download_pack(store: GraphReader, clicks: Any, case_id: Any) -> dict[str, Any]:
    """Callback: the case's evidence pack (one HTML file, its graph drawn in it) as a download."""
    if not clicks or not isinstance(case_id, str):
        raise dash.exceptions.PreventUpdate
    return pack_download(case_store(store), case_id)


def work_in(clicks: Any, case_id: Any) -> str:
    """Callback: make the case the one the analyst works in (a cookie), or stop when it already is."""
    if not clicks or not isinstance(case_id, str):
        raise dash.exceptions.PreventUpdate
    response = dash.ctx.response
    if current_case() == case_id:
        response.delete_cookie(CASE_COOKIE, path="/")
        return "Queries are no longer logged in this case (reload to see the log)."
    response.set_cookie(CASE_COOKIE, case_id, path="/", httponly=True, samesite="Lax")
    return "Queries you make from now on are logged in this case."


def case_layout(case_id: str | None = None, **_: Any) -> html.Div:
    if case_id is None:  # Dash's callback validation asks for every page without arguments
        return html.Div()
    store = context.current().store
    wanted = unquote(case_id)
    body = guarded(lambda: case_body(store, wanted), back_to_search=False)
    return html.Div(
        [dcc.Store(id=wid("case-id"), data=wanted), *(body if isinstance(body, list) else [body])],
        className="page page-case",
    )


def case_title(case_id: str | None = None, **_: Any) -> str:
    return f"{unquote(case_id or '')} · case"


def write_note(store: GraphReader, clicks: Any, text: Any, case_id: Any) -> tuple[Any, Any, Any]:
    """Callback: add the note, then the notes again, a sentence, and the text box emptied (or kept on error)."""
    if not clicks or not isinstance(case_id, str):
        return dash.no_update, "", dash.no_update
    note = guarded(lambda: add_note(case_store(store), case_id, str(text or ""), case_user()), back_to_search=False)
    if isinstance(note, html.Div):
        return dash.no_update, note, dash.no_update
    return guarded(lambda: notes_list(store, case_id), back_to_search=False), "Note added.", ""


def register_callbacks(app: dash.Dash, store: GraphReader) -> None:
    app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Output(wid("case-new-message", ALL), "children"),
        Input(wid("case-new-button", ALL), "n_clicks"),
        State(wid("case-new-title", ALL), "value"),
        prevent_initial_call=True,
    )(lambda clicks, titles: spread(create_case(store, first_of(clicks), first_of(titles)), clicks, outputs=(1,)))
    app.callback(
        Output(wid("case-pack-download", ALL), "data"),
        Input(wid("case-pack-button", ALL), "n_clicks"),
        State(wid("case-id", ALL), "data"),
        prevent_initial_call=True,
    )(lambda clicks, ids: spread((download_pack(store, first_of(clicks), first_of(ids)),), clicks, (0,))[0])
    app.callback(
        Output(wid("case-work-message", ALL), "children"),
        Input(wid("case-work-button", ALL), "n_clicks"),
        State(wid("case-id", ALL), "data"),
        prevent_initial_call=True,
    )(lambda clicks, ids: spread((work_in(first_of(clicks), first_of(ids)),), clicks, (0,))[0])
    app.callback(
        *note_outputs("case"),
        Input(wid("case-note-button", ALL), "n_clicks"),
        State(wid("case-note-text", ALL), "value"),
        State(wid("case-id", ALL), "data"),
        prevent_initial_call=True,
    )(
        lambda clicks, text, ids: spread(
            write_note(store, first_of(clicks), first_of(text), first_of(ids)), clicks, (0, 1, 2)
        )
    )


__all__ = [
    "case_href",
    "case_layout",
    "case_store",
    "case_title",
    "case_user",
    "cases_layout",
    "current_case",
    "first_of",
    "keeps_cases",
    "note_form",
    "note_outputs",
    "register_callbacks",
    "spread",
    "wid",
]
