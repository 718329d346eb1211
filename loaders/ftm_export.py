"""The graph back to FollowTheMoney: domain entities and relationships -> FtM entity dicts, one per JSON line.

The inverse of loaders/ftm.py as far as the graph keeps what FtM says. Values go through followthemoney's own
cleaning (``EntityProxy.add``), so every dict is one the followthemoney package accepts; values it refuses are
counted in ``ExportStats.dropped``, never written. What becomes what:
- each node kind -> its FtM schema (Wallet -> CryptoWallet with ``publicKey``, Aircraft -> Airplane); ``sanctioned``
  -> ``target: true`` and the topic ``sanction``; ``front`` -> the topic ``corp.shell``; each designation -> a
  Sanction entity (id ``<entity>-sanction-<hash>``); identifiers written "Label: value" -> the FtM property of that
  label (``Passport`` -> ``passportNumber``), others -> ``notes``.
- OWNS, DIRECTS, EMPLOYS, MEMBER_OF, FAMILY_OF, ASSOCIATE_OF, LINKED_TO, PAID -> their edge schemata (id = the
  relationship id); HOLDS -> the wallet's ``holder``; LOCATED_AT -> the entity's ``addressEntity``; TRANSFERRED
  (wallet -> wallet, which FtM cannot say) -> an UnknownLink with role "transferred" and the transfer described;
  SAME_AS is not exported (FtM expresses it by merging). Stub nodes are not exported (edges still name them).
- A node id that is not a valid FtM id (``registry.entity``) is replaced by ``sg-<sha1>`` everywhere.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from followthemoney import model as ftm_model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy
from followthemoney.schema import Schema
from followthemoney.types import registry

from graph.model import Designation, Entity, Relationship, Subgraph
from graph.stores.base import GraphReader
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.ftm import EDGE_SCHEMATA, KIND_SCHEMATA, EdgeMap

#: Node kind -> FtM schema name.
SCHEMA_OF_KIND: dict[NodeKind, str] = {kind: name for name, kind in KIND_SCHEMATA}
#: Relationship type -> FtM edge schema name and its mapping (each type has one edge schema).
EDGE_OF_TYPE: dict[RelType, tuple[str, EdgeMap]] = {spec.rel_type: (name, spec) for name, spec in EDGE_SCHEMATA.items()}
#: Relationship types written as a property of one end, and those FtM has no way to say.
PROPERTY_TYPES = (RelType.HOLDS, RelType.LOCATED_AT)
NOT_EXPORTED_TYPES = (RelType.SAME_AS,)

#: Scalar and list node properties -> FtM property (values of scalars joined with "; " are split back).
NODE_PROPS: dict[Prop, str] = {
    Prop.ALIASES: "alias",
    Prop.COUNTRIES: "country",
    Prop.TOPICS: "topics",
    Prop.PROGRAMS: "program",
    Prop.BIRTH_DATE: "birthDate",
    Prop.BIRTH_PLACE: "birthPlace",
    Prop.GENDER: "gender",
    Prop.TITLE: "title",
    Prop.ADDRESS: "address",
    Prop.CITY: "city",
    Prop.FLAG: "flag",
    Prop.IMO: "imoNumber",
    Prop.CALL_SIGN: "callSign",
    Prop.VESSEL_TYPE: "type",
    Prop.TONNAGE: "tonnage",
    Prop.NOTES: "notes",
    Prop.CHAIN: "blockchain",
    Prop.CURRENCIES: "currencySymbol",
}
#: Identifier labels that differ from the FtM property's label.
IDENTIFIER_LABELS: dict[str, str] = {
    "passport": "passportNumber",
    "passport no": "passportNumber",
    "national id no": "idNumber",
    "national id": "idNumber",
    "email address": "email",
    "phone number": "phone",
    "imo": "imoNumber",
    "call sign": "callSign",
}
_IDENTIFIER = re.compile(r"^(?P<label>[^:]{1,60}):\s*(?P<value>.+?)(?:\s+\((?P<countries>[a-z]{2}(?:, [a-z]{2})*)\))?$")
_SCALAR_SEPARATOR = "; "
SANCTION_TOPIC = "sanction"
FRONT_TOPIC = "corp.shell"


@dataclass
class ExportStats:
    """What an export wrote and left out."""

    entities: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.entities.values())

    def to_text(self) -> str:
        lines = [f"Exported {self.total} FtM entities"]
        lines += [f"  {k:<16}{v}" for k, v in sorted(self.entities.items())]
        if self.skipped:
            lines.append("  not exported:" + "".join(f"\n    {v:>5}  {k}" for k, v in sorted(self.skipped.items())))
        if self.dropped:
            lines.append(
                "  values followthemoney refused:"
                + "".join(f"\n    {v:>5}  {k}" for k, v in sorted(self.dropped.items()))
            )
        return "\n".join(lines)


def ftm_id(node_id: str) -> str:
    """The node id if it is a valid FtM entity id, else a stable ``sg-<sha1>`` of it."""
    if registry.entity.validate(node_id):
        return node_id
    return "sg-" + hashlib.sha1(node_id.encode()).hexdigest()


def entity_to_ftm(
    entity: Entity,
    stats: ExportStats,
    holders: Sequence[str] = (),
    addresses: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The entity as FtM dicts: the entity itself, then one Sanction per designation (empty for a stub)."""
    if entity.properties.get(Prop.STUB.value):
        stats.skipped["stub entities (placeholders)"] += 1
        return []
    schema_name = SCHEMA_OF_KIND[entity.kind]
    proxy = ftm_model.make_entity(schema_name)
    proxy.id = ftm_id(entity.id)
    props = entity.properties
    _add(proxy, "name", [entity.name], stats)
    if entity.kind is NodeKind.ADDRESS:
        _add(proxy, "full", [entity.name], stats)
    if entity.kind is NodeKind.WALLET:
        lookup = [str(v) for v in props.get(Prop.LOOKUP_KEYS.value) or []]
        address = entity.id.removeprefix("wallet-") if entity.id.startswith("wallet-") else (lookup or [entity.name])[0]
        _add(proxy, "publicKey", [address], stats)
    for prop, name in NODE_PROPS.items():
        if entity.kind is NodeKind.ADDRESS and prop is Prop.ADDRESS:
            continue
        _add(proxy, name, _values(props.get(prop.value), split=prop is not Prop.NOTES), stats)
    topics = []
    if entity.sanctioned:
        topics.append(SANCTION_TOPIC)
    if props.get(Prop.FRONT.value):
        topics.append(FRONT_TOPIC)
    _add(proxy, "topics", topics, stats)
    _identifiers(proxy, [str(v) for v in props.get(Prop.IDENTIFIERS.value) or []], stats)
    if entity.kind is NodeKind.WALLET:
        _add(proxy, "holder", [ftm_id(h) for h in holders], stats)
    _add(proxy, "addressEntity", [ftm_id(a) for a in addresses], stats)
    context = _context(props)
    if entity.sanctioned:
        context["target"] = True
    referents = [s for s in _values(props.get(Prop.SOURCE_IDS.value)) if s != proxy.id and registry.entity.validate(s)]
    if referents:
        context["referents"] = referents
    proxy.context = context
    out = [proxy.to_dict()]
    stats.entities[schema_name] += 1
    for designation in entity.designations:
        out.append(_sanction(proxy.id, designation, context.get("datasets"), stats))
    return out


