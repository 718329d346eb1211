"""`sanctions-graph load NAME`: one subcommand per loaders.registry.SOURCES entry, each with the options every load
takes (the root group imports this module only when `load` runs: the loaders are not a query's cost)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import click

from graph import write_session
from loaders.framework import DEFAULT_BATCH_SIZE, progress_for, run_load, write_report_json
from loaders.framework.guard import caps_help
from loaders.registry import SOURCES, SourceSpec
from sanctions_graph import bulk_load
from sanctions_graph.argtypes import int_between
from sanctions_graph.options import EXIT_OK, Group, settings_for, store_option


def register(group: click.Group) -> None:
    """Add `load` to the root group."""
    group.add_command(load)


@click.group(cls=Group, short_help="load a source into the graph", epilog=caps_help())
@store_option
def load(store: str | None) -> None:
    """Load a source into the graph. Every load ends with a report (read, written, new, rejected, notes, speed) and
    fails (exit code 1) when it yields fewer records than the source's minimum counts."""


def _load_command(spec: SourceSpec) -> click.Command:
    """`load NAME`: the options every load takes, then the spec's own options and paths."""

    def run(
        store: str | None,
        paths: tuple[Path, ...],
        dry_run: bool,
        rejects: Path | None,
        report: Path | None,
        batch_size: int,
        no_progress: bool,
        bulk: bool,
        **options: Any,
    ) -> int:
        source, files = spec.build(options, list(paths))
        settings = settings_for(store)
        if bulk and not dry_run:  # a first load into an empty Neo4j database through its import tool
            bar = progress_for(source.name, quiet=no_progress)
            result = bulk_load.bulk_load(
                settings,
                source,
                files,
                rejects_path=rejects,
                progress=bar,
                batch_size=batch_size,
                say=None if no_progress else lambda message: print(message, file=sys.stderr, flush=True),
            )
            if report:
                write_report_json(result, report)
            print(result.to_text())
            return EXIT_OK
        with nullcontext(None) if dry_run else write_session(settings) as graph:
            result = run_load(
                source,
                files,
                graph,
                rejects_path=rejects,
                progress=progress_for(source.name, quiet=no_progress),
                batch_size=batch_size,
                keep_changes=True,  # the load's change record (rescreen reads it)
            )
        if report:
            write_report_json(result, report)
        print(result.to_text())
        return EXIT_OK

    command: Any = run
    for option in reversed(spec.options):
        # no default at all unless the spec gives one: click counts an explicit None as a value a required
        # option has been given
        default: dict[str, Any] = {} if option.default is None else {"default": option.default}
        command = click.option(
            f"--{option.name.replace('_', '-')}",
            option.name,
            required=option.required,
            metavar=option.metavar or option.name.upper(),
            help=option.help,
            **default,
        )(command)
    file_option = click.Path(dir_okay=False, path_type=Path)
    for decorator in (
        click.option("--bulk", is_flag=True, help="first load into an empty Neo4j by its import tool (docs/scale.md)"),
        click.option("--no-progress", is_flag=True, help="no progress bar"),
        click.option(
            "--batch-size", type=int_between(1, 100_000), default=DEFAULT_BATCH_SIZE, help="records per write"
        ),
        click.option("--report", metavar="FILE", type=file_option, help="also write the load report as JSON"),
        click.option(
            "--rejects",
            metavar="FILE",
            type=file_option,
            help="write rejected records (CSV: file,line,field,reason,raw)",
        ),
        click.option("--dry-run", is_flag=True, help="parse and validate only; write nothing (no store is opened)"),
        click.argument(
            "paths",
            nargs=-1,
            required=spec.paths_required,
            type=click.Path(path_type=Path),
            help=spec.paths_help,
        ),
        store_option,
    ):
        command = decorator(command)
    summary = spec.summary[:1].upper() + spec.summary[1:] + "."
    return load.command(spec.name, help=summary, short_help=spec.summary, epilog=caps_help())(command)


for _spec in SOURCES.values():
    _load_command(_spec)
