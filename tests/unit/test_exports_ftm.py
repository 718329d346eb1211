"""The FollowTheMoney export (graph.exports.ftm): entities, relationships, subgraphs, judgements, validation."""

from __future__ import annotations

from typing import Any

import pytest

from graph.exports.ftm import (
    ExportStats,
    entity_to_ftm,
    export_subgraph,
    ftm_id,
    identifier_property,
    judgement,
    judgements,
    relationship_to_ftm,
    validate_ftm,
)
from graph.model import Designation, Relationship, Subgraph
from graph.vocabulary import NodeKind, RelType
from tests.factories import ent


def test_entity_export_validates_and_carries_marks_designations_and_identifiers() -> None:
    designation = Designation("Fictional Office", ("FICT-1",), "2021-04-01", "https://example.org/d/1", "r1")
    entity = ent(
        "fict-p",
        NodeKind.PERSON,
        "Test Person",
        sanctioned=True,
        front=False,
        aliases=["T. Person"],
        countries=["kp"],
        designations=[designation.to_json()],
        identifiers=["Passport: FX1 (kp)", "Registration Number: R-1", "Passport 109420132 (Korea, North) issued"],
        birth_date="1970; 1971-02-03",
        datasets=["fict"],
        source_ids=["fict-p", "fict-old", "us_ofac_sdn:1"],
    )
    stats = ExportStats()
    person, sanction = entity_to_ftm(entity, stats)
    assert validate_ftm(person) == [] and validate_ftm(sanction) == []
    props = person["properties"]
    assert props["passportNumber"] == ["FX1"]
    assert props["birthDate"] == ["1970", "1971-02-03"]
    assert props["notes"] == ["Passport 109420132 (Korea, North) issued"]
    assert "sanction" in props["topics"] and person["target"] is True
    assert person["referents"] == ["fict-old"] and person["datasets"] == ["fict"]
    assert sanction["properties"]["entity"] == ["fict-p"]
    assert sanction["properties"]["program"] == ["FICT-1"]
    assert props["registrationNumber"] == ["R-1"]
    assert stats.entities == {"Person": 1, "Sanction": 1} and not stats.dropped


def test_wallets_holders_addresses_and_odd_ids() -> None:
    wallet = ent("wallet-bitcoincash:qq0fict", NodeKind.WALLET, "qq0fict", chain="bitcoin-cash", currencies=["BCH"])
    stats = ExportStats()
    [data] = entity_to_ftm(wallet, stats, holders=["fict-h"])
    assert data["id"] == ftm_id("wallet-bitcoincash:qq0fict") and data["id"].startswith("sg-")
    assert data["properties"]["publicKey"] == ["bitcoincash:qq0fict"]
    assert data["properties"]["holder"] == ["fict-h"] and validate_ftm(data) == []
    stub = ent("fict-s", NodeKind.LEGAL_ENTITY, "fict-s", stub=True)
    assert entity_to_ftm(stub, stats) == [] and stats.skipped["stub entities (placeholders)"] == 1


def test_relationship_export_per_type() -> None:
    stats = ExportStats()
    emp = Relationship("fict-e", RelType.EMPLOYS, "fict-co", "fict-pe", {"role": "IT worker", "datasets": ["d"]})
    data = relationship_to_ftm(emp, stats)
    assert data is not None and validate_ftm(data) == []
    assert data["properties"]["employer"] == ["fict-co"] and data["properties"]["employee"] == ["fict-pe"]
    own = relationship_to_ftm(Relationship("fict-o", RelType.OWNS, "a", "b", {"percentage": 60.0}), stats)
    assert own is not None and own["properties"]["percentage"] == ["60"]
    transfer = Relationship(
        "fict-t", RelType.TRANSFERRED, "wallet-a", "wallet-b", {"amount": 1.5, "asset": "btc", "tx_hash": "ab12"}
    )
    moved = relationship_to_ftm(transfer, stats)
    # a wallet-to-wallet transfer is an FtM Payment between the two CryptoWallets (docs/ftm-mapping.md), the
    # transfer described by the Payment's own properties (it was an UnknownLink with role "transferred")
    assert moved is not None and moved["schema"] == "Payment" and validate_ftm(moved) == []
    assert moved["properties"]["payer"] == ["wallet-a"] and moved["properties"]["beneficiary"] == ["wallet-b"]
    assert moved["properties"]["amount"] == ["1.5"] and moved["properties"]["currency"] == ["BTC"]
    assert moved["properties"]["transactionNumber"] == ["ab12"]
    assert relationship_to_ftm(Relationship("h", RelType.HOLDS, "a", "w", {}), stats) is None
    assert relationship_to_ftm(Relationship("s", RelType.SAME_AS, "a", "b", {}), stats) is None
    assert stats.skipped["SAME_AS relationships (no FtM edge)"] == 1


