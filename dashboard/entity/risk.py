"""Risk on the entity page: shared infrastructure between the entities in view, and the sentences about risk.

The shared-infrastructure links of the page live in a ``dcc.Store`` (``SharedCache`` as JSON): which entities were
checked, and the pairs found (``shared_pairs_from``), including pairs with entities outside the view, so an entity
brought in later by an expansion gets its dashed line without another store call. With the toggle on, each change
of the working graph checks the entities not checked yet (at most ``SHARED_CHECK_MAX`` a time, the page's entity
first) with ``graph.analytics.shared_infrastructure.shared_infrastructure``; nothing is read while it is off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dash import dcc, html

from dashboard.components import error_message, guarded
from dashboard.details import DetailRow, Link, Part
from dashboard.entity.elements import shared_edge_elements, shared_label
from dashboard.entity.exposure import Risk, exposure_sentence
from dashboard.entity.filters import filter_view
from dashboard.entity.view_state import ViewState
from dashboard.entity.view_values import ColourBy
from dashboard.entity.working_graph import GraphState
from dashboard.formatting import entity_href, format_number
from graph import Entity, GraphReader, NodeKind, OwnershipReport, entity_ownership, shared_infrastructure

#: Entities checked for shared infrastructure per update of the view (each costs a few store calls).
SHARED_CHECK_MAX = 60
#: The strongest links kept per entity checked.
SHARED_PER_ENTITY = 50
#: Co-holders read per shared value (a value held by more is reported as held by "at least" that many).
SHARED_HOLDER_LIMIT = 500
#: Kinds that are infrastructure themselves: drawn already, never checked as holders.
INFRASTRUCTURE_KINDS = frozenset({NodeKind.ADDRESS.value, NodeKind.WALLET.value})


# --- shared-infrastructure pairs and their panel ------------------------------------------------------------------


def shared_key(a: str, b: str) -> str:
    """The one key of a pair, whichever side found it."""
    first, second = sorted((a, b))
    return f"{first}|{second}"


def shared_pairs_from(entity_id: str, links: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Pairs from one entity's shared-infrastructure links (``SharedLink.to_dict()``: id, weight, shared values),
    keyed by ``shared_key``."""
    out: dict[str, dict[str, Any]] = {}
    for link in links:
        other = str(link.get("id") or "")
        if not other or other == entity_id:
            continue
        values = [
            {
                "kind": str(v.get("kind") or ""),
                "value": str(v.get("value") or ""),
                "holders": int(v.get("holders") or 0),
                "weight": float(v.get("weight") or 0.0),
                "complete": bool(v.get("complete", True)),
            }
            for v in link.get("shared") or ()
        ]
        first, second = sorted((entity_id, other))
        out[shared_key(first, second)] = {
            "a": first,
            "b": second,
            "weight": float(link.get("weight") or 0.0),
            "values": values,
        }
    return out


def shared_outside(pairs: Mapping[str, Mapping[str, Any]], drawn: Iterable[str]) -> int:
    """How many entities outside the view share infrastructure with an entity in it."""
    shown = set(drawn)
    outside: set[str] = set()
    for pair in pairs.values():
        a, b = str(pair.get("a")), str(pair.get("b"))
        if a in shown and b not in shown:
            outside.add(b)
        elif b in shown and a not in shown:
            outside.add(a)
    return len(outside)


def _holders(n: int, complete: bool) -> str:
    count = f"{n:,}" if complete else f"at least {n:,}"
    return f"{count} {'entity' if n == 1 else 'entities'}"


def shared_details(edge_data: Mapping[str, Any]) -> list[DetailRow]:
    """The panel of a shared-infrastructure edge: who shares what, with how many others, and how much it weighs."""
    source, target = str(edge_data.get("source") or ""), str(edge_data.get("target") or "")
    source_name = str(edge_data.get("source_name") or source)
    target_name = str(edge_data.get("target_name") or target)
    values = list(edge_data.get("values") or ())
    items: list[tuple[Part, ...]] = []
    for v in values:
        holders = int(v.get("holders") or 0)
        text = (
            f"{v.get('kind')}: {v.get('value')} — held by {_holders(holders, bool(v.get('complete', True)))}, "
            f"weight {format_number(round(float(v.get('weight') or 0.0), 4))}"
        )
        items.append((text,))
    weight = float(edge_data.get("weight") or 0.0)
    rows = [
        DetailRow("Link", ((f"{source_name} and {target_name} share infrastructure: {shared_label(values)}",),)),
        DetailRow("Between", ((Link(source_name, entity_href(source)),), (Link(target_name, entity_href(target)),))),
        DetailRow("Shared", tuple(items) or (("—",),)),
        DetailRow("Weight", ((f"{format_number(round(weight, 4))} (of 1)",),)),
        DetailRow(
            "How it is weighed",
            (
                (
                    "A value held by n entities weighs 1/(n-1): a phone shared by two weighs 1, an address of "
                    "5,000 companies next to nothing. Several shared values combine as 1 - Π(1 - w).",
                ),
            ),
        ),
    ]
    return rows


