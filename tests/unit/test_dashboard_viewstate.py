"""dashboard.entity.view_state and view_values: the entity page's view in its URL, read and written back."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard.entity.view_state import ViewState, parse_view_state, view_state_to_query
from dashboard.entity.view_values import DEFAULT_HOPS, Layout, date_end, date_start
from graph.vocabulary import NodeKind, RelType

FULL = ViewState(
    hops=3,
    layout=Layout.HIERARCHY,
    kinds=frozenset({NodeKind.COMPANY, NodeKind.PERSON}),
    rels=frozenset({RelType.OWNS, RelType.PAID}),
    date_from="2023-01-01",
    date_to="2023-12-31",
    min_amount=2500.5,
    hide_datasets=frozenset({"us_ofac_sdn", "demo_fictional"}),
)


def test_defaults_need_only_the_hops() -> None:
    assert parse_view_state("") == ViewState()
    assert parse_view_state(None) == ViewState(hops=DEFAULT_HOPS, layout=Layout.CONCENTRIC)
    assert view_state_to_query(ViewState()) == "?hops=2"


def test_a_full_view_is_written_readably() -> None:
    assert view_state_to_query(FULL) == (
        "?hops=3&layout=hierarchy&kinds=Company,Person&rels=OWNS,PAID&from=2023-01-01&to=2023-12-31&min=2500.5"
        "&hide=demo_fictional,us_ofac_sdn"
    )


@pytest.mark.parametrize(
    "state",
    [
        ViewState(),
        FULL,
        ViewState(hops=1, kinds=frozenset()),  # only the page's entity
        ViewState(layout=Layout.FORCE, rels=frozenset({RelType.SAME_AS}), min_amount=1e6),
        ViewState(date_from="2023", date_to="2024-02"),
        ViewState(hide_datasets=frozenset({"a b", "c&d"})),
        ViewState(expansions=("front", "w:1"), hidden=("decoy",), removed=("w1", "alex")),
    ],
)
def test_query_round_trip(state: ViewState) -> None:
    query = view_state_to_query(state)
    assert parse_view_state(query) == state
    assert parse_view_state(query).notes == ()
    assert ViewState.from_json(state.to_json()) == state  # and through the page's store


def test_dash_pages_parameters_are_read_like_the_query_string() -> None:
    params: dict[str, Any] = {"hops": "1", "layout": "FORCE", "kinds": ["person", "Wallet"], "rels": "owns,paid"}
    state = parse_view_state(params)
    assert state.hops == 1 and state.layout is Layout.FORCE
    assert state.kinds == {NodeKind.PERSON, NodeKind.WALLET}
    assert state.rels == {RelType.OWNS, RelType.PAID}
    assert parse_view_state({"kinds": ""}).kinds == frozenset()  # present but empty


@pytest.mark.parametrize(
    ("query", "field", "value", "note"),
    [
        ("hops=9", "hops", 3, "Hops must be from 1 to 3; showing 3."),
        ("hops=x", "hops", 2, "Hops must be a number from 1 to 3; showing 2."),
        ("layout=spiral", "layout", Layout.CONCENTRIC, "Unknown layout 'spiral'"),
        ("kinds=Robot", "kinds", None, "Unknown kind of entity ignored: Robot."),
        ("kinds=Robot,Person", "kinds", frozenset({NodeKind.PERSON}), "Unknown kind of entity ignored: Robot."),
        ("rels=loves", "rels", None, "Unknown kind of relationship ignored: loves."),
        ("from=yesterday", "date_from", None, "'yesterday' is not a date"),
        ("to=2023-02-30", "date_to", None, "'2023-02-30' is not a date"),
        ("min=lots", "min_amount", None, "The minimum amount 'lots' is not a number"),
        ("min=-5", "min_amount", None, "The minimum amount must be zero or more"),
        ("from=2024-01-01&to=2023-01-01", "date_from", "2023-01-01", "given backwards"),
    ],
)
def test_unusable_values_are_corrected_with_a_sentence(query: str, field: str, value: Any, note: str) -> None:
    state = parse_view_state(query)
    assert getattr(state, field) == value
    assert any(note in n for n in state.notes), state.notes


def test_amounts_accept_thousands_separators_and_zero_means_none() -> None:
    assert parse_view_state("min=10,000").min_amount == 10000
    assert parse_view_state("min=0").min_amount is None
    assert parse_view_state("from=2023-04-04T10:12:00Z").date_from == "2023-04-04"


def test_partial_dates_cover_their_whole_period() -> None:
    assert (date_start("2023"), date_end("2023")) == ("2023-01-01", "2023-12-31")
    assert (date_start("2024-02"), date_end("2024-02")) == ("2024-02-01", "2024-02-29")
    assert date_end("2023-04-05") == "2023-04-05"


def test_a_view_knows_whether_it_filters() -> None:
    assert not ViewState(hops=3, layout=Layout.FORCE).filtered
    assert FULL.filtered and FULL.without_filters() == ViewState(hops=3, layout=Layout.HIERARCHY)
    assert ViewState(kinds=frozenset()).filtered


def test_hidden_and_removed_entities_travel_in_the_url_in_their_order() -> None:
    view = parse_view_state("?hops=1&exp=front&hidden=decoy,w2&removed=w1&removed=alex")
    assert view.expansions == ("front",) and view.hidden == ("decoy", "w2") and view.removed == ("w1", "alex")
    assert view_state_to_query(view) == "?hops=1&exp=front&hidden=decoy,w2&removed=w1,alex"
    # the page's own query leaves them to the working graph (assets/entity.js writes them from it)
    assert view_state_to_query(view.without_working_graph()) == "?hops=1"
