"""Analyst-asserted links on the entity page's canvas (issue 15 item 2): the edges, their look, their panel and
their removal, called as functions on the memory store with the demo loaded."""

from __future__ import annotations

from typing import Any

import dash
import flask

from dashboard.entity import actions, asserted
from dashboard.entity import callbacks as entity_callbacks
from dashboard.entity.layout import render_entity
from dashboard.entity.legend import ASSERTED_ITEM, risk_legend_items, swatch_style
from dashboard.entity.render import render_view
from dashboard.entity.styles import stylesheet
from dashboard.entity.view_state import ViewState
from graph import assert_link, asserted_links, new_case
from graph.stores.memory_store import MemoryStore
from graph.vocabulary import RelType
from tests.unit.dash_tree import text, walk

PERSON, FRONT, TECH = "demo-ri-chol-man", "demo-sunrise-digital", "demo-pyongsan-tech"

LINK = {
    "id": "asserted-1",
    "case_id": "case-1",
    "source": "a",
    "target": "b",
    "label": "same phone",
    "source_text": "Both list +850 2 381 1234 in the 2019 registry.",
    "author": "alice",
    "at": "2026-12-06T03:00:00Z",
}


def test_an_asserted_link_becomes_an_edge_only_when_both_ends_are_drawn() -> None:
    names = {"a": "Alpha Ltd", "b": "Beta LLC"}
    [edge] = asserted.asserted_elements([LINK], {"a", "b", "c"}, names)
    assert edge["classes"] == "asserted"
    data = edge["data"]
    assert (data["source"], data["target"], data["type"]) == ("a", "b", "asserted")
    assert data["label"] == "same phone (analyst)" and data["link_label"] == "same phone"
    assert (data["author"], data["at"], data["case_id"], data["link_id"]) == (
        "alice",
        "2026-12-06T03:00:00Z",
        "case-1",
        "asserted-1",
    )
    assert data["source_text"] == LINK["source_text"]
    assert (data["source_name"], data["target_name"]) == ("Alpha Ltd", "Beta LLC")
    assert data["id"] == "asserted:asserted-1"  # never an id of a source relationship
    assert asserted.asserted_elements([LINK], {"a", "c"}, names) == []
    assert asserted.asserted_elements([], {"a", "b"}, names) == []


def test_the_asserted_style_differs_from_every_relationship_and_same_as() -> None:
    rules = {r["selector"]: r["style"] for r in stylesheet()}
    mine = rules["edge.asserted"]
    assert mine["font-style"] == "italic" and mine["line-dash-pattern"] == [10, 4, 2, 4]
    others = [s for sel, s in rules.items() if sel.startswith("edge.") and sel != "edge.asserted"]
    assert {f"edge.{t.value}" for t in RelType} <= set(rules)
    for style in others:
        assert style.get("line-color") != mine["line-color"]
        assert style.get("line-dash-pattern") != mine["line-dash-pattern"]
    legend = risk_legend_items()
    assert ASSERTED_ITEM in legend and any(i.key == "noted" for i in legend)
    swatch = swatch_style(ASSERTED_ITEM)
    assert "repeating-linear-gradient" in swatch["background"] and mine["line-color"] in swatch["background"]
    noted = swatch_style(next(i for i in legend if i.key == "noted"))
    assert rules["node.noted"]["text-border-color"] in noted["border"]


def test_the_page_draws_the_cases_links_from_one_read_and_the_legend_names_them(store: MemoryStore) -> None:
    case = new_case(store, "Phones", "alice")
    assert asserted.asserted_data(store) == []
    assert "'type': 'asserted'" not in str(render_entity(store, PERSON))
    link = assert_link(store, case.id, PERSON, TECH, "met at conference", "Pyongyang trade fair 2019 photo", "bob")
    page = str(render_entity(store, PERSON))
    assert f"'id': 'asserted:{link.id}'" in page and "'label': 'met at conference (analyst)'" in page
    assert "'classes': 'asserted'" in page


def _asserted_row(legend: Any) -> str:
    rows = [c for c in walk(legend) if "legend-item" in str(getattr(c, "className", "") or "")]
    return str(next(r for r in rows if "asserted by an analyst" in text(r)).className)


def test_redraw_draws_the_links_of_the_store_and_drops_the_removed(store: MemoryStore) -> None:
    case = new_case(store, "Phones", "alice")
    link = assert_link(store, case.id, PERSON, FRONT, "same phone", "registry extract", "alice")
    state = actions.load_view(store, PERSON, 2).state
    links = asserted.asserted_data(store)
    drawn = render_view(state, ViewState(), {}, asserted=links)
    ids = [e["data"]["id"] for e in drawn.elements]
    assert f"asserted:{link.id}" in ids
    assert "legend-absent" not in _asserted_row(drawn.legend)
    out: tuple[Any, ...] = entity_callbacks.redraw(state.to_json(), ViewState().to_json(), {}, None, [], links)
    assert f"asserted:{link.id}" in [e["data"]["id"] for e in out[0]]
    elsewhere = [{**links[0], "target": "demo-not-in-this-view"}]
    alone = render_view(state, ViewState(), {}, asserted=elsewhere)
    assert not any(e["data"].get("type") == "asserted" for e in alone.elements)
    assert "legend-absent" in _asserted_row(alone.legend)  # dimmed when none is drawn

    tapped = next(e["data"] for e in out[0] if e["data"]["id"] == f"asserted:{link.id}")
    panel = text(entity_callbacks.show_details(store, "graph.tapEdgeData", None, tapped))
    assert "Analyst-asserted link" in panel and "alice" in panel and "registry extract" in panel
    assert "Remove this link" in panel and link.at in panel

    links_after, message = asserted.remove(store, link.id)
    assert asserted_links(store) == [] and links_after == []
    assert "The link was removed." in text(message)
    again = entity_callbacks.redraw(state.to_json(), ViewState().to_json(), {}, None, [], links_after)
    assert not any(e["data"].get("type") == "asserted" for e in again[0])
    assert "already removed" in text(asserted.remove(store, link.id)[1])


def test_nobody_logged_in_cannot_remove_a_link_and_is_told_so(store: MemoryStore) -> None:
    case = new_case(store, "Phones", "alice")
    link = assert_link(store, case.id, PERSON, FRONT, "same phone", "registry extract", "alice")
    with flask.Flask(__name__).test_request_context("/"):
        flask.g.sanctions_graph_user = None  # dashboard.auth: users are configured and nobody is logged in
        links, message = asserted.remove(store, link.id)
    assert links is dash.no_update and "Log in first." in text(message)
    assert [a.id for a in asserted_links(store)] == [link.id]
