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

from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.cypher import MATCH_CANDIDATE_PROPS
from graph.ids import normalize_address
from graph.matching.compare import NameMatch, compare_names
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
#: At most this many words of a name are looked up (the longest).
_MAX_WORDS = 6

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


class Matcher:
    """Finds the records of a store that a query describes."""

    def __init__(self, store: GraphReader, candidates: int = 20) -> None:
        self.store = store
        self.candidates = candidates

    # --- candidates ------------------------------------------------------------------------------------------
    def _by_identifier(self, identifiers: Iterable[Identifier]) -> dict[str, tuple[Entity, set[str]]]:
        keys = [i.key for i in identifiers if i.kind is not IdKind.WALLET and i.key]
        if not keys:
            return {}
        rows = self.store.entities_with_list_value(Prop.LOOKUP_KEYS, keys, node_props=MATCH_CANDIDATE_PROPS, limit=50)
        return {rid: (_entity(props), set(matched)) for rid, matched, props in rows}

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

    # --- scoring ---------------------------------------------------------------------------------------------
    def _score(
        self, query: Query, names: list[NameForm], entity: Entity, matched_keys: set[str], extra: list[Evidence]
    ) -> Hit | None:
        best: NameMatch | None = None
        kind = name_kind(entity.kind)
        joined_kind = name_kind(query.kind) if query.kind is not PartyKind.UNKNOWN else kind
        for written in [entity.name, *entity.aliases]:
            candidate = prepare_name(written, kind)
            for name in names:
                m = compare_names(name, candidate, joined_kind)
                if best is None or m.score > best.score:
                    best = m
        evidence = list(extra) + identifier_evidence(query.identifiers, entity, matched_keys)
        decisive = any(e.decisive for e in evidence)
        name_score = best.score if best is not None else 0.0
        if best is not None and not decisive:
            q_strong = [t for t in best.query.tokens if not t.weak]
            c_strong = [t for t in best.candidate.tokens if not t.weak]
            if len(q_strong) == 1 and len(c_strong) > 1:
                name_score *= 0.85  # one word (a surname, a brand) names many parties
        if not decisive and name_score < _MIN_NAME_SCORE:
            return None
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
        score = max(0.0, min(1.0, score))
        blocked = not decisive and any(e.effect <= -0.3 for e in evidence)
        parts = [e.text for e in evidence if e.decisive]
        if best is not None and best.score > 0:
            parts.append(best.describe())
        parts += [e.text for e in evidence if not e.decisive]
        if blocked and score >= MATCH_THRESHOLD:
            parts.append("not labelled match: contradicting evidence")
        return Hit(entity, round(score, 4), label_for(score, blocked), "; ".join(parts), best, tuple(evidence))

    def match(self, query: Query, limit: int = 5) -> list[Hit]:
        """The best hits for a query, highest score first (ties: the name as written first, then sanctioned, then
        by id)."""
        names = [prepare_name(n, name_kind(query.kind)) for n in query.names if n.strip()]
        names = [n for n in names if n.tokens]
        candidates: dict[str, Entity] = {}
        matched: dict[str, set[str]] = {}
        extra: dict[str, list[Evidence]] = {}
        for rid, (entity, keys) in self._by_identifier(query.identifiers).items():
            candidates[rid] = entity
            matched[rid] = keys
        for entity, evidence in self._by_wallet(query.identifiers):
            candidates.setdefault(entity.id, entity)
            extra.setdefault(entity.id, []).append(evidence)
        for name in names:
            for entity in self.store.match_candidates(query_words(name), True, self.candidates):
                candidates.setdefault(entity.id, entity)
        hits: list[Hit] = []
        for rid, entity in candidates.items():
            if rid not in extra and not kind_compatible(query.kind, entity):
                continue
            hit = self._score(query, names, entity, matched.get(rid, set()), extra.get(rid, []))
            if hit is not None:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, not _same_written_name(h), not h.entity.sanctioned, h.entity.id))
        return hits[:limit]


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
