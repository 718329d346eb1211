"""A node's properties from its FtM entity: names, wallet address and chain, marks, scalars and notes,
identifiers, and the edges its link properties make."""

from __future__ import annotations

import functools
from typing import Any

from followthemoney.schema import Schema

from graph import LINK_PROPS, NodeKind, Prop, normalize_address, wallet_id
from loaders.common.chains import chain_for, website_host
from loaders.framework import BadRecord
from loaders.sources.ftm.properties import (
    ALIAS_PROPS,
    COUNTRY_PROPS,
    IDENTIFIER_PROPS,
    LABELLED_NOTE_PROPS,
    NOTE_PROPS,
    NUMBER_PROPS,
    SCALAR_PROPS,
)
from loaders.sources.ftm.records import Edge, Entity, Notes


def names(entity: Entity, kind: NodeKind, props: dict[Prop, Any]) -> str:
    """Name and aliases; the name returned."""
    names = entity.values("name")
    name = entity.caption or (names[0] if names else None)
    if name is None and kind is NodeKind.PERSON:
        name = " ".join(entity.values("firstName", "secondName", "middleName", "lastName", "nameSuffix")) or None
    if name is None and kind is NodeKind.ADDRESS:
        name = entity.first("full") or _address_text(entity)
    if name is None and kind is NodeKind.WALLET:
        name = entity.first("publicKey") or entity.first("cryptoAddress")
    if name is None:
        raise BadRecord("name", f"missing name: {entity.schema.name} needs a name (or a caption)")
    props[Prop.NAME] = name
    props[Prop.ALIASES] = [n for n in [*names, *entity.values(*ALIAS_PROPS)] if n != name]
    return name


def wallet(entity: Entity, props: dict[Prop, Any], ctx: Notes) -> str:
    """Currencies, chain and lookup keys of a wallet; its node id (``wallet_id`` of the address) returned."""
    addresses = entity.values("publicKey", "cryptoAddress")
    if not addresses:
        raise BadRecord("publicKey", "missing publicKey: a wallet node is keyed by its address")
    if len(addresses) > 1:
        ctx.note("wallets with several addresses (the first is the node, all are lookup keys)")
    address = normalize_address(addresses[0])
    symbols = [s.upper() for s in entity.values("currencySymbol")]
    chain = next((c for c in (chain_for(s, address) for s in symbols or [""]) if c), None)
    blockchain = entity.first("blockchain")
    props[Prop.CURRENCIES] = symbols
    props[Prop.CHAIN] = chain or (blockchain.lower() if blockchain else None)
    props[Prop.LOOKUP_KEYS] = addresses
    return wallet_id(address)


def common(entity: Entity, props: dict[Prop, Any]) -> None:
    """Countries, topics, programs, marks, datasets, source ids and first/last seen."""
    props[Prop.COUNTRIES] = [c.lower() for c in entity.values(*COUNTRY_PROPS)]
    topics = entity.values("topics")
    props[Prop.TOPICS] = topics
    props[Prop.PROGRAMS] = entity.values("program")
    if "corp.shell" in topics:
        props[Prop.FRONT] = True
    if entity.target or "sanction" in topics:
        props[Prop.SANCTIONED] = True
    props[Prop.DATASETS] = entity.datasets
    props[Prop.SOURCE_IDS] = [entity.id, *entity.referents]
    props.update(entity.seen)


def scalars(entity: Entity, kind: NodeKind, props: dict[Prop, Any], ctx: Notes) -> None:
    """Scalar properties, numbers and notes."""
    present = entity.props.keys()
    for name in present & SCALAR_PROPS.keys():
        props[SCALAR_PROPS[name]] = "; ".join(entity.props[name])
    for name, prop in NUMBER_PROPS.items():
        value = entity.first(name)
        if value is not None and prop not in props:
            number = read_number(value)
            if number is None:
                ctx.note(f"unreadable numbers (dropped): {entity.schema.name}:{name}")
            else:
                props[prop] = number
    notes = entity.values(*NOTE_PROPS)
    labelled = [(name, v) for name in sorted(present & LABELLED_NOTE_PROPS) for v in entity.props[name]]
    if kind is NodeKind.VESSEL:
        props[Prop.VESSEL_TYPE] = "; ".join(entity.values("type")) or None
    else:
        labelled += [("type", v) for v in entity.values("type")]
    notes += [f"{_label(entity.schema, name)}: {v}" for name, v in labelled]
    if kind is NodeKind.ADDRESS:
        props[Prop.ADDRESS] = entity.first("full") or _address_text(entity) or props.get(Prop.ADDRESS)
    props[Prop.NOTES] = "\n".join(notes) or None


def identifiers(entity: Entity, props: dict[Prop, Any]) -> None:
    """Identifiers as ``"Label: value"`` and their raw values as lookup keys."""
    texts: list[str] = []
    keys: list[str] = list(props.get(Prop.LOOKUP_KEYS, []))
    for name in sorted(entity.props.keys() & IDENTIFIER_PROPS):
        for value in entity.props[name]:
            texts.append(f"{_label(entity.schema, name)}: {value}")
            keys.append(website_host(value) if name == "website" else value)
    props[Prop.IDENTIFIERS] = texts
    props[Prop.LOOKUP_KEYS] = list(dict.fromkeys(keys))


def links(entity: Entity) -> list[Edge]:
    """The edges the entity's link properties make (addressEntity, holder, owner, operator, parent)."""
    edges: list[Edge] = []
    for name, link in LINK_PROPS.items():
        for other in entity.props.get(name, ()):
            source, target = (other, entity.id) if link.other_is_source else (entity.id, other)
            props: dict[Prop, Any] = {Prop.DATASETS: entity.datasets, Prop.SOURCE_IDS: [entity.id]}
            if link.role:
                props[Prop.ROLE] = link.role
            edges.append(Edge(entity.id, link.rel_type, source, target, None, props))
    return edges


def _address_text(entity: Entity) -> str | None:
    parts = entity.values("street", "street2", "postOfficeBox", "postalCode", "city", "region", "state")
    return ", ".join(parts) or None


@functools.cache
def _label(schema: Schema, name: str) -> str:
    prop = schema.get(name)
    return prop.label if prop is not None else name


def read_number(text: str) -> float | None:
    cleaned = text.strip().rstrip("%").replace(",", ".").strip()
    try:
        return float(cleaned)
    except ValueError:
        return None


def merge(props: dict[Prop, Any], extra: dict[Prop, Any]) -> None:
    for key, value in extra.items():
        old = props.get(key)
        if isinstance(old, list) and isinstance(value, list):
            props[key] = old + [v for v in value if v not in old]
        elif isinstance(old, bool) and isinstance(value, bool):
            props[key] = old or value
        else:
            props[key] = value


def compact(props: dict[Prop, Any]) -> dict[Prop, Any]:
    return {k: v for k, v in props.items() if v is not None and v != [] and v != ""}
