"""Pure parts of issue 12 items 4-5: country naming, one-letter typos in search."""

from __future__ import annotations

from graph import country_code, country_name, country_names
from graph.names import match_score


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
