"""The root group's commands from other modules are registered on first use (sanctions_graph/lazy.py): each name's
registrars add exactly that command, the one-line help the root's --help shows before importing them is the
command's own, and the root's --help imports none of them."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from sanctions_graph.cli import cli
from sanctions_graph.lazy import LazyGroup


def _fresh() -> LazyGroup:
    """A root group with the CLI's lazy table and nothing registered yet."""
    group = LazyGroup("fresh")
    group.lazy = dict(cli.lazy)
    return group


@pytest.mark.parametrize("name", sorted(cli.lazy))
def test_a_lazy_command_is_registered_with_the_help_the_root_shows(name: str) -> None:
    group = _fresh()
    command = group.get_command(click.Context(group), name)
    assert command is not None and command.name == name
    assert command.get_short_help_str(200) == cli.lazy[name].short_help


def test_xref_alone_still_gives_export_judgements() -> None:
    group = _fresh()
    group.get_command(click.Context(group), "xref")
    export = group.commands["export"]
    assert isinstance(export, click.Group) and "judgements" in export.commands


def test_the_roots_help_lists_every_command_without_importing_them() -> None:
    code = (
        "import sys\nfrom sanctions_graph.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('LOADED', ' '.join(m for m in sys.modules if m.startswith('sanctions_graph.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(out.split("LOADED", 1)[1].split())
    assert not {f"sanctions_graph.{m}" for m in ("analytics_cli", "load_cli", "export_cli", "users_cli")} & loaded
    listed = CliRunner().invoke(cli, ["--help"], terminal_width=200).output
    for name in [*cli.lazy, "search", "show", "db"]:
        assert f"\n  {name} " in listed, name
