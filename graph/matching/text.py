"""Names to comparable tokens: scripts transliterated, legal forms set apart, each word with its matching keys.

A name in any script becomes a list of ``Token``: a folded ASCII word plus the keys under which two spellings of
one name meet - a Korean romanisation key (graph.names' canonical syllables, then McCune-Reischauer/Revised
consonant pairs), a spelling-group key (graph.matching.tables), a consonant skeleton (vowels and doubled letters
dropped, sh/ch/sch one letter, q=k, v=w, x=ks: Qasim = Qassem, Sergeevich = Sergeyevich, Mousa = Musa) and
rigour's name symbols (Wikidata ids of given names, across scripts: Mohammed = Muhammad = محمد).

Scripts: Hangul syllable by syllable (graph.names), Cyrillic by ICU's Russian BGN/PCGN transform (the system of
the US and UK lists: Mishustin, Yevgeniy), Arabic and Persian letter by letter with the long vowels read as vowels
(نعيم -> naim), Chinese by ICU Han-Latin (pinyin, one word per character), anything else by normality.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import icu  # type: ignore[import-untyped]
from normality import ascii_text
from rigour.names import NameTypeTag, analyze_names, extract_org_types, remove_org_types

from graph.matching.tables import (
    ABBREVIATIONS,
    ARABIC_LETTERS,
    ARABIC_WORDS,
    GENERIC_WORDS,
    PARTICLES,
    PERSON_WEAK_WORDS,
    VARIANT_GROUPS,
    WEAK_WORDS,
)
from graph.names import canonical_token, hangul_to_latin

_VARIANT_KEY: dict[str, str] = {v: group[0] for group in VARIANT_GROUPS for v in group}
_APOSTROPHES = re.compile("['`\u2019\u2018\u02bc\u02bb\u00b4\u02b9\u02bf\u02be]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# --- scripts ---------------------------------------------------------------------------------------------------
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alif, tatweel
_LATIN_CONSONANT = set("bcdfghjklmnpqrstvxz")


def _arabic_word(word: str) -> list[str]:
    """One Arabic or Persian word to Latin: a common name word as usually romanised (ARABIC_WORDS: 'محمد' ->
    ['muhammad']), others letter by letter with long vowels read as vowels: 'الشباب' -> ['al', 'shabab']."""
    word = _ARABIC_MARKS.sub("", word).replace("\u200c", "").replace("ی", "ي").replace("ک", "ك")
    if word in ARABIC_WORDS:
        return ARABIC_WORDS[word].split()
    out: list[str] = []
    if word.startswith("ال") and len(word) > 3:
        if word[2:] in ARABIC_WORDS:
            return ["al", *ARABIC_WORDS[word[2:]].split()]
        out.append("al")
        word = word[2:]
    letters = [ARABIC_LETTERS.get(ch, ch) for ch in word]
    text = ""
    for i, latin in enumerate(letters):
        prev = text[-1:] if text else ""
        nxt = letters[i + 1][:1] if i + 1 < len(letters) else ""
        if latin in ("w", "y") and prev and prev in _LATIN_CONSONANT | {"a"} and (not nxt or nxt in _LATIN_CONSONANT):
            latin = "u" if latin == "w" else "i"  # a long vowel between consonants: محمود -> mahmud-like, نعيم -> naim
        if latin == "a" and word[i] == "ع" and prev == "a":
            latin = ""
        text += latin
    out.append(text)
    return [t for t in out if t]


_TRANSLITERATORS: dict[str, icu.Transliterator] = {}
_ICU_LOCK = threading.Lock()


def _icu(transform: str, text: str) -> str:
    with _ICU_LOCK:  # ICU transliterator instances are not thread-safe
        tr = _TRANSLITERATORS.get(transform)
        if tr is None:
            tr = _TRANSLITERATORS[transform] = icu.Transliterator.createInstance(transform)
        return str(tr.transliterate(text))


def _script(ch: str) -> str:
    code = ord(ch)
    if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "han"
    return "latin" if code < 0x0250 else "other"


def word_script(word: str) -> str:
    """The script of a word's letters ('latin' for ASCII and Latin accents)."""
    for ch in word:
        if ch.isalpha():
            s = _script(ch)
            if s != "latin":
                return s
    return "latin"


def _fold_word(text: str) -> list[str]:
    folded = ascii_text(text) or ""
    folded = _APOSTROPHES.sub("", folded)
    return [w for w in re.split(r"[^a-z0-9]+", folded.lower()) if w]


