"""The page for an address the dashboard does not have."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.components import error_alert


def layout(**_: Any) -> html.Div:
    return html.Div(
        error_alert("There is no page at this address. Search for an entity instead."), className="page page-missing"
    )
