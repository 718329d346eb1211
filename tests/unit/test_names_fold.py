"""graph.names.fold's fast path for ASCII text gives exactly what normality's normalize gives (the slow path)."""

from __future__ import annotations

import random

from normality import normalize

from graph.names import fold, hangul_to_latin, search_forms


def _reference(text: str) -> str:
    """fold as it was before the fast path: normality for every text."""
    return " ".join((normalize(hangul_to_latin(text), lowercase=True, ascii=True) or "").split())


def test_every_ascii_character_folds_as_normality_folds_it() -> None:
    for code in range(128):
        c = chr(code)
        for text in (c, f"a{c}b", f"A{c}{c}B", f"  {c}x{c} ", f"{c}Kim{c}Jong-Un{c}"):
            assert fold(text) == _reference(text), repr(text)


def test_random_ascii_texts_fold_as_normality_folds_them() -> None:
    rng = random.Random(14)
    alphabet = [chr(c) for c in range(128)] + list("aeiouKIMJONG ''-.,") * 4
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        assert fold(text) == _reference(text), repr(text)


def test_non_ascii_texts_still_go_through_normality() -> None:
    for text in ("김정은", "Kim Chŏng-ŭn", "Ḥassan ʿAbd", "Straße", "\uff2b\uff29\uff2d"):
        assert fold(text) == _reference(text)
    assert search_forms("Kim Jeong-eun") == ["kim jeong eun", "kim jong un"]
