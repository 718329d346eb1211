"""The Dash app: ``create_app(store)`` builds it; pages ``/`` (search) and ``/entity/<id>?hops=2`` (entity).

The dashboard only reads, through graph's public ``GraphReader`` interface; it never sees a driver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import dash
from dash import Dash, dcc, html

import dashboard.entity.notes_panel as entity_notes
import dashboard.pages.cases as case_pages
from dashboard import context, fast_json, request_gc
from dashboard.auth import Security, protect
from dashboard.entity import callbacks as entity_callbacks
from dashboard.entity import layout as entity
from dashboard.entity import prefetch as entity_prefetch
from dashboard.entity import review_panel
from dashboard.pages import analysis, case_log, not_found, paths, report, review, screen, search
from dashboard.theme import INDEX_STRING
from graph import GraphReader

NAV_PLACEHOLDER = "Search names, aliases, identifiers…"


def navbar(title: str, sign_out: bool = False) -> html.Header:
    return html.Header(
        [
            dcc.Link(title, href="/", className="brand"),
            *(dcc.Link(name, href=href, className="nav-link", style={"color": "#fff"}) for name, href in NAV_LINKS),
            html.Div(
                [
                    dcc.Input(
                        id="nav-search-input",
                        type="search",
                        placeholder=NAV_PLACEHOLDER,
                        autoComplete="off",
                    ),
                    html.Button("Search", id="nav-search-button", n_clicks=0),
                ],
                className="nav-search",
                role="search",
            ),
            *([_sign_out_form()] if sign_out else []),
        ],
        className="navbar",
    )


def _sign_out_form() -> html.Form:
    return html.Form(
        html.Button("Sign out", id="sign-out-button", type="submit"),
        action="/logout",
        method="POST",
        className="nav-sign-out",
    )


def app_layout(title: str, sign_out: bool = False) -> html.Div:
    return html.Div(
        [
            # Callbacks navigate by writing to this location; Dash pages re-renders from the new URL.
            dcc.Location(id="url", refresh="callback-nav"),
            navbar(title, sign_out),
            html.Main(
                dcc.Loading(
                    dash.page_container,
                    target_components=cast(Any, {"_pages_content": "children"}),
                    delay_show=400,
                    overlay_style={"visibility": "visible", "opacity": 0.6},
                    type="circle",
                )
            ),
        ]
    )


#: Every page: its module name for Dash, its address (a template when it holds ``<…>``), its name, what its title
#: says before the app's (a function of the address's values, or nothing: the app's title alone) and its layout.
PAGES: tuple[tuple[str, str, str, str | Callable[..., str] | None, Callable[..., Any]], ...] = (
    ("dashboard.pages.search", "/", "Search", None, search.layout),
    ("dashboard.entity", "/entity/<entity_id>", "Entity", entity.title, entity.layout),
    ("dashboard.pages.paths", "/paths", "Paths", "Paths", paths.layout),
    ("dashboard.pages.report", "/report/<entity_id>", "Report", report.title, report.layout),
    ("dashboard.pages.trace", "/trace", "Trace", "Fund-flow trace", analysis.trace_layout),
    ("dashboard.pages.it_workers", "/it-workers", "IT workers", "IT-worker pattern", analysis.it_workers_layout),
    ("dashboard.pages.screen", "/screen", "Screen", "Screen", screen.layout),
    ("dashboard.pages.review", "/review", "Review", "Review", review.layout),
    ("dashboard.pages.cases", "/cases", "Cases", "Cases", case_pages.cases_layout),
    ("dashboard.pages.case", "/case/<case_id>", "Case", case_pages.case_title, case_pages.case_layout),
    ("dashboard.pages.not_found_404", "/not-found", "Not found", "Page not found", not_found.layout),
)

#: The navigation bar's links after the brand (which leads to the search page).
NAV_LINKS = (
    ("Paths", "/paths"),
    ("Trace", "/trace"),
    ("IT workers", "/it-workers"),
    ("Cases", "/cases"),
    ("Screen", "/screen"),
    ("Review", "/review"),
)


def _title(own: str | Callable[..., str] | None, title: str) -> str | Callable[..., str]:
    """A page's title: its own words, then the app's."""
    if own is None:
        return title
    if isinstance(own, str):
        return f"{own} · {title}"
    return lambda **kw: f"{own(**kw)} · {title}"


def _register_page(module: str, **kwargs: Any) -> None:
    register: Callable[..., None] = dash.register_page
    kwargs["layout"] = case_log.logged_layout(module, kwargs.get("layout"))  # its queries logged in the case worked in
    register(module, **kwargs)


def create_app(store: GraphReader, *, title: str = "sanctions-graph", security: Security | None = None) -> Dash:
    """A Dash app showing ``store``. Each app keeps its own store; several apps can live in one process.
    ``security``: users, allowed host names, session key (default: no users, loopback names only)."""
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        title=title,
        update_title="",  # no "Updating..." flicker in the tab
        suppress_callback_exceptions=False,
    )
    context.attach(app.server, context.DashboardContext(store=store))
    security = security or Security()
    protect(app, security, title)
    app.index_string = INDEX_STRING

    # Dash keeps pages in one process-wide registry: the layouts find this app's store through `context`.
    for module, path, name, own_title, layout in PAGES:
        where = {"path_template": path} if "<" in path else {"path": path}
        _register_page(module, name=name, title=_title(own_title, title), layout=layout, **where)
    app.layout = app_layout(title, sign_out=security.users is not None)

    search.register_callbacks(app)  # the search page's box and the navigation bar's
    entity_callbacks.register_callbacks(app, store)
    paths.register_callbacks(app, store)
    report.register_callbacks(app)
    analysis.register_callbacks(app, store)
    case_pages.register_callbacks(app, store)  # /cases, /case/<id>
    entity_notes.register_callbacks(app, store)  # the entity page's notes panel
    screen.register_callbacks(app, store)
    review.register_callbacks(app, store)
    review_panel.register_callbacks(app, store)  # the entity page's same-as candidates
    # the entity page read while the browser loads the app (dashboard/entity/prefetch.py)
    entity_prefetch.install(app.server, lambda entity_id, query: entity.render_entity(store, entity_id, query))
    fast_json.install(app)  # the same JSON for less CPU (dashboard/fast_json.py)
    request_gc.install(app.server)  # no cyclic collection while a request is answered (dashboard/request_gc.py)
    return app
