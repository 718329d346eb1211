"""Less CPU per request for the same bytes' meaning: how the dashboard's responses are encoded.

Under load the server's Python (one process, one interpreter lock) is the bottleneck, and most of it went on JSON:

- plotly's default "auto" engine picks orjson, which cannot encode Dash components: every response first fails in
  orjson, then walks the whole component tree in Python (``clean_to_json_compatible``) and encodes again. The
  "json" engine (the standard library's C encoder, calling ``to_plotly_json`` only for components) gives the same
  JSON values, with the same escaping of ``<``, ``>`` and ``/`` for embedding in a page, at half the CPU.
- every page load (``GET /…``) embeds the app's validation layout (every page's empty layout, about 70 kB) in its
  config, and Dash encodes that same, never-changing tree again for each request. It is encoded to plain data once,
  the first time it is needed, and the page gets exactly the same JSON.

- the layout and every callback response are then encoded by orjson (``to_json``), components turned into plain
  data through plotly's own encoder (``default``), the same characters escaped afterwards: a 2,000-node entity page
  (4.3 MB) in ~15 ms instead of ~100 ms. Anything orjson refuses (an integer beyond 64 bits…) goes the "json" way,
  which also raises the TypeError Dash reports for an output it cannot encode.

Measured in docs/security.md (serve_bench) and docs/explorer.md; none of it changes what a page or callback answers
(JSON values; numbers may be written differently, e.g. 1e-5 for 1e-05).
"""

from __future__ import annotations

import json
from typing import Any

import dash._callback as dash_callback
import dash.dash as dash_app
import orjson
import plotly.io.json as plotly_json  # type: ignore[import-untyped]
from _plotly_utils.utils import PlotlyJSONEncoder  # type: ignore[import-untyped]
from dash import Dash
from dash.development.base_component import Component

#: The engine Dash's ``to_json`` (plotly.io.json.to_json_plotly) uses for every layout and callback response.
ENGINE = "json"


#: Characters written as escapes, as plotly's engines do: the JSON can sit inside a page's <script> (no "</script>"),
#: and the JavaScript line separators are not raw.
_ESCAPES = tuple(
    (raw.encode(), escaped.encode())
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("/", "\\u002f"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    )
)
#: Dates, dataclasses and subclasses of str/int/dict/list go to ``default`` (plotly's rules), as with the "json" engine.
_OPTIONS = (
    orjson.OPT_NON_STR_KEYS
    | orjson.OPT_SERIALIZE_NUMPY
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
_PLOTLY = PlotlyJSONEncoder()


def default(value: Any) -> Any:
    """What orjson cannot write itself, as plain data: a component's ``to_plotly_json``, plotly's encoding of dates,
    decimals, figures…; a TypeError for the rest (as the "json" engine)."""
    return _PLOTLY.default(value)


def to_json(value: Any) -> str:
    """``value`` (components, plain data) as the JSON text Dash answers with, through orjson; the "json" engine for
    what orjson refuses."""
    try:
        data = orjson.dumps(value, default=default, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is one
        return str(plotly_json.to_json_plotly(value, engine=ENGINE))
    for raw, escaped in _ESCAPES:  # on the UTF-8 bytes: several times faster than on the text
        if raw in data:
            data = data.replace(raw, escaped)
    return data.decode()


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
    """Encode ``app``'s responses with orjson (``to_json``) and its validation layout once (see the module's
    docstring). Call after the app's pages are registered. Dash's modules read ``to_json`` as a global: it is replaced
    there, for every app of the process (the same values whichever app answers)."""
    plotly_json.config.default_engine = ENGINE
    for module in (dash_callback, dash_app):  # callback responses (pages' content); layout, page config, callbacks
        setattr(module, "to_json", to_json)  # noqa: B010 (a module global, not an attribute mypy knows)

    def encode_validation_layout_once() -> None:
        # Dash builds the validation layout on the first request (a hook registered before this one) and never
        # changes it afterwards; the tree stays as it is (Dash's own layout helpers walk its children), only its
        # encoding is kept.
        layout = app.validation_layout
        if isinstance(layout, Component) and not isinstance(layout.__dict__.get("to_plotly_json"), _EncodedOnce):
            layout.to_plotly_json = _EncodedOnce(layout)

    app.server.before_request(encode_validation_layout_once)
