"""The story the paths, report and export tests read: a sanctioned person, his bureau and family, a front firm that
owns a trading company, wallets, an address, a vessel, an aircraft, an offshore officer and one unconnected person."""

from __future__ import annotations

from typing import Any

from graph.model import Designation
from graph.vocabulary import NodeKind, RelType
from tests.factories import ent, rel

DESIGNATION = Designation("Fictional authority", ("DEMO-DPRK",), "2023-09-12", "https://example.org/d/1", "rec-1")
#: What the sources say of RI Chol Man, the story's sanctioned person.
RI_FACTS: dict[str, Any] = {
    "identifiers": ["Passport: 836410021 (Korea, North) — fictional"],
    "lookup_keys": ["836410021"],
    "programs": ["DEMO-DPRK"],
    "designations": [DESIGNATION.to_json()],
    "datasets": ["demo_fictional"],
    "source_ids": ["demo_fictional:p-ri"],
    "countries": ["KP"],
    "birth_date": "1971-04-02",
    "gender": "Male",
    "search_names": ["ri chol man"],
    "search_text": "ri chol man",
}
RI = ent("p-ri", NodeKind.PERSON, "RI Chol Man", sanctioned=True, **RI_FACTS)
ENTITIES = (
    RI,
    ent("p-decoy", NodeKind.PERSON, "RI Chol Mann", countries=["kr"]),
    ent("p-wife", NodeKind.PERSON, "RI Sun Hui"),
    ent("o-bureau", NodeKind.ORGANIZATION, "Bureau 999", sanctioned=True, datasets=["demo_fictional"]),
    ent(
        "c-front",
        NodeKind.COMPANY,
        "Pyongsan Tech Solutions Ltd",
        front=True,
        identifiers=["Registration Number: 91210600-FAKE-001"],
    ),
    ent("c-trading", NodeKind.COMPANY, "Golden Maple Trading Co", datasets=["demo_fictional"]),
    ent("c-sunrise", NodeKind.COMPANY, "Sunrise Digital Services LLC", front=True),
    ent("p-worker", NodeKind.PERSON, "Alex Kim"),
    ent("w-1", NodeKind.WALLET, "0x1111111111111111111111111111111111111111", currencies=["ETH", "USDT"]),
    ent("w-2", NodeKind.WALLET, "0x2222222222222222222222222222222222222222"),
    ent("a-dandong", NodeKind.ADDRESS, "Room 1201, 88 Example Road, Dandong", city="Dandong", countries=["cn"]),
    ent("v-ship", NodeKind.VESSEL, "=CHON MA SAN", imo="8660313", flag="kp", identifiers=["IMO: 8660313"]),
    ent("x-plane", NodeKind.AIRCRAFT, "P-632"),
    ent("l-officer", NodeKind.LEGAL_ENTITY, "Someone Offshore"),
    ent("p-alone", NodeKind.PERSON, "Nobody Connected"),
)
RELATIONSHIPS = (
    rel("r-member", RelType.MEMBER_OF, "p-ri", "o-bureau", role="Officer", datasets=["demo_fictional"]),
    rel("r-linked", RelType.LINKED_TO, "c-sunrise", "o-bureau", role="Revenue channel", datasets=["demo_fictional"]),
    rel(
        "r-directs",
        RelType.DIRECTS,
        "p-ri",
        "c-front",
        role="General director",
        start_date="2019-05-01",
        source_ids=["demo_fictional:r-directs"],
    ),
    rel("r-owns", RelType.OWNS, "c-front", "c-trading", percentage=60, start_date="2020-02-14"),
    rel("r-family", RelType.FAMILY_OF, "p-ri", "p-wife", role="spouse"),
    rel("r-employs", RelType.EMPLOYS, "c-front", "p-worker", role="Remote developer"),
    rel("r-associate", RelType.ASSOCIATE_OF, "p-worker", "p-decoy"),
    rel("r-paid", RelType.PAID, "c-trading", "w-1", amount=15000, currency="USDT", date="2023-04-03"),
    rel(
        "r-transfer",
        RelType.TRANSFERRED,
        "w-1",
        "w-2",
        amount=14.2,
        asset="eth",
        value_usd=26300,
        timestamp="2023-04-04T10:12:00Z",
        tx_hash="0xa1a1",
    ),
    rel("r-holds", RelType.HOLDS, "p-worker", "w-1"),
    rel("r-located", RelType.LOCATED_AT, "c-trading", "a-dandong"),
    rel("r-located-2", RelType.LOCATED_AT, "c-sunrise", "a-dandong"),
    rel("r-same", RelType.SAME_AS, "p-decoy", "p-ri", score=0.62, status="rejected"),
    rel("r-ship", RelType.OWNS, "c-trading", "v-ship", percentage=100.0),
    rel("r-plane", RelType.LINKED_TO, "l-officer", "x-plane"),
    rel("r-officer", RelType.DIRECTS, "l-officer", "c-trading"),
)
