"""The matcher and screening on every store (embedded FalkorDB, Neo4j, in-memory): candidates come from the
indexes, and the same rows get the same answers."""

from __future__ import annotations

from typing import Any

import pytest

from graph.ids import rel_id, wallet_id
from graph.matching.matcher import MATCH, Matcher
from graph.matching.query import Identifier, IdKind, PartialDate, PartyKind, Query
from graph.matching.screening import find_columns, screen_frame, screen_rows
from graph.model import NodeRecord, RelRecord
from graph.stores.base import GraphStore
from graph.vocabulary import NodeKind, Prop, RelType

EVM = "0x9C2BC757B66F24D60F016B6237F8CDD414A879FA"


def node(kind: NodeKind, nid: str, name: str, **props: Any) -> NodeRecord:
    return NodeRecord(nid, kind, {Prop.NAME: name, Prop.SANCTIONED: True, **{Prop(k): v for k, v in props.items()}})


@pytest.fixture
def listed(store: GraphStore) -> GraphStore:
    """A few list records written as the OFAC loader writes them, a wallet held by one, and unlisted neighbours."""
    store.upsert_nodes(
        NodeKind.PERSON,
        [
            node(NodeKind.PERSON, "ofac-1", "QASIM, Naim", birth_date="1953", countries=["Lebanon"]),
            node(NodeKind.PERSON, "ofac-2", "MISHUSTIN, Mikhail Vladimirovich", birth_date="1966-03-03"),
            node(NodeKind.PERSON, "ofac-3", "CH'OE, So'k-min", birth_date="1978-07-25", countries=["Korea, North"]),
            node(NodeKind.PERSON, "ofac-4", "AL-RIMI, Qasim", birth_date="1978-06-05", countries=["Yemen"]),
            node(NodeKind.PERSON, "ofac-5", "O, In Chun", identifiers=["Passport: PS745220146 (Korea, North)"],
                 lookup_keys=["PS745220146"]),
            node(NodeKind.PERSON, "ofac-6", "JIMENEZ CASTRO, Mario Alberto"),
            node(NodeKind.PERSON, "ofac-7", "XIA, Baolong", birth_date="01 Dec 1952 to 31 Dec 1952"),
            NodeRecord("p-x", NodeKind.PERSON, {Prop.NAME: "QASIM, Ahmad"}),
        ],
    )  # fmt: skip
    store.upsert_nodes(
        NodeKind.COMPANY,
        [
            node(NodeKind.COMPANY, "ofac-10", "JOINT STOCK COMPANY ALFA-BANK"),
            node(NodeKind.COMPANY, "ofac-11", "ALFA-FOREX LLC"),
            node(NodeKind.COMPANY, "ofac-12", "BEIJING CHENGXING TRADING CO. LTD."),
        ],
    )
    store.upsert_nodes(
        NodeKind.VESSEL,
        [
            node(NodeKind.VESSEL, "ofac-20", "NS CAPTAIN", imo="9341067", identifiers=["IMO: 9341067"],
                 lookup_keys=["9341067", "IMO 9341067"], flag="Gabon"),
            node(NodeKind.VESSEL, "ofac-21", "POLAR ROCK", imo="9123456", identifiers=["IMO: 9123456"],
                 lookup_keys=["9123456", "IMO 9123456"]),
        ],
    )  # fmt: skip
    wallet = wallet_id(EVM)
    store.upsert_nodes(
        NodeKind.WALLET,
        [NodeRecord(wallet, NodeKind.WALLET, {Prop.NAME: EVM.lower(), Prop.LOOKUP_KEYS: [EVM.lower()]})],
    )
    store.upsert_relationships(RelType.HOLDS, [RelRecord(rel_id(RelType.HOLDS, "ofac-6", wallet), RelType.HOLDS,
                                                         "ofac-6", wallet)])  # fmt: skip
    return store


def best(store: GraphStore, query: Query) -> tuple[str, float, str]:
    hits = Matcher(store).match(query)
    assert hits, f"no hit for {query}"
    return hits[0].entity.id, hits[0].score, hits[0].label


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (Query(names=("نعيم قاسم",), kind=PartyKind.PERSON, birth_date=PartialDate(1953)), "ofac-1"),
        (Query(names=("Мишустин Михаил Владимирович",), kind=PartyKind.PERSON), "ofac-2"),
        (Query(names=("Choe Seok-min",), kind=PartyKind.PERSON, countries=("kp",)), "ofac-3"),
        (Query(names=("Qassem al-Raimi",), kind=PartyKind.PERSON, birth_date=PartialDate(1978, 6, 5)), "ofac-4"),
        (Query(names=("Oh In-chun",), identifiers=(Identifier(IdKind.PASSPORT, "PS745220146"),)), "ofac-5"),
        (Query(names=("夏宝龙",), kind=PartyKind.PERSON), "ofac-7"),
        (Query(names=("AO Alfa-Bank",), kind=PartyKind.COMPANY), "ofac-10"),
        (Query(names=("Beijing Cheng Xing Trading Co. Ltd.",), kind=PartyKind.COMPANY), "ofac-12"),
        (Query(names=("N.S. CAPTAIN",), kind=PartyKind.VESSEL, identifiers=(Identifier(IdKind.IMO, "9341067"),)),
         "ofac-20"),
        (Query(kind=PartyKind.WALLET, identifiers=(Identifier(IdKind.WALLET, EVM),)), "ofac-6"),
    ],
)  # fmt: skip
def test_the_listed_record_comes_first_labelled_match(listed: GraphStore, query: Query, expected: str) -> None:
    found, score, label = best(listed, query)
    assert (found, label) == (expected, MATCH)
    assert 0.0 <= score <= 1.0