@lru_cache(maxsize=65536)
def latin_words(word: str) -> tuple[tuple[str, ...], str]:
    """One written word as folded Latin words, and its script: 'Мишустин' -> (('mishustin',), 'cyrillic')."""
    script = word_script(word)
    if script == "hangul":
        return tuple(_fold_word(hangul_to_latin(word))), script
    if script == "cyrillic":
        return tuple(_fold_word(_icu("Russian-Latin/BGN", word))), script
    if script == "arabic":
        return tuple(w for part in _arabic_word(word) for w in _fold_word(part)), script
    if script == "han":
        return tuple(_fold_word(_icu("Han-Latin", word))), script
    return tuple(_fold_word(word)), script


# --- token keys --------------------------------------------------------------------------------------------------
_SKELETON_DIGRAPHS = (("sch", "x"), ("tch", "x"), ("sh", "x"), ("ch", "x"), ("zh", "j"), ("kh", "k"), ("gh", "g"),
                      ("ph", "f"), ("th", "t"), ("dh", "d"), ("ck", "k"), ("ks", "x"), ("q", "k"), ("c", "k"),
                      ("v", "w"), ("z", "s"))  # fmt: skip
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLE = re.compile(r"(.)\1+")


def skeleton(form: str) -> str:
    """Consonants of a romanised word, doubled ones once, sound-alike spellings as one letter."""
    s = form
    for a, b in _SKELETON_DIGRAPHS:
        s = s.replace(a, b)
    s = s.replace("x", "ks").replace("ks", "x")
    s = _VOWELS.sub("", s)
    s = s.replace("h", "") if len(s) > 2 else s
    return _DOUBLE.sub(r"\1", s)


_KOREAN_INITIALS = (("g", "k"), ("b", "p"), ("d", "t"), ("j", "ch"), ("r", "l"))


def korean_key(form: str) -> str:
    """A romanised Korean syllable (or joined syllables) under one key: Gil = Kil, Baek = Paek, Seok = So'k."""
    key = canonical_token(form)
    key = key.replace("eo", "o").replace("eu", "u").replace("ae", "a").replace("oo", "u").replace("ee", "i")
    key = key.replace("wo", "o").replace("sh", "s")
    for a, b in _KOREAN_INITIALS:
        if key.startswith(a) and not key.startswith(b):
            key = b + key[len(a) :]
    return key.replace("ch", "j").replace("h", "") if len(key) > 2 else key


@lru_cache(maxsize=65536)
def _symbols(word: str) -> frozenset[str]:
    """rigour's name symbols (given-name Wikidata ids) of one written word, in its own script."""
    found: set[str] = set()
    for name in analyze_names(NameTypeTag.PER, [word], phonetics=False, numerics=False):
        for span in name.spans:
            if span.symbol.category.value == "NAME" and len(span.parts) == 1:
                found.add(span.symbol.id)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a name with its matching keys."""

    form: str
    written: str  # the word as written (original script), for explanations
    script: str
    weight: float
    particle: str
    variant: str
    korean: str
    skeleton: str
    symbols: frozenset[str]

    @property
    def weak(self) -> bool:
        return self.weight < 0.3


_ROMAN = {
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "xi": "11",
    "xii": "12",
    "xiii": "13",
    "xiv": "14",
    "xv": "15",
    "xvi": "16",
    "xvii": "17",
    "xviii": "18",
    "xix": "19",
    "xx": "20",
}


@lru_cache(maxsize=131072)
def make_token(form: str, written: str, script: str, kind: str) -> Token:
    if kind == "object" and form in _ROMAN:  # vessel and company numbers: BICENTENARIO VIII = BICENTENARIO 8
        form = _ROMAN[form]
    particle = PARTICLES.get(form, "")
    if particle:
        weight = 0.25
    elif form in (PERSON_WEAK_WORDS if kind == "person" else WEAK_WORDS):
        weight = 0.1
    elif kind != "person" and form in GENERIC_WORDS:
        weight = 0.4
    elif form.isdigit():
        weight = 0.6
    elif len(form) == 1:
        weight = 0.3  # an initial, or a one-letter name (Korean O)
    else:
        weight = 0.55 + 0.45 * min(len(form), 8) / 8
    return Token(
        form=form,
        written=written,
        script=script,
        weight=weight,
        particle=particle,
        variant=_VARIANT_KEY.get(form, form),
        korean=korean_key(form) if len(form) <= 9 else form,
        skeleton=skeleton(form),
        symbols=_symbols(written) if kind in ("person", "unknown") and not particle and len(form) > 1 else frozenset(),
    )


# --- whole names --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready to compare: its tokens, the legal form it carried (rigour's generic class, e.g. 'llc') and the
    scripts it was written in."""

    original: str
    tokens: tuple[Token, ...]
    legal_forms: tuple[tuple[str, str], ...]  # (as written, class)
    scripts: frozenset[str]
    #: Positions of a person's middle names (after the first given name; given names follow a comma when there is
    #: one, 'SURNAME, Given Middle', else all but the last word): one left out costs less (graph.matching.compare).
    middle: frozenset[int] = frozenset()

    @property
    def strong_tokens(self) -> tuple[Token, ...]:
        return tuple(t for t in self.tokens if not t.weak)


