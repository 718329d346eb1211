"""Issue 12 items 4-5 on every store: listed addresses derived from the graph, search with typos."""

from __future__ import annotations

import io
import itertools
import zipfile

import pytest

from graph import (
    Designation,
    EntityNotFound,
    GraphStore,
    NodeKind,
    NodeRecord,
    Prop,
    RelRecord,
    RelType,
    csv_zip,
    entity_listings,
    listed_status,
    listings,
    rel_id,
    resolve_start,
    trace_funds,
    wallet_id,
    with_listings,
)

LAZARUS = "ofac-27307"
LISTED = wallet_id("0x098B716B8Aaf21512996dC57EB0615e2383E2f96")
HELD = wallet_id("0x1111111111111111111111111111111111111111")


def _load(store: GraphStore) -> None:
    d = Designation("US OFAC", ("DPRK3",), record_id="27307")
    store.upsert_nodes(
        NodeKind.ORGANIZATION,
        [
            NodeRecord(
                LAZARUS,
                NodeKind.ORGANIZATION,
                {
                    Prop.NAME: "LAZARUS GROUP",
                    Prop.SANCTIONED: True,
                    Prop.DESIGNATIONS: [d.to_json()],
                    Prop.DATASETS: ["us_ofac_sdn"],
                },
            )
        ],
    )
    store.upsert_nodes(
        NodeKind.WALLET,
        [
            NodeRecord(w, NodeKind.WALLET, {Prop.NAME: w.removeprefix("wallet-"), Prop.DATASETS: [ds]})
            for w, ds in ((LISTED, "us_ofac_sdn"), (HELD, "chain_analysis"))
        ],
    )
    store.upsert_relationships(
        RelType.HOLDS,
        [
            RelRecord(rel_id(RelType.HOLDS, LAZARUS, w), RelType.HOLDS, LAZARUS, w, {Prop.DATASETS: [ds]})
            for w, ds in ((LISTED, "us_ofac_sdn"), (HELD, "chain_analysis"))
        ],
    )


def test_a_wallet_on_the_record_of_a_listed_party_is_its_listed_address(store: GraphStore) -> None:
    _load(store)
    found = listings(store, [LISTED, HELD, LAZARUS])
    assert list(found) == [LISTED]  # held according to another source: exposed, not listed
    (listing,) = found[LISTED]
    assert listing.text == "US OFAC 27307 (LAZARUS GROUP)"
    assert listing.status == "Listed address of LAZARUS GROUP (US OFAC 27307)"
    assert listing.programs == ("DPRK3",)
    listed, held = with_listings(store, [store.get_entity(LISTED), store.get_entity(HELD)])
    assert entity_listings(listed) == [listing]
    assert listed_status(listed) == "Listed address of LAZARUS GROUP (US OFAC 27307)"
    assert listed_status(held) is None and entity_listings(held) == []


def test_search_finds_names_with_a_one_letter_typo_in_any_word(store: GraphStore) -> None:
    store.upsert_nodes(
        NodeKind.PERSON,
        [NodeRecord("p-kju", NodeKind.PERSON, {Prop.NAME: "KIM, Jong Un", Prop.SANCTIONED: True})],
    )
    store.upsert_nodes(
        NodeKind.COMPANY,
        [NodeRecord("c-kdb", NodeKind.COMPANY, {Prop.NAME: "KOREA DAESONG BANK", Prop.SANCTIONED: True})],
    )
    assert [h.entity.id for h in store.search("Kim Jong Unn", 5)] == ["p-kju"]
    assert [h.entity.id for h in store.search("Korea Daesong Bnak", 5)] == ["c-kdb"]
    assert [h.entity.id for h in store.search("Kim Jong Il", 5)] == []


def _flow(store: GraphStore) -> list[str]:
    ids = [wallet_id("0x" + c * 40) for c in "123"]
    store.upsert_nodes(
        NodeKind.WALLET,
        [
            NodeRecord(w, NodeKind.WALLET, {Prop.NAME: w.removeprefix("wallet-"), Prop.NOTES: note})
            for w, note in zip(ids, ("", "Fictional mixer deposit wallet", ""), strict=True)
        ],
    )
    store.upsert_relationships(
        RelType.TRANSFERRED,
        [
            RelRecord(
                rel_id(RelType.TRANSFERRED, a, b),
                RelType.TRANSFERRED,
                a,
                b,
                {Prop.AMOUNT: 1.5, Prop.ASSET: "eth", Prop.TIMESTAMP: f"2023-04-0{i + 4}T10:00:00Z"},
            )
            for i, (a, b) in enumerate(itertools.pairwise(ids))
        ],
    )
    return ids


def test_trace_from_a_pasted_address_in_any_case_stops_at_a_mixer_unless_asked(store: GraphStore) -> None:
    start, mixer, beyond = _flow(store)
    assert resolve_start(store, "0X" + "1" * 40) == start
    assert resolve_start(store, start) == start
    stopped = trace_funds(store, "  0x" + "1" * 40 + " ")
    assert stopped.start == start
    assert set(stopped.parties) == {start, mixer}
    assert stopped.stops[mixer].startswith("service") and "mixer" in stopped.stops[mixer]
    through = trace_funds(store, "0x" + "1" * 40, through_services=True)
    assert set(through.parties) == {start, mixer, beyond}
    assert mixer not in through.stops and "mixer" in str(through.parties[mixer].service)
    with pytest.raises(EntityNotFound):
        resolve_start(store, "0x" + "9" * 40)


def test_a_typo_is_found_among_hundreds_of_similar_names(store: GraphStore) -> None:
    """The every-word query fails on 'Unn'; the matcher's fuzzy every-word query (3+ letters) finds Un among 600
    other KIM Jong … that the any-word fallback would rank above it."""
    syllables = ["Chol", "Song", "Hyok", "Nam", "Su", "Myong", "Gwang", "Ho", "Chan", "Dok", "Sik"]
    rows = [
        NodeRecord(f"p{i}", NodeKind.PERSON, {Prop.NAME: f"KIM Jong {syllables[i % 11]} {syllables[i // 11 % 11]}"})
        for i in range(600)
    ]
    rows.append(NodeRecord("target", NodeKind.PERSON, {Prop.NAME: "KIM Jong Un", Prop.SANCTIONED: True}))
    store.upsert_nodes(NodeKind.PERSON, rows)
    assert [h.entity.id for h in store.search("Kim Jong Unn", 5)] == ["target"]
    assert [h.entity.id for h in store.search("Kim Jong Un", 5)] == ["target"]


def test_the_export_of_a_view_names_the_record_that_lists_a_wallet(store: GraphStore) -> None:
    from dashboard.entity import actions
    from dashboard.entity.view_state import ViewState
    from dashboard.export_controls import working_view

    _load(store)
    state = actions.load_view(store, LISTED, 1).state
    view = working_view(store, state.to_json(), ViewState().to_json())
    wallet = next(e for e in view.entities if e.id == LISTED)
    assert [x.text for x in entity_listings(wallet)] == ["US OFAC 27307 (LAZARUS GROUP)"]
    with zipfile.ZipFile(io.BytesIO(csv_zip(view.entities, view.relationships))) as z:
        nodes = z.read("nodes.csv").decode("utf-8-sig")
    assert "US OFAC 27307 (LAZARUS GROUP)" in next(line for line in nodes.splitlines() if LISTED in line)
