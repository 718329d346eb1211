"""Fund-flow tracing: where funds from a wallet (or any payer) went, or where a wallet's funds came from.

Rules:
- edges followed: ``TRANSFERRED`` (wallet -> wallet; ``timestamp``) and ``PAID`` (payer -> beneficiary; ``date``),
  forward along their direction or backward against it, for at most ``hops`` hops;
- time order: every hop is no earlier than the one before it (forward), no later than the one after it
  (backward). Times of different precision are intervals (a payment dated 2023-04-04 and a transfer at
  2023-04-04T10:12 may be in either order, so both are kept): a hop is dropped only when it certainly happened
  before the funds could have arrived (forward) or after they had to leave (backward). Funds are tracked by the
  earliest time they could be at each entity (latest, backward), so an entity reached again earlier is re-expanded;
- undated hops are kept and marked ``undated``; they carry the time constraint of the hop before them;
- ``since``/``until`` keep only hops that may lie within the window;
- the trace stops at services and at the hop limit. A *service* is an entity whose ``topics`` mention one of
  SERVICE_TERMS, or a Wallet whose labels (``name``, ``aliases``, ``notes``) mention one as a word: funds entering an
  exchange, mixer or bridge lose their identity there, so going on would follow other people's money. The start is
  always expanded, even if it is a service; ``through_services`` goes on through them (each stays marked);
- the start may be given as an entity id or as the address an analyst pastes, in any case (``resolve_start``).
Amounts are those of the transfers: a trace shows observed movements, not an allocation of tainted value (no
FIFO/pro-rata haircut is applied).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from graph.analytics.dates import Moment, day_interval, parse_moment
from graph.errors import EntityNotFound
from graph.exports.tabular import csv_safe_row
from graph.ids import lookup_key, wallet_id
from graph.model import Direction, Entity, Link
from graph.stores.base import GraphReader
from graph.vocabulary import NodeKind, Prop, RelType

#: Words that make an entity a service where the trace stops (matched case-insensitively as word starts).
SERVICE_TERMS: tuple[str, ...] = ("exchange", "mixer", "mixing", "tumbler", "bridge", "service")
_SERVICE_RE = re.compile(r"\b(" + "|".join(SERVICE_TERMS) + r")", re.IGNORECASE)
TRACE_TYPES: tuple[RelType, ...] = (RelType.TRANSFERRED, RelType.PAID)
MAX_HOPS = 10
DEFAULT_HOPS = 4
#: Most links one hop may fetch; beyond it the trace says it is incomplete.
DEFAULT_HOP_LIMIT = 20_000

_REL_PROPS = (
    Prop.AMOUNT,
    Prop.ASSET,
    Prop.CURRENCY,
    Prop.VALUE_USD,
    Prop.TIMESTAMP,
    Prop.DATE,
    Prop.TX_HASH,
)
_NODE_PROPS = (Prop.NAME, Prop.KIND, Prop.SANCTIONED, Prop.TOPICS, Prop.ALIASES, Prop.NOTES)


class TraceDirection(StrEnum):
    FORWARD = "forward"
    BACKWARD = "backward"


def service_label(kind: str | None, props: dict[str, Any]) -> str | None:
    """Why an entity is a service (the topic or label that says so), or None. See the module docstring."""
    for topic in props.get(Prop.TOPICS.value) or []:
        if _SERVICE_RE.search(str(topic).replace(".", " ").replace("_", " ")):
            return f"topic {topic}"
    if kind != NodeKind.WALLET.value:
        return None
    labels: list[str] = [str(props.get(Prop.NAME.value) or "")]
    labels += [str(a) for a in props.get(Prop.ALIASES.value) or []]
    notes = props.get(Prop.NOTES.value)
    labels += [str(n) for n in notes] if isinstance(notes, list) else [str(notes or "")]
    for label in labels:
        if _SERVICE_RE.search(label):
            return f"label '{label}'"
    return None


@dataclass(frozen=True)
class Transfer:
    """One movement of funds: a TRANSFERRED or PAID relationship with what the trace needs of it."""

    rel_id: str
    type: RelType
    source: str
    target: str
    when: Moment | None
    time: str | None
    amount: float | None = None
    asset: str | None = None
    value_usd: float | None = None
    tx_hash: str | None = None


@dataclass(frozen=True)
class Party:
    """An entity the trace reached."""

    id: str
    name: str
    kind: str
    sanctioned: bool
    service: str | None


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def transfer_from_link(link: Link) -> Transfer:
    r = link.rel
    time = r.get(Prop.TIMESTAMP.value) or r.get(Prop.DATE.value)
    source, target = (link.origin, link.other) if link.outgoing else (link.other, link.origin)
    return Transfer(
        rel_id=link.rel_id,
        type=link.type,
        source=source,
        target=target,
        when=parse_moment(time),
        time=None if time is None else str(time),
        amount=_number(r.get(Prop.AMOUNT.value)),
        asset=r.get(Prop.ASSET.value) or r.get(Prop.CURRENCY.value),
        value_usd=_number(r.get(Prop.VALUE_USD.value)),
        tx_hash=r.get(Prop.TX_HASH.value),
    )


def party_from_node(node_id: str, props: dict[str, Any]) -> Party:
    kind = str(props.get(Prop.KIND.value) or "")
    return Party(
        id=node_id,
        name=str(props.get(Prop.NAME.value) or node_id),
        kind=kind,
        sanctioned=bool(props.get(Prop.SANCTIONED.value)),
        service=service_label(kind, props),
    )


@dataclass(frozen=True)
class TracedTransfer:
    transfer: Transfer
    hop: int  # the first hop at which the trace uses it (1 = touches the start)


@dataclass
class Trace:
    start: str
    direction: TraceDirection
    hops: int
    since: date | None
    until: date | None
    transfers: list[TracedTransfer] = field(default_factory=list)
    parties: dict[str, Party] = field(default_factory=dict)
    depth: dict[str, int] = field(default_factory=dict)  # hops from the start at which each party was first reached
    stops: dict[str, str] = field(default_factory=dict)  # party -> why the trace did not go on from it
    complete: bool = True

    def rows(self) -> list[dict[str, Any]]:
        """The table: one row per transfer, in time order (undated last)."""
        out = []
        for t in sorted(self.transfers, key=_time_key):
            x = t.transfer
            out.append(
                {
                    "hop": t.hop,
                    "time": x.time,
                    "type": x.type.value,
                    "from": x.source,
                    "from_name": self.parties[x.source].name if x.source in self.parties else x.source,
                    "to": x.target,
                    "to_name": self.parties[x.target].name if x.target in self.parties else x.target,
                    "amount": x.amount,
                    "asset": x.asset,
                    "value_usd": x.value_usd,
                    "tx_hash": x.tx_hash,
                    "relationship_id": x.rel_id,
                    "undated": x.when is None,
                }
            )
        return out

    def endpoints(self) -> list[dict[str, Any]]:
        """Per entity reached: value received (forward) or sent (backward) in traced transfers, and why it stops."""
        totals: dict[str, dict[str, float]] = {}
        for t in self.transfers:
            x = t.transfer
            party = x.target if self.direction is TraceDirection.FORWARD else x.source
            acc = totals.setdefault(party, {"transfers": 0.0, "value_usd": 0.0})
            acc["transfers"] += 1
            acc["value_usd"] += x.value_usd or 0.0
        out = []
        for pid, acc in sorted(totals.items(), key=lambda kv: (-kv[1]["value_usd"], kv[0])):
            p = self.parties.get(pid)
            out.append(
                {
                    "id": pid,
                    "name": p.name if p else pid,
                    "kind": p.kind if p else "",
                    "sanctioned": p.sanctioned if p else False,
                    "service": p.service if p else None,
                    "hops": self.depth.get(pid),
                    "transfers": int(acc["transfers"]),
                    "value_usd": round(acc["value_usd"], 2),
                    "stop": self.stops.get(pid),
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "start_name": self.parties[self.start].name if self.start in self.parties else self.start,
            "direction": self.direction.value,
            "hops": self.hops,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "transfers": self.rows(),
            "parties": [
                {
                    "id": p.id,
                    "name": p.name,
                    "kind": p.kind,
                    "sanctioned": p.sanctioned,
                    "service": p.service,
                    "hops": self.depth.get(p.id),
                    "stop": self.stops.get(p.id),
                }
                for p in sorted(self.parties.values(), key=lambda q: (self.depth.get(q.id, 0), q.id))
            ],
            "endpoints": self.endpoints(),
            "service_terms": list(SERVICE_TERMS),
            "complete": self.complete,
        }

    def write_csv(self, handle: TextIO) -> None:
        rows = self.rows()
        columns = ["hop", "time", "type", "from", "from_name", "to", "to_name", "amount", "asset", "value_usd"]
        columns += ["tx_hash", "relationship_id", "undated"]
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(csv_safe_row(row) for row in rows)

    def save_csv(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            self.write_csv(handle)


def _time_key(t: TracedTransfer) -> tuple[int, datetime, int, str]:
    when = t.transfer.when
    return (0, when.earliest, t.hop, t.transfer.rel_id) if when else (1, datetime.min, t.hop, t.transfer.rel_id)


def trace(
    start: Party,
    direction: TraceDirection,
    hops: int,
    expand: Callable[[list[str]], list[Link]],
    since: date | None = None,
    until: date | None = None,
    hop_limit: int = DEFAULT_HOP_LIMIT,
    through_services: bool = False,
) -> Trace:
    """The time-respecting trace (see the module docstring); ``expand(ids)`` returns the next hop's links."""
    result = Trace(start.id, direction, hops, since, until)
    result.parties[start.id] = start
    result.depth[start.id] = 0
    forward = direction is TraceDirection.FORWARD
    window_lo = day_interval(since).earliest if since else datetime.min
    window_hi = day_interval(until).latest if until else datetime.max
    # forward: earliest time funds can be at a party; backward: latest time they must have left it
    bound: dict[str, datetime] = {start.id: window_lo if forward else window_hi}
    frontier = [start.id]
    seen_rel: set[str] = set()
    for hop in range(1, hops + 1):
        if not frontier:
            break
        links = expand(frontier)
        if len(links) > hop_limit:
            result.complete = False
        at_start = {pid: bound[pid] for pid in frontier}  # this hop leaves from where the funds were before it
        improved: dict[str, datetime] = {}
        for link in sorted(links, key=lambda lk: (lk.rel_id, lk.origin)):
            t = transfer_from_link(link)
            w = t.when
            if w is not None and (w.latest < window_lo or w.earliest > window_hi):
                continue
            here = at_start[link.origin]
            if w is not None and (w.latest < here if forward else w.earliest > here):
                continue  # certainly before the funds arrived (forward) / after they left (backward)
            if link.other not in result.parties:
                result.parties[link.other] = party_from_node(link.other, link.node)
                result.depth[link.other] = hop
            if t.rel_id not in seen_rel:
                seen_rel.add(t.rel_id)
                result.transfers.append(TracedTransfer(t, hop))
            if w is None:  # undated: carries the constraint of the hop before it
                reach = here
            elif forward:
                reach = max(w.earliest, here)
            else:
                reach = min(w.latest, here)
            old = bound.get(link.other)
            if old is None or (reach < old if forward else reach > old):
                bound[link.other] = reach
                improved[link.other] = reach
        frontier = []
        for pid in sorted(improved):
            party = result.parties[pid]
            if party.service and pid != start.id and not through_services:
                result.stops[pid] = f"service ({party.service})"
            elif hop == hops:
                result.stops.setdefault(pid, "hop limit")
            else:
                result.stops.pop(pid, None)
                frontier.append(pid)
    for pid, party in result.parties.items():
        if pid != start.id and pid not in result.stops and party.service and not through_services:
            result.stops[pid] = f"service ({party.service})"
    return result


