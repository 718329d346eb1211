"""loaders.registry: one entry per `load NAME`, each building its source (its module imported only then) and a dry
run of it over the fixtures reading records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from loaders.framework import run_load
from loaders.registry import SOURCES, demo_sources
from sanctions_graph import demo

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

#: name -> (options, paths) for a dry run over the fixtures
CASES: dict[str, tuple[dict[str, Any], list[Path]]] = {
    "ofac-sdn": ({}, [FIXTURES / "ofac"]),
    "jsonl": ({"dataset": "scenario"}, [demo.scenario_file()]),
    "ftm": ({"dataset": None}, [FIXTURES / "ftm" / "network.ftm.json"]),
    "icij": ({}, [FIXTURES / "icij" / "release"]),
    "transfers": ({"mapping": "tracer", "dataset": "transfers"}, [FIXTURES / "transfers" / "tracer.csv"]),
    "csv": ({"mapping": str(FIXTURES / "csv" / "mapping.toml")}, []),
}


def test_every_cli_source_is_in_the_registry() -> None:
    assert list(SOURCES) == ["ofac-sdn", "jsonl", "ftm", "icij", "transfers", "csv"]
    for name, spec in SOURCES.items():
        assert spec.name == name
        assert spec.summary and spec.paths_help
        assert len({o.name for o in spec.options}) == len(spec.options)
        assert all(o.name.isidentifier() and o.help for o in spec.options)
    assert [o.name for o in SOURCES["jsonl"].options if o.required] == ["dataset"]
    assert [o.name for o in SOURCES["transfers"].options if o.required] == ["mapping"]
    assert {o.name: o.default for o in SOURCES["transfers"].options}["dataset"] == "transfers"
    assert SOURCES["csv"].paths_required is False
    assert all(spec.paths_required for name, spec in SOURCES.items() if name != "csv")


@pytest.mark.parametrize("name", list(CASES))
def test_each_entry_builds_a_source_that_loads_its_fixtures(name: str) -> None:
    options, paths = CASES[name]
    source, files = SOURCES[name].build(options, paths)
    assert files  # csv: the files its mapping names
    report = run_load(source, files, None)
    assert report.records_read > 0


def test_the_demo_load_is_ofac_then_the_scenario() -> None:
    sources = demo_sources(demo.ofac_dir(), demo.scenario_file(), demo.SCENARIO_DATASET)
    assert [s.name for s, _ in sources] == ["ofac-sdn", "sanctions-graph-jsonl"]
    assert [paths for _, paths in sources] == [[demo.ofac_dir()], [demo.scenario_file()]]
