"""The search page, ``/``: a search box, facets, sorting and a table of matches. ``/?q=kim`` is the shareable form
of a search; facets and the sort order are in the URL too (``&kind=Person&country=North Korea (KP)&sort=name``).

The URL is the single source of truth: submitting the box changes ``?q=``, and the page is rendered from it.
One store call per page (the search; plus one when wallets are among the hits, to mark listed addresses). Facets
and sorting work on the hits read (the first ``SEARCH_LIMIT``), counted and filtered in Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import dash
from dash import Input, Output, State, dcc, html

from dashboard import context
from dashboard.components import badges, guarded
from dashboard.details import dataset_caption
from dashboard.formatting import entity_href, format_country, kind_caption
from graph import GraphReader, Prop, SearchHit, entity_listings, listed_status, lookup_key, with_listings

SEARCH_LIMIT = 50
PLACEHOLDER = "Name, alias, passport or registration number, wallet address…"
HEADERS = ("Name", "Kind", "Born", "Countries", "Programs", "Dataset", "Id", "Status", "Matched on")

#: Facets: URL parameter -> (title, the values of a hit).
FACETS: dict[str, tuple[str, Callable[[SearchHit], list[str]]]] = {}
#: Sort orders: URL value -> (caption, key); 'relevance' keeps the store's order.
SORTS: dict[str, tuple[str, Callable[[SearchHit], Any] | None]] = {}


def _list(raw: Any) -> list[str]:
    if raw is None or raw == "":
        return []
    return [str(v) for v in raw] if isinstance(raw, list | tuple) else [str(raw)]


def standing(hit: SearchHit) -> str:
    """'sanctioned', 'listed address' or 'not sanctioned' (the sanctioned facet)."""
    if hit.entity.sanctioned:
        return "sanctioned"
    return "listed address" if entity_listings(hit.entity) else "not sanctioned"


FACETS.update(
    {
        "kind": ("Kind", lambda h: [kind_caption(h.entity.kind)]),
        "country": ("Country", lambda h: list(dict.fromkeys(format_country(c) for c in h.entity.countries))),
        "program": ("Program", lambda h: _list(h.entity.properties.get(Prop.PROGRAMS.value))),
        "dataset": ("Dataset", lambda h: _list(h.entity.properties.get(Prop.DATASETS.value))),
        "sanctioned": ("Sanctioned", lambda h: [standing(h)]),
    }
)
SORTS.update(
    {
        "relevance": ("relevance", None),
        "name": ("name", lambda h: h.entity.name.casefold()),
        "kind": ("kind", lambda h: kind_caption(h.entity.kind)),
        "country": ("country", lambda h: ", ".join(FACETS["country"][1](h)) or "~"),
        "born": ("birth date", lambda h: str(h.entity.properties.get(Prop.BIRTH_DATE.value) or "~")),
    }
)


def query_text(q: Any) -> str:
    """The query from the URL's ``q`` (a list when repeated: the first counts)."""
    if isinstance(q, list):
        q = q[0] if q else ""
    return str(q or "").strip()


