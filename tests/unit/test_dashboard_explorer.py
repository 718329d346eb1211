"""dashboard.entity: the working graph (state), the analyst's actions, and filters → elements."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dashboard.entity import actions as explorer
from dashboard.entity.actions import HUB_CAP, cap_hubs, state_from_subgraph
from dashboard.entity.elements import compose, edge_width, positions_from
from dashboard.entity.filters import edge_passes, filter_view, in_date_range
from dashboard.entity.render import render_view
from dashboard.entity.styles import stylesheet
from dashboard.entity.timeline import timeline_points
from dashboard.entity.view_state import ViewState, parse_view_state
from dashboard.entity.view_values import Layout
from dashboard.entity.working_graph import EdgeInfo, GraphState, NodeInfo
from graph.model import Subgraph
from graph.vocabulary import NodeKind, RelType
from tests.doubles import RecordingReader
from tests.factories import ent, rel

# A small story: a director → front firm → owns 60% of a trading company → pays a wallet → transfers onwards;
# an employee paid by a client; a decoy linked only by SAME_AS.
ENTITIES = (
    ent("ri", NodeKind.PERSON, "RI Chol Man", sanctioned=True),
    ent("front", NodeKind.COMPANY, "Pyongsan Tech", front=True, datasets=["demo"]),
    ent("trading", NodeKind.COMPANY, "Golden Maple"),
    ent("w1", NodeKind.WALLET, "0x1111111111111111111111111111111111111111"),
    ent("w2", NodeKind.WALLET, "0x2222222222222222222222222222222222222222"),
    ent("alex", NodeKind.PERSON, "Alex Kim"),
    ent("client", NodeKind.COMPANY, "Northwind Apps"),
    ent("decoy", NodeKind.PERSON, "RI Chol Mann"),
)
RELATIONSHIPS = (
    rel("directs", RelType.DIRECTS, "ri", "front", start_date="2019-05-01", datasets=["demo"]),
    rel("owns", RelType.OWNS, "front", "trading", percentage=60, start_date="2020-02-14", datasets=["demo"]),
    rel("employs", RelType.EMPLOYS, "front", "alex", start_date="2021-01-01", end_date="2022-06-30"),
    rel("paid", RelType.PAID, "trading", "w1", amount=15000, currency="USDT", date="2023-04-03", datasets=["bank"]),
    rel("salary", RelType.PAID, "client", "alex", amount=8200, currency="USD", date="2023-03-31", datasets=["bank"]),
    rel("moved", RelType.TRANSFERRED, "w1", "w2", amount=14.2, value_usd=26300, timestamp="2023-04-04T10:12:00Z"),
    rel("same", RelType.SAME_AS, "decoy", "ri", score=0.6, datasets=["demo", "bank"]),
)


@pytest.fixture
def store() -> RecordingReader:
    return RecordingReader.of(ENTITIES, RELATIONSHIPS)


@pytest.fixture
def state(store: RecordingReader) -> GraphState:
    return explorer.load_view(store, "front", 3).state  # everything is within 3 hops of the front firm


def drawn(state: GraphState, query: str = "") -> set[str]:
    return {e["data"]["id"] for e in compose(state, parse_view_state(query)).elements if "source" not in e["data"]}


# --- the working graph ---------------------------------------------------------------------------------------------


def test_loading_costs_one_call_and_keeps_what_the_graph_needs(store: RecordingReader, state: GraphState) -> None:
    assert store.calls == [("neighbourhood", "front", 3)]
    assert [a["limit"] for a in store.args("neighbourhood")] == [explorer.MAX_VIEW_NODES]
    assert set(state.nodes) == {e.id for e in ENTITIES}
    assert state.nodes["front"] == NodeInfo("front", "Company", "Pyongsan Tech", False, True, False, ("demo",))
    assert state.edges["paid"].props["amount"] == 15000 and "id" not in state.edges["paid"].props
    assert state.degree == {} and state.more() == {}


def test_the_working_graph_survives_json(state: GraphState) -> None:
    state = explorer.toggle_pin(explorer.hide(state, "decoy"), "w1")
    again = GraphState.from_json(json.loads(json.dumps(state.to_json())))
    assert again == state


def test_hubs_bring_at_most_the_cap_and_remember_their_degree() -> None:
    hub = ent("hub", NodeKind.COMPANY, "Hub")
    people = [ent(f"p{k:02d}", NodeKind.PERSON, f"P{k}") for k in range(HUB_CAP + 7)]
    rels = [rel(f"r{k:02d}", RelType.EMPLOYS, "hub", f"p{k:02d}") for k in range(HUB_CAP + 7)]
    subgraph = Subgraph("hub", (hub, *people), tuple(rels))
    kept, capped = cap_hubs(subgraph)
    assert len(kept) == 1 + HUB_CAP and capped == {"hub"}
    state = state_from_subgraph(subgraph, 1)
    assert state.more() == {"hub": 7}


def test_an_entity_held_back_by_a_full_hub_comes_in_through_another() -> None:
    hub, other = ent("hub", NodeKind.COMPANY, "Hub"), ent("other", NodeKind.COMPANY, "Other")
    people = [ent(f"p{k}", NodeKind.PERSON, f"P{k}") for k in range(4)]
    rels = [rel(f"r{k}", RelType.EMPLOYS, "hub", f"p{k}") for k in range(4)]
    rels += [rel("o", RelType.OWNS, "hub", "other"), rel("x", RelType.EMPLOYS, "other", "p3")]
    subgraph = Subgraph("hub", (hub, *people, other), tuple(rels))
    kept, capped = cap_hubs(subgraph, cap=3)
    assert capped == {"hub"} and "other" not in kept[:4]
    # p0-p2 from the hub (its 3), then p3 and other are held back; nothing else reaches other, so it waits too
    assert kept == ["hub", "p0", "p1", "p2"]


def test_expanding_pages_through_neighbours_and_counts_the_rest() -> None:
    hub = ent("hub", NodeKind.COMPANY, "Hub")
    people = [ent(f"p{k:02d}", NodeKind.PERSON, f"P{k}") for k in range(60)]
    store = RecordingReader.of(
        [hub, *people], [rel(f"r{k:02d}", RelType.EMPLOYS, "hub", f"p{k:02d}") for k in range(60)]
    )
    state = explorer.load_view(store, "p00", 1).state
    assert set(state.nodes) == {"p00", "hub"}
    step = explorer.expand(store, state, "hub")
    assert step.added == HUB_CAP and step.state.more() == {"hub": 60 - 1 - HUB_CAP}
    assert step.message == f"Added {HUB_CAP} entities connected to Hub. 34 more to show: click the “34 more” node."
    step = explorer.expand(store, step.state, "hub")
    step = explorer.expand(store, step.state, "hub")
    assert len(step.state.nodes) == 61 and step.state.more() == {}
    assert [a["limit"] for a in store.args("neighbourhood")][1:] == [
        1 + HUB_CAP + 1,
        26 + HUB_CAP + 1,
        51 + HUB_CAP + 1,
    ]  # offset + page + the hub


def test_removing_a_neighbour_of_an_expanded_entity_offers_it_again(store: RecordingReader, state: GraphState) -> None:
    state = explorer.expand(store, state, "trading").state
    assert state.more() == {} and "trading" in state.expanded
    state = explorer.remove(state, "w1")
    assert "w1" not in state.nodes and not any("w1" in (e.source, e.target) for e in state.edges.values())
    assert state.more() == {"trading": 1}
    assert explorer.remove(state, "front") is state  # never the page's own entity


def test_removals_and_hiding_are_kept_and_replayed_after_the_expansions(store: RecordingReader) -> None:
    first = explorer.load_view(store, "ri", 1).state  # ri and front
    state = explorer.expand(store, first, "front").state  # trading and alex come in
    state = explorer.remove(explorer.hide(state, "alex"), "trading")
    assert state.removed == ("trading",) and state.hidden == ("alex",)
    assert GraphState.from_json(json.loads(json.dumps(state.to_json()))) == state
    # a reload: the same expansions, then the same removals and hiding
    again = explorer.replay(store, first, state.expanded, (), HUB_CAP, state.hidden, state.removed)
    assert again == state
    assert again.more() == {"front": 1}  # the removed neighbour is offered again
    # an expansion that brings a removed entity back takes it off the list
    back = explorer.expand(store, state, "front").state
    assert "trading" in back.nodes and back.removed == ()
    # entities no longer there are skipped
    assert explorer.replay(store, first, (), (), HUB_CAP, ("gone",), ("gone", "ri")) == first


def test_a_full_view_refuses_to_grow_with_a_sentence(store: RecordingReader, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explorer, "MAX_VIEW_NODES", 2)
    state = explorer.load_view(store, "ri", 1).state  # ri and front: the view is full
    step = explorer.expand(store, state, "front")
    assert step.added == 0 and step.message and "as many as it can draw" in step.message


def test_hide_pin_show(state: GraphState) -> None:
    state = explorer.hide(state, "w2")
    assert state.hidden == ("w2",) and explorer.hide(state, "front") == state
    state = explorer.toggle_pin(state, "w1")
    assert state.pinned == ("w1",) and explorer.toggle_pin(state, "w1").pinned == ()
    assert explorer.show_all(state).hidden == ()


# --- filters --------------------------------------------------------------------------------------------------------


def edge(edge_type: RelType, **props: Any) -> EdgeInfo:
    return EdgeInfo("e", edge_type.value, "a", "b", props)


@pytest.mark.parametrize(
    ("props", "start", "end", "inside"),
    [
        ({"date": "2023-04-03"}, "2023-04-01", "2023-04-30", True),
        ({"date": "2023-03-31"}, "2023-04-01", None, False),
        ({"timestamp": "2023-04-04T10:12:00Z"}, None, "2023-04-04", True),
        ({"start_date": "2020-02-14"}, "2023-01-01", "2023-12-31", True),  # still valid
        ({"start_date": "2024-01-01"}, "2023-01-01", "2023-12-31", False),  # not yet
        ({"start_date": "2021-01-01", "end_date": "2022-06-30"}, "2023-01-01", None, False),  # over by then
        ({"start_date": "2021", "end_date": "2022"}, "2022-12-01", "2023-01-31", True),  # partial dates
        ({}, "2023-01-01", "2023-01-02", True),  # undated: not filtered by dates
    ],
)
def test_dated_relationships_are_drawn_only_when_valid_in_the_range(
    props: dict[str, Any], start: str | None, end: str | None, inside: bool
) -> None:
    assert in_date_range(edge(RelType.OWNS, **props), start, end) is inside


def test_minimum_amount_uses_usd_value_when_known_and_leaves_other_kinds_alone() -> None:
    view = ViewState(min_amount=10_000)
    assert edge_passes(edge(RelType.PAID, amount=15000), view)
    assert not edge_passes(edge(RelType.PAID, amount=8200), view)
    assert edge_passes(edge(RelType.TRANSFERRED, amount=14.2, value_usd=26300), view)
    assert edge_passes(edge(RelType.OWNS, percentage=60), view)
    assert edge_passes(edge(RelType.PAID), view)  # amount unknown: not filtered by it


def test_links_asserted_only_by_hidden_datasets_are_left_out() -> None:
    view = ViewState(hide_datasets=frozenset({"bank"}))
    assert not edge_passes(edge(RelType.PAID, datasets=["bank"]), view)
    assert edge_passes(edge(RelType.SAME_AS, datasets=["bank", "demo"]), view)  # someone else says so too
    assert edge_passes(edge(RelType.OWNS), view)  # no dataset recorded


def test_filters_cut_off_what_no_longer_reaches_the_page_entity(state: GraphState) -> None:
    assert drawn(state) == {e.id for e in ENTITIES}
    assert drawn(state, "rels=DIRECTS,OWNS,PAID,TRANSFERRED,EMPLOYS") == drawn(state) - {"decoy"}
    assert drawn(state, "kinds=Person,Company") == drawn(state) - {"w1", "w2"}
    assert drawn(state, "min=10000") == drawn(state) - {"client"}  # its only payment is 8,200
    assert drawn(state, "from=2023-01-01") == drawn(state) - {"alex", "client"}  # employment over; salary kept…
    assert drawn(state, "hide=bank") == drawn(state) - {"client", "w1", "w2"}
    assert drawn(state, "kinds=") == {"front"}  # no kind: the page's entity alone
    counts = filter_view(state, parse_view_state("min=10000"))
    assert counts.cut == {"client"} and counts.edges_out == 1


def test_hidden_entities_do_not_cut_off_their_neighbours(state: GraphState) -> None:
    state = explorer.hide(state, "trading")
    assert drawn(state) == {e.id for e in ENTITIES} - {"trading"}
    assert filter_view(state, ViewState()).hidden == 1


# --- elements -------------------------------------------------------------------------------------------------------


def test_elements_carry_marks_widths_and_labels(state: GraphState) -> None:
    state = explorer.toggle_pin(state, "trading")
    elements = {e["data"]["id"]: e for e in compose(state, ViewState()).elements}
    assert elements["ri"]["classes"] == "Person sanctioned"
    assert elements["front"]["classes"] == "Company front center"
    assert elements["trading"]["locked"] is True and "pinned" in elements["trading"]["classes"]
    assert elements["owns"]["data"]["label"] == "owns 60%" and elements["owns"]["data"]["width"] == 5.1
    widths = {i: elements[i]["data"]["width"] for i in ("paid", "salary", "moved")}
    assert widths["moved"] == 9.0 and widths["salary"] < widths["paid"] < widths["moved"]  # by amount (log)
    assert "width" not in elements["directs"]["data"]
    assert elements["paid"]["data"]["props"]["datasets"] == ["bank"]  # sources travel with the edge
    assert edge_width(edge(RelType.PAID), 100.0) is None


def test_the_more_node_is_laid_out_with_its_entity() -> None:
    hub = ent("hub", NodeKind.COMPANY, "Hub")
    people = [ent(f"p{k:02d}", NodeKind.PERSON, f"P{k}") for k in range(30)]
    rels = [rel(f"r{k:02d}", RelType.EMPLOYS, "hub", f"p{k:02d}") for k in range(30)]
    state = state_from_subgraph(Subgraph("hub", (hub, *people), tuple(rels)), 1)
    elements = {e["data"]["id"]: e for e in compose(state, ViewState()).elements}
    stub, line = elements["more:hub"], elements["more-edge:hub"]
    assert stub["data"]["label"] == "5 more" and stub["data"]["parent_id"] == "hub"
    assert (line["data"]["source"], line["data"]["target"]) == ("hub", "more:hub")
    assert stub["position"] != {"x": 0.0, "y": 0.0}  # on the ring, not on top of the hub


@pytest.mark.parametrize(
    ("layout", "name"), [(Layout.CONCENTRIC, "preset"), (Layout.FORCE, "fcose"), (Layout.HIERARCHY, "dagre")]
)
def test_small_views_are_laid_out_in_the_browser_from_where_things_are(
    state: GraphState, layout: Layout, name: str
) -> None:
    current = {"ri": (10.0, 20.0), "front": (200.0, 20.0)}
    composed = compose(state, ViewState(layout=layout), current)
    assert composed.layout["name"] == name and composed.layout["fit"] is True and composed.layout["key"]
    positions = {e["data"]["id"]: e["position"] for e in composed.elements if "position" in e}
    if layout is not Layout.CONCENTRIC:  # entities keep their place; newcomers start next to a neighbour
        assert positions["front"] == {"x": 200.0, "y": 20.0}
        assert abs(positions["trading"]["x"] - 200.0) < 200 and abs(positions["trading"]["y"] - 20.0) < 200
    assert compose(state, ViewState(layout=layout), current).layout == composed.layout  # same view: no re-run
    assert compose(explorer.hide(state, "w2"), ViewState(layout=layout)).layout["key"] != composed.layout["key"]


def test_big_views_get_positions_from_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    hub = ent("hub", NodeKind.COMPANY, "Hub")
    people = [ent(f"p{k:03d}", NodeKind.PERSON, f"P{k}") for k in range(450)]
    rels = [rel(f"r{k:03d}", RelType.EMPLOYS, "hub", f"p{k:03d}") for k in range(450)]
    state = state_from_subgraph(Subgraph("hub", (hub, *people), tuple(rels)), 1, cap=1000)
    for layout in Layout:
        composed = compose(state, ViewState(layout=layout, group_min=0))  # no grouping: 450 nodes drawn
        assert composed.big and composed.layout["name"] == "preset", layout
        points = {(e["position"]["x"], e["position"]["y"]) for e in composed.elements if "position" in e}
        assert len(points) == 451  # every node its own place, none piled up


def test_a_big_view_is_sent_the_rules_its_elements_use_and_a_small_one_the_whole_stylesheet(state: GraphState) -> None:
    hub = ent("hub", NodeKind.COMPANY, "Hub")
    people = [ent(f"p{k:03d}", NodeKind.PERSON, f"P{k}") for k in range(450)]
    rels = [rel(f"r{k:03d}", RelType.EMPLOYS, "hub", f"p{k:03d}") for k in range(450)]
    big = state_from_subgraph(Subgraph("hub", (hub, *people), tuple(rels)), 1, cap=1000)
    sent = render_view(big, ViewState(group_min=0), {})
    selectors = {r["selector"] for r in sent.stylesheet}
    assert len(sent.stylesheet) < len(stylesheet(big=True)) / 2
    assert {"node", "node.Company", "node.Person", "node.center", "edge.EMPLOYS", "node.hover"} <= selectors
    assert not {"node.Wallet", "edge.PAID", "node.more"} & selectors
    assert render_view(state, ViewState(), {}).stylesheet == stylesheet()  # a small view: all of it, as before


def test_the_timeline_lists_payments_and_transfers_whatever_the_date_range(state: GraphState) -> None:
    points = compose(state, parse_view_state("from=2023-04-04&min=10000")).timeline
    assert [(p.date, p.type, p.amount) for p in points] == [
        ("2023-04-03", "PAID", 15000.0),
        ("2023-04-04", "TRANSFERRED", 26300.0),
    ]  # the salary is below the minimum; the 3 April payment is outside the dates but on the timeline
    assert points[0].text == "Golden Maple → 0x1111…1111: paid 15,000 USDT on 2023-04-03"


def test_the_timeline_and_the_edges_say_the_same_of_each_payment(state: GraphState) -> None:
    """compose works each edge's label out once, for its edge and its timeline point: the same words either way."""
    composed = compose(state, ViewState())
    labels = {e["data"]["id"]: e["data"]["label"] for e in composed.elements if "source" in e["data"]}
    alone = timeline_points(state, ViewState())  # labels worked out by the timeline itself
    assert [p.text for p in composed.timeline] == [p.text for p in alone] and alone
    for p in composed.timeline:
        assert f": {labels[p.edge_id]} on {p.date}" in p.text


def test_browser_positions_are_read_defensively() -> None:
    raw = {"a": [1, 2.5], "b": "x", "c": [1], "d": ["1", None]}
    assert positions_from(raw) == {"a": (1.0, 2.5)}
    assert positions_from(None) == {}
