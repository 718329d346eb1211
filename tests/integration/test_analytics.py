"""Analytics on BOTH stores (the `store` fixture runs each test on embedded FalkorDB and on Neo4j), on small
hand-built scenarios whose answers were worked out on paper (see each test's comment)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from graph.analytics.analyze import analyze
from graph.analytics.exposure import entity_exposure
from graph.analytics.itworkers import find_it_workers
from graph.analytics.ownership import entity_ownership
from graph.analytics.shared_infrastructure import shared_infrastructure
from graph.analytics.trace import TraceDirection, trace_funds
from graph.errors import EntityNotFound
from graph.ids import rel_id
from graph.model import Direction, NodeRecord, RelRecord
from graph.stores.base import GraphStore
from graph.vocabulary import NodeKind, Prop, RelType

AS_OF = date(2024, 6, 1)


def nodes(store: GraphStore, kind: NodeKind, *ids: str, sanctioned: tuple[str, ...] = (), **props: object) -> None:
    records = []
    for i in ids:
        p: dict[Prop, object] = {Prop.NAME: i.upper(), Prop.SANCTIONED: i in sanctioned}
        p.update({Prop(k): v for k, v in props.items()})
        records.append(NodeRecord(i, kind, p))
    store.upsert_nodes(kind, records)


def rels(store: GraphStore, t: RelType, *edges: tuple[str, str] | tuple[str, str, dict[str, object]]) -> None:
    records = []
    for n, edge in enumerate(edges):
        props = edge[2] if len(edge) == 3 else {}
        records.append(
            RelRecord(rel_id(t, edge[0], edge[1], str(n)), t, edge[0], edge[1], {Prop(k): v for k, v in props.items()})
        )
    assert store.upsert_relationships(t, records).rows_written == len(records)


def owns(
    store: GraphStore, *holdings: tuple[str, str, float | None] | tuple[str, str, float | None, dict[str, str]]
) -> None:
    edges: list[tuple[str, str, dict[str, object]]] = []
    for holding in holdings:
        props: dict[str, object] = {"datasets": ["paper"]}
        if holding[2] is not None:
            props["percentage"] = holding[2]
        if len(holding) == 4:
            props.update(holding[3])
        edges.append((holding[0], holding[1], props))
    rels(store, RelType.OWNS, *edges)


# --- ownership: OFAC 50% rule ------------------------------------------------------------------------------------


@pytest.fixture
def ownership_graph(store: GraphStore) -> GraphStore:
    """Every example of the issue, side by side:
    X, Y listed. A: X 25% + Y 25% -> blocked (50).
    B: X 60%; C: B 50% -> B blocked (60), C blocked (50, B counts in full; effective 30).
    D: X 40%; E: D 100% -> neither (D 40; E 0, effective 40).
    F <-> G cycle: X 30% of F, F 60% of G, G 40% of F -> neither; terminates.
    H: X unknown %, Z (not listed) 30% -> possibly blocked (X may hold up to 70).
    I: X 60% ended 2020-06 -> not blocked on 2024-06-01, blocked on 2020-03-01.
    """
    nodes(store, NodeKind.PERSON, "x", "y", "z", sanctioned=("x", "y"))
    nodes(store, NodeKind.COMPANY, *"abcdefghi")
    owns(
        store,
        ("x", "a", 25),
        ("y", "a", 25),
        ("x", "b", 60),
        ("b", "c", 50),
        ("x", "d", 40),
        ("d", "e", 100),
        ("x", "f", 30),
        ("f", "g", 60),
        ("g", "f", 40),
        ("x", "h", None),
        ("z", "h", 30),
        ("x", "i", 60, {"start_date": "2019", "end_date": "2020-06"}),
    )
    return store


def test_fifty_percent_rule_examples(ownership_graph: GraphStore) -> None:
    def verdict(i: str, day: date = AS_OF) -> tuple[bool | None, float]:
        r = entity_ownership(ownership_graph, i, as_of=day).to_dict()
        return r["blocked"], r["blocked_share"]

    assert verdict("a") == (True, 50)
    assert verdict("b") == (True, 60)
    assert verdict("c") == (True, 50)
    assert verdict("d") == (False, 40)
    assert verdict("e") == (False, 0)
    assert verdict("f") == (False, 30)
    assert verdict("g") == (False, 0)
    assert verdict("h") == (None, 0)
    assert verdict("i") == (False, 0)
    assert verdict("i", date(2020, 3, 1)) == (True, 60)
    assert verdict("x") == (True, 0)  # listed


def test_ownership_explanation_lists_each_holding_with_dates_and_sources(ownership_graph: GraphStore) -> None:
    r = entity_ownership(ownership_graph, "c", as_of=AS_OF).to_dict()
    assert r["effective_blocked_share"] == pytest.approx(30)
    assert r["arithmetic"] == "50% (b, blocked by ownership) = 50% ≥ 50%"
    [holding] = r["holdings"]
    assert (holding["owner"], holding["percentage"], holding["counted"], holding["datasets"]) == (
        "b",
        50,
        True,
        ["paper"],
    )
    assert [u["id"] for u in r["blocked_owners_upstream"]] == ["b"]
    assert r["blocked_owners_upstream"][0]["arithmetic"] == "60% (x, listed) = 60% ≥ 50%"
    ended = entity_ownership(ownership_graph, "i", as_of=AS_OF).to_dict()["holdings"][0]
    assert (ended["start_date"], ended["end_date"], ended["counted"], ended["reason"]) == (
        "2019",
        "2020-06",
        False,
        "ended 2020-06",
    )
    unknown = entity_ownership(ownership_graph, "h", as_of=AS_OF).to_dict()
    assert unknown["blocked_by_ownership"] is None and "possibly blocked" in unknown["verdict"]


def test_ownership_of_unknown_entity(store: GraphStore) -> None:
    with pytest.raises(EntityNotFound):
        entity_ownership(store, "nope")


# --- exposure -----------------------------------------------------------------------------------------------------


@pytest.fixture
def exposure_graph(store: GraphStore) -> GraphStore:
    """s1 (sanctioned) -OWNS-> a -OWNS-> b <-DIRECTS- p ; b -SAME_AS-> s2 (sanctioned, accepted) ; c alone.
    p: 2 hops to s2 through SAME_AS; without SAME_AS, 3 hops to s1 (p -> b <- a <- s1)."""
    nodes(store, NodeKind.COMPANY, "s1", "s2", "a", "b", "c", sanctioned=("s1", "s2"))
    nodes(store, NodeKind.PERSON, "p")
    rels(store, RelType.OWNS, ("s1", "a", {"percentage": 10.0}), ("a", "b", {"percentage": 10.0}))
    rels(store, RelType.DIRECTS, ("p", "b"))
    rels(store, RelType.SAME_AS, ("b", "s2", {"score": 0.7, "status": "accepted"}))
    return store


def test_exposure_with_and_without_same_as(exposure_graph: GraphStore) -> None:
    r = entity_exposure(exposure_graph, "p").to_dict()
    assert (r["hops"], r["nearest"], r["path"]) == (2, "s2", ["p", "b", "s2"])
    assert [(s["type"], s["direction"]) for s in r["steps"]] == [("DIRECTS", "forward"), ("SAME_AS", "forward")]
    assert r["sanctioned_within"] == {"1": 0, "2": 1, "3": 2}
    types = [t for t in RelType if t is not RelType.SAME_AS]
    r = entity_exposure(exposure_graph, "p", types=types).to_dict()
    assert (r["hops"], r["nearest"], r["path"]) == (3, "s1", ["p", "b", "a", "s1"])
    assert [(s["type"], s["direction"]) for s in r["steps"]][1:] == [("OWNS", "backward"), ("OWNS", "backward")]
    assert r["sanctioned_within"] == {"1": 0, "2": 0, "3": 1}
    assert r["explanation"] == "3 hop(s) to sanctioned S1: P —directs→ B ←owns— A ←owns— S1."
    alone = entity_exposure(exposure_graph, "c").to_dict()
    assert (alone["hops"], alone["nearest"], alone["path"]) == (None, None, [])


# --- analyze: precomputed results written back --------------------------------------------------------------------


def test_analyze_writes_exposure_and_ownership_back(ownership_graph: GraphStore) -> None:
    nodes(ownership_graph, NodeKind.COMPANY, "far")
    rels(ownership_graph, RelType.LINKED_TO, ("e", "far"))
    summary = analyze(ownership_graph, as_of=AS_OF)
    assert summary.entities == 13 and summary.sanctioned == 2
    assert (summary.blocked_by_ownership, summary.possibly_blocked) == (3, 1)  # a, b, c; h
    assert summary.written == 13
    props = {i: ownership_graph.get_entity(i).properties for i in ("a", "c", "e", "far", "h", "x")}
    assert (props["a"]["blocked_by_ownership"], props["a"]["blocked_share"]) == (True, 50.0)
    assert props["c"]["effective_blocked_share"] == pytest.approx(30.0)
    assert (props["e"]["blocked_by_ownership"], props["e"]["effective_blocked_share"]) == (False, pytest.approx(40.0))
    assert props["h"]["ownership_unknown"] is True and props["h"]["blocked_by_ownership"] is False
    assert "blocked_by_ownership" not in props["far"]  # nobody owns it: not evaluated
    # exposure: far -LINKED_TO- e -OWNS- d -OWNS- x
    assert (props["far"]["exposure_hops"], props["far"]["exposure_nearest"]) == (3, "x")
    assert props["far"]["exposure_path"] == ["far", "e", "d", "x"]
    assert props["far"]["exposure_path_rels"] == ["<LINKED_TO", "<OWNS", "<OWNS"]
    assert props["x"]["exposure_hops"] == 0 and props["x"]["sanctioned_within"] == [0, 1, 1]  # y: x-a-y
    assert props["a"]["sanctioned_within"] == [2, 2, 2]
    assert props["c"]["analyzed_at"].endswith("Z")
    assert props["c"]["ownership_as_of"] == "2024-06-01"


def test_analyze_is_repeatable_and_clears_stale_results(exposure_graph: GraphStore) -> None:
    analyze(exposure_graph, types=[t for t in RelType if t is not RelType.SAME_AS])
    assert exposure_graph.get_entity("p").properties["exposure_hops"] == 3
    analyze(exposure_graph)
    assert exposure_graph.get_entity("p").properties["exposure_nearest"] == "s2"
    exposure_graph.delete_nodes(["s1", "s2"])
    analyze(exposure_graph)
    p = exposure_graph.get_entity("p").properties
    assert "exposure_hops" not in p and p["sanctioned_within"] == [0, 0, 0]


def test_rejected_same_as_candidates_are_not_followed_unless_asked(exposure_graph: GraphStore) -> None:
    rels(exposure_graph, RelType.SAME_AS, ("b", "s2", {"score": 0.7, "status": " Rejected"}))  # same id: updated
    r = entity_exposure(exposure_graph, "p").to_dict()
    assert (r["hops"], r["nearest"], r["sanctioned_within"]) == (3, "s1", {"1": 0, "2": 0, "3": 1})
    r = entity_exposure(exposure_graph, "p", follow_rejected=True).to_dict()
    assert (r["hops"], r["nearest"], r["path"]) == (2, "s2", ["p", "b", "s2"])
    analyze(exposure_graph)
    p = exposure_graph.get_entity("p").properties
    assert (p["exposure_hops"], p["exposure_types"], p["sanctioned_within"]) == (3, "ALL", [0, 0, 1])
    assert entity_exposure(exposure_graph, "p").to_dict()["hops"] == 3
    analyze(exposure_graph, follow_rejected=True)
    p = exposure_graph.get_entity("p").properties
    assert (p["exposure_hops"], p["exposure_types"], p["sanctioned_within"]) == (2, "ALL+rejected", [0, 1, 2])


def test_unjudged_same_as_candidates_are_followed_only_when_asked(exposure_graph: GraphStore) -> None:
    rels(exposure_graph, RelType.SAME_AS, ("b", "s2", {"score": 0.7, "status": "candidate"}))  # same id: updated
    r = entity_exposure(exposure_graph, "p").to_dict()
    assert (r["hops"], r["nearest"]) == (3, "s1")
    r = entity_exposure(exposure_graph, "p", candidates=True).to_dict()
    assert (r["hops"], r["nearest"], r["path"]) == (2, "s2", ["p", "b", "s2"])
    analyze(exposure_graph)
    assert exposure_graph.get_entity("p").properties["exposure_hops"] == 3
    analyze(exposure_graph, candidates=True)
    p = exposure_graph.get_entity("p").properties
    assert (p["exposure_hops"], p["exposure_types"]) == (2, "ALL+candidates")
    assert entity_exposure(exposure_graph, "p", candidates=True).to_dict()["hops"] == 2


def test_analyze_agrees_with_single_entity_answers(exposure_graph: GraphStore) -> None:
    analyze(exposure_graph)
    for i in ("s1", "s2", "a", "b", "c", "p"):
        live = entity_exposure(exposure_graph, i).to_dict()
        stored = exposure_graph.get_entity(i).properties
        assert live["hops"] == stored.get("exposure_hops"), i
        assert live["nearest"] == stored.get("exposure_nearest"), i
        assert list(live["sanctioned_within"].values()) == stored["sanctioned_within"], i


# --- fund-flow tracing --------------------------------------------------------------------------------------------

W = {n: f"wallet-{n}" for n in ("s", "a", "b", "c", "mix", "x", "early")}


@pytest.fixture
def flow_graph(store: GraphStore) -> GraphStore:
    """s -> a (Jan 10, $100); a -> b (Jan 9: before the funds reached a, not followed); a -> c (Jan 11, $60);
    a -> mix (Jan 12, $40; a mixer: the trace stops there); mix -> x (Jan 13, beyond the mixer);
    early -> a (Jan 5, where a's funds came from: backward from c); also lazarus (sanctioned) HOLDS s."""
    nodes(store, NodeKind.WALLET, *W.values())
    store.upsert_nodes(
        NodeKind.WALLET, [NodeRecord(W["mix"], NodeKind.WALLET, {Prop.NAME: "mix", Prop.NOTES: "Tornado mixer pool"})]
    )
    nodes(store, NodeKind.ORGANIZATION, "lazarus", sanctioned=("lazarus",))
    rels(store, RelType.HOLDS, ("lazarus", W["s"]))

    def tx(when: str, usd: float) -> dict[str, object]:
        return {"timestamp": when, "value_usd": usd, "amount": usd / 2000, "asset": "eth", "tx_hash": f"0x{when[:10]}"}

    rels(
        store,
        RelType.TRANSFERRED,
        (W["s"], W["a"], tx("2023-01-10T00:00:00Z", 100)),
        (W["a"], W["b"], tx("2023-01-09T00:00:00Z", 50)),
        (W["a"], W["c"], tx("2023-01-11T00:00:00Z", 60)),
        (W["a"], W["mix"], tx("2023-01-12T00:00:00Z", 40)),
        (W["mix"], W["x"], tx("2023-01-13T00:00:00Z", 40)),
        (W["early"], W["a"], tx("2023-01-05T00:00:00Z", 30)),
    )
    return store


def test_forward_trace_respects_time_and_stops_at_a_mixer(flow_graph: GraphStore) -> None:
    t = trace_funds(flow_graph, W["s"], TraceDirection.FORWARD, hops=4).to_dict()
    assert [(r["from"], r["to"], r["hop"]) for r in t["transfers"]] == [
        (W["s"], W["a"], 1),
        (W["a"], W["c"], 2),
        (W["a"], W["mix"], 2),
    ]
    ends = {e["id"]: e for e in t["endpoints"]}
    assert ends[W["mix"]]["stop"].startswith("service") and ends[W["mix"]]["value_usd"] == 40
    assert W["b"] not in ends and W["x"] not in ends


def test_backward_trace_and_window(flow_graph: GraphStore, tmp_path: Path) -> None:
    result = trace_funds(flow_graph, W["c"], TraceDirection.BACKWARD, hops=3)
    assert {(r["from"], r["hop"]) for r in result.to_dict()["transfers"]} == {(W["a"], 1), (W["s"], 2), (W["early"], 2)}
    windowed = trace_funds(flow_graph, W["c"], TraceDirection.BACKWARD, hops=3, since=date(2023, 1, 8))
    assert {r["from"] for r in windowed.to_dict()["transfers"]} == {W["a"], W["s"]}
    out = tmp_path / "trace.csv"
    result.save_csv(out)
    assert len(out.read_text().splitlines()) == 4


# --- shared infrastructure ----------------------------------------------------------------------------------------


def test_shared_infrastructure_weights(store: GraphStore) -> None:
    """f1 and f2 share a phone held by nobody else (weight 1) and the agent's address with 3 others (5 holders:
    weight 1/4); f1 and w3 share only that address (1/4). Combined f1-f2: 1 - (1 - 1)(1 - 1/4) = 1."""
    store.upsert_nodes(
        NodeKind.PERSON,
        [
            NodeRecord(
                f,
                NodeKind.PERSON,
                {
                    Prop.NAME: f,
                    Prop.IDENTIFIERS: ["Phone Number: +86 131 0000 1111"],
                    Prop.LOOKUP_KEYS: ["+86 131 0000 1111"],
                },
            )
            for f in ("f1", "f2")
        ],
    )
    nodes(store, NodeKind.COMPANY, "w1", "w2", "w3")
    nodes(store, NodeKind.ADDRESS, "addr-1", "addr-2")
    store.upsert_nodes(
        NodeKind.ADDRESS,
        [NodeRecord(a, NodeKind.ADDRESS, {Prop.NAME: "1 Agent Street, Road Town"}) for a in ("addr-1", "addr-2")],
    )
    # two sources wrote the same address as two nodes
    rels(
        store,
        RelType.LOCATED_AT,
        ("f1", "addr-1"),
        ("f2", "addr-1"),
        ("w1", "addr-1"),
        ("w2", "addr-2"),
        ("w3", "addr-2"),
    )
    nodes(store, NodeKind.WALLET, "wallet-shared")
    rels(store, RelType.HOLDS, ("f1", "wallet-shared"), ("w1", "wallet-shared"))
    report = shared_infrastructure(store, "f1").to_dict()
    by_id = {s["id"]: s for s in report["shared"]}
    assert set(by_id) == {"f2", "w1", "w2", "w3"}
    f2 = {v["kind"]: v for v in by_id["f2"]["shared"]}
    assert (f2["Phone Number"]["holders"], f2["Phone Number"]["weight"]) == (2, 1.0)
    assert (f2["address"]["holders"], f2["address"]["weight"]) == (5, 0.25)
    assert by_id["f2"]["weight"] == 1.0
    assert by_id["w3"]["weight"] == 0.25
    assert {v["kind"] for v in by_id["w1"]["shared"]} == {"address", "wallet"}
    assert by_id["w1"]["weight"] == pytest.approx(1 - (1 - 0.25) * (1 - 1.0))
    assert report["shared"][0]["id"] in ("f2", "w1")


# --- IT-worker pattern --------------------------------------------------------------------------------------------


def test_it_workers_pooled_pay_and_sanctioned_destination(store: GraphStore) -> None:
    """front employs w1, w2, w3. client pays w1's wallet and w2 directly; w1's wallet and w2 both send on to
    the collector wallet (pooled pay: w1 and w2 flagged). w3's pay goes to a wallet held by sanctioned bureau."""
    nodes(store, NodeKind.COMPANY, "front", "client")
    nodes(store, NodeKind.PERSON, "w1", "w2", "w3")
    nodes(store, NodeKind.ORGANIZATION, "bureau", sanctioned=("bureau",))
    nodes(store, NodeKind.WALLET, "wallet-w1", "wallet-collector", "wallet-w3", "wallet-bureau")
    rels(store, RelType.EMPLOYS, ("front", "w1"), ("front", "w2"), ("front", "w3"))
    rels(store, RelType.HOLDS, ("w1", "wallet-w1"), ("w3", "wallet-w3"), ("bureau", "wallet-bureau"))
    rels(store, RelType.PAID, ("client", "wallet-w1", {"amount": 5000.0}), ("client", "w2", {"amount": 5000.0}))
    rels(store, RelType.PAID, ("w2", "wallet-collector", {"amount": 4500.0}))
    rels(store, RelType.TRANSFERRED, ("wallet-w1", "wallet-collector"), ("wallet-w3", "wallet-bureau"))
    report = find_it_workers(store, hops=3).to_dict()
    assert report["workers"] == 3
    cases = {c["worker"]: c for c in report["cases"]}
    assert set(cases) == {"w1", "w2", "w3"}
    pooled = [r for r in cases["w1"]["reasons"] if r["kind"] == "pooled pay"]
    assert pooled[0]["point"] == "wallet-collector" and pooled[0]["other_workers"] == ["w2"]
    assert pooled[0]["path"] == ["w1", "wallet-w1", "wallet-collector"]
    sanctioned = [r for r in cases["w3"]["reasons"] if r["kind"] == "sanctioned destination"]
    assert sanctioned[0]["point"] == "bureau"
    assert sanctioned[0]["path"] == ["w3", "wallet-w3", "wallet-bureau", "bureau"]
    assert json.dumps(report)  # JSON-ready


# --- the store methods analytics use ------------------------------------------------------------------------------


def test_bulk_reads_keep_parallel_relationships_and_only_named_fields(store: GraphStore) -> None:
    """Two OWNS between the same pair (two sources) are two rows; FalkorDB would merge them if the relationship
    were not projected."""
    nodes(store, NodeKind.PERSON, "x", sanctioned=("x",))
    nodes(store, NodeKind.COMPANY, "a", "b")
    owns(store, ("x", "a", 30), ("x", "a", 55), ("a", "b", None))
    rows = sorted((r for b in store.iter_relationship_values(RelType.OWNS, (Prop.PERCENTAGE,)) for r in b), key=str)
    assert rows == [("a", "b", None), ("x", "a", 30.0), ("x", "a", 55.0)]
    assert sum(len(b) for b in store.iter_relationship_values(RelType.OWNS)) == 3
    values = {r[0]: r[1:] for b in store.iter_node_values((Prop.SANCTIONED, Prop.KIND), batch_size=2) for r in b}
    assert values == {"x": (True, "Person"), "a": (False, "Company"), "b": (False, "Company")}


def test_links_count_links_and_list_value_lookup(store: GraphStore) -> None:
    nodes(store, NodeKind.PERSON, "x", "y", sanctioned=("x",), lookup_keys=["p123"])
    nodes(store, NodeKind.COMPANY, "a")
    owns(store, ("x", "a", 30), ("x", "a", 55), ("y", "a", 15))
    links = store.links(["a"], (RelType.OWNS,), Direction.IN, (Prop.PERCENTAGE,), (Prop.NAME, Prop.SANCTIONED))
    assert sorted((lk.other, lk.outgoing, lk.rel["percentage"], lk.node["name"]) for lk in links) == [
        ("x", False, 30.0, "X"),
        ("x", False, 55.0, "X"),
        ("y", False, 15.0, "Y"),
    ]
    only = store.links(["a"], None, Direction.BOTH, other_flag=Prop.SANCTIONED)
    assert {lk.other for lk in only} == {"x"} and all(lk.type is RelType.OWNS for lk in only)
    assert store.links(["x"], (RelType.OWNS,), Direction.OUT, limit=1)[0].outgoing is True
    assert store.count_links(["a", "x", "nobody"], (RelType.OWNS,), Direction.IN) == {"a": 2}
    # link_degrees: relationships without reading them (Neo4j's degree store counts the parallel x->a twice,
    # FalkorDB's adjacency matrix once)
    degrees = store.link_degrees(["a", "x", "nobody"], (RelType.OWNS,), Direction.IN)
    assert degrees.get("a") in (2, 3) and not degrees.get("x") and "nobody" not in degrees
    assert store.link_degrees(["a", "x"], None, Direction.BOTH).get("x") in (1, 2)
    found = store.entities_with_list_value(Prop.LOOKUP_KEYS, ["p123", "zzz"], NodeKind.PERSON, (Prop.NAME,))
    assert sorted(found) == [("x", ["p123"], {"name": "X"}), ("y", ["p123"], {"name": "Y"})]
    assert {e.id for e in store.get_entities(["x", "a", "nobody"])} == {"x", "a"}


def test_shared_identifiers_are_found_through_the_lookup_index(store: GraphStore) -> None:
    """Identifier keys as loaders write them (graph.ids.lookup_key) are looked up through the full-text lookup
    index, not by a scan; only exact keys count (a longer passport number that starts alike is not shared)."""
    from graph.ids import lookup_key

    def holder(pid: str, passport: str) -> NodeRecord:
        label = f"Passport: {passport}"
        return NodeRecord(
            pid, NodeKind.PERSON, {Prop.NAME: pid, Prop.IDENTIFIERS: [label], Prop.LOOKUP_KEYS: [lookup_key(passport)]}
        )

    store.upsert_nodes(
        NodeKind.PERSON,
        [holder("p1", "PP 109-420.132"), holder("p2", "pp109420132"), holder("p3", "PP 1094201320")],
    )
    report = shared_infrastructure(store, "p1").to_dict()
    assert [s["id"] for s in report["shared"]] == ["p2"]
    assert report["shared"][0]["shared"][0]["holders"] == 2
