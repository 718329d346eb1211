"""OFAC's 50 Percent Rule: is an entity blocked by operation of law because blocked persons own, directly or
indirectly, 50% or more of it in the aggregate?

The rule as OFAC's guidance (2014, FAQ 398-402) reads, and as computed here:
1. Blocked persons are the listed ones (``sanctioned`` mark) and every entity found blocked by this rule.
2. For each entity, add up the percentages held *directly* by blocked persons. If the sum is 50% or more, the entity
   is blocked, and from then on it counts as a blocked owner in full (not its owners' share multiplied through).
3. Repeat until nothing changes. An owner that is not blocked passes nothing on, however much of it blocked persons
   own below 50%. Ownership cycles end because entities only ever become blocked.
Examples: two listed owners with 25% each -> blocked; listed X owns 60% of A and A owns 50% of B -> A and B blocked;
listed X owns 40% of A and A owns 100% of B -> neither.

What counts as a holding on the date evaluated (``as_of``, default today):
- one OWNS relationship owner -> asset with ``percentage`` (0-100); dates of any precision ("2023", "2023-02",
  "2023-02-24") are intervals: a holding counts unless its end date lies wholly before ``as_of`` (it has ended) or
  its start date wholly after it (not yet in force). So a holding ended "2023" still counts on 2023-06-01: the rule
  errs toward blocking where the data cannot tell;
- several OWNS between the same owner and asset (several sources asserting one holding) count once, at the highest
  stated percentage; the others are listed as "also reported";
- a missing percentage is never taken as 0 or 100: the entity is reported *possibly blocked* (``blocked`` null) when
  the stated percentages fall short of 50% but the missing ones could reach it. The most a missing percentage can
  be is what the stated holdings of everyone leave: 100 minus their sum.

``effective_share`` is information only, not the rule: the share of listed persons multiplied along every ownership
chain (X owns 60% of A, A owns 50% of B: 30% of B), capped at 100. Analysts watch it for 49% structures.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from graph.analytics.dates import parse_moment, today
from graph.model import Direction, Entity, Subgraph
from graph.stores.base import GraphReader
from graph.vocabulary import Prop, RelType

THRESHOLD = 50.0
_EPS = 1e-9
#: How many levels of owners the on-demand evaluation reads above an entity, and how many owners at most.
DEFAULT_MAX_DEPTH = 30
DEFAULT_MAX_OWNERS = 50_000


@dataclass(frozen=True)
class Holding:
    """One OWNS relationship: ``owner`` holds ``percentage`` (None: not stated) of ``asset``."""

    owner: str
    asset: str
    percentage: float | None
    start_date: str | None = None
    end_date: str | None = None
    rel_id: str | None = None
    datasets: tuple[str, ...] = ()


def not_in_force(h: Holding, as_of: date) -> str | None:
    """Why the holding does not count on ``as_of`` ("ended 2021-05", "starts 2025"), or None when it counts."""
    end = parse_moment(h.end_date)
    if end is not None and end.latest.date() < as_of:
        return f"ended {h.end_date}"
    start = parse_moment(h.start_date)
    if start is not None and start.earliest.date() > as_of:
        return f"not yet in force (starts {h.start_date})"
    return None


def _percentage(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        pct = float(str(value).strip().rstrip("%")) if isinstance(value, str) else float(value)
    except ValueError:
        return None
    return pct if pct == pct else None  # NaN is not a percentage


@dataclass(frozen=True)
class Counted:
    """How one holding in an entity was judged."""

    holding: Holding
    owner_status: str  # "listed", "blocked by ownership", "possibly blocked", "not blocked"
    counted: bool  # added to blocked_share
    reason: str


@dataclass
class OwnershipAnalysis:
    """The rule evaluated over a set of holdings; ``verdict`` and ``explain`` read it per entity."""

    as_of: date
    listed: frozenset[str]
    blocked: set[str]  # listed ones and those blocked by the rule
    possibly: set[str]  # not blocked, but missing percentages could make them blocked
    share: dict[str, float]  # percent held directly by blocked owners (stated percentages)
    effective: dict[str, float]
    unknown_cap: dict[str, float]  # most the missing percentages of an asset could add up to
    holdings_of: dict[str, list[Holding]]  # asset -> every holding (in force or not)
    pairs: dict[tuple[str, str], Holding]  # (owner, asset) -> the holding that counts
    overfull: dict[str, float] = field(default_factory=dict)  # assets whose stated holdings exceed 100%

    def status(self, entity: str) -> str:
        if entity in self.listed:
            return "listed"
        if entity in self.blocked:
            return "blocked by ownership"
        if entity in self.possibly:
            return "possibly blocked"
        return "not blocked"

    def blocked_by_ownership(self, entity: str) -> bool | None:
        """True, False, or None (possibly: a missing percentage decides); False for a listed entity."""
        if entity in self.listed:
            return False
        if entity in self.blocked:
            return True
        if entity in self.possibly:
            return None
        return False

    def is_blocked(self, entity: str) -> bool | None:
        if entity in self.blocked:
            return True
        return None if entity in self.possibly else False

    def explain(self, entity: str) -> list[Counted]:
        out: list[Counted] = []
        for h in sorted(self.holdings_of.get(entity, []), key=lambda x: (x.owner, -(x.percentage or 0.0))):
            owner_status = self.status(h.owner)
            gone = not_in_force(h, self.as_of)
            chosen = self.pairs.get((h.owner, h.asset))
            if gone:
                out.append(Counted(h, owner_status, False, gone))
            elif chosen is not h:
                out.append(Counted(h, owner_status, False, "also reported: this owner's holding is counted once"))
            elif owner_status in ("listed", "blocked by ownership"):
                if h.percentage is None:
                    out.append(Counted(h, owner_status, False, "percentage unknown"))
                else:
                    out.append(Counted(h, owner_status, True, "held by a blocked person"))
            elif owner_status == "possibly blocked":
                out.append(Counted(h, owner_status, False, "owner possibly blocked (a percentage is missing)"))
            else:
                out.append(Counted(h, owner_status, False, "owner not blocked: passes nothing on"))
        return out

    def arithmetic(self, entity: str) -> str:
        parts = [
            f"{_fmt(c.holding.percentage)}% ({c.holding.owner}, {c.owner_status})"
            for c in self.explain(entity)
            if c.counted
        ]
        total = self.share.get(entity, 0.0)
        unknown = [c for c in self.explain(entity) if c.reason.startswith(("percentage unknown", "owner possibly"))]
        text = (" + ".join(parts) if parts else "0%") + f" = {_fmt(total)}%"
        text += f" {'≥' if total >= THRESHOLD - _EPS else '<'} {_fmt(THRESHOLD)}%"
        if unknown and entity not in self.blocked:
            text += (
                f"; unknown: up to {_fmt(self.unknown_cap.get(entity, 100.0))}% more could be held by blocked persons"
            )
        return text


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:.4f}".rstrip("0").rstrip(".")


def evaluate(holdings: Iterable[Holding], listed: Iterable[str], as_of: date | None = None) -> OwnershipAnalysis:
    """Evaluate the 50% rule over ``holdings`` (every OWNS in reach) with ``listed`` the sanctioned ids."""
    day = as_of or today()
    listed_set = frozenset(listed)
    holdings_of: dict[str, list[Holding]] = defaultdict(list)
    pairs: dict[tuple[str, str], Holding] = {}
    for h in holdings:
        holdings_of[h.asset].append(h)
        if not_in_force(h, day):
            continue
        key = (h.owner, h.asset)
        best = pairs.get(key)
        if best is None or (h.percentage is not None and (best.percentage is None or h.percentage > best.percentage)):
            pairs[key] = h
    out_edges: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
    stated_total: dict[str, float] = defaultdict(float)
    for (owner, asset), h in sorted(pairs.items()):
        out_edges[owner].append((asset, h.percentage))
        if h.percentage is not None:
            stated_total[asset] += h.percentage
    unknown_cap = {a: max(0.0, 100.0 - stated_total.get(a, 0.0)) for a in holdings_of}
    overfull = {a: t for a, t in stated_total.items() if t > 100.0 + _EPS}

    blocked, share = _fixpoint(listed_set, out_edges, None)
    upper, _ = _fixpoint(listed_set, out_edges, unknown_cap)
    possibly = upper - blocked
    effective = _effective(listed_set, out_edges)
    return OwnershipAnalysis(
        as_of=day,
        listed=listed_set,
        blocked=blocked,
        possibly=possibly,
        share=dict(share),
        effective=effective,
        unknown_cap=unknown_cap,
        holdings_of=dict(holdings_of),
        pairs=pairs,
        overfull=overfull,
    )


def _fixpoint(
    listed: frozenset[str],
    out_edges: dict[str, list[tuple[str, float | None]]],
    unknown_cap: dict[str, float] | None,
) -> tuple[set[str], dict[str, float]]:
    """Blocked set and direct blocked shares. With ``unknown_cap`` a missing percentage counts as the most it could
    be (the upper bound: what is *possibly* blocked); without, as nothing counted (what is certainly blocked)."""
    blocked = set(listed)
    share: dict[str, float] = defaultdict(float)
    unknown: set[str] = set()
    queue = deque(sorted(listed))
    while queue:
        owner = queue.popleft()
        for asset, pct in out_edges.get(owner, ()):
            if pct is None:
                if unknown_cap is None:
                    continue
                unknown.add(asset)
            else:
                share[asset] += pct
            total = share[asset] + (
                unknown_cap.get(asset, 100.0) if unknown_cap is not None and asset in unknown else 0
            )
            if asset not in blocked and total >= THRESHOLD - _EPS:
                blocked.add(asset)
                queue.append(asset)
    return blocked, share


def _effective(listed: frozenset[str], out_edges: dict[str, list[tuple[str, float | None]]]) -> dict[str, float]:
    """Listed persons' shares multiplied along ownership chains (stated percentages only), capped at 100."""
    effective: dict[str, float] = defaultdict(float)
    pending: dict[str, float] = {}
    queue: deque[str] = deque()

    def push(asset: str, amount: float) -> None:
        before = effective[asset]
        effective[asset] = min(100.0, before + amount)
        gained = effective[asset] - before
        if gained > 1e-9 and asset not in listed:
            if asset not in pending:
                queue.append(asset)
            pending[asset] = pending.get(asset, 0.0) + gained

    for owner in sorted(listed):
        for asset, pct in out_edges.get(owner, ()):
            if pct is not None:
                push(asset, pct)
    budget = 50 * (sum(len(v) for v in out_edges.values()) + 1)
    while queue and budget > 0:
        node = queue.popleft()
        delta = pending.pop(node)
        for asset, pct in out_edges.get(node, ()):
            budget -= 1
            if pct is not None:
                push(asset, delta * pct / 100.0)
    return {k: v for k, v in effective.items() if v > 0}


