"""The one FtM mapping table names only schemata and properties the installed followthemoney model has."""

from __future__ import annotations

from followthemoney import model as ftm_model

from graph.ftm_mapping import (
    EDGE_SCHEMATA,
    EXPORT_EDGES,
    KIND_SCHEMATA,
    LINK_PROPS,
    PROPERTY_LINKS,
    SCHEMA_OF_KIND,
)
from graph.vocabulary import RELATIONSHIPS, NodeKind, RelType


def test_every_kind_has_one_concrete_schema() -> None:
    assert set(SCHEMA_OF_KIND) == set(NodeKind)
    for name, _kind in KIND_SCHEMATA:
        schema = ftm_model.get(name)
        assert schema is not None and not schema.abstract, name


def test_edge_schemata_ends_are_the_models() -> None:
    for name, spec in EDGE_SCHEMATA.items():
        schema = ftm_model.get(name)
        assert schema is not None and schema.edge, name
        assert (spec.source, spec.target) == (schema.edge_source, schema.edge_target), name
        for prop in [*spec.props, *spec.ignored]:
            assert schema.get(prop) is not None, f"{name}.{prop}"
        assert set(spec.props.values()) <= set(RELATIONSHIPS[spec.rel_type].properties), name


def test_export_edges_name_real_properties() -> None:
    exported = set(EXPORT_EDGES) | set(PROPERTY_LINKS) | {RelType.SAME_AS}
    assert exported == set(RelType)
    for rel_type, edge in EXPORT_EDGES.items():
        schema = ftm_model.get(edge.schema)
        assert schema is not None and schema.edge, edge.schema
        assert {edge.source, edge.target} == {schema.edge_source, schema.edge_target}, rel_type
        for prop, name in edge.props:
            assert schema.get(name) is not None, f"{edge.schema}.{name}"
            assert prop in RELATIONSHIPS[rel_type].properties, f"{rel_type}: {prop}"
    # Employment runs employee -> employer in FtM; EMPLOYS runs employer -> employee
    assert (EXPORT_EDGES[RelType.EMPLOYS].source, EXPORT_EDGES[RelType.EMPLOYS].target) == ("employer", "employee")
    assert EXPORT_EDGES[RelType.TRANSFERRED].schema == "Payment"


def test_property_links_are_the_inverse_of_link_props() -> None:
    for rel_type, link in PROPERTY_LINKS.items():
        assert LINK_PROPS[link.prop].rel_type is rel_type
        owner = SCHEMA_OF_KIND[link.target_kind] if link.on_target else "LegalEntity"
        schema = ftm_model.get(owner)
        assert schema is not None and schema.get(link.prop) is not None, link.prop