def relationship_to_ftm(rel: Relationship, stats: ExportStats) -> dict[str, Any] | None:
    """The relationship as an FtM edge entity, or None for types written otherwise (see the module docstring)."""
    if rel.type in PROPERTY_TYPES:
        return None
    if rel.type in NOT_EXPORTED_TYPES:
        stats.skipped[f"{rel.type.value} relationships (no FtM edge)"] += 1
        return None
    props = rel.properties
    if rel.type is RelType.TRANSFERRED:
        proxy = ftm_model.make_entity("UnknownLink")
        proxy.id = ftm_id(rel.id)
        _add(proxy, "subject", [ftm_id(rel.source)], stats)
        _add(proxy, "object", [ftm_id(rel.target)], stats)
        _add(proxy, "role", ["transferred"], stats)
        timestamp = props.get(Prop.TIMESTAMP.value)
        _add(proxy, "date", [str(timestamp)[:10]] if timestamp else [], stats)
        _add(proxy, "description", [_transfer_text(props)], stats)
    else:
        schema_name, spec = EDGE_OF_TYPE[rel.type]
        proxy = ftm_model.make_entity(schema_name)
        proxy.id = ftm_id(rel.id)
        source_prop, target_prop = _edge_props(proxy.schema)
        source, target = (rel.target, rel.source) if spec.reverse else (rel.source, rel.target)
        _add(proxy, source_prop, [ftm_id(source)], stats)
        _add(proxy, target_prop, [ftm_id(target)], stats)
        written: set[Prop] = set()
        for name, prop in spec.props.items():
            if prop in written:
                continue  # several FtM properties read into one (Payment date, startDate): write the first
            written.add(prop)
            _add(proxy, name, _values(props.get(prop.value)), stats)
    proxy.context = _context(props)
    stats.entities[proxy.schema.name] += 1
    return proxy.to_dict()


