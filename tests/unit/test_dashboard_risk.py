"""Risk on the entity page, as plain functions: exposure colouring, the 50% rule marks, shared infrastructure and
the export of the current view (dashboard.entity: exposure, elements, styles, risk, state, and
dashboard.export_controls, and the entity page's callbacks), over an in-memory reader."""

from __future__ import annotations

from typing import Any

import pytest
from dash import exceptions as dash_exceptions

from dashboard.entity import callbacks as entity_callbacks
from dashboard.entity import layout as entity_layout
from dashboard.entity import risk
from dashboard.entity.actions import hide
from dashboard.entity.elements import node_element, shared_edge_elements, shared_width
from dashboard.entity.exposure import NOT_ANALYSED, Risk, exposure_sentence, risk_badges, risk_classes
from dashboard.entity.legend import exposure_legend_items, legend_items, risk_legend_items, swatch_style
from dashboard.entity.risk import shared_details, shared_key, shared_outside, shared_pairs_from
from dashboard.entity.styles import EXPOSURE_COLOURS, SHARED_PURPLE, stylesheet
from dashboard.entity.view_state import ViewState, parse_view_state, view_state_to_query
from dashboard.entity.view_values import ColourBy
from dashboard.entity.working_graph import GraphState, NodeInfo
from dashboard.export_controls import working_view
from graph.model import Entity, Relationship
from graph.vocabulary import NodeKind, RelType
from tests.doubles import RecordingReader
from tests.factories import ent, rel
from tests.unit.dash_tree import find, text

ANALYSED_AT = "2026-01-01T00:00:00Z"


def analysed(hops: int | None, **more: Any) -> dict[str, Any]:
    return {"analyzed_at": ANALYSED_AT, "exposure_hops": hops, **more}


#: Lookup keys as the stores keep them (graph.ids.lookup_key: "+850123" is kept as "850123").
ENTITIES = (
    ent("p-ri", NodeKind.PERSON, "RI Chol Man", sanctioned=True, **analysed(0)),
    ent(
        "c-front", NodeKind.COMPANY, "Pyongsan Tech", front=True, lookup_keys=["850123"], **analysed(1)
    ),  # a phone as stores keep it (lookup_key)
    ent(
        "c-trading",
        NodeKind.COMPANY,
        "Golden Maple",
        identifiers=["Registration Number: HK-1"],
        search_text="golden maple",
        **analysed(2, blocked_by_ownership=True, ownership_unknown=False, blocked_share=60),
    ),
    ent("c-sister", NodeKind.COMPANY, "Sunrise Digital", **analysed(3, ownership_unknown=True)),
    ent("c-far", NodeKind.COMPANY, "Far Away Ltd", lookup_keys=["850123"], **analysed(None)),
    ent("a-addr", NodeKind.ADDRESS, "88 Example Road, Dandong", **analysed(3)),
    ent("w-1", NodeKind.WALLET, "0x1111111111111111111111111111111111111111"),  # loaded after the analysis
)
RELATIONSHIPS = (
    rel("r-directs", RelType.DIRECTS, "p-ri", "c-front"),
    rel("r-owns", RelType.OWNS, "c-front", "c-trading", percentage=60),
    rel("r-at-1", RelType.LOCATED_AT, "c-trading", "a-addr"),
    rel("r-at-2", RelType.LOCATED_AT, "c-sister", "a-addr"),
    rel("r-paid", RelType.PAID, "c-trading", "w-1", amount=15000, currency="USDT"),
)


@pytest.fixture
def reader() -> RecordingReader:
    return RecordingReader.of(ENTITIES, RELATIONSHIPS)


def page_state(page: Any) -> dict[str, Any]:
    data: dict[str, Any] = find(page, "graph-state").data
    return data


def nodes_of(elements: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["data"]["id"]: e for e in elements if "source" not in e["data"]}


# --- reading the stored analysis --------------------------------------------------------------------------------


