"""xref: the matcher run over the graph's own entities, writing SAME_AS candidates between sources.

Each entity of ``dataset`` (all when None) becomes a Query (its name and aliases, kind, countries, birth date,
identifiers) and the Matcher finds its candidates through the store's indexes (never a scan). A hit becomes a
SAME_AS candidate when it scores at least ``threshold``, is not the entity itself, and is asserted by another
dataset than the entity (by ``against`` when given). Nodes are never merged.

A candidate's id is keyed by the pair (``same_as_id``: both ids sorted, so whichever side finds it, it is one
relationship, written from the smaller id to the greater). Re-runs are idempotent: an unjudged candidate gets its
new score, label and explanation; a judged one (accepted or rejected, graph.matching.judgements) is never touched,
so a rejected pair is never proposed again. A pair that another SAME_AS already links (e.g. an ICIJ candidate) is
left alone.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from graph.ids import rel_id
from graph.matching.evidence import identifier_kind
from graph.matching.judgements import CANDIDATE
from graph.matching.matcher import POSSIBLE_THRESHOLD, Candidates, Hit, Matcher, Prepared
from graph.matching.query import Identifier, IdKind, PartialDate, PartyKind, Query, QueryError, parse_date
from graph.model import Direction, Entity, Relationship
from graph.stores.base import GraphReader, GraphStore
from graph.vocabulary import NodeKind, Prop, RelType

#: Kinds xref compares; addresses and wallets are joined by their normalised value already (graph.ids).
XREF_KINDS: dict[NodeKind, PartyKind] = {
    NodeKind.PERSON: PartyKind.PERSON,
    NodeKind.COMPANY: PartyKind.COMPANY,
    NodeKind.ORGANIZATION: PartyKind.COMPANY,
    NodeKind.LEGAL_ENTITY: PartyKind.UNKNOWN,
    NodeKind.VESSEL: PartyKind.VESSEL,
    NodeKind.AIRCRAFT: PartyKind.AIRCRAFT,
}
DEFAULT_HITS = 5
DEFAULT_BATCH = 500
#: Entities matched together: one identifier lookup and one name index round trip each.
DEFAULT_MATCH_BATCH = 100
#: Index query texts remembered over a run (then forgotten all at once).
_CACHE_TEXTS = 200_000
#: A chunk's prepared queries and their candidates.
Fetched = tuple[list[Prepared], list[Candidates]]


def same_as_id(a: str, b: str) -> str:
    """The SAME_AS id of a pair, whichever side comes first."""
    lo, hi = sorted((a, b))
    return rel_id(RelType.SAME_AS, lo, hi)


def _identifiers(entity: Entity) -> tuple[Identifier, ...]:
    out: list[Identifier] = []
    for label in entity.properties.get(Prop.IDENTIFIERS.value) or []:
        head, sep, value = str(label).partition(":")
        value = (value if sep else head).split(" (")[0].strip()
        kind = identifier_kind(str(label)) if sep else IdKind.OTHER
        if value and kind is not IdKind.WALLET:
            out.append(Identifier(kind, value))
    imo = entity.properties.get(Prop.IMO.value)
    if imo:
        out.append(Identifier(IdKind.IMO, str(imo)))
    return tuple(dict.fromkeys(out))


def _birth_date(entity: Entity) -> PartialDate | None:
    raw = entity.properties.get(Prop.BIRTH_DATE.value)
    first = str(raw[0] if isinstance(raw, list) and raw else raw or "")
    try:
        return parse_date(first)
    except QueryError:
        return None  # a birth date written as a range or in words: not used


def entity_query(entity: Entity) -> Query | None:
    """The Query describing a stored entity, or None for kinds xref does not compare (and nameless stubs)."""
    kind = XREF_KINDS.get(entity.kind)
    if kind is None or entity.properties.get(Prop.STUB.value):
        return None
    names = tuple(dict.fromkeys(n for n in [entity.name, *entity.aliases] if n and n.strip()))
    identifiers = _identifiers(entity)
    if not names and not identifiers:
        return None
    countries = tuple(str(c).lower() for c in entity.countries)
    return Query(names, kind, countries, _birth_date(entity), identifiers)


def _datasets(entity: Entity) -> set[str]:
    return {str(d) for d in entity.properties.get(Prop.DATASETS.value) or []}


def other_dataset(entity: Entity, hit: Entity, against: str | None) -> bool:
    """Whether ``hit`` comes from another dataset than ``entity`` (from ``against`` when given)."""
    return _other(entity.id, frozenset(_datasets(entity)), against, hit)


def _other(entity_id: str, datasets: frozenset[str], against: str | None, hit: Entity) -> bool:
    theirs = _datasets(hit)
    if against is not None:
        return against in theirs and hit.id != entity_id
    return hit.id != entity_id and bool(theirs - datasets)


@dataclass
class XrefSummary:
    """What a run of xref did."""

    dataset: str | None = None
    against: str | None = None
    threshold: float = POSSIBLE_THRESHOLD
    entities: int = 0  # entities compared
    pairs: int = 0  # distinct pairs found at or above the threshold
    created: int = 0  # new candidates
    updated: int = 0  # unjudged candidates written again
    judged: int = 0  # pairs already judged: left untouched
    linked_otherwise: int = 0  # pairs another SAME_AS already links
    by_label: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def _candidate(entity: Entity, hit: Hit) -> Relationship:
    lo, hi = sorted((entity.id, hit.entity.id))
    datasets = sorted(_datasets(entity) | _datasets(hit.entity))
    props = {
        Prop.SCORE.value: hit.score,
        Prop.MATCH_LABEL.value: hit.label,
        Prop.EXPLANATION.value: hit.explanation,
        Prop.DATASETS.value: datasets,
    }
    return Relationship(same_as_id(lo, hi), RelType.SAME_AS, lo, hi, props)


def _entities(store: GraphReader, dataset: str | None, batch_size: int) -> Iterator[list[tuple[Entity, Query]]]:
    for batch in store.iter_entities(batch_size):
        chosen = [e for e in batch if e.kind in XREF_KINDS and (dataset is None or dataset in _datasets(e))]
        queries = [(e, q) for e in chosen for q in [entity_query(e)] if q is not None]
        if queries:
            yield queries


def xref(
    store: GraphStore,
    dataset: str | None = None,
    against: str | None = None,
    threshold: float = POSSIBLE_THRESHOLD,
    hits: int = DEFAULT_HITS,
    progress: Callable[[int], None] | None = None,
    batch_size: int = DEFAULT_BATCH,
    match_batch: int = DEFAULT_MATCH_BATCH,
    workers: int = 1,
) -> XrefSummary:
    """Run the matcher over the entities of ``dataset`` (all when None) against those of another dataset
    (``against`` when given) and write SAME_AS candidates scoring at least ``threshold`` (see the module's
    docstring). ``progress`` is called with the number of entities compared after each batch.

    The entities are matched ``match_batch`` at a time (Matcher.match_many: one identifier lookup and one name
    index round trip per batch, each index query text asked once in the run), the store answering the next batch
    in a second thread while this one scores the last; the candidates of other datasets only are scored, and
    each batch's candidates are written in one statement. ``match_batch=1`` gives the same pairs one by one.
    ``workers`` > 1 scores the batches in that many worker processes (the store read and written by this one, the
    batches written in their order): the same pairs, scores, labels and explanations as one."""
    started = time.perf_counter()
    summary = XrefSummary(dataset, against, threshold)
    matcher = Matcher(store)
    seen: set[str] = set()
    cache: dict[str, list[Entity]] = {}

    def chunks() -> Iterator[list[tuple[Entity, Query]]]:
        for batch in _entities(store, dataset, batch_size):
            for lo in range(0, len(batch), max(1, match_batch)):
                yield batch[lo : lo + max(1, match_batch)]

    def fetch(chunk: list[tuple[Entity, Query]]) -> Fetched:
        if len(cache) > _CACHE_TEXTS:
            cache.clear()  # a run over millions of distinct names: keep memory bounded
        prepared = [matcher.prepare(q) for _, q in chunk]
        return prepared, matcher.find_candidates(prepared, cache)

    def finish(chunk: list[tuple[Entity, Query]], found: list[Candidates], scored: list[list[Scored]]) -> None:
        _write(store, chunk, found, scored, summary, seen)
        if progress is not None:
            progress(len(chunk))

    with contextlib.ExitStack() as stack:
        ahead = stack.enter_context(ThreadPoolExecutor(max_workers=1, thread_name_prefix="xref-candidates"))
        pool = None
        if workers > 1:
            context = multiprocessing.get_context("spawn")  # not fork: this process has threads and sockets
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, mp_context=context))
        pending: tuple[list[tuple[Entity, Query]], Future[Fetched]] | None = None
        scoring: deque[tuple[list[tuple[Entity, Query]], list[Candidates], Future[list[list[Scored]]]]] = deque()

        def score(chunk: list[tuple[Entity, Query]], fetched: Fetched) -> None:
            block = _block(chunk, fetched, against, hits, summary.threshold)
            if pool is None:
                finish(chunk, fetched[1], _score_block(block, fetched[0]))
                return
            scoring.append((chunk, fetched[1], pool.submit(_score_block, block)))
            while len(scoring) > 2 * workers or (scoring and scoring[0][2].done()):
                done = scoring.popleft()
                finish(done[0], done[1], done[2].result())

        for chunk in chunks():
            future = ahead.submit(fetch, chunk)  # the store works on this chunk while the last one is scored
            if pending is not None:
                score(pending[0], pending[1].result())
            pending = (chunk, future)
        if pending is not None:
            score(pending[0], pending[1].result())
        while scoring:
            done = scoring.popleft()
            finish(done[0], done[1], done[2].result())
    summary.seconds = time.perf_counter() - started
    return summary


#: A hit as a worker returns it: the record's id, score, label and explanation.
Scored = tuple[str, float, str, str]
#: What a worker scores: per entity its id, datasets, query and candidates; and against, hits, threshold.
Block = tuple[list[tuple[str, frozenset[str], Query, Candidates]], str | None, int, float]


def _block(
    chunk: list[tuple[Entity, Query]], fetched: Fetched, against: str | None, hits: int, threshold: float
) -> Block:
    items = [(e.id, frozenset(_datasets(e)), q, found) for (e, q), found in zip(chunk, fetched[1], strict=True)]
    return items, against, hits, threshold


def _score_block(block: Block, prepared: list[Prepared] | None = None) -> list[list[Scored]]:
    """Each entity's hits at or above the threshold among the candidates of another dataset (in a worker process
    with ``prepared`` None: the queries are prepared there)."""
    items, against, hits, threshold = block
    out: list[list[Scored]] = []
    for n, (entity_id, datasets, query, found) in enumerate(items):
        ready = prepared[n] if prepared is not None else Matcher.prepare(query)
        keep = functools.partial(_other, entity_id, datasets, against)
        ranked = Matcher.rank(ready, found, hits + 1, keep, threshold)
        out.append([(h.entity.id, h.score, h.label, h.explanation) for h in ranked if h.score >= threshold])
    return out


def _write(
    store: GraphStore,
    chunk: list[tuple[Entity, Query]],
    found: list[Candidates],
    scored: list[list[Scored]],
    summary: XrefSummary,
    seen: set[str],
) -> None:
    """Count a chunk's scored pairs and write its new ones in one statement."""
    entities = [e for e, _ in chunk]
    existing = {
        frozenset((link.origin, link.other)): link.rel_id
        for link in store.links([e.id for e in entities], [RelType.SAME_AS], Direction.BOTH)
    }
    rows: list[Relationship] = []
    for entity, candidates, hits in zip(entities, found, scored, strict=True):
        summary.entities += 1
        for rid, score, label, explanation in hits:
            rel = _candidate(entity, Hit(candidates.entities[rid], score, label, explanation))
            if rel.id in seen:
                continue
            seen.add(rel.id)
            summary.pairs += 1
            summary.by_label[label] = summary.by_label.get(label, 0) + 1
            other_id = existing.get(frozenset((rel.source, rel.target)))
            if other_id is not None and other_id != rel.id:
                summary.linked_otherwise += 1
                continue
            rows.append(rel)
    if rows:
        counts = store.upsert_same_as(rows, CANDIDATE)
        summary.created += counts.relationships_created
        summary.updated += counts.rows_written - counts.relationships_created
        summary.judged += len(rows) - counts.rows_written
