"""dashboard.entity.elements, dashboard.details, dashboard.formatting: domain objects → cytoscape elements and
detail rows (pure functions)."""

from __future__ import annotations

import math
from typing import Any

from dashboard.details import (
    DesignationRow,
    DetailRow,
    Link,
    SourceRow,
    designation_rows,
    entity_details,
    relationship_details,
    source_rows,
)
from dashboard.entity.elements import subgraph_to_elements
from dashboard.entity.positions import radial_positions
from dashboard.formatting import edge_label, entity_href, format_number, short_label
from graph.model import Relationship, Subgraph
from graph.vocabulary import NodeKind, RelType
from tests import factories
from tests.factories import ent
from tests.unit.dashboard_story import RI_FACTS

W1 = "0x1111111111111111111111111111111111111111"
W2 = "0x2222222222222222222222222222222222222222"


def rel(rel_id: str, rel_type: RelType, source: str, target: str, **props: Any) -> Relationship:
    """A relationship with a source record (``x:1``) unless ``props`` name others."""
    return factories.rel(rel_id, rel_type, source, target, **{"source_ids": ["x:1"], **props})


RI = ent(
    "p-ri",
    NodeKind.PERSON,
    "RI Chol Man",
    sanctioned=True,
    **RI_FACTS,  # the story's (tests/unit/dashboard_story.py), and:
    aliases=["Ri Chol-man"],
    notes="Fictional person.",
    front=False,
    stub=False,
    hobby="chess",  # a property the dashboard has no caption for
)
FRONT = ent("c-front", NodeKind.COMPANY, "Pyongsan Tech Solutions Ltd", front=True, datasets=["demo_fictional"])
TRADING = ent("c-trading", NodeKind.COMPANY, "Golden Maple Trading Co")
WALLET1 = ent(f"wallet-{W1}", NodeKind.WALLET, W1, chain="evm", currencies=["ETH", "USDT"])
WALLET2 = ent(f"wallet-{W2}", NodeKind.WALLET, W2)
RELS = (
    rel("r-directs", RelType.DIRECTS, "p-ri", "c-front", role="General director", datasets=["demo_fictional"]),
    rel("r-owns", RelType.OWNS, "c-front", "c-trading", percentage=60, start_date="2020-02-14"),
    rel("r-paid", RelType.PAID, "c-trading", WALLET1.id, amount=15000, currency="USDT", date="2023-04-03"),
    rel("r-transferred", RelType.TRANSFERRED, WALLET1.id, WALLET2.id, amount=2.5, asset="ETH", tx_hash="0xabc"),
    rel("r-dangling", RelType.HOLDS, "c-front", "not-in-view"),
)
SUBGRAPH = Subgraph("p-ri", (RI, FRONT, TRADING, WALLET1, WALLET2), RELS, omitted=0)


def by_id(elements: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["data"]["id"]: e for e in elements}


def row(rows: list[DetailRow], label: str) -> DetailRow:
    return next(r for r in rows if r.label == label)


def flat(r: DetailRow) -> list[str]:
    return [p.text if isinstance(p, Link) else p for item in r.items for p in item]


# --- elements ---------------------------------------------------------------------------------------------------


def test_nodes_carry_kind_flags_and_classes() -> None:
    elements = by_id(subgraph_to_elements(SUBGRAPH))
    ri = elements["p-ri"]
    assert ri["classes"] == "Person sanctioned center"
    assert {"kind": "Person", "sanctioned": True, "center": True, "label": "RI Chol Man"}.items() <= ri["data"].items()
    assert elements["c-front"]["classes"] == "Company front"
    assert elements["c-front"]["data"]["center"] is False
    assert elements["c-trading"]["classes"] == "Company"


def test_node_labels_are_shortened_but_full_names_kept() -> None:
    elements = by_id(subgraph_to_elements(SUBGRAPH))
    assert elements[WALLET1.id]["data"]["label"] == "0x1111…1111"
    assert elements[WALLET1.id]["data"]["name"] == W1
    assert short_label("CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY") == "CHINYONG INFORMATION TECHNOLOGY…"
    assert len(short_label("x" * 80)) == 32
    assert short_label("  KIM,   Sang Man ") == "KIM, Sang Man"


