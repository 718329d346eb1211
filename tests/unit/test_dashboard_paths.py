"""The paths page and the report page, called as plain functions over an in-memory store, and the app serving them."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from dash import exceptions as dash_exceptions

from dashboard import path_display
from dashboard.app import create_app
from dashboard.exporters import view_from_payload
from dashboard.pages import paths as paths_page
from dashboard.pages import report as report_page
from graph.errors import QueryTimeout
from graph.model import Subgraph
from graph.vocabulary import NodeKind, RelType
from tests.doubles import RecordingReader
from tests.factories import ent, rel
from tests.unit.dash_app import route
from tests.unit.dash_tree import find, of_class, walk
from tests.unit.dash_tree import text as _text
from tests.unit.dashboard_story import ENTITIES, RELATIONSHIPS


@pytest.fixture
def store() -> RecordingReader:
    return RecordingReader.of(ENTITIES, RELATIONSHIPS)


def one_path_store() -> RecordingReader:
    """A store from before ``shortest_paths``: one shortest path at a time."""
    return RecordingReader.of(ENTITIES, RELATIONSHIPS, without=["shortest_paths"])


def text(component: Any) -> str:
    return _text(component, sep="")


# --- paths page: the query string ---------------------------------------------------------------------------------


def test_paths_query_defaults_and_corrections() -> None:
    assert paths_page.parse_query({}) == paths_page.PathQuery()
    q = paths_page.parse_query({"from": "p-ri", "to": "c-sunrise", "k": "2", "max_hops": "4", "types": "owns,DIRECTS"})
    assert (q.source, q.target, q.k, q.max_hops, q.types, q.notes) == (
        "p-ri",
        "c-sunrise",
        2,
        4,
        (RelType.OWNS, RelType.DIRECTS),
        (),
    )
    bad = paths_page.parse_query({"k": "99", "max_hops": "x", "types": "OWNS,BRIBES"})
    assert (bad.k, bad.max_hops, bad.types) == (paths_page.MAX_K, 6, (RelType.OWNS,))
    assert bad.notes == (
        "The number of paths must be from 1 to 5; using 5.",
        "The number of hops must be a number from 1 to 6; using 6.",
        "There is no relationship kind 'BRIBES'; it was left out.",
    )
    every = ",".join(t.value for t in RelType)
    assert paths_page.parse_query({"types": every}).types is None  # every kind is no filter


def test_find_paths_writes_the_choices_to_the_url() -> None:
    every = [t.value for t in RelType]
    assert paths_page.submit(1, "p-ri", "c-sunrise", 3, 6, every) == "?from=p-ri&to=c-sunrise&k=3&max_hops=6"
    assert paths_page.submit(1, "a b", None, 2, 5, ["DIRECTS", "OWNS"]) == "?from=a+b&k=2&max_hops=5&types=OWNS,DIRECTS"
    with pytest.raises(dash_exceptions.PreventUpdate):
        paths_page.submit(0, "p-ri", "c-sunrise", 3, 6, every)
    query = paths_page.parse_query({"from": "a b", "k": "2", "max_hops": "5", "types": "OWNS,DIRECTS"})
    assert query.source == "a b" and query.types == (RelType.OWNS, RelType.DIRECTS)


# --- paths page: the store ----------------------------------------------------------------------------------------


def test_find_paths_uses_shortest_paths_when_the_store_has_it(store: RecordingReader) -> None:
    found = paths_page.find_paths(store, "p-ri", "c-sunrise", 2, 6, None)
    assert store.calls == [("shortest_paths", "p-ri", "c-sunrise", 2, 6, None)]
    assert [p.hops for p in found] == [2, 4]


def test_find_paths_falls_back_to_one_shortest_path() -> None:
    store = one_path_store()
    found = paths_page.find_paths(store, "p-ri", "c-sunrise", 3, 6, [RelType.MEMBER_OF, RelType.LINKED_TO])
    assert store.calls == [("shortest_path", "p-ri", "c-sunrise", 6, (RelType.MEMBER_OF, RelType.LINKED_TO))]
    assert [[e.id for e in p.entities] for p in found] == [["p-ri", "o-bureau", "c-sunrise"]]
    assert paths_page.find_paths(store, "p-ri", "p-alone", 3, 6, None) == []


# --- paths page: what it shows ------------------------------------------------------------------------------------


def test_a_two_hop_path_is_listed_hop_by_hop_with_its_evidence(store: RecordingReader) -> None:
    page = paths_page.render_paths(store, {"from": "p-ri", "to": "c-sunrise", "k": "3"})
    assert store.calls[:2] == [("get_entity", "p-ri"), ("get_entity", "c-sunrise")]
    assert store.calls[2][0] == "shortest_paths" and len(store.calls) == 3
    assert text(find(page, "paths-summary")) == (
        "Found 3 paths between RI Chol Man and Sunrise Digital Services LLC; the shortest has 2 hops."
    )
    first = of_class(find(page, "paths-list"), "path")[0]
    assert text(first.children[0]) == "Path 1 · 2 hops"
    hops = of_class(first, "hop")
    assert [h.title for h in hops] == [
        "RI Chol Man —member of→ Bureau 999",
        "Bureau 999 ←linked to— Sunrise Digital Services LLC",  # walked against the relationship's direction
    ]
    assert text(of_class(hops[0], "hop-evidence")[0]) == "Role: Officer · Sources: demo_fictional"
    links = [c.href for c in walk(hops[0]) if getattr(c, "href", None)]
    assert links == ["/entity/p-ri", "/entity/o-bureau"]
    graph = find(page, paths_page.GRAPH_ID)
    node_ids = {e["data"]["id"] for e in graph.elements if "source" not in e["data"]}
    assert {"p-ri", "o-bureau", "c-sunrise"} <= node_ids
    ends = [e for e in graph.elements if "center" in e.get("classes", "").split()]
    assert sorted(e["data"]["id"] for e in ends) == ["c-sunrise", "p-ri"]
    assert graph.layout["name"] == "preset"
    assert find(page, "paths-graph-block").style is None
    exported = view_from_payload(find(page, "paths-graph-export-data").data)
    assert {e.id for e in exported.entities} == node_ids
    assert find(page, "paths-from").value == "p-ri" and find(page, "paths-to").value == "c-sunrise"
    assert find(page, "paths-from").options[0]["label"] == "RI Chol Man · Person · SANCTIONED"


def test_evidence_shows_percentages_dates_amounts_and_source_records() -> None:
    by_id = {r.id: r for r in RELATIONSHIPS}
    assert path_display.hop_evidence(by_id["r-owns"]) == ["Percentage: 60%", "Since: 2020-02-14"]
    assert path_display.hop_evidence(by_id["r-directs"]) == [
        "Role: General director",
        "Since: 2019-05-01",
        "Source records: demo_fictional:r-directs",
    ]
    assert path_display.hop_evidence(by_id["r-paid"]) == ["Amount: 15,000 USDT", "Date: 2023-04-03"]
    assert path_display.hop_evidence(by_id["r-transfer"])[:2] == ["Amount: 14.2 eth", "Value: $26,300"]


def test_no_path_is_said_plainly(store: RecordingReader) -> None:
    page = paths_page.render_paths(store, {"from": "p-ri", "to": "p-alone", "max_hops": "3"})
    assert text(find(page, "paths-summary")) == "No path within 3 hops between RI Chol Man and Nobody Connected."
    assert find(page, "paths-graph-block").style == {"display": "none"}
    assert of_class(find(page, "paths-list"), "path") == []
    filtered = paths_page.render_paths(store, {"from": "p-ri", "to": "c-sunrise", "max_hops": "1", "types": "OWNS"})
    assert text(find(filtered, "paths-summary")) == (
        "No path within 1 hop between RI Chol Man and Sunrise Digital Services LLC. "
        "Only owns relationships were followed."
    )


def test_a_store_with_one_path_at_a_time_says_so() -> None:
    store = one_path_store()
    page = paths_page.render_paths(store, {"from": "p-ri", "to": "c-sunrise"})
    assert "Found 1 path between" in text(page)
    assert "This graph store finds one shortest path at a time." in text(page)


def test_unknown_ends_and_failures_are_sentences_beside_the_form(store: RecordingReader) -> None:
    page = paths_page.render_paths(store, {"from": "p-ri", "to": "nope"})
    assert text(find(page, "error")).startswith("No entity with id 'nope' is in the graph.")
    assert find(page, "paths-from").value == "p-ri" and find(page, "paths-to").value is None
    store.clear()
    store.fail = QueryTimeout("The query took longer than 10 seconds.")
    failed = paths_page.render_paths(store, {"from": "p-ri", "to": "c-sunrise"})
    assert text(find(failed, "error")).startswith("The query took longer than 10 seconds.")


def test_the_blank_page_asks_for_two_entities_and_reads_nothing(store: RecordingReader) -> None:
    page = paths_page.layout()  # also Dash's validation layout: every callback's component is in it
    assert "Pick two entities" in text(find(page, "paths-summary"))
    for component_id in ("paths-from", "paths-to", "paths-k", "paths-max-hops", "paths-types", "paths-find"):
        find(page, component_id)
    find(page, paths_page.GRAPH_ID)
    find(page, "paths-graph-export-csv")
    same = paths_page.render_paths(store, {"from": "p-ri", "to": "p-ri"})
    assert text(find(same, "paths-summary")) == "Pick two different entities."


def test_positions_put_the_ends_left_and_right_and_each_path_on_its_row(store: RecordingReader) -> None:
    found = store.shortest_paths("p-ri", "c-sunrise", 3)
    positions = paths_page.path_positions(found)
    assert positions["p-ri"] == (0.0, 0.0)
    assert positions["c-sunrise"][1] == 0.0 and positions["c-sunrise"][0] == max(x for x, _ in positions.values())
    assert positions["o-bureau"][1] == 0.0  # on the shortest path, the middle row
    second_row = {positions[e.id][1] for e in found[1].entities[1:-1]}
    assert second_row == {paths_page.ROW_GAP}
    assert len(set(positions.values())) == len(positions)  # no two entities on the same spot


def test_typing_in_a_picker_searches_and_keeps_the_chosen_entity(store: RecordingReader) -> None:
    chosen = [paths_page.entity_option(ENTITIES[0])]
    options = paths_page.search_options(store, " 836410021 ", "p-ri", chosen)  # a store matches whole identifiers
    assert store.calls == [("search", "836410021", paths_page.SEARCH_LIMIT)]
    assert [o["value"] for o in options] == ["p-ri"]
    assert "836410021" in options[0]["search"]  # matched on the passport: the browser must not filter it away
    options = paths_page.search_options(store, "bureau", "p-ri", chosen)
    assert [o["value"] for o in options] == ["p-ri", "o-bureau"]
    with pytest.raises(dash_exceptions.PreventUpdate):
        paths_page.search_options(store, "b", None, [])
    store.fail = RuntimeError("boom")
    with pytest.raises(dash_exceptions.PreventUpdate):
        paths_page.search_options(store, "bureau", None, [])


# --- report page --------------------------------------------------------------------------------------------------


def test_paths_to_the_nearest_sanctioned_entities_come_from_the_neighbourhood(store: RecordingReader) -> None:
    sub = store.neighbourhood("c-trading", 2)
    found = report_page.sanctioned_paths(sub)
    assert [[e.id for e in p.entities] for p in found] == [["c-trading", "c-front", "p-ri"]]
    ri_paths = report_page.sanctioned_paths(store.neighbourhood("p-ri", 2))
    assert [p.entities[-1].id for p in ri_paths] == ["o-bureau"]  # never the centre itself
    assert report_page.sanctioned_paths(store.neighbourhood("p-alone", 2)) == []


def test_the_report_shows_designation_drawing_connections_paths_and_sources(store: RecordingReader) -> None:
    page = report_page.render_report(store, "p-ri", now=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    assert store.calls == [("neighbourhood", "p-ri", report_page.REPORT_HOPS)]
    assert text(find(page, "report-name")) == "RI Chol Man"
    assert "Prepared 2026-01-02 03:04 UTC" in text(page)
    designations = find(page, "report-designations")
    assert "Fictional authority: DEMO-DPRK, since 2023-09-12 (record rec-1)" in text(designations)
    assert [c.href for c in walk(designations) if getattr(c, "href", None)] == ["https://example.org/d/1"]
    details = text(find(page, "report-details"))
    assert "Passport: 836410021" in details and "ri chol man" not in details  # no search bookkeeping
    image = find(page, "report-graph-image")
    svg = base64.b64decode(image.src.split(",", 1)[1]).decode()
    drawn = {t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")}
    assert {"RI Chol Man", "Bureau 999", "Pyongsan Tech Solutions Ltd", "RI Sun Hui", "RI Chol Mann"} <= drawn
    connections = text(find(page, "report-connections"))
    assert "RI Chol Man directs …" in connections and "Role: General director" in connections
    sanctioned = find(page, "report-sanctioned-paths")
    assert "RI Chol Man is itself designated" in text(sanctioned)
    assert [h.title for h in of_class(sanctioned, "hop")] == ["RI Chol Man —member of→ Bureau 999"]
    sources = [
        text(li)
        for li in walk(find(page, "report-sources"))
        if getattr(li, "children", None) and type(li).__name__ == "Li"
    ]
    assert sources == [
        "Dataset: demo_fictional",
        "Source record: demo_fictional:p-ri",
        "Designation: https://example.org/d/1",
        "Source record: demo_fictional:r-directs",
    ]
    find(page, "report-print")


def test_the_report_follows_the_exposure_analysis_beyond_two_hops() -> None:
    far = ent("c-far", NodeKind.COMPANY, "Far Away Ltd", exposure_nearest="p-ri", exposure_hops=3)
    store = RecordingReader.of(
        (*ENTITIES, far), (*RELATIONSHIPS, rel("r-far", RelType.OWNS, "c-far", "x-plane", percentage=5))
    )
    page = report_page.render_report(store, "c-far")
    assert [c[0] for c in store.calls] == ["neighbourhood", "shortest_path"]
    sanctioned = find(page, "report-sanctioned-paths")
    assert "No sanctioned entity within 2 hops" in text(sanctioned)
    assert "Further away, the nearest sanctioned entity found by the exposure analysis:" in text(sanctioned)
    assert [h.title for h in of_class(sanctioned, "hop")] == [
        "Far Away Ltd —owns→ P-632",
        "P-632 ←linked to— Someone Offshore",
        "Someone Offshore —directs→ Golden Maple Trading Co",
        "Golden Maple Trading Co ←owns— Pyongsan Tech Solutions Ltd",
        "Pyongsan Tech Solutions Ltd ←directs— RI Chol Man",
    ]


def test_an_unknown_entity_gets_a_sentence_instead_of_a_report(store: RecordingReader) -> None:
    page = report_page.render_report(store, "nope")
    assert text(find(page, "error")).startswith("No entity with id 'nope' is in the graph.")
    find(page, "report-print")  # hidden, but there for the print callback


# --- the app --------------------------------------------------------------------------------------------------------


def test_the_app_serves_the_paths_and_report_pages_and_their_callbacks(store: RecordingReader) -> None:
    app = create_app(store)
    client = app.server.test_client()
    assert client.get("/paths?from=p-ri").status_code == 200
    outputs = " ".join(cb["output"] for cb in client.get("/_dash-dependencies").get_json())
    for output in (
        "paths-from.options",
        "paths-to.options",
        "paths-graph.generateImage",
        "paths-graph-export-download.data",
        "report-print-status.children",
    ):
        assert output in outputs
    page = json.dumps(route(app, "/paths", "?from=p-ri&to=c-sunrise&k=1"), ensure_ascii=False)
    assert "Found 1 path between RI Chol Man and Sunrise Digital Services LLC" in page
    report = json.dumps(route(app, "/report/p-ri"), ensure_ascii=False)
    assert "report-designations" in report and "Fictional authority" in report
    assert '"/paths"' in json.dumps(client.get("/_dash-layout").get_json())  # the navigation bar links the page


def test_the_report_says_when_the_neighbourhood_was_capped(
    store: RecordingReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store.neighbourhood

    def capped(entity_id: str, hops: int = 1) -> Subgraph:
        sub = real(entity_id, hops)
        return Subgraph(sub.center, sub.entities, sub.relationships, omitted=7)

    monkeypatch.setattr(store, "neighbourhood", capped)
    sanctioned = text(find(report_page.render_report(store, "c-trading"), "report-sanctioned-paths"))
    assert "7 more entities within 2 hops were not examined" in sanctioned
