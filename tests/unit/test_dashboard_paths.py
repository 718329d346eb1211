"""The paths page, the report page and the exports, called as plain functions over an in-memory reader."""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from collections import deque
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from dash import exceptions as dash_exceptions

from dashboard import export_controls, path_display
from dashboard.app import create_app
from dashboard.exporters import GraphView, export_file, view_from_payload, view_svg, view_to_payload
from dashboard.pages import paths as paths_page
from dashboard.pages import report as report_page
from graph.errors import EntityNotFound, QueryTimeout
from graph.exports.common import file_stem, without_internal
from graph.exports.ftm import ExportStats, export_subgraph, identifier_property, judgements, write_ftm
from graph.exports.tabular import EDGE_COLUMNS, NODE_COLUMNS
from graph.ftm_mapping import SCHEMA_OF_KIND as FTM_SCHEMA
from graph.model import Designation, Entity, Path, Relationship, SearchHit, Subgraph
from graph.vocabulary import NodeKind, RelType
from tests.unit.dash_tree import find, walk
from tests.unit.dash_tree import text as _text

# --- an in-memory reader: search, entities, neighbourhoods and paths ------------------------------------------------


class FakeReader:
    """The read side the paths and report pages use, over lists; records every call. Without ``several`` it has
    only ``shortest_path`` (a store from before ``shortest_paths``)."""

    def __init__(self, entities: Sequence[Entity], relationships: Sequence[Relationship]) -> None:
        self.entities = {e.id: e for e in entities}
        self.relationships = list(relationships)
        self.calls: list[tuple[Any, ...]] = []
        self.fail: Exception | None = None

    def _call(self, *call: Any) -> None:
        self.calls.append(call)
        if self.fail is not None:
            raise self.fail

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        self._call("search", text, limit)
        needle = text.casefold()
        hits = []
        for e in self.entities.values():
            for reason, values in (("name", [e.name]), ("identifier", list(e.properties.get("identifiers", [])))):
                match = next((v for v in values if needle in v.casefold()), None)
                if match:
                    hits.append(SearchHit(e, match, reason))
                    break
        return hits[:limit]

    def get_entity(self, entity_id: str) -> Entity:
        self._call("get_entity", entity_id)
        if entity_id not in self.entities:
            raise EntityNotFound(entity_id)
        return self.entities[entity_id]

    def _links(self, node: str, types: Sequence[RelType] | None) -> Iterator[tuple[str, Relationship]]:
        for r in sorted(self.relationships, key=lambda r: r.id):
            if types and r.type not in types:
                continue
            if r.source == node:
                yield r.target, r
            elif r.target == node:
                yield r.source, r

    def neighbourhood(
        self, entity_id: str, hops: int = 1, types: Sequence[RelType] | None = None, limit: int = 200
    ) -> Subgraph:
        self._call("neighbourhood", entity_id, hops)
        if entity_id not in self.entities:
            raise EntityNotFound(entity_id)
        depth = {entity_id: 0}
        queue = deque([entity_id])
        while queue:
            node = queue.popleft()
            if depth[node] < hops:
                for other, _ in self._links(node, types):
                    if other not in depth:
                        depth[other] = depth[node] + 1
                        queue.append(other)
        rels = tuple(r for r in self.relationships if r.source in depth and r.target in depth)
        return Subgraph(entity_id, tuple(self.entities[i] for i in depth), rels)

    def _all_simple_paths(self, a: str, b: str, max_hops: int, types: Sequence[RelType] | None) -> list[Path]:
        found: list[Path] = []

        def walk(node: str, ids: list[str], rels: list[Relationship]) -> None:
            if node == b:
                found.append(Path(tuple(self.entities[i] for i in ids), tuple(rels)))
                return
            if len(rels) == max_hops:
                return
            for other, r in self._links(node, types):
                if other not in ids:
                    walk(other, [*ids, other], [*rels, r])

        walk(a, [a], [])
        return sorted(found, key=lambda p: p.hops)

    def shortest_path(
        self, source_id: str, target_id: str, max_hops: int = 6, types: Sequence[RelType] | None = None
    ) -> Path | None:
        self._call("shortest_path", source_id, target_id, max_hops, tuple(types or ()))
        for entity_id in (source_id, target_id):
            if entity_id not in self.entities:
                raise EntityNotFound(entity_id)
        found = self._all_simple_paths(source_id, target_id, max_hops, types)
        return found[0] if found else None


class SeveralReader(FakeReader):
    """A store with ``shortest_paths`` (k shortest simple paths)."""

    def shortest_paths(
        self, source_id: str, target_id: str, k: int = 3, max_hops: int = 6, types: Sequence[RelType] | None = None
    ) -> list[Path]:
        self._call("shortest_paths", source_id, target_id, k, max_hops, tuple(types or ()))
        return self._all_simple_paths(source_id, target_id, max_hops, types)[:k]


def ent(entity_id: str, kind: NodeKind, name: str, sanctioned: bool = False, **props: Any) -> Entity:
    return Entity(entity_id, kind, name, sanctioned, {"id": entity_id, "name": name, "sanctioned": sanctioned, **props})


def rel(rel_id: str, rel_type: RelType, source: str, target: str, **props: Any) -> Relationship:
    return Relationship(rel_id, rel_type, source, target, {"id": rel_id, **props})


