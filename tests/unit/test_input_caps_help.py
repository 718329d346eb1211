"""The caps on input are set only by SANCTIONS_GRAPH_MAX_* variables: `load --help` and docs/security.md list each
with its default, and the variables set them."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from loaders.framework.guard import InputLimits, env_name
from sanctions_graph.cli import cli

CAPS = [(env_name(f.name), f.default) for f in fields(InputLimits)]
DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


@pytest.mark.parametrize("command", [["load"], ["load", "ftm"], ["load", "csv"]], ids=" ".join)
def test_load_help_lists_every_cap_with_its_default(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    for name, default in CAPS:
        assert f"{name}={default}\n" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_docs_list_every_cap_with_its_default() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, default in CAPS:
        assert f"`{name}`" in text and f"| {default:,} |" in text, name


def test_the_variables_set_the_caps_and_bad_values_keep_the_default() -> None:
    limits = InputLimits.from_env({env_name("columns"): "5", env_name("field_chars"): "x", env_name("line_bytes"): "0"})
    assert (limits.columns, limits.field_chars, limits.line_bytes) == (5, 100_000, 8_000_000)