def test_edges_have_type_and_readable_labels() -> None:
    elements = by_id(subgraph_to_elements(SUBGRAPH))
    expected = {"source": "c-front", "target": "c-trading", "type": "OWNS", "label": "owns 60%"}
    assert expected.items() <= elements["r-owns"]["data"].items()
    assert elements["r-owns"]["classes"] == "OWNS"
    assert elements["r-paid"]["data"]["label"] == "paid 15,000 USDT"
    assert elements["r-transferred"]["data"]["label"] == "transferred 2.5 ETH"
    assert elements["r-directs"]["data"]["label"] == "directs"
    assert elements["r-owns"]["data"]["source_name"] == "Pyongsan Tech Solutions Ltd"
    # properties travel with the edge (for the details panel), bookkeeping does not
    assert elements["r-owns"]["data"]["props"] == {"percentage": 60, "start_date": "2020-02-14"}


def test_edge_labels_without_figures_fall_back_to_the_caption() -> None:
    assert edge_label(rel("a", RelType.OWNS, "x", "y")) == "owns"
    assert edge_label(rel("b", RelType.OWNS, "x", "y", percentage=33.5)) == "owns 33.5%"
    assert edge_label(rel("c", RelType.TRANSFERRED, "x", "y", value_usd=1200)) == "transferred $1,200"
    assert edge_label(rel("d", RelType.SAME_AS, "x", "y", score=0.6)) == "same as?"


def test_edges_to_entities_outside_the_view_are_dropped() -> None:
    elements = subgraph_to_elements(SUBGRAPH)
    nodes = {e["data"]["id"] for e in elements if "source" not in e["data"]}
    edges = [e for e in elements if "source" in e["data"]]
    assert "r-dangling" not in {e["data"]["id"] for e in edges}
    assert all(e["data"]["source"] in nodes and e["data"]["target"] in nodes for e in edges)
    assert len(nodes) == 5 and len(edges) == 4


def test_radial_positions_put_the_centre_in_the_middle_and_hops_on_rings() -> None:
    positions = radial_positions(SUBGRAPH)
    assert positions["p-ri"] == (0.0, 0.0)
    distance = {k: math.hypot(*xy) for k, xy in positions.items()}
    # ring k holds the entities k relationships away from the centre
    assert 0 < distance["c-front"] < distance["c-trading"] < distance[WALLET1.id] < distance[WALLET2.id]
    assert radial_positions(SUBGRAPH) == positions  # deterministic
    elements = by_id(subgraph_to_elements(SUBGRAPH))
    assert elements["c-front"]["position"] == {"x": positions["c-front"][0], "y": positions["c-front"][1]}


def test_radial_positions_keep_many_neighbours_apart_and_place_unreachable_ones() -> None:
    hub = ent("hub", NodeKind.PERSON, "Hub")
    wallets = [ent(f"w{i}", NodeKind.WALLET, f"w{i}") for i in range(60)]
    loner = ent("loner", NodeKind.COMPANY, "Loner")
    holds = tuple(rel(f"h{i}", RelType.HOLDS, "hub", f"w{i}") for i in range(60))
    positions = radial_positions(Subgraph("hub", (hub, *wallets, loner), holds))
    points = [positions[f"w{i}"] for i in range(60)]
    closest = min(math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1 :])
    assert closest >= 90
    assert math.hypot(*positions["loner"]) > math.hypot(*points[0])
    assert radial_positions(Subgraph("x", (), ())) == {}


def test_format_number() -> None:
    assert format_number(60) == "60"
    assert format_number(60.0) == "60"
    assert format_number(8200) == "8,200"
    assert format_number(0.00012) == "0.00012"
    assert format_number("12") == "12"
    assert entity_href("wallet-0x1") == "/entity/wallet-0x1"
    assert entity_href("a b/c", hops=2) == "/entity/a%20b%2Fc?hops=2"


# --- details ----------------------------------------------------------------------------------------------------