def export_subgraph(sub: Subgraph, stats: ExportStats) -> Iterator[dict[str, Any]]:
    """An entity's neighbourhood as FtM dicts: entities (with their sanctions), then edges."""
    holders, addresses = _property_links(sub.relationships)
    for entity in sub.entities:
        yield from entity_to_ftm(entity, stats, holders.get(entity.id, ()), addresses.get(entity.id, ()))
    for rel in sub.relationships:
        data = relationship_to_ftm(rel, stats)
        if data is not None:
            yield data
    if sub.omitted:
        stats.skipped["entities beyond the neighbourhood limit"] += sub.omitted


def export_graph(reader: GraphReader, stats: ExportStats, batch_size: int = 10_000) -> Iterator[dict[str, Any]]:
    """The whole graph as FtM dicts, in pages: entities (with their sanctions), then edges."""
    links: list[Relationship] = []
    for batch in reader.iter_relationships(PROPERTY_TYPES, batch_size=batch_size):
        links += batch
    holders, addresses = _property_links(links)
    for entities in reader.iter_entities(batch_size=batch_size):
        for entity in entities:
            yield from entity_to_ftm(entity, stats, holders.get(entity.id, ()), addresses.get(entity.id, ()))
    edge_types = [t for t in RelType if t not in PROPERTY_TYPES]
    for rels in reader.iter_relationships(edge_types, batch_size=batch_size):
        for rel in rels:
            data = relationship_to_ftm(rel, stats)
            if data is not None:
                yield data


def write_ftm(items: Iterable[dict[str, Any]], handle: TextIO) -> int:
    """Write FtM dicts as JSON lines; returns how many."""
    count = 0
    for item in items:
        handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        count += 1
    return count


def validate_ftm(data: dict[str, Any]) -> list[str]:
    """What followthemoney finds wrong with one FtM entity dict (empty: valid). Checks the schema, the id, that every
    property exists on the schema and holds strings valid for its type, required properties and edge ends, and that
    ``model.get_proxy(data).to_dict()`` gives the same properties back."""
    schema = ftm_model.get(str(data.get("schema") or ""))
    if schema is None:
        return [f"unknown schema: {data.get('schema')!r}"]
    problems: list[str] = []
    if schema.abstract:
        problems.append(f"abstract schema: {schema.name}")
    entity_id = data.get("id")
    if not isinstance(entity_id, str) or not registry.entity.validate(entity_id):
        problems.append(f"invalid id: {entity_id!r}")
    props = data.get("properties")
    if not isinstance(props, dict):
        return [*problems, "properties is not an object"]
    for name, values in props.items():
        prop = schema.get(name)
        if prop is None or prop.stub:
            problems.append(f"{schema.name} has no property {name!r}")
            continue
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            problems.append(f"{name}: not a list of strings")
            continue
        for value in values:
            if prop.type.clean(value) is None:
                problems.append(f"{name}: {value!r} is not a valid {prop.type.name}")
    for name in schema.required:
        if not props.get(name):
            problems.append(f"missing required property: {name}")
    if problems:
        return problems
    try:
        schema.validate({"properties": props})
        again = ftm_model.get_proxy(data, cleaned=False).to_dict()
    except (InvalidData, TypeError, ValueError) as exc:
        return [f"followthemoney refuses it: {exc}"]
    if again["properties"] != props:
        return ["properties change when followthemoney re-reads them"]
    return []


# --- helpers ------------------------------------------------------------------------------------------------------


def _add(proxy: EntityProxy, name: str, values: Sequence[str], stats: ExportStats) -> None:
    """Add values through followthemoney's cleaning; count what it refuses."""
    if not values:
        return
    if proxy.schema.get(name) is None:
        stats.dropped[f"{proxy.schema.name} has no {name}"] += len(values)
        return
    for value in values:
        before = len(proxy.get(name))
        proxy.add(name, value, quiet=True)
        if len(proxy.get(name)) == before and value not in proxy.get(name):
            stats.dropped[f"{proxy.schema.name}:{name}"] += 1


