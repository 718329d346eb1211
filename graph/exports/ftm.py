"""The graph back to FollowTheMoney: entities and relationships -> FtM entity dicts, one per JSON line.

The inverse of the FtM loader as far as the graph keeps what FtM says, by the one mapping table
(``graph.ftm_mapping``; docs/ftm-mapping.md). Values go through followthemoney's own cleaning
(``EntityProxy.add``), so every dict is one the followthemoney package accepts; values it refuses are counted in
``ExportStats.dropped``, never written. What becomes what:

- each node kind -> its FtM schema (Wallet -> CryptoWallet with ``publicKey``, Aircraft -> Airplane); ``sanctioned``
  -> ``target: true`` and the topic ``sanction``; ``front`` -> the topic ``corp.shell``; each designation -> a
  Sanction entity (id ``<entity>-sanction-<hash>``); identifiers written "Label: value" -> the FtM property of that
  label (``identifier_property``), others -> ``notes``; ``source_ids`` that are FtM ids -> ``referents``.
- OWNS … PAID -> their edge schemata (id = the relationship id, ``source_ids`` -> ``recordId``); TRANSFERRED
  (wallet -> wallet) -> a Payment (asset as currency, tx hash as transactionNumber); HOLDS -> the wallet's
  ``holder``; LOCATED_AT -> the entity's ``addressEntity``; SAME_AS -> no entity: a resolver judgement
  (``judgements``), which FtM consumers keep outside the entity stream. Stub nodes are not exported (edges still
  name them).
- A node id that is not a valid FtM id (``registry.entity``) is replaced by ``sg-<sha1>`` everywhere.

Every part of the graph goes through ``export_entities``: the CLI (``export ftm``, ``export_subgraph`` /
``export_graph``) and the dashboard's download write the same lines for the same entities and relationships.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from followthemoney import model as ftm_model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy
from followthemoney.schema import Schema
from followthemoney.types import registry

from graph.analytics.exposure import REJECTED_STATUS
from graph.exports.common import ASSERTED_ID_PREFIX, PageRead, asserted_facts, shown_asserted, shown_relationships
from graph.ftm_mapping import (
    EXPORT_EDGES,
    FRONT_TOPIC,
    JUDGEMENT_TYPES,
    NODE_PROPS,
    PROPERTY_LINKS,
    SANCTION_TOPIC,
    SCHEMA_OF_KIND,
)
from graph.model import Designation, Entity, Relationship, Subgraph
from graph.plain import counted_lines
from graph.stores.base import GraphReader
from graph.vocabulary import NodeKind, Prop, RelType

if TYPE_CHECKING:
    from graph.cases.model import AssertedLink

__all__ = [
    "ExportStats",
    "entity_to_ftm",
    "export_entities",
    "export_graph",
    "export_subgraph",
    "ftm_id",
    "ftm_jsonl",
    "ftm_line",
    "identifier_property",
    "judgement",
    "judgements",
    "relationship_to_ftm",
    "validate_ftm",
    "write_ftm",
]

_SCALAR_SEPARATOR = "; "
_UTC_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?Z")


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
            lines.append(counted_lines("  not exported:", sorted(self.skipped.items())))
        if self.dropped:
            lines.append(counted_lines("  values followthemoney refused:", sorted(self.dropped.items())))
        return "\n".join(lines)


def ftm_id(node_id: str) -> str:
    """The node id if it is a valid FtM entity id, else a stable ``sg-<sha1>`` of it."""
    if registry.entity.validate(node_id):
        return node_id
    return "sg-" + hashlib.sha1(node_id.encode()).hexdigest()


# --- entities -----------------------------------------------------------------------------------------------------


def entity_to_ftm(
    entity: Entity,
    stats: ExportStats,
    holders: Sequence[str] = (),
    addresses: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The entity as FtM dicts: the entity itself, then one Sanction per designation (empty for a stub).
    ``holders``: ids of who HOLDS it (a wallet); ``addresses``: ids of the Address entities it is LOCATED_AT."""
    if entity.properties.get(Prop.STUB.value):
        stats.skipped["stub entities (placeholders)"] += 1
        return []
    schema_name = SCHEMA_OF_KIND[entity.kind]
    proxy = ftm_model.make_entity(schema_name)
    proxy.id = ftm_id(entity.id)
    props = entity.properties
    _add(proxy, "name", [entity.name], stats)
    if entity.kind is NodeKind.ADDRESS:
        _add(proxy, "full", [entity.name, *_values(props.get(Prop.ADDRESS.value), split=False)], stats)
    if entity.kind is NodeKind.WALLET:
        address = entity.id.removeprefix("wallet-") if entity.id.startswith("wallet-") else entity.name
        _add(proxy, "publicKey", [address], stats)
    for prop, name in NODE_PROPS.items():
        if entity.kind is NodeKind.ADDRESS and prop is Prop.ADDRESS:
            continue  # written as `full`
        _add(proxy, name, _values(props.get(prop.value), split=prop is not Prop.NOTES), stats)
    topics = []
    if entity.sanctioned:
        topics.append(SANCTION_TOPIC)
    if props.get(Prop.FRONT.value):
        topics.append(FRONT_TOPIC)
    _add(proxy, "topics", topics, stats)
    _identifiers(proxy, [str(v) for v in props.get(Prop.IDENTIFIERS.value) or []], stats)
    if entity.kind is PROPERTY_LINKS[RelType.HOLDS].target_kind:
        _add(proxy, PROPERTY_LINKS[RelType.HOLDS].prop, [ftm_id(h) for h in holders], stats)
    _add(proxy, PROPERTY_LINKS[RelType.LOCATED_AT].prop, [ftm_id(a) for a in addresses], stats)
    context: dict[str, Any] = {"caption": entity.name, **_context(props), "target": entity.sanctioned}
    referents = [s for s in _values(props.get(Prop.SOURCE_IDS.value)) if s != proxy.id and registry.entity.validate(s)]
    if referents:
        context["referents"] = list(dict.fromkeys(referents))
    proxy.context = context
    out = [proxy.to_dict()]
    stats.entities[schema_name] += 1
    for designation in entity.designations:
        out.append(_sanction(proxy.id, designation, context.get("datasets"), stats))
    return out


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
    _add(proxy, "recordId", [designation.record_id] if designation.record_id else [], stats)
    if datasets:
        proxy.context = {"datasets": datasets}
    stats.entities["Sanction"] += 1
    return proxy.to_dict()


