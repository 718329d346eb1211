"""What every command module of `sanctions-graph` shares: the click classes (help shows defaults, usage reads
`usage: sanctions-graph …`), the options many commands take as decorators (--store, --json), running a command on
its store, and printing JSON.

A command body takes the opened store first and returns its exit code; errors propagate to ``cli.main``, which
turns them into sentences and exit codes.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from graph import STORES, ConfigError, RelType, Settings, parse_rel_types, store_session

PROG = "sanctions-graph"
EXIT_OK, EXIT_FAILED, EXIT_UNAVAILABLE = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])


class _Formatter(click.HelpFormatter):
    """argparse's lower-case `usage:` line (scripts and tests grep for it)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "usage: " if prefix is None else prefix)


class Context(click.Context):
    formatter_class = _Formatter


class Command(click.Command):
    context_class = Context


class Group(click.Group):
    context_class = Context
    command_class = Command
    group_class = type  # a subgroup (load, export, db) is a Group of this class too


#: Settings of the root group, inherited by every subcommand.
CONTEXT_SETTINGS: dict[str, Any] = {
    "show_default": True,
    "help_option_names": ["-h", "--help"],
    "max_content_width": 120,
}

STORE_HELP = "graph store; Neo4j is reached with NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE"
STORE_DEFAULT = "$SANCTIONS_GRAPH_STORE, else embedded"


def store_option(f: F) -> F:
    """--store on a command or a group: given before or after a command's name, it means the same."""
    return click.option(
        "--store", type=click.Choice(STORES), default=None, show_default=STORE_DEFAULT, help=STORE_HELP
    )(f)


def json_option(f: F) -> F:
    """--json: print JSON instead of text."""
    return click.option("--json", "as_json", is_flag=True, help="print JSON (shapes documented in the README)")(f)


def named_store(store: str | None = None) -> str | None:
    """The store named on the command line: on the command itself, else on the nearest group before it
    (`db --store neo4j status` is `db status --store neo4j` is `--store neo4j db status`). Two different names
    are a ConfigError."""
    named = {store} - {None}
    ctx: click.Context | None = click.get_current_context()
    while ctx is not None:
        named |= {ctx.params.get("store")} - {None}
        ctx = ctx.parent
    if len(named) > 1:
        raise ConfigError(f"--store is given twice with different stores ({', '.join(sorted(map(str, named)))}).")
    return next(iter(named), None)


IDLE_TIMEOUT_ENV = "SANCTIONS_GRAPH_IDLE_TIMEOUT"
DEFAULT_IDLE_TIMEOUT_S = 600.0


def idle_timeout_option(f: F) -> F:
    """--idle-timeout on the root group: how long the embedded server a command starts stays running once unused."""
    return click.option(
        "--idle-timeout",
        type=click.FloatRange(min=0),
        default=DEFAULT_IDLE_TIMEOUT_S,
        envvar=IDLE_TIMEOUT_ENV,
        show_envvar=True,
        metavar="SECONDS",
        help="how long an embedded server a command starts stays running once unused, so the next command answers "
        "at once (0: stopped when the command ends; `db stop` stops it now)",
    )(f)


def settings_for(store: str | None) -> Settings:
    """Settings from the environment, with the store named on the command or on a group before it, and the root
    group's --idle-timeout."""
    ctx = click.get_current_context(silent=True)
    idle = ctx.find_root().params.get("idle_timeout") if ctx is not None else None
    settings = Settings.from_env(os.environ, store=named_store(store))
    return settings.with_idle_timeout(DEFAULT_IDLE_TIMEOUT_S if idle is None else float(idle))


def with_store(func: Callable[..., int]) -> Callable[..., int]:
    """Add --store to a command whose body is ``func(store, **params) -> exit code``: open that store, run the
    body, close the store (an embedded server this command started stays running for --idle-timeout)."""

    @functools.wraps(func)
    def run(store: str | None, **params: Any) -> int:
        with store_session(settings_for(store)) as graph:
            return func(graph, **params)

    return store_option(run)


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def parse_types(text: str | None) -> tuple[RelType, ...]:
    """Comma-separated relationship types (any case); none given: an empty tuple. An unknown one is a ConfigError
    (exit 2) naming the known ones."""
    if not text:
        return ()
    try:
        return parse_rel_types(text.split(","))
    except ValueError as exc:
        message = str(exc)
        raise ConfigError(message[:1].upper() + message[1:] + ".") from None