def test_entity_details_show_what_an_analyst_needs() -> None:
    rows = entity_details(RI)
    labels = [r.label for r in rows]
    assert labels[:4] == ["Name", "Kind", "Status", "Designations"]
    assert flat(row(rows, "Status")) == ["Sanctioned"]
    assert flat(row(rows, "Also known as")) == ["Ri Chol-man"]
    assert flat(row(rows, "Countries")) == ["North Korea (KP)"]  # one country naming (issue 12)
    assert flat(row(rows, "Identifiers")) == ["Passport: 836410021 (Korea, North) — fictional"]
    assert flat(row(rows, "Sanctions programs")) == ["DEMO-DPRK"]
    assert flat(row(rows, "Sources")) == ["demo_fictional"]
    assert flat(row(rows, "Birth date")) == ["1971-04-02"]
    assert flat(row(rows, "Notes")) == ["Fictional person."]
    assert flat(row(rows, "Hobby")) == ["chess"]  # unknown properties are not hidden
    designation = row(rows, "Designations").items[0]
    assert designation[0] == "Fictional authority: DEMO-DPRK, since 2023-09-12"
    assert designation[-1] == Link("source record", "https://example.org/d/1", external=True)
    shown = " ".join(" ".join(flat(r)) for r in rows)
    assert "ri chol man" not in shown  # search_names are internal
    assert "836410021" in shown and labels.count("Identifiers") == 1


def test_entity_details_leave_out_empty_fields_and_mark_fronts() -> None:
    rows = entity_details(FRONT)
    labels = [r.label for r in rows]
    assert "Also known as" not in labels and "Designations" not in labels and "Identifiers" not in labels
    assert flat(row(rows, "Status")) == [
        "No sanctions designation in the loaded data",
        "Front company (a source marks it as a shell or front)",
    ]


def test_entity_details_explain_analysis_results() -> None:
    exposed = ent(
        "c-x",
        NodeKind.COMPANY,
        "X Ltd",
        exposure_hops=2,
        exposure_nearest="p-ri",
        blocked_by_ownership=True,
        blocked_share=60,
        analyzed_at="2024-05-01T00:00:00Z",
        exposure_types="ALL",
    )
    rows = entity_details(exposed)
    assert not [r.label for r in rows if "types" in r.label.lower()]  # bookkeeping of analyze, not a fact
    exposure = row(rows, "Exposure").items[0]
    assert exposure[0] == "2 hops from a sanctioned entity"
    assert exposure[-1] == Link("p-ri", "/entity/p-ri")
    assert flat(row(rows, "Ownership")) == ["Blocked under the OFAC 50% rule (60% owned by blocked persons)"]


def test_relationship_details_from_the_edge_data() -> None:
    edges = by_id(subgraph_to_elements(SUBGRAPH))
    owns = relationship_details(edges["r-owns"]["data"])
    assert flat(row(owns, "Relationship")) == ["Pyongsan Tech Solutions Ltd owns Golden Maple Trading Co"]
    assert flat(row(owns, "Type")) == ["OWNS (owner → asset)"]
    assert flat(row(owns, "Percentage")) == ["60%"]
    assert flat(row(owns, "Start date")) == ["2020-02-14"]
    assert row(owns, "From").items[0][0] == Link("Pyongsan Tech Solutions Ltd", "/entity/c-front")

    paid = relationship_details(edges["r-paid"]["data"])
    assert flat(row(paid, "Amount")) == ["15,000 USDT"]
    assert "Currency" not in [r.label for r in paid]  # already in the amount
    assert flat(row(paid, "Date")) == ["2023-04-03"]

    directs = relationship_details(edges["r-directs"]["data"])
    assert flat(row(directs, "Role")) == ["General director"]
    assert flat(row(directs, "Sources")) == ["demo_fictional"]

    transferred = relationship_details(edges["r-transferred"]["data"])
    assert flat(row(transferred, "Amount")) == ["2.5 ETH"]
    assert flat(row(transferred, "Transaction hash")) == ["0xabc"]


def test_relationship_details_survive_odd_edge_data() -> None:
    rows = relationship_details({"id": "e1", "type": "SOMETHING_NEW", "source": "a", "target": "b", "props": {"w": 1}})
    assert flat(row(rows, "Type")) == ["SOMETHING_NEW"]
    assert flat(row(rows, "W")) == ["1"]
    assert any(r.label == "Relationship" for r in relationship_details({}))


# --- sources ----------------------------------------------------------------------------------------------------