def test_risk_reads_what_analyze_stored() -> None:
    assert Risk.of({}) == NOT_ANALYSED and NOT_ANALYSED.band == "unknown"
    assert Risk.of(analysed(0)).band == "0"
    assert Risk.of(analysed(3)).band == "3"
    assert Risk.of(analysed(4)).band == "far"
    assert Risk.of(analysed(None)).band == "none"  # analysed, no sanctioned entity in reach
    blocked = Risk.of(analysed(2, blocked_by_ownership=True, ownership_unknown=True))
    assert blocked.blocked and not blocked.possibly_blocked  # blocked wins over "possibly"
    assert Risk.of(analysed(2, blocked_by_ownership=None, ownership_unknown=True)).possibly_blocked
    assert not Risk.of(analysed(2, blocked_by_ownership=False)).blocked
    assert Risk.of(analysed(True)).exposure is None  # a boolean is not a number of hops


def test_risk_travels_as_compact_json() -> None:
    for risk_value in (Risk(True, 2, True, False), Risk(True, None, False, True), Risk(True, 0)):
        assert Risk.from_json(risk_value.to_json()) == risk_value
    assert NOT_ANALYSED.to_json() is None
    assert Risk.from_json(None) == NOT_ANALYSED and Risk.from_json("junk") == NOT_ANALYSED


def test_risk_classes_and_badges() -> None:
    assert risk_classes(NOT_ANALYSED) == []  # nothing to say: no class at all
    assert risk_classes(Risk(True, 1)) == ["exposure-1"]
    assert risk_classes(Risk(True, 2, blocked=True)) == ["exposure-2", "blocked"]
    assert risk_classes(Risk(True, None, possibly_blocked=True)) == ["exposure-none", "possibly-blocked"]
    trading = next(e for e in ENTITIES if e.id == "c-trading")
    sister = next(e for e in ENTITIES if e.id == "c-sister")
    assert [b[:2] for b in risk_badges(trading)] == [("BLOCKED (50% RULE)", "badge-blocked")]
    assert [b[:2] for b in risk_badges(sister)] == [("POSSIBLY BLOCKED", "badge-possibly")]
    assert risk_badges(ENTITIES[0]) == []


def test_the_exposure_sentence_says_when_analysis_is_missing() -> None:
    assert exposure_sentence([Risk(True, 1), Risk(True, None)]) is None
    assert exposure_sentence([]) is None
    none = exposure_sentence([NOT_ANALYSED, NOT_ANALYSED])
    assert none is not None and "Run `sanctions-graph analyze` to compute exposure" in none
    some = exposure_sentence([Risk(True, 1), NOT_ANALYSED])
    assert some is not None and some.startswith("1 entity has no exposure computed")


def test_node_info_keeps_the_risk_through_its_json() -> None:
    node = NodeInfo.of(next(e for e in ENTITIES if e.id == "c-trading"))
    assert node.risk == Risk(True, 2, True, False)
    assert NodeInfo.from_json(node.to_json()) == node
    plain = NodeInfo.of(next(e for e in ENTITIES if e.id == "w-1"))
    assert len(plain.to_json()) == 7 and NodeInfo.from_json(plain.to_json()) == plain  # rows stay as they were
    element = node_element(node, "p-ri", False, False)
    assert element["classes"].split()[-2:] == ["exposure-2", "blocked"]
    assert element["data"]["exposure"] == "2"


# --- styles and legend ------------------------------------------------------------------------------------------


def selectors(sheet: list[dict[str, Any]]) -> list[str]:
    return [r["selector"] for r in sheet]


def test_colour_by_exposure_adds_band_colours_after_the_kinds_and_before_the_marks() -> None:
    by_kind, by_exposure = stylesheet(), stylesheet(colour="exposure")
    assert not any(s.startswith("node.exposure-") for s in selectors(by_kind))
    order = selectors(by_exposure)
    rules = {r["selector"]: r["style"] for r in by_exposure}
    for band in ("0", "1", "2", "3", "far", "none"):
        assert rules[f"node.exposure-{band}"] == {"background-color": EXPOSURE_COLOURS[band]}
        assert order.index(f"node.exposure-{band}") > order.index("node.Aircraft")
        assert order.index(f"node.exposure-{band}") < order.index("node.blocked")
    # not analysed: white, set by a plain "node" rule after the kinds
    assert order.index("node", 1) > order.index("node.Company")
    assert rules["node.exposure-0"]["background-color"] == rules["node.sanctioned"]["border-color"]
    assert len(set(EXPOSURE_COLOURS.values())) == len(EXPOSURE_COLOURS)
    nodes = [r for r in by_exposure if r["selector"].startswith("node")]
    assert [r for r in stylesheet(big=True, colour="exposure") if r["selector"].startswith("node")][
        : len(nodes)
    ] == nodes


