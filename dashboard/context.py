"""Which store a request's pages read: a small registry kept on the app's own server, never a module global.

Dash keeps its page registry in one process-wide dict, so a layout function registered there cannot close over
one app's store safely (a second app in the same process would replace it). Layouts therefore look up the store
of the app that serves the current request; callbacks are registered on their app and close over its store.
"""

from __future__ import annotations

from dataclasses import dataclass

import flask

from graph import GraphReader

EXTENSION_KEY = "sanctions_graph_dashboard"


@dataclass(frozen=True)
class DashboardContext:
    store: GraphReader


def attach(server: flask.Flask, context: DashboardContext) -> None:
    server.extensions[EXTENSION_KEY] = context


#: The route of Dash's callbacks: Dash pages renders the page an analyst opens in one of them.
_CALLBACK_ROUTE = "/_dash-update-component"


def validating() -> bool:
    """Whether a page's layout is being called for Dash's validation layout rather than for an analyst: on the app's
    first request, whatever it is, Dash calls every page's layout without arguments to learn the component ids its
    callbacks may meet, and embeds the result in every page it serves afterwards. A layout whose content is an
    analysis of the whole graph (the IT-worker pattern) gives only its frame then; the page an analyst opens is
    rendered in Dash pages' callback, where this is False."""
    return flask.has_request_context() and not flask.request.path.endswith(_CALLBACK_ROUTE)


def current() -> DashboardContext:
    """The context of the app serving this request (only valid while a request is handled)."""
    context = flask.current_app.extensions[EXTENSION_KEY]
    assert isinstance(context, DashboardContext)
    return context
