"""The search page, ``/``: a search box and a table of matches. ``/?q=kim`` is the shareable form of a search.

The URL is the single source of truth: submitting the box changes ``?q=``, and the page is rendered from it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
from dash import Input, Output, State, dcc, html

from dashboard import context
from dashboard.components import badges, guarded
from dashboard.formatting import entity_href, format_country, kind_caption
from graph import GraphReader, SearchHit

SEARCH_LIMIT = 50
PLACEHOLDER = "Name, alias, passport or registration number, wallet address…"


def query_text(q: Any) -> str:
    """The query from the URL's ``q`` (a list when repeated: the first counts)."""
    if isinstance(q, list):
        q = q[0] if q else ""
    return str(q or "").strip()


def search_href(query: str) -> tuple[str, str]:
    """(pathname, search) of the page showing the results for ``query``."""
    query = query.strip()
    return "/", ("?" + urlencode({"q": query}) if query else "")


def _result_row(hit: SearchHit) -> html.Tr:
    e = hit.entity
    matched = "" if hit.matched == e.name else hit.matched
    return html.Tr(
        [
            html.Td(dcc.Link(e.name, href=entity_href(e.id), className="result-link")),
            html.Td(kind_caption(e.kind)),
            html.Td(", ".join(format_country(c) for c in e.countries)),
            html.Td(badges(e.sanctioned, bool(e.properties.get("front")))),
            html.Td([html.Span(hit.reason, className="reason"), f" {matched}" if matched else ""]),
        ],
        className="result sanctioned" if e.sanctioned else "result",
    )


def results_table(query: str, hits: list[SearchHit]) -> list[Any]:
    """What ``#search-results`` shows for ``hits``: a sentence, then the table."""
    if not hits:
        return [html.P(f"No entity matches '{query}'.", className="no-results")]
    if len(hits) >= SEARCH_LIMIT:
        summary = f"Showing the first {len(hits)} matches for '{query}'. Add words to narrow the search."
    else:
        summary = f"{len(hits)} {'entity matches' if len(hits) == 1 else 'entities match'} '{query}'."
    head = html.Thead(html.Tr([html.Th(t) for t in ("Name", "Kind", "Countries", "Status", "Matched on")]))
    return [
        html.P(summary, className="results-summary"),
        html.Table([head, html.Tbody([_result_row(h) for h in hits])], className="results-table"),
    ]


def render_results(store: GraphReader, query: str) -> Any:
    """``#search-results`` for ``query``: one store call; an empty query asks for nothing."""
    if not query:
        return html.P(
            "Type a name, an alias or an identifier (passport, registration number, IMO number, wallet address).",
            className="hint",
        )
    return guarded(lambda: results_table(query, store.search(query, SEARCH_LIMIT)))


def render_search(store: GraphReader, q: Any = None) -> html.Div:
    """The whole page for the URL's ``q`` (at most one store call)."""
    query = query_text(q)
    return html.Div(
        [
            html.H1("Search the graph"),
            html.Div(
                [
                    dcc.Input(
                        id="search-input",
                        type="search",
                        value=query,
                        placeholder=PLACEHOLDER,
                        autoFocus=True,
                        autoComplete="off",
                        className="search-input",
                    ),
                    html.Button("Search", id="search-button", n_clicks=0, className="button"),
                ],
                className="search-form",
                role="search",
            ),
            html.Div(render_results(store, query), id="search-results"),
        ],
        className="page page-search",
    )


def layout(q: Any = None, **_: Any) -> html.Div:
    """Dash pages calls this with the query string's parameters, while serving a request."""
    return render_search(context.current().store, q)


def submit_search(n_clicks: int | None, n_submit: int | None, value: str | None) -> tuple[str, str]:
    """Callback: the button or Enter in the box → the search's URL (which renders the results)."""
    if not n_clicks and not n_submit:
        raise dash.exceptions.PreventUpdate
    return search_href(value or "")


def register_callbacks(app: dash.Dash) -> None:
    app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Output("url", "search", allow_duplicate=True),
        Input("search-button", "n_clicks"),
        Input("search-input", "n_submit"),
        State("search-input", "value"),
        prevent_initial_call=True,
    )(submit_search)