def _values(value: Any, split: bool = True) -> list[str]:
    """A stored property value as FtM strings: lists item by item, '; '-joined scalars split (the FtM loader joins
    several values so), numbers without a needless '.0'."""
    if value is None or value == "" or isinstance(value, bool):
        return []
    if isinstance(value, list):
        return [v for item in value for v in _values(item, split=False)]
    if isinstance(value, float):
        return [str(int(value)) if value.is_integer() else repr(value)]
    if isinstance(value, int):
        return [str(value)]
    text = str(value).strip()
    if not split:
        return [text] if text else []
    return [part for part in (p.strip() for p in text.split(_SCALAR_SEPARATOR)) if part]


def _context(props: dict[str, Any]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    datasets = _values(props.get(Prop.DATASETS.value))
    if datasets:
        context["datasets"] = datasets
    for prop, key in ((Prop.FIRST_SEEN, "first_seen"), (Prop.LAST_SEEN, "last_seen")):
        value = props.get(prop.value)
        if value:
            context[key] = str(value)
    return context


def _identifiers(proxy: EntityProxy, texts: list[str], stats: ExportStats) -> None:
    labels = _identifier_labels(proxy.schema)
    unparsed: list[str] = []
    for text in texts:
        match = _IDENTIFIER.match(text.strip())
        name = labels.get(match.group("label").strip().casefold()) if match else None
        if match is None or name is None:
            unparsed.append(text)
            continue
        _add(proxy, name, [match.group("value").strip()], stats)
    _add(proxy, "notes", unparsed, stats)


_LABEL_CACHE: dict[str, dict[str, str]] = {}


def _identifier_labels(schema: Schema) -> dict[str, str]:
    """Lower-case label (and name) -> property, for the identifier-like properties of a schema."""
    cached = _LABEL_CACHE.get(schema.name)
    if cached is not None:
        return cached
    kinds = (registry.identifier, registry.email, registry.phone, registry.url)
    labels: dict[str, str] = {}
    for prop in schema.properties.values():
        if prop.stub or prop.type not in kinds:
            continue
        labels[prop.label.casefold()] = prop.name
        labels[prop.name.casefold()] = prop.name
    for label, name in IDENTIFIER_LABELS.items():
        if schema.get(name) is not None:
            labels.setdefault(label, name)
    _LABEL_CACHE[schema.name] = labels
    return labels


def _edge_props(schema: Schema) -> tuple[str, str]:
    if schema.edge_source is None or schema.edge_target is None:
        raise ValueError(f"{schema.name} is not an FtM edge")
    return schema.edge_source, schema.edge_target


def _sanction(
    entity_id: str, designation: Designation, datasets: list[str] | None, stats: ExportStats
) -> dict[str, Any]:
    proxy = ftm_model.make_entity("Sanction")
    digest = hashlib.sha1(f"{entity_id}\x1f{designation.to_json()}".encode()).hexdigest()[:16]
    proxy.id = f"{entity_id}-sanction-{digest}"
    _add(proxy, "entity", [entity_id], stats)
    _add(proxy, "authority", [designation.authority] if designation.authority else [], stats)
    _add(proxy, "program", list(designation.programs), stats)
    _add(proxy, "startDate", [designation.start_date] if designation.start_date else [], stats)
    _add(proxy, "sourceUrl", [designation.source_url] if designation.source_url else [], stats)
    if datasets:
        proxy.context = {"datasets": datasets}
    stats.entities["Sanction"] += 1
    return proxy.to_dict()


def _transfer_text(props: dict[str, Any]) -> str:
    parts = [f"{props.get(Prop.AMOUNT.value, '?')} {props.get(Prop.ASSET.value) or ''}".strip()]
    if props.get(Prop.VALUE_USD.value) is not None:
        parts.append(f"USD {props[Prop.VALUE_USD.value]}")
    if props.get(Prop.TX_HASH.value):
        parts.append(f"tx {props[Prop.TX_HASH.value]}")
    return "transferred " + ", ".join(parts)


def _property_links(rels: Iterable[Relationship]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Wallet id -> holder ids (HOLDS) and entity id -> address ids (LOCATED_AT)."""
    holders: dict[str, list[str]] = defaultdict(list)
    addresses: dict[str, list[str]] = defaultdict(list)
    for rel in rels:
        if rel.type is RelType.HOLDS:
            holders[rel.target].append(rel.source)
        elif rel.type is RelType.LOCATED_AT:
            addresses[rel.source].append(rel.target)
    return holders, addresses
