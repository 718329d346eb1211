"""The root group's commands that live in other modules are imported when one of them is asked for, not with the CLI.

A command on the embedded store answers in well under a second once its server runs, but only if the process does
not first import every other command's libraries (followthemoney, pandas, dash, the loaders): ``LazyGroup`` knows
each such command by name, the registrar(s) that add it and its one-line help, so ``search`` imports none of them
and the root's ``--help`` lists them all without importing them. tests/unit/test_cli_lazy.py checks the one-line
helps here against the commands' own.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import click

from sanctions_graph.options import Group


@dataclass(frozen=True)
class Lazy:
    """A command registered on first use: ``registrars`` ("module:function", each called once with the group, in
    order) add it; ``short_help`` is its one-line help, for the root's --help."""

    short_help: str
    registrars: tuple[str, ...]


class LazyGroup(Group):
    """A group some of whose commands are added by registrars when first asked for (by name, or when listing all)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy: dict[str, Lazy] = {}
        self._registered: set[str] = set()

    def add_lazy(self, name: str, short_help: str, *registrars: str) -> None:
        self.lazy[name] = Lazy(short_help, registrars)

    def register(self, name: str) -> None:
        """Run the registrars that add ``name`` (each at most once, so a registrar shared by two names, or one that
        adds to a group another made, runs in the order given)."""
        for registrar in self.lazy[name].registrars:
            if registrar not in self._registered:
                module, _, function = registrar.partition(":")
                getattr(importlib.import_module(module), function)(self)
                self._registered.add(registrar)

    def register_all(self) -> None:
        """Every lazy command registered (for whoever walks ``commands``: the tests, a completion script)."""
        for name in self.lazy:
            self.register(name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.register(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The root's command list: a command not imported yet is listed from its one-line help here."""
        names = self.list_commands(ctx)
        shown = [n for n in names if (n not in self.commands) or not self.commands[n].hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(n) for n in shown)
        rows = []
        for name in shown:
            command = self.commands.get(name)
            text = command.get_short_help_str(limit) if command else self.lazy[name].short_help
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
