"""`sanctions-graph export …`: the graph written out for other tools, by ``graph.exports`` (the dashboard's
downloads use the same functions).

- ``export ftm``: FollowTheMoney entity JSON lines (the whole graph or one entity's neighbourhood), and with
  ``--judgements FILE`` the SAME_AS links as resolver judgements beside them (docs/ftm-mapping.md).
- ``export csv OUT.zip``: nodes.csv and edges.csv of the whole graph in one zip.

The counts go to standard error (standard output may carry the export itself); a file is written under a
temporary name and renamed when complete, so a failed export leaves no half file.
"""

from __future__ import annotations

import gzip
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from graph import (
    MAX_HOPS,
    ExportStats,
    GraphStore,
    RelType,
    SanctionsGraphError,
    export_graph,
    export_subgraph,
    judgements,
    write_ftm,
    write_graph_csv_zip,
)
from sanctions_graph.argtypes import int_between
from sanctions_graph.options import EXIT_OK, Group, store_option, with_store

_FILE = click.Path(dir_okay=False, path_type=Path)


def register(group: click.Group) -> None:
    """Add `export` to the root group."""
    group.add_command(export)


@click.group(cls=Group, short_help="write the graph out in another format")
@store_option
def export(store: str | None) -> None:
    """Write the graph out in another format."""


def _progress_option(f: Any) -> Any:
    return click.option("--no-progress", is_flag=True, help="no progress bar (it shows only on a terminal)")(f)


@contextmanager
def _progress(store: GraphStore, label: str, hidden: bool) -> Iterator[Callable[[int], None]]:
    """A bar on standard error over every entity and relationship of the store, advanced page by page."""
    if hidden:
        yield lambda _: None
        return
    counts = store.stats()
    total = counts.total_nodes + counts.total_relationships
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


@contextmanager
def _written(out: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """``out`` opened for writing (.gz: gzip), under a temporary name renamed to ``out`` once complete."""
    part = out.with_name(out.name + ".part")
    opener: Callable[..., IO[Any]] = gzip.open if out.suffix == ".gz" else open
    try:
        handle = opener(part, "wb") if binary else opener(part, "wt", encoding="utf-8")
    except OSError as exc:
        raise SanctionsGraphError(f"Cannot write {out}: {exc.strerror or exc}.") from None
    try:
        with handle:
            yield handle
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)


@export.command("ftm", short_help="FollowTheMoney entity JSON lines: the whole graph or one entity's neighbourhood")
@click.option("--entity", metavar="ID", help="export only this entity's neighbourhood (default: the whole graph)")
@click.option("--hops", type=int_between(1, MAX_HOPS), default=1, help="with --entity: hops around it")
@click.option("--limit", type=int_between(1, 100_000), default=5000, help="with --entity: most entities")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    show_default="standard output",
    help="output file (.gz: gzip); '-': standard output",
)
@click.option(
    "--judgements",
    "judgements_file",
    metavar="FILE",
    type=_FILE,
    help="also write the SAME_AS links as resolver judgements, one JSON object a line (nomenklatura's resolver "
    "format: target, source, judgement, score, user, timestamp) [default: not written]",
)
@_progress_option
@with_store
def export_ftm(
    store: GraphStore,
    entity: str | None,
    hops: int,
    limit: int,
    output: str | None,
    judgements_file: Path | None,
    no_progress: bool,
) -> int:
    """FollowTheMoney entity JSON lines: the whole graph, or one entity's neighbourhood. SAME_AS links are no FtM
    entities: --judgements writes them beside the lines, as an entity-resolution tool reads them."""
    stats = ExportStats()
    to_stdout = output in (None, "-")
    # no bar for a neighbourhood (one query) nor between the lines on a terminal
    hidden = no_progress or entity is not None or (to_stdout and sys.stdout.isatty())
    with _progress(store, "Exporting FtM", hidden) as step:
        if entity:
            sub = store.neighbourhood(entity, hops=hops, limit=limit)
            items = export_subgraph(sub, stats)
            same_as = judgements(sub.relationships)
        else:
            items = export_graph(store, stats, progress=step)
            same_as = (j for rels in store.iter_relationships((RelType.SAME_AS,)) for j in judgements(rels))
        if to_stdout:
            write_ftm(items, sys.stdout)
        else:
            with _written(Path(str(output))) as handle:
                write_ftm(items, handle)
    summary = stats.to_text() + ("" if to_stdout else f"\n  written to {output}")
    if judgements_file is not None:
        with _written(judgements_file) as handle:
            count = write_ftm(same_as, handle)  # JSON lines, as the entities
        summary += f"\n{count} SAME_AS judgement(s) written to {judgements_file}"
    print(summary, file=sys.stderr)
    return EXIT_OK


@export.command("csv", short_help="nodes.csv and edges.csv of the whole graph in one zip")
@click.argument("output", metavar="OUT.zip", type=_FILE, help="the zip file to write (replaced if it exists)")
@_progress_option
@with_store
def export_csv(store: GraphStore, output: Path, no_progress: bool) -> int:
    """nodes.csv (one row per entity) and edges.csv (one row per relationship, with both ends' names) of the whole
    graph in one zip, UTF-8 with a byte-order mark so spreadsheets read accents right; text a spreadsheet would run
    as a formula starts with a quote."""
    with _progress(store, "Exporting CSV", no_progress) as step, _written(output, binary=True) as handle:
        entities, relationships = write_graph_csv_zip(store, handle, progress=step)
    print(f"{entities} entities (nodes.csv) and {relationships} relationships (edges.csv) written to {output}")
    return EXIT_OK
