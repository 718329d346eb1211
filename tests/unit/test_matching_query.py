"""Query values, evidence and screening rows of graph.matching (no store)."""

from __future__ import annotations

import pandas as pd
import pytest

from graph.matching.evidence import birth_date_evidence, country_evidence, identifier_evidence, parse_birth_dates
from graph.matching.matcher import MATCH, NO_LABEL, POSSIBLE_MATCH, label_for, shown_score
from graph.matching.query import (
    Identifier,
    IdKind,
    PartialDate,
    PartyKind,
    Query,
    QueryError,
    country_code,
    parse_date,
    parse_identifier,
    parse_kind,
)
from graph.matching.screening import (
    ScreenHit,
    ScreenResult,
    Summary,
    find_columns,
    rejects_frame,
    results_frame,
    row_query,
)
from graph.model import Entity
from graph.vocabulary import NodeKind


def test_kinds() -> None:
    assert parse_kind("individual") is PartyKind.PERSON
    assert parse_kind("Organization") is PartyKind.COMPANY
    assert parse_kind("ship") is PartyKind.VESSEL
    assert parse_kind("") is PartyKind.UNKNOWN
    with pytest.raises(QueryError, match="unknown kind 'planet'"):
        parse_kind("planet")


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("IMO 9341067", IdKind.IMO, "9341067"),
        ("passport PS745220146", IdKind.PASSPORT, "PS745220146"),
        ("tax id 2540211930", IdKind.TAX_ID, "2540211930"),
        ("INN 2540211930", IdKind.TAX_ID, "2540211930"),
        ("SWIFT VTBRRUMM", IdKind.SWIFT, "VTBRRUMM"),
        ("0xD882CFC20F52F2599D84B8E8D58C7FB62CFE344B", IdKind.WALLET, "0xD882CFC20F52F2599D84B8E8D58C7FB62CFE344B"),
        ("TBQH4JJgQJfnzsUfnhk9DXbzjy4m9rFujD", IdKind.WALLET, "TBQH4JJgQJfnzsUfnhk9DXbzjy4m9rFujD"),
        ("AB-123", IdKind.OTHER, "AB-123"),
    ],
)
def test_identifiers(text: str, kind: IdKind, value: str) -> None:
    assert parse_identifier(text) == Identifier(kind, value)


def test_wallet_addresses_fold_case_only_where_the_chain_ignores_it() -> None:
    assert Identifier(IdKind.WALLET, "0xD882CFC20F52F2599D84B8E8D58C7FB62CFE344B").address.startswith("0xd882")
    assert Identifier(IdKind.WALLET, "BC1Q90ZRDYSY4FLYACW7HSURY3AJS9YZWTWP6GUQ").address.startswith("bc1q90")
    assert (
        Identifier(IdKind.WALLET, "TBQH4JJgQJfnzsUfnhk9DXbzjy4m9rFujD").address == "TBQH4JJgQJfnzsUfnhk9DXbzjy4m9rFujD"
    )


def test_countries_and_dates() -> None:
    assert country_code("Korea, North") == country_code("KP") == "kp"
    assert country_code("Atlantis") is None
    assert parse_date("1984-01-08") == PartialDate(1984, 1, 8)
    assert parse_date("08.01.1984") == PartialDate(1984, 1, 8)
    assert parse_date("1952") == PartialDate(1952)
    with pytest.raises(QueryError, match="not a date"):
        parse_date("soon")
    with pytest.raises(QueryError, match="a name or an identifier"):
        Query()


def test_birth_dates_agree_or_contradict() -> None:
    assert parse_birth_dates("01 Dec 1952 to 31 Dec 1952").years == ((1952, 1952),)
    assert birth_date_evidence(PartialDate(1978, 6, 5), "1978-06-05").effect > 0  # type: ignore[union-attr]
    assert birth_date_evidence(PartialDate(1953), "1953").effect > 0  # type: ignore[union-attr]
    assert birth_date_evidence(PartialDate(1954), "1954 to 1955").effect > 0  # type: ignore[union-attr]
    contradiction = birth_date_evidence(PartialDate(1995, 4, 18), "1978-07-25")
    assert contradiction is not None and contradiction.effect <= -0.3 and "contradicts" in contradiction.text
    assert birth_date_evidence(PartialDate(1960), None) is None


def _entity(kind: NodeKind = NodeKind.PERSON, **props: object) -> Entity:
    return Entity(id="ofac-1", kind=kind, name="X", sanctioned=True, properties={"id": "ofac-1", **props})


def test_countries_agree_or_contradict() -> None:
    entity = _entity(countries=["Korea, North"])
    agree, other = country_evidence(("kp",), entity), country_evidence(("kr",), entity)
    assert agree is not None and agree.effect > 0
    assert other is not None and other.effect < 0
    assert country_evidence(("kp",), _entity()) is None


