"""Two prepared names compared word by word: which word matched which, how, and one score in [0, 1].

Words are aligned whatever their order (surname first or last). A word may also meet two or three adjacent words
of the other name written as one (Binalshibh = bin al-Shibh, Yinyin = Yin Yin, Kyonghak = Kyong Hak). Each pair
gets the best of these relations, strongest first:

==========================  =====  ==============================================================================
relation                    score  example
==========================  =====  ==============================================================================
same word                   1.00   Naryshkin = NARYSHKIN (case, accents and script folded first)
particle                    1.00   al = el, bin = ibn
spelling variant            0.95   Aleksandr = Alexander, Qassem = Qasim (graph.matching.tables)
same given name             0.95   Mohammed = Muhammad, قاسم = Qasim (rigour's name symbols)
Korean romanisation         0.93   Baek = Paek, Gil = Kil, Seok = So'k, Choe = Choi
transliteration             0.90   Shabab ~ Shabaab, Qintero ~ Quintero (one vowel apart, same consonants)
one letter differs          0.90   Sechim ~ Sechin, Myanmar ~ Myanma, Gem ~ Gems (not between two known
                                   given names that rigour says differ: Qasim / Wasim)
transliteration             0.88   Marzuq ~ Marzook, Sergeevich ~ Sergeyevich (same consonant skeleton)
similar spelling            <0.88  normalised edit distance (kept from 0.6)
==========================  =====  ==============================================================================

The name score weighs each word by how much it tells (particles and legal words little, long words more) and
blends the share of the query's words that found a partner (65%) with the share of the candidate's (35%), so a
word missing from the query costs less than an unexplained query word; a person's middle name left out costs half
its weight.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from graph.matching.text import NameForm, NameKind, Token, make_token
from graph.names import canonical_token

QUERY_SHARE = 0.65
_VOWEL_START = frozenset("aeiou")
#: A person's middle name left out of the other name counts this share of its weight (middle names are often
#: dropped: Musa Abu Marzuq for ABU MARZOOK, Mousa Mohammed).
MIDDLE_NAME_SHARE = 0.5
#: Matched words in another order than a rotation of the other name's (given names swapped) cost this much.
ORDER_PENALTY = 0.03
#: A vessel's or aircraft's number on one side only, or numbers that differ, cost this much.
NUMBER_PENALTY = 0.15
#: Names of one word each that differ by a typo only weigh less (HAMAS / HAMMS; not Hezbollah / Hizballah).
_ONE_WORD_FACTOR = 0.9
_MIN_PAIR = 0.6


@dataclass(frozen=True, slots=True)
class Pair:
    """Words of the query and of the candidate found to be the same word."""

    query: tuple[Token, ...]
    candidate: tuple[Token, ...]
    score: float
    how: str

    def describe(self) -> str:
        q = " ".join(t.written if t.script != "latin" else t.form for t in _dedup(self.query))
        c = " ".join(t.form for t in self.candidate)
        if self.how == "same word":
            return q if q == c else f"{q} = {c}"
        return f"{q} ~ {c} ({self.how})"


def _dedup(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    out: list[Token] = []
    for t in tokens:
        if not out or t.written != out[-1].written or t.script == "latin":
            out.append(t)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class NameMatch:
    """How one query name matches one candidate name."""

    score: float
    query: NameForm
    candidate: NameForm
    pairs: tuple[Pair, ...]
    query_coverage: float
    candidate_coverage: float
    legal_form: str  # "" or a sentence about the legal forms

    def describe(self) -> str:
        words = "; ".join(p.describe() for p in self.pairs if not (p.how == "same word" and p.query[0].weak))
        missing = [
            t.form for t in self.candidate.tokens if not t.weak and not any(t in p.candidate for p in self.pairs)
        ]
        extra = [t.form for t in self.query.tokens if not t.weak and not any(t in p.query for p in self.pairs)]
        text = f"name '{self.query.original}' ~ '{self.candidate.original}' ({self.score:.2f}): {words or 'no word'}"
        if extra:
            text += f"; unmatched query words: {' '.join(extra)}"
        if missing:
            text += f"; not in the query: {' '.join(missing)}"
        if self.legal_form:
            text += f"; {self.legal_form}"
        return text


def _vowels_nest(a: str, b: str) -> bool:
    """The vowels of the shorter word are a subsequence of the longer's (Rimi / Raimi, Musa / Mousa; not Hyok / Hak)."""
    va, vb = [ch for ch in a if ch in "aeiouy"], [ch for ch in b if ch in "aeiouy"]
    short, long = (va, vb) if len(va) <= len(vb) else (vb, va)
    rest = iter(long)
    return all(ch in rest for ch in short)