def _contract(words: list[str]) -> list[str]:
    text = " " + " ".join(words) + " "
    for long, short in ABBREVIATIONS.items():
        if f" {long} " in text:
            text = text.replace(f" {long} ", f" {short} ")
    return text.split()


#: Abbreviated legal words spelled out, so that rigour finds the whole legal form ('Public Joint Stock Co.').
_LEGAL_ABBREVIATIONS = (
    (re.compile(r"\bCo\.?(?=[\s,]|$)", re.IGNORECASE), "Company"),
    (re.compile(r"\bCorp\.?(?=[\s,]|$)", re.IGNORECASE), "Corporation"),
    (re.compile(r"\bLtd\.?(?=[\s,]|$)", re.IGNORECASE), "Limited"),
    (re.compile(r"\bInc\.?(?=[\s,]|$)", re.IGNORECASE), "Incorporated"),
)
#: What rigour leaves of some legal forms: 'S.A. de C.V.' written out leaves 'de C.V.'; 'Private'/'Public' before a
#: joint-stock company.
_LEGAL_REMNANTS = re.compile(r"\b(?:de\s+)?(?:C\.?\s?V|R\.?\s?L|S\.?\s?A)\.?(?=[\s,]|$)", re.IGNORECASE)
_LEGAL_QUALIFIERS = re.compile(r"^\s*(?:private|public|closed|open)\b|\b(?:private|public|closed|open)\s*$", re.I)


def _spell_out_legal(text: str) -> str:
    for pattern, word in _LEGAL_ABBREVIATIONS:
        text = pattern.sub(word, text)
    return text


#: What a name names, for the rules that depend on it: persons' given names carry name symbols, organisations'
#: legal forms are set apart, objects' (vessels, aircraft) roman numerals are numbers; "unknown" gets all but the last.
NameKind = Literal["person", "organization", "object", "unknown"]


@lru_cache(maxsize=65536)
def prepare_name(text: str, kind: NameKind) -> NameForm:
    """A written name as tokens (see NameKind for what ``kind`` changes)."""
    raw = unicodedata.normalize("NFC", text.strip())
    legal: tuple[tuple[str, str], ...] = ()
    if kind in ("organization", "unknown"):
        spelled = _spell_out_legal(raw)
        try:
            legal = tuple((w, c) for w, c in extract_org_types(spelled, generic=True))
        except Exception:
            legal = ()
        if legal:
            stripped = _LEGAL_REMNANTS.sub(" ", remove_org_types(spelled, replacement=" "))
            stripped = _LEGAL_QUALIFIERS.sub(" ", stripped)
            if stripped.strip():
                raw = stripped
    raw = _APOSTROPHES.sub("", raw)
    pieces: list[tuple[str, str, str]] = []  # (form, written, script)
    scripts: set[str] = set()
    comma = raw.find(",")
    given_from = -1  # index of the first piece after the comma
    for match in _WORD.finditer(raw):
        word = match.group(0)
        if comma >= 0 and given_from < 0 and match.start() > comma:
            given_from = len(pieces)
        latin, script = latin_words(word)
        scripts.add(script)
        pieces += [(f, word, script) for f in latin]
    contracted = _contract([p[0] for p in pieces])
    if len(contracted) != len(pieces):  # an abbreviation replaced a phrase: the written words are the forms
        pieces = [(f, f, "latin") for f in contracted]
    tokens = tuple(make_token(f, w, s, kind) for f, w, s in pieces)
    middle: frozenset[int] = frozenset()
    if kind == "person" and len(tokens) > 2:
        if given_from > 0:
            middle = frozenset(range(given_from + 1, len(tokens)))
        elif comma < 0:
            middle = frozenset(range(1, len(tokens) - 1))
    return NameForm(original=text, tokens=tokens, legal_forms=legal, scripts=frozenset(scripts), middle=middle)