def test_the_50_percent_rule_marks_show_in_every_colouring() -> None:
    for sheet in (stylesheet(), stylesheet(colour="exposure")):
        rules = {r["selector"]: r["style"] for r in sheet}
        order = selectors(sheet)
        assert rules["node.blocked"]["border-style"] == "dashed"
        assert rules["node.possibly-blocked"]["border-style"] == "dotted"
        assert order.index("node.front") < order.index("node.blocked") < order.index("node.sanctioned")
        shared = rules["edge.shared"]
        assert shared["line-style"] == "dashed" and shared["line-color"] == SHARED_PURPLE
        assert shared["target-arrow-shape"] == "none"
        assert order.index("edge.shared") > order.index("edge[width]")


def test_the_legend_follows_the_colouring_and_the_toggle() -> None:
    plain = risk_legend_items()
    assert not any(i.group == "exposure" for i in plain)
    marks = [i.key for i in plain if i.group == "mark"]
    assert marks[-2:] == ["blocked", "possibly-blocked"]
    assert not any(i.key == "shared" for i in plain)
    exposure = risk_legend_items("exposure", shared=True)
    assert [i.key for i in exposure if i.group == "exposure"] == [f"exposure-{b}" for b in EXPOSURE_COLOURS]
    assert exposure[-1].key == "shared" and exposure[-1].line_style == "dashed"
    assert {i.key for i in legend_items() if i.group == "mark"} == {"sanctioned", "front", "center", "pinned", "more"}
    # the entity page marks what a case holds a note on (teal frame), before the marks of the 50% rule
    assert marks[-3:] == ["noted", "blocked", "possibly-blocked"]
    # the entity page draws analyst-asserted links: always in its legend, before the shared-infrastructure line
    assert [i.key for i in plain if i.group == "relationship"][-1] == "asserted"
    assert [i.key for i in exposure][-2:] == ["asserted", "shared"]
    swatch = swatch_style(exposure_legend_items()[1])
    assert swatch["backgroundColor"] == EXPOSURE_COLOURS["1"] and swatch["borderRadius"] == "50%"
    blocked = next(i for i in plain if i.key == "blocked")
    assert "dashed" in swatch_style(blocked)["border"]


# --- view state ---------------------------------------------------------------------------------------------------


def test_colour_and_shared_live_in_the_url() -> None:
    view = parse_view_state("?hops=1&colour=Exposure&shared=1")
    assert view.colour is ColourBy.EXPOSURE and view.shared
    assert view_state_to_query(view) == "?hops=1&colour=exposure&shared=1"
    assert ViewState.from_json(view.to_json()) == view
    default = parse_view_state("?hops=2")
    assert default.colour is ColourBy.KIND and not default.shared
    assert view_state_to_query(default) == "?hops=2"
    bad = parse_view_state("?colour=rainbow&shared=maybe")
    assert bad.colour is ColourBy.KIND and not bad.shared
    assert any("Unknown colouring 'rainbow'" in n for n in bad.notes)
    assert not bad.filtered and view.without_filters() == view


def test_the_controls_write_colour_and_shared_to_the_url() -> None:
    view, query = entity_callbacks.controls_view(2, "concentric", None, None, None, None, None, [], "exposure", ["on"])
    assert query == "?hops=2&layout=concentric&colour=exposure&shared=1"  # the rings chosen, not left to the page
    assert ViewState.from_json(view).shared
    assert entity_callbacks.controls_view(2, None, None, None, None, None, None, None, "kind", [])[1] == "?hops=2"


# --- the entity page ----------------------------------------------------------------------------------------------


def test_the_page_marks_risk_and_colours_by_exposure(reader: RecordingReader) -> None:
    page = entity_layout.render_entity(reader, "c-front", "?hops=3&colour=exposure")
    graph = find(page, "graph")
    nodes = nodes_of(graph.elements)
    assert "exposure-0" in nodes["p-ri"]["classes"].split()
    assert {"exposure-2", "blocked"} <= set(nodes["c-trading"]["classes"].split())
    assert {"exposure-3", "possibly-blocked"} <= set(nodes["c-sister"]["classes"].split())
    assert not any(c.startswith("exposure-") for c in nodes["w-1"]["classes"].split())
    assert any(r["selector"] == "node.exposure-1" for r in graph.stylesheet)
    assert find(page, "colour").value == "exposure" and find(page, "shared").value == []
    assert "1 hop from a sanctioned entity" in text(find(page, "legend"))
    note = text(find(page, "risk-note"))
    assert note.startswith("1 entity has no exposure computed")  # the wallet, loaded after the analysis
    assert find(page, "graph-export-csv") is not None and find(page, "graph-export-png") is not None

    by_kind = entity_layout.render_entity(reader, "c-front", "?hops=3")
    assert not any(r["selector"].startswith("node.exposure-") for r in find(by_kind, "graph").stylesheet)
    assert text(find(by_kind, "risk-note")) == ""