def test_subgraph_export_puts_holders_and_addresses_on_their_entities() -> None:
    sub = Subgraph(
        center="fict-co",
        entities=(
            ent("fict-co", NodeKind.COMPANY, "Co"),
            ent("fict-ad", NodeKind.ADDRESS, "1 Road", address="1 Road", city="Town"),
            ent("wallet-0xab", NodeKind.WALLET, "0xab"),
        ),
        relationships=(
            Relationship("l", RelType.LOCATED_AT, "fict-co", "fict-ad", {}),
            Relationship("h", RelType.HOLDS, "fict-co", "wallet-0xab", {}),
        ),
        omitted=2,
    )
    stats = ExportStats()
    out = {d["id"]: d for d in export_subgraph(sub, stats)}
    assert out["fict-co"]["properties"]["addressEntity"] == ["fict-ad"]
    assert out["wallet-0xab"]["properties"]["holder"] == ["fict-co"]
    assert out["fict-ad"]["properties"]["full"] == ["1 Road"]
    assert all(validate_ftm(d) == [] for d in out.values())
    assert stats.skipped["entities beyond the neighbourhood limit"] == 2


def test_validate_ftm_finds_what_is_wrong() -> None:
    assert validate_ftm({"id": "x", "schema": "Spaceship", "properties": {}}) == ["unknown schema: 'Spaceship'"]
    problems = validate_ftm(
        {"id": "bad id", "schema": "Ownership", "properties": {"owner": ["a"], "percentage": [60], "shoe": ["1"]}}
    )
    assert "invalid id: 'bad id'" in problems
    assert "percentage: not a list of strings" in problems
    assert "Ownership has no property 'shoe'" in problems
    assert "missing required property: asset" in problems
    assert validate_ftm({"id": "x", "schema": "Person", "properties": {"name": ["X"], "birthDate": ["soon"]}}) == [
        "birthDate: 'soon' is not a valid date"
    ]


def test_transfer_payment_carries_usd_value_and_a_zoneless_date() -> None:
    stats = ExportStats()
    transfer = Relationship(
        "fict-t2",
        RelType.TRANSFERRED,
        "wallet-a",
        "wallet-b",
        {"amount": 14.2, "asset": "eth", "value_usd": 26300.0, "timestamp": "2023-04-04T10:12:00Z"},
    )
    data = relationship_to_ftm(transfer, stats)
    assert data is not None and validate_ftm(data) == []
    assert data["properties"]["amountUsd"] == ["26300"]
    assert data["properties"]["date"] == ["2023-04-04T10:12:00"]  # FtM dates are UTC without a zone
    assert stats.entities == {"Payment": 1} and not stats.dropped


def test_edges_carry_their_source_ids_as_record_ids_and_sanctions_their_record() -> None:
    stats = ExportStats()
    directs = Relationship("fict-d", RelType.DIRECTS, "a", "b", {"role": "Director", "source_ids": ["src:fict-d"]})
    data = relationship_to_ftm(directs, stats)
    assert data is not None and data["properties"]["recordId"] == ["src:fict-d"]
    designation = Designation("Fictional Office", ("FICT-1",), record_id="r1")
    _, sanction = entity_to_ftm(ent("fict-p", NodeKind.PERSON, "P", designations=[designation.to_json()]), stats)
    assert sanction["properties"]["recordId"] == ["r1"] and validate_ftm(sanction) == []


def test_same_as_is_a_resolver_judgement_outside_the_entity_stream() -> None:
    sub = Subgraph(
        center="fict-a",
        entities=(ent("fict-a", NodeKind.PERSON, "A"), ent("fict-b", NodeKind.PERSON, "B")),
        relationships=(
            Relationship("s1", RelType.SAME_AS, "fict-a", "fict-b", {"score": 0.62, "status": "rejected"}),
            Relationship("s2", RelType.SAME_AS, "fict-b", "wallet-x:y", {"status": "candidate"}),
        ),
    )
    stats = ExportStats()
    assert {d["schema"] for d in export_subgraph(sub, stats)} == {"Person"}
    assert stats.skipped["SAME_AS relationships (no FtM edge)"] == 1  # the other one's end is not in the subgraph
    first, second = judgements(sub.relationships)
    assert first == {
        "target": "fict-b",
        "source": "fict-a",
        "judgement": "negative",
        "score": 0.62,
        "user": None,
        "timestamp": None,
    }
    assert second["judgement"] == "no_judgement" and ftm_id("wallet-x:y") in (second["target"], second["source"])
    assert judgement(Relationship("s3", RelType.SAME_AS, "x", "y", {"status": "Confirmed"}))["judgement"] == "positive"


@pytest.mark.parametrize(
    ("schema", "identifier", "expected"),
    [
        ("Person", "Passport: FX1 (kp)", ("passportNumber", "FX1")),
        ("Person", "Registration Number: R-1", ("registrationNumber", "R-1")),
        ("Person", "Passport 109420132 (Korea, North) issued", None),  # no label: kept in notes
        ("Company", "Tax ID No.: 77-1", ("taxNumber", "77-1")),
        ("Vessel", "MMSI: 123456789", ("mmsi", "123456789")),
        ("Vessel", "Hull: 9", ("registrationNumber", "9")),
        ("Spaceship", "Passport: 1", None),
    ],
)
def test_identifier_labels(schema: str, identifier: str, expected: Any) -> None:
    assert identifier_property(schema, identifier) == expected