# --- one entity, on demand --------------------------------------------------------------------------------------

_REL_PROPS = (Prop.PERCENTAGE, Prop.START_DATE, Prop.END_DATE, Prop.DATASETS)
_NODE_PROPS = (Prop.NAME, Prop.KIND, Prop.SANCTIONED)


def holding_from_values(owner: str, asset: str, values: dict[str, Any], rel_id: str | None = None) -> Holding:
    datasets = values.get(Prop.DATASETS.value) or ()
    return Holding(
        owner=owner,
        asset=asset,
        percentage=_percentage(values.get(Prop.PERCENTAGE.value)),
        start_date=_text(values.get(Prop.START_DATE.value)),
        end_date=_text(values.get(Prop.END_DATE.value)),
        rel_id=rel_id,
        datasets=tuple(str(d) for d in datasets),
    )


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def entity_ownership(
    store: GraphReader,
    entity_id: str,
    as_of: date | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_owners: int = DEFAULT_MAX_OWNERS,
) -> OwnershipReport:
    """The 50% rule for one entity: reads its owners, their owners and so on (one query per level), then evaluates.

    Whether an entity is blocked depends only on the holdings above it, so this is exact when ``complete``."""
    entity = store.get_entity(entity_id)
    names: dict[str, tuple[str, str, bool]] = {entity.id: (entity.name, entity.kind.value, entity.sanctioned)}
    holdings: list[Holding] = []
    frontier = [entity.id]
    complete = True
    for _ in range(max_depth):
        if not frontier:
            break
        links = store.links(frontier, (RelType.OWNS,), Direction.IN, _REL_PROPS, _NODE_PROPS, limit=max_owners + 1)
        if len(links) > max_owners:
            complete = False
        nxt: list[str] = []
        for link in links:
            holdings.append(holding_from_values(link.other, link.origin, link.rel, link.rel_id))
            if link.other not in names:
                node = link.node
                names[link.other] = (
                    str(node.get(Prop.NAME.value) or link.other),
                    str(node.get(Prop.KIND.value) or ""),
                    bool(node.get(Prop.SANCTIONED.value)),
                )
                nxt.append(link.other)
        frontier = nxt
        if len(names) > max_owners:
            complete = False
            break
    else:
        complete = complete and not frontier
    listed = [i for i, (_, _, sanctioned) in names.items() if sanctioned]
    analysis = evaluate(holdings, listed, as_of)
    return OwnershipReport(entity, analysis, names, complete)


