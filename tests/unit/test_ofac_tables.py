"""The OFAC SDN tables (loaders/sources/ofac_sdn/tables.toml): loaded as package data, and a bad edit is refused at
import with the file and the key."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from graph.errors import ConfigError
from graph.vocabulary import NodeKind
from loaders.sources.ofac_sdn.tables import NULL, TABLES, parse_tables

NAME = "tables.toml"


def _data() -> dict[str, Any]:
    text = resources.files("loaders.sources.ofac_sdn").joinpath("tables.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_the_shipped_tables_load() -> None:
    assert TABLES.sdn_types == {
        "individual": NodeKind.PERSON,
        "vessel": NodeKind.VESSEL,
        "aircraft": NodeKind.AIRCRAFT,
        NULL: None,
    }
    assert TABLES.identifier_labels["Passport"] == "Passport"
    assert TABLES.identifier_labels["Email Address"] == "Email"
    assert TABLES.company_identifier_labels <= set(TABLES.identifier_labels)
    assert {"LTD", "TRADING"} <= TABLES.legal_form_words
    labels = [label for label, _, _ in TABLES.label_table()]
    assert labels == sorted(labels, key=len, reverse=True)


def _fails(data: dict[str, Any], *words: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_tables(NAME, data)
    for word in (NAME, *words):
        assert word in str(err.value)


def test_an_unknown_node_kind_is_refused() -> None:
    data = copy.deepcopy(_data())
    data["sdn_types"]["vessel"] = "Ship"
    _fails(data, "[sdn_types.vessel]", "'Ship'")


def test_a_company_label_must_be_an_identifier_label() -> None:
    data = copy.deepcopy(_data())
    data["labels"]["company_identifiers"].append("Shoe Size")
    _fails(data, "[labels.company_identifiers]", "Shoe Size")


def test_a_label_listed_twice_is_refused() -> None:
    data = copy.deepcopy(_data())
    data["labels"]["note_only"].append("PASSPORT")
    _fails(data, "[labels]", "PASSPORT")


def test_an_unknown_field_handling_is_refused() -> None:
    data = copy.deepcopy(_data())
    data["labels"]["fields"]["DOB"] = "birthday"
    _fails(data, "[labels.fields]", "birthday")


def test_a_missing_table_is_refused() -> None:
    data = copy.deepcopy(_data())
    del data["company_words"]
    _fails(data, "[company_words]", "missing")
