"""Cases over a store: create, list, open, pin entities, save views, write notes, assert links, attach screening
runs, export and import as one JSON document. Every function takes the store first; who and when are arguments
(the caller knows the user: the dashboard's login, the CLI's OS user)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from graph.analytics.dates import utc_now_iso
from graph.cases.changes import LoadChanges, load_changes
from graph.cases.model import (
    ON_CASE,
    ON_ENTITY,
    ON_RELATIONSHIP,
    AssertedLink,
    Case,
    Note,
    SavedView,
    ScreeningRun,
)
from graph.cases.querylog import CaseStore, LoggedQuery, query_log
from graph.cases.rescreen import Change, compare, picture
from graph.errors import EntityNotFound, SanctionsGraphError
from graph.vocabulary import RecordKey, RecordLabel

#: The version of the export document (``export_case``); ``import_case`` refuses others.
EXPORT_FORMAT = "sanctions-graph-case/1"


class CaseNotFound(SanctionsGraphError):
    def __init__(self, case_id: str) -> None:
        super().__init__(f"No case with id '{case_id}' (sanctions-graph case list shows them).")
        self.case_id = case_id


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _put_case(store: CaseStore, case: Case) -> Case:
    store.put_records(RecordLabel.CASE, [case.to_record()])
    return case


def new_case(store: CaseStore, title: str, user: str, at: str | None = None) -> Case:
    if not title.strip():
        raise SanctionsGraphError("A case needs a title.")
    return _put_case(
        store, Case(id=_new_id("case"), title=title.strip(), created_by=user, created_at=at or utc_now_iso())
    )


def list_cases(store: CaseStore) -> list[Case]:
    cases = [Case.from_record(r) for r in store.get_records(RecordLabel.CASE)]
    return sorted(cases, key=lambda c: (c.created_at, c.id))


def get_case(store: CaseStore, case_id: str) -> Case:
    rows = store.get_records(RecordLabel.CASE, RecordKey.ID, [case_id])
    if not rows:
        raise CaseNotFound(case_id)
    return Case.from_record(rows[0])


def pin(store: CaseStore, case_id: str, entity_ids: Sequence[str]) -> Case:
    """Pin entities (they must exist) and snapshot their picture for rescreen; pinning a pinned one is a no-op."""
    case = get_case(store, case_id)
    new = [i for i in dict.fromkeys(entity_ids) if i not in case.pinned]
    found = {e.id for e in store.get_entities(new)} if new else set()
    for entity_id in new:
        if entity_id not in found:
            raise EntityNotFound(entity_id)
    for entity_id in new:
        case.pinned.append(entity_id)
        case.snapshots[entity_id] = picture(store, entity_id)
    return _put_case(store, case)


def unpin(store: CaseStore, case_id: str, entity_ids: Sequence[str]) -> Case:
    case = get_case(store, case_id)
    case.pinned = [p for p in case.pinned if p not in set(entity_ids)]
    for entity_id in entity_ids:
        case.snapshots.pop(entity_id, None)
    return _put_case(store, case)


def save_view(store: CaseStore, case_id: str, name: str, url: str) -> Case:
    """Save an explorer view (the entity page URL with its query string) under ``name`` (replacing that name)."""
    if not url.strip():
        raise SanctionsGraphError("A saved view needs the page's URL.")
    case = get_case(store, case_id)
    case.views = [v for v in case.views if v.name != name] + [SavedView(name=name or url, url=url.strip())]
    return _put_case(store, case)


def add_note(
    store: CaseStore, case_id: str, text: str, user: str, target: str | None = None, at: str | None = None
) -> Note:
    """A note on the case (``target`` None or the case id), an entity or a relationship (by id)."""
    if not text.strip():
        raise SanctionsGraphError("A note needs some text.")
    get_case(store, case_id)
    on = ON_CASE
    if target in (None, "", case_id):
        target = case_id
    elif store.get_entities([target]):
        on = ON_ENTITY
    elif _relationship_exists(store, target):
        on = ON_RELATIONSHIP
    else:
        raise SanctionsGraphError(f"No entity or relationship with id '{target}' to write a note on.")
    note = Note(_new_id("note"), case_id, on, target, text.strip(), user, at or utc_now_iso())
    store.put_records(RecordLabel.NOTE, [note.to_dict()])
    return note


def _relationship_exists(store: CaseStore, rel_id: str) -> bool:
    """Whether a relationship has this id (a scan: relationship ids are not indexed; notes on them are rare)."""
    return any(any(r.id == rel_id for r in chunk) for chunk in store.iter_relationships(batch_size=50_000))


def notes_of(store: CaseStore, case_id: str) -> list[Note]:
    notes = [Note.from_dict(r) for r in store.get_records(RecordLabel.NOTE, RecordKey.CASE_ID, [case_id])]
    return sorted(notes, key=lambda n: (n.at, n.id))


def notes_on(store: CaseStore, targets: Sequence[str]) -> list[Note]:
    """Notes of every case on these entities or relationships, oldest first (for the entity page)."""
    notes = [Note.from_dict(r) for r in store.get_records(RecordLabel.NOTE, RecordKey.TARGET, list(targets))]
    return sorted(notes, key=lambda n: (n.at, n.id))


def noted_targets(store: CaseStore) -> list[str]:
    """Ids of the entities and relationships any case holds a note on (the canvas marks them)."""
    notes = (Note.from_dict(r) for r in store.get_records(RecordLabel.NOTE))
    return sorted({n.target for n in notes if n.on != ON_CASE and n.target})


def delete_note(store: CaseStore, note_id: str) -> bool:
    return store.delete_records(RecordLabel.NOTE, [note_id]) > 0


def assert_link(
    store: CaseStore,
    case_id: str,
    source: str,
    target: str,
    label: str,
    source_text: str,
    user: str,
    at: str | None = None,
) -> AssertedLink:
    """An analyst-asserted relationship between two existing entities, with the text that supports it."""
    get_case(store, case_id)
    found = {e.id for e in store.get_entities([source, target])}
    for entity_id in (source, target):
        if entity_id not in found:
            raise EntityNotFound(entity_id)
    if not label.strip():
        raise SanctionsGraphError("An asserted link needs a label (e.g. 'same phone').")
    link = AssertedLink(
        _new_id("asserted"), case_id, source, target, label.strip(), source_text, user, at or utc_now_iso()
    )
    store.put_records(RecordLabel.ASSERTED_LINK, [link.to_dict()])
    return link


def asserted_links(store: CaseStore, case_id: str | None = None) -> list[AssertedLink]:
    rows = (
        store.get_records(RecordLabel.ASSERTED_LINK, RecordKey.CASE_ID, [case_id])
        if case_id is not None
        else store.get_records(RecordLabel.ASSERTED_LINK)
    )
    return sorted((AssertedLink.from_dict(r) for r in rows), key=lambda a: (a.at, a.id))


def remove_link(store: CaseStore, link_id: str) -> bool:
    return store.delete_records(RecordLabel.ASSERTED_LINK, [link_id]) > 0


def attach_run(
    store: CaseStore, case_id: str, filename: str, content: str, user: str, at: str | None = None
) -> ScreeningRun:
    """Attach the results of a `sanctions-graph screen` run (its CSV or JSON output, as text)."""
    get_case(store, case_id)
    fmt = "json" if filename.lower().endswith(".json") else "csv"
    if fmt == "json":
        try:
            json.loads(content)
        except ValueError as exc:
            raise SanctionsGraphError(f"{filename}: not JSON: {exc}") from exc
    run = ScreeningRun(_new_id("run"), case_id, filename, fmt, content, user, at or utc_now_iso())
    store.put_records(RecordLabel.SCREENING_RUN, [run.to_dict()])
    return run


def runs_of(store: CaseStore, case_id: str) -> list[ScreeningRun]:
    rows = store.get_records(RecordLabel.SCREENING_RUN, RecordKey.CASE_ID, [case_id])
    return sorted((ScreeningRun.from_dict(r) for r in rows), key=lambda r: (r.at, r.id))


def export_case(store: CaseStore, case_id: str) -> dict[str, Any]:
    """The case with its notes, asserted links and screening runs: one JSON document (``import_case`` reads it)."""
    case = get_case(store, case_id)
    return {
        "format": EXPORT_FORMAT,
        "exported_at": utc_now_iso(),
        "case": case.to_dict(),
        "notes": [n.to_dict() for n in notes_of(store, case_id)],
        "asserted_links": [a.to_dict() for a in asserted_links(store, case_id)],
        "screening_runs": [r.to_dict() for r in runs_of(store, case_id)],
        "queries": [q.to_dict() for q in query_log(store, case_id)],
    }


def import_case(store: CaseStore, document: dict[str, Any], where: str = "the case file") -> Case:
    """Write an exported case back (same ids: importing twice replaces, never duplicates)."""
    if document.get("format") != EXPORT_FORMAT:
        raise SanctionsGraphError(f"{where}: field 'format' is {document.get('format')!r}, expected {EXPORT_FORMAT!r}")
    try:
        case = Case.from_dict(document["case"])
        notes = [Note.from_dict(n) for n in document.get("notes") or []]
        links = [AssertedLink.from_dict(a) for a in document.get("asserted_links") or []]
        runs = [ScreeningRun.from_dict(r) for r in document.get("screening_runs") or []]
        queries = [LoggedQuery.from_dict(q) for q in document.get("queries") or []]
    except (KeyError, TypeError, ValueError) as exc:
        raise SanctionsGraphError(f"{where}: not a case export: missing or bad field {exc}") from exc
    for label, rows in (
        (RecordLabel.NOTE, [n.to_dict() for n in notes if n.case_id == case.id]),
        (RecordLabel.ASSERTED_LINK, [a.to_dict() for a in links if a.case_id == case.id]),
        (RecordLabel.SCREENING_RUN, [r.to_dict() for r in runs if r.case_id == case.id]),
        (RecordLabel.QUERY, [q.to_record() for q in queries if q.case_id == case.id]),
    ):
        store.put_records(label, rows)
    return _put_case(store, case)


def delete_case(store: CaseStore, case_id: str) -> None:
    get_case(store, case_id)
    store.delete_records(RecordLabel.NOTE, [n.id for n in notes_of(store, case_id)])
    store.delete_records(RecordLabel.ASSERTED_LINK, [a.id for a in asserted_links(store, case_id)])
    store.delete_records(RecordLabel.SCREENING_RUN, [r.id for r in runs_of(store, case_id)])
    store.delete_records(RecordLabel.QUERY, [q.id for q in query_log(store, case_id)])
    store.delete_records(RecordLabel.CASE, [case_id])


def rescreen_case(store: CaseStore, case_id: str, at: str | None = None) -> list[Change]:
    """Compare each pinned entity's picture with its snapshot, store the new snapshots and the changes found."""
    case = get_case(store, case_id)
    since = case.rescreened_at or case.created_at
    records = load_changes(store)
    loads = [c for c in records if c.at >= since]
    if records and records[0].at <= since and not loads:  # every load since was recorded, and none came
        case.changes, case.rescreened_at = [], at or utc_now_iso()
        _put_case(store, case)
        return []
    changes: list[Change] = []
    for entity_id in case.pinned:
        now = picture(store, entity_id)
        before = case.snapshots.get(entity_id)
        if before is not None:
            changes += compare(case_id, entity_id, before, now)
        case.snapshots[entity_id] = now
    later = [load for load in loads if load.at > since] or loads[-1:]  # times are to the second
    changes = [_attributed(c, later) for c in changes]
    case.changes = [c.to_dict() for c in changes]
    case.rescreened_at = at or utc_now_iso()
    _put_case(store, case)
    return changes


def _attributed(change: Change, loads: Sequence[LoadChanges]) -> Change:
    """The change told with the latest load whose change record names its entity (else as it is)."""
    for load in reversed(loads):
        if change.entity_id in load.entity_ids:
            files = ", ".join(Path(f).name for f in load.files)
            said = f"the {load.source} load of {files} at {load.at}"
            return replace(change, load=load.id, text=f"{change.text} (changed by {said})")
    return change


def rescreen_all(store: CaseStore) -> dict[str, list[Change]]:
    """Rescreen every case: case id -> its changes (empty: nothing changed)."""
    return {case.id: rescreen_case(store, case.id) for case in list_cases(store)}
