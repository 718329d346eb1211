"""Full publications: a load its source declares a snapshot of one dataset (the whole list as published that day)
removes what the dataset asserted before and the new files no longer hold.

``SeenWriter`` is a GraphWriter around the load's writer that notes the id of every node and relationship the load
wrote (on disk past ``spill_after`` of each: graph.cases.changes_spool); after the load, ``retract_absent``
compares them with what the graph holds for the dataset:

- an entity only this dataset asserts, absent from the files, is deleted with its relationships;
- an entity other datasets also assert keeps its node: only this dataset's claims go (the dataset in ``datasets``,
  its ``source_ids``, the designations whose record id is one of those source ids, the programs only they named,
  and ``sanctioned`` when no designation is left and no ``sanction`` topic says otherwise);
- a relationship only this dataset asserts, absent from the files, is deleted; one other datasets also assert is
  kept (counted: the store has no way yet to take one dataset off a relationship);
- an entity the files hold and only this dataset asserts is made exactly what the files say: an upsert unites lists
  and leaves a property the record no longer has, so a dropped alias, a title OFAC removed or a program it ended
  (ZIMBABWE became GLOMAG in 2024) would stay otherwise; where the entity differs, the properties the files no
  longer give and the search lists are emptied and the record written again (the store recomputes its search text);
- an entity the files hold and other datasets also assert has only the dataset's designations, source ids and
  programs replaced (what came from which dataset is not known for its other properties).

A partial file (an extract, a delta) is never a snapshot: its source declares none and nothing is removed. Writes go
through the writer given (the load's ChangeTracker), so the load's change record lists the removals; running the same
publication again removes nothing more.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.cases.changes_spool import SPILL_AFTER, IdSet, ValueSpool
from graph.errors import ExpectedCountError
from graph.model import Designation, NodeRecord, RelRecord, WriteCounts
from graph.stores.base import GraphReader, GraphWriter
from graph.stores.records import node_row
from graph.vocabulary import ANALYSIS_PROPS, INTERNAL_PROPS, LIST_PROPS, NodeKind, Prop, RelType

#: A snapshot that wrote fewer entities than this share of those the graph holds for its dataset is refused (an
#: extract or a wrong file declared a full publication), when the dataset holds at least SNAPSHOT_GUARD_MIN.
SNAPSHOT_GUARD_SHARE = 0.5
SNAPSHOT_GUARD_MIN = 100
_BATCH = 2000
#: What a shared entity's retraction rewrites.
RETRACTED_PROPS = (Prop.DATASETS, Prop.SOURCE_IDS, Prop.DESIGNATIONS, Prop.PROGRAMS, Prop.SANCTIONED)
_CLAIMED = (Prop.SOURCE_IDS, Prop.DESIGNATIONS, Prop.PROGRAMS)


class SeenWriter:
    """A GraphWriter writing through ``writer`` that keeps the ids of the nodes and relationships written."""

    def __init__(self, writer: GraphWriter, spill_after: int | None = SPILL_AFTER) -> None:
        """``spill_after``: ids (and rows) kept in memory before each list moves to disk (None: never)."""
        self.writer = writer
        self.write_workers: int = getattr(writer, "write_workers", 1)
        self.node_ids = IdSet(spill_after)
        self.rel_ids = IdSet(spill_after)
        #: per entity written with designations: what the load said of them (RETRACTED_PROPS but datasets)
        self.claims: ValueSpool[dict[Prop, Any]] = ValueSpool(spill_after)
        #: every node the load wrote, as written (a record written twice: lists united, scalars the later)
        self.rows: ValueSpool[NodeRecord] = ValueSpool(spill_after)
        self._lock = threading.Lock()

    def ensure_schema(self) -> None:
        self.writer.ensure_schema()

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        counts = self.writer.upsert_nodes(kind, rows)
        with self._lock:
            self.node_ids.update(r.id for r in rows)
            for r in rows:
                self._keep(r)
                if r.props.get(Prop.DESIGNATIONS):
                    said = self.claims.get(r.id) or {p: [] for p in _CLAIMED}
                    for p in _CLAIMED:
                        said[p] += [v for v in _strings(r.props.get(p)) if v not in said[p]]
                    self.claims[r.id] = said  # a value read from disk is a copy: set again
        return counts

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        counts = self.writer.upsert_relationships(rel_type, rows)
        with self._lock:
            self.rel_ids.update(r.id for r in rows)
        return counts

    def _keep(self, row: NodeRecord) -> None:
        kept = self.rows.get(row.id)
        if kept is None:
            self.rows[row.id] = NodeRecord(row.id, row.kind, dict(row.props))
            return
        kept.kind = row.kind
        for p, v in row.props.items():
            old = kept.props.get(p)
            kept.props[p] = old + [x for x in v if x not in old] if isinstance(old, list) and isinstance(v, list) else v
        self.rows[row.id] = kept  # a value read from disk is a copy: set again

    def close(self) -> None:
        """Drop what was noted (and the temporary databases), once the removals are done."""
        with self._lock:
            for kept in (self.node_ids, self.rel_ids, self.claims, self.rows):
                kept.close()

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        return self.writer.ensure_stubs(ids)

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        return self.writer.delete_nodes(ids)

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        return self.writer.set_node_properties(props, rows)

    def add_to_node_lists(self, rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        return self.writer.add_to_node_lists(rows)

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        return self.writer.delete_relationships(ids)


@dataclass
class Retraction:
    """What a snapshot load removed from its dataset."""

    dataset: str
    held: int = 0  # entities the graph held for the dataset before the removal
    deleted: list[str] = field(default_factory=list)  # entities only the dataset asserted
    stripped: list[str] = field(default_factory=list)  # entities other datasets assert: the dataset's claims went
    rels_deleted: list[str] = field(default_factory=list)
    rels_kept: list[str] = field(default_factory=list)  # other datasets assert them too
    replaced: list[str] = field(default_factory=list)  # entities in the files whose stored designations were stale

    def notes(self) -> dict[str, int]:
        """The load report's notes (counts)."""
        d = self.dataset
        return {
            f"entities absent from the full publication of {d} (removed)": len(self.deleted),
            f"entities absent from the full publication of {d}, asserted by other datasets ({d}'s claims removed)": (
                len(self.stripped)
            ),
            f"relationships absent from the full publication of {d} (removed)": len(self.rels_deleted),
            f"relationships absent from the full publication of {d}, asserted by other datasets (kept)": (
                len(self.rels_kept)
            ),
            f"entities the full publication of {d} corrected (values it no longer gives dropped)": len(self.replaced),
        }


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def without_dataset(dataset: str, props: dict[str, Any]) -> dict[Prop, Any]:
    """The retracted properties of an entity other datasets also assert, with ``dataset``'s claims taken off."""
    prefix = f"{dataset}:"
    source_ids = _strings(props.get(Prop.SOURCE_IDS))
    records = {s.removeprefix(prefix) for s in source_ids if s.startswith(prefix)}
    kept: list[str] = []
    dropped_programs: set[str] = set()
    kept_programs: set[str] = set()
    for text in _strings(props.get(Prop.DESIGNATIONS)):
        designation = Designation.from_json(text)
        if designation.record_id is not None and designation.record_id in records:
            dropped_programs.update(designation.programs)
        else:
            kept.append(text)
            kept_programs.update(designation.programs)
    gone = dropped_programs - kept_programs
    return {
        Prop.DATASETS: [d for d in _strings(props.get(Prop.DATASETS)) if d != dataset],
        Prop.SOURCE_IDS: [s for s in source_ids if not s.startswith(prefix)],
        Prop.DESIGNATIONS: kept,
        Prop.PROGRAMS: [p for p in _strings(props.get(Prop.PROGRAMS)) if p not in gone],
        Prop.SANCTIONED: bool(kept)
        or "sanction" in _strings(props.get(Prop.TOPICS))
        or (bool(props.get(Prop.SANCTIONED)) and len(kept) == len(_strings(props.get(Prop.DESIGNATIONS)))),
    }