# --- identifiers --------------------------------------------------------------------------------------------------

#: Words in an identifier's label (as the loaders write it, "Label: value …") -> the FtM property, tried in order
#: when the label is not the FtM property's own label; used only when the schema has the property.
_LABEL_WORDS: tuple[tuple[str, str], ...] = (
    ("passport", "passportNumber"),
    ("national id", "idNumber"),
    ("registration", "registrationNumber"),
    ("imo", "imoNumber"),
    ("call sign", "callSign"),
    ("website", "website"),
    ("email", "email"),
    ("phone", "phone"),
    ("tax", "taxNumber"),
    ("swift", "swiftBic"),
)
#: Where the value of "Label: value (country) — remark" / "… issued …" / "… expires …" ends.
_VALUE_END = re.compile(r"\s+\(|\s+[\u2014\u2013]\s+|\s+issued\s|\s+expires\s")


def identifier_property(schema: str, identifier: str) -> tuple[str, str] | None:
    """('passportNumber', '836410021') for 'Passport: 836410021 (Korea, North) …' on a Person; None when the
    identifier has no label or no FtM property on that schema (the export then keeps it in ``notes``), and for a
    digital currency address (the CryptoWallet is the entity itself)."""
    found = ftm_model.get(schema)
    label, sep, rest = identifier.partition(":")
    if found is None or not sep:
        return None
    value = _VALUE_END.split(rest.strip(), maxsplit=1)[0].strip()
    folded = label.strip().rstrip(".").casefold()
    if not value or folded.startswith("digital currency address"):
        return None
    name = _identifier_labels(found).get(folded)
    if name is None:
        name = next((p for word, p in _LABEL_WORDS if word in folded and _has(found, p)), None)
    if name is None and found.is_a("LegalEntity"):
        name = "idNumber"
    if name is None and (found.is_a("Vessel") or found.is_a("Airplane")):
        name = "registrationNumber"
    if name is None:
        return None
    return name, _imo(value) if name == "imoNumber" else value


def _has(schema: Schema, name: str) -> bool:
    prop = schema.get(name)
    return prop is not None and not prop.stub


def _imo(value: str) -> str:
    """FtM writes IMO numbers as 'IMO' and seven digits."""
    digits = re.sub(r"\D", "", value)
    return f"IMO{digits}" if len(digits) == 7 else value.strip()


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
    _LABEL_CACHE[schema.name] = labels
    return labels