def test_a_store_without_analysis_says_to_run_it() -> None:
    bare = RecordingReader.of(
        [Entity(e.id, e.kind, e.name, e.sanctioned, {"name": e.name}) for e in ENTITIES], RELATIONSHIPS
    )
    page = entity_layout.render_entity(bare, "p-ri", "?hops=2&colour=exposure")
    assert "Run `sanctions-graph analyze` to compute exposure" in text(find(page, "risk-note"))
    state = page_state(page)
    view, _ = entity_callbacks.controls_view(2, None, None, None, None, None, None, None, "kind", [])
    assert entity_callbacks.risk_sentences(state, view, None) == []


def test_the_blocked_entity_panel_says_so(reader: RecordingReader) -> None:
    panel = entity_callbacks.show_details(reader, "graph.tapNodeData", {"id": "c-trading", "in_view": 2}, None)
    words = text(panel)
    assert "BLOCKED (50% RULE)" in words
    assert "Blocked under the OFAC 50% rule (60% owned by blocked persons)" in words


# --- shared infrastructure ---------------------------------------------------------------------------------------


LINKS = [
    {
        "id": "c-sister",
        "weight": 1.0,
        "shared": [{"kind": "address", "value": "88 Example Road", "holders": 2, "weight": 1.0, "complete": True}],
    },
    {
        "id": "c-far",
        "weight": 0.25,
        "shared": [{"kind": "Phone", "value": "+850123", "holders": 5, "weight": 0.25, "complete": False}],
    },
]


def test_shared_pairs_are_one_per_pair_whichever_side_found_them() -> None:
    pairs = shared_pairs_from("c-trading", LINKS)
    assert set(pairs) == {shared_key("c-trading", "c-sister"), shared_key("c-far", "c-trading")}
    assert shared_key("b", "a") == shared_key("a", "b") == "a|b"
    pair = pairs["c-sister|c-trading"]
    assert (pair["a"], pair["b"], pair["weight"]) == ("c-sister", "c-trading", 1.0)
    assert shared_pairs_from("x", [{"id": "x"}, {"id": ""}]) == {}


def test_shared_edges_join_only_entities_in_view() -> None:
    pairs = shared_pairs_from("c-trading", LINKS)
    names = {"c-trading": "Golden Maple", "c-sister": "Sunrise Digital"}
    edges = shared_edge_elements(pairs, ["c-trading", "c-sister"], names)
    assert len(edges) == 1
    edge = edges[0]
    assert edge["classes"] == "shared" and edge["data"]["type"] == "shared"
    assert edge["data"]["id"] == "shared:c-sister|c-trading" and edge["data"]["label"] == "address"
    assert edge["data"]["width"] == shared_width(1.0) > shared_width(0.25) > shared_width(0.0)
    assert shared_outside(pairs, ["c-trading", "c-sister"]) == 1
    both = shared_edge_elements(pairs, ["c-trading", "c-sister", "c-far"], names)
    assert [e["data"]["weight"] for e in both] == [0.25, 1.0]  # the strongest drawn last, on top


def test_a_shared_edge_explains_itself() -> None:
    edge = shared_edge_elements(
        shared_pairs_from("c-trading", LINKS), ["c-trading", "c-far"], {"c-trading": "Golden Maple"}
    )[0]
    rows = {r.label: r for r in shared_details(edge["data"])}
    assert rows["Link"].items == (("c-far and Golden Maple share infrastructure: Phone",),)
    assert rows["Shared"].items == (("Phone: +850123 — held by at least 5 entities, weight 0.25",),)
    assert rows["Weight"].items == (("0.25 (of 1)",),)
    panel = entity_callbacks.show_details(None, "graph.tapEdgeData", None, edge["data"])  # type: ignore[arg-type]
    assert "Shared infrastructure" in text(panel) and "1/(n-1)" in text(panel)


