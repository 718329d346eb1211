"""An analyst's judgement of a SAME_AS candidate: accept, reject, or undo either, with who and when.

The judgement lives on the SAME_AS relationship itself (``judgement``, ``judged_by``, ``judged_at``, and ``status``
set to the judgement), whose id is keyed by the pair (graph.matching.xref.same_as_id). So it survives re-loads of
any source (a source's reload of a SAME_AS keeps a judged status, cypher.KEEP_JUDGED_STATUS) and re-runs of xref
(which updates only unjudged candidates and never proposes a judged pair again). Undo clears ``judgement`` and puts
the status back to ``candidate``; who undid it and when are kept in ``judged_by``/``judged_at``.

What follows a SAME_AS (exposure, paths, the 50% rule): ``followed_statuses`` says which statuses are followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from graph.analytics.dates import utc_now_iso
from graph.errors import SanctionsGraphError
from graph.model import Entity, Relationship
from graph.stores.base import GraphReader, ReviewWriter
from graph.vocabulary import Prop

CANDIDATE, ACCEPTED, REJECTED = "candidate", "accepted", "rejected"
#: The actions an analyst takes on a candidate.
ACTIONS = ("accept", "reject", "undo")
_RESULT = {"accept": ACCEPTED, "reject": REJECTED}
#: Who judged when nobody is logged in.
DEFAULT_USER = "analyst"


class JudgementError(SanctionsGraphError, ValueError):
    """A judgement that cannot be recorded (the message says why)."""


def followed_statuses(candidates: bool = False, rejected: bool = False) -> frozenset[str]:
    """The SAME_AS statuses a walk follows: accepted ones always, candidates (and statuses nobody set) with
    ``candidates``, rejected ones with ``rejected``."""
    out = {ACCEPTED}
    if candidates:
        out |= {CANDIDATE, ""}
    if rejected:
        out.add(REJECTED)
    return frozenset(out)


def status_of(props: dict[str, Any]) -> str:
    """A SAME_AS's status as compared by ``followed_statuses``: case and spaces ignored; positive judgements
    written by other tools (confirmed, positive) read as accepted, negative ones as rejected."""
    raw = str(props.get(Prop.STATUS.value) or "").strip().casefold()
    if raw in ("confirmed", "positive"):
        return ACCEPTED
    if raw == "negative":
        return REJECTED
    return raw


def judge(store: ReviewWriter, rel_id: str, action: str, user: str | None = None) -> Relationship:
    """Accept, reject or undo the SAME_AS ``rel_id`` as ``user`` (default "analyst"), now (UTC)."""
    if action not in ACTIONS:
        raise JudgementError(f"unknown action {action!r}: use accept, reject or undo")
    who = (user or "").strip() or DEFAULT_USER
    judgement = _RESULT.get(action)
    return store.judge_same_as(rel_id, judgement, judgement or CANDIDATE, who, utc_now_iso())


@dataclass(frozen=True)
class SameAsPair:
    """One SAME_AS with both sides' records, for review."""

    rel: Relationship
    left: Entity
    right: Entity

    @property
    def score(self) -> float:
        value = self.rel.properties.get(Prop.SCORE.value)
        return float(value) if isinstance(value, int | float) else 0.0

    @property
    def status(self) -> str:
        return status_of(self.rel.properties)

    def get(self, prop: Prop) -> Any:
        return self.rel.properties.get(prop.value)


def with_entities(store: GraphReader, rels: Iterable[Relationship]) -> list[SameAsPair]:
    """The SAME_AS relationships with both sides' whole records (pairs whose side is gone are left out)."""
    rels = list(rels)
    if not rels:
        return []  # no store call for an entity without candidates (every entity page asks)
    found = {e.id: e for e in store.get_entities([i for r in rels for i in (r.source, r.target)])}
    return [SameAsPair(r, found[r.source], found[r.target]) for r in rels if r.source in found and r.target in found]


def review_queue(
    store: GraphReader, statuses: Iterable[str] = (CANDIDATE,), min_score: float = 0.0, limit: int = 100
) -> list[SameAsPair]:
    """The review queue: SAME_AS of these statuses, best score first, with both sides' records."""
    return with_entities(store, store.same_as_queue(list(statuses), min_score, limit))


JUDGEMENT_COLUMNS = (
    "id", "source", "source_name", "target", "target_name", "score", "match_label", "status", "judgement",
    "judged_by", "judged_at", "explanation",
)  # fmt: skip


def judgement_rows(pairs: Iterable[SameAsPair]) -> Iterator[dict[str, Any]]:
    """One flat row per SAME_AS (JUDGEMENT_COLUMNS), for CSV."""
    for p in pairs:
        yield {
            "id": p.rel.id,
            "source": p.left.id,
            "source_name": p.left.name,
            "target": p.right.id,
            "target_name": p.right.name,
            "score": p.get(Prop.SCORE),
            "match_label": p.get(Prop.MATCH_LABEL) or "",
            "status": p.status,
            "judgement": p.get(Prop.JUDGEMENT) or "",
            "judged_by": p.get(Prop.JUDGED_BY) or "",
            "judged_at": p.get(Prop.JUDGED_AT) or "",
            "explanation": p.get(Prop.EXPLANATION) or "",
        }
