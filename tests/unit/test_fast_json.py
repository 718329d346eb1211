"""dashboard/fast_json.py: the dashboard answers the same JSON values, escaped the same way, for less CPU."""

from __future__ import annotations

import json
import re
from typing import Any

import dash._callback
import plotly.io.json as plotly_json
import pytest
from dash.development.base_component import Component

from dashboard import fast_json
from dashboard.app import create_app
from dashboard.entity import layout as entity_layout
from dashboard.pages import search as search_page
from graph.vocabulary import NodeKind, RelType
from tests.doubles import RecordingReader
from tests.factories import ent, rel
from tests.unit.dash_app import route

HOSTILE = "Kim </script><script>alert(1)</script> \u2028 Ltd"
ENTITIES = (
    ent("p-kim", NodeKind.PERSON, HOSTILE, countries=["kp"]),
    ent("c-front", NodeKind.COMPANY, "Pyongsan Tech Solutions Ltd", front=True),
    ent("w-1", NodeKind.WALLET, "0x1111111111111111111111111111111111111111"),
)
RELATIONSHIPS = (
    rel("r-directs", RelType.DIRECTS, "p-kim", "c-front", role="General director"),
    rel("r-holds", RelType.HOLDS, "c-front", "w-1"),
)


def _config(page: bytes) -> Any:
    found = re.search(rb'<script id="_dash-config" type="application/json">(.*?)</script>', page, re.S)
    assert found, "the page embeds its config"
    return json.loads(found.group(1))


def test_the_page_config_is_the_validation_layout_dash_would_encode_and_stays_so() -> None:
    app = create_app(RecordingReader.of(ENTITIES, RELATIONSHIPS))
    client = app.server.test_client()
    first, second = client.get("/"), client.get("/entity/p-kim")
    assert first.status_code == second.status_code == 200
    tree = app.validation_layout
    assert isinstance(tree, Component)
    # what Dash's default engine (orjson, cleaning the tree in Python) gives for the tree itself
    expected = json.loads(plotly_json.to_json_plotly(Component.to_plotly_json(tree), engine="orjson"))
    assert _config(first.data)["validation_layout"] == expected
    assert _config(second.data)["validation_layout"] == expected
    # the tree is still a tree: Dash's helpers (and `in`) walk its components
    assert "_pages_content" in tree


def test_both_engines_give_the_same_values_and_escape_markup() -> None:
    store = RecordingReader.of(ENTITIES, RELATIONSHIPS)
    pages = [search_page.render_search(store, "kim"), entity_layout.render_entity(store, "p-kim", "hops=2")]
    for page in pages:
        fast = plotly_json.to_json_plotly(page, engine="json")
        default = plotly_json.to_json_plotly(page, engine="orjson")
        ours = fast_json.to_json(page)
        assert json.loads(fast) == json.loads(default) == json.loads(ours)
        for text in (fast, ours):
            assert "</script>" not in text and "\u2028" not in text and "<" not in text
            assert HOSTILE in json.dumps(json.loads(text), ensure_ascii=False)


def test_what_orjson_refuses_goes_the_json_way_with_the_same_values_and_errors() -> None:
    import datetime
    import decimal

    import numpy

    odd = {
        "big": 2**70,  # beyond orjson's 64 bits
        "when": datetime.datetime(2024, 5, 3, 12, 30, 1, 5),
        "day": datetime.date(2024, 5, 3),
        "amount": decimal.Decimal("12.5"),
        "array": numpy.arange(3),
        "nan": float("nan"),
        3: "key",
    }
    assert json.loads(fast_json.to_json(odd)) == json.loads(plotly_json.to_json_plotly(odd, engine="json"))
    assert json.loads(fast_json.to_json({k: v for k, v in odd.items() if k != "big"}))["when"] == (
        "2024-05-03T12:30:01.000005"
    )
    with pytest.raises(TypeError):  # what Dash reports as an output it cannot encode
        fast_json.to_json({"a set": {1, 2}})


def test_the_entity_page_callback_answers_with_the_data_escaped() -> None:
    app = create_app(RecordingReader.of(ENTITIES, RELATIONSHIPS))
    assert plotly_json.config.default_engine == "json"
    assert dash._callback.to_json is fast_json.to_json  # the responses go through orjson
    page = route(app, "/entity/p-kim", "?hops=2")
    assert HOSTILE in json.dumps(page, ensure_ascii=False)
    response = app.server.test_client().post(
        "/_dash-update-component",
        json={
            "output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [
                {"id": "_pages_location", "property": "pathname", "value": "/entity/p-kim"},
                {"id": "_pages_location", "property": "search", "value": "?hops=2"},
            ],
            "changedPropIds": ["_pages_location.pathname"],
            "state": [],
        },
    )
    assert b"</script>" not in response.data and b"\\u003c\\u002fscript\\u003e" in response.data


def test_the_validation_layout_holds_no_whole_graph_analysis_and_the_page_still_does() -> None:
    """Dash embeds the validation layout in every page load: the IT-worker analysis (the whole graph's EMPLOYS
    links) gives only its frame there, and runs when an analyst opens /it-workers."""
    store = RecordingReader.of(ENTITIES, RELATIONSHIPS)
    app = create_app(store)
    assert app.server.test_client().get("/").status_code == 200
    assert "iter_relationship_values" not in {call.method for call in store.log}
    page = json.dumps(route(app, "/it-workers"))
    assert "iter_relationship_values" in {call.method for call in store.log}
    assert "IT-worker pattern" in page
