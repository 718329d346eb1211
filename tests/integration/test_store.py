"""One store suite, run against BOTH stores (the `store` fixture is parametrised: embedded FalkorDB and Neo4j)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import EntityNotFound, SanctionsGraphError
from graph.ids import rel_id, wallet_id
from graph.model import Direction, NodeRecord, RelRecord
from graph.stores.base import GraphStore
from graph.vocabulary import NodeKind, Prop, RelType

EVM = "0x97B1043ABD9E6FC31681635166D430A458D14F9C"


def person(pid: str, name: str, **props: object) -> NodeRecord:
    return NodeRecord(pid, NodeKind.PERSON, {Prop.NAME: name, **{Prop(k): v for k, v in props.items()}})


def company(cid: str, name: str, **props: object) -> NodeRecord:
    return NodeRecord(cid, NodeKind.COMPANY, {Prop.NAME: name, **{Prop(k): v for k, v in props.items()}})


def rel(t: RelType, s: str, d: str, **props: object) -> RelRecord:
    return RelRecord(rel_id(t, s, d), t, s, d, {Prop(k): v for k, v in props.items()})


@pytest.fixture
def chain(store: GraphStore) -> GraphStore:
    """p1 -DIRECTS-> c1 -OWNS 60%-> c2 -PAID-> w1 -TRANSFERRED-> w2 <-HOLDS- c3 ; decoy p2 unconnected."""
    store.upsert_nodes(
        NodeKind.PERSON,
        [
            person("p1", "KIM, Jong-Un", aliases=["Jong Un Kim"], sanctioned=True, lookup_keys=["PP 109420132"]),
            person("p2", "KIM Jong Il Decoy"),
        ],
    )
    store.upsert_nodes(
        NodeKind.COMPANY,
        [company("c1", "Front Firm Ltd", front=True), company("c2", "Trading Co"), company("c3", "Second Front")],
    )
    store.upsert_nodes(
        NodeKind.WALLET,
        [
            NodeRecord(wallet_id(EVM), NodeKind.WALLET, {Prop.NAME: EVM.lower(), Prop.LOOKUP_KEYS: [EVM.lower()]}),
            NodeRecord(wallet_id("1FCNgfZWpYMeYhy9t18AAkTBu8AsdoAc1Z"), NodeKind.WALLET, {Prop.NAME: "1FCNg"}),
        ],
    )
    w1, w2 = wallet_id(EVM), wallet_id("1FCNgfZWpYMeYhy9t18AAkTBu8AsdoAc1Z")
    store.upsert_relationships(RelType.DIRECTS, [rel(RelType.DIRECTS, "p1", "c1", role="director")])
    store.upsert_relationships(RelType.OWNS, [rel(RelType.OWNS, "c1", "c2", percentage=60.0)])
    store.upsert_relationships(RelType.PAID, [rel(RelType.PAID, "c2", w1, amount=1000.0, currency="USD")])
    store.upsert_relationships(RelType.TRANSFERRED, [rel(RelType.TRANSFERRED, w1, w2, amount=1.5, asset="eth")])
    store.upsert_relationships(RelType.HOLDS, [rel(RelType.HOLDS, "c3", w2)])
    return store


def test_upsert_is_idempotent(store: GraphStore) -> None:
    first = store.upsert_nodes(NodeKind.PERSON, [person("p1", "A"), person("p2", "B")])
    second = store.upsert_nodes(NodeKind.PERSON, [person("p1", "A"), person("p2", "B")])
    assert (first.nodes_created, first.rows_written) == (2, 2)
    assert (second.nodes_created, second.rows_written) == (0, 2)
    r1 = store.upsert_relationships(RelType.FAMILY_OF, [rel(RelType.FAMILY_OF, "p1", "p2")])
    r2 = store.upsert_relationships(RelType.FAMILY_OF, [rel(RelType.FAMILY_OF, "p1", "p2")])
    assert (r1.relationships_created, r2.relationships_created) == (1, 0)
    assert store.stats().nodes == {"Person": 2}
    assert store.stats().relationships == {"FAMILY_OF": 1}


def test_second_source_unites_lists_and_keeps_marks(store: GraphStore) -> None:
    store.upsert_nodes(NodeKind.PERSON, [person("p1", "A", aliases=["X"], datasets=["one"], sanctioned=True)])
    store.upsert_nodes(NodeKind.PERSON, [person("p1", "A", aliases=["Y", "X"], datasets=["two"], sanctioned=False)])
    e = store.get_entity("p1")
    assert e.aliases == ["X", "Y"]
    assert e.properties["datasets"] == ["one", "two"]
    assert e.sanctioned is True


def test_kind_change_keeps_one_kind(store: GraphStore) -> None:
    store.upsert_nodes(NodeKind.LEGAL_ENTITY, [NodeRecord("x", NodeKind.LEGAL_ENTITY, {Prop.NAME: "X"})])
    store.upsert_nodes(NodeKind.COMPANY, [company("x", "X Ltd")])
    assert store.get_entity("x").kind is NodeKind.COMPANY
    assert store.stats().nodes == {"Company": 1}


def test_relationship_with_missing_end_is_not_written(store: GraphStore) -> None:
    store.upsert_nodes(NodeKind.PERSON, [person("p1", "A")])
    counts = store.upsert_relationships(
        RelType.OWNS, [rel(RelType.OWNS, "p1", "absent"), rel(RelType.OWNS, "absent", "p1")]
    )
    assert counts.rows_written == 0
    assert store.stats().relationships == {}


def test_search_ignores_case_punctuation_and_word_order(chain: GraphStore) -> None:
    for query in ("kim jong-un", "KIM, Jong Un", "Jong Un Kim", "jong un"):
        ids = [h.entity.id for h in chain.search(query)]
        assert ids and ids[0] == "p1", query
    assert [h.entity.id for h in chain.search("front firm")] == ["c1"]
    assert chain.search("no such name anywhere") == []


def test_search_finds_identifiers_exactly_in_any_case(chain: GraphStore) -> None:
    hits = chain.search(EVM.upper().replace("0X", "0x"))
    assert [h.entity.id for h in hits] == [wallet_id(EVM)]
    assert hits[0].reason == "identifier"
    assert [h.entity.id for h in chain.search("pp109420132")] == ["p1"]


def test_get_entity_and_not_found(chain: GraphStore) -> None:
    e = chain.get_entity("c1")
    assert (e.name, e.kind, e.sanctioned, e.properties["front"]) == ("Front Firm Ltd", NodeKind.COMPANY, False, True)
    with pytest.raises(EntityNotFound, match="No entity with id 'nope'"):
        chain.get_entity("nope")


def test_neighbourhood_by_hops(chain: GraphStore) -> None:
    one = chain.neighbourhood("c1", hops=1)
    assert {e.id for e in one.entities} == {"c1", "p1", "c2"}
    assert {r.type for r in one.relationships} == {RelType.DIRECTS, RelType.OWNS}
    two = chain.neighbourhood("c1", hops=2)
    assert {e.id for e in two.entities} == {"c1", "p1", "c2", wallet_id(EVM)}
    three = chain.neighbourhood("c1", hops=3)
    assert wallet_id("1FCNgfZWpYMeYhy9t18AAkTBu8AsdoAc1Z") in {e.id for e in three.entities}
    owns = next(r for r in three.relationships if r.type is RelType.OWNS)
    assert (owns.source, owns.target, owns.properties["percentage"]) == ("c1", "c2", 60.0)
    assert three.omitted == 0


def test_neighbourhood_type_filter(chain: GraphStore) -> None:
    sub = chain.neighbourhood("c1", hops=3, types=[RelType.OWNS, RelType.PAID])
    assert {e.id for e in sub.entities} == {"c1", "c2", wallet_id(EVM)}
    assert {r.type for r in sub.relationships} == {RelType.OWNS, RelType.PAID}


def test_neighbourhood_cap_reports_what_it_left_out(store: GraphStore) -> None:
    store.upsert_nodes(NodeKind.COMPANY, [company("hub", "Hub")] + [company(f"s{i}", f"Sub {i}") for i in range(30)])
    store.upsert_relationships(RelType.OWNS, [rel(RelType.OWNS, "hub", f"s{i}") for i in range(30)])
    sub = store.neighbourhood("hub", hops=1, limit=10)
    assert len(sub.entities) == 10
    assert sub.omitted == 21
    assert all(r.source in {e.id for e in sub.entities} for r in sub.relationships)


def test_neighbourhood_rejects_bad_hops(chain: GraphStore) -> None:
    with pytest.raises(SanctionsGraphError, match="Hops must be between 1 and 3"):
        chain.neighbourhood("c1", hops=4)


def test_shortest_path(chain: GraphStore) -> None:
    path = chain.shortest_path("p1", "c3")
    assert path is not None
    assert [e.id for e in path.entities] == [
        "p1",
        "c1",
        "c2",
        wallet_id(EVM),
        wallet_id("1FCNgfZWpYMeYhy9t18AAkTBu8AsdoAc1Z"),
        "c3",
    ]
    assert [r.type for r in path.relationships] == [
        RelType.DIRECTS,
        RelType.OWNS,
        RelType.PAID,
        RelType.TRANSFERRED,
        RelType.HOLDS,
    ]
    assert chain.shortest_path("p1", "c3", max_hops=4) is None
    assert chain.shortest_path("p1", "p2") is None
    assert chain.shortest_path("p1", "c3", types=[RelType.DIRECTS, RelType.OWNS]) is None
    same = chain.shortest_path("p1", "p1")
    assert same is not None and same.hops == 0


def test_shortest_path_unknown_end(chain: GraphStore) -> None:
    with pytest.raises(EntityNotFound):
        chain.shortest_path("p1", "nope")


def test_stats(chain: GraphStore) -> None:
    stats = chain.stats()
    assert stats.nodes == {"Person": 2, "Company": 3, "Wallet": 2}
    assert stats.relationships == {"DIRECTS": 1, "OWNS": 1, "PAID": 1, "TRANSFERRED": 1, "HOLDS": 1}
    assert (stats.total_nodes, stats.total_relationships) == (7, 5)


def test_schema_can_be_created_twice(store: GraphStore) -> None:
    store.ensure_schema()  # the fixture ran it once already: a second run must not fail
    store.ensure_schema()
    assert store.stats().total_nodes == 0


def test_stubs_are_completed_by_a_later_full_upsert_and_never_downgrade(store: GraphStore) -> None:
    store.upsert_nodes(NodeKind.COMPANY, [company("c1", "Known Ltd")])
    created = store.ensure_stubs(["c1", "ghost"])
    assert (created.nodes_created, created.rows_written) == (1, 2)
    assert store.get_entity("c1").kind is NodeKind.COMPANY
    ghost = store.get_entity("ghost")
    assert (ghost.kind, ghost.properties["stub"]) == (NodeKind.LEGAL_ENTITY, True)
    store.upsert_nodes(NodeKind.PERSON, [person("ghost", "Now Known")])
    ghost = store.get_entity("ghost")
    assert (ghost.kind, ghost.name, ghost.properties["stub"]) == (NodeKind.PERSON, "Now Known", False)
    assert store.stats().nodes == {"Company": 1, "Person": 1}


def test_delete_nodes_removes_their_relationships(store: GraphStore) -> None:
    store.upsert_nodes(NodeKind.PERSON, [person("a", "A"), person("b", "B")])
    store.upsert_relationships(RelType.FAMILY_OF, [rel(RelType.FAMILY_OF, "a", "b")])
    assert store.delete_nodes(["a", "absent"]).rows_written == 1
    assert store.stats().nodes == {"Person": 1} and store.stats().relationships == {}


def test_iterate_everything_in_batches(chain: GraphStore) -> None:
    batches = list(chain.iter_entities(batch_size=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert {e.id for b in batches for e in b} == {
        "p1",
        "p2",
        "c1",
        "c2",
        "c3",
        wallet_id(EVM),
        wallet_id("1FCNgfZWpYMeYhy9t18AAkTBu8AsdoAc1Z"),
    }
    rels = [r for b in chain.iter_relationships(batch_size=2) for r in b]
    assert sorted(r.type.value for r in rels) == ["DIRECTS", "HOLDS", "OWNS", "PAID", "TRANSFERRED"]
    owns = [r for b in chain.iter_relationships([RelType.OWNS]) for r in b]
    assert [(r.source, r.target) for r in owns] == [("c1", "c2")]


def test_set_node_properties_writes_only_named_properties(chain: GraphStore) -> None:
    counts = chain.set_node_properties([Prop.SCORE], [("c1", {Prop.SCORE: 0.5}), ("absent", {Prop.SCORE: 1.0})])
    assert counts.rows_written == 1
    c1 = chain.get_entity("c1")
    assert (c1.properties["score"], c1.name, c1.properties["front"]) == (0.5, "Front Firm Ltd", True)


def test_k_shortest_paths(store: GraphStore) -> None:
    """a-b-d and a-c-d (2 hops), a-e-f-d (3 hops), a-x (dead end): k=3 finds the three in order of length."""
    store.upsert_nodes(NodeKind.COMPANY, [company(i, i.upper()) for i in "abcdefx"])
    pairs = [("a", "b"), ("b", "d"), ("a", "c"), ("c", "d"), ("a", "e"), ("e", "f"), ("f", "d"), ("a", "x")]
    store.upsert_relationships(RelType.OWNS, [rel(RelType.OWNS, s, t) for s, t in pairs])
    paths = store.shortest_paths("a", "d", k=3)
    assert [[e.id for e in p.entities] for p in paths] == [["a", "b", "d"], ["a", "c", "d"], ["a", "e", "f", "d"]]
    assert all(len(p.relationships) == p.hops for p in paths)
    assert [len(p.entities) for p in store.shortest_paths("a", "d", k=5)] == [3, 3, 4]
    assert len(store.shortest_paths("a", "d", k=3, max_hops=2)) == 2
    assert store.shortest_paths("a", "d", k=1)[0].hops == 2
    assert store.shortest_paths("x", "d", k=3, max_hops=1) == []


def test_search_across_romanisations_hangul_and_typos(store: GraphStore) -> None:
    store.upsert_nodes(
        NodeKind.PERSON,
        [
            person("kju", "KIM, Jong Un", sanctioned=True),
            person("pjh", "PARK, Jin Hyok", aliases=["PAK, Jin Hek"]),
            person("rsi", "RI, Song Il"),
            person("decoy", "KIM, Jong Il"),
        ],
    )
    store.upsert_nodes(NodeKind.COMPANY, [company("chy", "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY")])
    for query in ("Gim Jeong-eun", "김정은", "Kim Chong Un", "jong un kim"):
        hits = store.search(query)
        assert hits and hits[0].entity.id == "kju", query
    assert store.search("Gim Jeong-eun")[0].reason == "romanisation variant (name)"
    assert store.search("박진혁")[0].entity.id == "pjh"
    assert store.search("Lee Sung Il")[0].entity.id == "rsi"
    typo = store.search("chinyong informaton")
    assert [h.entity.id for h in typo] == ["chy"]
    assert "decoy" not in {h.entity.id for h in store.search("kim jong un")}
    assert store.search("zzz qqq") == []


def test_search_survives_a_restart_of_the_embedded_server(tmp_path: Path) -> None:
    """The embedded server rebuilds its full-text index after a start; the first search must already see it."""
    from graph.settings import Settings
    from graph.stores.factory import open_store

    settings = Settings.from_env({"SANCTIONS_GRAPH_HOME": str(tmp_path)}, store="embedded")
    first = open_store(settings)
    first.ensure_schema()
    first.upsert_nodes(NodeKind.PERSON, [person(f"p{i}", f"Person Number{i}") for i in range(3000)])
    first.close()
    second = open_store(settings)
    try:
        assert second.search("number2999")[0].entity.id == "p2999"
        assert second.search("number0")[0].entity.id == "p0"
    finally:
        second.close()


def test_neighbourhood_keeps_links_among_the_outermost_ring(store: GraphStore) -> None:
    """Links between two entities of the last hop (never expanded) are in the subgraph, and only those of the view."""
    store.upsert_nodes(NodeKind.COMPANY, [company(i, i.upper()) for i in ("hub", "a", "b", "c", "far")])
    owns = [("hub", "a"), ("hub", "b"), ("a", "b"), ("b", "a"), ("b", "c"), ("c", "far")]
    store.upsert_relationships(RelType.OWNS, [rel(RelType.OWNS, s, t) for s, t in owns])
    one = store.neighbourhood("hub", hops=1)
    assert {(r.source, r.target) for r in one.relationships} == {("hub", "a"), ("hub", "b"), ("a", "b"), ("b", "a")}
    two = store.neighbourhood("hub", hops=2)
    assert {e.id for e in two.entities} == {"hub", "a", "b", "c"}
    assert {(r.source, r.target) for r in two.relationships} == set(owns) - {("c", "far")}


def test_search_ranks_the_exact_name_first_among_many_partial_matches(store: GraphStore) -> None:
    """More partial matches than the candidates read (200): the exact name, written last, still comes first; a
    name in the query's word order beats the same words in another order."""
    store.upsert_nodes(NodeKind.PERSON, [person(f"k{i}", f"Kim Chol Number{i}") for i in range(400)])
    store.upsert_nodes(NodeKind.PERSON, [person("swapped", "Gim Eun-jeong"), person("target", "Gim Jeong-eun")])
    for query in ("Gim Jeong-eun", "kim jong un", "김정은"):
        assert [h.entity.id for h in store.search(query)][:2] == ["target", "swapped"], query
    hit = store.search("Kim Jong Un")[0]
    assert hit.entity.properties[Prop.SEARCH_NAMES.value]  # hits carry the whole record, not the ranking columns


