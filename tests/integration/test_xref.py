"""xref and judgements on every store: SAME_AS candidates between datasets, never merged, idempotent; judgements
carry who and when and survive re-runs of xref and re-loads of a source."""

from __future__ import annotations

from typing import Any

import pytest

from graph.errors import SanctionsGraphError
from graph.exports.ftm import judgements
from graph.ids import rel_id
from graph.matching.judgements import ACCEPTED, CANDIDATE, REJECTED, judge, review_queue
from graph.matching.matcher import Matcher
from graph.matching.xref import entity_query, same_as_id, xref
from graph.model import Entity, NodeRecord, RelRecord
from graph.stores.base import GraphStore
from graph.stores.memory_store import MemoryStore
from graph.vocabulary import NodeKind, Prop, RelType


def node(kind: NodeKind, nid: str, name: str, dataset: str, **props: Any) -> NodeRecord:
    values = {Prop.NAME: name, Prop.DATASETS: [dataset], **{Prop(k): v for k, v in props.items()}}
    return NodeRecord(nid, kind, values)


@pytest.fixture
def two_sources(store: GraphStore) -> GraphStore:
    """The same parties in an OFAC-like list and an investigation file, spelled otherwise, plus look-alikes."""
    store.upsert_nodes(
        NodeKind.PERSON,
        [
            node(NodeKind.PERSON, "ofac-1", "QASIM, Naim", "ofac", birth_date="1953", sanctioned=True),
            node(NodeKind.PERSON, "case-1", "Naim Qassem", "case", birth_date="1953-02-16"),
            node(NodeKind.PERSON, "case-9", "Peter Smith", "case"),
            node(NodeKind.PERSON, "ofac-9", "Peter Smyth", "ofac", birth_date="1980"),  # same list: never paired
            node(NodeKind.PERSON, "ofac-8", "Piotr Smith", "ofac"),
        ],
    )
    store.upsert_nodes(
        NodeKind.COMPANY,
        [
            node(NodeKind.COMPANY, "ofac-10", "JOINT STOCK COMPANY ALFA-BANK", "ofac", sanctioned=True),
            node(NodeKind.COMPANY, "case-10", "AO Alfa-Bank", "case"),
            node(NodeKind.COMPANY, "case-11", "Alfa Bank Holdings Ltd", "case"),
        ],
    )
    store.upsert_nodes(
        NodeKind.VESSEL,
        [
            node(NodeKind.VESSEL, "ofac-20", "NS CAPTAIN", "ofac", imo="9341067", identifiers=["IMO: 9341067"],
                 lookup_keys=["9341067", "IMO 9341067"]),
            node(NodeKind.VESSEL, "case-20", "CAPTAIN", "case", identifiers=["IMO: 9341067"],
                 lookup_keys=["9341067", "IMO 9341067"]),
        ],
    )  # fmt: skip
    return store


def pairs(store: GraphStore) -> dict[frozenset[str], dict[str, Any]]:
    rels = [r for batch in store.iter_relationships([RelType.SAME_AS]) for r in batch]
    return {frozenset((r.source, r.target)): r.properties for r in rels}


def test_xref_writes_candidates_between_datasets_only_and_is_idempotent(two_sources: GraphStore) -> None:
    before = two_sources.stats().nodes
    summary = xref(two_sources, dataset="case", against="ofac")
    found = pairs(two_sources)
    assert frozenset(("case-1", "ofac-1")) in found
    assert frozenset(("case-10", "ofac-10")) in found
    assert frozenset(("case-20", "ofac-20")) in found  # the IMO number
    assert not any(p <= {"ofac-1", "ofac-8", "ofac-9", "ofac-10", "ofac-20"} for p in found)  # never within ofac
    naim = found[frozenset(("case-1", "ofac-1"))]
    assert naim["status"] == CANDIDATE and naim["match_label"] in ("match", "possible match")
    assert 0.7 <= naim["score"] <= 1.0 and "qasim" in naim["explanation"].casefold()
    assert set(naim["datasets"]) == {"case", "ofac"}
    assert summary.created == len(found) and summary.entities == 5 and summary.pairs == len(found)
    assert two_sources.stats().nodes == before  # nothing merged
    again = xref(two_sources, dataset="case", against="ofac")
    assert again.created == 0 and again.updated == summary.created
    assert pairs(two_sources) == found
    # the whole graph both ways: each pair once (keyed by the pair), never one within a dataset
    everything = xref(two_sources)
    assert everything.created == 0 or all(len(p) == 2 for p in pairs(two_sources))
    assert not any(p <= {"ofac-1", "ofac-8", "ofac-9", "ofac-10", "ofac-20"} for p in pairs(two_sources))