def _consonants(form: str) -> str:
    return "".join(ch for ch in form if ch not in "aeiouy")


def token_similarity(a: Token, b: Token) -> tuple[float, str]:
    """How alike two words are (0-1) and the relation that says so (see the module's table)."""
    if a.form == b.form:
        return 1.0, "same word"
    if a.particle and a.particle == b.particle:
        return 1.0, "particle"
    if a.form.isdigit() or b.form.isdigit():
        return 0.0, ""
    if a.variant == b.variant:
        return 0.95, "spelling variant"
    if a.symbols and b.symbols and not a.symbols.isdisjoint(b.symbols):
        return 0.95, "same given name"
    short = max(len(a.form), len(b.form)) <= 7
    if short and a.korean == b.korean and (len(a.korean) >= 2 or canonical_token(a.form) == canonical_token(b.form)):
        return 0.93, "Korean romanisation"
    longest = max(len(a.form), len(b.form))
    shortest = min(len(a.form), len(b.form))
    distance = Levenshtein.distance(a.form, b.form, score_cutoff=3)
    # two known given names that are not the same name are not a typo of each other (Qasim / Wasim)
    # nor are two spellings of which one was read letter by letter from Arabic script (its short vowels guessed)
    other_names = bool(a.symbols and b.symbols) or "arabic" in (a.script, b.script)
    if distance == 1 and len(a.skeleton) >= 2 and _consonants(a.form) == _consonants(b.form):
        return 0.9, "transliteration"  # a vowel more or less: Shabaab / Shabab, Quintero / Qintero
    if (
        distance == 1
        and not other_names
        and shortest >= 3
        and (shortest >= 5 or a.form.rstrip("s") == b.form.rstrip("s"))
    ):
        return 0.9, "one letter differs"
    same_start = a.form[0] == b.form[0] or (a.form[0] in _VOWEL_START and b.form[0] in _VOWEL_START)
    if a.skeleton == b.skeleton and len(a.skeleton) >= 2 and same_start and _vowels_nest(a.form, b.form):
        return 0.88, "transliteration"
    if a.skeleton == b.skeleton and len(a.skeleton) >= 3:
        return 0.88, "transliteration"
    if shortest >= 5 and not other_names:
        sim = 1.0 - Levenshtein.distance(a.form, b.form) / longest
        if sim >= _MIN_PAIR:
            return min(sim, 0.87), "similar spelling"
    return 0.0, ""


@lru_cache(maxsize=65536)
def _joined(forms: tuple[str, ...], written: tuple[str, ...], kind: NameKind) -> Token:
    """Adjacent words as one (its name symbols are those of the joined word, not of its parts)."""
    form = "".join(forms)
    return replace(make_token(form, form, "latin", kind), written=" ".join(written))


def _run(tokens: tuple[Token, ...], i: int, j: int, kind: NameKind) -> Token:
    if j - i == 1:
        return tokens[i]
    part = tokens[i:j]
    return _joined(tuple(t.form for t in part), tuple(t.written for t in part), kind)


def _spans(tokens: tuple[Token, ...]) -> tuple[tuple[int, int], ...]:
    """(start, end) of single words and of runs of 2-3 adjacent words."""
    return _spans_of(len(tokens))


@lru_cache(maxsize=64)
def _spans_of(n: int) -> tuple[tuple[int, int], ...]:
    return tuple((i, j) for i in range(n) for j in range(i + 1, min(i + 3, n) + 1))


def _total(tokens: tuple[Token, ...], middle: frozenset[int], used: set[int]) -> float:
    """The weight of a name's words, middle names left unmatched counting MIDDLE_NAME_SHARE."""
    total = sum(t.weight * (MIDDLE_NAME_SHARE if i in middle and i not in used else 1) for i, t in enumerate(tokens))
    return total or 1.0


def _in_order(pairs: list[Pair], q: tuple[Token, ...], c: tuple[Token, ...]) -> bool:
    """Whether the matched words keep their order up to a rotation (surname first or last)."""
    strong = [p for p in pairs if not all(t.weak or t.particle for t in p.query)]
    seq = [c.index(p.candidate[0]) for p in sorted(strong, key=lambda p: q.index(p.query[0]))]
    descents = sum(1 for x, y in itertools.pairwise(seq) if x > y)
    return descents == 0 or (descents == 1 and seq[-1] < seq[0])


