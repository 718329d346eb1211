"""Writes that CREATE first (no read of which ids are stored while none is) give the same graph as the
careful writes (read, create, merge), and a batch holding a stored id is written the careful way."""

from __future__ import annotations

from typing import Any

import pytest

from graph import NodeKind, NodeRecord, Prop, RelRecord, RelType, cypher
from graph.stores.base import GraphStore
from graph.stores.cypher_store import CypherStore


def _count_reads(store: CypherStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries of the store's reads from now on."""
    queries: list[str] = []
    read = store._read

    def counted(query: str, params: dict[str, Any] | None = None, timeout_s: float | None = None) -> Any:
        queries.append(query)
        return read(query, params, timeout_s)

    monkeypatch.setattr(store, "_read", counted)
    return queries


def _existence_reads(queries: list[str]) -> int:
    return sum(q == cypher.EXISTING_KINDS or "RETURN r.id AS id" in q for q in queries)


@pytest.mark.server_only  # the in-memory store has no Cypher write path
def test_create_first_falls_back_on_a_stored_id(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(store, CypherStore)
    monkeypatch.setattr(store, "_read_first", frozenset())  # the session's store may have met stored ids before
    reads = _count_reads(store, monkeypatch)
    creates_first = store.creates_first

    def company(i: str) -> NodeRecord:
        return NodeRecord(i, NodeKind.COMPANY, {Prop.NAME: f"Firm {i}", Prop.DATASETS: ["a"]})

    counts = store.upsert_nodes(NodeKind.COMPANY, [company("c1"), company("c2")])
    assert (counts.nodes_created, counts.rows_written) == (2, 2)
    assert _existence_reads(reads) == (0 if creates_first else 1)

    store.ensure_stubs(["s1"])
    person = NodeRecord("s1", NodeKind.PERSON, {Prop.NAME: "Kim Chol", Prop.DATASETS: ["b"]})
    counts = store.upsert_nodes(NodeKind.PERSON, [NodeRecord("p1", NodeKind.PERSON, {Prop.NAME: "Ri Song"}), person])
    assert (counts.nodes_created, counts.rows_written) == (1, 2)  # s1 was a stub: completed, not created again
    completed = store.get_entity("s1")
    assert (completed.kind, completed.name, completed.properties.get(Prop.STUB.value)) == (
        NodeKind.PERSON,
        "Kim Chol",
        False,
    )
    reads_before = _existence_reads(reads)
    store.upsert_nodes(NodeKind.PERSON, [NodeRecord("p2", NodeKind.PERSON, {Prop.NAME: "Pak Il"})])
    assert _existence_reads(reads) == reads_before + 1  # Person met a stored id: its batches read first now
    again = store.upsert_nodes(NodeKind.COMPANY, [company("c3")])
    assert again.nodes_created == 1
    assert _existence_reads(reads) == reads_before + (1 if creates_first else 2)  # Company still creates first

    def owns(i: str, dataset: str) -> RelRecord:
        return RelRecord(i, RelType.OWNS, "c1", "c2", {Prop.DATASETS: [dataset]})

    counts = store.upsert_relationships(RelType.OWNS, [owns("r1", "a"), owns("r1", "b")])  # a repeat in the batch
    assert (counts.relationships_created, counts.rows_written) == (1, 2)
    counts = store.upsert_relationships(RelType.OWNS, [owns("r1", "c"), owns("r2", "a")])  # r1 is stored
    assert (counts.relationships_created, counts.rows_written) == (1, 2)
    (r1,) = [r for batch in store.iter_relationships([RelType.OWNS]) for r in batch if r.id == "r1"]
    assert r1.properties[Prop.DATASETS.value] == ["a", "b", "c"]
    missing_end = store.upsert_relationships(RelType.OWNS, [RelRecord("r3", RelType.OWNS, "c1", "nowhere", {})])
    assert (missing_end.relationships_created, missing_end.rows_written) == (0, 0)
    stats = store.stats()
    assert stats.nodes == {"Company": 3, "Person": 3}
    assert stats.relationships == {"OWNS": 2}


@pytest.mark.server_only  # the in-memory store has no Cypher write path
def test_new_relationships_find_their_ends_by_internal_id(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neo4j (ends_by_internal_id): the ends this store created are found by their internal ids; an end whose kept
    id no longer holds it (reused after a delete) fails the check and the row is written through the id index
    instead, between the right entities; a deleted node's kept id is forgotten."""
    assert isinstance(store, CypherStore)
    monkeypatch.setattr(store, "_read_first", frozenset())
    writes: list[str] = []
    write = store._write

    def counted(query: str, params: dict[str, Any] | None = None) -> Any:
        writes.append(query)
        return write(query, params)

    monkeypatch.setattr(store, "_write", counted)
    by_node_id = cypher.create_relationships_between(RelType.OWNS)
    firms = [NodeRecord(i, NodeKind.COMPANY, {Prop.NAME: f"Firm {i}"}) for i in ("c1", "c2", "c3")]
    store.upsert_nodes(NodeKind.COMPANY, firms)
    kept = store._node_ids
    by_internal_id = store.creates_first and store.ends_by_internal_id
    assert (kept is not None) == store.creates_first
    store.ensure_stubs(["s1"])  # not created by an upsert: no kept id

    counts = store.upsert_relationships(
        RelType.OWNS, [RelRecord("r1", RelType.OWNS, "c1", "c2", {}), RelRecord("r2", RelType.OWNS, "s1", "c2", {})]
    )
    assert (counts.relationships_created, counts.rows_written) == (2, 2)
    assert writes.count(by_node_id) == (1 if by_internal_id else 0)

    if by_internal_id:  # c1's kept id now names c3: the check refuses it, the row goes through the index
        kept["c1"] = kept["c3"]
        counts = store.upsert_relationships(RelType.OWNS, [RelRecord("r3", RelType.OWNS, "c1", "c2", {})])
        assert (counts.relationships_created, counts.rows_written) == (1, 1)
        store.delete_nodes(["c3"])
        assert "c3" not in kept
    else:
        store.upsert_relationships(RelType.OWNS, [RelRecord("r3", RelType.OWNS, "c1", "c2", {})])
    ends = {r.id: (r.source, r.target) for batch in store.iter_relationships([RelType.OWNS]) for r in batch}
    assert ends == {"r1": ("c1", "c2"), "r2": ("s1", "c2"), "r3": ("c1", "c2")}


@pytest.mark.server_only  # the in-memory store has no Cypher write path
def test_an_entity_emitted_again_is_merged_without_reading_the_rest(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch holding an id this store created before (a source emitting an entity again, e.g. an FtM Sanction
    after its subject): that row is merged, the others are still CREATEd without a read, and the kind keeps
    creating first."""
    assert isinstance(store, CypherStore) and store.creates_first  # both Cypher stores do
    monkeypatch.setattr(store, "_read_first", frozenset())
    reads = _count_reads(store, monkeypatch)
    first = [NodeRecord(i, NodeKind.COMPANY, {Prop.NAME: f"Firm {i}", Prop.DATASETS: ["a"]}) for i in ("c1", "c2")]
    store.upsert_nodes(NodeKind.COMPANY, first)
    again = NodeRecord("c1", NodeKind.COMPANY, {Prop.NAME: "Firm c1", Prop.DATASETS: ["b"], Prop.SANCTIONED: True})
    counts = store.upsert_nodes(NodeKind.COMPANY, [again, NodeRecord("c3", NodeKind.COMPANY, {Prop.NAME: "Firm c3"})])
    assert (counts.nodes_created, counts.rows_written) == (1, 2)
    merged = store.get_entity("c1")
    assert (merged.sanctioned, merged.properties[Prop.DATASETS.value]) == (True, ["a", "b"])
    assert store.get_entity("c3").name == "Firm c3"
    assert sum(q == cypher.EXISTING_KINDS for q in reads) == 1  # of c1 alone
    store.upsert_nodes(NodeKind.COMPANY, [NodeRecord("c4", NodeKind.COMPANY, {Prop.NAME: "Firm c4"})])
    assert sum(q == cypher.EXISTING_KINDS for q in reads) == 1  # the kind still creates first
    assert store.stats().nodes == {"Company": 4}
