"""The matcher: a Query -> candidates from the store's indexes -> scored, labelled and explained hits.

Candidates come only through indexes (never a scan): identifiers through the lookup-key index
(``entities_with_list_value`` on ``lookup_keys``), wallet addresses through their Wallet node and its HOLDS
holders, names through the full-text name index (``match_candidates``) asked for every query word, its spelling
variants, Korean initial-consonant pairs, adjacent words joined, and (4+ letters) any word one edit away.

Score = the best name score over the record's name and aliases (graph.matching.compare) plus the evidence
adjustments (graph.matching.evidence), clamped to [0, 1]; an equal strong identifier lifts it to at least 0.99.
Labels (docs/matching.md): ``match`` from MATCH_THRESHOLD, ``possible match`` from POSSIBLE_THRESHOLD; a record
whose birth date contradicts the query's by 5+ years, or whose IMO/SWIFT/tax id differs, is never labelled
``match`` on its name alone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from graph.cypher import MATCH_CANDIDATE_PROPS
from graph.ids import normalize_address
from graph.matching.compare import NameKeys, NameMatch, compare_names, name_keys, name_score_bound
from graph.matching.evidence import (
    Evidence,
    birth_date_evidence,
    country_evidence,
    identifier_evidence,
    kind_compatible,
)
from graph.matching.query import Identifier, IdKind, PartyKind, Query
from graph.matching.tables import ABBREVIATIONS, VARIANT_GROUPS, WEAK_WORDS
from graph.matching.text import NameForm, NameKind, arabic_readings, prepare_name, spelling_variants
from graph.model import Direction, Entity
from graph.names import canonical_token, fold
from graph.stores.base import GraphReader
from graph.vocabulary import NodeKind, Prop, RelType

MATCH_THRESHOLD = 0.85
POSSIBLE_THRESHOLD = 0.70
MATCH, POSSIBLE_MATCH, NO_LABEL = "match", "possible match", ""
#: Below this name score a candidate without an equal identifier is not reported at all.
_MIN_NAME_SCORE = 0.45
_DECISIVE_FLOOR = 0.99
#: The most the evidence can add to a name score without an equal identifier (graph.matching.evidence: birth
#: date equal +0.08, a country in common +0.04).
MAX_EVIDENCE_BONUS = 0.12
#: Float slack of the cheap bound (graph.matching.compare.name_score_bound) before a pair of names is skipped.
_BOUND_MARGIN = 1e-6
#: At most this many words of a name are looked up (the longest).
_MAX_WORDS = 6
#: At most this many records per query are taken from the identifier index.
_ID_CANDIDATES = 50

_VARIANTS: dict[str, tuple[str, ...]] = {v: g for g in VARIANT_GROUPS for v in g}
_EXPANSIONS: dict[str, tuple[str, ...]] = {}
for _long, _short in ABBREVIATIONS.items():
    _EXPANSIONS[_short] = tuple(dict.fromkeys([*_EXPANSIONS.get(_short, ()), *_long.split()]))
_KOREAN_SWAPS = (("g", "k"), ("k", "g"), ("b", "p"), ("p", "b"), ("d", "t"), ("t", "d"), ("j", "ch"), ("ch", "j"))


def name_kind(kind: NodeKind | PartyKind) -> NameKind:
    if kind in (NodeKind.PERSON, PartyKind.PERSON):
        return "person"
    if kind in (NodeKind.COMPANY, NodeKind.ORGANIZATION, PartyKind.COMPANY):
        return "organization"
    if kind in (NodeKind.VESSEL, NodeKind.AIRCRAFT, PartyKind.VESSEL, PartyKind.AIRCRAFT, NodeKind.WALLET):
        return "object"
    return "unknown"


def label_for(score: float, blocked: bool = False) -> str:
    """The label of a score (``blocked``: contradicting evidence forbids ``match``)."""
    if score >= MATCH_THRESHOLD and not blocked:
        return MATCH
    if score >= POSSIBLE_THRESHOLD:
        return POSSIBLE_MATCH
    return NO_LABEL


#: Scores are shown with 2 decimals (review queue, screening results, the CLI): half of their last digit.
_HALF_SHOWN = 0.005


def shown_score(score: float) -> float:
    """The score as a hit carries it: 4 decimals, and never one that the 2 decimals the analyst sees would round up
    to a threshold it does not reach (0.6996 would show as 0.70 without the label of 0.70: it becomes 0.6949, shown
    as 0.69). The label is taken from this score (``label_for``), so what is shown and the label agree."""
    score = round(score, 4)
    for threshold in (MATCH_THRESHOLD, POSSIBLE_THRESHOLD):
        if threshold - _HALF_SHOWN <= score < threshold:
            return round(threshold - _HALF_SHOWN - 0.0001, 4)
    return score


@dataclass(frozen=True)
class Hit:
    """One candidate record: score in [0, 1], label, and why."""

    entity: Entity
    score: float
    label: str
    explanation: str
    name: NameMatch | None = None
    evidence: tuple[Evidence, ...] = field(default=())


def query_words(name: NameForm) -> list[list[str]]:
    """Per word worth looking up, its spellings: as written, its canonical Korean syllable (graph.names, which
    the index holds too), spelling variants, Korean consonant pairs, readings
    of a word written without vowels (Arabic script), an abbreviation's long form (DPRK: democratic, korea…), and
    the word joined with its neighbours (Cheng Xing -> chengxing; a run of particles and a name, bin al Shibh ->
    binalshibh, is a word of its own). The longest words first, at most _MAX_WORDS."""
    groups: list[list[str]] = []
    strong = [t for t in name.tokens if not t.weak and not t.particle and len(t.form) > 1] or list(name.tokens)
    for t in sorted(dict.fromkeys(strong), key=lambda t: -len(t.form)):
        w = t.form
        if any(g[0] == w for g in groups):
            continue
        spellings = [w, canonical_token(w), *_VARIANTS.get(w, ()), *spelling_variants(w)]
        if len(w) <= 5 and w.isalpha():
            spellings += [b + w[len(a) :] for a, b in _KOREAN_SWAPS if w.startswith(a)]
        if t.script == "arabic":
            spellings += arabic_readings(w)
        spellings += [x for x in _EXPANSIONS.get(w, ()) if x not in WEAK_WORDS]
        groups.append(list(dict.fromkeys(spellings)))
    # the index holds names as graph.names.fold writes them (SA'DU -> sa du): its words are looked up too
    indexed = [w for w in fold(name.original).split() if len(w) > 1 and w not in WEAK_WORDS]
    for w in indexed:
        if not any(w in g for g in groups):
            groups.append([w])
    forms = [t.form for t in name.tokens]
    for size in (2, 3):
        for i in range(len(forms) - size + 1):
            run = forms[i : i + size]
            if all(t.weak or t.particle for t in name.tokens[i : i + size]):
                continue
            home = next((g for g in groups if g[0] in run), None)
            if home is None:
                groups.append(["".join(run)])
            elif "".join(run) not in home:
                home.append("".join(run))
    return groups[:_MAX_WORDS]


@dataclass(frozen=True)
class Prepared:
    """A query ready for the store: its names as tokens and, per name, the words to look up."""

    query: Query
    names: tuple[NameForm, ...]
    words: tuple[list[list[str]], ...]


@dataclass
class Candidates:
    """The records a query's identifiers, wallets and names found, with the identifier keys each record holds and
    the evidence its wallet gave."""

    entities: dict[str, Entity] = field(default_factory=dict)
    matched: dict[str, set[str]] = field(default_factory=dict)
    extra: dict[str, list[Evidence]] = field(default_factory=dict)


#: A record worth scoring for the query at this index of a batch (xref: another dataset's), or not.
Keep = Callable[[int, Entity], bool]


class Matcher:
    """Finds the records of a store that a query describes; ``match`` for one query, ``match_many`` for a batch in
    two round trips (identifiers, names) whatever its size: the same hits as ``match`` one by one."""

    def __init__(self, store: GraphReader, candidates: int = 20) -> None:
        self.store = store
        self.candidates = candidates

    # --- candidates ------------------------------------------------------------------------------------------
    @staticmethod
    def prepare(query: Query) -> Prepared:
        names = [prepare_name(n, name_kind(query.kind)) for n in query.names if n.strip()]
        names = [n for n in names if n.tokens]
        return Prepared(query, tuple(names), tuple(query_words(n) for n in names))

    def _by_identifier(self, batch: Sequence[Prepared]) -> list[dict[str, tuple[Entity, set[str]]]]:
        """Per query, the records holding one of its identifiers (not wallets): one lookup for the batch, at most
        _ID_CANDIDATES per query."""
        keys = [[i.key for i in p.query.identifiers if i.kind is not IdKind.WALLET and i.key] for p in batch]
        out: list[dict[str, tuple[Entity, set[str]]]] = [{} for _ in batch]
        every = list(dict.fromkeys(k for ks in keys for k in ks))
        if not every:
            return out
        rows = self.store.entities_with_list_value(
            Prop.LOOKUP_KEYS,
            every,
            node_props=MATCH_CANDIDATE_PROPS,
            limit=_ID_CANDIDATES * sum(1 for ks in keys if ks),
        )
        owners: dict[str, list[int]] = {}
        for i, ks in enumerate(keys):
            for k in dict.fromkeys(ks):
                owners.setdefault(k, []).append(i)
        for rid, matched, props in rows:
            held: dict[int, set[str]] = {}
            for k in matched:
                for i in owners.get(k, ()):
                    held.setdefault(i, set()).add(k)
            for i, own in held.items():
                if len(out[i]) < _ID_CANDIDATES:
                    out[i][rid] = (_entity(props), own)
        return out

    def _by_wallet(self, identifiers: Iterable[Identifier]) -> list[tuple[Entity, Evidence]]:
        wallets = [i for i in identifiers if i.kind is IdKind.WALLET]
        if not wallets:
            return []
        rows = self.store.entities_with_list_value(
            Prop.LOOKUP_KEYS, [w.key for w in wallets], kind=NodeKind.WALLET, node_props=MATCH_CANDIDATE_PROPS
        )
        wanted = {w.address: w for w in wallets}
        found: dict[str, Identifier] = {}
        out: list[tuple[Entity, Evidence]] = []
        for rid, _, props in rows:
            address = normalize_address(str(props.get(Prop.NAME.value) or ""))
            if address in wanted:  # case-sensitive where the chain is (base58); EVM and bech32 folded
                found[rid] = wanted[address]
                out.append((_entity(props), Evidence(0.0, f"wallet {wanted[address].value} is this address", True)))
        links = self.store.links(list(found), [RelType.HOLDS], Direction.IN, node_props=MATCH_CANDIDATE_PROPS)
        holders = [
            (_entity(link.node), Evidence(0.0, f"holds wallet {found[link.origin].value} (listed address)", True))
            for link in links
        ]
        return holders + out

    def find_candidates(
        self, batch: Sequence[Prepared], cache: MutableMapping[str, list[Entity]] | None = None
    ) -> list[Candidates]:
        """Per prepared query, its candidate records: through the identifier index (one lookup for the batch),
        wallets (a lookup per query that has one) and the name index (one round trip for the batch; ``cache``,
        kept over a run, answers the index queries asked before)."""
        out = [Candidates() for _ in batch]
        for found, by_id in zip(out, self._by_identifier(batch), strict=True):
            for rid, (entity, keys) in by_id.items():
                found.entities[rid] = entity
                found.matched[rid] = keys
        for found, prepared in zip(out, batch, strict=True):
            for entity, evidence in self._by_wallet(prepared.query.identifiers):
                found.entities.setdefault(entity.id, entity)
                found.extra.setdefault(entity.id, []).append(evidence)
        owners = [i for i, p in enumerate(batch) for _ in p.words]
        words = [w for p in batch for w in p.words]
        if words:
            by_name = self.store.match_candidates_many(words, True, self.candidates, cache)
            for i, entities in zip(owners, by_name, strict=True):
                for entity in entities:
                    out[i].entities.setdefault(entity.id, entity)
        return out

    # --- scoring ---------------------------------------------------------------------------------------------
    @staticmethod
    def _score(
        query: Query,
        names: Sequence[NameForm],
        entity: Entity,
        matched_keys: set[str],
        extra: list[Evidence],
        floor: float = 0.0,
    ) -> Hit | None:
        best: NameMatch | None = None
        kind = name_kind(entity.kind)
        query_kind = name_kind(query.kind)
        joined_kind = query_kind if query.kind is not PartyKind.UNKNOWN else kind
        evidence = list(extra) + identifier_evidence(query.identifiers, entity, matched_keys)
        decisive = any(e.decisive for e in evidence)
        # a pair of names whose score cannot reach the least a reported hit needs is not compared (the cheap bound)
        least = 0.0 if decisive else max(_MIN_NAME_SCORE, floor - MAX_EVIDENCE_BONUS) - _BOUND_MARGIN
        for written in [entity.name, *entity.aliases]:
            for name in names:
                if least > 0 and _name_bound(name.original, query_kind, written, kind) < least:
                    continue
                m = _name_match(name.original, query_kind, written, kind, joined_kind)
                if best is None or m.score > best.score:
                    best = m
        name_score = best.score if best is not None else 0.0
        if best is not None and not decisive:
            q_strong = [t for t in best.query.tokens if not t.weak]
            c_strong = [t for t in best.candidate.tokens if not t.weak]
            if len(q_strong) == 1 and len(c_strong) > 1:
                name_score *= 0.85  # one word (a surname, a brand) names many parties
        if not decisive and (name_score < _MIN_NAME_SCORE or name_score + MAX_EVIDENCE_BONUS < floor):
            return None  # (the cheap bound: with every bonus of the evidence it would stay below ``floor``)
        if query.birth_date is not None and kind in ("person", "unknown"):
            dob = birth_date_evidence(query.birth_date, entity.properties.get(Prop.BIRTH_DATE.value))
            if dob is not None:
                evidence.append(dob)
        country = country_evidence(query.countries, entity)
        if country is not None:
            evidence.append(country)
        score = name_score + sum(e.effect for e in evidence)
        if decisive:
            score = max(score, _DECISIVE_FLOOR)
        score = shown_score(max(0.0, min(1.0, score)))
        blocked = not decisive and any(e.effect <= -0.3 for e in evidence)
        parts = [e.text for e in evidence if e.decisive]
        if best is not None and best.score > 0:
            parts.append(best.describe())
        parts += [e.text for e in evidence if not e.decisive]
        if blocked and score >= MATCH_THRESHOLD:
            parts.append("not labelled match: contradicting evidence")
        return Hit(entity, score, label_for(score, blocked), "; ".join(parts), best, tuple(evidence))

    @staticmethod
    def rank(
        prepared: Prepared,
        found: Candidates,
        limit: int = 5,
        keep: Callable[[Entity], bool] | None = None,
        floor: float = 0.0,
    ) -> list[Hit]:
        """The best ``limit`` hits among the candidates (those ``keep`` accepts), highest score first (ties: the
        name as written first, then sanctioned, then by id). With ``floor``, hits that cannot score that much are
        left out before their evidence is weighed (a name score below ``floor`` - MAX_EVIDENCE_BONUS)."""
        hits: list[Hit] = []
        for rid, entity in found.entities.items():
            if keep is not None and not keep(entity):
                continue
            if rid not in found.extra and not kind_compatible(prepared.query.kind, entity):
                continue
            hit = Matcher._score(
                prepared.query, prepared.names, entity, found.matched.get(rid, set()), found.extra.get(rid, []), floor
            )
            if hit is not None:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, not _same_written_name(h), not h.entity.sanctioned, h.entity.id))
        return hits[:limit]

    def match(self, query: Query, limit: int = 5) -> list[Hit]:
        """The best hits for a query, highest score first (ties: the name as written first, then sanctioned, then
        by id)."""
        return self.match_many([query], limit)[0]

    def match_many(
        self,
        queries: Sequence[Query],
        limit: int = 5,
        keep: Keep | None = None,
        cache: MutableMapping[str, list[Entity]] | None = None,
    ) -> list[list[Hit]]:
        """``match`` of each query, the store asked once for the batch's candidates; ``keep`` (the query's index,
        a record) leaves records out before they are scored and ranked."""
        batch = [self.prepare(q) for q in queries]
        found = self.find_candidates(batch, cache)
        return [
            self.rank(p, f, limit, None if keep is None else functools.partial(keep, i))
            for i, (p, f) in enumerate(zip(batch, found, strict=True))
        ]


@lru_cache(maxsize=1 << 18)
def _name_match(query: str, query_kind: NameKind, written: str, kind: NameKind, joined: NameKind) -> NameMatch:
    """compare_names of a query name and a record's name as written, each comparison made once (xref meets the
    same pairs of names again and again)."""
    return compare_names(prepare_name(query, query_kind), prepare_name(written, kind), joined)


@lru_cache(maxsize=1 << 18)
def _name_bound(query: str, query_kind: NameKind, written: str, kind: NameKind) -> float:
    """name_score_bound of a query name and a record's name as written (an upper bound of _name_match's score)."""
    q, c = prepare_name(query, query_kind), prepare_name(written, kind)
    return name_score_bound(q, _name_keys(query, query_kind), c, _name_keys(written, kind))


@lru_cache(maxsize=1 << 17)
def _name_keys(text: str, kind: NameKind) -> NameKeys:
    return name_keys(prepare_name(text, kind))


def _same_written_name(hit: Hit) -> bool:
    """Ties go to the record whose matched name has the same legal form as written (NAI LOGISTICS B.V. before NAI
    LOGISTICS LIMITED for 'Nai Logistics B.V.') and no word the query lacks."""
    if hit.name is None:
        return False
    legal = hit.name.legal_form
    return (not legal or ("=" not in legal and "differ" not in legal)) and hit.name.candidate_coverage >= 0.999


def _entity(props: dict[str, object]) -> Entity:
    data = {k: v for k, v in props.items() if v is not None}
    return Entity(
        id=str(data.get(Prop.ID.value)),
        kind=NodeKind(str(data.get(Prop.KIND.value) or NodeKind.LEGAL_ENTITY.value)),
        name=str(data.get(Prop.NAME.value) or data.get(Prop.ID.value)),
        sanctioned=bool(data.get(Prop.SANCTIONED.value, False)),
        properties=data,
    )