def _identifiers(proxy: EntityProxy, texts: list[str], stats: ExportStats) -> None:
    unparsed: list[str] = []
    for text in texts:
        found = identifier_property(proxy.schema.name, text.strip())
        if found is None:
            unparsed.append(text)
        else:
            _add(proxy, found[0], [found[1]], stats)
    _add(proxy, "notes", unparsed, stats)


# --- relationships ------------------------------------------------------------------------------------------------


def relationship_to_ftm(rel: Relationship, stats: ExportStats) -> dict[str, Any] | None:
    """The relationship as an FtM edge entity; None for HOLDS and LOCATED_AT (a property of one end, see
    ``export_entities``) and for SAME_AS (a judgement, see ``judgements``)."""
    if rel.type in PROPERTY_LINKS:
        return None
    if rel.type in JUDGEMENT_TYPES:
        stats.skipped[f"{rel.type.value} relationships (no FtM edge)"] += 1
        return None
    edge = EXPORT_EDGES[rel.type]
    props = rel.properties
    proxy = ftm_model.make_entity(edge.schema)
    proxy.id = ftm_id(rel.id)
    _add(proxy, edge.source, [ftm_id(rel.source)], stats)
    _add(proxy, edge.target, [ftm_id(rel.target)], stats)
    for prop, name in edge.props:
        found = _values(props.get(prop.value))
        if prop is Prop.ASSET:
            found = [v.upper() for v in found]
        elif prop is Prop.TIMESTAMP:
            found = [v[:-1] if _UTC_TIMESTAMP.fullmatch(v) else v for v in found]  # FtM dates are UTC, zoneless
        _add(proxy, name, found, stats)
    _add(proxy, "recordId", _values(props.get(Prop.SOURCE_IDS.value)), stats)
    proxy.context = _context(props)
    stats.entities[proxy.schema.name] += 1
    return proxy.to_dict()


ASSERTED_SCHEMA = "UnknownLink"


def asserted_to_ftm(link: AssertedLink, stats: ExportStats) -> dict[str, Any]:
    """An analyst-asserted link (graph.cases) as an FtM UnknownLink: its label as the role, its supporting text as
    the description, a summary saying it was asserted by an analyst (who, when, which case) and not by a source,
    the time as modifiedAt; and ``asserted_facts`` in the entity's context (``analyst_asserted``: true)."""
    proxy = ftm_model.make_entity(ASSERTED_SCHEMA)
    proxy.id = ftm_id(ASSERTED_ID_PREFIX + link.id)
    _add(proxy, "subject", [ftm_id(link.source)], stats)
    _add(proxy, "object", [ftm_id(link.target)], stats)
    _add(proxy, "role", _values(link.label, split=False), stats)
    _add(proxy, "description", _values(link.source_text, split=False), stats)
    summary = f"Asserted by an analyst ({link.author or 'unknown'}, {link.at}, case {link.case_id}); not by a source."
    _add(proxy, "summary", [summary], stats)
    at = link.at[:-1] if _UTC_TIMESTAMP.fullmatch(link.at) else link.at  # FtM dates are UTC, zoneless
    _add(proxy, "modifiedAt", _values(at, split=False), stats)
    proxy.context = asserted_facts(link)
    stats.entities[proxy.schema.name] += 1
    return proxy.to_dict()


# --- parts of the graph, and the whole --------------------------------------------------------------------------


def export_entities(
    entities: Sequence[Entity],
    relationships: Iterable[Relationship],
    stats: ExportStats,
    asserted: Iterable[AssertedLink] = (),
) -> Iterator[dict[str, Any]]:
    """Entities (each followed by its sanctions), then the relationships between them, as FtM dicts, then the
    analyst-asserted links between them (``asserted_to_ftm``). Only links whose two ends are among the entities are
    written (no dangling reference), each once."""
    rels = shown_relationships(entities, relationships)
    holders, addresses = _property_links(rels)
    for entity in entities:
        yield from entity_to_ftm(entity, stats, holders.get(entity.id, ()), addresses.get(entity.id, ()))
    for rel in rels:
        data = relationship_to_ftm(rel, stats)
        if data is not None:
            yield data
    for link in shown_asserted(entities, asserted):
        yield asserted_to_ftm(link, stats)


def export_subgraph(sub: Subgraph, stats: ExportStats) -> Iterator[dict[str, Any]]:
    """An entity's neighbourhood as FtM dicts (``export_entities``)."""
    yield from export_entities(sub.entities, sub.relationships, stats)
    if sub.omitted:
        stats.skipped["entities beyond the neighbourhood limit"] += sub.omitted


