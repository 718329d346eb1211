"""The IT-worker pattern: remote workers whose pay is pooled, or reaches a sanctioned party.

Definitions:
- a *worker* is the employee end of an EMPLOYS relationship;
- a worker's *pay accounts* are the worker itself and the wallets it HOLDS (where its pay is received);
- the worker's pay *goes to* every entity reached from its pay accounts along TRANSFERRED and PAID, forward, within
  ``hops`` hops, stopping at services (exchanges, mixers, bridges: the rule of graph.analytics.trace.service_label),
  which receive everyone's money and so say nothing about this worker.
A worker is flagged when
1. *pooled pay*: an entity (an account, wallet, person or company; not a service) is a pay account of, or receives
   pay from, two or more workers - e.g. one wallet collecting the pay of several "freelancers"; or
2. *sanctioned destination*: its pay reaches a sanctioned entity, or a wallet held by one, within ``hops`` hops.
Each flag carries its evidence: the shared collection point or the sanctioned party, and the path from the worker.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.analytics.trace import service_label
from graph.model import Direction
from graph.plain import as_dict
from graph.stores.base import GraphReader
from graph.vocabulary import Prop, RelType

DEFAULT_FLOW_HOPS = 3
_FLOW = (RelType.TRANSFERRED, RelType.PAID)
_NODE_PROPS = (Prop.NAME, Prop.KIND, Prop.SANCTIONED, Prop.TOPICS, Prop.ALIASES, Prop.NOTES)
_LIMIT = 200_000


@dataclass(frozen=True)
class Reason:
    kind: str  # "pooled pay" or "sanctioned destination"
    text: str
    point: str  # the collection point or the sanctioned party
    path: tuple[str, ...]  # from the worker to ``point``
    others: tuple[str, ...] = ()  # the other workers whose pay meets there


@dataclass
class WorkerCase:
    worker: str
    worker_name: str
    employers: list[str]
    reasons: list[Reason] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, reasons=[as_dict(r, rename={"others": "other_workers"}) for r in self.reasons])


@dataclass
class ItWorkerReport:
    hops: int
    workers: int
    cases: list[WorkerCase]

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, cases=[c.to_dict() for c in self.cases])

    def to_text(self) -> str:
        if not self.cases:
            return f"No worker flagged among {self.workers} workers."
        lines = [f"{len(self.cases)} of {self.workers} workers flagged:"]
        for case in self.cases:
            lines.append(f"  {case.worker_name} ({case.worker})")
            lines += [f"    - {reason.text}" for reason in case.reasons]
        return "\n".join(lines)


def find_it_workers(store: GraphReader, hops: int = DEFAULT_FLOW_HOPS) -> ItWorkerReport:
    employers: dict[str, list[str]] = defaultdict(list)
    for batch in store.iter_relationship_values(RelType.EMPLOYS):
        for employer, worker, *_ in batch:
            employers[str(worker)].append(str(employer))
    workers = sorted(employers)
    if not workers:
        return ItWorkerReport(hops, 0, [])
    info: dict[str, dict[str, Any]] = {}
    for e in store.get_entities(workers):
        info[e.id] = {p: e.properties.get(p) for p in (x.value for x in _NODE_PROPS)}
    # paths[worker][node] = path from the worker to node
    paths: dict[str, dict[str, tuple[str, ...]]] = {w: {w: (w,)} for w in workers}
    for link in store.links(workers, (RelType.HOLDS,), Direction.OUT, node_props=_NODE_PROPS, limit=_LIMIT):
        paths[link.origin].setdefault(link.other, (link.origin, link.other))
        info.setdefault(link.other, link.node)
    frontier = {node for w in workers for node in paths[w]}
    for _ in range(hops):
        expandable = sorted(n for n in frontier if not service_label(_kind(info, n), info.get(n, {})))
        if not expandable:
            break
        reached_by: dict[str, list[str]] = defaultdict(list)
        for link in store.links(expandable, _FLOW, Direction.OUT, node_props=_NODE_PROPS, limit=_LIMIT):
            info.setdefault(link.other, link.node)
            reached_by[link.origin].append(link.other)
        new_frontier: set[str] = set()
        for w in workers:
            mine = paths[w]
            for node in [n for n in mine if n in frontier]:
                for nxt in reached_by.get(node, ()):
                    if nxt not in mine:
                        mine[nxt] = (*mine[node], nxt)
                        new_frontier.add(nxt)
        frontier = new_frontier
    # who holds the reached wallets (a wallet held by a sanctioned entity is a sanctioned destination)
    reached = sorted({n for w in workers for n in paths[w]})
    held_by: dict[str, list[str]] = defaultdict(list)
    for link in store.links(reached, (RelType.HOLDS,), Direction.IN, node_props=_NODE_PROPS, limit=_LIMIT):
        info.setdefault(link.other, link.node)
        held_by[link.origin].append(link.other)

    meets: dict[str, set[str]] = defaultdict(set)
    for w in workers:
        for node in paths[w]:
            if not service_label(_kind(info, node), info.get(node, {})):
                meets[node].add(w)
    cases: list[WorkerCase] = []
    for w in workers:
        case = WorkerCase(w, _name(info, w), sorted(set(employers[w])))
        for node, path in sorted(paths[w].items(), key=lambda kv: (len(kv[1]), kv[0])):
            others = sorted(meets.get(node, set()) - {w})
            if others:
                names = ", ".join(_name(info, o) for o in others)
                case.reasons.append(
                    Reason(
                        "pooled pay",
                        f"pay reaches {_name(info, node)} ({len(path) - 1} hop(s)), as does the pay of {names}",
                        node,
                        path,
                        tuple(others),
                    )
                )
            if node != w and info.get(node, {}).get(Prop.SANCTIONED.value):
                text = f"pay reaches sanctioned {_name(info, node)} ({len(path) - 1} hop(s))"
                case.reasons.append(Reason("sanctioned destination", text, node, path))
            for holder in sorted(held_by.get(node, ())):
                if holder != w and info.get(holder, {}).get(Prop.SANCTIONED.value):
                    text = f"pay reaches wallet {_name(info, node)} held by sanctioned {_name(info, holder)}"
                    case.reasons.append(Reason("sanctioned destination", text, holder, (*path, holder)))
        if case.reasons:
            cases.append(case)
    return ItWorkerReport(hops, len(workers), cases)


def _kind(info: dict[str, dict[str, Any]], node: str) -> str | None:
    value = info.get(node, {}).get(Prop.KIND.value)
    return None if value is None else str(value)


def _name(info: dict[str, dict[str, Any]], node: str) -> str:
    return str(info.get(node, {}).get(Prop.NAME.value) or node)
