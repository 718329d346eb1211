"""The entity page's view exports (CSV, GraphML, FtM) carry the analyst-asserted links drawn on its canvas (issue 12
state/exports), marked as analyst-asserted with who, when, which case and on what text, as the case's own export
(``case export``) gives them; links with an end outside the view are left out."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any
from xml.etree import ElementTree as ET

from dashboard.entity import actions
from dashboard.entity.asserted import asserted_data
from dashboard.entity.view_state import ViewState
from dashboard.export_controls import working_view
from dashboard.exporters import GraphView, export_file, view_from_payload, view_to_payload
from graph import assert_link, export_case, new_case
from graph.exports.ftm import validate_ftm
from graph.stores.memory_store import MemoryStore

PERSON, FRONT, TECH, FAR = "demo-ri-chol-man", "demo-sunrise-digital", "demo-pyongsan-tech", "demo-northwind-apps"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def _view(store: MemoryStore) -> tuple[GraphView, dict[str, Any]]:
    """RI Chol Man's 1-hop view with two asserted links: one between two of its entities, one to an entity outside
    it; and the case's own export."""
    case = new_case(store, "Phones", "alice")
    assert_link(store, case.id, PERSON, TECH, "same phone", "Both list +850 2 381 1234 (registry 2019).", "bob")
    assert_link(store, case.id, PERSON, FAR, "met at a fair", "photo", "bob")
    state = actions.load_view(store, PERSON, 1).state
    assert TECH in state.nodes and FAR not in state.nodes
    view = working_view(store, state.to_json(), ViewState(hops=1).to_json(), asserted_data(store))
    return view, export_case(store, case.id)


def _case_link(document: dict[str, Any], target: str) -> dict[str, Any]:
    return next(a for a in document["asserted_links"] if a["target"] == target)


def _edges_csv(view: GraphView) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(export_file(view, "csv").content)) as z:
        return list(csv.DictReader(io.StringIO(z.read("edges.csv").decode("utf-8-sig"))))


def test_the_csv_edges_carry_the_asserted_link_marked_with_who_when_and_why(store: MemoryStore) -> None:
    view, case = _view(store)
    edges = _edges_csv(view)
    asserted = [e for e in edges if e["type"] == "ASSERTED"]
    assert len(asserted) == 1 and len(edges) > 1  # the source relationships stay, the far link is left out
    row, link = asserted[0], _case_link(case, TECH)
    assert (row["id"], row["source"], row["target"]) == (f"asserted:{link['id']}", PERSON, TECH)
    assert row["label"] == "same phone (analyst)" and row["source_name"] == "RI Chol Man"
    assert json.loads(row["other_properties"]) == {
        "analyst_asserted": True,
        "author": link["author"],
        "at": link["at"],
        "case_id": link["case_id"],
        "source_text": link["source_text"],
    }
    assert all(e["type"] != "ASSERTED" for e in edges if e is not row)


def test_the_graphml_edge_carries_the_same_facts(store: MemoryStore) -> None:
    view, case = _view(store)
    root = ET.fromstring(export_file(view, "graphml").content)
    keys = {k.get("id"): k.get("attr.name") for k in root.iter(f"{GRAPHML}key")}
    edges = {}
    for edge in root.iter(f"{GRAPHML}edge"):
        edges[edge.get("id")] = {keys[d.get("key")]: d.text for d in edge.iter(f"{GRAPHML}data")}
    link = _case_link(case, TECH)
    mine = edges[f"asserted:{link['id']}"]
    assert mine["type"] == "ASSERTED" and mine["label"] == "same phone (analyst)"
    assert mine["analyst_asserted"] == "true" and mine["author"] == "bob" and mine["at"] == link["at"]
    assert mine["source_text"] == link["source_text"] and mine["case_id"] == link["case_id"]
    assert sum(1 for e in edges.values() if e.get("type") == "ASSERTED") == 1


def test_the_ftm_file_has_a_valid_unknown_link_saying_an_analyst_asserted_it(store: MemoryStore) -> None:
    view, case = _view(store)
    lines = [json.loads(line) for line in export_file(view, "ftm").content.decode().splitlines()]
    asserted = [e for e in lines if e.get("analyst_asserted")]
    assert len(asserted) == 1
    [item] = asserted
    link = _case_link(case, TECH)
    assert item["schema"] == "UnknownLink" and validate_ftm(item) == []
    props = item["properties"]
    ids = {e["id"] for e in lines}
    assert props["subject"][0] in ids and props["object"][0] in ids  # no dangling reference
    assert props["role"] == ["same phone"] and props["description"] == [link["source_text"]]
    assert "Asserted by an analyst (bob" in props["summary"][0] and link["case_id"] in props["summary"][0]
    assert props["modifiedAt"] == [link["at"].rstrip("Z")]
    assert (item["author"], item["at"], item["case_id"]) == (link["author"], link["at"], link["case_id"])


def test_a_view_payload_keeps_its_asserted_links(store: MemoryStore) -> None:
    view, _ = _view(store)
    assert len(view.asserted) == 2  # both held; each file writes those whose ends it has
    assert view_from_payload(view_to_payload(view)) == view
    # without asserted links (another page's view), the files are as before
    plain = GraphView(view.title, view.entities, view.relationships)
    assert [e["type"] for e in _edges_csv(plain)] == [e["type"] for e in _edges_csv(view) if e["type"] != "ASSERTED"]
    assert b"ASSERTED" not in export_file(plain, "graphml").content
