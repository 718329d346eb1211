"""The dashboard's pages and callbacks called as plain functions, and the app's wiring, over an in-memory reader."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from dash import exceptions as dash_exceptions

from dashboard.app import create_app
from dashboard.entity import callbacks as entity_callbacks
from dashboard.entity import layout as entity_layout
from dashboard.entity import render as entity_render
from dashboard.entity import view_values as entity_state
from dashboard.entity.elements import subgraph_to_elements
from dashboard.pages import search as search_page
from graph.errors import QueryTimeout, StoreUnavailable
from graph.vocabulary import NodeKind, RelType
from tests.doubles import RecordingReader
from tests.factories import ent, rel
from tests.unit.dash_app import route
from tests.unit.dash_tree import find, has, of_class, text, walk
from tests.unit.dashboard_story import RI

ENTITIES = (
    RI,  # the paths and report tests' RI Chol Man, whom the pages show the same way
    ent("p-decoy", NodeKind.PERSON, "RI Chol Mann", countries=["kr"]),
    ent("c-front", NodeKind.COMPANY, "Pyongsan Tech Solutions Ltd", front=True),
    ent("c-trading", NodeKind.COMPANY, "Golden Maple Trading Co"),
    ent("w-1", NodeKind.WALLET, "0x1111111111111111111111111111111111111111"),
    ent("w-2", NodeKind.WALLET, "0x2222222222222222222222222222222222222222"),
)
RELATIONSHIPS = (
    rel("r-directs", RelType.DIRECTS, "p-ri", "c-front", role="General director", datasets=["demo_fictional"]),
    rel("r-owns", RelType.OWNS, "c-front", "c-trading", percentage=60),
    rel("r-paid", RelType.PAID, "c-trading", "w-1", amount=15000, currency="USDT"),
    rel("r-holds", RelType.HOLDS, "c-front", "w-2"),
)


#: The entity page's panels read their own records beside the one graph call its assertions count: the notes panel
#: the cases and notes (get_records), the same-as panel the entity's SAME_AS candidates (same_as_of).
PANEL_READS = ("get_records", "same_as_of")


@pytest.fixture
def store() -> RecordingReader:
    return RecordingReader.of(ENTITIES, RELATIONSHIPS)


# --- search page ------------------------------------------------------------------------------------------------


def test_search_lists_matches_with_links_kind_country_and_badge(store: RecordingReader) -> None:
    page = search_page.render_search(store, "ri chol")
    results = find(page, "search-results")
    links = of_class(results, "result-link")
    assert [(a.children, a.href) for a in links] == [
        ("RI Chol Man", "/entity/p-ri"),
        ("RI Chol Mann", "/entity/p-decoy"),
    ]
    rows = of_class(results, "result")
    assert "Person" in text(rows[0]) and "KP" in text(rows[0])
    assert [len(of_class(r, "badge-sanctioned")) for r in rows] == [1, 0]
    assert text(of_class(rows[0], "badge-sanctioned")[0]) == "SANCTIONED"
    assert "2 entities match 'ri chol'." in text(results)
    assert find(page, "search-input").value == "ri chol"
    assert store.calls == [("search", "ri chol", search_page.SEARCH_LIMIT)]


def test_search_says_when_nothing_matches(store: RecordingReader) -> None:
    results = find(search_page.render_search(store, "xyz"), "search-results")
    assert text(results) == "No entity matches 'xyz'."


def test_an_empty_search_asks_nothing_of_the_store(store: RecordingReader) -> None:
    for q in (None, "", "   ", [""]):
        page = search_page.render_search(store, q)
        assert "Type a name" in text(find(page, "search-results"))
    assert store.calls == []


def test_search_shows_why_an_entity_matched(store: RecordingReader) -> None:
    results = find(search_page.render_search(store, "836410021"), "search-results")
    assert "identifier" in text(results) and "Passport: 836410021" in text(results)


def test_submitting_a_search_puts_it_in_the_url() -> None:
    assert search_page.submit_search(1, 0, "  kim sang man ") == ("/", "?q=kim+sang+man")
    assert search_page.submit_search(0, 1, "a&b") == ("/", "?q=a%26b")
    assert search_page.submit_search(1, None, "") == ("/", "")
    with pytest.raises(dash_exceptions.PreventUpdate):
        search_page.submit_search(0, 0, "kim")


def test_search_query_from_the_url() -> None:
    assert search_page.query_text(["kim", "other"]) == "kim"
    assert search_page.query_text(None) == ""


# --- entity page ------------------------------------------------------------------------------------------------


def test_entity_page_costs_one_store_call_and_shows_the_graph(store: RecordingReader) -> None:
    page = entity_layout.render_entity(store, "p-ri", "2")
    assert store.calls_except(*PANEL_READS) == [("neighbourhood", "p-ri", 2)]
    assert text(find(page, "entity-name")) == "RI Chol Man"
    assert of_class(page, "badge-sanctioned")
    assert find(page, "hops").value == 2
    graph = find(page, "graph")
    node_ids = {e["data"]["id"] for e in graph.elements if "source" not in e["data"]}
    assert node_ids == {"p-ri", "c-front", "c-trading", "w-2"}
    center = next(e for e in graph.elements if e["data"]["id"] == "p-ri")
    assert center["classes"] == "Person sanctioned center"
    # server positions come with the elements: no layout runs when the graph mounts (assets/entity.js fits it)
    assert graph.layout is None and "layout-preset" in graph.className
    assert all("position" in e for e in graph.elements if "source" not in e["data"])
    assert "Showing 3 connected entities and 3 relationships within 2 hops of RI Chol Man." in text(page)
    assert text(find(page, "omitted")) == "" and not has(page, "error")
    # the details panel starts with the entity itself, from the same store call
    assert "Passport: 836410021" in text(find(page, "details"))


def test_entity_page_has_a_legend_of_what_is_on_screen(store: RecordingReader) -> None:
    legend = find(entity_layout.render_entity(store, "p-ri", "1"), "legend")
    assert "Crypto wallet" in text(legend) and "owns" in text(legend) and "Sanctioned" in text(legend)
    absent = {getattr(li, "data-key", None) for li in of_class(legend, "legend-absent")}
    assert "Person" not in absent and "DIRECTS" not in absent
    assert {"Wallet", "OWNS", "Vessel"} <= absent  # not in a 1-hop view of RI Chol Man


def test_a_full_first_load_says_how_many_are_not_shown(store: RecordingReader, monkeypatch: pytest.MonkeyPatch) -> None:
    real = store.neighbourhood
    monkeypatch.setattr(store, "neighbourhood", lambda i, h, types=None, limit=200: real(i, h, types, limit=3))
    page = entity_layout.render_entity(store, "p-ri", "2")  # p-ri, c-front, c-trading loaded; w-2 left out
    assert text(find(page, "omitted")).startswith("1 more connected entity is not shown.")
    assert "2,000 entities" in text(find(page, "omitted"))  # the "too many results" sentence says why
    assert entity_render.omitted_sentence(3) == "3 more connected entities are not shown."
    assert entity_render.omitted_sentence(0) is None


def test_with_one_hop_a_full_first_load_hangs_behind_an_n_more_node(
    store: RecordingReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store.neighbourhood
    monkeypatch.setattr(store, "neighbourhood", lambda i, h, types=None, limit=200: real(i, h, types, limit=2))
    page = entity_layout.render_entity(store, "c-front", "1")  # 3 neighbours, the store returned 1
    elements = find(page, "graph").elements
    stub = next(e for e in elements if e["data"]["id"] == "more:c-front")
    assert stub["data"]["label"] == "2 more" and stub["classes"] == "more"
    assert text(find(page, "omitted")) == ""  # the node says it already
    assert "2 connections are not drawn yet" in text(find(page, "filter-note"))


def test_an_unknown_entity_is_a_sentence_with_a_way_back(store: RecordingReader) -> None:
    page = entity_layout.render_entity(store, "nope", None)
    error = find(page, "error")
    assert error.role == "alert"
    assert text(error).startswith("No entity with id 'nope' is in the graph.")
    assert any(getattr(c, "href", None) == "/" for c in walk(error))
    assert not has(page, "graph")


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (StoreUnavailable("The graph store is not reachable."), "The graph store is not reachable."),
        (QueryTimeout("The query took longer than 10 seconds."), "The query took longer than 10 seconds. Try fewer"),
        (RuntimeError("boom"), "Something went wrong while reading the graph."),
    ],
)
def test_store_failures_become_sentences(
    store: RecordingReader, failure: Exception, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    store.fail = failure
    with caplog.at_level(logging.WARNING):
        entity = entity_layout.render_entity(store, "p-ri", "1")
        search = search_page.render_search(store, "ri")
        details = entity_callbacks.show_details(store, "graph.tapNodeData", {"id": "p-ri"}, None)
    for page in (entity, search, details):
        assert text(find(page, "error")).startswith(message)
        assert "Traceback" not in text(page) and "boom" not in text(page)
    assert caplog.records  # the log keeps what the page does not show


@pytest.mark.parametrize(
    ("raw", "hops", "note"),
    [(None, 2, False), ("1", 1, False), ("3", 3, False), (["2", "3"], 2, False), ("9", 3, True), ("0", 1, True)],
)
def test_hops_from_the_url(raw: Any, hops: int, note: bool) -> None:
    value, message = entity_state.parse_hops(raw)
    assert value == hops and (message is not None) == note


def test_bad_hops_are_corrected_with_a_note(store: RecordingReader) -> None:
    page = entity_layout.render_entity(store, "p-ri", "abc")
    assert store.calls_except(*PANEL_READS) == [("neighbourhood", "p-ri", entity_state.DEFAULT_HOPS)]
    assert "Hops must be a number from 1 to 3" in text(page)


def test_the_controls_make_the_view_and_its_url() -> None:
    view, query = entity_callbacks.controls_view(
        3, "force", ["Person", "Company"], None, "2023-04-01", None, "5000", []
    )
    assert query == "?hops=3&layout=force&kinds=Company,Person&from=2023-04-01&min=5000"
    assert view["kinds"] == ["Company", "Person"] and view["rels"] is None
    every_kind = [k.value for k in NodeKind]
    every_rel = [t.value for t in RelType]
    view, query = entity_callbacks.controls_view(7, "concentric", every_kind, every_rel, None, None, None, ["x"])
    # everything ticked is no filter; hops corrected; "Rings by distance" chosen stays chosen after a reload
    assert query == "?hops=3&layout=concentric&hide=x"
    assert entity_callbacks.controls_view(2, None, [], None, None, None, None, None)[1] == "?hops=2&kinds="


def test_clicking_a_node_reads_its_record_and_counts_its_connections(store: RecordingReader) -> None:
    panel = entity_callbacks.show_details(
        store, "graph.tapNodeData", {"id": "p-ri", "center": False, "in_view": 1}, None
    )
    assert store.calls == [("get_entity", "p-ri"), ("count_links", ("p-ri",))]
    shown = text(panel)
    for expected in ("RI Chol Man", "Person", "Passport: 836410021", "DEMO-DPRK", "Fictional authority", "KP"):
        assert expected in shown
    assert "1 connection in the graph, 1 in this view." in shown
    sources = find(panel, "sources")
    assert "demo_fictional" in text(sources) and "Demo scenario (fictional)" in text(sources)
    assert "Fictional authority" in text(sources) and "since 2023-09-12" in text(sources)
    links = [c.href for c in walk(panel) if getattr(c, "href", None)]
    assert "https://example.org/d/1" in links  # the designation's source
    assert "/entity/p-ri" in links  # open its own page


def test_a_node_with_more_connections_than_shown_says_so(store: RecordingReader) -> None:
    panel = entity_callbacks.show_details(store, "graph.tapNodeData", {"id": "c-front", "in_view": 1}, None)
    assert "3 connections in the graph, 1 in this view. Double-click the node" in text(panel)


def test_clicking_an_n_more_node_explains_it_without_a_store_call(store: RecordingReader) -> None:
    data = {"id": "more:c-front", "count": 30, "name": "30 more connections of Pyongsan", "kind": "more"}
    panel = entity_callbacks.show_details(store, "graph.tapNodeData", data, None)
    assert store.calls == []
    assert "30 more connections" in text(panel) and "next 25" in text(panel)


def test_clicking_an_edge_needs_no_store_call(store: RecordingReader) -> None:
    subgraph = store.neighbourhood("c-front", 1)
    store.clear()
    owns = next(e["data"] for e in subgraph_to_elements(subgraph) if e["data"]["id"] == "r-owns")
    panel = entity_callbacks.show_details(store, "graph.tapEdgeData", {"id": "p-ri"}, owns)
    assert store.calls == []
    shown = text(panel)
    assert "Relationship: owns" in shown and "60%" in shown
    assert "Pyongsan Tech Solutions Ltd owns Golden Maple Trading Co" in shown
    assert text(find(panel, "sources")) == "Sources No dataset is recorded for this."


def test_details_ignore_other_triggers(store: RecordingReader) -> None:
    with pytest.raises(dash_exceptions.PreventUpdate):
        entity_callbacks.show_details(store, "", None, None)


# --- the working graph: callbacks as plain functions -----------------------------------------------------------


def hub_store(n: int = 30) -> RecordingReader:
    hub = ent("hub", NodeKind.COMPANY, "Hub Ltd")
    people = [ent(f"emp-{k:02d}", NodeKind.PERSON, f"Employee {k:02d}") for k in range(n)]
    employs = [rel(f"e-{k:02d}", RelType.EMPLOYS, "hub", f"emp-{k:02d}") for k in range(n)]
    return RecordingReader.of([hub, *people], employs)


def page_state(page: Any) -> dict[str, Any]:
    data: dict[str, Any] = find(page, "graph-state").data
    return data


def node_ids(elements: list[dict[str, Any]]) -> set[str]:
    return {e["data"]["id"] for e in elements if "source" not in e["data"]}


def test_a_hub_shows_the_first_page_and_an_n_more_node_that_pages(store: RecordingReader) -> None:
    hub = hub_store(30)
    page = entity_layout.render_entity(hub, "hub", "1")
    assert len(node_ids(find(page, "graph").elements)) == 1 + 25 + 1  # the hub, 25 people, "5 more"
    state = page_state(page)
    hub.clear()

    state, message = entity_callbacks.apply_action(hub, "more-request", {"id": "hub", "t": 1}, None, state)
    assert hub.calls[0] == ("neighbourhood", "hub", 1) and hub.args("neighbourhood")[-1]["limit"] == 25 + 25 + 1
    assert "Added 5 entities connected to Hub Ltd." in text(message)
    elements = entity_callbacks.redraw(state, None, {})[0]
    assert len(node_ids(elements)) == 31 and "more:hub" not in node_ids(elements)


def test_double_click_expands_a_node_and_finds_links_to_the_rest_of_the_view(store: RecordingReader) -> None:
    state = page_state(entity_layout.render_entity(store, "p-ri", "1"))  # p-ri, c-front
    store.clear()
    state, message = entity_callbacks.apply_action(store, "graph-dbltap", {"id": "c-front", "t": 5}, None, state)
    assert [c[0] for c in store.calls] == ["neighbourhood", "links"]
    assert "Added 2 entities connected to Pyongsan Tech Solutions Ltd." in text(message)
    elements = entity_callbacks.redraw(state, None, {})[0]
    assert node_ids(elements) == {"p-ri", "c-front", "c-trading", "w-2"}
    front = next(e for e in elements if e["data"]["id"] == "c-front")
    assert "expanded" in front["classes"].split()

    _, again = entity_callbacks.apply_action(store, "graph-dbltap", {"id": "c-front", "t": 6}, None, state)
    assert "No more connections of Pyongsan Tech Solutions Ltd to show." in text(again)


def test_the_right_click_menu_and_the_toolbar_act_on_a_node(store: RecordingReader) -> None:
    state = page_state(entity_layout.render_entity(store, "p-ri", "2"))
    store.clear()
    menu = {"menuItemId": "pin", "elementId": "c-trading"}
    state, message = entity_callbacks.apply_action(store, "graph", menu, None, state)
    assert "Golden Maple Trading Co is pinned" in text(message)
    trading = next(e for e in entity_callbacks.redraw(state, None, {})[0] if e["data"]["id"] == "c-trading")
    assert trading["locked"] is True and "pinned" in trading["classes"].split()

    selected = {"id": "c-trading", "name": "Golden Maple Trading Co"}
    state, _ = entity_callbacks.apply_action(store, "node-hide", None, selected, state)
    drawn = entity_callbacks.redraw(state, None, {})
    assert "c-trading" not in node_ids(drawn[0])
    assert drawn[-2:] == ("Show hidden (1)", False)
    state, _ = entity_callbacks.apply_action(store, "show-hidden", None, None, state)
    assert "c-trading" in node_ids(entity_callbacks.redraw(state, None, {})[0])

    state, message = entity_callbacks.apply_action(store, "node-remove", None, {"id": "w-2"}, state)
    assert "0x2222222222222222222222222222222222222222 was removed from the view." in text(message)
    assert "w-2" not in node_ids(entity_callbacks.redraw(state, None, {})[0])
    assert store.calls == []  # none of this reads the store


def test_actions_explain_what_they_cannot_do(store: RecordingReader) -> None:
    state = page_state(entity_layout.render_entity(store, "p-ri", "2"))
    _, message = entity_callbacks.apply_action(store, "node-remove", None, {"id": "p-ri"}, state)
    assert "The page's own entity stays in its view" in text(message)
    _, message = entity_callbacks.apply_action(store, "node-expand", None, None, state)
    assert text(message) == "Click a node first, then choose what to do with it."
    _, message = entity_callbacks.apply_action(store, "node-hide", None, {"id": "more:c-front"}, state)
    assert "click it to show them" in text(message)
    with pytest.raises(dash_exceptions.PreventUpdate):
        entity_callbacks.apply_action(store, "graph", {"menuItemId": "unknown"}, None, state)
    with pytest.raises(dash_exceptions.PreventUpdate):
        entity_callbacks.apply_action(store, "node-expand", None, None, None)


def test_a_store_failure_while_expanding_is_a_sentence(store: RecordingReader) -> None:
    state = page_state(entity_layout.render_entity(store, "p-ri", "1"))
    store.fail = StoreUnavailable("The graph store is not reachable.")
    same, message = entity_callbacks.apply_action(store, "graph-dbltap", {"id": "c-front"}, None, state)
    assert same == state
    assert text(message) == "The graph store is not reachable." and message.role == "alert"


def test_changing_hops_reloads_the_view_keeping_pins(store: RecordingReader) -> None:
    state = page_state(entity_layout.render_entity(store, "p-ri", "1"))
    state, _ = entity_callbacks.apply_action(store, "node-pin", None, {"id": "c-front"}, state)
    store.clear()
    state, message = entity_callbacks.apply_action(store, "hops", None, None, state, 2)
    assert store.calls == [("neighbourhood", "p-ri", 2)] and message is None
    assert state["hops"] == 2 and state["pinned"] == ["c-front"]
    assert node_ids(entity_callbacks.redraw(state, {"hops": 2}, {})[0]) == {"p-ri", "c-front", "c-trading", "w-2"}
    with pytest.raises(dash_exceptions.PreventUpdate):  # the same hops: nothing to do
        entity_callbacks.apply_action(store, "hops", None, None, state, 2)


def test_redraw_applies_the_view_to_the_working_graph(store: RecordingReader) -> None:
    state = page_state(entity_layout.render_entity(store, "p-ri", "2"))
    view, _ = entity_callbacks.controls_view(2, "hierarchy", None, ["DIRECTS", "OWNS"], None, None, None, None)
    (elements, layout, graph_class, _, summary, note, omitted, _, figure, kinds, rels, datasets, *_) = (
        entity_callbacks.redraw(state, view, {"p-ri": [0, 0]})
    )
    assert node_ids(elements) == {"p-ri", "c-front", "c-trading"}  # the wallet hangs on HOLDS
    assert layout["name"] == "dagre" and graph_class == "graph layout-dagre"
    assert summary == "Showing 2 connected entities and 2 relationships within 2 hops of RI Chol Man."
    assert note == "The filters leave out 1 entity and 1 relationship."
    assert omitted is None
    assert any(o["value"] == "OWNS" and o["label"] == "owns (1)" for o in rels)
    assert any(o["value"] == "Wallet" and o["label"] == "Crypto wallet (1)" for o in kinds)
    assert datasets == [{"label": "demo_fictional (1 link)", "value": "demo_fictional"}]
    assert figure["data"] == []  # no payment or transfer in this view
    with pytest.raises(dash_exceptions.PreventUpdate):
        entity_callbacks.redraw(None, view, {})


def test_the_timeline_brush_and_the_buttons_set_the_filter_controls() -> None:
    brushed = {"range": {"x": ["2023-04-05 18:00", "2023-04-01 02:00"]}, "points": []}
    assert entity_callbacks.filter_shortcut("timeline", brushed)[2:4] == ("2023-04-01", "2023-04-05")
    with pytest.raises(dash_exceptions.PreventUpdate):
        entity_callbacks.filter_shortcut("timeline", None)  # a click on the chart without a brush
    assert entity_callbacks.filter_shortcut("clear-dates", None)[2:4] == (None, None)
    kinds, rels, start, end, amount, datasets = entity_callbacks.filter_shortcut("reset-filters", None)
    assert len(kinds) == len(NodeKind) and len(rels) == len(RelType)
    assert (start, end, amount, datasets) == (None, None, None, [])


def test_a_url_with_filters_and_layout_renders_that_view(store: RecordingReader) -> None:
    query = "?hops=2&layout=force&kinds=Company,Person&rels=DIRECTS,OWNS,HOLDS&from=2020&to=2024-06&min=100&hide=x"
    page = entity_layout.render_entity(store, "p-ri", query)
    assert store.calls_except(*PANEL_READS) == [("neighbourhood", "p-ri", 2)]
    assert find(page, "hops").value == 2 and find(page, "layout").value == "force"
    assert sorted(find(page, "filter-kinds").value) == ["Company", "Person"]
    assert sorted(find(page, "filter-rels").value) == ["DIRECTS", "HOLDS", "OWNS"]
    dates = find(page, "filter-dates")
    assert (dates.start_date, dates.end_date) == ("2020-01-01", "2024-06-30")
    assert find(page, "filter-min-amount").value == 100 and find(page, "filter-datasets").value == ["x"]
    assert find(page, "filters").open is True
    graph = find(page, "graph")
    assert node_ids(graph.elements) == {"p-ri", "c-front", "c-trading"}  # no wallets
    assert graph.layout["name"] == "fcose" and graph.layout["randomize"] is False
    # the page keeps the same view in its stores, and writes back an equivalent address
    assert find(page, "view-query").data == "?hops=2&layout=force&kinds=Company,Person&rels=DIRECTS,HOLDS,OWNS" + (
        "&from=2020&to=2024-06&min=100&hide=x"
    )


def test_a_bad_url_is_corrected_with_notes(store: RecordingReader) -> None:
    page = entity_layout.render_entity(store, "p-ri", "?hops=9&layout=spiral&kinds=Robot&min=lots&from=2024-13-01")
    notes = text(page)
    for sentence in (
        "Hops must be from 1 to 3",
        "Unknown layout 'spiral'",
        "Unknown kind of entity ignored: Robot",
        "'lots' is not a number",
        "'2024-13-01' is not a date",
    ):
        assert sentence in notes
    assert find(page, "graph").layout is None and "layout-preset" in find(page, "graph").className


def test_the_validation_layout_holds_every_component_the_callbacks_use() -> None:
    skeleton = entity_layout.layout()
    ids = {getattr(c, "id", None) for c in walk(skeleton)}
    for component_id in (
        "hops", "layout", "filter-kinds", "filter-rels", "filter-dates", "filter-min-amount", "filter-datasets",
        "clear-dates", "reset-filters", "graph", "details", "timeline", "timeline-slot", "timeline-figure",
        "node-expand", "node-hide", "node-pin", "node-remove", "show-hidden", "selected-node", "graph-message",
        "graph-summary", "filter-note", "legend-box", "view-state", "view-query", "graph-state", "graph-positions",
        "graph-dbltap", "more-request", "graph-events", "url-sync",
    ):  # fmt: skip
        assert component_id in ids, component_id


# --- the app ----------------------------------------------------------------------------------------------------


def test_app_serves_pages_with_the_title_and_callbacks(store: RecordingReader) -> None:
    app = create_app(store, title="Case 42")
    client = app.server.test_client()
    index = client.get("/").get_data(as_text=True)
    assert "<title>Case 42</title>" in index and "badge-sanctioned" in index
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "Case 42" in layout and "nav-search-input" in layout
    dependencies = client.get("/_dash-dependencies").get_json()
    outputs = " ".join(cb["output"] for cb in dependencies)
    assert "details.children" in outputs and "url.search" in outputs and "url.pathname" in outputs
    assert "graph-state.data" in outputs and "graph.elements" in outputs and "view-query.data" in outputs
    clientside = [cb for cb in dependencies if cb.get("clientside_function")]
    assert {cb["output"] for cb in clientside} >= {"url-sync.data", "graph-events.data", "timeline-slot.children"}
    assert store.calls == []  # serving the shell reads nothing (Dash's validation layout: dashboard.context.validating)


def test_app_routes_urls_to_pages(store: RecordingReader) -> None:
    app = create_app(store)
    page = json.dumps(route(app, "/entity/p-ri", "?hops=1"))
    assert '"id": "graph"' in page and "RI Chol Man" in page
    assert ("neighbourhood", "p-ri", 1) in store.calls
    assert "No entity matches 'zzz'." in json.dumps(route(app, "/", "?q=zzz"))
    assert "No entity with id 'x y' is in the graph." in json.dumps(route(app, "/entity/x%20y"))
    assert "There is no page at this address." in json.dumps(route(app, "/nowhere"))


def test_two_apps_in_one_process_keep_their_own_store() -> None:
    first = RecordingReader.of([ent("a", NodeKind.PERSON, "Alpha Person")], [])
    second = RecordingReader.of([ent("a", NodeKind.PERSON, "Beta Person")], [])
    app1, app2 = create_app(first), create_app(second)
    assert "Alpha Person" in json.dumps(route(app1, "/entity/a"))
    assert "Beta Person" in json.dumps(route(app2, "/entity/a"))
    assert first.calls and second.calls
