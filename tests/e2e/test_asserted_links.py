"""Analyst-asserted links on the entity canvas in a real headless Chromium on the demo store (issue 15 item 2): a
link asserted through the graph API is drawn as its own kind of edge, its panel says who asserted it and why, and
"Remove this link" removes it from the store and the canvas; the view's CSV and FtM downloads carry it, marked as
analyst-asserted. Screenshot: build/screenshots/canvas-asserted.png."""

from __future__ import annotations

import json
from typing import Any

import pytest
from dash.testing.wait import until

from dashboard.app import create_app
from graph import GraphStore, assert_link, asserted_links, new_case
from tests.e2e.helpers import (
    exported_csv,
    exported_ftm,
    graph_screenshot,
    js,
    node_ids,
    shown_text,
    wait_for_shown_text,
)

pytestmark = pytest.mark.browser

PERSON, DIRECTED = "demo-ri-chol-man", "demo-pyongsan-tech"


def test_an_asserted_link_is_drawn_apart_and_removed_from_its_panel(dash_duo: Any, cases_store: GraphStore) -> None:
    case = new_case(cases_store, "Phones", "alice")
    link = assert_link(
        cases_store, case.id, PERSON, DIRECTED, "same phone", "Both list +850 2 381 1234 (2019 registry)", "alice"
    )
    edge_id = f"asserted:{link.id}"
    dash_duo.start_server(create_app(cases_store))
    dash_duo.driver.get(dash_duo.server_url + f"/entity/{PERSON}?hops=1&layout=concentric")
    until(lambda: {PERSON, DIRECTED} <= node_ids(dash_duo), timeout=15)

    drawn = js(
        dash_duo,
        f"var e = cy.getElementById({edge_id!r}); if (!e.length) return null;"
        " return {cls: e.hasClass('asserted'), src: e.source().id(), tgt: e.target().id(), label: e.style('label'),"
        " font: e.style('font-style'), colour: e.style('line-color'), style: e.style('line-style')};",
    )
    assert drawn is not None, "the asserted link was not drawn"
    assert drawn["cls"] and (drawn["src"], drawn["tgt"]) == (PERSON, DIRECTED)
    assert drawn["label"] == "same phone (analyst)" and drawn["font"] == "italic" and drawn["style"] == "dashed"
    source_colours = js(
        dash_duo, f"return cy.edges().filter(e => e.id() !== {edge_id!r}).map(e => e.style('line-color'));"
    )
    assert source_colours and drawn["colour"] not in source_colours  # no source relationship looks like it
    assert "asserted by an analyst" in dash_duo.find_element("#legend").text
    assert "same phone" in dash_duo.find_element(".entity-notes").text  # the notes panel lists it as text
    graph_screenshot(dash_duo, "canvas-asserted")

    js(dash_duo, f"cy.getElementById({edge_id!r}).emit('tap');")
    until(lambda: "Analyst-asserted link" in (shown_text(dash_duo, "#details") or ""), timeout=10)
    panel = dash_duo.find_element("#details").text
    assert "alice" in panel and link.at in panel and "Both list +850 2 381 1234 (2019 registry)" in panel
    dash_duo.find_element(".asserted-remove").click()
    until(lambda: "The link was removed." in (shown_text(dash_duo, "#details") or ""), timeout=10)
    wait_for_shown_text(dash_duo, ".entity-notes", lambda t: "same phone" not in t, timeout=10)  # the panel's list too
    gone = f"return cy.getElementById({edge_id!r}).length === 0;"
    until(lambda: bool(js(dash_duo, gone)), timeout=10, msg="the removed link is still drawn")
    assert asserted_links(cases_store) == []
    assert {PERSON, DIRECTED} <= node_ids(dash_duo)  # the entities stay; only the analyst's link went
    severe = [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"]
    assert severe == [], [e["message"][:400] for e in severe][:6]


def test_the_view_downloads_carry_the_asserted_link_drawn_on_it(dash_duo: Any, cases_store: GraphStore) -> None:
    """CSV and FtM from the entity page's Download buttons: the asserted link drawn on the canvas is in them,
    marked as analyst-asserted with who, when, which case and on what text (issue 12 state/exports)."""
    case = new_case(cases_store, "Phones", "alice")
    link = assert_link(cases_store, case.id, PERSON, DIRECTED, "same phone", "2019 registry extract", "alice")
    dash_duo.start_server(create_app(cases_store))
    dash_duo.driver.get(dash_duo.server_url + f"/entity/{PERSON}?hops=1&layout=concentric")
    until(lambda: bool(js(dash_duo, f"return cy && cy.getElementById('asserted:{link.id}').length === 1;")), timeout=15)

    _, edges = exported_csv(dash_duo, "graph")
    [row] = [e for e in edges if e["type"] == "ASSERTED"]
    assert (row["id"], row["source"], row["target"]) == (f"asserted:{link.id}", PERSON, DIRECTED)
    assert row["label"] == "same phone (analyst)"
    facts = json.loads(row["other_properties"])
    assert facts == {
        "analyst_asserted": True,
        "author": "alice",
        "at": link.at,
        "case_id": case.id,
        "source_text": "2019 registry extract",
    }
    assert len(edges) > 1  # the source relationships are there too

    [item] = [e for e in exported_ftm(dash_duo, "graph") if e.get("analyst_asserted")]
    assert item["schema"] == "UnknownLink" and item["properties"]["role"] == ["same phone"]
    assert item["author"] == "alice" and item["case_id"] == case.id
    severe = [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"]
    assert severe == [], [e["message"][:400] for e in severe][:6]