def test_look_alikes_are_not_labelled_match(listed: GraphStore) -> None:
    decoy = Query(names=("Choi Seok-min",), kind=PartyKind.PERSON, countries=("kr",), birth_date=PartialDate(1995))
    hits = Matcher(listed).match(decoy)
    assert hits and hits[0].entity.id == "ofac-3" and hits[0].label != MATCH
    assert "contradicts" in hits[0].explanation
    vessel = Query(names=("POLAR ROCK II",), kind=PartyKind.VESSEL, identifiers=(Identifier(IdKind.IMO, "9999999"),))
    assert all(h.label != MATCH for h in Matcher(listed).match(vessel))
    lookalike = "0x9c2bc76dee0b7dbad80f9ada88fc1eba09ba79fa"
    assert (
        Matcher(listed).match(Query(kind=PartyKind.WALLET, identifiers=(Identifier(IdKind.WALLET, lookalike),))) == []
    )


def test_explanations_say_which_form_matched_which(listed: GraphStore) -> None:
    hit = Matcher(listed).match(Query(names=("Qassem al-Raimi",), kind=PartyKind.PERSON, countries=("ye",)))[0]
    assert "qassem ~ qasim (spelling variant)" in hit.explanation
    assert "country YE agrees (Yemen)" in hit.explanation
    wallet = Matcher(listed).match(Query(kind=PartyKind.WALLET, identifiers=(Identifier(IdKind.WALLET, EVM),)))[0]
    assert f"holds wallet {EVM}" in wallet.explanation


def test_candidates_come_from_the_name_index(listed: GraphStore) -> None:
    found = {e.id for e in listed.match_candidates([["qasim"], ["naim"]])}
    assert {"ofac-1", "ofac-4", "p-x"} <= found
    assert "ofac-2" not in found
    near = {e.id for e in listed.match_candidates([["mishustim"]], fuzzy=True)}
    assert near == {"ofac-2"}
    assert listed.match_candidates([["mishustim"]], fuzzy=False) == []
    entity = next(e for e in listed.match_candidates([["rimi"]]) if e.id == "ofac-4")
    assert entity.properties[Prop.BIRTH_DATE.value] == "1978-06-05" and entity.countries == ["Yemen"]


def test_screen_rows_and_frames(listed: GraphStore) -> None:
    import pandas as pd

    rows = [
        {"Ref": "a", "Counterparty": "AO Alfa-Bank", "Type": "company", "Country": "", "DOB": ""},
        {"Ref": "b", "Counterparty": "", "Type": "person", "Country": "", "DOB": ""},
        {"Ref": "c", "Counterparty": "Мишустин Михаил", "Type": "person", "Country": "RU", "DOB": "1966-03-03"},
    ]
    columns = find_columns(list(rows[0]))
    results = list(screen_rows(rows, listed, columns))
    assert [r.row_id for r in results] == ["a", "b", "c"]
    assert results[0].hits[0].id == "ofac-10" and results[0].hits[0].sanctioned
    assert results[1].error == "a query needs a name or an identifier"
    assert results[2].hits[0].id == "ofac-2"
    frame, rejects = screen_frame(pd.DataFrame(rows), listed)
    assert list(frame["row_id"]) == ["a", "c"] and list(rejects["line"]) == [2]


def test_hits_carry_what_the_graph_knows(listed: GraphStore) -> None:
    """Analysis results written back (graph.analytics.analyze) reach each hit: 50% rule, exposure, nearest party."""
    listed.upsert_nodes(NodeKind.COMPANY, [NodeRecord("c-front", NodeKind.COMPANY, {Prop.NAME: "APOLLON TRADING LLC"})])
    listed.set_node_properties(
        [Prop.BLOCKED_BY_OWNERSHIP, Prop.OWNERSHIP_UNKNOWN, Prop.EXPOSURE_HOPS, Prop.EXPOSURE_NEAREST],
        [
            (
                "c-front",
                {
                    Prop.BLOCKED_BY_OWNERSHIP: True,
                    Prop.OWNERSHIP_UNKNOWN: False,
                    Prop.EXPOSURE_HOPS: 1,
                    Prop.EXPOSURE_NEAREST: "ofac-10",
                },
            )
        ],
    )
    rows = [{"name": "Apollon Trading Limited", "kind": "company"}]
    result = next(screen_rows(rows, listed, find_columns(["name", "kind"])))
    hit = result.hits[0]
    assert (hit.id, hit.label, hit.sanctioned) == ("c-front", MATCH, False)
    assert (hit.blocked_by_ownership, hit.ownership_unknown, hit.exposure_hops) == (True, False, 1)
    assert (hit.exposure_nearest, hit.exposure_nearest_name) == ("ofac-10", "JOINT STOCK COMPANY ALFA-BANK")
