"""Less CPU per request for the same bytes' meaning: how the dashboard's responses are encoded.

Under load the server's Python (one process, one interpreter lock) is the bottleneck, and most of it went on JSON:

- plotly's default "auto" engine picks orjson, which cannot encode Dash components: every response first fails in
  orjson, then walks the whole component tree in Python (``clean_to_json_compatible``) and encodes again. The
  "json" engine (the standard library's C encoder, calling ``to_plotly_json`` only for components) gives the same
  JSON values, with the same escaping of ``<``, ``>`` and ``/`` for embedding in a page, at half the CPU.
- every page load (``GET /…``) embeds the app's validation layout (every page's empty layout, about 70 kB) in its
  config, and Dash encodes that same, never-changing tree again for each request. It is encoded to plain data once,
  the first time it is needed, and the page gets exactly the same JSON.

Both are measured in docs/security.md (serve_bench); neither changes what a page or callback answers.
"""

from __future__ import annotations

import json
from typing import Any

import plotly.io.json as plotly_json  # type: ignore[import-untyped]
from dash import Dash
from dash.development.base_component import Component

#: The engine Dash's ``to_json`` (plotly.io.json.to_json_plotly) uses for every layout and callback response.
ENGINE = "json"


class _EncodedOnce:
    """``to_plotly_json`` of a component tree that never changes, computed once: plain dicts and lists that the C
    encoder writes without calling back into Python for each component."""

    def __init__(self, tree: Component) -> None:
        self._tree = tree
        self._plain: Any = None

    def __call__(self) -> Any:
        if self._plain is None:
            # the class's method: the instance's own attribute is this object
            as_plotly: Any = Component.to_plotly_json
            encoded = plotly_json.to_json_plotly(as_plotly(self._tree), engine=ENGINE)
            self._plain = json.loads(encoded)
        return self._plain


def install(app: Dash) -> None:
    """Encode ``app``'s responses with the faster engine and its validation layout once (see the module's
    docstring). Call after the app's pages are registered."""
    plotly_json.config.default_engine = ENGINE

    def encode_validation_layout_once() -> None:
        # Dash builds the validation layout on the first request (a hook registered before this one) and never
        # changes it afterwards; the tree stays as it is (Dash's own layout helpers walk its children), only its
        # encoding is kept.
        layout = app.validation_layout
        if isinstance(layout, Component) and not isinstance(layout.__dict__.get("to_plotly_json"), _EncodedOnce):
            layout.to_plotly_json = _EncodedOnce(layout)

    app.server.before_request(encode_validation_layout_once)