def ownership_from_subgraph(subgraph: Subgraph, as_of: date | None = None) -> OwnershipReport:
    """The 50% rule for a subgraph's centre from the ownership the subgraph holds (no store call, e.g. a report's
    two-hop neighbourhood). Owners at its edge count as blocked when listed or when ``analyze`` stored them as
    blocked by ownership; ``complete`` is false when the subgraph was cut short."""
    entities = {e.id: e for e in subgraph.entities}
    center = entities[subgraph.center]
    holdings = [
        holding_from_values(r.source, r.target, r.properties, r.id)
        for r in subgraph.relationships
        if r.type is RelType.OWNS and r.source in entities and r.target in entities
    ]
    listed = [
        i for i, e in entities.items() if e.sanctioned or e.properties.get(Prop.BLOCKED_BY_OWNERSHIP.value) is True
    ]
    names = {i: (e.name, e.kind.value, e.sanctioned) for i, e in entities.items()}
    analysis = evaluate(holdings, listed, as_of)
    # owners blocked per the stored analysis read as "blocked by ownership", not as listed
    analysis = replace(analysis, listed=frozenset(i for i, e in entities.items() if e.sanctioned))
    return OwnershipReport(center, analysis, names, subgraph.omitted == 0)


@dataclass(frozen=True)
class OwnershipReport:
    entity: Entity
    analysis: OwnershipAnalysis
    names: dict[str, tuple[str, str, bool]]  # id -> (name, kind, sanctioned) of every entity read
    complete: bool

    @property
    def blocked(self) -> bool | None:
        return self.analysis.is_blocked(self.entity.id)

    def verdict(self) -> str:
        a, e = self.analysis, self.entity
        share = _fmt(a.share.get(e.id, 0.0))
        if e.id in a.listed:
            return f"{e.name} is blocked: it is itself listed (sanctioned)."
        if e.id in a.blocked:
            return f"{e.name} is blocked by the 50% rule: blocked persons own {share}% of it in the aggregate."
        if e.id in a.possibly:
            return (
                f"{e.name} is possibly blocked: blocked persons own at least {share}% of it and holdings with "
                "unknown percentages could bring that to 50% or more."
            )
        return f"{e.name} is not blocked by the 50% rule: blocked persons own {share}% of it in the aggregate."

    def standing(self, entity_id: str | None = None) -> str:
        """'listed', 'blocked', 'possibly blocked' or 'not blocked': the verdict in two words."""
        a, eid = self.analysis, entity_id or self.entity.id
        if eid in a.listed:
            return "listed"
        if eid in a.blocked:
            return "blocked"
        return "possibly blocked" if eid in a.possibly else "not blocked"

    def in_force(self, entity_id: str | None = None) -> list[Counted]:
        """The holdings of the entity the rule weighs (in force as of the date, each owner once): counted ones first,
        largest first."""
        a, eid = self.analysis, entity_id or self.entity.id
        out = [c for c in a.explain(eid) if a.pairs.get((c.holding.owner, c.holding.asset)) is c.holding]
        return sorted(out, key=lambda c: (not c.counted, -(c.holding.percentage or 0.0), c.holding.owner))

    def equation(self, entity_id: str | None = None) -> str:
        """What every holding in force adds and the verdict, also when not blocked: '40% + 0% = 40% < 50%: not
        blocked' (a holding adds its percentage when its owner is blocked, else 0%)."""
        a, eid = self.analysis, entity_id or self.entity.id
        if eid in a.listed:
            return "itself listed: blocked"
        terms = [f"{_fmt(c.holding.percentage)}%" if c.counted else "0%" for c in self.in_force(eid)]
        total = a.share.get(eid, 0.0)
        sign = "≥" if total >= THRESHOLD - _EPS else "<"
        lhs = f"{' + '.join(terms)} = {_fmt(total)}%" if terms else "no holding recorded: 0%"
        text = f"{lhs} {sign} {_fmt(THRESHOLD)}%: {self.standing(eid)}"
        if eid in a.possibly:
            text += f" (up to {_fmt(a.unknown_cap.get(eid, 100.0))}% more held with unknown percentages)"
        return text

    def rounds(self) -> list[tuple[int, list[str]]]:
        """The fixpoint's rounds over the ownership read: round 0 the listed owners, round n the entities that
        blocked owners of earlier rounds hold 50% or more of. (round, names), first round first."""
        a = self.analysis
        level = {i: 0 for i in self.names if i in a.listed}
        pending = sorted(i for i in self.names if i in a.blocked and i not in a.listed)
        n = 0
        while pending:
            n += 1
            done = [
                i
                for i in pending
                if sum(c.holding.percentage or 0.0 for c in self.in_force(i) if c.counted and c.holding.owner in level)
                >= THRESHOLD - _EPS
            ]
            if not done:
                break
            level.update({i: n for i in done})
            pending = [i for i in pending if i not in level]
        return [
            (r, sorted(self.names[i][0] for i, lv in level.items() if lv == r)) for r in sorted(set(level.values()))
        ]

    def _holding_dict(self, c: Counted) -> dict[str, Any]:
        h = c.holding
        name, kind, _ = self.names.get(h.owner, (h.owner, "", False))
        return {
            "owner": h.owner,
            "owner_name": name,
            "owner_kind": kind,
            "owner_status": c.owner_status,
            "percentage": h.percentage,
            "start_date": h.start_date,
            "end_date": h.end_date,
            "datasets": list(h.datasets),
            "relationship_id": h.rel_id,
            "counted": c.counted,
            "adds": (c.holding.percentage or 0.0) if c.counted else 0.0,
            "reason": c.reason,
        }

    def _entity_dict(self, entity_id: str) -> dict[str, Any]:
        a = self.analysis
        name = self.names.get(entity_id, (entity_id, "", False))[0]
        return {
            "id": entity_id,
            "name": name,
            "status": a.status(entity_id),
            "blocked_share": round(a.share.get(entity_id, 0.0), 6),
            "arithmetic": a.arithmetic(entity_id),
            "holdings": [self._holding_dict(c) for c in a.explain(entity_id)],
        }

    def to_dict(self) -> dict[str, Any]:
        a, e = self.analysis, self.entity
        chain = [
            self._entity_dict(i)
            for i in sorted(self.names)
            if i != e.id and (i in a.possibly or (i in a.blocked and i not in a.listed))
        ]
        warnings = [
            f"Stated holdings in {self.names.get(k, (k,))[0]} add up to {_fmt(v)}% (more than 100%)."
            for k, v in sorted(a.overfull.items())
        ]
        if not self.complete:
            warnings.append("The ownership above this entity was not read completely (too deep or too many owners).")
        return {
            "entity": {"id": e.id, "name": e.name, "kind": e.kind.value, "sanctioned": e.sanctioned},
            "as_of": a.as_of.isoformat(),
            "blocked": self.blocked,
            "listed": e.id in a.listed,
            "blocked_by_ownership": a.blocked_by_ownership(e.id),
            "blocked_share": round(a.share.get(e.id, 0.0), 6),
            "effective_blocked_share": round(a.effective.get(e.id, 0.0), 6),
            "threshold": THRESHOLD,
            "verdict": self.verdict(),
            "arithmetic": a.arithmetic(e.id),
            "equation": self.equation(),
            "rounds": [{"round": r, "entities": names} for r, names in self.rounds()],
            "holdings": [self._holding_dict(c) for c in a.explain(e.id)],
            "blocked_owners_upstream": chain,
            "complete": self.complete,
            "warnings": warnings,
        }