def search_href(query: str, params: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(pathname, search) of the page showing the results for ``query`` (with facets and sort in ``params``)."""
    query = query.strip()
    extra = {k: v for k, v in (params or {}).items() if v and k in (*FACETS, "sort")}
    return "/", ("?" + urlencode({"q": query, **extra}) if query else "")


def chosen(params: Mapping[str, Any]) -> dict[str, str]:
    """The facets and sort order a URL asks for (unknown ones left out)."""
    out = {k: query_text(params.get(k)) for k in FACETS if query_text(params.get(k))}
    sort = query_text(params.get("sort"))
    if sort in SORTS and sort != "relevance":
        out["sort"] = sort
    return out


def facet_counts(hits: Sequence[SearchHit]) -> dict[str, list[tuple[str, int]]]:
    """Per facet, its values among the hits with how many hits have each, most first."""
    out: dict[str, list[tuple[str, int]]] = {}
    for key, (_, values) in FACETS.items():
        counts = Counter(v for h in hits for v in dict.fromkeys(values(h)))
        out[key] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return out


def filter_hits(hits: Sequence[SearchHit], picked: Mapping[str, str]) -> list[SearchHit]:
    """The hits that have every picked facet value."""
    return [h for h in hits if all(v in FACETS[k][1](h) for k, v in picked.items() if k in FACETS)]


def sort_hits(hits: Sequence[SearchHit], sort: str) -> list[SearchHit]:
    key = SORTS.get(sort, ("", None))[1]
    return sorted(hits, key=key) if key else list(hits)


def shown_match(hit: SearchHit) -> str:
    """What the hit matched, as the analyst reads it: nothing for the name itself; for an identifier hit (its
    lookup key, e.g. '836410021') the entity's identifier that holds it ('Passport: 836410021')."""
    e = hit.entity
    if hit.matched == e.name:
        return ""
    if hit.reason == "identifier":
        held = [str(i) for i in _list(e.properties.get(Prop.IDENTIFIERS.value)) if hit.matched in lookup_key(str(i))]
        return held[0] if held else hit.matched
    return hit.matched


def _result_row(hit: SearchHit) -> html.Tr:
    e = hit.entity
    p = e.properties
    matched = shown_match(hit)
    listed = listed_status(e)
    status: list[Any] = list(badges(e.sanctioned, bool(p.get(Prop.FRONT.value))))
    if listed:
        status += [html.Span("LISTED ADDRESS", className="badge badge-listed"), html.Span(listed, className="listed")]
    datasets = _list(p.get(Prop.DATASETS.value))
    return html.Tr(
        [
            html.Td(dcc.Link(e.name, href=entity_href(e.id), className="result-link")),
            html.Td(kind_caption(e.kind)),
            html.Td(str(p.get(Prop.BIRTH_DATE.value) or ""), className="born"),
            html.Td(", ".join(FACETS["country"][1](hit))),
            html.Td(", ".join(_list(p.get(Prop.PROGRAMS.value))), className="programs"),
            html.Td([html.Span(d, title=dataset_caption(d)) for d in datasets], className="datasets"),
            html.Td(html.Code(e.id), className="entity-id"),
            html.Td(status, className="status"),
            html.Td([html.Span(hit.reason, className="reason"), f" {matched}" if matched else ""]),
        ],
        className="result sanctioned" if e.sanctioned or listed else "result",
    )


def facets_panel(query: str, hits: Sequence[SearchHit], picked: Mapping[str, str]) -> html.Div:
    """Facet links (each a URL) with counts, the picked ones as removable chips, and the sort links."""
    groups: list[Any] = []
    for key, values in facet_counts(hits).items():
        if not values:
            continue
        title = FACETS[key][0]
        items = []
        for value, n in values[:12]:
            on = picked.get(key) == value
            params = {**picked, key: "" if on else value}
            items.append(
                html.Li(
                    dcc.Link(
                        f"{value} ({n})" if not on else f"{value} (remove)",
                        href="".join(search_href(query, params)),
                        className="facet-value facet-on" if on else "facet-value",
                    )
                )
            )
        groups.append(html.Div([html.H4(title), html.Ul(items)], className=f"facet facet-{key}"))
    current = picked.get("sort", "relevance")
    sorts = [
        dcc.Link(
            caption,
            href="".join(search_href(query, {**picked, "sort": "" if key == "relevance" else key})),
            className="sort-link sort-on" if key == current else "sort-link",
        )
        for key, (caption, _) in SORTS.items()
    ]
    return html.Div(
        [html.Div([html.Span("Sort by ", className="sort-label"), *sorts], className="sorts"), *groups],
        id="search-facets",
        className="facets",
    )


def results_table(query: str, hits: list[SearchHit], picked: Mapping[str, str] | None = None) -> list[Any]:
    """What ``#search-results`` shows for ``hits``: a sentence, the facets and sorting, then the table."""
    if not hits:
        return [html.P(f"No entity matches '{query}'.", className="no-results")]
    picked = dict(picked or {})
    shown = sort_hits(filter_hits(hits, picked), picked.get("sort", "relevance"))
    if len(hits) >= SEARCH_LIMIT:
        summary = f"Showing the first {len(hits)} matches for '{query}'. Add words to narrow the search."
    else:
        summary = f"{len(hits)} {'entity matches' if len(hits) == 1 else 'entities match'} '{query}'."
    if len(shown) != len(hits):
        summary += f" {len(shown)} with the facets picked."
    head = html.Thead(html.Tr([html.Th(t) for t in HEADERS]))
    return [
        html.P(summary, className="results-summary"),
        facets_panel(query, hits, picked),
        html.Table([head, html.Tbody([_result_row(h) for h in shown])], className="results-table"),
    ]


def _search(store: GraphReader, query: str) -> list[SearchHit]:
    """The store's hits, listed wallets marked (graph.with_listings: one more call only when wallets are hit)."""
    hits = store.search(query, SEARCH_LIMIT)
    marked = with_listings(store, [h.entity for h in hits]) if any(h.entity.kind == "Wallet" for h in hits) else []
    return [SearchHit(e, h.matched, h.reason) for h, e in zip(hits, marked, strict=True)] if marked else hits


def render_results(store: GraphReader, query: str, picked: Mapping[str, str] | None = None) -> Any:
    """``#search-results`` for ``query``: one store call; an empty query asks for nothing."""
    if not query:
        return html.P(
            "Type a name, an alias or an identifier (passport, registration number, IMO number, wallet address).",
            className="hint",
        )
    return guarded(lambda: results_table(query, _search(store, query), picked))


def render_search(store: GraphReader, q: Any = None, params: Mapping[str, Any] | None = None) -> html.Div:
    """The whole page for the URL's ``q`` and facets (at most one store call, two when wallets are hit)."""
    query = query_text(q)
    picked = chosen(params or {})
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
            html.Div(render_results(store, query, picked), id="search-results"),
        ],
        className="page page-search",
    )


def layout(q: Any = None, **params: Any) -> html.Div:
    """Dash pages calls this with the query string's parameters, while serving a request."""
    return render_search(context.current().store, q, params)


def submit_search(n_clicks: int | None, n_submit: int | None, value: str | None) -> tuple[str, str]:
    """Callback: the button or Enter in the box → the search's URL (which renders the results; facets reset)."""
    if not n_clicks and not n_submit:
        raise dash.exceptions.PreventUpdate
    return search_href(value or "")


def register_callbacks(app: dash.Dash) -> None:
    """The search page's box and the navigation bar's (``nav-search-…``) both submit a search."""
    for box in ("search", "nav-search"):
        app.callback(
            Output("url", "pathname", allow_duplicate=True),
            Output("url", "search", allow_duplicate=True),
            Input(f"{box}-button", "n_clicks"),
            Input(f"{box}-input", "n_submit"),
            State(f"{box}-input", "value"),
            prevent_initial_call=True,
        )(submit_search)