def test_link_degrees_count_parallel_relationships_on_every_store(store: GraphStore) -> None:
    """Two OWNS x->a (different ids) and one y->a: a degree counts every relationship, as `links` returns each
    (exposure weighs a hop by it); count_links counts distinct entities; ids with none, or absent, are left out."""
    store.upsert_nodes(NodeKind.COMPANY, [company(i, i.upper()) for i in ("x", "y", "a", "lonely")])
    store.upsert_relationships(
        RelType.OWNS,
        [
            rel(RelType.OWNS, "x", "a"),
            RelRecord(rel_id(RelType.OWNS, "x", "a", "second"), RelType.OWNS, "x", "a", {}),
            rel(RelType.OWNS, "y", "a"),
        ],
    )
    store.upsert_relationships(RelType.PAID, [rel(RelType.PAID, "a", "y")])
    ids = ["a", "x", "y", "lonely", "nobody"]
    assert store.link_degrees(ids, (RelType.OWNS,), Direction.IN) == {"a": 3}
    assert store.link_degrees(ids, (RelType.OWNS,), Direction.OUT) == {"x": 2, "y": 1}
    assert store.link_degrees(ids, None, Direction.BOTH) == {"a": 4, "x": 2, "y": 2}
    assert store.link_degrees(ids, (RelType.OWNS, RelType.PAID), Direction.OUT) == {"x": 2, "y": 1, "a": 1}
    assert len(store.links(["a"], (RelType.OWNS,), Direction.IN)) == 3
    assert store.count_links(ids, (RelType.OWNS,), Direction.IN) == {"a": 2}
