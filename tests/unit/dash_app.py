"""Asking a whole Dash app for a page in tests, as the browser does."""

from __future__ import annotations

import json
from typing import Any


def route(app: Any, path: str, search: str = "") -> Any:
    """Ask the app's Dash pages router for a page, as the browser does after a navigation."""
    client = app.server.test_client()
    assert client.get("/").status_code == 200  # the first request sets up the router
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:500]
    return json.loads(response.data)["response"]
