"""Asking a whole Dash app for a page in tests, as the browser does."""

from __future__ import annotations

import json
from typing import Any


def router_request(path: str, search: str = "") -> dict[str, Any]:
    """The body of the request the browser posts to /_dash-update-component after it opens ``path``: the Dash
    pages router's callback (for a test client here, or for a running server over HTTP)."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def route(app: Any, path: str, search: str = "") -> Any:
    """Ask the app's Dash pages router for a page, as the browser does after a navigation."""
    client = app.server.test_client()
    assert client.get("/").status_code == 200  # the first request sets up the router
    response = client.post("/_dash-update-component", json=router_request(path, search))
    assert response.status_code == 200, response.data[:500]
    return json.loads(response.data)["response"]
