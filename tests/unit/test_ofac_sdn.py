"""The OFAC SDN classic CSV loader, without a database: dry runs and a recording writer.

The counts asserted on the real 2024-05-03 DPRK extract were established independently of the loader (csv module
and grep over the file): 749 rows = 340 individual + 284 entity + 106 vessel + 19 aircraft; 298 "Digital Currency
Address" items, 10 of them cut off at the 1000-character Remarks limit (the extract has no sdn_comments.csv), leaving
288 whole mentions of 280 distinct addresses in 281 (holder, address) pairs; 332 "Linked To" items, 305 naming an
SDN_Name exactly and 8 more once the remarks' final period is ignored ("… CO. LTD" vs "… CO. LTD."): 313 links,
19 names not in the extract; 17 records fill the Remarks field, 16 of them cut inside an item (one right after a
``;``).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from graph.errors import SourceFormatError
from graph.ids import wallet_id
from graph.model import Designation, NodeRecord
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.common.chains import chain_for
from loaders.framework import LoadReport, run_load
from loaders.sources.ofac_sdn import (
    OfacSdnSource,
    decode,
    entity_kind,
    looks_like_identifier,
    name_key,
    parse_date,
    parse_remarks,
    split_programs,
    split_remarks,
)
from sanctions_graph import demo
from tests.doubles import RecordingStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ofac"
#: The real extract as shipped with the demo data (a byte-identical copy of shared/data/ofac-sdn-2024-05-03-dprk).
REAL_EXTRACT = demo.ofac_dir() / "sdn.csv"
NULL = "-0- "


def _load(paths: list[Path], tmp_path: Path) -> tuple[LoadReport, RecordingStore]:
    writer = RecordingStore()
    report = run_load(OfacSdnSource(), paths, writer, rejects_path=tmp_path / "rejects.csv")
    assert not writer.writes("ensure_stubs"), "the OFAC loader makes no stubs"
    assert not writer.writes("delete_nodes"), "the OFAC loader deletes nothing"
    assert not writer.writes("set_node_properties"), "the OFAC loader writes no analysis results"
    return report, writer


def _row(*fields: str) -> str:
    return ",".join(fields)


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _sdn_line(ent_num: str, name: str, sdn_type: str = NULL, remarks: str = NULL) -> str:
    kind = sdn_type if sdn_type == NULL else _q(sdn_type)
    rem = remarks if remarks == NULL else _q(remarks)
    return _row(ent_num, _q(name), kind, _q("DPRK"), NULL, NULL, NULL, NULL, NULL, NULL, NULL, rem)


def _write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n\x1a").encode(encoding))
    return path


# --- pure helpers ----------------------------------------------------------------------------------------------


def test_split_programs() -> None:
    assert split_programs("DPRK3] [DPRK4") == ["DPRK3", "DPRK4"]
    assert split_programs("CYBER2") == ["CYBER2"]
    assert split_programs("[SDGT] [SDGT]") == ["SDGT"]
    assert split_programs(NULL) == []


def test_split_remarks_respects_alias_quotes_and_apostrophes() -> None:
    text = "a.k.a. 'A; B'; Workers' Party official; f.k.a. 'KIM'S SHOP'; DOB 1960."
    assert split_remarks(text) == ["a.k.a. 'A; B'", "Workers' Party official", "f.k.a. 'KIM'S SHOP'", "DOB 1960."]
    # an unclosed quote does not swallow the following items
    assert split_remarks("a.k.a. 'BROKEN; Gender Male; a.k.a. 'OK'.") == [
        "a.k.a. 'BROKEN",
        "Gender Male",
        "a.k.a. 'OK'.",
    ]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("25 Apr 1965", "1965-04-25"),
        ("Apr 1965", "1965-04"),
        ("1965", "1965"),
        ("circa 1970", None),
        ("1961 to 1963", None),
        ("01 Jan 1961 to 31 Dec 1963", None),
        ("31 Feb 1965", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    parsed = parse_date(text)
    assert parsed.text == text
    assert parsed.iso == iso
    assert parsed.value == (iso or text)


def test_parse_remarks_items() -> None:
    r = parse_remarks(
        "DOB 25 Apr 1965; alt. DOB circa 1963; POB North Pyongan Province, North Korea; nationality Korea, North; "
        "citizen Russia; Gender Male; a.k.a. 'KIM S.M.'; f.k.a. 'OLD; NAME'; n.k.a. NEW NAME; "
        "Passport 109420132 (Korea, North) issued 16 Oct 2019 expires 16 Oct 2024; alt. Passport 827220538; "
        "National ID No. 210602196905220510 (China); Email Address a@b.kp; Website http://www.Example.ru/; "
        "Phone Number 8613621583465; Identification Number IMO 5342883; "
        "Digital Currency Address - XBT 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ; "
        "alt. Digital Currency Address - TRX TFdBz8n9kzRaKWm16x5NHZKQfePgKVcSR1; "
        "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210; "
        "KOMID Representative in Iran; Linked To: KOREA MINING DEVELOPMENT TRADING CORPORATION."
    )
    assert [d.value for d in r.birth_dates] == ["1965-04-25", "circa 1963"]
    assert r.birth_places == ["North Pyongan Province, North Korea"]
    assert r.countries == ["Korea, North", "Russia"]
    assert r.gender == "Male"
    assert r.aliases == ["KIM S.M.", "OLD; NAME", "NEW NAME"]
    texts = [i.text for i in r.identifiers]
    assert texts == [
        "Passport: 109420132 (Korea, North) issued 16 Oct 2019 expires 16 Oct 2024",
        "Passport: 827220538",
        "National ID No.: 210602196905220510 (China)",
        "Email: a@b.kp",
        "Website: http://www.Example.ru/",
        "Phone: 8613621583465",
        "IMO: 5342883",
        "Digital Currency Address - XBT: 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ",
        "Digital Currency Address - TRX: TFdBz8n9kzRaKWm16x5NHZKQfePgKVcSR1",
    ]
    values = [v for i in r.identifiers for v in i.values]
    assert "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ" not in values  # a wallet's own key, not its holder's
    assert "109420132" in values and "210602196905220510" in values and "example.ru" in values
    assert "5342883" in values and "IMO 5342883" in values
    assert r.identifiers[0].country == "Korea, North"
    assert r.imo == ["5342883"]
    assert [(w.ticker, w.address) for w in r.wallets] == [
        ("XBT", "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ"),
        ("TRX", "TFdBz8n9kzRaKWm16x5NHZKQfePgKVcSR1"),
    ]
    assert r.linked_to == ["KOREA MINING DEVELOPMENT TRADING CORPORATION"]
    assert r.unrecognised == []  # no identifier-like item is left unmapped
    assert r.free_text == ["KOMID Representative in Iran"]  # a position: free text, kept in notes
    assert r.truncated is None


def test_parse_remarks_keeps_a_cut_last_item_aside() -> None:
    r = parse_remarks(
        "Digital Currency Address - XBT 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ; alt. Digital Currency Address - XBT 1Gq"
    )
    assert [w.address for w in r.wallets] == ["1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ"]
    assert r.truncated == "alt. Digital Currency Address - XBT 1Gq"
    # cut right after a separator: every item is whole
    assert parse_remarks("Gender Male; Passport 1;").truncated is None
    # a period followed by the cut's space is not an end
    assert parse_remarks("Gender Male; Transactions Prohibited By U.S. ").truncated is not None
    # the caller knows the field is full and nothing continues it
    assert parse_remarks("Gender Male; Passport 12.", maybe_cut=True).truncated == "Passport 12."


@pytest.mark.parametrize(
    ("ticker", "address", "chain"),
    [
        ("XBT", "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ", "bitcoin"),
        ("XBT", "bc1qsxf77cvwcd6jv6j8d8j3uhh4g0xqw4me", "bitcoin"),
        ("ETH", "0x97b1043abd9e6fc31681635166d430a458d14f9c", "evm"),
        ("USDT", "0x97b1043abd9e6fc31681635166d430a458d14f9c", "evm"),
        ("USDC", "0x97b1043abd9e6fc31681635166d430a458d14f9c", "evm"),
        ("ARB", "0x97b1043abd9e6fc31681635166d430a458d14f9c", "evm"),
        ("BSC", "0x97b1043abd9e6fc31681635166d430a458d14f9c", "evm"),
        ("USDT", "TFdBz8n9kzRaKWm16x5NHZKQfePgKVcSR1", "tron"),
        ("TRX", "TFdBz8n9kzRaKWm16x5NHZKQfePgKVcSR1", "tron"),
        ("USDT", "3E6ZCKRrsdPc35chA9Eftp1h3DLW18NFNV", "bitcoin"),
        ("XMR", "49HKpsCJUwYyTWbNgqwLvT1qVsLF8X9zHzPXZTpkknL8", "monero"),
        ("LTC", "LNwgtMxcKUQ51dw7bQL1yPQjBVZh6QEqsd", "litecoin"),
        ("XBT", "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq", "tron"),  # OFAC lists this Tron address under XBT
        ("FOO", "abc", None),
    ],
)
def test_chain_for(ticker: str, address: str, chain: str | None) -> None:
    assert chain_for(ticker, address) == chain


def test_entity_kind_rules() -> None:
    assert entity_kind("OFFICE 39", parse_remarks(None)) is NodeKind.ORGANIZATION
    assert entity_kind("DANDONG TRADE CO., LTD.", parse_remarks(None)) is NodeKind.COMPANY
    assert entity_kind("INTELLEXA S.A.", parse_remarks(None)) is NodeKind.COMPANY
    assert entity_kind("X", parse_remarks("Organization Type: Computer programming activities.")) is NodeKind.COMPANY
    org_type = "Organization Type: Public order and safety activities."
    assert entity_kind("X", parse_remarks(org_type)) is NodeKind.ORGANIZATION
    assert entity_kind("X", parse_remarks("Registration ID 1127746601817 (Russia).")) is NodeKind.COMPANY
    gov = parse_remarks("Target Type Government Entity.")
    assert entity_kind("KOREA PAEKHO TRADING CORPORATION", gov) is NodeKind.ORGANIZATION


def test_name_key() -> None:
    assert name_key("KOREAN BUYON SHIPPING CO. LTD") == name_key("Korean  Buyon Shipping Co. Ltd.")


def test_decode_falls_back_to_cp1252_then_latin1() -> None:
    assert decode("Seán".encode()) == ("Seán", "utf-8")
    assert decode("\ufeffSeán".encode()) == ("Seán", "utf-8-sig")
    assert decode("O\u2019BRIEN".encode("cp1252")) == ("O\u2019BRIEN", "cp1252")
    assert decode(b"A\x81B") == ("A\x81B", "latin-1")  # 0x81 is undefined in cp1252


# --- the fixture directory -------------------------------------------------------------------------------------


def test_fixture_files_keep_crlf_and_eof_byte() -> None:
    for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
        data = (FIXTURES / name).read_bytes()
        assert data.endswith(b"\r\n\x1a"), name
        assert b"\n" not in data.replace(b"\r\n", b""), name


@pytest.fixture(scope="module")
def fixture_load(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadReport, RecordingStore, Path]:
    tmp = tmp_path_factory.mktemp("ofac-fixture")
    report, writer = _load([FIXTURES], tmp)
    return report, writer, tmp / "rejects.csv"


def test_fixture_counts(fixture_load: tuple[LoadReport, RecordingStore, Path]) -> None:
    report, _, _ = fixture_load
    assert report.records_read == 8  # 5 valid sdn.csv rows + 3 malformed ones
    assert dict(report.nodes) == {
        "Person": 1,
        "Company": 1,
        "Organization": 1,
        "Vessel": 1,
        "Aircraft": 1,
        "Wallet": 2,
        "Address": 1,
    }
    assert dict(report.relationships) == {"HOLDS": 2, "LINKED_TO": 3, "LOCATED_AT": 1}
    assert report.notes["linked-to names not in the list"] == 1
    assert report.notes["address rows with only a country (added to the record's countries)"] == 1
    assert report.notes["address rows with no content (skipped)"] == 1
    assert any("NOBODY IN THIS LIST" in w for w in report.warnings)


def test_fixture_rejects_name_file_line_field_and_reason(fixture_load: tuple[LoadReport, RecordingStore, Path]) -> None:
    report, _, rejects_path = fixture_load
    with rejects_path.open(newline="", encoding="utf-8") as handle:
        rows = [(Path(r["file"]).name, r["line"], r["field"], r["reason"]) for r in csv.DictReader(handle)]
    assert rows == [
        ("sdn.csv", "6", "", "wrong column count: expected 12, got 11"),
        ("sdn.csv", "7", "ent_num", "ent_num not numeric: 'X10007'"),
        ("sdn.csv", "8", "SDN_Type", "unknown SDN_Type: 'ship'"),
        ("alt.csv", "4", "alt_type", "unknown alt_type: 'xyz'"),
        ("add.csv", "4", "ent_num", "unknown ent_num: 99999 is not in sdn.csv"),
    ]
    assert report.rejected == 5
    assert report.rejects_file == str(rejects_path)


def test_fixture_person_with_continuation_cut_mid_word(fixture_load: tuple[LoadReport, RecordingStore, Path]) -> None:
    _, writer, _ = fixture_load
    person = writer.nodes["ofac-10001"]
    p = person.props
    assert person.kind is NodeKind.PERSON
    assert p[Prop.NAME] == "DOE, John"
    # "Email Addr" + "ess john.doe@…": joined without a space, so the item parses
    assert "Email: john.doe@example.kp" in p[Prop.IDENTIFIERS]
    assert p[Prop.NOTES].endswith("Email Address john.doe@example.kp; Linked To: EXAMPLE TRADING CO., LTD.")
    assert p[Prop.ALIASES] == ["JOHNNY D", "DOE, Johnny"]  # remarks a.k.a., then alt.csv aka
    assert p[Prop.BIRTH_DATE] == "1970-02-01; circa 1968"
    assert p[Prop.BIRTH_PLACE] == "Pyongyang, North Korea"
    assert p[Prop.GENDER] == "Male"
    assert p[Prop.TITLE] == "Trade representative"
    assert p[Prop.COUNTRIES] == ["Korea, North"]
    assert p[Prop.PROGRAMS] == ["DPRK3", "CYBER2"]
    # the wallet address is the lookup key of the wallet node, not of its holder
    assert p[Prop.LOOKUP_KEYS] == ["123456789", "john.doe@example.kp"]
    wallet = writer.nodes[wallet_id("1BoatSLRHtKNngkdXEeobR76b53LETtpyT")]
    assert wallet.props[Prop.LOOKUP_KEYS] == ["1BoatSLRHtKNngkdXEeobR76b53LETtpyT"]
    link = writer.of_type(RelType.LINKED_TO)
    assert ("ofac-10001", "ofac-10002") in {(r.source, r.target) for r in link}


def test_fixture_company_wallet_and_aliases(fixture_load: tuple[LoadReport, RecordingStore, Path]) -> None:
    _, writer, _ = fixture_load
    company = writer.nodes["ofac-10002"]
    assert company.kind is NodeKind.COMPANY
    # quoted f.k.a. with a semicolon; alt.csv fka; the alt.csv aka equal to the name is not an alias
    assert company.props[Prop.ALIASES] == ["OLD NAME; WITH SEMICOLON", "EXAMPLE OLD TRADING COMPANY"]
    assert company.props[Prop.COUNTRIES] == ["China"]  # from an add.csv row with only a country
    assert "Registration Number: 5566778899 (China)" in company.props[Prop.IDENTIFIERS]
    assert {"5566778899", "www.example-trading.cn", "example-trading.cn"} <= set(company.props[Prop.LOOKUP_KEYS])
    # ETH (mixed case) and USDT (lower case): one wallet, both currencies
    wallet = writer.nodes[wallet_id("0xabcdef0123456789abcdef0123456789abcdef01")]
    assert wallet.props[Prop.CURRENCIES] == ["ETH", "USDT"]
    assert wallet.props[Prop.CHAIN] == "evm"
    assert wallet.props[Prop.NAME] == "0xabcdef0123456789abcdef0123456789abcdef01"
    assert wallet.props[Prop.SANCTIONED] is False
    holds = {(r.source, r.target) for r in writer.of_type(RelType.HOLDS)}
    assert ("ofac-10002", wallet.id) in holds


def test_fixture_vessel_aircraft_org_and_address(fixture_load: tuple[LoadReport, RecordingStore, Path]) -> None:
    _, writer, _ = fixture_load
    vessel = writer.nodes["ofac-10003"].props
    assert writer.nodes["ofac-10003"].kind is NodeKind.VESSEL
    assert vessel[Prop.IMO] == "9123456"
    assert vessel[Prop.CALL_SIGN] == "ABCD1"
    assert vessel[Prop.VESSEL_TYPE] == "General Cargo"
    assert vessel[Prop.TONNAGE] == 10030
    assert vessel[Prop.FLAG] == "Panama"
    assert vessel[Prop.IDENTIFIERS] == ["IMO: 9123456", "MMSI: 355000000", "Call Sign: ABCD1"]
    assert {"9123456", "IMO 9123456"} <= set(vessel[Prop.LOOKUP_KEYS])
    assert "GRT: 5,500" in vessel[Prop.NOTES] and "Vessel owner: Sea Holdings Ltd" in vessel[Prop.NOTES]
    assert writer.nodes["ofac-10004"].kind is NodeKind.AIRCRAFT
    assert writer.nodes["ofac-10004"].props[Prop.IDENTIFIERS] == ["Aircraft Serial Identification: 1003403109"]
    assert writer.nodes["ofac-10005"].kind is NodeKind.ORGANIZATION
    address = writer.nodes["ofac-addr-10001-1"]
    assert address.kind is NodeKind.ADDRESS
    assert address.props[Prop.NAME] == "12 Example Street, Pyongyang, Korea, North"
    assert address.props[Prop.CITY] == "Pyongyang"
    assert address.props[Prop.COUNTRIES] == ["Korea, North"]
    located = writer.of_type(RelType.LOCATED_AT)
    assert [(r.source, r.target) for r in located] == [("ofac-10001", "ofac-addr-10001-1")]
    linked = {(r.source, r.target) for r in writer.of_type(RelType.LINKED_TO)}
    assert linked == {("ofac-10001", "ofac-10002"), ("ofac-10003", "ofac-10002"), ("ofac-10004", "ofac-10001")}
    assert all(r.props[Prop.ROLE] == "Linked To" for r in writer.of_type(RelType.LINKED_TO))


def test_fixture_designation_and_provenance(fixture_load: tuple[LoadReport, RecordingStore, Path]) -> None:
    _, writer, _ = fixture_load
    p = writer.nodes["ofac-10003"].props
    assert p[Prop.SANCTIONED] is True
    assert p[Prop.DATASETS] == ["us_ofac_sdn"]
    assert p[Prop.SOURCE_IDS] == ["us_ofac_sdn:10003"]
    (designation,) = [Designation.from_json(d) for d in p[Prop.DESIGNATIONS]]
    assert designation == Designation(
        authority="US OFAC",
        programs=("DPRK4",),
        record_id="10003",
        source_url="https://sanctionssearch.ofac.treas.gov/Details.aspx?id=10003",
    )
    assert Prop.SEARCH_NAMES not in p


def test_dry_run_of_the_fixture_matches(tmp_path: Path) -> None:
    report = run_load(OfacSdnSource(), [FIXTURES / "sdn.csv"], None, rejects_path=tmp_path / "rejects.csv")
    assert report.dry_run and report.records_read == 8 and report.rejected == 3
    assert sum(report.nodes.values()) == 7  # 5 records + 2 wallets, no add.csv given


def test_file_names_are_case_insensitive_and_cp1252_is_read(tmp_path: Path) -> None:
    report, writer = _load([FIXTURES / "cp1252" / "SDN.CSV"], tmp_path)
    assert writer.nodes["ofac-20001"].props[Prop.NAME] == "O\u2019BRIEN, Seán"  # 0x92 in cp1252
    assert writer.nodes["ofac-20002"].props[Prop.NAME] == "CAFÉ EXPORT SOCIÉTÉ"
    assert any("read as cp1252" in w and "SDN.CSV" in w for w in report.warnings)


# --- structural errors and edge cases ---------------------------------------------------------------------------


def test_header_row_is_a_source_format_error(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "sdn.csv",
        [
            "ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,Tonnage,GRT,Vess_flag,Vess_owner,Remarks",
            _sdn_line("1", "A"),
        ],
    )
    with pytest.raises(SourceFormatError) as err:
        run_load(OfacSdnSource(), [path], None)
    assert err.value.path == str(path) and err.value.line == 1 and err.value.field == "ent_num"
    assert str(path) in str(err.value) and "header" in str(err.value)


def test_mostly_malformed_file_is_a_source_format_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "sdn.csv", [_sdn_line("1", "A"), "2,x,y", "3,x,y", "4,x,y"])
    rejects = tmp_path / "rejects.csv"
    with pytest.raises(SourceFormatError) as err:
        run_load(OfacSdnSource(), [path], None, rejects_path=rejects)
    assert err.value.line == 2 and "3 of 4 rows are malformed" in str(err.value)
    assert not rejects.exists()  # nothing is emitted from a file that is not in the format


def test_malformed_add_file_is_a_source_format_error(tmp_path: Path) -> None:
    _write(tmp_path / "sdn.csv", [_sdn_line("1", "A")])
    _write(tmp_path / "add.csv", ["1,2,3"])
    with pytest.raises(SourceFormatError, match=r"add\.csv, line 1: 1 of 1 rows are malformed"):
        run_load(OfacSdnSource(), [tmp_path], None)


def test_missing_sdn_file_and_unknown_file_names(tmp_path: Path) -> None:
    _write(tmp_path / "alt.csv", [])
    with pytest.raises(SourceFormatError, match=r"no sdn\.csv found"):
        run_load(OfacSdnSource(), [tmp_path], None)
    other = _write(tmp_path / "names.csv", [_sdn_line("1", "A")])
    with pytest.raises(SourceFormatError, match="not an OFAC SDN file name"):
        run_load(OfacSdnSource(), [other], None)


def test_empty_name_and_duplicate_ent_num_are_rejected(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "sdn.csv",
        [
            _sdn_line("1", "A"),
            _sdn_line("2", "B"),
            _sdn_line("3", "C"),
            _row(*["4", NULL] + [NULL] * 10),
            _sdn_line("1", "D"),
        ],
    )
    report = run_load(OfacSdnSource(), [path], None, rejects_path=tmp_path / "rejects.csv")
    assert report.records_read == 5 and report.rejected == 2
    assert dict(report.rejected_reasons) == {"empty name": 1, "duplicate ent_num": 1}
    text = (tmp_path / "rejects.csv").read_text(encoding="utf-8")
    assert "SDN_Name,empty name" in text and "duplicate ent_num: 1 first on line 1" in text


def test_cut_remarks_without_continuation_make_no_partial_wallet(tmp_path: Path) -> None:
    head = "Digital Currency Address - XBT 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ; alt. Digital Currency Address - XBT "
    path = _write(tmp_path / "sdn.csv", [_sdn_line("1", "A", "individual", head + "1Gq")])
    report, writer = _load([path], tmp_path)
    assert [n.id for n in writer.of_kind(NodeKind.WALLET)] == [wallet_id("1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ")]
    assert report.notes["remarks cut off without continuation (last item not parsed)"] == 1
    # with the continuation the second address is whole
    _write(tmp_path / "sdn_comments.csv", [_row("1", _q("FCNgfZWpYMeYhy9t18AAkTBu8AsdoAc1Z."))])
    report, writer = _load([tmp_path], tmp_path)
    assert len(writer.of_kind(NodeKind.WALLET)) == 2
    # appended all the same, but flagged: real OFAC only continues remarks that fill the 1000-character field
    assert dict(report.notes) == {"continuations of remarks that do not fill the field": 1}


def test_shared_wallet_and_self_and_ambiguous_links(tmp_path: Path) -> None:
    address = "Digital Currency Address - XBT 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ"
    path = _write(
        tmp_path / "sdn.csv",
        [
            _sdn_line("1", "KIM, Il", "individual", f"{address}; Linked To: KIM, Il; Linked To: TWIN."),
            _sdn_line("2", "TWIN", remarks=f"{address}."),
            _sdn_line("3", "Twin."),
        ],
    )
    report, writer = _load([path], tmp_path)
    holders = sorted(r.source for r in writer.of_type(RelType.HOLDS))
    assert holders == ["ofac-1", "ofac-2"] and len(writer.of_kind(NodeKind.WALLET)) == 1
    links = sorted((r.source, r.target) for r in writer.of_type(RelType.LINKED_TO))
    assert links == [("ofac-1", "ofac-2"), ("ofac-1", "ofac-3")]  # "TWIN" names two records: linked to each
    assert report.notes["linked-to names naming the record itself (not linked)"] == 1
    assert "linked-to names not in the list" not in report.notes
    assert report.notes["linked-to names matching several records (linked to each)"] == 1


def _assert_sdn_types(report: LoadReport, read: int, people: int, vessels: int, aircraft: int, orgs: int) -> None:
    """Every record read and none rejected; the nodes by SDN_Type (entities: Company or Organization)."""
    assert report.records_read == read and report.rejected == 0
    assert report.nodes["Person"] == people
    assert report.nodes["Vessel"] == vessels
    assert report.nodes["Aircraft"] == aircraft
    assert report.nodes["Company"] + report.nodes["Organization"] == orgs


# --- the real extract -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadReport, RecordingStore]:
    return _load([REAL_EXTRACT], tmp_path_factory.mktemp("ofac-real"))


def test_real_extract_counts(real: tuple[LoadReport, RecordingStore]) -> None:
    report, writer = real
    _assert_sdn_types(report, read=749, people=340, vessels=106, aircraft=19, orgs=284)
    assert report.nodes["Wallet"] == 280
    assert report.relationships["HOLDS"] == 281
    assert report.relationships["LINKED_TO"] == 313
    assert report.notes["linked-to names not in the list"] == 19
    assert report.notes["remarks cut off without continuation (last item not parsed)"] == 16
    assert report.notes["wallet addresses whose shape contradicts the ticker"] == 1
    assert set(report.nodes) == {"Person", "Vessel", "Aircraft", "Company", "Organization", "Wallet"}
    assert len(writer.nodes) == 749 + 280


def test_real_extract_record_43377(real: tuple[LoadReport, RecordingStore]) -> None:
    _, writer = real
    kim = writer.nodes["ofac-43377"]
    p = kim.props
    assert kim.kind is NodeKind.PERSON
    assert p[Prop.NAME] == "KIM, Sang Man"
    assert p[Prop.BIRTH_DATE] == "1965-04-25"
    assert p[Prop.BIRTH_PLACE] == "North Pyongan Province, North Korea"
    assert p[Prop.COUNTRIES] == ["Korea, North"]
    assert p[Prop.GENDER] == "Male"
    assert p[Prop.PROGRAMS] == ["DPRK4"]
    assert p[Prop.SANCTIONED] is True
    assert [json.loads(d)["record_id"] for d in p[Prop.DESIGNATIONS]] == ["43377"]
    passports = [i for i in p[Prop.IDENTIFIERS] if i.startswith("Passport: ")]
    assert passports == [
        "Passport: 109420132 (Korea, North) issued 16 Oct 2019 expires 16 Oct 2024",
        "Passport: 827220538 (Korea, North)",
        "Passport: 563220082 (Korea, North)",
    ]
    assert p[Prop.LOOKUP_KEYS] == ["109420132", "827220538", "563220082"]
    held = {r.target for r in writer.of_type(RelType.HOLDS) if r.source == "ofac-43377"}
    assert held == {
        wallet_id("1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ"),
        wallet_id("1FCNgfZWpYMeYhy9t18AAkTBu8AsdoAc1Z"),
        wallet_id("0x97b1043abd9e6fc31681635166d430a458d14f9c"),
        wallet_id("0xb6f5ec1a0a9cd1526536d3f0426c429529471f40"),
    }
    multi = writer.nodes[wallet_id("0xb6f5ec1a0a9cd1526536d3f0426c429529471f40")].props
    assert multi[Prop.CURRENCIES] == ["ETH", "USDT", "USDC"] and multi[Prop.CHAIN] == "evm"
    assert writer.nodes[wallet_id("1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ")].props[Prop.CHAIN] == "bitcoin"


def test_real_extract_oddities(real: tuple[LoadReport, RecordingStore]) -> None:
    _, writer = real
    # one address held by two people
    shared = wallet_id("1H939dom7i4WDLCKyGbXUp3fs9CSTNRzgL")
    assert sorted(r.source for r in writer.of_type(RelType.HOLDS) if r.target == shared) == ["ofac-38419", "ofac-38420"]
    # the remarks of 30518 end in "… - XBT 1Gq" (cut): no wallet is made of the fragment
    assert wallet_id("1Gq") not in writer.nodes
    # a Tron address listed under XBT
    assert writer.nodes[wallet_id("TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq")].props[Prop.CHAIN] == "tron"
    # "Linked To: KOREAN BUYON SHIPPING CO. LTD." - the final period belongs to the name
    buyon = [r for r in writer.of_type(RelType.LINKED_TO) if r.source == "ofac-19590"]
    assert [writer.nodes[r.target].props[Prop.NAME] for r in buyon] == ["KOREAN BUYON SHIPPING CO. LTD."]
    # OFAC's own "Target Type Government Entity" wins over the name
    assert writer.nodes["ofac-39499"].kind is NodeKind.ORGANIZATION
    assert writer.nodes["ofac-9345"].kind is NodeKind.COMPANY
    assert writer.nodes["ofac-12210"].kind is NodeKind.ORGANIZATION
    vessel = writer.nodes["ofac-17069"].props
    assert vessel[Prop.IMO] == "7937317" and vessel[Prop.FLAG] == "Democratic People's Republic of Korea"


def test_expected_counts() -> None:
    assert OfacSdnSource().expected_counts() == {"records": 1}
    assert OfacSdnSource.name == "ofac-sdn" and OfacSdnSource.dataset == "us_ofac_sdn"


# --- the full-list slice (tests/fixtures/ofac-full-slice, see its SOURCE.md) -------------------------------------
# Counts established with the csv module over the fixture files, not with the loader: 346 sdn.csv rows = 194
# entities + 123 individuals + 17 vessels + 12 aircraft; 796 add.csv, 663 alt.csv and 16 sdn_comments.csv rows.

FULL_SLICE = Path(__file__).resolve().parents[1] / "fixtures" / "ofac-full-slice"


@pytest.fixture(scope="module")
def full_slice(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadReport, RecordingStore]:
    return _load([FULL_SLICE], tmp_path_factory.mktemp("ofac-full-slice"))


def _labels(node: NodeRecord) -> set[str]:
    return {text.split(": ", 1)[0] for text in node.props.get(Prop.IDENTIFIERS, [])}


def test_full_slice_files_are_published_bytes() -> None:
    for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
        data = (FULL_SLICE / name).read_bytes()
        assert data.endswith(b"\r\n\x1a") and b"\n" not in data.replace(b"\r\n", b"")
    assert sum(p.stat().st_size for p in FULL_SLICE.iterdir()) < 300_000


def test_full_slice_counts(full_slice: tuple[LoadReport, RecordingStore]) -> None:
    report, _ = full_slice
    _assert_sdn_types(report, read=346, people=123, vessels=17, aircraft=12, orgs=194)
    assert report.notes["remark items not recognised (kept in notes only)"] == 3
    assert report.notes["free-text remark items (positions, relations, …; kept in notes)"] == 30
    assert report.notes["remarks cut off without continuation (last item not parsed)"] == 1  # 39796 only
    assert "continuations of remarks that do not fill the field" not in report.notes
    # every address row with an address or city became an Address node with its LOCATED_AT
    assert report.nodes["Address"] == report.relationships["LOCATED_AT"] == 796 - 65 - 54


def test_full_slice_maps_every_identifier_kind(full_slice: tuple[LoadReport, RecordingStore]) -> None:
    _, writer = full_slice
    labels: set[str] = set()
    for node in writer.nodes.values():
        labels |= _labels(node)
    # identifier kinds of the full list that the DPRK extract does not show, among them the ones added for it
    assert {
        "Economic Register Number (CBLS)",
        "Central Registration System Number",
        "C.I.N.",
        "Company ID",
        "File Number",
        "Organization Code",
        "Permit Number",
        "Trademark number",
        "N.I.F.",
        "Military Registration Number",
        "Registration Certificate Number (Dubai)",
        "Russian State Individual Business Registration Number Pattern (OGRNIP)",
        "Tourism License No.",
        "Temporary suspension of deportation No.",
        "Cedula No.",
        "C.U.R.P.",
        "Aircraft Tail Number",
        "Aircraft Manufacturer's Serial Number (MSN)",
        "MMSI",
        "Vessel Registration Identification",
        "Other Vessel Call Sign",
        "Digital Currency Address - XRP",
        "Digital Currency Address - XVG",
    } <= labels
    assert len(labels) == 142


def test_full_slice_continuation_joins_mid_word(full_slice: tuple[LoadReport, RecordingStore]) -> None:
    _, writer = full_slice
    tian = writer.nodes["ofac-28263"]  # sdn.csv ends "a.k.a. 'snowsjo", sdn_comments.csv goes on "hn'; Linked To: …"
    assert tian.kind is NodeKind.PERSON
    assert tian.props[Prop.ALIASES] == ["tianyinyin0404", "snowsjohn"]
    assert "Identification Number: 321284198607120616 (China)" in tian.props[Prop.IDENTIFIERS]
    linked = [(r.source, r.target) for r in writer.rels.values() if r.type is RelType.LINKED_TO]
    assert ("ofac-28263", "ofac-27307") in linked  # LAZARUS GROUP, named only in the continuation
    sum_cut = writer.nodes["ofac-45430"]  # cut inside "510.2" + "10; Transactions Prohibited …"
    assert "510.210; Transactions" in sum_cut.props[Prop.NOTES]


def test_full_slice_vessels_and_aircraft(full_slice: tuple[LoadReport, RecordingStore]) -> None:
    _, writer = full_slice
    ebano = writer.nodes["ofac-4243"].props
    assert ebano[Prop.IMO] == "7406784" and ebano[Prop.VESSEL_TYPE] == "General Cargo"
    assert ebano[Prop.TONNAGE] == 2595 and ebano[Prop.FLAG] == "Panama"
    assert ebano[Prop.ALIASES] == ["ANA I", "SAND SWAN"]  # f.k.a. in the remarks
    assert "GRT: 1865" in ebano[Prop.NOTES]
    dino = writer.nodes["ofac-15904"].props
    assert dino[Prop.CALL_SIGN] == "5IM411" and "Call Sign: 5IM411" in dino[Prop.IDENTIFIERS]
    assert "Vessel owner: NITC" in dino[Prop.NOTES]
    assert "INFINITY" in dino[Prop.ALIASES]  # alt.csv fka
    tug = writer.nodes["ofac-4238"].props  # Tonnage -0-, GRT 212
    assert Prop.TONNAGE not in tug and "GRT: 212" in tug[Prop.NOTES]
    plane = writer.nodes["ofac-15431"]
    assert plane.kind is NodeKind.AIRCRAFT
    assert "Aircraft Construction Number (also called L/N or S/N or F/N): 8401" in plane.props[Prop.IDENTIFIERS]


def test_full_slice_unlabelled_and_new_identifiers(full_slice: tuple[LoadReport, RecordingStore]) -> None:
    _, writer = full_slice
    manar = writer.nodes["ofac-9609"].props  # "info@manartv.com; www.manartv.com; www.almanar.com.lb."
    assert manar[Prop.IDENTIFIERS] == [
        "Email: info@manartv.com",
        "Website: www.manartv.com",
        "Website: www.almanar.com.lb",
    ]
    assert "almanar.com.lb" in manar[Prop.LOOKUP_KEYS]
    nasco = writer.nodes["ofac-24899"].props  # "International Maritime Organization No. (5777731)"
    assert nasco[Prop.IMO] == "5777731" and "IMO 5777731" in nasco[Prop.LOOKUP_KEYS]
    edgar = writer.nodes["ofac-37926"]
    assert edgar.kind is NodeKind.COMPANY
    assert "Economic Register Number (CBLS): 11582964 (United Arab Emirates)" in edgar.props[Prop.IDENTIFIERS]
    assert "11582964" in edgar.props[Prop.LOOKUP_KEYS]


def test_looks_like_identifier() -> None:
    assert looks_like_identifier("M0018061/104,issued 12 September 1993")
    assert looks_like_identifier("see http://www.example.org")
    assert not looks_like_identifier("Member of the Upper House of Parliament")
    assert not looks_like_identifier("Officer, Rwandan Patriotic Front (RPF), 1992-1998")
    assert not looks_like_identifier("Commander of the 555th Regiment")
    assert not looks_like_identifier("named in UNSCR 1483")