def test_sources_group_record_ids_by_dataset_with_first_and_last_seen() -> None:
    props = {
        "datasets": ["us_ofac_sdn", "demo_fictional"],
        "source_ids": ["us_ofac_sdn:43377", "demo_fictional:demo-x", "us_ofac_sdn:43378"],
        "first_seen": "2021-01-04",
        "last_seen": "2024-05-03",
    }
    assert source_rows(props) == [
        SourceRow("us_ofac_sdn", "US OFAC Specially Designated Nationals list", ("43377", "43378"), "2021-01-04",
                  "2024-05-03"),
        SourceRow("demo_fictional", "Demo scenario (fictional)", ("demo-x",), "2021-01-04", "2024-05-03"),
    ]  # fmt: skip


def test_sources_without_datasets_or_prefixes_still_show_what_is_known() -> None:
    assert source_rows({}) == []
    assert source_rows({"datasets": ["x"], "source_ids": ["r1"]}) == [SourceRow("x", "x", ("r1",))]
    assert source_rows({"source_ids": ["gen_bank:T-1"]}) == [SourceRow("gen_bank", "gen bank", ("T-1",))]
    assert source_rows({"datasets": ["a", "b"], "source_ids": ["loose"]})[-1] == SourceRow(
        "", "Unnamed source", ("loose",)
    )


def test_designations_as_rows_with_record_and_source() -> None:
    assert designation_rows(RI) == [
        DesignationRow("Fictional authority", ("DEMO-DPRK",), "2023-09-12", "rec-1", "https://example.org/d/1")
    ]


def test_a_panel_with_a_sources_table_leaves_sources_out_of_the_details() -> None:
    labels = [r.label for r in entity_details(RI, with_sources=False)]
    assert "Sources" not in labels and "Designations" not in labels and "Source records" not in labels
    assert "Identifiers" in labels and "Hobby" in labels
    edges = by_id(subgraph_to_elements(SUBGRAPH))
    directs = [r.label for r in relationship_details(edges["r-directs"]["data"], with_sources=False)]
    assert "Sources" not in directs and "Role" in directs


def test_internal_search_fields_are_never_shown() -> None:
    indexed = ent("c-i", NodeKind.COMPANY, "Indexed Ltd", search_text="indexed ltd", lookup_text="x")
    labels = [r.label for r in entity_details(indexed)]
    assert "Search text" not in labels and "Lookup text" not in labels


def test_a_same_as_is_drawn_as_judged_and_a_rejected_one_stands_apart() -> None:
    from dashboard.entity.styles import stylesheet

    pairs = (
        rel("s-open", RelType.SAME_AS, "p-ri", "c-front", score=0.8, status="candidate"),
        rel("s-yes", RelType.SAME_AS, "p-ri", "c-trading", score=0.9, status="accepted", judgement="accepted"),
        rel("s-no", RelType.SAME_AS, "c-front", "c-trading", score=0.7, status="rejected", judgement="rejected"),
        rel("s-other-tool", RelType.SAME_AS, "c-trading", "p-ri", status="negative"),
        rel("r-owns", RelType.OWNS, "c-front", "c-trading", percentage=60),
    )
    view = Subgraph("p-ri", (RI, FRONT, TRADING), pairs, omitted=0)
    classes = {e["data"]["id"]: e["classes"] for e in subgraph_to_elements(view) if "source" in e["data"]}
    assert classes["s-open"].split() == ["SAME_AS", "same-as-candidate"]
    assert classes["s-yes"].split() == ["SAME_AS", "same-as-accepted"]
    assert classes["s-no"].split() == ["SAME_AS", "same-as-rejected"]
    assert classes["s-other-tool"].split() == ["SAME_AS", "same-as-rejected"]  # a negative judgement of another tool
    assert classes["r-owns"] == "OWNS"
    rules = {r["selector"]: r["style"] for r in stylesheet()}
    rejected, accepted = rules["edge.same-as-rejected"], rules["edge.same-as-accepted"]
    assert rejected["line-style"] == "dashed" and rejected["opacity"] < 1 and "rejected" in rejected["label"]
    assert accepted["line-style"] == "solid" and accepted["line-color"] != rejected["line-color"]
    assert accepted["label"] == "same as (accepted)"  # no longer a question
