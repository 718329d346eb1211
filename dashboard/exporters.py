"""The view an analyst is looking at → files to take away: CSV (a zip of nodes.csv and edges.csv), GraphML,
FollowTheMoney JSON lines, and an SVG drawing for printed reports. Pure functions: no Dash, no store.

A page that offers exports keeps its view (the entities and relationships it shows) as a ``GraphView``; the view
travels to the browser as ``view_to_payload`` (JSON for a ``dcc.Store``) and comes back to the export callback
through ``view_from_payload``, so no export ever needs a second store call.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from hashlib import sha1
from typing import Any
from xml.etree import ElementTree as ET

from dashboard.entity.styles import CENTER_HALO, SANCTIONED_RED, kind_style, rel_style
from dashboard.formatting import edge_label, short_label
from graph.model import Designation, Entity, Relationship
from graph.vocabulary import INTERNAL_PROPS, RELATIONSHIPS, NodeKind, Prop, RelType


class ExportFormat(StrEnum):
    CSV = "csv"
    GRAPHML = "graphml"
    FTM = "ftm"


@dataclass(frozen=True)
class GraphView:
    """What a page shows: a title (for file names) and the entities and relationships on screen."""

    title: str
    entities: tuple[Entity, ...]
    relationships: tuple[Relationship, ...]

    @property
    def names(self) -> dict[str, str]:
        return {e.id: e.name for e in self.entities}

    def shown_relationships(self) -> list[Relationship]:
        """The relationships whose two ends are in the view (a file never points at an entity it lacks)."""
        ids = {e.id for e in self.entities}
        seen: set[str] = set()
        out = []
        for r in self.relationships:
            if r.source in ids and r.target in ids and r.id not in seen:
                seen.add(r.id)
                out.append(r)
        return out


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    mime: str


#: Bookkeeping properties a file (or a printed page) does not need: the store derives them for its search.
_INTERNAL = frozenset({p.value for p in INTERNAL_PROPS if p not in (Prop.ID, Prop.KIND)} | {Prop.LOOKUP_KEYS.value})


def without_internal(entity: Entity) -> Entity:
    """The entity without the store's search bookkeeping."""
    props = {k: v for k, v in entity.properties.items() if k not in _INTERNAL}
    return Entity(entity.id, entity.kind, entity.name, entity.sanctioned, props)


# --- the view as JSON for a dcc.Store, and back -----------------------------------------------------------------


def view_to_payload(view: GraphView) -> dict[str, Any]:
    return {
        "title": view.title,
        "entities": [
            {
                "id": e.id,
                "kind": e.kind.value,
                "name": e.name,
                "sanctioned": e.sanctioned,
                "properties": {k: v for k, v in e.properties.items() if k not in _INTERNAL},
            }
            for e in view.entities
        ],
        "relationships": [
            {"id": r.id, "type": r.type.value, "source": r.source, "target": r.target, "properties": r.properties}
            for r in view.relationships
        ],
    }


def view_from_payload(payload: Mapping[str, Any] | None) -> GraphView:
    """The view a payload describes; raises ValueError when it is not one."""
    if not isinstance(payload, Mapping):
        raise ValueError("there is no view to export")
    try:
        entities = tuple(
            Entity(str(e["id"]), NodeKind(e["kind"]), str(e["name"]), bool(e["sanctioned"]), dict(e["properties"]))
            for e in payload.get("entities") or []
        )
        relationships = tuple(
            Relationship(str(r["id"]), RelType(r["type"]), str(r["source"]), str(r["target"]), dict(r["properties"]))
            for r in payload.get("relationships") or []
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a view payload: {exc}") from exc
    return GraphView(str(payload.get("title") or "graph"), entities, relationships)


def file_stem(title: str) -> str:
    """A safe file name from a title: 'Paths: RI Chol Man → Bureau 999' → 'paths-ri-chol-man-bureau-999'."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return stem[:80].rstrip("-") or "graph"


# --- small value helpers ----------------------------------------------------------------------------------------


def _values(raw: Any) -> list[Any]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, list | tuple):
        return [v for v in raw if v is not None and v != ""]
    return [raw]


def _text(value: Any) -> str:
    """One value as text: 60.0 → '60', True → 'true'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def _joined(raw: Any) -> str:
    return "; ".join(_text(v) for v in _values(raw))


def designation_text(d: Designation) -> str:
    """'US OFAC: DPRK3, DPRK4, since 2018-01-01 (https://…)'."""
    text = d.authority or "Unknown authority"
    if d.programs:
        text += ": " + ", ".join(d.programs)
    if d.start_date:
        text += f", since {d.start_date}"
    if d.source_url:
        text += f" ({d.source_url})"
    return text


# --- CSV --------------------------------------------------------------------------------------------------------

#: nodes.csv: identity and marks first, then the facts an analyst filters on; whatever else is in other_properties.
NODE_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "kind",
    "sanctioned",
    "front",
    "designations",
    Prop.PROGRAMS.value,
    Prop.ALIASES.value,
    Prop.COUNTRIES.value,
    Prop.IDENTIFIERS.value,
    Prop.BIRTH_DATE.value,
    Prop.BIRTH_PLACE.value,
    Prop.ADDRESS.value,
    Prop.CITY.value,
    Prop.CHAIN.value,
    Prop.CURRENCIES.value,
    Prop.IMO.value,
    Prop.FLAG.value,
    Prop.VESSEL_TYPE.value,
    Prop.TOPICS.value,
    Prop.DATASETS.value,
    Prop.SOURCE_IDS.value,
    Prop.FIRST_SEEN.value,
    Prop.LAST_SEEN.value,
    Prop.NOTES.value,
    "other_properties",
)

