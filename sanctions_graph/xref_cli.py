"""`sanctions-graph xref`, `sanctions-graph review` and `sanctions-graph export judgements`: SAME_AS candidates
between the graph's datasets (graph.matching.xref), an analyst's judgements of them (graph.matching.judgements),
and those judgements as CSV or FollowTheMoney JSON lines.

Thin like the rest of the CLI; registered on the root group (and `judgements` on the `export` group) by
``sanctions_graph.cli`` with one line.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click
from tqdm import tqdm

from graph import (
    ACCEPTED,
    CANDIDATE,
    JUDGEMENT_COLUMNS,
    MATCH_THRESHOLD,
    POSSIBLE_THRESHOLD,
    REJECTED,
    GraphStore,
    RelType,
    SanctionsGraphError,
    XrefSummary,
    csv_safe_row,
    judge,
    judgement_rows,
    judgements,
    with_entities,
    xref,
)
from sanctions_graph.options import EXIT_OK, Command, json_option, print_json, with_store


def _summary_text(s: XrefSummary) -> str:
    scope = f"dataset {s.dataset}" if s.dataset else "every dataset"
    against = f" against {s.against}" if s.against else " against the others"
    labels = ", ".join(f"{n:,} {label or 'unlabelled'}" for label, n in sorted(s.by_label.items())) or "none"
    return "\n".join(
        [
            f"compared {s.entities:,} entities of {scope}{against} in {s.seconds:.1f} s "
            f"({s.entities / s.seconds if s.seconds else 0:,.0f}/s)",
            f"  pairs at or above {s.threshold}: {s.pairs:,} ({labels})",
            f"  new candidates: {s.created:,}; candidates updated: {s.updated:,}",
            f"  already judged (left as they are): {s.judged:,}; linked by another SAME_AS: {s.linked_otherwise:,}",
        ]
    )


@click.command(
    cls=Command,
    short_help="SAME_AS candidates between the graph's datasets (never merged)",
    epilog=(
        f"Labels: 'match' from {MATCH_THRESHOLD}, 'possible match' from {POSSIBLE_THRESHOLD} (docs/matching.md). "
        "Review candidates on the dashboard's /review page or with `sanctions-graph review`."
    ),
)
@click.option("--dataset", metavar="A", help="compare the entities of this dataset (default: every entity)")
@click.option("--against", metavar="B", help="only with entities of this dataset (default: any other dataset)")
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=POSSIBLE_THRESHOLD,
    show_default=True,
    help="write pairs scoring this or more",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="score in this many processes (the same pairs; worth it on a machine with spare cores)",
)
@json_option
@with_store
def xref_command(
    store: GraphStore, dataset: str | None, against: str | None, threshold: float, workers: int, as_json: bool
) -> int:
    """Run the matcher over the graph's own entities (candidates through the full-text indexes, never a scan) and
    write SAME_AS candidates with score, label and explanation between entities of different datasets. Nodes are
    never merged. Idempotent: a re-run updates unjudged candidates, never touches accepted or rejected ones, and
    never proposes a rejected pair again."""
    with tqdm(unit="entity", desc="xref", file=sys.stderr, disable=None) as bar:

        def step(n: int) -> None:
            bar.update(n)

        summary = xref(store, dataset, against, threshold, progress=step, workers=workers)
    if as_json:
        print_json(summary.to_dict())
    else:
        print(_summary_text(summary))
    return EXIT_OK


@click.command(cls=Command, short_help="accept, reject or undo a SAME_AS candidate; list the review queue")
@click.argument("action", type=click.Choice(["list", "accept", "reject", "undo"]))
@click.argument("rel_id", required=False, metavar="[SAME_AS_ID]")
@click.option("--user", metavar="NAME", help="who judges (default: $USER, else 'analyst')")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([CANDIDATE, ACCEPTED, REJECTED]),
    help="with list: which statuses (default: candidate)",
)
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True, help="with list: most rows")
@json_option
@with_store
def review(
    store: GraphStore,
    action: str,
    rel_id: str | None,
    user: str | None,
    statuses: tuple[str, ...],
    limit: int,
    as_json: bool,
) -> int:
    """`review list` prints the queue (best score first); `review accept|reject|undo SAME_AS_ID` records the
    judgement with who and when."""
    import os

    if action == "list":
        pairs = with_entities(store, store.same_as_queue(list(statuses or (CANDIDATE,)), 0.0, limit))
        rows = list(judgement_rows(pairs))
        if as_json:
            print_json(rows)
        for r in rows if not as_json else []:
            print(f"{r['id']}\t{r['score']:.2f}\t{r['status']}\t{r['source_name']} = {r['target_name']}")
        return EXIT_OK
    if not rel_id:
        raise click.UsageError(f"review {action} needs the SAME_AS id (see `review list`)")
    rel = judge(store, rel_id, action, user or os.environ.get("USER"))
    if as_json:
        print_json({"id": rel.id, **rel.properties})
    else:
        props = rel.properties
        print(f"{rel.id}: {props.get('status')} (by {props.get('judged_by')} at {props.get('judged_at')})")
    return EXIT_OK


@click.command("judgements", cls=Command, short_help="SAME_AS candidates and judgements as CSV or FtM JSON")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path), metavar="OUT.csv|OUT.json")
@with_store
def export_judgements(store: GraphStore, output: Path) -> int:
    """Every SAME_AS with its score, label, status, judgement, who, when and why: OUT.csv (one row each, both
    sides' names), or OUT.json / .jsonl (FollowTheMoney resolver judgements, nomenklatura's shape)."""
    suffix = output.suffix.lower()
    if suffix not in (".csv", ".json", ".jsonl"):
        raise SanctionsGraphError(f"{output}: write .csv, .json or .jsonl")
    rels = [r for batch in store.iter_relationships([RelType.SAME_AS]) for r in batch]
    with output.open("w", encoding="utf-8", newline="") as handle:
        if suffix == ".csv":
            writer = csv.DictWriter(handle, fieldnames=list(JUDGEMENT_COLUMNS))
            writer.writeheader()
            writer.writerows(csv_safe_row(row) for row in judgement_rows(with_entities(store, rels)))
        else:
            for item in judgements(rels):
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(rels):,} SAME_AS written to {output}", file=sys.stderr)
    return EXIT_OK


def register(group: click.Group) -> None:
    group.add_command(xref_command, "xref")
    group.add_command(review)
    export = group.commands.get("export")
    if isinstance(export, click.Group):
        export.add_command(export_judgements)


__all__ = ["export_judgements", "register", "review", "xref_command"]