def resolve_start(store: GraphReader, text: str) -> str:
    """The id of the entity a trace starts from: an entity id, or a wallet address as pasted, in any case
    ('0xABC…' finds wallet-0xabc…), or another identifier the store can look up exactly. Raises EntityNotFound."""
    value = text.strip()
    if not value:
        raise EntityNotFound("no wallet or entity given")
    candidates = list(dict.fromkeys([value, wallet_id(value)]))
    found = {e.id for e in store.get_entities(candidates)}
    for candidate in candidates:
        if candidate in found:
            return candidate
    key = lookup_key(value)
    hits = store.search(value, 5) if key else []
    exact = [h.entity.id for h in hits if key in (h.entity.properties.get(Prop.LOOKUP_KEYS.value) or [])]
    if len(exact) == 1:
        return exact[0]
    raise EntityNotFound(value)


def trace_funds(
    store: GraphReader,
    start_id: str,
    direction: TraceDirection = TraceDirection.FORWARD,
    hops: int = DEFAULT_HOPS,
    since: date | None = None,
    until: date | None = None,
    hop_limit: int = DEFAULT_HOP_LIMIT,
    through_services: bool = False,
) -> Trace:
    """Trace funds from (forward) or into (backward) one entity - its id or a pasted address (``resolve_start``) -
    reading one hop of the store at a time."""
    entity: Entity = store.get_entity(resolve_start(store, start_id))
    start = party_from_node(entity.id, entity.properties)
    towards = Direction.OUT if direction is TraceDirection.FORWARD else Direction.IN

    def expand(ids: list[str]) -> list[Link]:
        return store.links(ids, TRACE_TYPES, towards, _REL_PROPS, _NODE_PROPS, limit=hop_limit + 1)

    return trace(start, direction, hops, expand, since, until, hop_limit, through_services)


def trace_table_text(result: Trace) -> list[str]:
    """Plain-text lines of the table, for the CLI."""
    lines = []
    for row in result.rows():
        amount = "" if row["amount"] is None else f"{row['amount']:g} {row['asset'] or ''}".strip()
        usd = "" if row["value_usd"] is None else f" (${row['value_usd']:,.0f})"
        when = row["time"] or "undated"
        lines.append(f"hop {row['hop']}  {when:<22} {row['from_name']} → {row['to_name']}  {amount}{usd}")
    return lines