def test_identifiers_equal_or_contradicting() -> None:
    vessel = _entity(NodeKind.VESSEL, identifiers=["IMO: 9341067"], imo="9341067")
    equal = identifier_evidence((Identifier(IdKind.IMO, "9341067"),), vessel, {"9341067"})
    assert equal[0].decisive and "equals the record's IMO: 9341067" in equal[0].text
    other = identifier_evidence((Identifier(IdKind.IMO, "9123025"),), vessel, set())
    assert other[0].effect < 0 and "differs" in other[0].text


def test_labels_from_thresholds() -> None:
    assert label_for(0.9) == MATCH
    assert label_for(0.9, blocked=True) == POSSIBLE_MATCH
    assert label_for(0.75) == POSSIBLE_MATCH
    assert label_for(0.5) == NO_LABEL


def test_the_label_follows_the_score_as_shown() -> None:
    """A score is shown with 2 decimals: one under a threshold never shows as the threshold without its label (an
    xref pair scored 0.6996 showed 0.70 with no label), and a sum that rounds to a threshold gets its label."""
    for raw in (i / 100_000 for i in range(68_000, 87_000)):
        score = shown_score(raw)
        shown = float(f"{score:.2f}")
        assert (label_for(score) == MATCH) == (shown >= 0.85), raw
        assert (label_for(score) != NO_LABEL) == (shown >= 0.70), raw
        assert abs(score - raw) < 0.0052
    assert (shown_score(0.6996), label_for(shown_score(0.6996))) == (0.6949, NO_LABEL)
    assert (shown_score(0.69996), label_for(shown_score(0.69996))) == (0.7, POSSIBLE_MATCH)
    assert (shown_score(0.8497), label_for(shown_score(0.8497))) == (0.8449, POSSIBLE_MATCH)
    assert shown_score(0.7149) == 0.7149 and shown_score(0.9) == 0.9


def test_columns_found_by_header_and_overrides() -> None:
    headers = ["Ref", "Counterparty Name", "Type", "Nationality", "DOB", "Passport", "Wallet Address"]
    columns = find_columns(headers)
    assert columns == {
        "row_id": "Ref",
        "name": "Counterparty Name",
        "kind": "Type",
        "country": "Nationality",
        "birth_date": "DOB",
        "identifier": "Passport",
        "wallet": "Wallet Address",
    }
    assert find_columns(["Party", "x"], {"name": "Party"})["name"] == "Party"
    with pytest.raises(QueryError, match="no name, identifier or wallet column"):
        find_columns(["foo", "bar"])
    with pytest.raises(QueryError, match="column 'Nom' \\(for name\\) is not in the file"):
        find_columns(["foo"], {"name": "Nom"})


def test_row_query_reads_every_cell_and_names_what_is_wrong() -> None:
    columns = find_columns(["name", "kind", "country", "birth_date", "identifier"])
    row = {"name": "Oh In-chun", "kind": "person", "country": "KP", "birth_date": "", "identifier": "passport PS1"}
    query = row_query(row, columns)
    assert query.kind is PartyKind.PERSON and query.countries == ("kp",)
    assert query.identifiers == (Identifier(IdKind.PASSPORT, "PS1"),)
    header_kind = row_query({"Passport": "X123", "name": "A"}, find_columns(["name", "Passport"]))
    assert header_kind.identifiers == (Identifier(IdKind.PASSPORT, "X123"),)
    with pytest.raises(QueryError, match="birth date '31/31/2020'"):
        row_query({**row, "birth_date": "31/31/2020"}, columns)
    with pytest.raises(QueryError, match="a wallet row needs its address"):
        row_query({"name": "", "kind": "wallet", "identifier": ""}, columns)


def test_results_and_rejects_frames() -> None:
    hit = ScreenHit("ofac-1", "KIM, Jong Un", "Person", 0.97, MATCH, "name …", True, exposure_hops=0)
    results = [
        ScreenResult(1, "r1", "Kim Jong Un", [hit]),
        ScreenResult(2, "r2", "", error="a query needs a name or an identifier"),
        ScreenResult(3, "r3", "Nobody"),
    ]
    frame = results_frame(results)
    assert list(frame["label"]) == [MATCH, "no match"]
    assert frame.loc[0, "hit_1_id"] == "ofac-1" and frame.loc[0, "hit_1_sanctioned"]
    rejects = rejects_frame(results)
    assert isinstance(rejects, pd.DataFrame)
    assert rejects.to_dict(orient="records") == [
        {"line": 2, "row_id": "r2", "name": "", "reason": "a query needs a name or an identifier"}
    ]
    summary = Summary()
    for r in results:
        summary.add(r)
    assert (summary.screened, summary.matches, summary.possible_matches, len(summary.rejected)) == (2, 1, 0, 1)


def test_a_record_s_countries_include_places_of_birth_and_identifier_countries() -> None:
    entity = _entity(birth_place="Kafr Fila, Lebanon", identifiers=["Passport: R85243 (Yemen)"])
    agree = country_evidence(("lb",), entity)
    assert agree is not None and agree.effect > 0
    yemen = country_evidence(("ye",), entity)
    assert yemen is not None and yemen.effect > 0
    company = _entity(NodeKind.COMPANY, countries=["Iran"])
    other = country_evidence(("ae",), company)
    assert other is not None and other.effect == -0.04
