"""graph's public API is imported name by name on first use (PEP 562): the table, the typing imports and __all__
agree, every name resolves to its module's object, and importing graph (or the CLI) loads none of the heavy parts."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import graph

INIT = Path(graph.__file__)

#: Libraries and packages a query command has no use for; `import graph` and `import sanctions_graph.cli` load none.
HEAVY = ("followthemoney", "pandas", "numpy", "dash", "sqlalchemy", "neo4j", "falkordb", "loaders", "dashboard")


def _typing_imports() -> dict[str, str]:
    """The names graph/__init__.py imports under `if TYPE_CHECKING:`, as the _WHERE table writes them."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    found: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module, ast.unparse(node)
        for alias in node.names:
            if node.module == "graph" or alias.name == "*":
                continue  # the whole modules (graph.cases, graph.model)
            public = alias.asname or alias.name
            found[public] = node.module if public == alias.name else f"{node.module}:{alias.name}"
    return found


def _literal_all() -> list[str]:
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    assign = next(
        n for n in tree.body if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)
    )
    value = ast.literal_eval(assign.value)
    assert isinstance(value, list)
    return value


def test_table_typing_imports_and_all_agree() -> None:
    table: dict[str, str] = graph._WHERE  # type: ignore[attr-defined]
    assert table == _typing_imports()
    assert sorted(_literal_all()) == sorted(table)


def test_every_public_name_resolves_to_its_modules_object() -> None:
    table: dict[str, str] = graph._WHERE  # type: ignore[attr-defined]
    for name, where in table.items():
        module, _, attribute = where.partition(":")
        assert getattr(graph, name) is getattr(importlib.import_module(module), attribute or name), name
    for whole in ("graph.model", "graph.cases"):
        loaded = importlib.import_module(whole)
        for name in loaded.__all__:
            assert getattr(graph, name) is getattr(loaded, name), name
    everything = graph.__all__
    assert len(everything) == len(set(everything))
    assert set(everything) == set(table) | set(importlib.import_module("graph.cases").__all__) | set(
        importlib.import_module("graph.model").__all__
    )


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        graph.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(graph, "__wrapped__")


def _loaded_after(code: str) -> set[str]:
    """The top-level names of the modules a fresh interpreter holds after running ``code``."""
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_import_graph_loads_none_of_its_internals() -> None:
    loaded = _loaded_after("import graph")
    assert not {m for m in loaded if m.startswith("graph.")}
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY)


def test_a_submodule_import_or_a_dunder_probe_does_not_load_the_cases_api() -> None:
    loaded = _loaded_after("import copy, graph\nfrom graph import cypher\ngetattr(graph, '__wrapped__', None)")
    assert "graph.cypher" in loaded
    assert "graph.cases" not in loaded


def test_the_cli_imports_no_command_module_nor_heavy_library() -> None:
    loaded = _loaded_after("import sanctions_graph.cli")
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY)
    assert not {"graph.cases", "sanctions_graph.load_cli", "sanctions_graph.export_cli"} & loaded