def test_judgements_carry_who_and_when_and_survive_xref_and_reloads(two_sources: GraphStore) -> None:
    xref(two_sources, dataset="case", against="ofac")
    naim, bank = same_as_id("case-1", "ofac-1"), same_as_id("ofac-10", "case-10")
    queue = review_queue(two_sources)
    assert [p.score for p in queue] == sorted((p.score for p in queue), reverse=True)
    assert {p.rel.id for p in queue} >= {naim, bank}
    accepted = judge(two_sources, naim, "accept", "alice")
    assert accepted.properties["status"] == ACCEPTED and accepted.properties["judged_by"] == "alice"
    assert str(accepted.properties["judged_at"]).endswith("Z")
    rejected = judge(two_sources, bank, "reject", None)
    assert rejected.properties["judged_by"] == "analyst" and rejected.properties["judgement"] == REJECTED
    assert {p.rel.id for p in review_queue(two_sources)}.isdisjoint({naim, bank})
    assert [p.rel.id for p in review_queue(two_sources, [ACCEPTED])] == [naim]
    # re-running xref proposes neither again and leaves both judgements as they are
    summary = xref(two_sources, dataset="case", against="ofac")
    assert summary.judged == 2 and summary.created == 0
    found = pairs(two_sources)
    assert found[frozenset(("case-1", "ofac-1"))]["status"] == ACCEPTED
    assert found[frozenset(("case-10", "ofac-10"))]["status"] == REJECTED
    # re-loading the nodes (any source) and a source's SAME_AS with the same id keeps the judgements
    two_sources.upsert_nodes(NodeKind.PERSON, [node(NodeKind.PERSON, "ofac-1", "QASIM, Naim", "ofac")])
    lo, hi = sorted(("ofac-10", "case-10"))
    reload = RelRecord(bank, RelType.SAME_AS, lo, hi, {Prop.STATUS: "candidate", Prop.SCORE: 0.5})
    two_sources.upsert_relationships(RelType.SAME_AS, [reload])
    found = pairs(two_sources)
    assert found[frozenset(("case-1", "ofac-1"))]["judged_by"] == "alice"
    assert found[frozenset(("case-10", "ofac-10"))]["status"] == REJECTED
    # FtM judgements: positive and negative
    exported = {
        j["judgement"] for batch in two_sources.iter_relationships([RelType.SAME_AS]) for j in judgements(batch)
    }
    assert {"positive", "negative"} <= exported
    # undo: a candidate again, with who undid it
    undone = judge(two_sources, bank, "undo", "bob")
    assert undone.properties["status"] == CANDIDATE and undone.properties.get("judgement") is None
    assert undone.properties["judged_by"] == "bob"
    assert bank in {p.rel.id for p in review_queue(two_sources)}
    of_bank = two_sources.same_as_of("ofac-10")  # Alfa Bank Holdings Ltd (0.80) before the reloaded score (0.5)
    assert [r.id for r in of_bank] == [same_as_id("case-11", "ofac-10"), bank]


def test_judging_an_unknown_candidate_is_a_clear_error(two_sources: GraphStore) -> None:
    with pytest.raises(SanctionsGraphError, match="same_as-nope"):
        judge(two_sources, "same_as-nope", "accept", "alice")
    with pytest.raises(SanctionsGraphError, match="unknown action"):
        judge(two_sources, "same_as-nope", "merge", "alice")


def test_a_pair_another_same_as_links_is_not_proposed_again(two_sources: GraphStore) -> None:
    icij = RelRecord(rel_id(RelType.SAME_AS, "case-1", "ofac-1", "icij"), RelType.SAME_AS, "case-1", "ofac-1",
                     {Prop.STATUS: "candidate"})  # fmt: skip
    two_sources.upsert_relationships(RelType.SAME_AS, [icij])
    summary = xref(two_sources, dataset="case", against="ofac")
    assert summary.linked_otherwise == 1
    assert (
        len(
            [
                r
                for b in two_sources.iter_relationships([RelType.SAME_AS])
                for r in b
                if "ofac-1" in (r.source, r.target)
            ]
        )
        == 1
    )


