"""A case: a named investigation kept in the graph store (RecordLabel records), apart from source data.

Records are flat maps (str, number, bool, list of str): a case's saved views, snapshots and last changes are kept as
JSON text in its record, notes, analyst-asserted links and attached screening runs as records of their own keyed
by ``case_id``. ``to_dict``/``from_dict`` give the export file's shapes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Self

#: What a note is on.
ON_CASE, ON_ENTITY, ON_RELATIONSHIP = "case", "entity", "relationship"


@dataclass(frozen=True)
class SavedView:
    """An explorer view: the entity page URL with its query string (hops, filters…), under a name."""

    name: str
    url: str


@dataclass
class Case:
    id: str
    title: str
    created_by: str
    created_at: str
    pinned: list[str] = field(default_factory=list)
    views: list[SavedView] = field(default_factory=list)
    #: entity id -> its picture when pinned or last rescreened (graph.cases.rescreen.picture)
    snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: changes found by the last rescreen (graph.cases.rescreen.Change as dicts)
    changes: list[dict[str, Any]] = field(default_factory=list)
    rescreened_at: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "pinned": list(self.pinned),
            "views": [json.dumps(asdict(v), ensure_ascii=False) for v in self.views],
            "snapshots": json.dumps(self.snapshots, ensure_ascii=False, sort_keys=True),
            "changes": json.dumps(self.changes, ensure_ascii=False),
            "rescreened_at": self.rescreened_at,
        }

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Case:
        return cls(
            id=str(r["id"]),
            title=str(r.get("title") or ""),
            created_by=str(r.get("created_by") or ""),
            created_at=str(r.get("created_at") or ""),
            pinned=[str(p) for p in r.get("pinned") or []],
            views=[SavedView(**json.loads(v)) for v in r.get("views") or []],
            snapshots=json.loads(r.get("snapshots") or "{}"),
            changes=json.loads(r.get("changes") or "[]"),
            rescreened_at=r.get("rescreened_at"),
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["views"] = [asdict(v) for v in self.views]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Case:
        return cls(
            id=str(d["id"]),
            title=str(d["title"]),
            created_by=str(d.get("created_by") or ""),
            created_at=str(d.get("created_at") or ""),
            pinned=[str(p) for p in d.get("pinned") or []],
            views=[SavedView(name=str(v["name"]), url=str(v["url"])) for v in d.get("views") or []],
            snapshots=dict(d.get("snapshots") or {}),
            changes=list(d.get("changes") or []),
            rescreened_at=d.get("rescreened_at"),
        )


class _TextRecord:
    """A record whose fields are all text: to and from the export file's (and the store's) flat maps."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        return cls(**{f.name: str(d[f.name]) for f in fields(cls)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Note(_TextRecord):
    """A note on the case, an entity or a relationship (``on`` says which; ``target`` is its id)."""

    id: str
    case_id: str
    on: str
    target: str
    text: str
    author: str
    at: str


@dataclass(frozen=True)
class AssertedLink(_TextRecord):
    """A relationship an analyst asserts between two entities ("same phone"), with the text that supports it.
    Kept as a record of its own: never a source relationship, never counted or exported as one."""

    id: str
    case_id: str
    source: str
    target: str
    label: str
    source_text: str
    author: str
    at: str


@dataclass(frozen=True)
class ScreeningRun(_TextRecord):
    """The results file of a `sanctions-graph screen` run (CSV or JSON text) attached to a case."""

    id: str
    case_id: str
    filename: str
    format: str
    content: str
    attached_by: str
    at: str