DESIGNATION = Designation("Fictional authority", ("DEMO-DPRK",), "2023-09-12", "https://example.org/d/1", "rec-1")
ENTITIES = (
    ent(
        "p-ri",
        NodeKind.PERSON,
        "RI Chol Man",
        sanctioned=True,
        identifiers=["Passport: 836410021 (Korea, North) — fictional"],
        programs=["DEMO-DPRK"],
        designations=[DESIGNATION.to_json()],
        datasets=["demo_fictional"],
        source_ids=["demo_fictional:p-ri"],
        countries=["KP"],
        birth_date="1971-04-02",
        gender="Male",
        search_names=["ri chol man"],
        search_text="ri chol man",
    ),
    ent("p-decoy", NodeKind.PERSON, "RI Chol Mann", countries=["kr"]),
    ent("p-wife", NodeKind.PERSON, "RI Sun Hui"),
    ent("o-bureau", NodeKind.ORGANIZATION, "Bureau 999", sanctioned=True, datasets=["demo_fictional"]),
    ent(
        "c-front",
        NodeKind.COMPANY,
        "Pyongsan Tech Solutions Ltd",
        front=True,
        identifiers=["Registration Number: 91210600-FAKE-001"],
    ),
    ent("c-trading", NodeKind.COMPANY, "Golden Maple Trading Co", datasets=["demo_fictional"]),
    ent("c-sunrise", NodeKind.COMPANY, "Sunrise Digital Services LLC", front=True),
    ent("p-worker", NodeKind.PERSON, "Alex Kim"),
    ent("w-1", NodeKind.WALLET, "0x1111111111111111111111111111111111111111", currencies=["ETH", "USDT"]),
    ent("w-2", NodeKind.WALLET, "0x2222222222222222222222222222222222222222"),
    ent("a-dandong", NodeKind.ADDRESS, "Room 1201, 88 Example Road, Dandong", city="Dandong", countries=["cn"]),
    ent("v-ship", NodeKind.VESSEL, "=CHON MA SAN", imo="8660313", flag="kp", identifiers=["IMO: 8660313"]),
    ent("x-plane", NodeKind.AIRCRAFT, "P-632"),
    ent("l-officer", NodeKind.LEGAL_ENTITY, "Someone Offshore"),
    ent("p-alone", NodeKind.PERSON, "Nobody Connected"),
)
RELATIONSHIPS = (
    rel("r-member", RelType.MEMBER_OF, "p-ri", "o-bureau", role="Officer", datasets=["demo_fictional"]),
    rel("r-linked", RelType.LINKED_TO, "c-sunrise", "o-bureau", role="Revenue channel", datasets=["demo_fictional"]),
    rel(
        "r-directs",
        RelType.DIRECTS,
        "p-ri",
        "c-front",
        role="General director",
        start_date="2019-05-01",
        source_ids=["demo_fictional:r-directs"],
    ),
    rel("r-owns", RelType.OWNS, "c-front", "c-trading", percentage=60, start_date="2020-02-14"),
    rel("r-family", RelType.FAMILY_OF, "p-ri", "p-wife", role="spouse"),
    rel("r-employs", RelType.EMPLOYS, "c-front", "p-worker", role="Remote developer"),
    rel("r-associate", RelType.ASSOCIATE_OF, "p-worker", "p-decoy"),
    rel("r-paid", RelType.PAID, "c-trading", "w-1", amount=15000, currency="USDT", date="2023-04-03"),
    rel(
        "r-transfer",
        RelType.TRANSFERRED,
        "w-1",
        "w-2",
        amount=14.2,
        asset="eth",
        value_usd=26300,
        timestamp="2023-04-04T10:12:00Z",
        tx_hash="0xa1a1",
    ),
    rel("r-holds", RelType.HOLDS, "p-worker", "w-1"),
    rel("r-located", RelType.LOCATED_AT, "c-trading", "a-dandong"),
    rel("r-located-2", RelType.LOCATED_AT, "c-sunrise", "a-dandong"),
    rel("r-same", RelType.SAME_AS, "p-decoy", "p-ri", score=0.62, status="rejected"),
    rel("r-ship", RelType.OWNS, "c-trading", "v-ship", percentage=100.0),
    rel("r-plane", RelType.LINKED_TO, "l-officer", "x-plane"),
    rel("r-officer", RelType.DIRECTS, "l-officer", "c-trading"),
)


@pytest.fixture
def store() -> SeveralReader:
    return SeveralReader(ENTITIES, RELATIONSHIPS)


@pytest.fixture
def view() -> GraphView:
    return GraphView("Case: RI Chol Man → everything", ENTITIES, RELATIONSHIPS)


def text(component: Any) -> str:
    return _text(component, sep="")


# --- walking a Dash component tree --------------------------------------------------------------------------------


def of_class(component: Any, class_name: str) -> list[Any]:
    return [c for c in walk(component) if class_name in str(getattr(c, "className", "") or "").split()]


# --- the files the download buttons send (written by graph.exports, with the dashboard's edge labels) -------------


def csv_zip(view: GraphView) -> bytes:
    return export_file(view, "csv").content


def graphml(view: GraphView) -> str:
    return export_file(view, "graphml").content.decode()


def ftm_jsonl(view: GraphView) -> str:
    return export_file(view, "ftm").content.decode()


def ftm_entities(view: GraphView) -> list[dict[str, Any]]:
    return [json.loads(line) for line in ftm_jsonl(view).splitlines()]


# --- exporters: the view as JSON and back -------------------------------------------------------------------------


def test_a_view_survives_its_trip_through_a_dcc_store(view: GraphView) -> None:
    payload = json.loads(json.dumps(view_to_payload(view)))
    back = view_from_payload(payload)
    assert back.title == view.title
    assert [e.id for e in back.entities] == [e.id for e in view.entities]
    assert back.relationships == view.relationships
    ri = back.entities[0]
    assert ri.designations == [DESIGNATION] and ri.sanctioned and ri.kind is NodeKind.PERSON
    assert "search_names" not in ri.properties and "search_text" not in ri.properties  # the store's bookkeeping


@pytest.mark.parametrize("payload", [None, {"entities": [{"id": "x"}]}, {"relationships": [{"type": "NOPE"}]}])
def test_a_broken_payload_is_refused(payload: Any) -> None:
    with pytest.raises(ValueError):
        view_from_payload(payload)


