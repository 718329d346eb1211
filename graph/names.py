"""Name normalisation for search: folding (normality), Hangul transliteration and Korean romanisation variants.

Korean names reach analysts in several spellings: Revised Romanization (Gim Jeong-eun), McCune-Reischauer
(Kim Chŏng-ŭn), DPRK usage (Kim Jong Un), South Korean habit (Lee, Park, Choi, Jung) and Hangul (김정은). Each
syllable is mapped to one canonical key, so that every spelling of a name shares its keys; the keys are indexed
beside the folded words, and a query is expanded the same way. Ranking (rapidfuzz) then compares canonical forms.
"""

from __future__ import annotations

import re

from normality import category_replace, normalize
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

# --- Hangul -> Revised Romanization, syllable by syllable (no sound-change rules: names are looked up by syllable)
_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_MEDIALS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu",
    "ui", "i",
)  # fmt: skip
_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng",
    "t", "t", "k", "t", "p", "t",
)  # fmt: skip
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3


def hangul_to_latin(text: str) -> str:
    """Hangul syllables to Revised Romanization, one word per syllable: '김정은' -> 'gim jeong eun'."""
    out: list[str] = []
    for char in text:
        code = ord(char)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            index = code - _HANGUL_FIRST
            initial, rest = divmod(index, 21 * 28)
            medial, final = divmod(rest, 28)
            out.append(f" {_INITIALS[initial]}{_MEDIALS[medial]}{_FINALS[final]} ")
        else:
            out.append(char)
    return "".join(out)


#: What normality's category replacement does to each ASCII character (kept, deleted, or a space), read from it once:
#: for ASCII text, ``normalize(text, lowercase=True, ascii=True)`` is this table after lower() (no Hangul, nothing to
#: transliterate or decompose), and the spaces are squashed by fold's split (tests/unit/test_names_fold.py checks it
#: on every ASCII character and on random texts)
_ASCII_FOLD = str.maketrans({chr(c): category_replace(chr(c)) for c in range(128)})


def fold(text: str) -> str:
    """Lower-case ASCII words without punctuation: 'KIM, Jong-Un' -> 'kim jong un', '김정은' -> 'gim jeong eun'."""
    if text.isascii():  # the common case, as normalize would fold it, several times faster
        return " ".join(text.lower().translate(_ASCII_FOLD).split())
    folded = normalize(hangul_to_latin(text), lowercase=True, ascii=True)
    return " ".join((folded or "").split())


# --- romanisation variants -> one canonical key per syllable -----------------------------------------------------
_VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("kim", "gim"),
    ("ri", "lee", "yi", "rhee", "li", "i", "rhie", "yee", "ree"),
    ("pak", "park", "bak", "pahk"),
    ("choe", "choi", "chwe", "choy"),
    ("jong", "jeong", "chong", "chung", "jung", "cheong"),
    ("yong", "yeong", "young", "ryong", "ryeong"),
    ("un", "eun", "eun"),
    ("song", "seong", "sung"),
    ("hyok", "hyeok", "hyuk"),
    ("chol", "cheol", "chul"),
    ("kwang", "gwang"),
    ("sin", "shin"),
    ("o", "oh"),
    ("ryu", "yu", "yoo", "ryoo"),
    ("rim", "lim", "im"),
    ("kang", "gang"),
    ("ko", "go", "koh"),
    ("jo", "cho"),
    ("il", "ill"),
    ("myong", "myeong", "myung"),
    ("hyon", "hyeon", "hyun"),
    ("jin", "chin"),
    ("yon", "yeon", "yun"),
    ("ho", "hoh"),
    ("nam", "nahm"),
    ("han", "hahn"),
    ("chang", "jang"),
    ("tae", "dae"),
    ("tong", "dong"),
    ("kyong", "gyeong", "kyung", "kyeong"),
    ("mun", "moon"),
    ("son", "sohn"),
    ("ryom", "yeom", "yom"),
    ("chon", "jeon", "chun", "jun"),
    ("pyon", "byeon", "byun"),
)
_CANONICAL: dict[str, str] = {variant: group[0] for group in _VARIANT_GROUPS for variant in group}


