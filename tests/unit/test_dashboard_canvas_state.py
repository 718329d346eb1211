"""dashboard.entity: the canvas's state in the URL (issue 12 item 6): "N more" pages and the page size, expansions by
relationship type, and pins with their place, written as compact tokens, replayed on a reload to the same working
graph, and read from older URLs that have none of them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dashboard.entity import actions
from dashboard.entity.callbacks import apply_action, controls_view, current_connections, redraw
from dashboard.entity.elements import compose
from dashboard.entity.layout import CONNECTIONS, connections_sentence, entity_panel
from dashboard.entity.notes_panel import view_url
from dashboard.entity.view_state import ViewState, parse_view_state, view_state_to_query
from dashboard.entity.view_values import Layout
from dashboard.entity.working_graph import (
    MAX_REPEAT,
    GraphState,
    Step,
    logged,
    parse_pin,
    parse_step,
    pin_token,
    unrolled,
)
from graph.vocabulary import NodeKind, RelType
from tests.doubles import RecordingReader
from tests.factories import ent, rel

WALLETS, STAFF = 200, 30  # with the owner: 231 neighbours, pages of 25 and 100 (view_values.PAGE_SIZES)
HUB = "hub"


@pytest.fixture
def store() -> RecordingReader:
    """A company paying 200 wallets and employing 30 people, and owned by one person."""
    entities = [ent(HUB, NodeKind.COMPANY, "Hub Trading"), ent("owner", NodeKind.PERSON, "Owner")]
    entities += [ent(f"w{k}", NodeKind.WALLET, f"0x{k:040d}") for k in range(WALLETS)]
    entities += [ent(f"p{k}", NodeKind.PERSON, f"Worker {k}") for k in range(STAFF)]
    rels = [rel("owns", RelType.OWNS, "owner", HUB, percentage=100)]
    rels += [rel(f"paid{k}", RelType.PAID, HUB, f"w{k}", amount=10 + k) for k in range(WALLETS)]
    rels += [rel(f"emp{k}", RelType.EMPLOYS, HUB, f"p{k}") for k in range(STAFF)]
    return RecordingReader.of(entities, rels)


def _round_trip(state: GraphState) -> GraphState:
    return GraphState.from_json(json.loads(json.dumps(state.to_json())))


def _reloaded(store: RecordingReader, url: str) -> GraphState:
    """What the entity page builds for ``url`` (layout.render_entity's load)."""
    view = parse_view_state(url)
    first = actions.load_view(store, HUB, view.hops, view.load_size).state
    return actions.replay(
        store, first, view.expansions, sorted(view.opened), view.load_size, view.hidden, view.removed, view.pins
    )


def _url(state: GraphState, page: int) -> str:
    """The query assets/entity.js writes for ``state`` with the page size ``page`` chosen (syncUrl)."""
    view = ViewState(
        hops=state.hops, page=page, cap=state.cap, expansions=state.steps, pins=tuple(state.to_json()["pins"])
    )
    return view_state_to_query(view)


# --- "N more" pages and the page size -----------------------------------------------------------------------------


def test_each_n_more_page_is_a_step_and_a_reload_brings_the_same_pages(store: RecordingReader) -> None:
    first = actions.load_view(store, HUB, 1, 25).state  # the hub brings 25 of its 231 neighbours
    assert first.cap == 25 and first.more() == {HUB: 206} and first.steps == ()
    state = actions.expand(store, first, HUB, 25).state  # "206 more" clicked: 25 more
    state = actions.expand(store, state, HUB, 25).state  # and again: a second page
    assert len(state.nodes) == 76 and state.more() == {HUB: 156}
    assert state.steps == (f"{HUB}*2",)  # two pages: the same step twice, written once with its count
    state = actions.expand(store, state, HUB, 100).state  # the analyst chose to bring 100
    assert state.steps == (f"{HUB}*2", f"{HUB}~100") and state.more() == {HUB: 56}
    assert _round_trip(state) == state

    url = _url(state, 100)
    assert url == f"?hops=1&page=100&cap=25&exp={HUB}*2,{HUB}~100"  # cap: the first load brought 25, not 100
    again = _reloaded(store, url)
    assert again == state and again.more() == {HUB: 56}
    # before the last page (Back): one page fewer
    assert _reloaded(store, "?hops=1&exp=hub*2").more() == {HUB: 156}
    assert _reloaded(store, "?hops=1&exp=hub,hub").more() == {HUB: 156}  # the same, written out


def test_an_old_url_without_the_new_keys_still_opens_as_before(store: RecordingReader) -> None:
    view = parse_view_state("?hops=1&page=100&exp=hub")  # written before cap= and steps: first load and pages of 100
    assert view.cap is None and view.load_size == 100 and view.pins == () and view.notes == ()
    state = _reloaded(store, "?hops=1&page=100&exp=hub")
    assert len(state.nodes) == 201 and state.more() == {HUB: 31} and state.steps == (HUB,)
    assert _reloaded(store, "?hops=1") == actions.load_view(store, HUB, 1, 25).state


def test_a_page_that_brings_nobody_new_is_not_a_step(store: RecordingReader) -> None:
    state = actions.expand(store, actions.load_view(store, HUB, 1, 250).state, HUB, 250).state  # all are in
    assert state.steps == (HUB,)  # the first expansion of an entity counts (it is marked expanded)
    assert actions.expand(store, state, HUB, 250).state.steps == (HUB,)


def test_expanding_by_type_is_a_step_of_its_own_and_is_replayed_as_such(store: RecordingReader) -> None:
    first = actions.load_view(store, HUB, 1, 25).state
    state = actions.expand_by(store, first, HUB, RelType.EMPLOYS, True, 25).state  # the menu's "employs (outgoing)"
    state = actions.expand(store, state, HUB, 100).state
    assert state.steps == (f"{HUB}~EMPLOYS.out", f"{HUB}~100")
    people = {i for i in state.nodes if i.startswith("p")}
    again = _reloaded(store, _url(state, 25))
    assert again == state and {i for i in again.nodes if i.startswith("p")} == people
    # a plain expansion in its place would bring other neighbours (the URL tells them apart)
    assert _reloaded(store, f"?hops=1&exp={HUB},{HUB}~100").nodes.keys() != state.nodes.keys()


def test_step_tokens_read_from_the_right_so_odd_ids_stay_whole() -> None:
    assert parse_step("a~b", 25) == Step("a~b", 25)  # '~b' is neither a size nor a type
    assert parse_step("wallet-0xab~100~OWNS.in", 25) == Step("wallet-0xab", 100, RelType.OWNS, False)
    assert parse_step("x~NOT_A_TYPE.out", 25) == Step("x~NOT_A_TYPE.out", 25)
    assert parse_step("x~7", 25) == Step("x", 7) and parse_step(" ", 25) is None
    for step in (Step("a~1~b", 7), Step("c", 25, RelType.PAID, True), Step("d", 3, RelType.OWNS, False)):
        assert parse_step(step.token(25), 25) == step


# --- pins ---------------------------------------------------------------------------------------------------------


def test_a_pin_keeps_its_place_through_json_and_the_url(store: RecordingReader) -> None:
    state = actions.load_view(store, HUB, 1, 25).state
    state = actions.toggle_pin(state, "w3", (120.44, -45.6))
    assert state.pinned == ("w3",) and state.pinned_at == {"w3": (120.0, -46.0)}  # whole units: short URLs
    assert state.to_json()["pins"] == ["w3~120~-46"] and _round_trip(state) == state
    assert parse_pin("w3~120~-46") == ("w3", (120.0, -46.0)) and parse_pin("odd~id") == ("odd~id", None)
    assert pin_token("w4", None) == "w4"  # pinned where the page did not know its place: the id alone

    again = _reloaded(store, "?hops=1&pin=w3~120~-46,w4")
    assert again.pinned == ("w3", "w4") and again.pinned_at == {"w3": (120.0, -46.0)}
    # hiding or removing a pinned entity unpins it; unpinning forgets the place
    assert actions.hide(again, "w3").pinned_at == {} and actions.remove(again, "w3").pinned == ("w4",)
    assert actions.toggle_pin(again, "w3").pinned_at == {}


def test_the_pin_button_keeps_the_node_where_the_browser_has_it(store: RecordingReader) -> None:
    state = actions.load_view(store, HUB, 1, 25).state
    positions = {"w5": [33.3, 44.6], HUB: [0, 0]}
    pinned_json, _ = apply_action(
        store, "node-pin", None, {"id": "w5"}, state.to_json(), None, ViewState().to_json(), positions
    )
    pinned = GraphState.from_json(pinned_json)
    assert pinned.pinned_at == {"w5": (33.0, 45.0)}
    # drawn there, on the rings, also when the browser knows no positions yet (a reload)
    drawn: dict[str, Any] = {}
    for element in redraw(pinned_json, ViewState().to_json(), {})[0]:
        if element["data"].get("id") == "w5":
            drawn = element
    assert drawn["position"] == {"x": 33.0, "y": 45.0} and drawn["locked"] is True
    # and not without the pin
    plain = compose(state, ViewState(), {}).elements
    assert next(e for e in plain if e["data"].get("id") == "w5")["position"] != {"x": 33.0, "y": 45.0}


def test_a_changed_page_size_and_pins_are_in_the_view_round_trip() -> None:
    view = parse_view_state("?hops=2&page=100&cap=25&exp=a,a,a~100,b~EMPLOYS.in&pin=a~1~-2,b")
    assert view.page == 100 and view.cap == 25 and view.load_size == 25
    assert view.expansions == ("a", "a", "a~100", "b~EMPLOYS.in") and view.pins == ("a~1~-2", "b")
    assert view_state_to_query(view) == "?hops=2&page=100&cap=25&exp=a,a,a~100,b~EMPLOYS.in&pin=a~1~-2,b"
    assert ViewState.from_json(view.to_json()) == view
    assert view_state_to_query(view.without_working_graph()) == "?hops=2&page=100"
    assert parse_view_state("?page=100&cap=100").cap is None  # the same as the page: not written twice


# --- the layout chosen, and a saved view ----------------------------------------------------------------------------


def test_rings_chosen_stay_chosen_in_the_address_bar() -> None:
    """A URL without ``layout`` leaves the layout to the page (by size): "Rings by distance" chosen by the analyst
    is written, so a reload does not draw a small view force-directed instead."""
    _, query = controls_view(1, "concentric", None, None, None, None, None, [])
    assert query == "?hops=1&layout=concentric" and not parse_view_state(query).auto
    assert parse_view_state(query).layout is Layout.CONCENTRIC
    assert controls_view(1, "auto", None, None, None, None, None, [])[1] == "?hops=1"
    assert parse_view_state("?hops=1").auto and view_state_to_query(ViewState()) == "?hops=2"


def test_a_saved_view_keeps_pages_pins_and_removals(store: RecordingReader) -> None:
    state = actions.load_view(store, HUB, 1, 25).state
    state = actions.expand(store, actions.expand(store, state, HUB, 25).state, HUB, 100).state
    state = actions.remove(actions.toggle_pin(state, "w1", (10, 20)), "w2")
    view, _ = controls_view(1, "concentric", None, None, None, None, None, [], page=100)
    url = view_url(HUB, view, state.to_json())
    assert url == f"/entity/{HUB}?hops=1&layout=concentric&page=100&cap=25&exp={HUB},{HUB}~100&removed=w2&pin=w1~10~20"
    assert _reloaded(store, url.split("?", 1)[1]) == state


def test_an_open_entity_panel_counts_the_connections_in_the_view_of_now(store: RecordingReader) -> None:
    """The panel's "N connections in the graph, M in this view" is renewed when the working graph changes (its
    sentence's id holds N and the entity), without a store call."""
    state = actions.load_view(store, HUB, 1, 25).state
    panel = entity_panel(store.get_entity(HUB), HUB, connections_sentence(231, 25), 231)
    [sentence] = [c for c in panel if getattr(c, "className", "") == "connections"]
    assert sentence.id == {"type": CONNECTIONS, "entity": HUB, "total": 231}
    store.clear()
    grown = actions.expand(store, state, HUB, 100).state
    ids = [sentence.id, {"type": CONNECTIONS, "entity": "gone", "total": 3}]
    calls = len(store.calls)
    assert current_connections(grown.to_json(), ids) == [
        "231 connections in the graph, 125 in this view. Double-click the node (or press Expand) to show more.",
        "3 connections in the graph.",
    ]
    assert len(store.calls) == calls


def test_repeated_pages_are_counted_and_a_url_cannot_ask_for_endless_ones(store: RecordingReader) -> None:
    assert logged(logged(logged((), "a"), "a"), "b") == ("a*2", "b")
    assert logged(("a*2",), "a") == ("a*3",) and logged(("a~100",), "a") == ("a~100", "a")
    assert unrolled(["a*3", "b", "odd*id", "c*0", "d*²"]) == ["a", "a", "a", "b", "odd*id", "c*0", "d*²"]
    assert unrolled(["a*999999"]) == ["a"] * MAX_REPEAT
    # every neighbour in after 10 pages: the 70 more asked for are skipped without a store call
    full = _reloaded(store, "?hops=1&exp=hub*9")
    assert full.more() == {} and len(full.nodes) == 232
    store.clear()
    calls_before = len(store.calls)
    assert _reloaded(store, "?hops=1&exp=hub*80") == full
    assert len(store.calls) - calls_before < 25  # the first load and the 9 pages, not 80
