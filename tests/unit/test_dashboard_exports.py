"""The exports of a view (CSV, GraphML, FtM, SVG), the view's trip through the browser and the export controls,
called as plain functions."""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from dash import exceptions as dash_exceptions

from dashboard import export_controls
from dashboard.exporters import GraphView, export_file, view_from_payload, view_svg, view_to_payload
from graph.exports.common import file_stem, without_internal
from graph.exports.ftm import ExportStats, export_subgraph, identifier_property, judgements, write_ftm
from graph.exports.tabular import EDGE_COLUMNS, NODE_COLUMNS
from graph.ftm_mapping import SCHEMA_OF_KIND as FTM_SCHEMA
from graph.model import Subgraph
from graph.vocabulary import NodeKind
from tests.doubles import RecordingReader
from tests.factories import ent
from tests.unit.dash_tree import find, walk
from tests.unit.dashboard_story import DESIGNATION, ENTITIES, RELATIONSHIPS


@pytest.fixture
def store() -> RecordingReader:
    return RecordingReader.of(ENTITIES, RELATIONSHIPS)


@pytest.fixture
def view() -> GraphView:
    return GraphView("Case: RI Chol Man → everything", ENTITIES, RELATIONSHIPS)


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
    store: RecordingReader, center: str, hops: int
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
