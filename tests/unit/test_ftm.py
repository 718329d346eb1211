"""The FtM loader and exporter without a database: mapping, rejects, gzip, encodings, delta ordering, validation."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model as ftm_model

from graph.errors import SourceFormatError
from graph.ids import wallet_id
from graph.model import Designation, NodeRecord, RelRecord
from graph.vocabulary import RELATIONSHIPS, NodeKind, Prop, RelType
from loaders.framework import LoadContext, LoadReport, run_load, write_report_json
from loaders.sources import ftm
from loaders.sources.ftm import FtmSource
from tests.doubles import RecordingStore
from tests.ftm_fixtures import DELTA, FIXTURES, NETWORK, NETWORK_RELS, WALLET

#: The recorded write calls as short steps (method, kind or type), for assertions on order.
_STEP = {
    "ensure_schema": "schema",
    "upsert_nodes": "nodes:",
    "upsert_relationships": "rels:",
    "ensure_stubs": "stubs",
    "delete_nodes": "delete",
    "set_node_properties": "set",
    "add_to_node_lists": "add",
    "delete_relationships": "delete-rels",
}


def _steps(writer: RecordingStore) -> list[tuple[str, list[str]]]:
    """Each write call as (step, ids): ("nodes:Person", [...]), ("stubs", [...]), ("set", [...]) …"""
    return [(_STEP[c.method] + (c.name if c.method.startswith("upsert") else ""), list(c.ids)) for c in writer.calls]


def _stubs(writer: RecordingStore) -> set[str]:
    """The ids that are stubs in the store now."""
    return {e.id for batch in writer.iter_entities() for e in batch if e.properties.get(Prop.STUB.value)}


def _load(paths: list[Path], writer: RecordingStore | None = None, **kwargs: Any) -> LoadReport:
    return run_load(FtmSource(), paths, writer, **kwargs)


def _lines(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _rejects(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


# --- the mapping tables ---------------------------------------------------------------------------------------------


def test_every_property_of_a_mapped_schema_is_used_or_listed_as_ignored() -> None:
    unclassified: dict[str, set[str]] = {}
    for schema in ftm_model:
        if schema.abstract:
            continue
        names = {p.name for p in schema.properties.values() if not p.stub}
        if schema.name in ftm.EDGE_SCHEMATA:
            spec = ftm.EDGE_SCHEMATA[schema.name]
            left = names - set(spec.props) - spec.ignored - {schema.edge_source, schema.edge_target}
        elif schema.is_a("Sanction"):
            left = names - ftm.SANCTION_PROPS - ftm.SANCTION_IGNORED
        elif schema.is_a("Identification"):
            left = names - ftm.IDENTIFICATION_PROPS - ftm.IDENTIFICATION_IGNORED
        elif ftm.kind_of(schema) is not None:
            left = names - ftm.ALL_NODE_PROPS
        else:
            continue
        if left:
            unclassified[schema.name] = left
    assert unclassified == {}, "classify these FtM properties in loaders/sources/ftm/properties.py"


def test_edge_schemata_are_ftm_edges_and_map_only_to_their_relationship_properties() -> None:
    for name, spec in ftm.EDGE_SCHEMATA.items():
        schema = ftm_model.get(name)
        assert schema is not None and schema.edge, name
        assert set(spec.props.values()) <= set(RELATIONSHIPS[spec.rel_type].properties), name
        assert set(spec.props) <= set(schema.properties), name
    assert ftm.EDGE_SCHEMATA["Employment"].reverse  # FtM employee -> employer; EMPLOYS employer -> employee
    kinds = {ftm.kind_of(s) for s in ftm_model if not s.abstract}
    assert set(NodeKind) <= kinds
    public_body = ftm_model.get("PublicBody")
    assert public_body is not None and ftm.kind_of(public_body) is NodeKind.ORGANIZATION


# --- the network fixture --------------------------------------------------------------------------------------------


def test_network_dry_run_counts_kinds_relationships_stubs_and_notes() -> None:
    report = _load([NETWORK])
    assert report.dry_run and report.rejected == 0 and report.records_read == 24
    assert report.nodes == {
        "Person": 4,
        "Company": 2,
        "Organization": 1,
        "LegalEntity": 1,
        "Address": 1,
        "Wallet": 1,
        "Vessel": 1,
        "Aircraft": 1,
    }
    assert report.relationships == NETWORK_RELS
    assert report.stubs == 1
    assert report.notes["edges with an end absent from the loaded files (kept against a stub)"] == 1
    assert report.notes["skipped schema (not in the graph vocabulary): Position"] == 1
    assert report.notes["unknown property (ignored): Person:favouriteColour"] == 1
    assert any("fict-ext-1" in w for w in report.warnings)


def test_network_records_map_entities_designations_identifiers_and_edges() -> None:
    writer = RecordingStore()
    report = _load([NETWORK], writer)
    assert report.nodes_created == 12 and report.stubs_created == 1 and report.relationships_created == 13
    vorlak = writer.nodes["fict-pe-vorlak"].props
    assert vorlak[Prop.NAME] == "Vorlak TESTMANN"  # the caption
    assert vorlak[Prop.ALIASES] == ["Vorlak Testmann", "V. Testmann"]
    assert vorlak[Prop.SANCTIONED] is True and vorlak[Prop.PROGRAMS] == ["FICT-1"]
    assert [Designation.from_json(d) for d in vorlak[Prop.DESIGNATIONS]] == [
        Designation(
            authority="Fictional Office of Sanctions",
            programs=("FICT-1",),
            start_date="2021-04-01",
            source_url="https://example.org/fictional/sanction/1",
            record_id="fict-sanction-1",
        )
    ]
    assert vorlak[Prop.IDENTIFIERS] == ["Passport: FX123456 (kp)"]
    assert vorlak[Prop.LOOKUP_KEYS] == ["FX123456"]
    assert vorlak[Prop.DATASETS] == ["fict_sanctions"]
    assert vorlak[Prop.SOURCE_IDS] == ["fict-pe-vorlak", "fict-src-101"]
    assert (vorlak[Prop.FIRST_SEEN], vorlak[Prop.LAST_SEEN]) == ("2021-04-02T00:00:00", "2024-05-01T00:00:00")
    assert (vorlak[Prop.BIRTH_DATE], vorlak[Prop.COUNTRIES], vorlak[Prop.GENDER]) == ("1970-05-01", ["kp"], "male")

    front = writer.nodes["fict-co-front"]
    assert front.kind is NodeKind.COMPANY and front.props[Prop.FRONT] is True
    assert front.props[Prop.TOPICS] == ["corp.shell"] and front.props[Prop.COUNTRIES] == ["hk"]
    assert "Registration number: HK-0000-FAKE" in front.props[Prop.IDENTIFIERS]
    assert {"HK-0000-FAKE", "fictitious-shell.example"} <= set(front.props[Prop.LOOKUP_KEYS])
    assert "Incorporation date: 2019-02" in front.props[Prop.NOTES]

    wallet = writer.nodes[WALLET]
    assert wallet.kind is NodeKind.WALLET and "fict-cw-1" not in writer.nodes
    assert wallet.props[Prop.SOURCE_IDS] == ["fict-cw-1"]
    assert (wallet.props[Prop.CHAIN], wallet.props[Prop.CURRENCIES]) == ("evm", ["ETH"])
    vessel = writer.nodes["fict-ve-1"].props
    assert (vessel[Prop.IMO], vessel[Prop.FLAG], vessel[Prop.VESSEL_TYPE], vessel[Prop.TONNAGE]) == (
        "9999993",
        "pa",
        "Tanker",
        1200.0,
    )
    assert writer.nodes["fict-ap-1"].kind is NodeKind.AIRCRAFT
    assert writer.nodes["fict-addr-1"].props[Prop.CITY] == "Nowhere City"

    rels = writer.rels
    assert (rels["fict-emp-1"].source, rels["fict-emp-1"].target) == ("fict-co-front", "fict-pe-2")  # reversed
    assert rels["fict-own-1"].props[Prop.PERCENTAGE] == 60.0 and rels["fict-own-2"].props[Prop.PERCENTAGE] == 40.0
    assert rels["fict-own-1"].props[Prop.START_DATE] == "2021-03"
    pay = rels["fict-pay-1"].props
    assert (pay[Prop.AMOUNT], pay[Prop.CURRENCY], pay[Prop.DATE], pay[Prop.PURPOSE]) == (
        250000.0,
        "USD",
        "2022-07-15",
        "Consulting (fictional)",
    )
    assert rels["fict-fam-1"].props[Prop.ROLE] == "brother" and rels["fict-dir-1"].props[Prop.ROLE] == "Director"
    by_type = {(r.type, r.source, r.target) for r in rels.values()}
    assert (RelType.HOLDS, "fict-co-trading", WALLET) in by_type
    assert (RelType.LOCATED_AT, "fict-co-front", "fict-addr-1") in by_type
    assert (RelType.OWNS, "fict-co-trading", "fict-ve-1") in by_type
    assert (RelType.LINKED_TO, "fict-org-1", "fict-ap-1") in by_type
    assert (RelType.LINKED_TO, "fict-co-trading", "fict-ext-1") in by_type
    assert _stubs(writer) == {"fict-ext-1"}

    steps = [name for name, _ in _steps(writer)]
    last_node = max(i for i, s in enumerate(steps) if s.startswith("nodes:"))
    assert steps.index("stubs") > last_node
    assert min(i for i, s in enumerate(steps) if s.startswith("rels:")) > steps.index("stubs")


def test_rerun_into_the_same_writer_creates_nothing_new() -> None:
    writer = RecordingStore()
    _load([NETWORK], writer)
    again = _load([NETWORK], writer)
    assert (again.nodes_created, again.relationships_created, again.stubs_created) == (0, 0, 0)
    assert again.stubs == 1


def test_record_order_does_not_matter(tmp_path: Path) -> None:
    """Sanctions, passports and edges before their entities (and wallets after edges) give the same records."""
    lines = NETWORK.read_text(encoding="utf-8").splitlines()
    reversed_file = _lines(tmp_path / "reversed.json", list(reversed(lines)))
    forward, backward = RecordingStore(), RecordingStore()
    _load([NETWORK], forward)
    _load([reversed_file], backward)
    assert forward.nodes.keys() == backward.nodes.keys()
    for node_id, node in forward.nodes.items():
        assert node.kind == backward.nodes[node_id].kind
        assert set(map(str, node.props.get(Prop.DESIGNATIONS, []))) == set(
            map(str, backward.nodes[node_id].props.get(Prop.DESIGNATIONS, []))
        )
    assert {(r.id, r.source, r.target) for r in forward.rels.values()} == {
        (r.id, r.source, r.target) for r in backward.rels.values()
    }


def test_split_files_and_the_same_id_across_files_make_one_node(tmp_path: Path) -> None:
    first = _lines(tmp_path / "a.json", [{"id": "fict-x", "schema": "LegalEntity", "properties": {"name": ["X"]}}])
    second = _lines(
        tmp_path / "b.json",
        [
            {"id": "fict-x", "schema": "Person", "properties": {"name": ["X"], "alias": ["Ex"]}},
            {"id": "fict-s", "schema": "Sanction", "properties": {"entity": ["fict-x"], "program": ["P"]}},
        ],
    )
    writer = RecordingStore()
    report = _load([first, second], writer)
    assert report.nodes == {"Person": 1} and report.rejected == 0
    assert writer.nodes["fict-x"].kind is NodeKind.PERSON
    assert writer.nodes["fict-x"].props[Prop.SANCTIONED] is True


def test_sanction_with_an_end_date_is_a_designation_but_no_mark(tmp_path: Path) -> None:
    path = _lines(
        tmp_path / "ended.json",
        [
            {"id": "fict-p", "schema": "Person", "properties": {"name": ["Former Target"]}},
            {"id": "fict-s", "schema": "Sanction", "properties": {"entity": ["fict-p"], "endDate": ["2020-01-01"]}},
        ],
    )
    writer = RecordingStore()
    report = _load([path], writer)
    props = writer.nodes["fict-p"].props
    assert Prop.SANCTIONED not in props and len(props[Prop.DESIGNATIONS]) == 1
    assert report.notes["sanctions with an end date (kept as designations, not marking the entity sanctioned)"] == 1


def test_a_sanctions_record_id_is_the_designations_record_id(tmp_path: Path) -> None:
    path = _lines(
        tmp_path / "record.json",
        [
            {"id": "fict-p", "schema": "Person", "properties": {"name": ["Listed Person"]}},
            {"id": "fict-s1", "schema": "Sanction", "properties": {"entity": ["fict-p"], "recordId": ["SDN-123"]}},
            {"id": "fict-s2", "schema": "Sanction", "properties": {"entity": ["fict-p"], "program": ["P2"]}},
        ],
    )
    writer = RecordingStore()
    report = _load([path], writer)
    records = {Designation.from_json(d).record_id for d in writer.nodes["fict-p"].props[Prop.DESIGNATIONS]}
    assert records == {"SDN-123", "fict-s2"}  # the list's own record id, else the Sanction entity's id
    assert not [note for note in report.notes if "recordId" in note]


_ETH_A, _ETH_B = "0x1111111111111111111111111111111111111111", "0x2222222222222222222222222222222222222222"


def _wallet_payment(tmp_path: Path, payer: str, **extra: list[str]) -> Path:
    return _lines(
        tmp_path / "payments.json",
        [
            {"id": "fict-cw-a", "schema": "CryptoWallet", "properties": {"publicKey": [_ETH_A]}},
            {"id": "fict-cw-b", "schema": "CryptoWallet", "properties": {"publicKey": [_ETH_B]}},
            {"id": "fict-co", "schema": "Company", "properties": {"name": ["Fictional Payer Ltd"]}},
            {
                "id": "fict-pay",
                "schema": "Payment",
                "properties": {"payer": [payer], "beneficiary": ["fict-cw-b"], "amount": ["1.5"], **extra},
            },
        ],
    )


def test_a_payment_naming_a_transaction_between_two_wallets_is_transferred(tmp_path: Path) -> None:
    tx = "0xf314002d9c28ddbf6d931e56a35e8598b263c13236db4d5b158d9ddabf2c8cf2"
    extra = {"currency": ["ETH"], "amountUsd": ["2800"], "date": ["2023-08-01T10:12:00"], "transactionNumber": [tx]}
    writer = RecordingStore()
    report = _load([_wallet_payment(tmp_path, "fict-cw-a", **extra)], writer)
    rel = writer.rels["fict-pay"]
    assert (rel.type, rel.source, rel.target) == (RelType.TRANSFERRED, wallet_id(_ETH_A), wallet_id(_ETH_B))
    assert rel.props == {
        Prop.AMOUNT: 1.5,
        Prop.ASSET: "eth",  # lower case, as the transfer loaders write it
        Prop.VALUE_USD: 2800.0,
        Prop.TIMESTAMP: "2023-08-01T10:12:00Z",  # FtM dates are UTC
        Prop.TX_HASH: tx,
        Prop.DATASETS: ["ftm"],
        Prop.SOURCE_IDS: ["fict-pay"],
    }
    assert report.relationships == {"TRANSFERRED": 1}
    assert report.notes["Payments between two CryptoWallets with a transaction (read as TRANSFERRED)"] == 1


def test_other_payments_are_paid(tmp_path: Path) -> None:
    # a company paying a wallet, with a transaction number: PAID, the number not kept
    writer = RecordingStore()
    report = _load([_wallet_payment(tmp_path, "fict-co", currency=["USD"], transactionNumber=["T-1"])], writer)
    rel = writer.rels["fict-pay"]
    assert (rel.type, rel.source, rel.target) == (RelType.PAID, "fict-co", wallet_id(_ETH_B))
    assert rel.props[Prop.CURRENCY] == "USD" and Prop.TX_HASH not in rel.props
    assert report.notes["Payments with a transactionNumber not between two CryptoWallets of the load (read as PAID)"]
    # two wallets without a transaction: PAID
    writer = RecordingStore()
    _load([_wallet_payment(tmp_path, "fict-cw-a", currency=["ETH"])], writer)
    assert writer.rels["fict-pay"].type is RelType.PAID and writer.rels["fict-pay"].props[Prop.CURRENCY] == "ETH"


def test_directory_of_files_and_a_report_with_stubs(tmp_path: Path) -> None:
    (tmp_path / "net.ftm.json").write_bytes(NETWORK.read_bytes())
    (tmp_path / "notes.txt").write_text("not an FtM file", encoding="utf-8")
    report = _load([tmp_path])
    assert report.records_read == 24
    out = tmp_path / "report.json"
    write_report_json(report, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["stubs"] == 1 and data["deletes"] == 0 and data["rejected"] == 0
    assert "stubs (ends absent):  1" in report.to_text()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SourceFormatError, match="empty: no FtM files"):
        _load([empty])


# --- gzip and broken files ------------------------------------------------------------------------------------------


def test_gzip_reads_like_plain(tmp_path: Path) -> None:
    gz = tmp_path / "network.ftm.json.gz"
    gz.write_bytes(gzip.compress(NETWORK.read_bytes()))
    plain, zipped = _load([NETWORK]), _load([gz])
    assert (zipped.records_read, zipped.nodes, zipped.relationships, zipped.stubs) == (
        plain.records_read,
        plain.nodes,
        plain.relationships,
        plain.stubs,
    )


def test_truncated_gzip_is_rejected_with_its_line_and_the_lines_before_load(tmp_path: Path) -> None:
    data = b"".join(
        json.dumps({"id": f"fict-p{i}", "schema": "Person", "properties": {"name": [f"Person {i}"]}}).encode() + b"\n"
        for i in range(3000)
    )
    packed = gzip.compress(data)
    gz = tmp_path / "cut.json.gz"
    gz.write_bytes(packed[: len(packed) // 2])
    rejects = tmp_path / "rejects.csv"
    report = _load([gz], rejects_path=rejects)
    loaded = report.nodes["Person"]
    assert 0 < loaded < 3000 and report.records_read == loaded
    [row] = _rejects(rejects)
    assert row["line"] == str(loaded + 1)
    assert row["reason"].startswith("truncated gzip: Compressed file ended before the end-of-stream marker")
    assert report.rejected_reasons == {"truncated gzip": 1}
    assert any("truncated gzip" in w for w in report.warnings)


def test_file_cut_mid_line(tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    report = _load([FIXTURES / "truncated.ftm.json"], rejects_path=rejects)
    assert report.nodes == {"Person": 2}
    [row] = _rejects(rejects)
    assert (row["line"], row["field"]) == ("3", "")
    assert row["reason"].startswith("truncated: the file ends in the middle of a record")
    assert row["raw"].endswith('"Cut Off Pers')


def test_latin1_line_is_rejected_and_the_utf8_lines_load(tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    writer = RecordingStore()
    report = _load([FIXTURES / "latin1.ftm.json"], writer, rejects_path=rejects)
    assert set(writer.nodes) == {"fict-ok-7", "fict-ok-8"}
    assert writer.nodes["fict-ok-8"].props[Prop.NAME] == "Société Imaginaire"
    [row] = _rejects(rejects)
    assert (row["file"], row["line"]) == (str(FIXTURES / "latin1.ftm.json"), "2")
    assert row["reason"] == "not UTF-8: byte 0xe9 at column 72 (latin-1 or another encoding?)"
    assert "Ren\\xe9" in row["raw"]
    assert report.rejected == 1


def test_malformed_lines(tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    writer = RecordingStore()
    report = _load([FIXTURES / "malformed.ftm.json"], writer, rejects_path=rejects)
    assert set(writer.nodes) == {"fict-ok-1", "fict-ok-2"}
    rows = _rejects(rejects)
    assert [(r["line"], r["field"], r["reason"]) for r in rows] == [
        ("2", "", "not JSON: Expecting property name enclosed in double quotes at column 2"),
        ("3", "", "not a JSON object: each line must be one FtM entity"),
        ("4", "schema", "unknown schema: Spaceship"),
        ("5", "schema", "abstract schema: Thing cannot have entities"),
        ("6", "name", "not a list of strings: name (FtM writes every value, numbers too, as strings)"),
        ("7", "target", "not a boolean: target must be true or false"),
        ("8", "op", "unknown op: 'UPSERT' (ADD, MOD or DEL)"),
    ]
    assert report.rejected == 7 and report.rejects_file == str(rejects)


def test_missing_fields(tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    writer = RecordingStore()
    report = _load([FIXTURES / "missing-fields.ftm.json"], writer, rejects_path=rejects)
    assert set(writer.nodes) == {"fict-ok-3", "fict-ok-4"}
    assert [(r["line"], r["field"], r["reason"]) for r in _rejects(rejects)] == [
        ("2", "id", "missing id: every FtM entity needs a string id"),
        ("3", "schema", "missing schema"),
        ("4", "name", "missing name: Person needs a name (or a caption)"),
        ("5", "asset", "missing edge end: Ownership needs owner and asset"),
        ("6", "publicKey", "missing publicKey: a wallet node is keyed by its address"),
        ("7", "entity", "missing entity: Sanction needs the sanctioned entity's id"),
        ("8", "number", "missing number: Passport without a number identifies nothing"),
        ("9", "id", "missing id: a DEL names the entity to delete"),
        ("10", "entity", "missing entity: a delta line carries an 'entity' object"),
    ]
    assert report.rejected == 9
    # the Sanction of an entity not in the files is not rejected: it goes to the stored node (here: a new stub)
    assert ("add", ["fict-not-here"]) in _steps(writer)
    assert writer.get_entities(["fict-not-here"])[0].properties[Prop.SANCTIONED.value] is True
    assert _stubs(writer) == {"fict-not-here"}
    assert report.notes["values added to entities of earlier loads"] == 1
    assert report.notes["values for entities in no load yet (kept on a new stub)"] == 1


def test_a_json_array_is_a_structural_error(tmp_path: Path) -> None:
    path = tmp_path / "array.json"
    path.write_text('[\n{"id": "a", "schema": "Person", "properties": {}}\n]\n', encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"array.json, line 1: a JSON array, not JSON lines"):
        _load([path])


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"missing\.json: cannot be read"):
        _load([tmp_path / "missing.json"])


def test_unknown_top_level_fields_and_unreadable_numbers_are_counted(tmp_path: Path) -> None:
    path = _lines(
        tmp_path / "x.json",
        [
            {"id": "fict-a", "schema": "Company", "collection_id": 7, "properties": {"name": ["A"]}},
            {"id": "fict-b", "schema": "Company", "properties": {"name": ["B"]}},
            {
                "id": "fict-o",
                "schema": "Ownership",
                "properties": {"owner": ["fict-a"], "asset": ["fict-b"], "percentage": ["most"]},
            },
        ],
    )
    writer = RecordingStore()
    report = _load([path], writer)
    assert report.notes["unknown top-level field (ignored): collection_id"] == 1
    assert report.notes["unreadable numbers (dropped): Ownership:percentage"] == 1
    assert Prop.PERCENTAGE not in writer.rels["fict-o"].props


# --- delta files ----------------------------------------------------------------------------------------------------


def test_delta_is_applied_in_order() -> None:
    writer = RecordingStore()
    _load([NETWORK], writer)
    writer.calls.clear()
    report = _load([DELTA], writer)
    assert report.deletes == 3 and report.nodes_deleted == 3
    assert "fict-pe-3" not in writer.nodes and "fict-pe-5" not in writer.nodes
    assert writer.nodes["fict-org-1"].props[Prop.NAME] == "Imaginary Procurement Bureau (renamed)"
    assert writer.nodes["fict-ext-1"].kind is NodeKind.COMPANY and "fict-ext-1" not in _stubs(writer)
    assert writer.nodes["fict-pe-2"].props[Prop.ALIASES] == ["P. Two"]
    assert {r.id for r in writer.rels.values() if "fict-pe-3" in (r.source, r.target)} == set()
    assert "fict-ul-2" not in writer.rels  # added then its subject deleted in the same file
    assert (writer.rels["fict-ass-2"].source, writer.rels["fict-ass-2"].target) == ("fict-pe-4", "fict-pe-2")
    # org-1's old edges went with the DEL; the re-added org-1 has none
    assert not {r.id for r in writer.rels.values() if "fict-org-1" in (r.source, r.target)}
    # what comes before a DEL is written before it, what comes after is written after it
    assert _steps(writer) == [
        ("schema", []),
        ("set", ["fict-pe-2"]),  # the MOD clears what the old version said first
        ("nodes:Person", ["fict-pe-2"]),
        ("delete", ["fict-pe-3"]),
        ("nodes:Person", ["fict-pe-4", "fict-pe-5"]),
        ("delete", ["fict-pe-5", "fict-org-1"]),
        ("nodes:Organization", ["fict-org-1"]),
        ("nodes:Company", ["fict-ext-1"]),
        ("delete-rels", ["fict-pe-3", "fict-org-1"]),  # ids unknown to this load might be edges of earlier ones
        ("rels:ASSOCIATE_OF", ["fict-ass-2"]),
    ]


def test_delta_operations_are_ordered_around_deletes(tmp_path: Path) -> None:
    path = _lines(
        tmp_path / "delta.json",
        [
            {"op": "ADD", "entity": {"id": "fict-a", "schema": "Person", "properties": {"name": ["A"]}}},
            {"op": "DEL", "entity": {"id": "fict-b"}},
            {"op": "DEL", "entity": {"id": "fict-a"}},
            {"op": "ADD", "entity": {"id": "fict-a", "schema": "Company", "properties": {"name": ["A Ltd"]}}},
            {"op": "DEL", "entity": {"id": "fict-c"}},
        ],
    )
    writer = RecordingStore()
    report = _load([path], writer)
    assert _steps(writer)[1:] == [
        ("nodes:Person", ["fict-a"]),
        ("delete", ["fict-b", "fict-a"]),
        ("nodes:Company", ["fict-a"]),
        ("delete", ["fict-c"]),
        ("delete-rels", ["fict-b", "fict-c"]),
    ]
    assert report.deletes == 3 and report.nodes_deleted == 1  # fict-b and fict-c were never in the graph
    assert writer.nodes["fict-a"].kind is NodeKind.COMPANY


def test_del_of_an_edge_or_a_sanction_in_the_same_load_drops_it(tmp_path: Path) -> None:
    path = _lines(
        tmp_path / "d.json",
        [
            {"id": "fict-a", "schema": "Person", "properties": {"name": ["A"]}},
            {"id": "fict-b", "schema": "Person", "properties": {"name": ["B"]}},
            {"id": "fict-l", "schema": "UnknownLink", "properties": {"subject": ["fict-a"], "object": ["fict-b"]}},
            {"id": "fict-s", "schema": "Sanction", "properties": {"entity": ["fict-z"], "program": ["P"]}},
            {"op": "DEL", "entity": {"id": "fict-l"}},
            {"op": "DEL", "entity": {"id": "fict-s"}},
        ],
    )
    writer = RecordingStore()
    report = _load([path], writer)
    assert writer.rels == {} and report.rejected == 0 and report.deletes == 0
    assert report.notes["DEL of edges in the same load (dropped before writing)"] == 1


# --- the pipeline's stubs and deletes (any source) ------------------------------------------------------------------


class _ScriptSource:
    name = "script"

    def __init__(self, script: list[tuple[str, Any]]) -> None:
        self.script = script

    def expected_counts(self) -> dict[str, int]:
        return {}

    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None:
        for op, arg in self.script:
            getattr(ctx, op)(arg)


def test_pipeline_drops_relationships_and_stubs_emitted_before_a_delete_of_their_end() -> None:
    person = NodeRecord("a", NodeKind.PERSON, {Prop.NAME: "A"})
    early = RelRecord("r1", RelType.LINKED_TO, "a", "x", {})
    late = RelRecord("r2", RelType.LINKED_TO, "a", "y", {})
    script: list[tuple[str, Any]] = [
        ("node", person),
        ("stub", "x"),
        ("rel", early),
        ("delete", "x"),
        ("stub", "y"),
        ("rel", late),
        ("stub", "a"),  # an emitted node needs no stub
    ]
    writer = RecordingStore()
    report = run_load(_ScriptSource(script), [], writer)
    assert ("stubs", ["y"]) in _steps(writer)
    assert set(writer.rels) == {"r2"}
    assert report.stubs == 1 and report.stubs_created == 1 and report.relationships == {"LINKED_TO": 1}
    dry = run_load(_ScriptSource(script), [], None)
    assert dry.stubs == 1 and dry.relationships == {"LINKED_TO": 1}


def test_pipeline_merges_a_node_emitted_twice_under_different_kinds() -> None:
    script: list[tuple[str, Any]] = [
        ("node", NodeRecord("a", NodeKind.LEGAL_ENTITY, {Prop.NAME: "A", Prop.ALIASES: ["x"]})),
        ("node", NodeRecord("a", NodeKind.PERSON, {Prop.NAME: "A", Prop.ALIASES: ["y"]})),
    ]
    writer = RecordingStore()
    report = run_load(_ScriptSource(script), [], writer)
    assert report.nodes == {"Person": 1}
    assert writer.nodes["a"].props[Prop.ALIASES] == ["x", "y"]


def test_sanction_and_passport_of_an_entity_loaded_earlier_are_applied_to_it(tmp_path: Path) -> None:
    writer = RecordingStore()
    _load([_lines(tmp_path / "a.json", [{"id": "fict-p", "schema": "Person", "properties": {"name": ["P"]}}])], writer)
    later = _lines(
        tmp_path / "b.json",
        [
            {"id": "fict-s", "schema": "Sanction", "properties": {"entity": ["fict-p"], "authority": ["A"]}},
            {"id": "fict-pp", "schema": "Passport", "properties": {"holder": ["fict-p"], "number": ["X1"]}},
            {"id": "fict-e", "schema": "UnknownLink", "properties": {"subject": ["fict-p"], "object": ["fict-q"]}},
            {"id": "fict-s2", "schema": "Sanction", "properties": {"entity": ["fict-e"], "authority": ["A"]}},
        ],
    )
    report = _load([later], writer, rejects_path=tmp_path / "rejects.csv")
    stored = writer.get_entity("fict-p")  # the stored node, the added values merged in
    props = stored.properties
    assert props[Prop.SANCTIONED] is True and "Passport: X1" in props[Prop.IDENTIFIERS]
    assert [json.loads(d)["authority"] for d in props[Prop.DESIGNATIONS]] == ["A"]
    assert props[Prop.NAME] == "P" and stored.kind is NodeKind.PERSON
    assert report.notes["values added to entities of earlier loads"] == 2
    # a Sanction naming an edge entity is still rejected: there is no node to add to
    assert [(r["line"], r["field"]) for r in _rejects(tmp_path / "rejects.csv")] == [("4", "entity")]


def test_mod_replaces_the_entitys_own_properties(tmp_path: Path) -> None:
    writer = RecordingStore()
    first = {"id": "fict-m", "schema": "Person", "properties": {"name": ["M"], "alias": ["Old"], "birthDate": ["1970"]}}
    _load([_lines(tmp_path / "a.json", [first])], writer)
    mod = {"id": "fict-m", "schema": "Person", "properties": {"name": ["M2"], "alias": ["New"]}}
    _load([_lines(tmp_path / "b.json", [{"op": "MOD", "entity": mod}])], writer)
    props = writer.nodes["fict-m"].props
    assert props[Prop.NAME] == "M2" and props[Prop.ALIASES] == ["New"] and Prop.BIRTH_DATE not in props
    assert ("set", ["fict-m"]) in _steps(writer)
