"""The ICIJ Offshore Leaks loader without a database: dry runs and a recording writer over tests/fixtures/icij."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.errors import SourceFormatError
from graph.ids import rel_id
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.framework import LoadReport, run_load
from loaders.sources.icij import IcijSource, classify, countries, dataset_of, icij_date
from sanctions_graph.cli import main
from tests.doubles import RecordingStore

FIXTURES = Path(__file__).parent.parent / "fixtures" / "icij"
RELEASE = FIXTURES / "release"


def rejects_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8"))) if path.exists() else []


def load(paths: list[Path], tmp_path: Path) -> tuple[LoadReport, RecordingStore, list[dict[str, str]]]:
    writer = RecordingStore()
    rejects = tmp_path / "rejects.csv"
    report = run_load(IcijSource(), paths, writer, rejects_path=rejects)
    return report, writer, rejects_of(rejects)


# --- the clean release --------------------------------------------------------------------------------------------


def test_release_dry_run_counts_every_kind_and_reports_what_it_could_not_place() -> None:
    report = run_load(IcijSource(), [RELEASE], None)
    assert report.dry_run and report.rejected == 0
    assert report.records_read == 25
    assert report.nodes == {"Company": 3, "LegalEntity": 7, "Address": 2}
    assert report.relationships == {"OWNS": 2, "DIRECTS": 2, "LINKED_TO": 5, "LOCATED_AT": 2, "SAME_AS": 2}
    assert report.notes["relationship rows with an end not in the loaded node files"] == 1
    assert report.notes["relationships skipped: an end is not in the graph"] == 1
    assert any("icij-99999999" in w and "line 14" in w for w in report.warnings)
    assert any("'31-FEB-2001'" in w and "nodes-entities.csv line 4 incorporation_date" in w for w in report.warnings)


def test_entities_officers_intermediaries_addresses_and_others_are_mapped(tmp_path: Path) -> None:
    _, writer, rejected = load([RELEASE], tmp_path)
    assert rejected == []
    harbour = writer.nodes["icij-90000001"]
    assert harbour.kind is NodeKind.COMPANY
    p = harbour.props
    assert p[Prop.NAME] == "FICTIONAL HARBOUR HOLDINGS LTD."
    assert Prop.ALIASES not in p  # original_name equals the name
    assert p[Prop.COUNTRIES] == ["vg"]
    assert p[Prop.ADDRESS] == "1 Example Road, Road Town, Tortola"
    assert p[Prop.TOPICS] == ["corp.offshore"]
    assert p[Prop.DATASETS] == ["icij_offshore_leaks", "icij_panama_papers"]
    assert p[Prop.SOURCE_IDS] == ["icij_offshore_leaks:90000001"]
    assert p[Prop.IDENTIFIERS] == ["ICIJ node id: 90000001", "ibcRUC: 654321"]
    assert p[Prop.LOOKUP_KEYS] == ["90000001", "654321"]
    assert p[Prop.NOTES].split("\n") == [
        "Jurisdiction: British Virgin Islands (BVI)",
        "Incorporated: 2006-03-23",
        "Inactivated: 2012-01-15",
        "Status: Active",
        "Company type: Business Company Limited by Shares",
        "Service provider: Imaginary Trust Services",
        "The Panama Papers data is current through 2015",
    ]
    pretend = writer.nodes["icij-90000002"].props
    assert pretend[Prop.ALIASES] == ["MAKEBELIEVE TRADING S.A."]
    assert pretend[Prop.COUNTRIES] == ["pa", "hk"]  # PAN;HKG, Panama;Hong Kong, and jurisdiction PMA/Panama
    assert "Struck off: 2002-08-31" in pretend[Prop.NOTES]
    assert pretend[Prop.IDENTIFIERS] == ["ICIJ node id: 90000002"]  # an all-zero ibcRUC is not an identifier
    sample = writer.nodes["icij-90000003"].props
    assert "Incorporated: 31-FEB-2001" in sample[Prop.NOTES]  # not a date: kept as written
    assert sample[Prop.DATASETS] == ["icij_offshore_leaks", "icij_bahamas_leaks"]
    assert sample[Prop.NOTES].endswith("Closed date stands for Cancelled date.")

    officer = writer.nodes["icij-91000003"]
    assert officer.kind is NodeKind.LEGAL_ENTITY
    assert officer.props[Prop.COUNTRIES] == ["mt", "cy"]
    assert officer.props[Prop.DATASETS] == ["icij_offshore_leaks", "icij_paradise_papers_malta_corporate_registry"]
    intermediary = writer.nodes["icij-92000001"]
    assert intermediary.kind is NodeKind.LEGAL_ENTITY
    assert intermediary.props[Prop.TOPICS] == ["role.intermediary"]
    assert intermediary.props[Prop.ADDRESS] == "Calle Ficticia 1, Panama City, Panama"
    assert "Status: ACTIVE" in intermediary.props[Prop.NOTES]
    address = writer.nodes["icij-93000001"]
    assert address.kind is NodeKind.ADDRESS
    assert address.props[Prop.NAME] == address.props[Prop.ADDRESS]
    assert address.props[Prop.NAME] == "1 Example Road, Road Town, Tortola, British Virgin Islands"
    foundation = writer.nodes["icij-94000001"]
    assert foundation.kind is NodeKind.LEGAL_ENTITY
    assert foundation.props[Prop.NOTES].split("\n")[:3] == [
        "Jurisdiction: Malta (MLT)",
        "Incorporated: 2009-05-01",
        "Type: FOUNDATION",
    ]


def test_relationship_rules(tmp_path: Path) -> None:
    _, w, _ = load([RELEASE], tmp_path)
    (owns,) = w.rel(RelType.OWNS, "icij-91000001", "icij-90000001")
    assert owns.props[Prop.ROLE] == "shareholder of"
    assert owns.props[Prop.START_DATE] == "2006-06-01"
    assert owns.props[Prop.DATASETS] == ["icij_offshore_leaks", "icij_panama_papers"]
    assert owns.id == rel_id(
        RelType.OWNS, "icij-91000001", "icij-90000001", "officer_of", "shareholder of", "2006-06-01"
    )
    (nominee,) = w.rel(RelType.DIRECTS, "icij-91000002", "icij-90000001")
    assert nominee.props == {
        Prop.DATASETS: ["icij_offshore_leaks", "icij_panama_papers"],
        Prop.ROLE: "Nominee Director of",
        Prop.START_DATE: "2006-03-23",
        Prop.END_DATE: "2012-01-15",
    }
    # "Director and Shareholder": both an owner and a director
    assert len(w.rel(RelType.OWNS, "icij-91000003", "icij-90000002")) == 1
    assert len(w.rel(RelType.DIRECTS, "icij-91000003", "icij-90000002")) == 1
    (beneficiary,) = w.rel(RelType.LINKED_TO, "icij-91000004", "icij-90000002")
    assert beneficiary.props[Prop.ROLE] == "beneficiary of"
    (intermediary,) = w.rel(RelType.LINKED_TO, "icij-92000001", "icij-90000001")
    assert intermediary.props[Prop.ROLE] == "intermediary of"
    assert w.rel(RelType.LOCATED_AT, "icij-90000001", "icij-93000001")
    (same,) = w.rel(RelType.SAME_AS, "icij-91000001", "icij-91000005")
    assert same.props[Prop.STATUS] == "candidate"
    assert same.props[Prop.ROLE] == "same_name_as"
    (similar,) = w.rel(RelType.SAME_AS, "icij-90000002", "icij-91000003")
    assert similar.props[Prop.STATUS] == "candidate"
    (connected,) = w.rel(RelType.LINKED_TO, "icij-90000003", "icij-90000001")
    assert connected.props[Prop.ROLE] == "connected to"
    (protector,) = w.rel(RelType.LINKED_TO, "icij-94000001", "icij-90000003")
    assert protector.props[Prop.ROLE] == "Protector of"
    assert not any(r.target == "icij-99999999" for r in w.rels.values())  # its end is in no node file
    assert not any(n.props.get(Prop.NAME) == "icij-91000005" for n in w.nodes.values())


def test_a_second_run_creates_nothing_new(tmp_path: Path) -> None:
    writer = RecordingStore()
    first = run_load(IcijSource(), [RELEASE], writer)
    second = run_load(IcijSource(), [RELEASE], writer)
    assert (first.nodes_created, first.relationships_created) == (12, 13)
    assert (second.nodes_created, second.relationships_created) == (0, 0)


@pytest.mark.parametrize(
    ("rel_type", "link", "expected"),
    [
        ("officer_of", "shareholder of", [RelType.OWNS]),
        ("officer_of", "Beneficial Owner", [RelType.OWNS]),
        ("officer_of", "Nominee Shareholder of", [RelType.OWNS]),
        ("officer_of", "director of", [RelType.DIRECTS]),
        ("officer_of", "Nominee Director of", [RelType.DIRECTS]),
        ("officer_of", "member of the board of directors of", [RelType.DIRECTS]),
        ("officer_of", "Secretary of", [RelType.DIRECTS]),
        ("officer_of", "President - Director of", [RelType.DIRECTS]),
        ("officer_of", "authorised signatory of", [RelType.DIRECTS]),
        ("officer_of", "Director and Shareholder", [RelType.OWNS, RelType.DIRECTS]),
        ("officer_of", "beneficiary of", [RelType.LINKED_TO]),
        ("officer_of", "", [RelType.LINKED_TO]),
        ("registered_address", "registered address", [RelType.LOCATED_AT]),
        ("intermediary_of", "intermediary of", [RelType.LINKED_TO]),
        ("same_as", "", [RelType.SAME_AS]),
        ("same_name_as", "same name as", [RelType.SAME_AS]),
        ("similar", "similar name and address as", [RelType.SAME_AS]),
        ("same_id_as", "", [RelType.SAME_AS]),
        ("same_company_as", "", [RelType.SAME_AS]),
        ("connected_to", "connected to", [RelType.LINKED_TO]),
        ("underlying", "underlying", [RelType.LINKED_TO]),
    ],
)
def test_classify(rel_type: str, link: str, expected: list[RelType]) -> None:
    assert [t for t, _ in classify(rel_type, link)] == expected


def test_roles_keep_the_original_link() -> None:
    assert classify("officer_of", "") == [(RelType.LINKED_TO, "officer of")]
    assert classify("intermediary_of", "registered agent of") == [
        (RelType.LINKED_TO, "intermediary of: registered agent of")
    ]
    assert classify("SAME_NAME_AS", "") == [(RelType.SAME_AS, "same_name_as")]
    assert classify("underlying", "") == [(RelType.LINKED_TO, "underlying")]


def test_dates_countries_and_datasets() -> None:
    assert icij_date("23-MAR-2006") == "2006-03-23"
    assert icij_date("5-jan-1999") == "1999-01-05"
    assert icij_date("2006-03-23") == "2006-03-23"
    assert icij_date("31-FEB-2001") is None
    assert icij_date("03/23/2006") is None
    assert countries("MLT;CYP", "Malta;Cyprus") == ["mt", "cy"]
    assert countries("XXX", "Not identified") == []
    assert countries("", "Atlantis") == ["Atlantis"]  # unknown names are kept as written
    assert dataset_of("Paradise Papers - Appleby") == "icij_paradise_papers_appleby"


# --- bad files ----------------------------------------------------------------------------------------------------


def test_malformed_rows_are_rejected_with_line_field_and_reason_and_the_rest_loads(tmp_path: Path) -> None:
    report, writer, rejected = load([FIXTURES / "malformed"], tmp_path)
    officers = str(FIXTURES / "malformed" / "nodes-officers.csv")
    relationships = str(FIXTURES / "malformed" / "relationships.csv")
    assert [(r["file"], r["line"], r["field"], r["reason"]) for r in rejected] == [
        (officers, "3", "", "wrong column count: expected 7, got 8"),
        (officers, "4", "", "not valid CSV: ',' expected after '\"'"),
        (officers, "5", "node_id", "missing node_id"),
        (relationships, "3", "node_id_end", "missing node_id_end"),
        (relationships, "4", "node_id_end", "self-relationship: node 91000014 is linked to itself"),
        (relationships, "5", "rel_type", "missing rel_type"),
    ]
    assert rejected[0]["raw"] == "91000012,Too Many Fields,United Kingdom,GBR,Panama Papers,,,surplus"
    assert report.rejected == 6 and report.records_read == 10
    assert set(writer.nodes) == {"icij-91000011", "icij-91000014"}
    assert [r.type for r in writer.rels.values()] == [RelType.SAME_AS, RelType.LINKED_TO]
    linked = next(r for r in writer.rels.values() if r.type is RelType.LINKED_TO)
    assert Prop.START_DATE not in linked.props  # 31-JUN-2010 is no date: dropped, and reported
    assert report.notes["dates not understood (node dates kept as written in notes, relationship dates dropped)"] == 1
    assert any("relationships.csv line 6 start_date: '31-JUN-2010'" in w for w in report.warnings)


def test_a_file_cut_mid_row_rejects_the_cut_record_and_loads_the_rest(tmp_path: Path) -> None:
    report, writer, rejected = load([FIXTURES / "truncated"], tmp_path)
    assert [(Path(r["file"]).name, r["line"], r["reason"]) for r in rejected] == [
        (
            "nodes-officers.csv",
            "4",
            "not valid CSV: a quoted field is not closed before the end of the file (file truncated?)",
        ),
        ("relationships.csv", "3", "wrong column count: expected 8, got 2 (the record is cut short: file truncated?)"),
    ]
    assert rejected[0]["raw"] == '91000023,"Cut Off Na'
    assert set(writer.nodes) == {"icij-91000021", "icij-91000022"}
    assert len(writer.rel(RelType.DIRECTS, "icij-91000021", "icij-91000022")) == 1
    assert (
        sum("does not end with a line break; its last record may have been cut off" in w for w in report.warnings) == 2
    )


def test_cp1252_bytes_in_a_utf8_file_are_decoded_with_a_fallback_and_warned_about(tmp_path: Path) -> None:
    report, writer, rejected = load([FIXTURES / "latin1"], tmp_path)
    assert rejected == [] and report.rejected == 0
    assert writer.nodes["icij-91000031"].props[Prop.NAME] == "Zoë Example"  # real UTF-8 untouched
    assert writer.nodes["icij-91000032"].props[Prop.NAME] == "José Müller Ficticio"
    assert writer.nodes["icij-91000032"].props[Prop.NOTES] == "Nota: señor"
    assert writer.nodes["icij-91000033"].props[Prop.NAME] == "Plain Example"
    assert report.notes["records with bytes that are not UTF-8 (read as cp1252)"] == 1
    assert report.warnings == [
        f"{FIXTURES / 'latin1' / 'nodes-officers.csv'}: 1 record(s) are not valid UTF-8 (line 3); their bad bytes "
        "were read as cp1252 - check accented names"
    ]


def test_a_missing_required_column_stops_the_load_before_anything_is_written(tmp_path: Path) -> None:
    writer = RecordingStore()
    with pytest.raises(SourceFormatError) as caught:
        run_load(IcijSource(), [FIXTURES / "missing-column"], writer)
    assert str(caught.value) == (
        f"{FIXTURES / 'missing-column' / 'relationships.csv'}, line 1, field 'rel_type': missing required column "
        "'rel_type' (the header has: node_id_start, node_id_end, link, status, start_date, end_date, sourceID)"
    )
    assert writer.upserts == 0 and writer.nodes == {}  # the officers file was valid, yet nothing was emitted


def test_a_node_file_without_node_id_names_file_and_column(tmp_path: Path) -> None:
    path = tmp_path / "nodes-officers.csv"
    path.write_text("id,name\n1,Someone Fictional\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"nodes-officers.csv, line 1, field 'node_id': missing required"):
        run_load(IcijSource(), [path], None)


def test_an_older_release_with_other_columns_loads_and_warns_about_unknown_ones(tmp_path: Path) -> None:
    report, writer, rejected = load([FIXTURES / "older-release"], tmp_path)
    assert rejected == []
    assert report.warnings == [
        f"{FIXTURES / 'older-release' / 'nodes-officers.csv'}: unknown column(s), not loaded: labels"
    ]
    assert report.notes["unknown columns (not loaded)"] == 1
    node = writer.nodes["icij-91000041"]
    assert node.props[Prop.NAME] == "Epsilon Placeholder" and Prop.COUNTRIES not in node.props
    assert node.props[Prop.DATASETS] == ["icij_offshore_leaks"]  # sourceID "Offshore Leaks": the same name once


def test_columns_are_found_by_name_not_position(tmp_path: Path) -> None:
    path = tmp_path / "nodes-entities.csv"
    path.write_text(
        "sourceID,jurisdiction_description,name,node_id,incorporation_date\n"
        "Panama Papers,Seychelles,REORDERED EXAMPLE LTD,90000099,01-APR-2010\n",
        encoding="utf-8",
    )
    _, writer, _ = load([path], tmp_path)
    node = writer.nodes["icij-90000099"]
    assert node.props[Prop.NAME] == "REORDERED EXAMPLE LTD"
    assert node.props[Prop.COUNTRIES] == ["sc"]
    assert node.props[Prop.NOTES] == "Jurisdiction: Seychelles\nIncorporated: 2010-04-01"


def test_an_id_in_two_node_files_is_one_node_and_the_entity_file_wins(tmp_path: Path) -> None:
    (tmp_path / "nodes-entities.csv").write_text("node_id,name\n7,DUAL EXAMPLE LTD\n", encoding="utf-8")
    (tmp_path / "nodes-officers.csv").write_text("node_id,name,countries\n7,DUAL EXAMPLE LTD,Malta\n", encoding="utf-8")
    _, writer, _ = load([tmp_path], tmp_path)
    assert writer.nodes["icij-7"].kind is NodeKind.COMPANY
    assert writer.nodes["icij-7"].props[Prop.COUNTRIES] == ["mt"]


def test_file_names_are_checked(tmp_path: Path) -> None:
    other = tmp_path / "people.csv"
    other.write_text("node_id,name\n1,X\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="not an ICIJ Offshore Leaks file name"):
        run_load(IcijSource(), [other], None)
    with pytest.raises(SourceFormatError, match="no ICIJ Offshore Leaks files found"):
        run_load(IcijSource(), [tmp_path], None)
    legacy = tmp_path / "panama_papers.nodes.officer.csv"
    legacy.write_text("node_id,name\n1,Legacy Example\n", encoding="utf-8")
    report = run_load(IcijSource(), [tmp_path], None)
    assert report.nodes == {"LegalEntity": 1}
    assert any("not ICIJ Offshore Leaks file names, not loaded" in w and "people.csv" in w for w in report.warnings)


def test_cli_dry_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", "icij", str(RELEASE), "--dry-run", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "Loaded icij from 1 file(s) (dry run: nothing written)" in out
    assert "records read:         25" in out
    assert main(["load", "icij", str(FIXTURES / "missing-column"), "--dry-run", "--no-progress"]) == 1
    assert "missing required column 'rel_type'" in capsys.readouterr().err