#: edges.csv: the relationship, its two ends by id and name, then every property the vocabulary gives any type.
EDGE_COLUMNS: tuple[str, ...] = (
    "id",
    "type",
    "source",
    "source_name",
    "target",
    "target_name",
    "label",
    *dict.fromkeys(p.value for spec in RELATIONSHIPS.values() for p in spec.properties),
    Prop.DATASETS.value,
    Prop.SOURCE_IDS.value,
    "other_properties",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell. Numbers stay numbers; text that a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _text(value)
    text = value if isinstance(value, str) else _joined(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _other(props: Mapping[str, Any], shown: Iterable[str]) -> str:
    rest = {k: v for k, v in sorted(props.items()) if k not in set(shown) and k not in _INTERNAL and v is not None}
    return json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else ""


def node_rows(view: GraphView) -> list[dict[str, Any]]:
    shown = {*NODE_COLUMNS, Prop.ID.value, Prop.KIND.value, Prop.NAME.value, Prop.DESIGNATIONS.value}
    rows = []
    for e in view.entities:
        p = e.properties
        row: dict[str, Any] = {c: p.get(c) for c in NODE_COLUMNS}
        row.update(
            id=e.id,
            name=e.name,
            kind=e.kind.value,
            sanctioned=e.sanctioned,
            front=bool(p.get(Prop.FRONT)),
            designations=[designation_text(d) for d in e.designations],
            other_properties=_other(p, shown),
        )
        rows.append(row)
    return rows


def edge_rows(view: GraphView) -> list[dict[str, Any]]:
    names = view.names
    shown = {*EDGE_COLUMNS, Prop.ID.value}
    rows = []
    for r in view.shown_relationships():
        row: dict[str, Any] = {c: r.properties.get(c) for c in EDGE_COLUMNS}
        row.update(
            id=r.id,
            type=r.type.value,
            source=r.source,
            source_name=names.get(r.source, ""),
            target=r.target,
            target_name=names.get(r.target, ""),
            label=edge_label(r),
            other_properties=_other(r.properties, shown),
        )
        rows.append(row)
    return rows


def _csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def nodes_csv(view: GraphView) -> str:
    return _csv(NODE_COLUMNS, node_rows(view))


def edges_csv(view: GraphView) -> str:
    return _csv(EDGE_COLUMNS, edge_rows(view))


def csv_zip(view: GraphView) -> bytes:
    """nodes.csv and edges.csv in one zip; UTF-8 with a byte-order mark, so spreadsheets read accents right."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, text in (("nodes.csv", nodes_csv(view)), ("edges.csv", edges_csv(view))):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))  # the same view makes the same bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8-sig"))
    return buffer.getvalue()


# --- GraphML ----------------------------------------------------------------------------------------------------

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _XML_INVALID.sub("", value)


def _graphml_type(values: Iterable[Any]) -> str:
    kinds = set()
    for v in values:
        if isinstance(v, bool):
            kinds.add("boolean")
        elif isinstance(v, int):
            kinds.add("long")
        elif isinstance(v, float):
            kinds.add("double")
        else:
            kinds.add("string")
    if kinds == {"boolean"}:
        return "boolean"
    if kinds == {"long"}:
        return "long"
    if kinds and kinds <= {"long", "double"}:
        return "double"
    return "string"


def _graphml_value(value: Any, attr_type: str) -> str:
    if attr_type == "boolean":
        return "true" if value else "false"
    if attr_type == "double":
        return repr(float(value))
    if attr_type == "long":
        return str(int(value))
    return _xml_text(_joined(value))


def _node_attributes(e: Entity) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "label": e.name,
        "kind": e.kind.value,
        "sanctioned": e.sanctioned,
        "front": bool(e.properties.get(Prop.FRONT)),
    }
    designations = [designation_text(d) for d in e.designations]
    if designations:
        attrs["designations"] = "; ".join(designations)
    skip = {Prop.ID.value, Prop.NAME.value, Prop.KIND.value, Prop.SANCTIONED.value, Prop.FRONT.value}
    skip |= {Prop.DESIGNATIONS.value, *_INTERNAL}
    for k, v in e.properties.items():
        if k not in skip and _values(v):
            attrs[k] = v if not isinstance(v, list | tuple) else _joined(v)
    return attrs


def _edge_attributes(r: Relationship) -> dict[str, Any]:
    attrs: dict[str, Any] = {"type": r.type.value, "label": edge_label(r)}
    for k, v in r.properties.items():
        if k != Prop.ID.value and _values(v):
            attrs[k] = v if not isinstance(v, list | tuple) else _joined(v)
    return attrs


def graphml(view: GraphView) -> str:
    """The view as GraphML (yEd, Gephi, Cytoscape desktop, networkx): a directed graph, one key per property."""
    ET.register_namespace("", GRAPHML_NS)
    nodes = [(e.id, _node_attributes(e)) for e in view.entities]
    edges = [(r, _edge_attributes(r)) for r in view.shown_relationships()]
    root = ET.Element(
        f"{{{GRAPHML_NS}}}graphml",
        {f"{{{_XSI}}}schemaLocation": f"{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd"},
    )
    key_ids: dict[tuple[str, str], tuple[str, str]] = {}
    for domain, prefix, attr_maps in (("node", "n", [a for _, a in nodes]), ("edge", "e", [a for _, a in edges])):
        names = dict.fromkeys(k for attrs in attr_maps for k in attrs)
        for n, name in enumerate(names):
            attr_type = _graphml_type(attrs[name] for attrs in attr_maps if name in attrs)
            key_id = f"{prefix}{n}"
            key_ids[(domain, name)] = (key_id, attr_type)
            ET.SubElement(
                root,
                f"{{{GRAPHML_NS}}}key",
                {"id": key_id, "for": domain, "attr.name": name, "attr.type": attr_type},
            )
    graph = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": file_stem(view.title), "edgedefault": "directed"})

    def add_data(parent: ET.Element, domain: str, attrs: Mapping[str, Any]) -> None:
        for name, value in attrs.items():
            key_id, attr_type = key_ids[(domain, name)]
            ET.SubElement(parent, f"{{{GRAPHML_NS}}}data", {"key": key_id}).text = _graphml_value(value, attr_type)

    for node_id, attrs in nodes:
        add_data(ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", {"id": _xml_text(node_id)}), "node", attrs)
    for r, attrs in edges:
        element = ET.SubElement(
            graph,
            f"{{{GRAPHML_NS}}}edge",
            {"id": _xml_text(r.id), "source": _xml_text(r.source), "target": _xml_text(r.target)},
        )
        add_data(element, "edge", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- FollowTheMoney ---------------------------------------------------------------------------------------------
# Kept to FtM 3.x schemata (followthemoney/schema/*.yaml). Node kinds map one to one; relationships become edge
# entities, except HOLDS (the wallet's `holder`) and LOCATED_AT (the entity's `addressEntity`), which FtM writes as
# properties. FtM has no wallet-to-wallet transfer schema: TRANSFERRED is written as a Payment (amount, currency,
# amountUsd, date, transactionNumber) between the two CryptoWallets. SAME_AS candidates are FtM `Similar` links
# with their status in `criteria`. Designations become Sanction entities. Countries that are not two-letter codes
# are written as the source gave them (FtM expects ISO codes; the loaders keep OFAC's country names).

FTM_SCHEMA: dict[NodeKind, str] = {
    NodeKind.PERSON: "Person",
    NodeKind.COMPANY: "Company",
    NodeKind.ORGANIZATION: "Organization",
    NodeKind.LEGAL_ENTITY: "LegalEntity",
    NodeKind.WALLET: "CryptoWallet",
    NodeKind.ADDRESS: "Address",
    NodeKind.VESSEL: "Vessel",
    NodeKind.AIRCRAFT: "Airplane",
}

_LEGAL_ENTITIES = frozenset({"Person", "Company", "Organization", "LegalEntity"})


@dataclass(frozen=True)
class FtmEdge:
    """How one relationship type is written in FtM: the schema, the properties holding its two ends, and how its
    own properties are named there."""

    schema: str
    source: str
    target: str
    props: Mapping[Prop, str]


_INTEREST = {Prop.ROLE: "role", Prop.START_DATE: "startDate", Prop.END_DATE: "endDate"}

FTM_EDGES: dict[RelType, FtmEdge] = {
    RelType.OWNS: FtmEdge("Ownership", "owner", "asset", {Prop.PERCENTAGE: "percentage", **_INTEREST}),
    RelType.DIRECTS: FtmEdge("Directorship", "director", "organization", _INTEREST),
    RelType.EMPLOYS: FtmEdge("Employment", "employer", "employee", _INTEREST),
    RelType.MEMBER_OF: FtmEdge("Membership", "member", "organization", _INTEREST),
    RelType.FAMILY_OF: FtmEdge("Family", "person", "relative", {Prop.ROLE: "relationship"}),
    RelType.ASSOCIATE_OF: FtmEdge("Associate", "person", "associate", {Prop.ROLE: "relationship"}),
    RelType.LINKED_TO: FtmEdge("UnknownLink", "subject", "object", {Prop.ROLE: "role"}),
    RelType.PAID: FtmEdge(
        "Payment",
        "payer",
        "beneficiary",
        {Prop.AMOUNT: "amount", Prop.CURRENCY: "currency", Prop.DATE: "date", Prop.PURPOSE: "purpose"},
    ),
    RelType.TRANSFERRED: FtmEdge(
        "Payment",
        "payer",
        "beneficiary",
        {
            Prop.AMOUNT: "amount",
            Prop.ASSET: "currency",
            Prop.VALUE_USD: "amountUsd",
            Prop.TIMESTAMP: "date",
            Prop.TX_HASH: "transactionNumber",
        },
    ),
    RelType.SAME_AS: FtmEdge("Similar", "candidate", "match", {Prop.SCORE: "confidenceScore", Prop.STATUS: "criteria"}),
}

#: Relationship types FtM writes as a property of one end: (type, kind the target must be, property on the holder).
_AS_PROPERTY: dict[RelType, tuple[NodeKind, str]] = {
    RelType.HOLDS: (NodeKind.WALLET, "holder"),  # on the wallet (the target), pointing at the holder
    RelType.LOCATED_AT: (NodeKind.ADDRESS, "addressEntity"),  # on the entity (the source), pointing at the address
}

_UNKNOWN_LINK = FTM_EDGES[RelType.LINKED_TO]

#: Properties read the same way for every schema (FtM Thing and its descendants).
_THING_PROPS: dict[Prop, str] = {
    Prop.ALIASES: "alias",
    Prop.COUNTRIES: "country",
    Prop.TOPICS: "topics",
    Prop.PROGRAMS: "program",
    Prop.NOTES: "notes",
}

_SCHEMA_PROPS: dict[str, dict[Prop, str]] = {
    "Person": {
        Prop.BIRTH_DATE: "birthDate",
        Prop.BIRTH_PLACE: "birthPlace",
        Prop.GENDER: "gender",
        Prop.TITLE: "title",
    },
    "Address": {Prop.ADDRESS: "street", Prop.CITY: "city"},
    "CryptoWallet": {Prop.CURRENCIES: "currencySymbol"},
    "Vessel": {
        Prop.IMO: "imoNumber",
        Prop.FLAG: "flag",
        Prop.VESSEL_TYPE: "type",
        Prop.TONNAGE: "tonnage",
        Prop.CALL_SIGN: "callSign",
    },
}

#: Identifier labels (as the loaders write them, "Label: value …") → FtM property, for the schemata that have it.
_IDENTIFIER_PROPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("passport", "passportNumber", frozenset({"Person"})),
    ("registration", "registrationNumber", _LEGAL_ENTITIES | {"Vessel", "Airplane"}),
    ("imo", "imoNumber", frozenset({"Vessel", "Company", "Organization"})),
    ("call sign", "callSign", frozenset({"Vessel"})),
    ("website", "website", _LEGAL_ENTITIES),
    ("email", "email", _LEGAL_ENTITIES),
    ("phone", "phone", _LEGAL_ENTITIES),
    ("tax", "taxNumber", _LEGAL_ENTITIES),
    ("swift", "swiftBic", _LEGAL_ENTITIES),
)


def _ftm_value(value: Any) -> str:
    text = _text(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?Z", text):  # FtM dates are UTC, without a zone
        text = text[:19].rstrip("Z")
    return text


def _imo(value: Any) -> str:
    """FtM writes IMO numbers as 'IMO' and seven digits."""
    digits = re.sub(r"\D", "", str(value))
    return f"IMO{digits}" if len(digits) == 7 else str(value).strip()


def _country(value: Any) -> str:
    text = str(value).strip()
    return text.lower() if len(text) == 2 and text.isalpha() else text


_SCHEMA_CLEAN: dict[str, Callable[[Any], str]] = {
    "flag": _country,
    "gender": lambda v: _ftm_value(v).lower(),
    "imoNumber": _imo,
}


def identifier_property(schema: str, identifier: str) -> tuple[str, str] | None:
    """('passportNumber', '836410021') for 'Passport: 836410021 (Korea, North) …' on a Person; None when the
    identifier belongs elsewhere (a wallet address is the CryptoWallet itself)."""
    label, sep, rest = identifier.partition(":")
    if not sep:
        label, rest = "", identifier
    value = re.split(r"\s+\(|\s+[\u2014\u2013]\s+|\s+issued\s|\s+expires\s", rest.strip(), maxsplit=1)[0].strip()
    folded = label.casefold()
    if not value or folded.startswith("digital currency address"):
        return None
    for needle, prop, schemata in _IDENTIFIER_PROPS:
        if needle in folded and schema in schemata:
            return prop, _imo(value) if prop == "imoNumber" else value
    if schema in _LEGAL_ENTITIES:
        return "idNumber", value
    if schema in ("Vessel", "Airplane"):
        return "registrationNumber", value
    return None


class _FtmEntity:
    def __init__(self, entity_id: str, schema: str) -> None:
        self.id = entity_id
        self.schema = schema
        self.properties: dict[str, list[str]] = {}
        self.extra: dict[str, Any] = {}

    def add(self, prop: str, raw: Any, clean: Callable[[Any], str] = _ftm_value) -> None:
        for value in _values(raw):
            text = clean(value)
            if text and text not in self.properties.setdefault(prop, []):
                self.properties[prop].append(text)
        if not self.properties.get(prop):
            self.properties.pop(prop, None)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "schema": self.schema, "properties": self.properties, **self.extra}


def _ftm_node(e: Entity) -> _FtmEntity:
    schema = FTM_SCHEMA.get(e.kind, "LegalEntity")
    out = _FtmEntity(e.id, schema)
    p = e.properties
    out.add("name", e.name)
    if schema == "CryptoWallet":
        out.add("publicKey", e.name)
    if schema == "Address":
        out.add("full", e.name)
    for prop, ftm in _THING_PROPS.items():
        out.add(ftm, p.get(prop), _country if prop is Prop.COUNTRIES else _ftm_value)
    for prop, ftm in _SCHEMA_PROPS.get(schema, {}).items():
        clean = _SCHEMA_CLEAN.get(ftm, _ftm_value)
        out.add(ftm, p.get(prop), clean)
    for identifier in _values(p.get(Prop.IDENTIFIERS)):
        found = identifier_property(schema, str(identifier))
        if found:
            out.add(found[0], found[1])
    if e.sanctioned:
        out.add("topics", "sanction")
    if p.get(Prop.FRONT):
        out.add("topics", "corp.shell")
    out.extra = {
        k: v
        for k, v in (
            ("caption", e.name),
            ("datasets", _values(p.get(Prop.DATASETS))),
            ("referents", _values(p.get(Prop.SOURCE_IDS))),
            ("target", e.sanctioned),
            ("first_seen", p.get(Prop.FIRST_SEEN)),
            ("last_seen", p.get(Prop.LAST_SEEN)),
        )
        if v not in (None, [])
    }
    return out


def _ftm_sanctions(e: Entity) -> list[_FtmEntity]:
    out = []
    for d in e.designations:
        digest = sha1(f"{e.id}\n{d.to_json()}".encode()).hexdigest()[:16]
        sanction = _FtmEntity(f"{e.id}-sanction-{digest}", "Sanction")
        sanction.add("entity", e.id)
        sanction.add("authority", d.authority)
        sanction.add("program", list(d.programs))
        sanction.add("startDate", d.start_date)
        sanction.add("sourceUrl", d.source_url)
        sanction.add("recordId", d.record_id)
        sanction.extra = {"datasets": _values(e.properties.get(Prop.DATASETS))} if e.properties.get("datasets") else {}
        out.append(sanction)
    return out


def ftm_entities(view: GraphView) -> list[dict[str, Any]]:
    """The view as FollowTheMoney entities (dicts of id, schema, properties — every value a list of strings —, plus
    OpenSanctions' caption/datasets/referents/target where known): nodes, their Sanctions, then edge entities."""
    nodes = {e.id: _ftm_node(e) for e in view.entities}
    kinds = {e.id: e.kind for e in view.entities}
    sanctions = [s for e in view.entities for s in _ftm_sanctions(e)]
    edges: list[_FtmEntity] = []
    for r in view.shown_relationships():
        as_property = _AS_PROPERTY.get(r.type)
        if as_property and kinds[r.target] is as_property[0]:
            if r.type is RelType.HOLDS:
                nodes[r.target].add(as_property[1], r.source)
            else:
                nodes[r.source].add(as_property[1], r.target)
            continue
        spec = FTM_EDGES.get(r.type, _UNKNOWN_LINK)
        edge = _FtmEntity(r.id, spec.schema)
        edge.add(spec.source, r.source)
        edge.add(spec.target, r.target)
        for prop, ftm in spec.props.items():
            value = r.properties.get(prop)
            edge.add(ftm, value.upper() if prop is Prop.ASSET and isinstance(value, str) else value)
        if spec is _UNKNOWN_LINK and r.type is not RelType.LINKED_TO:
            edge.add("role", RELATIONSHIPS[r.type].caption if r.type in RELATIONSHIPS else r.type.value)
        if spec.schema != "Similar":
            edge.add("recordId", r.properties.get(Prop.SOURCE_IDS))
        datasets = _values(r.properties.get(Prop.DATASETS))
        if datasets:
            edge.extra = {"datasets": datasets}
        edges.append(edge)
    return [n.to_dict() for n in nodes.values()] + [s.to_dict() for s in sanctions] + [e.to_dict() for e in edges]


def ftm_jsonl(view: GraphView) -> str:
    return "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in ftm_entities(view))


# --- one entry point for the download callback ------------------------------------------------------------------


def export_file(view: GraphView, fmt: ExportFormat | str) -> ExportFile:
    """The file for a download button; raises ValueError for an unknown format."""
    stem = file_stem(view.title)
    fmt = ExportFormat(fmt)
    if fmt is ExportFormat.CSV:
        return ExportFile(f"{stem}.csv.zip", csv_zip(view), "application/zip")
    if fmt is ExportFormat.GRAPHML:
        return ExportFile(f"{stem}.graphml", graphml(view).encode(), "application/graphml+xml")
    return ExportFile(f"{stem}.ftm.jsonl", ftm_jsonl(view).encode(), "application/x-ndjson")


# --- a drawing of the view, rendered on the server (for printed reports) ----------------------------------------

_DASHES = {"solid": "", "dashed": "6 4", "dotted": "2 3"}


def _shape_points(shape: str, x: float, y: float, r: float) -> str | None:
    sides = {"hexagon": 6, "octagon": 8, "pentagon": 5, "triangle": 3}.get(shape)
    if shape == "diamond":
        sides = 4
    if not sides:
        return None
    offset = -math.pi / 2 if shape != "octagon" else math.pi / 8
    angles = [offset + 2 * math.pi * i / sides for i in range(sides)]
    return " ".join(f"{x + r * math.cos(a):.1f},{y + r * math.sin(a):.1f}" for a in angles)


def view_svg(
    view: GraphView,
    positions: Mapping[str, tuple[float, float]],
    highlight: Iterable[str] = (),
    width: int = 900,
) -> str:
    """A self-contained SVG drawing of the view at the given positions: nodes shaped and coloured by kind (as in the
    explorer), sanctioned ones ringed in red, ``highlight`` ids haloed, edges with arrows and their labels."""
    ids = [e.id for e in view.entities if e.id in positions]
    if not ids:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="60" viewBox="0 0 {width} 60"></svg>'
    xs = [positions[i][0] for i in ids]
    ys = [positions[i][1] for i in ids]
    margin = 70.0
    span_x = max(max(xs) - min(xs), 1.0)
    span_y = max(max(ys) - min(ys), 1.0)
    scale = min((width - 2 * margin) / span_x, 1.4) if span_x > 1 else 1.0
    height = int(span_y * scale + 2 * margin)
    offset_x = (width - span_x * scale) / 2 if span_x > 1 else width / 2

    def at(entity_id: str) -> tuple[float, float]:
        x, y = positions[entity_id]
        return offset_x + (x - min(xs)) * scale, margin + (y - min(ys)) * scale

    marked = set(highlight)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "font-family": "system-ui, Arial, sans-serif",
            "role": "img",
        },
    )
    ET.SubElement(svg, "title").text = _xml_text(view.title)
    defs = ET.SubElement(svg, "defs")
    marker = ET.SubElement(
        defs,
        "marker",
        {
            "id": "arrow",
            "viewBox": "0 0 10 10",
            "refX": "10",
            "refY": "5",
            "markerWidth": "7",
            "markerHeight": "7",
            "orient": "auto-start-reverse",
        },
    )
    ET.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": "#555"})
    radius = 16.0
    for r in view.shown_relationships():
        if r.source not in positions or r.target not in positions or r.source == r.target:
            continue
        (x1, y1), (x2, y2) = at(r.source), at(r.target)
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        rstyle = rel_style(r.type)
        line = {
            "x1": f"{x1 + ux * radius:.1f}",
            "y1": f"{y1 + uy * radius:.1f}",
            "x2": f"{x2 - ux * (radius + 3):.1f}",
            "y2": f"{y2 - uy * (radius + 3):.1f}",
            "stroke": rstyle.colour,
            "stroke-width": str(rstyle.width),
            "marker-end": "url(#arrow)",
        }
        if _DASHES.get(rstyle.line_style):
            line["stroke-dasharray"] = _DASHES[rstyle.line_style]
        ET.SubElement(svg, "line", line)
        label = ET.SubElement(
            svg,
            "text",
            {
                "x": f"{(x1 + x2) / 2:.1f}",
                "y": f"{(y1 + y2) / 2 - 4:.1f}",
                "font-size": "10",
                "fill": "#333",
                "text-anchor": "middle",
            },
        )
        label.text = _xml_text(edge_label(r))
    for e in view.entities:
        if e.id not in positions:
            continue
        x, y = at(e.id)
        kstyle = kind_style(e.kind)
        if e.id in marked:
            ET.SubElement(
                svg,
                "circle",
                {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": f"{radius + 7:.1f}", "fill": CENTER_HALO, "opacity": "0.6"},
            )
        attrs = {
            "fill": kstyle.colour,
            "stroke": SANCTIONED_RED if e.sanctioned else "#333",
            "stroke-width": "4" if e.sanctioned else "1",
        }
        points = _shape_points(kstyle.shape, x, y, radius)
        if points:
            ET.SubElement(svg, "polygon", {"points": points, **attrs})
        elif kstyle.shape in ("ellipse", "barrel"):
            ET.SubElement(svg, "circle", {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": f"{radius:.1f}", **attrs})
        else:
            ET.SubElement(
                svg,
                "rect",
                {
                    "x": f"{x - radius:.1f}",
                    "y": f"{y - radius * 0.75:.1f}",
                    "width": f"{2 * radius:.1f}",
                    "height": f"{1.5 * radius:.1f}",
                    "rx": "4",
                    **attrs,
                },
            )
        name = ET.SubElement(
            svg,
            "text",
            {
                "x": f"{x:.1f}",
                "y": f"{y + radius + 14:.1f}",
                "font-size": "12",
                "text-anchor": "middle",
                "fill": SANCTIONED_RED if e.sanctioned else "#111",
                "font-weight": "700" if e.sanctioned else "400",
            },
        )
        name.text = _xml_text(short_label(e.name, e.kind))
    return ET.tostring(svg, encoding="unicode")