#: Spelling rules between romanisations of one sound (Arabic, Persian, Russian): each applied at every place.
_SPELLING_RULES: tuple[tuple[str, str], ...] = (
    ("q", "k"), ("k", "q"), ("u", "oo"), ("u", "ou"), ("oo", "u"), ("ou", "u"), ("o", "u"), ("u", "o"),
    ("i", "ee"), ("ee", "i"), ("e", "i"), ("i", "e"), ("aa", "a"), ("a", "aa"), ("ss", "s"), ("s", "ss"),
    ("y", "i"), ("iy", "y"), ("ii", "y"), ("ye", "e"), ("e", "ye"), ("j", "dj"), ("dj", "j"), ("w", "v"), ("v", "w"),
    ("ph", "f"), ("f", "ph"), ("kh", "h"), ("h", "kh"), ("sh", "ch"), ("ch", "sh"), ("x", "ks"), ("ks", "x"),
    ("ei", "ai"), ("ai", "ei"), ("ay", "ai"), ("ai", "ay"), ("o", "a"), ("a", "o"), ("e", "a"), ("a", "e"),
)  # fmt: skip


_ODD = re.compile(r"(.)\1\1|yy|ww|hh|aa.*aa|ee.*ee|oo.*oo")


#: Rules that change vowels only ('y' counts as one, as in skeleton): their variants keep the word's skeleton (the
#: consonant runs between the vowels stay as they are), so it need not be computed again.
_VOWEL_RULES = frozenset((a, b) for a, b in _SPELLING_RULES if set(a + b) <= set("aeiouy"))


def _apply_rules(word: str) -> dict[str, bool]:
    """Each variant one rule step away, in rule order, and whether a vowel-only rule made it."""
    out: dict[str, bool] = {}
    for a, b in _SPELLING_RULES:
        vowels = (a, b) in _VOWEL_RULES
        start = word.find(a)
        while start != -1:
            variant = word[:start] + b + word[start + len(a) :]
            out[variant] = out.get(variant, False) or vowels
            start = word.find(a, start + 1)
    out.pop(word, None)
    return out


@lru_cache(maxsize=65536)
def spelling_variants(word: str, limit: int = 24) -> tuple[str, ...]:
    """Other romanisations of a word, one or two rule steps away (Marzuq -> Marzook, Marzouk…), with the same
    consonant skeleton, at most ``limit``: looked up as written in the name index (graph.matching.matcher)."""
    if len(word) < 4 or not word.isalpha():
        return ()
    key = skeleton(word)
    first = [v for v, kept in _apply_rules(word).items() if kept or skeleton(v) == key]  # consonants kept
    seen = set(first)
    second: dict[str, bool] = {}
    for w in first:
        for v, kept in _apply_rules(w).items():
            if v not in seen:
                second[v] = second.get(v, False) or kept
    same = [*first, *(v for v, kept in second.items() if v != word and (kept or skeleton(v) == key))]
    return tuple([v for v in same if not _ODD.search(v)][:limit])


def vocalisations(form: str, limit: int = 27) -> tuple[str, ...]:
    """Readings of a word written without its short vowels (Arabic script read letter by letter: 'hsn' -> hasan,
    husn…, 'slami' -> salami, sulami…): a vowel (a, i, u) or none between two adjacent consonants, at most
    ``limit`` (for index look-ups)."""
    if not 2 <= len(form) <= 9 or not form.isalpha():
        return ()
    readings = [""]
    for i, ch in enumerate(form[:-1]):
        between = ch not in "aeiouy" and form[i + 1] not in "aeiouy"
        readings = [r + ch + v for r in readings for v in (("a", "i", "u", "") if between else ("",))][:81]
    return tuple(dict.fromkeys(r + form[-1] for r in readings if r + form[-1] != form))[:limit]


_CONSONANT_Y = re.compile(r"(?<=[bcdfghjklmnpqrstvwxz])y(?=[aeiou])")


@lru_cache(maxsize=16384)
def arabic_readings(form: str, limit: int = 40) -> tuple[str, ...]:
    """Romanisations of a word read letter by letter from Arabic script: its vocalisations, a consonant y before a
    vowel as iy, and a final a (ta marbuta) as ah or eh: 'hnya' -> haniya, haniyeh…"""
    out: dict[str, None] = {}
    for v in (form, *vocalisations(form)):
        for w in dict.fromkeys((v, _CONSONANT_Y.sub("iy", v))):
            out[w] = None
            if w.endswith("a") and len(w) > 3:
                out[w + "h"] = None
                out[w[:-1] + "eh"] = None
    out.pop(form, None)
    return tuple(out)[:limit]
