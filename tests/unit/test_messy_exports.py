"""Messy exports are read, not rejected: the shared value parsers (loaders.common.values) and the transfer loader over
tests/fixtures/transfers/messy.csv, day-first.csv and ambiguous.csv (tracer-style and custom exports)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.vocabulary import Prop
from loaders.common.csvfiles import SKIPPED_BLANK, SKIPPED_HEADER, SKIPPED_SEPARATOR
from loaders.common.mapping import MappingError
from loaders.common.values import (
    AmbiguousDate,
    DateOrder,
    decide_date_order,
    find_date_order,
    parse_date,
    parse_number,
    parse_timestamp,
)
from loaders.framework import LoadReport, run_load
from loaders.sources.transfers import TransfersSource, load_transfer_mapping
from tests.doubles import RecordingStore

FIXTURES = Path(__file__).parent.parent / "fixtures" / "transfers"


def _mapping(tmp_path: Path, *columns: str, options: str = "") -> Path:
    """A transfers mapping of an ETH export: ``options`` (TOML lines), then the [columns] table's lines."""
    path = tmp_path / "m.toml"
    path.write_text(f'asset = "eth"\n{options}[columns]\n' + "".join(c + "\n" for c in columns), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-06-22 2:25:41", "2024-06-22T02:25:41Z"),  # no zero padding
        ("2024-6-2 2:05", "2024-06-02T02:05:00Z"),
        ("12/28/2020 7:40 PM", "2020-12-28T19:40:00Z"),  # US, 12-hour clock
        ("28.12.2020 19:40", "2020-12-28T19:40:00Z"),  # day first, proven by its own numbers
        ("Jun-22-2024 02:25:41 AM +UTC", "2024-06-22T02:25:41Z"),  # Etherscan's web page
        ("2024-06-22 02:25:41 UTC", "2024-06-22T02:25:41Z"),
        ("2024-06-22T02:25:41Z", "2024-06-22T02:25:41Z"),
        ("2024-06-22T04:25:41+02:00", "2024-06-22T02:25:41Z"),
        ("1719023141", "2024-06-22T02:25:41Z"),  # epoch seconds
        ("1719023141500", "2024-06-22T02:25:41.500000Z"),  # epoch milliseconds
        ("04/04/2021", "2021-04-04T00:00:00Z"),  # both ways the same day
    ],
)
def test_timestamps_in_the_forms_exports_write(text: str, expected: str) -> None:
    assert parse_timestamp(text) == expected


def test_ambiguous_and_bad_timestamps() -> None:
    with pytest.raises(AmbiguousDate, match="reads as day/month and as month/day"):
        parse_timestamp("03/04/2021 10:00")
    assert parse_timestamp("03/04/2021 10:00", date_order=DateOrder.DMY) == "2021-04-03T10:00:00Z"
    assert parse_timestamp("03/04/2021 10:00", date_order=DateOrder.MDY) == "2021-03-04T10:00:00Z"
    with pytest.raises(ValueError, match=r"not in the file's date order \(mdy\)"):
        parse_timestamp("28/12/2020 19:40", date_order=DateOrder.MDY)
    with pytest.raises(ValueError, match="not a timestamp in the format ISO 8601: '2023-13-45 00:00:00'"):
        parse_timestamp("2023-13-45 00:00:00")
    with pytest.raises(ValueError, match="not a timestamp"):
        parse_timestamp("7:40 PM")  # a time without a date is not a moment
    with pytest.raises(ValueError, match="not a timestamp in the format ISO 8601"):
        parse_timestamp("12/28/2020 7:40 PM", "iso")  # iso stays strict


def test_dates_and_amounts() -> None:
    assert parse_date("28/12/2020") == "2020-12-28" and parse_date("12/28/2020") == "2020-12-28"
    assert parse_date("03/04/2021", date_order=DateOrder.DMY) == "2021-04-03"
    with pytest.raises(AmbiguousDate):
        parse_date("03/04/2021")
    assert parse_number("(1,234.50)") == -1234.5  # accounting notation
    assert parse_number("€ 1,234") == 1234.0 and parse_number("£3") == 3.0 and parse_number("US$1,000") == 1000.0
    assert parse_number("USD 12") == 12.0 and parse_number("1.5 ETH") == 1.5
    with pytest.raises(ValueError, match="not a number: '12,5'"):
        parse_number("12,5")  # still refused, not guessed
    with pytest.raises(ValueError, match="not a number"):
        parse_number("USDT")


