"""Shared infrastructure: entities linked because they share an address, a wallet or an identifier (passport,
phone, e-mail, website, registration number, …), weighted by how rare the shared value is.

Values compared:
- identifiers: the store's normalised ``lookup_keys`` (a passport number, an e-mail, a phone, a website and its bare
  host, …); the keys of one written identifier (``identifiers``: "Website: www.x.com" gives "wwwxcom" and "xcom")
  form one value, labelled with the identifier's kind;
- addresses: the Address entities an entity is LOCATED_AT, and other Address entities whose folded text is the same
  (two sources writing one address make two nodes);
- wallets: the wallets an entity HOLDS, shared with their other holders.

Weight of one shared value held by ``n`` entities: ``1 / (n - 1)`` — the chance that a given co-holder is *the* one
linked, if the value says nothing else. A phone shared by two entities weighs 1; an address of 5,000 formation-agent
companies weighs 0.0002. Several shared values combine as independent evidence: ``1 - Π (1 - w_i)``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.ids import fold_text, lookup_key
from graph.model import Direction, Entity
from graph.plain import as_dict
from graph.stores.base import GraphReader
from graph.vocabulary import NodeKind, Prop, RelType

#: Most co-holders read per value; a value held by more is reported with its count but without every holder.
DEFAULT_LIMIT = 10_000
_NODE_PROPS = (Prop.NAME, Prop.KIND, Prop.SANCTIONED)


def rarity_weight(holders: int) -> float:
    """Weight of a value held by ``holders`` entities (the entity itself included)."""
    return 1.0 / (holders - 1) if holders >= 2 else 0.0


def combine(weights: list[float]) -> float:
    """Independent pieces of evidence: 1 - Π(1 - w)."""
    rest = 1.0
    for w in weights:
        rest *= 1.0 - min(max(w, 0.0), 1.0)
    return 1.0 - rest


@dataclass(frozen=True)
class SharedValue:
    kind: str  # "address", "wallet", or an identifier label ("Passport", "Email Address", …)
    value: str  # as written (address text, wallet address, identifier text)
    holders: int  # entities holding it, this one included (at least; see ``complete``)
    weight: float
    via: tuple[str, ...] = ()  # the Address/Wallet entities it was found through
    complete: bool = True


@dataclass
class SharedLink:
    other: str
    name: str
    kind: str
    sanctioned: bool
    values: list[SharedValue] = field(default_factory=list)

    @property
    def weight(self) -> float:
        return combine([v.weight for v in self.values])

    def to_dict(self) -> dict[str, Any]:
        shared = [as_dict(v, weight=round(v.weight, 6)) for v in self.values]
        return as_dict(self, rename={"other": "id", "values": "shared"}, weight=round(self.weight, 6), shared=shared)


def identifier_groups(entity: Entity) -> list[tuple[str, str, list[str]]]:
    """(label, text, keys) per written identifier, plus ('Identifier', key, [key]) for keys no identifier explains."""
    keys = [str(k) for k in entity.properties.get(Prop.LOOKUP_KEYS.value) or []]
    groups: list[tuple[str, str, list[str]]] = []
    used: set[str] = set()
    for text in entity.properties.get(Prop.IDENTIFIERS.value) or []:
        label, _, value = str(text).partition(":")
        folded = lookup_key(value or label)
        mine = [k for k in keys if k and k in folded]
        if mine:
            groups.append((label.strip() if value else "Identifier", str(text), mine))
            used.update(mine)
    groups += [("Identifier", k, [k]) for k in keys if k not in used]
    return groups


def shared_infrastructure(store: GraphReader, entity_id: str, limit: int = DEFAULT_LIMIT) -> SharedReport:
    """Entities sharing an address, wallet or identifier with one entity, strongest first."""
    entity = store.get_entity(entity_id)
    links: dict[str, SharedLink] = {}

    def add(other: str, props: dict[str, Any], value: SharedValue) -> None:
        if other == entity.id:
            return
        link = links.get(other)
        if link is None:
            link = SharedLink(
                other,
                str(props.get(Prop.NAME.value) or other),
                str(props.get(Prop.KIND.value) or ""),
                bool(props.get(Prop.SANCTIONED.value)),
            )
            links[other] = link
        link.values.append(value)

    # identifiers
    groups = identifier_groups(entity)
    if groups:
        all_keys = sorted({k for _, _, ks in groups for k in ks})
        rows = store.entities_with_list_value(Prop.LOOKUP_KEYS, all_keys, None, _NODE_PROPS, limit=limit + 1)
        rows = [r for r in rows if r[2].get(Prop.KIND.value) != NodeKind.WALLET.value]
        for label, text, keys in groups:
            with_key = [(i, props) for i, matched, props in rows if set(matched) & set(keys)]
            n = max(len(with_key), 1)
            value = SharedValue(label, text, n, rarity_weight(n), (), len(rows) <= limit)
            for other, props in with_key:
                add(other, props, value)

    # addresses and wallets: through the nodes themselves
    for rel_type, kind in ((RelType.LOCATED_AT, "address"), (RelType.HOLDS, "wallet")):
        mine = store.links([entity.id], (rel_type,), Direction.OUT, node_props=(Prop.NAME,))
        by_value: dict[str, set[str]] = defaultdict(set)
        texts: dict[str, str] = {}
        for link in mine:
            text = str(link.node.get(Prop.NAME.value) or link.other)
            folded = fold_text(text) if kind == "address" else link.other
            by_value[folded].add(link.other)
            texts[folded] = text
        if kind == "address" and by_value:
            same = store.entities_with_list_value(Prop.SEARCH_NAMES, sorted(by_value), NodeKind.ADDRESS, (), limit)
            for node_id, matched, _ in same:
                for folded in matched:
                    if folded in by_value:
                        by_value[folded].add(node_id)
        for folded, nodes in sorted(by_value.items()):
            holders_links = store.links(
                sorted(nodes), (rel_type,), Direction.IN, node_props=_NODE_PROPS, limit=limit + 1
            )
            holders = {lk.other: lk.node for lk in holders_links}
            counts = store.count_links(sorted(nodes), (rel_type,), Direction.IN) if len(holders_links) > limit else {}
            n = max(len(holders), sum(counts.values()), 1)
            value = SharedValue(
                kind, texts[folded], n, rarity_weight(n), tuple(sorted(nodes)), len(holders_links) <= limit
            )
            for other, props in holders.items():
                add(other, props, value)
    ordered = sorted(links.values(), key=lambda lk: (-lk.weight, lk.other))
    return SharedReport(entity, ordered)


@dataclass(frozen=True)
class SharedReport:
    entity: Entity
    links: list[SharedLink]

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": {
                "id": self.entity.id,
                "name": self.entity.name,
                "kind": self.entity.kind.value,
                "sanctioned": self.entity.sanctioned,
            },
            "weight_rule": "1/(n-1) per value shared by n entities; values combined as 1 - Π(1 - w)",
            "shared": [lk.to_dict() for lk in self.links],
        }

    def to_text(self, limit: int = 50) -> str:
        """The ``limit`` most weighty links, each with the values shared."""
        if not self.links:
            return f"{self.entity.name} shares no address, wallet or identifier with another entity."
        lines = []
        for link in self.links[:limit]:
            mark = "  [SANCTIONED]" if link.sanctioned else ""
            lines.append(f"{link.weight:6.3f}  {link.other:<28} {link.kind:<13} {link.name}{mark}")
            lines += [
                f"        {v.kind}: {v.value} (shared by {v.holders}, weight {v.weight:.4f})" for v in link.values
            ]
        return "\n".join(lines)