# --- the page's cache of them -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedCache:
    checked: tuple[str, ...] = ()
    pairs: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"checked": list(self.checked), "pairs": self.pairs, "error": self.error}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> SharedCache:
        if not isinstance(data, Mapping):
            return cls()
        pairs = data.get("pairs")
        return cls(
            tuple(str(i) for i in data.get("checked") or ()),
            dict(pairs) if isinstance(pairs, Mapping) else {},
            str(data["error"]) if data.get("error") else None,
        )


def shared_candidates(state: GraphState, drawn: Sequence[str], checked: Iterable[str]) -> list[str]:
    """Entities in view not checked yet, the page's entity first, infrastructure nodes left out."""
    done = set(checked)
    todo = [i for i in drawn if i not in done and state.nodes[i].kind not in INFRASTRUCTURE_KINDS]
    todo.sort(key=lambda i: i != state.center)
    return todo


def update_shared(
    store: GraphReader,
    state_json: Mapping[str, Any] | None,
    view_json: Mapping[str, Any] | None,
    cache_json: Mapping[str, Any] | None,
    limit: int = SHARED_CHECK_MAX,
) -> dict[str, Any] | None:
    """Callback: the working graph or the view changed → the shared-infrastructure cache with the entities in view
    checked (None: nothing to do, the toggle is off or everything in view was checked)."""
    view = ViewState.from_json(view_json)
    if not view.shared or not state_json:
        return None
    state = GraphState.from_json(state_json)
    cache = SharedCache.from_json(cache_json)
    todo = shared_candidates(state, filter_view(state, view).nodes, cache.checked)[:limit]
    if not todo:
        return None
    pairs = dict(cache.pairs)
    checked = list(cache.checked)
    try:
        for entity_id in todo:
            report = shared_infrastructure(store, entity_id, limit=SHARED_HOLDER_LIMIT)
            links = [link.to_dict() for link in report.links[:SHARED_PER_ENTITY]]
            for key, pair in shared_pairs_from(entity_id, links).items():
                pairs.setdefault(key, pair)
            checked.append(entity_id)
    except Exception as exc:  # keep what was found; say why the rest is missing
        return SharedCache(tuple(checked), pairs, error_message(exc)).to_json()
    return SharedCache(tuple(checked), pairs).to_json()


def shared_elements(state: GraphState, drawn: Sequence[str], cache_json: Mapping[str, Any] | None) -> list[Any]:
    names = {i: n.name for i, n in state.nodes.items()}
    return shared_edge_elements(SharedCache.from_json(cache_json).pairs, drawn, names)


def shared_sentence(state: GraphState, drawn: Sequence[str], cache_json: Mapping[str, Any] | None, edges: int) -> str:
    """What the shared-infrastructure lines show, and what they do not (yet)."""
    cache = SharedCache.from_json(cache_json)
    if cache.error:
        return f"Shared infrastructure could not be read: {cache.error}"
    waiting = len(shared_candidates(state, drawn, cache.checked))
    if waiting and not cache.checked:
        return "Looking for shared addresses, phones, e-mails, websites, passports and wallets…"
    if edges:
        text = (
            f"{edges:,} dashed {'line joins' if edges == 1 else 'lines join'} entities that share an address, phone, "
            "e-mail, website, passport or wallet (thicker: rarer, so stronger); click one to see what is shared."
        )
    else:
        text = "No two entities in this view share an address, phone, e-mail, website, passport or wallet."
    outside = shared_outside(cache.pairs, drawn)
    if outside:
        text += (
            f" {outside:,} {'entity' if outside == 1 else 'entities'} outside the view "
            f"{'shares' if outside == 1 else 'share'} some with entities in it (expand to see them)."
        )
    if waiting:
        text += (
            f" {waiting:,} {'entity' if waiting == 1 else 'entities'} in view not checked yet (at most "
            f"{SHARED_CHECK_MAX} are checked each time the view changes)."
        )
    return text


