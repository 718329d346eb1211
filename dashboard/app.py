"""The Dash app: ``create_app(store)`` builds it; pages ``/`` (search) and ``/entity/<id>?hops=2`` (entity).

The dashboard only reads, through graph's public ``GraphReader`` interface; it never sees a driver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import dash
from dash import Dash, Input, Output, State, dcc, html

import dashboard.entity.notes_panel as entity_notes
import dashboard.pages.cases as case_pages
from dashboard import context
from dashboard.auth import Security, protect
from dashboard.entity import callbacks as entity_callbacks
from dashboard.entity import layout as entity
from dashboard.entity import review_panel
from dashboard.pages import analysis, not_found, paths, report, review, screen, search
from dashboard.theme import INDEX_STRING
from graph import GraphReader

NAV_PLACEHOLDER = "Search names, aliases, identifiers…"


def navbar(title: str, sign_out: bool = False) -> html.Header:
    return html.Header(
        [
            dcc.Link(title, href="/", className="brand"),
            dcc.Link("Paths", href="/paths", className="nav-link", style={"color": "#fff"}),
            dcc.Link("Trace", href="/trace", className="nav-link", style={"color": "#fff"}),
            dcc.Link("IT workers", href="/it-workers", className="nav-link", style={"color": "#fff"}),
            dcc.Link("Cases", href="/cases", className="nav-link", style={"color": "#fff"}),
            dcc.Link("Screen", href="/screen", className="nav-link", style={"color": "#fff"}),
            dcc.Link("Review", href="/review", className="nav-link", style={"color": "#fff"}),
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


def _register_page(module: str, **kwargs: Any) -> None:
    register: Callable[..., None] = dash.register_page
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
    _register_page("dashboard.pages.search", path="/", name="Search", title=title, layout=search.layout)
    _register_page(
        "dashboard.entity",
        path_template="/entity/<entity_id>",
        name="Entity",
        title=lambda **kw: f"{entity.title(**kw)} · {title}",
        layout=entity.layout,
    )
    _register_page(
        "dashboard.pages.paths",
        path="/paths",
        name="Paths",
        title=f"Paths · {title}",
        layout=paths.layout,
    )
    _register_page(
        "dashboard.pages.report",
        path_template="/report/<entity_id>",
        name="Report",
        title=lambda **kw: f"{report.title(**kw)} · {title}",
        layout=report.layout,
    )
    _register_page(
        "dashboard.pages.trace",
        path="/trace",
        name="Trace",
        title=f"Fund-flow trace · {title}",
        layout=analysis.trace_layout,
    )
    _register_page(
        "dashboard.pages.it_workers",
        path="/it-workers",
        name="IT workers",
        title=f"IT-worker pattern · {title}",
        layout=analysis.it_workers_layout,
    )
    _register_page(
        "dashboard.pages.screen", path="/screen", name="Screen", title=f"Screen · {title}", layout=screen.layout
    )
    _register_page(
        "dashboard.pages.review", path="/review", name="Review", title=f"Review · {title}", layout=review.layout
    )
    _register_page(
        "dashboard.pages.cases", path="/cases", name="Cases", title=f"Cases · {title}", layout=case_pages.cases_layout
    )
    _register_page(
        "dashboard.pages.case",
        path_template="/case/<case_id>",
        name="Case",
        title=lambda **kw: f"{case_pages.case_title(**kw)} · {title}",
        layout=case_pages.case_layout,
    )
    _register_page(
        "dashboard.pages.not_found_404",
        path="/not-found",
        name="Not found",
        title=f"Page not found · {title}",
        layout=not_found.layout,
    )
    app.layout = app_layout(title, sign_out=security.users is not None)

    search.register_callbacks(app)
    entity_callbacks.register_callbacks(app, store)
    paths.register_callbacks(app, store)
    report.register_callbacks(app)
    analysis.register_callbacks(app, store)
    case_pages.register_callbacks(app, store)  # /cases, /case/<id>
    entity_notes.register_callbacks(app, store)  # the entity page's notes panel
    screen.register_callbacks(app, store)
    review.register_callbacks(app, store)
    review_panel.register_callbacks(app, store)  # the entity page's same-as candidates
    app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Output("url", "search", allow_duplicate=True),
        Input("nav-search-button", "n_clicks"),
        Input("nav-search-input", "n_submit"),
        State("nav-search-input", "value"),
        prevent_initial_call=True,
    )(search.submit_search)
    return app