def canonical_token(token: str) -> str:
    """The canonical key of one romanised syllable (unchanged when it is not a known Korean variant)."""
    t = token
    if t in _CANONICAL:
        return _CANONICAL[t]
    # McCune-Reischauer breves are folded away by `fold` (ŏ -> o, ŭ -> u); Revised Romanization's eo/eu follow suit
    if t.isalpha() and len(t) <= 6 and ("eo" in t or "eu" in t):
        return _CANONICAL.get(t.replace("eo", "o").replace("eu", "u"), t.replace("eo", "o").replace("eu", "u"))
    return t


def canonical(text: str) -> str:
    """Folded text with every word replaced by its canonical key: 'Gim Jeong-eun' -> 'kim jong un'."""
    return " ".join(canonical_token(t) for t in fold(text).split())


_APOSTROPHES = re.compile("['`\u2019\u2018\u02bc\u02bb]")


def search_forms(name: str) -> list[str]:
    """What is indexed for a name: its folded form and, when different, its canonical form; for a name written
    with apostrophes (McCune-Reischauer So'k-min, Arabic 'Abd), also its folded form without them (sok min)."""
    folded = fold(name)
    forms = [folded] if folded else []
    canon = " ".join(canonical_token(t) for t in folded.split())  # canonical(name), without folding it twice
    if canon and canon != folded:
        forms.append(canon)
    if _APOSTROPHES.search(name):
        joined = fold(_APOSTROPHES.sub("", name))
        if joined and joined not in forms:
            forms.append(joined)
    return forms


#: What a word one typo away scores (a letter added, dropped, changed, or two neighbours swapped: 'Unn', 'Bnak').
ONE_TYPO_SCORE = 82.0


def _token_similarity(query_token: str, name_tokens: list[str]) -> float:
    best = 0.0
    for token in name_tokens:
        if token == query_token:
            return 100.0
        if len(query_token) >= 2 and token.startswith(query_token):
            best = max(best, 90.0)
            continue
        if len(query_token) >= 4:
            best = max(best, fuzz.ratio(query_token, token))
        if len(query_token) >= 3 and len(token) >= 2 and OSA.distance(query_token, token, score_cutoff=1) <= 1:
            best = max(best, ONE_TYPO_SCORE)
    return best


def match_score(query: str, name: str) -> tuple[float, str] | None:
    """How well a name answers a query (0-100) and why, or None when some query word finds no match.

    Every query word must match a word of the name exactly, as a prefix, with one typo (words of 3+ letters: a
    letter added, dropped or changed, or two neighbours swapped: 'Unn' finds Un, 'Bnak' Bank) or (words of 4+
    letters) with at most about one typo in five letters (rapidfuzz ratio >= 80), either as written or through its
    canonical romanisation; word order, case, accents and punctuation do not matter.
    """
    q_folded, n_folded = fold(query).split(), fold(name).split()
    if not q_folded or not n_folded:
        return None
    scores: list[float] = []
    via_variant = False
    n_canonical = [canonical_token(t) for t in n_folded]
    for qt in q_folded:
        direct = _token_similarity(qt, n_folded)
        variant = _token_similarity(canonical_token(qt), n_canonical)
        if max(direct, variant) < 80.0:
            return None
        if variant > direct:
            via_variant = True
        scores.append(max(direct, variant))
    score = sum(scores) / len(scores)
    if len(q_folded) == len(n_folded) and score == 100.0:
        reason = "romanisation variant" if via_variant else "exact"
    elif via_variant:
        reason = "romanisation variant"
    elif min(scores) < 90.0:
        reason = "similar spelling"
    else:
        reason = "words"
    if len(q_folded) < len(n_folded):
        score -= 2.0 * (len(n_folded) - len(q_folded))  # 'kim' ranks 'Kim Il' above 'Kim Jong Un Il'
    return score, reason


def query_terms(query: str) -> list[str]:
    """The distinct words to look up in the full-text index: folded words and their canonical keys."""
    words = fold(query).split()
    return list(dict.fromkeys([*words, *(canonical_token(w) for w in words)]))