def _held(reader: GraphReader, dataset: str) -> dict[str, list[str]]:
    """Every entity whose datasets name ``dataset``: id -> its datasets."""
    held: dict[str, list[str]] = {}
    for batch in reader.iter_node_values([Prop.DATASETS]):
        for node_id, datasets in batch:
            names = _strings(datasets)
            if dataset in names:
                held[str(node_id)] = names
    return held


def retract_absent(
    reader: GraphReader, writer: GraphWriter, dataset: str, seen: SeenWriter, source: str = "load"
) -> Retraction:
    """Remove what ``dataset`` asserted before and this load (``seen``) did not write (see the module docstring).

    Raises ExpectedCountError, removing nothing, when the load wrote fewer entities than SNAPSHOT_GUARD_SHARE of
    those the graph holds for the dataset: a partial file declared a full publication."""
    held = _held(reader, dataset)
    out = Retraction(dataset, held=len(held))
    absent = [i for i in held if i not in seen.node_ids]
    if len(held) >= SNAPSHOT_GUARD_MIN and len(seen.node_ids) < SNAPSHOT_GUARD_SHARE * len(held):
        raise ExpectedCountError(
            f"The {source} load was declared a full publication of {dataset} but holds {len(seen.node_ids):,} "
            f"entities where the graph holds {len(held):,} for it (fewer than {SNAPSHOT_GUARD_SHARE:.0%}), so it "
            f"would remove {len(absent):,}: nothing was removed. Is it an extract or a delta? Load it as a partial "
            "file."
        )
    for rel_type in RelType:
        for batch in reader.iter_relationship_values(rel_type, [Prop.ID, Prop.DATASETS]):
            for _source, _target, rel_id, datasets in batch:
                names = _strings(datasets)
                if dataset in names and rel_id is not None and str(rel_id) not in seen.rel_ids:
                    (out.rels_kept if set(names) - {dataset} else out.rels_deleted).append(str(rel_id))
    out.deleted = [i for i in absent if set(held[i]) == {dataset}]
    out.stripped = [i for i in absent if set(held[i]) - {dataset}]
    for start in range(0, len(out.rels_deleted), _BATCH):
        writer.delete_relationships(out.rels_deleted[start : start + _BATCH])
    for start in range(0, len(out.stripped), _BATCH):
        entities = reader.get_entities(out.stripped[start : start + _BATCH])
        rows = [(e.id, without_dataset(dataset, e.properties)) for e in entities]
        writer.set_node_properties(RETRACTED_PROPS, rows)
    for start in range(0, len(out.deleted), _BATCH):
        writer.delete_nodes(out.deleted[start : start + _BATCH])
    sole = {i for i, names in _held(reader, dataset).items() if set(names) == {dataset}}
    out.replaced = _replace_records(reader, writer, seen, sole) + _replace_claims(reader, writer, dataset, seen, sole)
    return out