def ownership_props(analysis: OwnershipAnalysis, entity_id: str) -> dict[Prop, Any]:
    """The store properties of one entity's result (all None for an entity no OWNS points at)."""
    if entity_id not in analysis.holdings_of:
        return {
            Prop.BLOCKED_BY_OWNERSHIP: None,
            Prop.OWNERSHIP_UNKNOWN: None,
            Prop.BLOCKED_SHARE: None,
            Prop.EFFECTIVE_BLOCKED_SHARE: None,
            Prop.OWNERSHIP_AS_OF: None,
        }
    return {
        Prop.BLOCKED_BY_OWNERSHIP: entity_id in analysis.blocked and entity_id not in analysis.listed,
        Prop.OWNERSHIP_UNKNOWN: entity_id in analysis.possibly,
        Prop.BLOCKED_SHARE: round(analysis.share.get(entity_id, 0.0), 6),
        Prop.EFFECTIVE_BLOCKED_SHARE: round(analysis.effective.get(entity_id, 0.0), 6),
        Prop.OWNERSHIP_AS_OF: analysis.as_of.isoformat(),
    }


def holdings_from_rows(rows: Sequence[tuple[Any, ...]]) -> list[Holding]:
    """Holdings from bulk rows (source, target, percentage, start_date, end_date)."""
    return [Holding(str(s), str(t), _percentage(p), _text(start), _text(end)) for s, t, p, start, end in rows]