def test_the_toggle_checks_the_entities_in_view_and_draws_dashed_lines(reader: RecordingReader) -> None:
    page = entity_layout.render_entity(reader, "c-front", "?hops=3")
    state = page_state(page)
    off, _ = entity_callbacks.controls_view(3, None, None, None, None, None, None, None, None, [])
    reader.clear()
    assert risk.update_shared(reader, state, off, None) is None and reader.calls == []  # off: no store call

    on, _ = entity_callbacks.controls_view(3, None, None, None, None, None, None, None, None, ["on"])
    cache = risk.update_shared(reader, state, on, None)
    assert cache is not None
    assert cache["checked"][0] == "c-front"  # the page's entity first
    assert "a-addr" not in cache["checked"] and "w-1" not in cache["checked"]  # infrastructure is not a holder
    assert set(cache["pairs"]) == {"c-sister|c-trading", "c-far|c-front"}
    assert risk.update_shared(reader, state, on, cache) is None  # everything in view checked already

    drawn = entity_callbacks.redraw(state, on, {}, cache)
    shared = [e for e in drawn[0] if e.get("classes") == "shared"]
    assert [e["data"]["id"] for e in shared] == ["shared:c-sister|c-trading"]  # c-far is not in the view
    legend = text(drawn[7])
    assert "shares infrastructure" in legend
    sentences = entity_callbacks.risk_sentences(state, on, cache)
    assert len(sentences) == 1
    words = text(sentences)
    assert words.startswith("1 dashed line joins entities that share")
    assert "1 entity outside the view shares some with entities in it" in words
    assert not [e for e in entity_callbacks.redraw(state, off, {}, cache)[0] if e.get("classes") == "shared"]


def test_shared_sentences_while_waiting_and_after_a_failure(reader: RecordingReader) -> None:
    state = GraphState.from_json(page_state(entity_layout.render_entity(reader, "c-front", "?hops=3")))
    drawn = list(state.nodes)
    assert risk.shared_sentence(state, drawn, None, 0).startswith("Looking for shared addresses")
    assert "could not be read: gone" in risk.shared_sentence(state, drawn, {"error": "gone"}, 0)
    reader.fail = RuntimeError("boom")
    on, _ = entity_callbacks.controls_view(3, None, None, None, None, None, None, None, None, ["on"])
    failed = risk.update_shared(reader, state.to_json(), on, None)
    assert failed is not None and failed["error"] and failed["checked"] == []


# --- export of the current view -----------------------------------------------------------------------------------


def test_the_export_is_the_view_as_drawn_with_full_records(reader: RecordingReader) -> None:
    state = GraphState.from_json(page_state(entity_layout.render_entity(reader, "c-front", "?hops=3")))
    hidden = hide(state, "c-sister")
    view, _ = entity_callbacks.controls_view(3, None, None, ["DIRECTS", "OWNS", "LOCATED_AT"], None, None, None, None)
    reader.clear()
    exported = working_view(reader, hidden.to_json(), view)
    assert [c[0] for c in reader.calls] == ["get_entities"]  # one store call
    ids = {e.id for e in exported.entities}
    assert ids == {"p-ri", "c-front", "c-trading", "a-addr"}  # the wallet's only link is a payment: filtered out
    assert {r.id for r in exported.relationships} == {"r-directs", "r-owns", "r-at-1"}
    trading = next(e for e in exported.entities if e.id == "c-trading")
    assert trading.properties["identifiers"] == ["Registration Number: HK-1"]  # the full record
    assert trading.properties["blocked_by_ownership"] is True  # the analysis travels with it
    assert "search_text" not in trading.properties  # the store's bookkeeping does not
    assert exported.title == "Pyongsan Tech graph"
    assert all(isinstance(r, Relationship) for r in exported.relationships)
    with pytest.raises(ValueError):
        working_view(reader, None, view)


def test_the_page_offers_the_downloads_in_its_validation_layout() -> None:
    layout = entity_layout.layout()
    for fmt in ("png", "svg", "csv", "graphml", "ftm"):
        assert find(layout, f"graph-export-{fmt}") is not None
    with pytest.raises(dash_exceptions.PreventUpdate):
        entity_callbacks.risk_sentences(None, None, None)