#: Properties a record's replacement leaves alone: kept by the store itself, or written by analyses.
_NOT_THE_RECORDS = frozenset({p.value for p in (*INTERNAL_PROPS, *ANALYSIS_PROPS, Prop.STUB, Prop.LOOKUP_KEYS)})
_SEARCH_LISTS = (Prop.SEARCH_NAMES, Prop.LOOKUP_KEYS)  # emptied before a record is written again


def _stale(stored: dict[str, Any], row: NodeRecord) -> list[Prop]:
    """The properties of a stored entity that differ from the record written (lists compared as sets; the search
    lists with what the store derives from the record: a former name found by search is stale too)."""
    written = {p.value: v for p, v in row.props.items()}
    out = []
    for key, value in stored.items():
        given = written.get(key)
        same = _same(value, given) if isinstance(value, list) or isinstance(given, list) else value == given
        if key in _NOT_THE_RECORDS or same or (value in (None, "", False) and given in (None, "", False)):
            continue
        try:
            out.append(Prop(key))
        except ValueError:  # not a vocabulary property: not the record's either
            continue
    derived = node_row(row)["lists"]  # the search forms and lookup keys the store makes of the record
    out += [p for p in _SEARCH_LISTS if not _same(stored.get(p.value), derived.get(p.value))]
    return out


def _replace_records(reader: GraphReader, writer: GraphWriter, seen: SeenWriter, sole: set[str]) -> list[str]:
    """Entities only the dataset asserts that differ from the records written: the properties the records no longer
    give emptied with the search lists, then the records written again. Returns their ids."""
    ids = sorted(i for i in seen.rows if i in sole)
    replaced: list[str] = []
    for start in range(0, len(ids), _BATCH):
        resets: dict[tuple[Prop, ...], list[tuple[str, dict[Prop, Any]]]] = {}
        again: dict[NodeKind, list[NodeRecord]] = {}
        for entity in reader.get_entities(ids[start : start + _BATCH]):
            row = seen.rows[entity.id]
            stale = _stale(entity.properties, row)
            if not stale:
                continue
            props = tuple(sorted({*stale, *_SEARCH_LISTS}, key=str))
            resets.setdefault(props, []).append((entity.id, {p: [] if p in LIST_PROPS else None for p in props}))
            again.setdefault(row.kind, []).append(row)
            replaced.append(entity.id)
        for props, rows in resets.items():
            writer.set_node_properties(props, rows)
        for kind, records in again.items():
            writer.upsert_nodes(kind, records)
    return replaced


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return sorted(_strings(a)) == sorted(_strings(b))
    return bool(a) == bool(b)


def _replace_claims(
    reader: GraphReader, writer: GraphWriter, dataset: str, seen: SeenWriter, sole: set[str]
) -> list[str]:
    """Entities other datasets also assert that the load wrote designations for: the dataset's earlier claims taken
    off, what the load said put back (written only where that differs from what is stored). Returns their ids."""
    ids = sorted(i for i in seen.claims if i not in sole)
    replaced: list[str] = []
    for start in range(0, len(ids), _BATCH):
        rows: list[tuple[str, dict[Prop, Any]]] = []
        for entity in reader.get_entities(ids[start : start + _BATCH]):
            said = seen.claims[entity.id]
            base = without_dataset(dataset, entity.properties)
            programs = list(said[Prop.PROGRAMS]) + [p for p in base[Prop.PROGRAMS] if p not in said[Prop.PROGRAMS]]
            values: dict[Prop, Any] = {
                Prop.DATASETS: [*base[Prop.DATASETS], dataset],
                Prop.SOURCE_IDS: [*base[Prop.SOURCE_IDS], *said[Prop.SOURCE_IDS]],
                Prop.DESIGNATIONS: [*base[Prop.DESIGNATIONS], *said[Prop.DESIGNATIONS]],
                Prop.PROGRAMS: programs,
                Prop.SANCTIONED: True,
            }
            if not all(_same(entity.properties.get(p), v) for p, v in values.items()):
                rows.append((entity.id, values))
                replaced.append(entity.id)
        if rows:
            writer.set_node_properties(RETRACTED_PROPS, rows)
    return replaced
