"""Entities and relationships as GraphML (yEd, Gephi, Cytoscape desktop, networkx): a directed graph with one
declared key per property and domain, typed boolean/long/double/string by the values it holds."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from graph.exports.common import (
    ASSERTED_ID_PREFIX,
    ASSERTED_TYPE,
    INTERNAL,
    EdgeLabel,
    asserted_facts,
    asserted_label,
    caption_label,
    designation_text,
    joined,
    shown_asserted,
    shown_relationships,
)
from graph.exports.common import values as _values
from graph.model import Entity, Relationship
from graph.vocabulary import Prop

if TYPE_CHECKING:
    from graph.cases.model import AssertedLink

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """The text without the characters XML 1.0 cannot hold."""
    return _XML_INVALID.sub("", value)


def _graphml_type(found: Iterable[Any]) -> str:
    kinds = set()
    for v in found:
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
    return xml_text(joined(value))


def node_attributes(e: Entity) -> dict[str, Any]:
    """An entity's GraphML attributes: label, kind, marks, designations, then its other properties."""
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
    skip |= {Prop.DESIGNATIONS.value, *INTERNAL}
    for k, v in e.properties.items():
        if k not in skip and _values(v):
            attrs[k] = v if not isinstance(v, list | tuple) else joined(v)
    return attrs


def edge_attributes(r: Relationship, label: EdgeLabel = caption_label) -> dict[str, Any]:
    """A relationship's GraphML attributes: type, label, then its properties."""
    attrs: dict[str, Any] = {"type": r.type.value, "label": label(r)}
    for k, v in r.properties.items():
        if k != Prop.ID.value and _values(v):
            attrs[k] = v if not isinstance(v, list | tuple) else joined(v)
    return attrs


def graphml(
    entities: Sequence[Entity],
    relationships: Iterable[Relationship],
    graph_id: str = "graph",
    label: EdgeLabel = caption_label,
    asserted: Iterable[AssertedLink] = (),
) -> str:
    """The entities and the relationships between them as a GraphML document; ``asserted``: analyst-asserted links
    between them too, as edges of type ``ASSERTED`` with who asserted them, when, in which case and on what text
    (``asserted_facts``)."""
    ET.register_namespace("", GRAPHML_NS)
    nodes = [(e.id, node_attributes(e)) for e in entities]
    edges = [
        (r.id, r.source, r.target, edge_attributes(r, label)) for r in shown_relationships(entities, relationships)
    ]
    edges += [
        (
            ASSERTED_ID_PREFIX + a.id,
            a.source,
            a.target,
            {"type": ASSERTED_TYPE, "label": asserted_label(a), **asserted_facts(a)},
        )
        for a in shown_asserted(entities, asserted)
    ]
    root = ET.Element(
        f"{{{GRAPHML_NS}}}graphml",
        {f"{{{_XSI}}}schemaLocation": f"{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd"},
    )
    key_ids: dict[tuple[str, str], tuple[str, str]] = {}
    for domain, prefix, attr_maps in (("node", "n", [a for _, a in nodes]), ("edge", "e", [e[3] for e in edges])):
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
    graph = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": graph_id, "edgedefault": "directed"})

    def add_data(parent: ET.Element, domain: str, attrs: Mapping[str, Any]) -> None:
        for name, value in attrs.items():
            key_id, attr_type = key_ids[(domain, name)]
            ET.SubElement(parent, f"{{{GRAPHML_NS}}}data", {"key": key_id}).text = _graphml_value(value, attr_type)

    for node_id, attrs in nodes:
        add_data(ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", {"id": xml_text(node_id)}), "node", attrs)
    for edge_id, source, target, attrs in edges:
        element = ET.SubElement(
            graph,
            f"{{{GRAPHML_NS}}}edge",
            {"id": xml_text(edge_id), "source": xml_text(source), "target": xml_text(target)},
        )
        add_data(element, "edge", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