def compare_names(query: NameForm, candidate: NameForm, kind: NameKind = "unknown") -> NameMatch:
    """Align the words of two names and score the alignment."""
    q, c = query.tokens, candidate.tokens
    options: list[tuple[float, int, int, int, int, int, str]] = []
    q_len = {(i, j): sum(len(t.form) for t in q[i:j]) for i, j in _spans(q)}
    c_len = {(i, j): sum(len(t.form) for t in c[i:j]) for i, j in _spans(c)}
    for qi, qj in _spans(q):
        for ci, cj in _spans(c):
            q_run, c_run = qj - qi, cj - ci
            if q_run > 1 and c_run > 1:
                continue
            if (q_run > 1 or c_run > 1) and (
                q[qi].form[0] != c[ci].form[0] or abs(q_len[(qi, qj)] - c_len[(ci, cj)]) > 2
            ):
                continue  # a run is only compared with a word of about its length and first letter
            a, b = _run(q, qi, qj, kind), _run(c, ci, cj, kind)
            sim, how = token_similarity(a, b)
            if sim >= _MIN_PAIR:
                if q_run > 1 or c_run > 1:
                    how = f"{how}, joined" if how != "same word" else "written as one"
                options.append((sim, q_run + c_run, qi, qj, ci, cj, how))
    options.sort(key=lambda o: (-o[0], -o[1], o[2], o[4]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[Pair] = []
    for sim, _, qi, qj, ci, cj, how in options:
        qs, cs = set(range(qi, qj)), set(range(ci, cj))
        if qs & used_q or cs & used_c:
            continue
        used_q |= qs
        used_c |= cs
        pairs.append(Pair(q[qi:qj], c[ci:cj], sim, how))
    q_total = sum(
        t.weight * (MIDDLE_NAME_SHARE if i in query.middle and i not in used_q else 1) for i, t in enumerate(q)
    )
    c_total = sum(
        t.weight * (MIDDLE_NAME_SHARE if i in candidate.middle and i not in used_c else 1) for i, t in enumerate(c)
    )
    q_total, c_total = q_total or 1.0, c_total or 1.0
    q_cov = sum(p.score * sum(t.weight for t in p.query) for p in pairs) / q_total
    c_cov = sum(p.score * sum(t.weight for t in p.candidate) for p in pairs) / c_total
    if not any(not p.query[0].weak or len(p.query) > 1 for p in pairs):
        q_cov = c_cov = 0.0  # only particles or legal words in common
    score = QUERY_SHARE * q_cov + (1 - QUERY_SHARE) * c_cov
    if kind == "object":  # RYONG GUN BONG 2 is a sister ship of RYONG GUN BONG, not the ship
        numbers = [t.form for i, t in enumerate(q) if t.form.isdigit() and i not in used_q]
        numbers += [t.form for i, t in enumerate(c) if t.form.isdigit() and i not in used_c]
        if numbers:
            score -= NUMBER_PENALTY
    if not _in_order(pairs, q, c):
        score -= ORDER_PENALTY  # Ri Un Song is not Ri Song Un; Kim Jong Un = Jong Un Kim (a rotation) is free
    strong_q = [t for t in q if not t.weak and not t.particle]
    strong_c = [t for t in c if not t.weak and not t.particle]
    strong_pairs = [p for p in pairs if not all(t.weak or t.particle for t in p.query)]
    typo_only = bool(strong_pairs) and all(p.how.startswith(("one letter", "similar spelling")) for p in strong_pairs)
    if len(strong_q) == 1 and len(strong_c) == 1 and typo_only:
        score *= _ONE_WORD_FACTOR
    legal = ""
    if query.legal_forms and candidate.legal_forms:
        q_class = {cls for _, cls in query.legal_forms}
        c_class = {cls for _, cls in candidate.legal_forms}
        qw, cw = query.legal_forms[0][0], candidate.legal_forms[0][0]
        if q_class & c_class:
            legal = f"legal form {qw} = {cw}" if qw.casefold() != cw.casefold() else f"legal form {qw}"
        else:
            legal = f"legal forms differ: {qw} / {cw}"
            score -= 0.03
    return NameMatch(
        score=max(0.0, min(1.0, score)),
        query=query,
        candidate=candidate,
        pairs=tuple(sorted(pairs, key=lambda p: q.index(p.query[0]))),
        query_coverage=q_cov,
        candidate_coverage=c_cov,
        legal_form=legal,
    )


# --- a cheap upper bound of compare_names' score -----------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class NameKeys:
    """What name_score_bound needs of a name: its words' keys, and its least total weight."""

    tokens: tuple[Token, ...]
    variants: frozenset[str]
    particles: frozenset[str]
    koreans: frozenset[str]
    skeletons: frozenset[str]
    symbols: frozenset[str]
    forms: tuple[str, ...]
    longest: int
    least_total: float  # the weight of its words, every middle name counting MIDDLE_NAME_SHARE
    runs: tuple[tuple[str, int, int, int], ...]  # runs of 2-3 words: (first letter, length, start, end)
    by_first: dict[str, tuple[tuple[int, int], ...]]  # first letter -> (length, index) of its words


def name_keys(name: NameForm) -> NameKeys:
    t = name.tokens
    least = sum(x.weight * (MIDDLE_NAME_SHARE if i in name.middle else 1) for i, x in enumerate(t))
    return NameKeys(
        tokens=t,
        variants=frozenset(x.variant for x in t),
        particles=frozenset(x.particle for x in t if x.particle),
        koreans=frozenset(x.korean for x in t),
        skeletons=frozenset(x.skeleton for x in t),
        symbols=frozenset(s for x in t for s in x.symbols),
        forms=tuple(x.form for x in t),
        longest=max((len(x.form) for x in t), default=0),
        least_total=least or 1.0,
        runs=tuple((t[i].form[:1], sum(len(x.form) for x in t[i:j]), i, j) for i, j in _spans(t) if j - i > 1),
        by_first={
            first: tuple((len(x.form), k) for k, x in enumerate(t) if x.form[:1] == first)
            for first in {x.form[:1] for x in t}
        },
    )


#: Below _MIN_PAIR with slack: rapidfuzz's cutoff is not exact (0.6 - 1e-9 rejects a similarity of 0.6).
_MAY_PAIR = _MIN_PAIR - 0.05


def _may_pair(a: Token, other: NameKeys) -> bool:
    """Whether token_similarity could give ``a`` and some word of ``other`` 0.6 or more (a necessary condition:
    every relation of token_similarity is a shared key or an edit distance of at most 40% of the longer word)."""
    if (
        a.variant in other.variants
        or (a.particle and a.particle in other.particles)
        or a.korean in other.koreans
        or a.skeleton in other.skeletons
        or not a.symbols.isdisjoint(other.symbols)
    ):
        return True
    # one letter apart or similar spelling: an edit distance of at most 40% of the longer word (one letter apart
    # always is: both words have 3 letters or more)
    found = process.extractOne(a.form, other.forms, scorer=Levenshtein.normalized_similarity, score_cutoff=_MAY_PAIR)
    return found is not None


def _run_partners(q: NameKeys, c: NameKeys, q_ok: list[bool], c_ok: list[bool]) -> None:
    """Mark the words of ``q`` in a run of 2-3 words that compare_names would compare with a word of ``c`` (same
    first letter, lengths within 2), and those words of ``c``."""
    for first, length, i, j in q.runs:
        for other, k in c.by_first.get(first, ()):
            if abs(other - length) <= 2:
                c_ok[k] = True
                for m in range(i, j):
                    q_ok[m] = True


def name_score_bound(query: NameForm, qkeys: NameKeys, candidate: NameForm, ckeys: NameKeys) -> float:
    """An upper bound of compare_names(query, candidate).score, at a fraction of its cost: the blend of the shares
    of each side's weight that could find a partner at all (the least total weight as denominator; every penalty
    left out). xref skips the candidates whose bound stays below the threshold (graph.matching.matcher)."""
    q, c = query.tokens, candidate.tokens
    q_ok = [_may_pair(a, ckeys) for a in q]
    c_ok = [_may_pair(b, qkeys) for b in c]
    _run_partners(qkeys, ckeys, q_ok, c_ok)
    _run_partners(ckeys, qkeys, c_ok, q_ok)
    q_share = sum(t.weight for t, ok in zip(q, q_ok, strict=True) if ok) / qkeys.least_total
    c_share = sum(t.weight for t, ok in zip(c, c_ok, strict=True) if ok) / ckeys.least_total
    return QUERY_SHARE * min(1.0, q_share) + (1 - QUERY_SHARE) * min(1.0, c_share)