def export_graph(
    reader: GraphReader, stats: ExportStats, batch_size: int = 10_000, progress: PageRead | None = None
) -> Iterator[dict[str, Any]]:
    """The whole graph as FtM dicts, in pages: entities (with their sanctions), then edges. ``progress`` is told how
    many entities or relationships were read after each page (every one is read once)."""
    links: list[Relationship] = []
    for batch in reader.iter_relationships(tuple(PROPERTY_LINKS), batch_size=batch_size):
        links += batch
        if progress:
            progress(len(batch))
    holders, addresses = _property_links(links)
    for entities in reader.iter_entities(batch_size=batch_size):
        for entity in entities:
            yield from entity_to_ftm(entity, stats, holders.get(entity.id, ()), addresses.get(entity.id, ()))
        if progress:
            progress(len(entities))
    edge_types = [t for t in RelType if t not in PROPERTY_LINKS]
    for rels in reader.iter_relationships(edge_types, batch_size=batch_size):
        for rel in rels:
            data = relationship_to_ftm(rel, stats)
            if data is not None:
                yield data
        if progress:
            progress(len(rels))


def ftm_line(item: dict[str, Any]) -> str:
    """One FtM dict as a JSON line (keys sorted: the same entity makes the same bytes)."""
    return json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n"


def ftm_jsonl(items: Iterable[dict[str, Any]]) -> str:
    return "".join(ftm_line(item) for item in items)


def write_ftm(items: Iterable[dict[str, Any]], handle: IO[str]) -> int:
    """Write FtM dicts as JSON lines; returns how many."""
    count = 0
    for item in items:
        handle.write(ftm_line(item))
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
    for name, found in props.items():
        prop = schema.get(name)
        if prop is None or prop.stub:
            problems.append(f"{schema.name} has no property {name!r}")
            continue
        if not isinstance(found, list) or not all(isinstance(v, str) for v in found):
            problems.append(f"{name}: not a list of strings")
            continue
        for value in found:
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


# --- SAME_AS: resolver judgements, outside the entity stream ----------------------------------------------------

#: SAME_AS ``status`` (compared without case) -> nomenklatura's judgement; anything else is "no_judgement" (a
#: candidate nobody has decided on).
JUDGEMENTS: dict[str, str] = {
    REJECTED_STATUS: "negative",
    "negative": "negative",
    "confirmed": "positive",
    "accepted": "positive",
    "positive": "positive",
    "unsure": "unsure",
}


def judgement(rel: Relationship) -> dict[str, Any]:
    """A SAME_AS relationship as a resolver judgement in the shape of nomenklatura's ``Edge.to_dict()``: the two
    (FtM) ids, the greater one as ``target``, ``judgement`` (positive, negative, unsure, no_judgement) and
    ``score``."""
    if rel.type not in JUDGEMENT_TYPES:
        raise ValueError(f"{rel.id}: a {rel.type.value} relationship is no resolution judgement")
    left, right = ftm_id(rel.source), ftm_id(rel.target)
    status = rel.properties.get(Prop.STATUS.value)
    score = rel.properties.get(Prop.SCORE.value)
    return {
        "target": max(left, right),
        "source": min(left, right),
        "judgement": JUDGEMENTS.get(str(status).strip().casefold(), "no_judgement") if status else "no_judgement",
        "score": float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None,
        "user": rel.properties.get(Prop.JUDGED_BY.value),  # who judged it (graph.matching.judgements)
        "timestamp": rel.properties.get(Prop.JUDGED_AT.value),
    }


def judgements(relationships: Iterable[Relationship]) -> Iterator[dict[str, Any]]:
    """The SAME_AS relationships among ``relationships`` as resolver judgements (``judgement``)."""
    for rel in relationships:
        if rel.type in JUDGEMENT_TYPES:
            yield judgement(rel)


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
    if isinstance(value, list | tuple):
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


def _property_links(rels: Iterable[Relationship]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Wallet id -> holder ids (HOLDS) and entity id -> address ids (LOCATED_AT): by ``PROPERTY_LINKS``, the id of
    the end the property sits on -> the ids it names."""
    found: dict[RelType, dict[str, list[str]]] = {t: defaultdict(list) for t in PROPERTY_LINKS}
    for rel in rels:
        link = PROPERTY_LINKS.get(rel.type)
        if link is not None:
            owner, other = (rel.target, rel.source) if link.on_target else (rel.source, rel.target)
            found[rel.type][owner].append(other)
    return found[RelType.HOLDS], found[RelType.LOCATED_AT]