def test_file_names_are_safe() -> None:
    assert file_stem("paths RI Chol Man to Bureau 999") == "paths-ri-chol-man-to-bureau-999"
    assert file_stem("Ünïcödé / ../etc") == "unicode-etc"
    assert file_stem("→→") == "graph"


# --- CSV ----------------------------------------------------------------------------------------------------------


def _read_zip(data: bytes) -> tuple[list[dict[str, str]], list[dict[str, str]], list[str], list[str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert sorted(z.namelist()) == ["edges.csv", "nodes.csv"]
        raw_nodes, raw_edges = z.read("nodes.csv"), z.read("edges.csv")
    assert raw_nodes.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: spreadsheets read accents right
    node_text, edge_text = raw_nodes.decode("utf-8-sig"), raw_edges.decode("utf-8-sig")
    node_header = next(csv.reader(io.StringIO(node_text)))
    edge_header = next(csv.reader(io.StringIO(edge_text)))
    return (
        list(csv.DictReader(io.StringIO(node_text))),
        list(csv.DictReader(io.StringIO(edge_text))),
        node_header,
        edge_header,
    )


def test_csv_zip_has_one_row_per_entity_and_relationship_with_fixed_columns(view: GraphView) -> None:
    nodes, edges, node_header, edge_header = _read_zip(csv_zip(view))
    assert node_header == list(NODE_COLUMNS)
    assert edge_header == list(EDGE_COLUMNS)
    assert node_header[:5] == ["id", "name", "kind", "sanctioned", "front"]
    assert edge_header[:7] == ["id", "type", "source", "source_name", "target", "target_name", "label"]
    assert {"percentage", "role", "amount", "currency", "tx_hash", "datasets", "source_ids"} <= set(edge_header)
    assert [n["id"] for n in nodes] == [e.id for e in ENTITIES]
    assert [e["id"] for e in edges] == [r.id for r in RELATIONSHIPS]

    ri = nodes[0]
    assert (ri["name"], ri["kind"], ri["sanctioned"], ri["front"]) == ("RI Chol Man", "Person", "true", "false")
    assert ri["designations"] == "Fictional authority: DEMO-DPRK, since 2023-09-12 (https://example.org/d/1)"
    assert ri["identifiers"] == "Passport: 836410021 (Korea, North) — fictional"
    assert ri["datasets"] == "demo_fictional" and ri["countries"] == "KP"
    assert json.loads(ri["other_properties"]) == {"gender": "Male"}  # nothing is lost, bookkeeping is left out
    assert next(n for n in nodes if n["id"] == "c-front")["front"] == "true"

    owns = next(e for e in edges if e["id"] == "r-owns")
    assert (owns["source_name"], owns["target_name"], owns["percentage"], owns["label"]) == (
        "Pyongsan Tech Solutions Ltd",
        "Golden Maple Trading Co",
        "60",
        "owns 60%",
    )
    transfer = next(e for e in edges if e["id"] == "r-transfer")
    assert (transfer["amount"], transfer["asset"], transfer["value_usd"]) == ("14.2", "eth", "26300")
    assert next(e for e in edges if e["id"] == "r-directs")["source_ids"] == "demo_fictional:r-directs"


def test_csv_leaves_out_relationships_to_entities_not_in_the_view() -> None:
    view = GraphView("part", ENTITIES[:2], RELATIONSHIPS)
    _, edges, _, _ = _read_zip(csv_zip(view))
    assert [e["id"] for e in edges] == ["r-same"]  # the only one with both ends among p-ri and p-decoy


def test_csv_text_cannot_run_as_a_spreadsheet_formula(view: GraphView) -> None:
    nodes, _, _, _ = _read_zip(csv_zip(view))
    assert next(n for n in nodes if n["id"] == "v-ship")["name"] == "'=CHON MA SAN"


# --- GraphML ------------------------------------------------------------------------------------------------------

G = "{http://graphml.graphdrawing.org/xmlns}"


def test_graphml_parses_and_has_every_node_and_edge_with_declared_keys(view: GraphView) -> None:
    document = graphml(view)
    root = ET.fromstring(document.encode())
    assert root.tag == f"{G}graphml"
    keys = {k.get("id"): k for k in root.findall(f"{G}key")}
    graph = root.find(f"{G}graph")
    assert graph is not None and graph.get("edgedefault") == "directed"
    nodes = {n.get("id"): n for n in graph.findall(f"{G}node")}
    edges = {e.get("id"): e for e in graph.findall(f"{G}edge")}
    assert list(nodes) == [e.id for e in ENTITIES]
    assert {i: (e.get("source"), e.get("target")) for i, e in edges.items()} == {
        r.id: (r.source, r.target) for r in RELATIONSHIPS
    }

    def data(element: ET.Element, domain: str) -> dict[str, tuple[str, str | None]]:
        out = {}
        for d in element.findall(f"{G}data"):
            key = keys[d.get("key")]  # every data element refers to a declared key of its domain
            assert key.get("for") == domain
            out[str(key.get("attr.name"))] = (str(key.get("attr.type")), d.text)
        return out

    ri = data(nodes["p-ri"], "node")
    assert ri["label"] == ("string", "RI Chol Man")
    assert ri["sanctioned"] == ("boolean", "true") and ri["front"] == ("boolean", "false")
    assert ri["designations"][1] == "Fictional authority: DEMO-DPRK, since 2023-09-12 (https://example.org/d/1)"
    assert ri["programs"] == ("string", "DEMO-DPRK")
    assert "search_text" not in ri
    owns = data(edges["r-owns"], "edge")
    assert owns["type"] == ("string", "OWNS")
    assert owns["percentage"] == ("double", "60.0")  # 60 here and 100.0 on another OWNS: one numeric key
    assert data(edges["r-transfer"], "edge")["tx_hash"] == ("string", "0xa1a1")
    names = [k.get("attr.name") for k in keys.values() if k.get("for") == "node"]
    assert len(names) == len(set(names))


def test_graphml_drops_characters_xml_cannot_hold() -> None:
    view = GraphView("x", (ent("a", NodeKind.PERSON, "Bad\x00Name\x1f <&>"),), ())
    root = ET.fromstring(graphml(view).encode())
    values = [d.text for d in root.iter(f"{G}data")]
    assert "BadName <&>" in values


# --- FollowTheMoney -----------------------------------------------------------------------------------------------
# The properties each schema has in followthemoney 3.x (followthemoney/schema/*.yaml, inherited ones included).
_THING = {"name", "summary", "description", "country", "alias", "previousName", "weakAlias", "sourceUrl", "keywords"}
_THING |= {"topics", "address", "addressEntity", "program", "programId", "notes", "wikidataId"}
_LEGAL = _THING | {"email", "phone", "website", "legalForm", "incorporationDate", "dissolutionDate", "status"}
_LEGAL |= {"registrationNumber", "idNumber", "taxNumber", "jurisdiction", "mainCountry", "swiftBic", "leiCode"}
_VALUE = {"amount", "currency", "amountUsd", "amountEur"}
_INTERVAL = {"startDate", "endDate", "date", "summary", "description", "recordId", "sourceUrl"}
_INTEREST = _INTERVAL | {"role", "status"}
_VEHICLE = _THING | _VALUE | {"registrationNumber", "type", "model", "owner", "operator", "buildDate"}
FTM_PROPERTIES: dict[str, set[str]] = {
    "Person": _LEGAL | {"title", "birthDate", "birthPlace", "nationality", "passportNumber", "gender", "position"},
    "Organization": _LEGAL | {"imoNumber", "permId", "cageCode"},
    "Company": _LEGAL | _VALUE | {"imoNumber", "permId", "capital", "registrationNumber", "jurisdiction"},
    "LegalEntity": _LEGAL,
    "CryptoWallet": _THING | _VALUE | {"publicKey", "currencySymbol", "holder", "balance", "creationDate"},
    "Address": _THING | {"full", "street", "city", "postalCode", "region", "state", "remarks"},
    "Vessel": _VEHICLE | {"imoNumber", "flag", "tonnage", "callSign", "mmsi", "grossRegisteredTonnage"},
    "Airplane": _VEHICLE | {"serialNumber", "icaoCode", "manufacturer"},
    "Sanction": _INTERVAL | {"entity", "authority", "authorityId", "program", "programId", "reason", "listingDate"},
    "Ownership": _INTEREST | {"owner", "asset", "percentage", "sharesCount"},
    "Directorship": _INTEREST | {"director", "organization", "secretary"},
    "Employment": _INTEREST | {"employer", "employee"},
    "Membership": _INTEREST | {"member", "organization"},
    "Family": _INTERVAL | {"person", "relative", "relationship"},
    "Associate": _INTERVAL | {"person", "associate", "relationship"},
    "UnknownLink": _INTEREST | {"subject", "object"},
    "Payment": _INTERVAL | _VALUE | {"payer", "beneficiary", "purpose", "transactionNumber", "sequenceNumber"},
    "Similar": {"candidate", "match", "confidenceScore", "criteria", "matcher"},
}
#: Properties that hold the id of another entity, per schema, and the ones FtM requires.
FTM_REFERENCES = {"holder", "addressEntity", "entity", "owner", "asset", "director", "organization", "employer"}
FTM_REFERENCES |= {"employee", "member", "person", "relative", "associate", "subject", "object", "payer"}
FTM_REFERENCES |= {"beneficiary", "candidate", "match"}
FTM_REQUIRED = {
    "Ownership": {"owner", "asset"},
    "Directorship": {"director", "organization"},
    "Employment": {"employer", "employee"},
    "Membership": {"member", "organization"},
    "Family": {"person", "relative"},
    "Associate": {"person", "associate"},
    "UnknownLink": {"subject", "object"},
    "Payment": {"payer", "beneficiary"},
    "Sanction": {"entity"},
}


def test_ftm_lines_follow_the_followthemoney_schemata(view: GraphView) -> None:
    lines = ftm_jsonl(view).splitlines()
    entities = [json.loads(line) for line in lines]
    ids = [e["id"] for e in entities]
    assert len(ids) == len(set(ids))
    for e in entities:
        schema, props = e["schema"], e["properties"]
        assert set(props) <= FTM_PROPERTIES[schema], (schema, set(props) - FTM_PROPERTIES[schema])
        assert all(isinstance(v, list) and v and all(isinstance(x, str) and x for x in v) for v in props.values())
        assert FTM_REQUIRED.get(schema, set()) <= set(props), e
        if schema in FTM_SCHEMA.values():
            assert props["name"], e
        for prop in FTM_REFERENCES & set(props):
            assert set(props[prop]) <= set(ids), (e["id"], prop)  # no dangling reference
    # every schema but Similar: SAME_AS candidates are resolver judgements outside the entity stream (see
    # test_ftm_maps_kinds_relationships_and_designations and docs/ftm-mapping.md)
    assert {e["schema"] for e in entities} == set(FTM_PROPERTIES) - {"Similar"}


def test_ftm_maps_kinds_relationships_and_designations(view: GraphView) -> None:
    by_id = {e["id"]: e for e in ftm_entities(view)}
    ri = by_id["p-ri"]
    assert ri["schema"] == "Person"
    assert ri["properties"]["passportNumber"] == ["836410021"]
    assert ri["properties"]["country"] == ["kp"] and ri["properties"]["gender"] == ["male"]
    assert ri["properties"]["birthDate"] == ["1971-04-02"] and ri["properties"]["program"] == ["DEMO-DPRK"]
    assert "sanction" in ri["properties"]["topics"]
    assert ri["target"] is True and ri["datasets"] == ["demo_fictional"]
    # referents are FtM entity ids: 'demo_fictional:p-ri' (a colon) is none, so it is left out (it was written as
    # is); a source id that is an FtM id is a referent (tests/unit/test_exports_ftm.py)
    assert "referents" not in ri and ri["caption"] == "RI Chol Man"
    assert by_id["c-front"]["properties"]["topics"] == ["corp.shell"]
    assert by_id["c-front"]["properties"]["registrationNumber"] == ["91210600-FAKE-001"]
    assert by_id["v-ship"]["schema"] == "Vessel" and by_id["v-ship"]["properties"]["imoNumber"] == ["IMO8660313"]
    assert by_id["x-plane"]["schema"] == "Airplane" and by_id["l-officer"]["schema"] == "LegalEntity"

    sanction = next(e for e in by_id.values() if e["schema"] == "Sanction")
    assert sanction["properties"] == {
        "entity": ["p-ri"],
        "authority": ["Fictional authority"],
        "program": ["DEMO-DPRK"],
        "startDate": ["2023-09-12"],
        "sourceUrl": ["https://example.org/d/1"],
        "recordId": ["rec-1"],
    }
    assert by_id["r-owns"]["schema"] == "Ownership"
    assert by_id["r-owns"]["properties"] == {
        "owner": ["c-front"],
        "asset": ["c-trading"],
        "percentage": ["60"],
        "startDate": ["2020-02-14"],
    }
    assert by_id["r-employs"]["properties"]["employer"] == ["c-front"]
    assert by_id["r-employs"]["properties"]["employee"] == ["p-worker"]
    assert by_id["r-family"]["properties"]["relationship"] == ["spouse"]
    assert by_id["r-directs"]["properties"]["recordId"] == ["demo_fictional:r-directs"]
    assert by_id["r-paid"]["properties"]["amount"] == ["15000"] and by_id["r-paid"]["properties"]["currency"] == [
        "USDT"
    ]
    transfer = by_id["r-transfer"]
    assert transfer["schema"] == "Payment"
    assert transfer["properties"]["currency"] == ["ETH"] and transfer["properties"]["amountUsd"] == ["26300"]
    assert transfer["properties"]["date"] == ["2023-04-04T10:12:00"] and transfer["properties"]["transactionNumber"]
    # SAME_AS is no FtM entity (it was a `Similar`): its status travels as a resolver judgement instead
    assert "r-same" not in by_id
    [same] = judgements(view.relationships)
    assert (same["target"], same["source"], same["judgement"], same["score"]) == ("p-ri", "p-decoy", "negative", 0.62)
    # HOLDS and LOCATED_AT are properties of the wallet and of the located entity, not edge entities
    assert "r-holds" not in by_id and "r-located" not in by_id
    assert by_id["w-1"]["properties"]["holder"] == ["p-worker"]
    assert by_id["w-1"]["properties"]["publicKey"] == ["0x1111111111111111111111111111111111111111"]
    assert by_id["w-1"]["properties"]["currencySymbol"] == ["ETH", "USDT"]
    assert by_id["c-trading"]["properties"]["addressEntity"] == ["a-dandong"]
    assert by_id["a-dandong"]["properties"]["city"] == ["Dandong"]


@pytest.mark.parametrize(
    ("schema", "identifier", "expected"),
    [
        ("Person", "Passport: 109420132 (Korea, North) issued 16 Oct 2019", ("passportNumber", "109420132")),
        ("Company", "Passport: 1", ("idNumber", "1")),
        ("Company", "Website: http://example.com", ("website", "http://example.com")),
        ("Vessel", "IMO: 8660313", ("imoNumber", "IMO8660313")),
        ("CryptoWallet", "Whatever: 1", None),
        ("Person", "Digital Currency Address - ETH: 0xabc", None),
    ],
)
def test_identifiers_go_to_their_ftm_property(schema: str, identifier: str, expected: Any) -> None:
    assert identifier_property(schema, identifier) == expected


def test_ftm_output_validates_with_followthemoney_when_installed(view: GraphView) -> None:
    followthemoney = pytest.importorskip("followthemoney")
    for data in ftm_entities(view):
        proxy = followthemoney.model.get_proxy(data, cleaned=False)
        assert proxy.schema.name == data["schema"]
        for prop, values in data["properties"].items():
            assert sorted(proxy.get(prop)) == sorted(values), (data["id"], prop)  # already clean: nothing changes


@pytest.mark.parametrize(("center", "hops"), [("p-ri", 1), ("c-trading", 2), ("w-1", 3)])
def test_the_dashboard_and_the_cli_write_the_same_ftm_for_the_same_subgraph(
    store: SeveralReader, center: str, hops: int
) -> None:
    sub = store.neighbourhood(center, hops=hops)
    # the CLI: `export ftm --entity CENTER --hops HOPS` writes export_subgraph(...) with write_ftm
    cli_out = io.StringIO()
    assert write_ftm(export_subgraph(sub, ExportStats()), cli_out) > 0
    # the dashboard: the view on screen goes to the browser and back, then the FtM button's callback sends it
    payload = json.loads(json.dumps(view_to_payload(GraphView("around", sub.entities, sub.relationships))))
    sent = export_controls.download_data("ftm", payload)
    assert base64.b64decode(sent["content"]).decode() == cli_out.getvalue()


def test_export_files_are_named_after_the_view(view: GraphView) -> None:
    stem = "case-ri-chol-man-everything"
    assert [(f.filename, f.mime) for f in (export_file(view, fmt) for fmt in ("csv", "graphml", "ftm"))] == [
        (f"{stem}.csv.zip", "application/zip"),
        (f"{stem}.graphml", "application/graphml+xml"),
        (f"{stem}.ftm.jsonl", "application/x-ndjson"),
    ]
    with pytest.raises(ValueError):
        export_file(view, "pdf")


def test_the_svg_drawing_is_valid_xml_with_every_entity() -> None:
    sub = Subgraph("p-ri", ENTITIES[:4], RELATIONSHIPS[:2])
    positions = {e.id: (float(i * 100), float(i % 2 * 50)) for i, e in enumerate(sub.entities)}
    svg = view_svg(GraphView("drawing", sub.entities, sub.relationships), positions, highlight={"p-ri"})
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"RI Chol Man", "RI Chol Mann", "RI Sun Hui", "Bureau 999", "member of"} <= set(labels)
    assert "linked to" not in labels  # its other end is not in the view


# --- export controls ----------------------------------------------------------------------------------------------


def test_export_controls_carry_the_view_and_name_their_buttons(view: GraphView) -> None:
    controls = export_controls.export_controls("g", view)
    ids = {getattr(c, "id", None) for c in walk(controls)}
    assert {"g-export-png", "g-export-svg", "g-export-csv", "g-export-graphml", "g-export-ftm"} <= ids
    carried = view_from_payload(find(controls, "g-export-data").data)
    assert carried.entities == tuple(without_internal(e) for e in view.entities)
    assert carried.relationships == view.relationships
    assert find(export_controls.export_controls("g"), "g-export-data").data is None


def test_picture_buttons_ask_the_graph_for_an_image() -> None:
    payload = {"title": "paths RI Chol Man to Bureau 999"}
    png = export_controls.image_request("png", payload)
    assert png["type"] == "png" and png["action"] == "download"
    assert png["filename"] == "paths-ri-chol-man-to-bureau-999" and png["options"]["full"] is True
    assert export_controls.image_request("svg", None)["type"] == "svg"
    with pytest.raises(dash_exceptions.PreventUpdate):
        export_controls.image_request("gif", payload)


def test_file_buttons_send_the_file(view: GraphView) -> None:
    sent = export_controls.download_data("graphml", view_to_payload(view))
    assert sent["filename"] == "case-ri-chol-man-everything.graphml" and sent["base64"] is True
    assert base64.b64decode(sent["content"]).decode() == graphml(view)
    with pytest.raises(dash_exceptions.PreventUpdate):
        export_controls.download_data("csv", None)  # nothing on screen yet


# --- paths page: the query string ---------------------------------------------------------------------------------


def test_paths_query_defaults_and_corrections() -> None:
    assert paths_page.parse_query({}) == paths_page.PathQuery()
    q = paths_page.parse_query({"from": "p-ri", "to": "c-sunrise", "k": "2", "max_hops": "4", "types": "owns,DIRECTS"})
    assert (q.source, q.target, q.k, q.max_hops, q.types, q.notes) == (
        "p-ri",
        "c-sunrise",
        2,
        4,
        (RelType.OWNS, RelType.DIRECTS),
        (),
    )
    bad = paths_page.parse_query({"k": "99", "max_hops": "x", "types": "OWNS,BRIBES"})
    assert (bad.k, bad.max_hops, bad.types) == (paths_page.MAX_K, 6, (RelType.OWNS,))
    assert bad.notes == (
        "The number of paths must be from 1 to 5; using 5.",
        "The number of hops must be a number from 1 to 6; using 6.",
        "There is no relationship kind 'BRIBES'; it was left out.",
    )
    every = ",".join(t.value for t in RelType)
    assert paths_page.parse_query({"types": every}).types is None  # every kind is no filter


def test_find_paths_writes_the_choices_to_the_url() -> None:
    every = [t.value for t in RelType]
    assert paths_page.submit(1, "p-ri", "c-sunrise", 3, 6, every) == "?from=p-ri&to=c-sunrise&k=3&max_hops=6"
    assert paths_page.submit(1, "a b", None, 2, 5, ["DIRECTS", "OWNS"]) == "?from=a+b&k=2&max_hops=5&types=OWNS,DIRECTS"
    with pytest.raises(dash_exceptions.PreventUpdate):
        paths_page.submit(0, "p-ri", "c-sunrise", 3, 6, every)
    query = paths_page.parse_query({"from": "a b", "k": "2", "max_hops": "5", "types": "OWNS,DIRECTS"})
    assert query.source == "a b" and query.types == (RelType.OWNS, RelType.DIRECTS)


# --- paths page: the store ----------------------------------------------------------------------------------------


def test_find_paths_uses_shortest_paths_when_the_store_has_it(store: SeveralReader) -> None:
    found = paths_page.find_paths(store, "p-ri", "c-sunrise", 2, 6, None)
    assert store.calls == [("shortest_paths", "p-ri", "c-sunrise", 2, 6, ())]
    assert [p.hops for p in found] == [2, 4]


def test_find_paths_falls_back_to_one_shortest_path() -> None:
    store = FakeReader(ENTITIES, RELATIONSHIPS)
    found = paths_page.find_paths(store, "p-ri", "c-sunrise", 3, 6, [RelType.MEMBER_OF, RelType.LINKED_TO])
    assert store.calls == [("shortest_path", "p-ri", "c-sunrise", 6, (RelType.MEMBER_OF, RelType.LINKED_TO))]
    assert [[e.id for e in p.entities] for p in found] == [["p-ri", "o-bureau", "c-sunrise"]]
    assert paths_page.find_paths(store, "p-ri", "p-alone", 3, 6, None) == []


# --- paths page: what it shows ------------------------------------------------------------------------------------


def test_a_two_hop_path_is_listed_hop_by_hop_with_its_evidence(store: SeveralReader) -> None:
    page = paths_page.render_paths(store, {"from": "p-ri", "to": "c-sunrise", "k": "3"})
    assert store.calls[:2] == [("get_entity", "p-ri"), ("get_entity", "c-sunrise")]
    assert store.calls[2][0] == "shortest_paths" and len(store.calls) == 3
    assert text(find(page, "paths-summary")) == (
        "Found 3 paths between RI Chol Man and Sunrise Digital Services LLC; the shortest has 2 hops."
    )
    first = of_class(find(page, "paths-list"), "path")[0]
    assert text(first.children[0]) == "Path 1 · 2 hops"
    hops = of_class(first, "hop")
    assert [h.title for h in hops] == [
        "RI Chol Man —member of→ Bureau 999",
        "Bureau 999 ←linked to— Sunrise Digital Services LLC",  # walked against the relationship's direction
    ]
    assert text(of_class(hops[0], "hop-evidence")[0]) == "Role: Officer · Sources: demo_fictional"
    links = [c.href for c in walk(hops[0]) if getattr(c, "href", None)]
    assert links == ["/entity/p-ri", "/entity/o-bureau"]
    graph = find(page, paths_page.GRAPH_ID)
    node_ids = {e["data"]["id"] for e in graph.elements if "source" not in e["data"]}
    assert {"p-ri", "o-bureau", "c-sunrise"} <= node_ids
    ends = [e for e in graph.elements if "center" in e.get("classes", "").split()]
    assert sorted(e["data"]["id"] for e in ends) == ["c-sunrise", "p-ri"]
    assert graph.layout["name"] == "preset"
    assert find(page, "paths-graph-block").style is None
    exported = view_from_payload(find(page, "paths-graph-export-data").data)
    assert {e.id for e in exported.entities} == node_ids
    assert find(page, "paths-from").value == "p-ri" and find(page, "paths-to").value == "c-sunrise"
    assert find(page, "paths-from").options[0]["label"] == "RI Chol Man · Person · SANCTIONED"


def test_evidence_shows_percentages_dates_amounts_and_source_records() -> None:
    by_id = {r.id: r for r in RELATIONSHIPS}
    assert path_display.hop_evidence(by_id["r-owns"]) == ["Percentage: 60%", "Since: 2020-02-14"]
    assert path_display.hop_evidence(by_id["r-directs"]) == [
        "Role: General director",
        "Since: 2019-05-01",
        "Source records: demo_fictional:r-directs",
    ]
    assert path_display.hop_evidence(by_id["r-paid"]) == ["Amount: 15,000 USDT", "Date: 2023-04-03"]
    assert path_display.hop_evidence(by_id["r-transfer"])[:2] == ["Amount: 14.2 eth", "Value: $26,300"]


def test_no_path_is_said_plainly(store: SeveralReader) -> None:
    page = paths_page.render_paths(store, {"from": "p-ri", "to": "p-alone", "max_hops": "3"})
    assert text(find(page, "paths-summary")) == "No path within 3 hops between RI Chol Man and Nobody Connected."
    assert find(page, "paths-graph-block").style == {"display": "none"}
    assert of_class(find(page, "paths-list"), "path") == []
    filtered = paths_page.render_paths(store, {"from": "p-ri", "to": "c-sunrise", "max_hops": "1", "types": "OWNS"})
    assert text(find(filtered, "paths-summary")) == (
        "No path within 1 hop between RI Chol Man and Sunrise Digital Services LLC. "
        "Only owns relationships were followed."
    )


def test_a_store_with_one_path_at_a_time_says_so() -> None:
    store = FakeReader(ENTITIES, RELATIONSHIPS)
    page = paths_page.render_paths(store, {"from": "p-ri", "to": "c-sunrise"})
    assert "Found 1 path between" in text(page)
    assert "This graph store finds one shortest path at a time." in text(page)


def test_unknown_ends_and_failures_are_sentences_beside_the_form(store: SeveralReader) -> None:
    page = paths_page.render_paths(store, {"from": "p-ri", "to": "nope"})
    assert text(find(page, "error")).startswith("No entity with id 'nope' is in the graph.")
    assert find(page, "paths-from").value == "p-ri" and find(page, "paths-to").value is None
    store.calls.clear()
    store.fail = QueryTimeout("The query took longer than 10 seconds.")
    failed = paths_page.render_paths(store, {"from": "p-ri", "to": "c-sunrise"})
    assert text(find(failed, "error")).startswith("The query took longer than 10 seconds.")


def test_the_blank_page_asks_for_two_entities_and_reads_nothing(store: SeveralReader) -> None:
    page = paths_page.layout()  # also Dash's validation layout: every callback's component is in it
    assert "Pick two entities" in text(find(page, "paths-summary"))
    for component_id in ("paths-from", "paths-to", "paths-k", "paths-max-hops", "paths-types", "paths-find"):
        find(page, component_id)
    find(page, paths_page.GRAPH_ID)
    find(page, "paths-graph-export-csv")
    same = paths_page.render_paths(store, {"from": "p-ri", "to": "p-ri"})
    assert text(find(same, "paths-summary")) == "Pick two different entities."


def test_positions_put_the_ends_left_and_right_and_each_path_on_its_row(store: SeveralReader) -> None:
    found = store.shortest_paths("p-ri", "c-sunrise", 3)
    positions = paths_page.path_positions(found)
    assert positions["p-ri"] == (0.0, 0.0)
    assert positions["c-sunrise"][1] == 0.0 and positions["c-sunrise"][0] == max(x for x, _ in positions.values())
    assert positions["o-bureau"][1] == 0.0  # on the shortest path, the middle row
    second_row = {positions[e.id][1] for e in found[1].entities[1:-1]}
    assert second_row == {paths_page.ROW_GAP}
    assert len(set(positions.values())) == len(positions)  # no two entities on the same spot


def test_typing_in_a_picker_searches_and_keeps_the_chosen_entity(store: SeveralReader) -> None:
    chosen = [paths_page.entity_option(ENTITIES[0])]
    options = paths_page.search_options(store, " 836410 ", "p-ri", chosen)
    assert store.calls == [("search", "836410", paths_page.SEARCH_LIMIT)]
    assert [o["value"] for o in options] == ["p-ri"]
    assert "836410" in options[0]["search"]  # matched on the passport: the browser must not filter it away
    options = paths_page.search_options(store, "bureau", "p-ri", chosen)
    assert [o["value"] for o in options] == ["p-ri", "o-bureau"]
    with pytest.raises(dash_exceptions.PreventUpdate):
        paths_page.search_options(store, "b", None, [])
    store.fail = RuntimeError("boom")
    with pytest.raises(dash_exceptions.PreventUpdate):
        paths_page.search_options(store, "bureau", None, [])


# --- report page --------------------------------------------------------------------------------------------------


def test_paths_to_the_nearest_sanctioned_entities_come_from_the_neighbourhood(store: SeveralReader) -> None:
    sub = store.neighbourhood("c-trading", 2)
    found = report_page.sanctioned_paths(sub)
    assert [[e.id for e in p.entities] for p in found] == [["c-trading", "c-front", "p-ri"]]
    ri_paths = report_page.sanctioned_paths(store.neighbourhood("p-ri", 2))
    assert [p.entities[-1].id for p in ri_paths] == ["o-bureau"]  # never the centre itself
    assert report_page.sanctioned_paths(store.neighbourhood("p-alone", 2)) == []


def test_the_report_shows_designation_drawing_connections_paths_and_sources(store: SeveralReader) -> None:
    page = report_page.render_report(store, "p-ri", now=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    assert store.calls == [("neighbourhood", "p-ri", report_page.REPORT_HOPS)]
    assert text(find(page, "report-name")) == "RI Chol Man"
    assert "Prepared 2026-01-02 03:04 UTC" in text(page)
    designations = find(page, "report-designations")
    assert "Fictional authority: DEMO-DPRK, since 2023-09-12 (record rec-1)" in text(designations)
    assert [c.href for c in walk(designations) if getattr(c, "href", None)] == ["https://example.org/d/1"]
    details = text(find(page, "report-details"))
    assert "Passport: 836410021" in details and "ri chol man" not in details  # no search bookkeeping
    image = find(page, "report-graph-image")
    svg = base64.b64decode(image.src.split(",", 1)[1]).decode()
    drawn = {t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")}
    assert {"RI Chol Man", "Bureau 999", "Pyongsan Tech Solutions Ltd", "RI Sun Hui", "RI Chol Mann"} <= drawn
    connections = text(find(page, "report-connections"))
    assert "RI Chol Man directs …" in connections and "Role: General director" in connections
    sanctioned = find(page, "report-sanctioned-paths")
    assert "RI Chol Man is itself designated" in text(sanctioned)
    assert [h.title for h in of_class(sanctioned, "hop")] == ["RI Chol Man —member of→ Bureau 999"]
    sources = [
        text(li)
        for li in walk(find(page, "report-sources"))
        if getattr(li, "children", None) and type(li).__name__ == "Li"
    ]
    assert sources == [
        "Dataset: demo_fictional",
        "Source record: demo_fictional:p-ri",
        "Designation: https://example.org/d/1",
        "Source record: demo_fictional:r-directs",
    ]
    find(page, "report-print")


def test_the_report_follows_the_exposure_analysis_beyond_two_hops() -> None:
    far = ent("c-far", NodeKind.COMPANY, "Far Away Ltd", exposure_nearest="p-ri", exposure_hops=3)
    store = SeveralReader(
        (*ENTITIES, far), (*RELATIONSHIPS, rel("r-far", RelType.OWNS, "c-far", "x-plane", percentage=5))
    )
    page = report_page.render_report(store, "c-far")
    assert [c[0] for c in store.calls] == ["neighbourhood", "shortest_path"]
    sanctioned = find(page, "report-sanctioned-paths")
    assert "No sanctioned entity within 2 hops" in text(sanctioned)
    assert "Further away, the nearest sanctioned entity found by the exposure analysis:" in text(sanctioned)
    assert [h.title for h in of_class(sanctioned, "hop")] == [
        "Far Away Ltd —owns→ P-632",
        "P-632 ←linked to— Someone Offshore",
        "Someone Offshore —directs→ Golden Maple Trading Co",
        "Golden Maple Trading Co ←owns— Pyongsan Tech Solutions Ltd",
        "Pyongsan Tech Solutions Ltd ←directs— RI Chol Man",
    ]


def test_an_unknown_entity_gets_a_sentence_instead_of_a_report(store: SeveralReader) -> None:
    page = report_page.render_report(store, "nope")
    assert text(find(page, "error")).startswith("No entity with id 'nope' is in the graph.")
    find(page, "report-print")  # hidden, but there for the print callback


# --- the app --------------------------------------------------------------------------------------------------------


def route(app: Any, path: str, search: str = "") -> Any:
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:500]
    return json.loads(response.data)["response"]


def test_the_app_serves_the_paths_and_report_pages_and_their_callbacks(store: SeveralReader) -> None:
    app = create_app(store)
    client = app.server.test_client()
    assert client.get("/paths?from=p-ri").status_code == 200
    outputs = " ".join(cb["output"] for cb in client.get("/_dash-dependencies").get_json())
    for output in (
        "paths-from.options",
        "paths-to.options",
        "paths-graph.generateImage",
        "paths-graph-export-download.data",
        "report-print-status.children",
    ):
        assert output in outputs
    page = json.dumps(route(app, "/paths", "?from=p-ri&to=c-sunrise&k=1"), ensure_ascii=False)
    assert "Found 1 path between RI Chol Man and Sunrise Digital Services LLC" in page
    report = json.dumps(route(app, "/report/p-ri"), ensure_ascii=False)
    assert "report-designations" in report and "Fictional authority" in report
    assert '"/paths"' in json.dumps(client.get("/_dash-layout").get_json())  # the navigation bar links the page


def test_the_report_says_when_the_neighbourhood_was_capped(
    store: SeveralReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store.neighbourhood

    def capped(entity_id: str, hops: int = 1) -> Subgraph:
        sub = real(entity_id, hops)
        return Subgraph(sub.center, sub.entities, sub.relationships, omitted=7)

    monkeypatch.setattr(store, "neighbourhood", capped)
    sanctioned = text(find(report_page.render_report(store, "c-trading"), "report-sanctioned-paths"))
    assert "7 more entities within 2 hops were not examined" in sanctioned