def test_the_date_order_is_decided_from_the_files_own_values() -> None:
    finding = find_date_order(["03/04/2021 10:00", "2024-06-22", "28/12/2020 19:40"])
    assert (finding.order, finding.ambiguous, finding.example) == (DateOrder.DMY, 1, "28/12/2020 19:40")
    assert decide_date_order(find_date_order(["28/12/2020"]), "f") == (DateOrder.DMY, None)  # nothing to report
    order, sentence = decide_date_order(find_date_order(["03/04/2021", "05/06/2021"]), "f.csv")
    assert order is DateOrder.MDY and sentence is not None and 'set date_order = "dmy"' in sentence
    order, sentence = decide_date_order(find_date_order(["13/04/2021", "12/28/2020"]), "f.csv")
    assert order is None and sentence is not None and "dates in both orders" in sentence


def load(path: Path, mapping: str | Path, tmp_path: Path) -> tuple[LoadReport, RecordingStore, list[dict[str, str]]]:
    writer = RecordingStore()
    rejects = tmp_path / "rejects.csv"
    report = run_load(TransfersSource(mapping), [path], writer, rejects_path=rejects)
    rows = list(csv.DictReader(rejects.open(encoding="utf-8"))) if rejects.exists() else []
    return report, writer, rows


def test_a_messy_tracer_export_is_read(tmp_path: Path) -> None:
    report, w, rejected = load(FIXTURES / "messy.csv", "tracer", tmp_path)
    assert [(r["line"], r["field"], r["reason"]) for r in rejected] == [
        ("14", "Timestamp", "not a timestamp in the format ISO 8601: '2024-06-31 00:00:00'")  # June has 30 days
    ]
    assert report.records_read == 9 and report.rejected == 1
    assert (
        report.notes[SKIPPED_BLANK] == 2 and report.notes[SKIPPED_SEPARATOR] == 1 and report.notes[SKIPPED_HEADER] == 1
    )
    moments = sorted(r.props[Prop.TIMESTAMP] for r in w.rels.values())
    assert moments == [
        "2020-12-28T19:40:00Z",
        "2021-03-04T10:00:00Z",  # 03/04: month first, as 12/28/2020 in the same file shows
        "2024-06-22T02:25:41.500000Z",
        *["2024-06-22T02:25:41Z"] * 5,
    ]
    assert report.warnings == [
        f"{FIXTURES / 'messy.csv'}: column(s) 'Timestamp': 1 date(s) such as 03/04 read as month/day/year, as "
        "'12/28/2020 7:40 PM' in the same file shows"
    ]
    by_amount = {r.props[Prop.AMOUNT]: r.props.get(Prop.VALUE_USD) for r in w.rels.values()}
    assert by_amount[1.5] == 5250.0 and by_amount[1000.25] == 1200300.0 and by_amount[0.5] == -12.0
    assert by_amount[2.0] == 1234.0 and by_amount[3.0] is None


def test_day_first_dates_are_read_day_first_when_the_file_shows_it(tmp_path: Path) -> None:
    mapping = _mapping(
        tmp_path, 'from = "Sender"', 'to = "Recipient"', 'amount = "Amount"', 'tx_hash = "Hash"', 'timestamp = "Time"'
    )
    report, w, rejected = load(FIXTURES / "day-first.csv", mapping, tmp_path)
    assert rejected == []
    assert sorted(r.props[Prop.TIMESTAMP] for r in w.rels.values()) == ["2020-12-28T19:40:00Z", "2021-04-03T10:00:00Z"]
    assert "as '28/12/2020 19:40' in the same file shows" in report.warnings[0]


def test_an_undecidable_file_is_read_month_first_and_reported_or_as_the_mapping_says(tmp_path: Path) -> None:
    report, w, _ = load(FIXTURES / "ambiguous.csv", FIXTURES / "ambiguous.toml", tmp_path)
    assert sorted(r.props[Prop.TIMESTAMP] for r in w.rels.values()) == ["2021-04-03T10:00:00Z", "2021-06-05T11:00:00Z"]
    assert report.warnings == []  # the mapping said dmy: nothing to decide
    text = (FIXTURES / "ambiguous.toml").read_text(encoding="utf-8").replace('date_order = "dmy"\n', "")
    (tmp_path / "guess.toml").write_text(text, encoding="utf-8")
    report, w, _ = load(FIXTURES / "ambiguous.csv", tmp_path / "guess.toml", tmp_path)
    assert sorted(r.props[Prop.TIMESTAMP] for r in w.rels.values()) == ["2021-03-04T10:00:00Z", "2021-05-06T11:00:00Z"]
    assert "read both ways and no value decides: read as month/day/year" in report.warnings[0]


def test_mapping_options_are_checked(tmp_path: Path) -> None:
    columns = ('from = "a"', 'to = "b"', 'amount = "c"', 'tx_hash = "d"', 'timestamp = "e"')
    path = _mapping(tmp_path, *columns, options='date_order = "ymd"\ntimestamp_format = "auto"\n')
    with pytest.raises(MappingError) as caught:
        load_transfer_mapping(path)
    assert caught.value.problems == ["date_order: must be 'dmy' (28/12/2020) or 'mdy' (12/28/2020), not 'ymd'"]
