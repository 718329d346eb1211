"""Cases on every store: kept apart from source data (never counted, searched or exported as entities), surviving
a full re-load of the demo sources, exported and imported as one document."""

from __future__ import annotations

import pytest

import graph.cases as cases
from graph.errors import EntityNotFound, SanctionsGraphError
from graph.stores.base import GraphStore
from graph.vocabulary import RecordKey, RecordLabel
from sanctions_graph.cli import load_demo

PERSON, FRONT = "demo-ri-chol-man", "demo-sunrise-digital"


def test_records_round_trip(store: GraphStore) -> None:
    rows = [{"id": "r1", "case_id": "c1", "title": "x", "n": 2, "tags": ["a", "b"]}, {"id": "r2", "case_id": "c2"}]
    assert store.put_records(RecordLabel.CASE, rows) == 2
    got = sorted(store.get_records(RecordLabel.CASE), key=lambda r: r["id"])
    assert got == rows
    assert store.get_records(RecordLabel.CASE, RecordKey.CASE_ID, ["c2"]) == [rows[1]]
    assert store.get_records(RecordLabel.NOTE) == []
    store.put_records(RecordLabel.CASE, [{"id": "r1", "case_id": "c1"}])  # replaced whole: title, n, tags gone
    assert store.get_records(RecordLabel.CASE, RecordKey.ID, ["r1"]) == [{"id": "r1", "case_id": "c1"}]
    assert store.delete_records(RecordLabel.CASE, ["r1", "nope"]) == 1
    assert [r["id"] for r in store.get_records(RecordLabel.CASE)] == ["r2"]


def test_case_survives_reload_and_is_never_an_entity(store: GraphStore) -> None:
    load_demo(store, quiet=True)
    stats_before = store.stats()
    case = cases.new_case(store, "Ri Chol Man network", "alice", at="2026-12-05T10:00:00Z")
    cases.pin(store, case.id, [PERSON, FRONT, PERSON])
    cases.save_view(store, case.id, "two hops", f"/entity/{PERSON}?hops=2&types=OWNS,DIRECTS")
    note = cases.add_note(store, case.id, "Directs the front firm since 2019.", "alice", target=PERSON)
    case_note = cases.add_note(store, case.id, "Opened after a bank's SAR.", "bob")
    link = cases.assert_link(store, case.id, PERSON, FRONT, "same phone", "SAR 2026-114, p. 3", "alice")
    run = cases.attach_run(store, case.id, "results.csv", "row_id,name\n1,Ri Chol Man\n", "alice")

    # never counted, searched or exported as entities
    after = store.stats()
    assert after.total_nodes == stats_before.total_nodes
    assert after.total_relationships == stats_before.total_relationships
    assert all(h.entity.id != case.id for h in store.search("Ri Chol Man network"))
    exported_ids = {e.id for batch in store.iter_entities() for e in batch}
    assert case.id not in exported_ids and note.id not in exported_ids

    load_demo(store, quiet=True)  # a full re-load of every demo source

    again = cases.get_case(store, case.id)
    assert again.title == "Ri Chol Man network" and again.created_by == "alice"
    assert again.pinned == [PERSON, FRONT]
    assert [(v.name, v.url) for v in again.views] == [("two hops", f"/entity/{PERSON}?hops=2&types=OWNS,DIRECTS")]
    assert set(again.snapshots) == {PERSON, FRONT}
    assert again.snapshots[PERSON]["exists"] is True
    assert {(n.on, n.target) for n in cases.notes_of(store, case.id)} == {
        (cases.ON_ENTITY, PERSON),
        (cases.ON_CASE, case.id),
    }
    assert [n.id for n in cases.notes_on(store, [PERSON])] == [note.id]
    assert case_note.id in {n.id for n in cases.notes_of(store, case.id)}
    assert [a.id for a in cases.asserted_links(store, case.id)] == [link.id]
    assert [r.id for r in cases.runs_of(store, case.id)] == [run.id]
    assert store.stats().total_nodes == stats_before.total_nodes
    assert [c.id for c in cases.list_cases(store)] == [case.id]


def test_export_import_and_errors(store: GraphStore) -> None:
    load_demo(store, quiet=True)
    case = cases.new_case(store, "Export me", "alice")
    cases.pin(store, case.id, [PERSON])
    cases.add_note(store, case.id, "a note", "alice", target=PERSON)
    link = cases.assert_link(store, case.id, PERSON, FRONT, "met at conference", "photo", "alice")
    document = cases.export_case(store, case.id)
    cases.delete_case(store, case.id)
    with pytest.raises(cases.CaseNotFound):
        cases.get_case(store, case.id)
    assert cases.notes_of(store, case.id) == []
    imported = cases.import_case(store, document)
    assert imported.id == case.id and imported.pinned == [PERSON]
    cases.import_case(store, document)  # twice: replaced, not duplicated
    assert len(cases.notes_of(store, case.id)) == 1 and len(cases.list_cases(store)) == 1
    assert cases.remove_link(store, link.id) and cases.asserted_links(store, case.id) == []

    with pytest.raises(EntityNotFound):
        cases.pin(store, case.id, ["no-such-entity"])
    with pytest.raises(SanctionsGraphError, match="no-such-thing"):
        cases.add_note(store, case.id, "x", "alice", target="no-such-thing")
    with pytest.raises(SanctionsGraphError, match="format"):
        cases.import_case(store, {"format": "other"})