def risk_note(
    state: GraphState, view: ViewState, drawn: Sequence[str], cache_json: Mapping[str, Any] | None, shared_edges: int
) -> list[str]:
    """The sentences under the graph about exposure colouring and shared infrastructure."""
    notes: list[str] = []
    if view.colour is ColourBy.EXPOSURE:
        risks: list[Risk] = [state.nodes[i].risk for i in drawn]
        sentence = exposure_sentence(risks)
        if sentence:
            notes.append(sentence)
    if view.shared:
        notes.append(shared_sentence(state, drawn, cache_json, shared_edges))
    return notes


# --- the OFAC 50% rule, worked out (the entity page and the printable report) -------------------------------------

#: Kinds the 50% rule is shown for (people, wallets and addresses are not owned).
OWNED_KINDS = frozenset(
    {NodeKind.COMPANY, NodeKind.ORGANIZATION, NodeKind.LEGAL_ENTITY, NodeKind.VESSEL, NodeKind.AIRCRAFT}
)
OWNERSHIP_HEADERS = ("Owner", "Owner's status", "Holds", "Adds", "Why", "In force", "Sources")


def ownership_rows(report: OwnershipReport) -> list[tuple[str, str, str, str, str, str, str, str]]:
    """One row per holding the rule weighs: (owner id, owner name, owner's status, percentage, what it adds, why,
    dates, sources). Pure, for the page and for tests."""
    rows = []
    for c in report.in_force():
        h = c.holding
        name = report.names.get(h.owner, (h.owner, "", False))[0]
        pct = "unknown" if h.percentage is None else f"{format_number(h.percentage)}%"
        adds = f"{format_number(h.percentage or 0)}%" if c.counted else "0%"
        dates = " to ".join((h.start_date or "…", h.end_date or "…")) if h.start_date or h.end_date else "not dated"
        rows.append((h.owner, name, c.owner_status, pct, adds, c.reason, dates, ", ".join(h.datasets) or "—"))
    return rows


def ownership_section(report: OwnershipReport, heading: str = "H3") -> html.Section:
    """The 50% rule for one entity: the verdict (also when not blocked), the arithmetic, the as-of date, every
    holding with why it counts or not, and the fixpoint's rounds (id 'ownership')."""
    standing = report.standing()
    title = html.H2 if heading == "H2" else html.H3
    children: list[Any] = [
        title("OFAC 50% rule"),
        html.P(
            [
                html.Span(standing.upper(), className=f"badge verdict-badge verdict-{standing.replace(' ', '-')}"),
                " ",
                report.verdict(),
            ],
            className="ownership-verdict",
        ),
        html.P(report.equation(), id="ownership-equation", className="ownership-equation"),
        html.P(f"As of {report.analysis.as_of.isoformat()}", className="ownership-as-of"),
    ]
    rows = ownership_rows(report)
    if rows:
        body = [
            html.Tr(
                [
                    html.Td(dcc.Link(name, href=entity_href(owner))),
                    *(html.Td(v) for v in (status, pct, adds, why, dates, sources)),
                ],
                className="holding counted" if adds != "0%" else "holding",
            )
            for owner, name, status, pct, adds, why, dates, sources in rows
        ]
        children.append(
            html.Table(
                [html.Thead(html.Tr([html.Th(t) for t in OWNERSHIP_HEADERS])), html.Tbody(body)],
                className="ownership-table report-table",
            )
        )
    else:
        children.append(html.P("No ownership of it is recorded.", className="hint"))
    rounds = report.rounds()
    if len(rounds) > 1:
        items = [
            html.Li(f"Round {n}{' (listed)' if n == 0 else ''}: {', '.join(names)}", className="ownership-round")
            for n, names in rounds
        ]
        children += [html.P("How the rule got there, round by round:", className="hint"), html.Ol(items)]
    for warning in report.to_dict()["warnings"]:
        children.append(html.P(warning, className="note"))
    return html.Section(children, id="ownership", className="ownership")


def ownership_box(store: GraphReader, entity: Entity) -> Any:
    """``ownership_section`` for an entity the rule applies to (one walk up its owners), else nothing."""
    if entity.kind not in OWNED_KINDS:
        return None
    return guarded(lambda: ownership_section(entity_ownership(store, entity.id)), back_to_search=False)
