"""The FtM fixture files (tests/fixtures/ftm/) and what the network file holds, for the unit and store tests."""

from __future__ import annotations

from pathlib import Path

from graph.ids import wallet_id

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ftm"
NETWORK = FIXTURES / "network.ftm.json"
DELTA = FIXTURES / "delta.ftm.json"
#: The network's one CryptoWallet, as a node id.
WALLET = wallet_id("0xabcdef0123456789abcdef0123456789abcdef01")

#: Relationships the network file makes, by type.
NETWORK_RELS = {
    "OWNS": 3,
    "DIRECTS": 1,
    "EMPLOYS": 1,
    "MEMBER_OF": 1,
    "FAMILY_OF": 1,
    "ASSOCIATE_OF": 1,
    "LINKED_TO": 2,
    "PAID": 1,
    "HOLDS": 1,
    "LOCATED_AT": 1,
}
