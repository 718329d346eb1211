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


def current() -> DashboardContext:
    """The context of the app serving this request (only valid while a request is handled)."""
    context = flask.current_app.extensions[EXTENSION_KEY]
    assert isinstance(context, DashboardContext)
    return context