@pytest.fixture
def crowded(two_sources: GraphStore) -> GraphStore:
    """two_sources and more parties sharing words (Kim, Chol, Trading), so batches share index queries."""
    people = [("Kim Chol", "1970"), ("Kim Chol Song", "1980"), ("Kim Song Il", "1975"), ("Ri Chol Nam", "1962")]
    store = two_sources
    store.upsert_nodes(
        NodeKind.PERSON,
        [node(NodeKind.PERSON, f"ofac-p{i}", n.upper(), "ofac", birth_date=d) for i, (n, d) in enumerate(people)]
        + [node(NodeKind.PERSON, f"case-p{i}", n, "case", birth_date=d) for i, (n, d) in enumerate(people)]
        + [node(NodeKind.PERSON, "case-p9", "Kim Cholsong", "case", identifiers=["Passport: PS745220146"],
                lookup_keys=["PS745220146"]),
           node(NodeKind.PERSON, "ofac-p9", "KIM, Chol Song", "ofac", identifiers=["Passport: PS745220146"],
                lookup_keys=["PS745220146"])],
    )  # fmt: skip
    store.upsert_nodes(
        NodeKind.COMPANY,
        [
            node(NodeKind.COMPANY, "ofac-c1", "KORYO TRADING CO LTD", "ofac"),
            node(NodeKind.COMPANY, "case-c1", "Koryo Trading Company Limited", "case"),
            node(NodeKind.COMPANY, "case-c2", "Golden Star Trading LLC", "case"),
        ],
    )
    return store


def test_match_many_gives_what_match_gives_one_by_one(crowded: GraphStore) -> None:
    """The batched matcher (one identifier lookup and one name index round trip for the batch, index query texts
    asked once, a cache kept over calls) finds the same hits, scores, labels and explanations as match one by one."""
    entities = [e for batch in crowded.iter_entities() for e in batch]
    queries = [q for q in (entity_query(e) for e in entities) if q is not None]
    assert len(queries) >= 15
    matcher = Matcher(crowded)
    one_by_one = [matcher.match(q, 8) for q in queries]
    cache: dict[str, list[Entity]] = {}
    for size in (1, 4, len(queries)):
        batched = [h for lo in range(0, len(queries), size) for h in matcher.match_many(queries[lo : lo + size], 8,
                   cache=cache)]  # fmt: skip
        assert [[(h.entity.id, h.score, h.label, h.explanation) for h in hits] for hits in batched] == [
            [(h.entity.id, h.score, h.label, h.explanation) for h in hits] for hits in one_by_one
        ]
    assert cache or isinstance(crowded, MemoryStore)  # the servers' index answers are remembered over the calls
    by_passport = one_by_one[queries.index(next(q for q in queries if q.names == ("Kim Cholsong",)))]
    assert next(h for h in by_passport if h.entity.id == "ofac-p9").score >= 0.99  # the passport


def _written_again_the_same(
    store: GraphStore, first: dict[str, Any], then: dict[str, Any]
) -> dict[frozenset[str], dict[str, Any]]:
    """xref with options `first`, its pairs deleted, xref again with `then`: the same pairs (scores, labels,
    explanations) and the same summary; returns the pairs."""
    one = xref(store, dataset="case", against="ofac", **first)
    written = pairs(store)
    store.delete_relationships([same_as_id(*sorted(p)) for p in written])
    assert pairs(store) == {}
    again = xref(store, dataset="case", against="ofac", **then)
    assert pairs(store) == written
    assert (again.entities, again.pairs, again.created, again.by_label) == (
        one.entities, one.pairs, one.created, one.by_label
    )  # fmt: skip
    return written


def test_xref_in_batches_writes_the_pairs_written_one_by_one(crowded: GraphStore) -> None:
    first = _written_again_the_same(crowded, {"match_batch": 1}, {"match_batch": 5, "batch_size": 7})
    assert frozenset(("case-p9", "ofac-p9")) in first and frozenset(("case-c1", "ofac-c1")) in first


def test_xref_scored_in_two_worker_processes_writes_what_one_process_writes(crowded: GraphStore) -> None:
    """Scoring in worker processes (the batches written in their order by this process) changes nothing: the same
    pairs with the same scores, labels and explanations, and the same summary."""
    first = _written_again_the_same(crowded, {"match_batch": 3}, {"match_batch": 3, "workers": 2})
    assert frozenset(("case-p9", "ofac-p9")) in first and len(first) >= 5
