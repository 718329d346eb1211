"""The plain CSV loader without a database: mapping validation, values, and bad files (tests/fixtures/csv)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from graph.errors import SourceFormatError
from graph.ids import rel_id, wallet_id
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.common.values import parse_date, parse_number, parse_timestamp
from loaders.framework import LoadReport, run_load
from loaders.sources.plain_csv import MappingError, PlainCsvSource, load_mapping, parse_template
from sanctions_graph.cli import main
from tests.doubles import RecordingStore

FIXTURES = Path(__file__).parent.parent / "fixtures" / "csv"
BROKEN = FIXTURES / "broken"
DOCS = Path(__file__).parent.parent.parent / "docs" / "loaders-csv.md"
PAYOUT = "0x6ba66175b3c7c1d7f1f890163732ba1fa98c3889"


def load(
    mapping: Path, tmp_path: Path, paths: list[Path] | None = None
) -> tuple[LoadReport, RecordingStore, list[dict[str, str]]]:
    writer = RecordingStore()
    rejects = tmp_path / "rejects.csv"
    source = PlainCsvSource(mapping)
    report = run_load(source, paths if paths is not None else source.files(), writer, rejects_path=rejects)
    rows = list(csv.DictReader(rejects.open(encoding="utf-8"))) if rejects.exists() else []
    return report, writer, rows


def test_the_documented_example_loads(tmp_path: Path) -> None:
    report, w, rejected = load(FIXTURES / "mapping.toml", tmp_path)
    assert rejected == [] and report.warnings == []
    assert report.records_read == 15  # wallets.csv is read by two [[files]] tables
    assert report.nodes == {"Company": 3, "Person": 2, "Wallet": 2}
    assert report.relationships == {"HOLDS": 1, "OWNS": 2, "DIRECTS": 1, "EMPLOYS": 1, "PAID": 2}
    assert report.notes == {"rows skipped: a column of skip_empty is empty (wallets.csv, files[3])": 1}
    northwind = w.nodes["acme-C001"]
    assert northwind.kind is NodeKind.COMPANY
    assert northwind.props == {
        Prop.TOPICS: ["corp.offshore"],
        Prop.ALIASES: ["Northwind Example Trdg", "NW Example"],
        Prop.COUNTRIES: ["ae"],
        Prop.FRONT: True,
        Prop.NOTES: "Front company of the fictional case.",
        Prop.IDENTIFIERS: ["Registration number: 2020-123456", "Email: info@northwind.example"],
        Prop.LOOKUP_KEYS: ["2020-123456", "info@northwind.example"],
        Prop.NAME: "Northwind Example Trading LLC",
        Prop.DATASETS: ["acme_case"],
        Prop.SOURCE_IDS: ["acme_case:acme-C001"],
    }
    assert w.nodes["acme-C002"].props[Prop.FRONT] is False
    ivan = w.nodes["acme-P001"]
    assert ivan.kind is NodeKind.PERSON
    assert ivan.props[Prop.BIRTH_DATE] == "1971-02-03" and ivan.props[Prop.GENDER] == "male"
    assert ivan.props[Prop.IDENTIFIERS] == ["Passport: PP-0000001"]
    assert w.nodes["acme-P002"].props[Prop.BIRTH_DATE] == "1985"
    exchange = w.nodes[wallet_id("0xf28bcccdc2c504c595a9d4144ee6793fd54eca0d")]  # upper case in the file
    assert exchange.props[Prop.NAME] == "0xf28bcccdc2c504c595a9d4144ee6793fd54eca0d"
    assert exchange.props[Prop.ALIASES] == ["Example Exchange Deposit"]
    assert exchange.props[Prop.CHAIN] == "evm"
    assert w.nodes[wallet_id(PAYOUT)].props[Prop.CURRENCIES] == ["ETH", "USDT"]
    assert w.rel(RelType.HOLDS, "acme-C002", wallet_id(PAYOUT))
    (owns,) = w.rel(RelType.OWNS, "acme-C001", "acme-C002")
    assert owns.props == {Prop.PERCENTAGE: 60.0, Prop.START_DATE: "2021-03", Prop.DATASETS: ["acme_case"]}
    assert owns.id == rel_id(RelType.OWNS, "acme-C001", "acme-C002")
    (directs,) = w.rel(RelType.DIRECTS, "acme-P001", "acme-C001")
    assert directs.props[Prop.ROLE] == "Managing director" and Prop.END_DATE not in directs.props
    (employs,) = w.rel(RelType.EMPLOYS, "acme-C001", "acme-P002")
    assert employs.props[Prop.ROLE] == "Accountant"
    payments = sorted(w.rel(RelType.PAID, "acme-C002", wallet_id(PAYOUT)), key=lambda r: r.props[Prop.DATE])
    assert [r.id for r in payments] == [
        rel_id(RelType.PAID, "acme-C002", wallet_id(PAYOUT), "PAY-1"),
        rel_id(RelType.PAID, "acme-C002", wallet_id(PAYOUT), "PAY-2"),
    ]
    assert payments[0].props == {
        Prop.AMOUNT: 12500.0,
        Prop.CURRENCY: "USD",
        Prop.DATE: "2023-04-03",
        Prop.PURPOSE: "Consulting services",
        Prop.DATASETS: ["acme_case"],
    }


def test_reloading_creates_nothing_new() -> None:
    writer = RecordingStore()
    source = PlainCsvSource(FIXTURES / "mapping.toml")
    first = run_load(source, source.files(), writer)
    second = run_load(source, source.files(), writer)
    assert (first.nodes_created, first.relationships_created) == (7, 7)
    assert (second.nodes_created, second.relationships_created) == (0, 0)


def test_the_docs_show_the_fixture_mapping_verbatim() -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.DOTALL)
    assert (FIXTURES / "mapping.toml").read_text(encoding="utf-8") in blocks


# --- mapping validation -------------------------------------------------------------------------------------------


def test_the_mapping_is_validated_against_the_vocabulary_and_every_problem_is_named() -> None:
    with pytest.raises(MappingError) as caught:
        PlainCsvSource(BROKEN / "bad-mapping.toml")  # persons.csv and the others do not even exist: no row is read
    path = BROKEN / "bad-mapping.toml"
    assert str(caught.value) == (
        f"{path}: files[1].properties.shoesize: 'shoesize' is not a property of the vocabulary\n"
        f"{path}: files[2].properties.amount: 'amount' is not a property of OWNS relationships (OWNS takes "
        "percentage, start_date, end_date)\n"
        f"{path}: files[3].node: 'Spaceship' is not a node kind of the vocabulary (kinds: Person, Company, "
        "Organization, LegalEntity, Wallet, Address, Vessel, Aircraft)"
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('[[files]]\npath = "a.csv"\nnode = "Company"\nid = "{id}"\nname = "n"\n', "dataset: missing (required)"),
        ('dataset = "d"\n', "files: missing: at least one [[files]] table is needed"),
        (
            'dataset = "d"\n[[files]]\npath = "a.csv"\nnode = "Company"\nrelationship = "OWNS"\nid = "i"\nname = "n"\n',
            "files[0]: give exactly one of 'node' (a node kind) or 'relationship' (a relationship type)",
        ),
        (
            'dataset = "d"\n[[files]]\npath = "a.csv"\nnode = "Company"\nid = "i"\nname = "n"\n'
            '[files.properties]\npercentage = "p"\n',
            "files[0].properties.percentage: 'percentage' is a relationship property (OWNS), not a node property",
        ),
        (
            'dataset = "d"\n[[files]]\npath = "a.csv"\nnode = "Person"\nid = "i"\nname = "n"\n'
            '[files.properties]\ndesignations = "x"\n',
            "files[0].properties.designations: 'designations' cannot be mapped: designations are built by the "
            "sanctions-list loaders; map `sanctioned` and `programs` instead",
        ),
        (
            'dataset = "d"\n[[files]]\npath = "a.csv"\nnode = "Person"\nid = "i"\nname = "n"\n'
            '[files.properties]\nsearch_names = "x"\n',
            "files[0].properties.search_names: 'search_names' cannot be mapped: it is maintained by the store",
        ),
        (
            'dataset = "d"\n[[files]]\npath = "a.csv"\nnode = "Wallet"\nwallet_address = "a"\nname = "n"\n',
            "files[0].name: a Wallet's name is its address; map a label to 'aliases' instead",
        ),
        (
            'dataset = "d"\n[[files]]\npath = "a.csv"\nnode = "Company"\nid = "x-{id"\nname = "n"\n',
            "files[0].id: 'x-{id' is not a valid template",
        ),
        (
            'dataset = "d"\n[[files]]\npath = "a.csv"\nnode = "Company"\nid = "i"\nname = "n"\ncolour = "red"\n',
            "files[0].colour: unknown key",
        ),
        (
            'dataset = "d"\n[[files]]\npath = "a.csv"\nnode = "Company"\nid = "i"\nname = "n"\nignore = ["n"]\n',
            "files[0].ignore: column 'n' is both ignored and used by files[0].name",
        ),
        (
            'dataset = "d"\n[[files]]\npath = "a.csv"\nrelationship = "PAID"\nsource = "s"\n',
            "files[0].target: give exactly one of 'target' (an id column or template) or 'target_wallet'",
        ),
        (
            'dataset = "d"\n[[files]]\npath = "a.csv"\nrelationship = "OWNS"\nsource = "s"\ntarget = "t"\n'
            '[files.constants]\npercentage = "half"\n',
            "files[0].constants.percentage: must be a number, not 'half'",
        ),
        (
            'dataset = "d"\n[[files]]\npath = "a.csv"\nnode = "Person"\nid = "i"\nname = "n"\n'
            '[files.properties]\nbirth_date = ["a", "b"]\n',
            "files[0].properties.birth_date: 'birth_date' holds one value: map it to one column, not 2",
        ),
        ('dataset = "d"\nfiles = [\n', "is not valid TOML"),
    ],
)
def test_mapping_problems(tmp_path: Path, body: str, problem: str) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SourceFormatError) as caught:
        load_mapping(path)
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"{path}: ")


def test_templates() -> None:
    assert parse_template("company_id").columns == ("company_id",)
    assert parse_template("acme-{Company ID}-{n}").columns == ("Company ID", "n")
    with pytest.raises(ValueError, match="may not have a format spec"):
        parse_template("{id:>5}")
    with pytest.raises(ValueError, match="names no column"):
        parse_template("acme-{{literal}}")


def test_values() -> None:
    assert parse_number("$96,456,655") == 96456655.0
    assert parse_number("60%") == 60.0 and parse_number(" 1,234.50 ") == 1234.5
    with pytest.raises(ValueError, match="not a number: '12,5'"):
        parse_number("12,5")  # a decimal comma is ambiguous: refused, not guessed
    assert parse_date("2021-3") == "2021-03" and parse_date("03/04/2023", "%d/%m/%Y") == "2023-04-03"
    with pytest.raises(ValueError, match="not an ISO date"):
        parse_date("2021-13")
    assert parse_timestamp("2023-04-04 10:12:00") == "2023-04-04T10:12:00Z"
    assert parse_timestamp("1680603120", "unix") == "2023-04-04T10:12:00Z"
    assert parse_timestamp("1680603120500", "unix_ms") == "2023-04-04T10:12:00.500000Z"


# --- bad files ----------------------------------------------------------------------------------------------------


def test_bad_rows_are_rejected_and_valid_rows_load(tmp_path: Path) -> None:
    report, w, rejected = load(BROKEN / "rows.toml", tmp_path)
    got = [(Path(r["file"]).name, r["line"], r["field"], r["reason"]) for r in rejected]
    assert got == [
        ("companies-malformed.csv", "3", "", "wrong column count: expected 4, got 5"),
        ("companies-malformed.csv", "4", "company_id", "missing id: column 'company_id' is empty (files[0].id)"),
        (
            "companies-malformed.csv",
            "5",
            "company_name",
            "missing name: column 'company_name' is empty (files[0].name)",
        ),
        (
            "companies-malformed.csv",
            "6",
            "is_front",
            "not a yes/no value (true/false, yes/no, 1/0): 'perhaps' (files[0].properties.front)",
        ),
        (
            "companies-truncated.csv",
            "5",
            "",
            "wrong column count: expected 4, got 3 (the record is cut short: file truncated?)",
        ),
        (
            "companies-truncated.csv",
            "6",
            "",
            "not valid CSV: a quoted field is not closed before the end of the file (file truncated?)",
        ),
        ("ownership-malformed.csv", "2", "share", "not a number: 'sixty' (files[3].properties.percentage)"),
        ("ownership-malformed.csv", "3", "owner_id", "missing source: column 'owner_id' is empty"),
        (
            "ownership-malformed.csv",
            "4",
            "since",
            "not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '2021-02-30' (files[3].properties.start_date)",
        ),
    ]
    assert rejected[0]["raw"] == "M2,Too Many Fields Ltd,gb,no,surplus"
    assert rejected[5]["raw"] == 'T4,"Cut Off Exam'
    assert report.rejected == 9 and report.records_read == 16
    assert set(w.nodes) == {"x-M1", "x-M5", "x-T1", "x-T2", "x-E1", "x-E2"}
    assert w.nodes["x-M5"].props[Prop.FRONT] is True
    assert w.nodes["x-T2"].props[Prop.NAME] == "Truncation Example Two Ltd"  # a quoted line break, whitespace folded
    (owns,) = w.rels.values()
    assert (owns.source, owns.target, owns.props[Prop.PERCENTAGE]) == ("x-M5", "x-M1", 25.0)


def test_cp1252_bytes_are_decoded_with_a_fallback_and_warned_about(tmp_path: Path) -> None:
    report, w, _ = load(BROKEN / "rows.toml", tmp_path)
    assert w.nodes["x-E1"].props[Prop.NAME] == "Société Fictive SARL"
    assert w.nodes["x-E2"].props[Prop.NAME] == "Café Example GmbH"  # valid UTF-8 is untouched
    assert report.notes["records with bytes that are not UTF-8 (read as cp1252)"] == 1
    assert report.warnings == [
        f"{BROKEN / 'companies-truncated.csv'}: the file does not end with a line break; its last record may have been "
        "cut off",
        f"{BROKEN / 'companies-cp1252.csv'}: 1 record(s) are not valid UTF-8 (line 2); their bad bytes were read as "
        "cp1252 - check accented names",
    ]


def test_a_column_the_mapping_names_but_the_file_lacks_stops_the_load(tmp_path: Path) -> None:
    writer = RecordingStore()
    source = PlainCsvSource(BROKEN / "missing-column.toml")
    with pytest.raises(SourceFormatError) as caught:
        run_load(source, source.files(), writer)
    assert str(caught.value) == (
        f"{BROKEN / 'companies-nocountry.csv'}, line 1, field 'country': missing column 'country' named by "
        "missing-column.toml: files[0].properties.countries (the header has: company_id, company_name)"
    )
    assert writer.upserts == 0


def test_unmapped_columns_are_warned_about(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("pid,name,shoe_size\n1,Example Person,44\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        'dataset = "t"\n[[files]]\npath = "people.csv"\nnode = "Person"\nid = "t-{pid}"\nname = "name"\n',
        encoding="utf-8",
    )
    report, w, _ = load(mapping, tmp_path)
    assert report.warnings == [
        f"{tmp_path / 'people.csv'}: column(s) neither mapped nor ignored by files[0], not loaded: shoe_size"
    ]
    assert w.nodes["t-1"].props[Prop.NAME] == "Example Person"


def test_paths_are_matched_to_the_mapping_by_file_name(tmp_path: Path) -> None:
    source = PlainCsvSource(FIXTURES / "mapping.toml")
    plan = source.plan([FIXTURES / "wallets.csv"])
    assert [fm.key for fm, _ in plan] == ["files[2]", "files[3]"]
    assert len(source.plan([FIXTURES])) == 8
    stray = tmp_path / "other.csv"
    stray.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"other.csv: not named in the mapping .*mapping.toml"):
        source.plan([stray])


def test_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", "csv", "--mapping", str(FIXTURES / "mapping.toml"), "--dry-run", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "Loaded csv from 7 file(s) (dry run: nothing written)" in out and "PAID                2" in out
    assert main(["load", "csv", "--mapping", str(BROKEN / "bad-mapping.toml"), "--dry-run", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {BROKEN / 'bad-mapping.toml'}: files[1].properties.shoesize: 'shoesize' is not")
