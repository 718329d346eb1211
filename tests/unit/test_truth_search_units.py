"""Pure parts of issue 12 items 4-5: country naming, one-letter typos in search."""

from __future__ import annotations

from dashboard.pages import search as search_page
from graph import Entity, NodeKind, SearchHit, country_code, country_name, country_names
from graph.names import match_score
from tests.unit.dash_tree import text, walk


def test_one_country_naming_for_codes_and_names() -> None:
    assert country_name("KP") == "North Korea (KP)"
    assert country_name("kp") == "North Korea (KP)"
    assert country_name("Korea, North") == "North Korea (KP)"
    assert country_names(["KP", "Korea, North", "ir"]) == ["North Korea (KP)", "Iran (IR)"]
    assert country_code("Korea, North") == "kp"
    assert country_name("Atlantis") == "Atlantis"
    assert country_code("Atlantis") is None


def test_one_letter_typos_in_any_word_are_found() -> None:
    assert match_score("Kim Jong Unn", "KIM, Jong Un") is not None  # a letter added to a 2-letter word
    assert match_score("Korea Daesong Bnak", "KOREA DAESONG BANK") is not None  # two neighbours swapped
    assert match_score("Kim Jong Un", "KIM, Jong Un") == (100.0, "exact")
    typo = match_score("Kim Jong Unn", "KIM, Jong Un")
    assert typo is not None and typo[0] < 100.0 and typo[1] == "similar spelling"


def test_typos_do_not_make_other_names_match() -> None:
    assert match_score("Kim Jong Un", "Kim Jong Il") is None  # two-letter words are not guessed at
    assert match_score("Hyok", "Hak") is None
    assert match_score("Kim Jong Unn", "Kim Jong Chol") is None


def _hit(entity_id: str, name: str, kind: str = "Person", sanctioned: bool = False, **props: object) -> SearchHit:
    return SearchHit(Entity(entity_id, NodeKind(kind), name, sanctioned, {"id": entity_id, **props}), name, "exact")


HITS = [
    _hit(
        "p-1",
        "KIM Il",
        "Person",
        True,
        birth_date="1960-01-01",
        countries=["KP"],
        programs=["DPRK"],
        datasets=["us_ofac_sdn"],
    ),
    _hit(
        "p-2",
        "KIM Il",
        "Person",
        False,
        birth_date="1984-05-02",
        countries=["Korea, North"],
        datasets=["demo_fictional"],
    ),
    _hit("c-1", "Kim Trading", "Company", False, countries=["cn"], datasets=["demo_fictional"]),
]


def test_search_rows_tell_two_people_of_one_name_apart() -> None:
    table = search_page.results_table("kim il", HITS[:2])
    rows = [r for r in walk(table) if "result" in str(getattr(r, "className", "")).split()]
    first, second = (text(r) for r in rows)
    assert "1960-01-01" in first and "DPRK" in first and "us_ofac_sdn" in first and "p-1" in first
    assert "1984-05-02" in second and "demo_fictional" in second and "p-2" in second
    assert "North Korea (KP)" in first and "North Korea (KP)" in second  # one country naming


def test_facets_count_filter_and_sort_the_hits() -> None:
    counts = search_page.facet_counts(HITS)
    assert counts["kind"] == [("Person", 2), ("Company", 1)]
    assert counts["country"][0] == ("North Korea (KP)", 2)
    assert counts["sanctioned"] == [("not sanctioned", 2), ("sanctioned", 1)]
    assert [h.entity.id for h in search_page.filter_hits(HITS, {"country": "North Korea (KP)"})] == ["p-1", "p-2"]
    assert [h.entity.id for h in search_page.filter_hits(HITS, {"dataset": "demo_fictional", "kind": "Company"})] == [
        "c-1"
    ]
    assert [h.entity.id for h in search_page.sort_hits(HITS, "born")] == ["p-1", "p-2", "c-1"]
    assert [h.entity.id for h in search_page.sort_hits(HITS, "name")] == ["p-1", "p-2", "c-1"]
    assert search_page.chosen({"kind": "Person", "sort": "name", "bogus": "x"}) == {"kind": "Person", "sort": "name"}
    assert search_page.search_href("kim", {"kind": "Person", "sort": "name"}) == ("/", "?q=kim&kind=Person&sort=name")
