"""`sanctions-graph screen FILE`: a counterparty file screened against the graph (graph.matching.screening).

Thin like the rest of the CLI: read the file with pandas, find the columns, screen the rows with a progress bar,
write the results (CSV or Excel by the output's suffix) and the rejected rows, print a summary. Registered on the
root group by ``sanctions_graph.cli``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click
import pandas as pd
from tqdm import tqdm

import graph
from graph import (
    FIELD_HEADERS,
    MATCH_THRESHOLD,
    POSSIBLE_THRESHOLD,
    GraphStore,
    SanctionsGraphError,
    ScreenResult,
    ScreenSummary,
    find_columns,
    formula_safe,
    read_counterparties,
    rejects_frame,
    results_frame,
    screen_rows,
)
from sanctions_graph.case_cli import logged_screen
from sanctions_graph.options import EXIT_OK, Command, json_option, print_json, with_store


def read_table(path: Path) -> pd.DataFrame:
    """A counterparty file as text cells (graph's read_table: CSV or the first sheet of an Excel file)."""
    return read_counterparties(path)


def write_table(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.map(formula_safe)  # a spreadsheet runs no formula from the data (CSV and Excel alike)
    if path.suffix.lower() in (".xlsx", ".xls"):
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)


def parse_mapping(text: str | None) -> dict[str, str]:
    """'name=Party,country=Nationality' -> {'name': 'Party', 'country': 'Nationality'}."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        field, sep, header = part.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise SanctionsGraphError(
                f"--columns: {part.strip()!r} is not FIELD=HEADER (fields: {', '.join(FIELD_HEADERS)})"
            )
        out[field.strip()] = header.strip()
    return out


def _summary_text(summary: ScreenSummary, total_s: float) -> str:
    lines = [
        f"screened {summary.screened:,} row(s) in {total_s:.1f} s: {summary.matches:,} match(es), "
        f"{summary.possible_matches:,} possible match(es), {len(summary.rejected):,} unusable row(s)"
    ]
    lines += [f"  line {line}: {reason}" for line, reason in summary.rejected[:20]]
    if len(summary.rejected) > 20:
        lines.append(f"  … and {len(summary.rejected) - 20} more (see the rejects file)")
    return "\n".join(lines)


@click.command(
    cls=Command,
    short_help="screen a counterparty file (CSV or Excel) against the graph",
    epilog=(
        f"Labels: 'match' from a score of {MATCH_THRESHOLD}, 'possible match' from {POSSIBLE_THRESHOLD} "
        "(docs/matching.md). Columns are found by header (name, aliases, kind/type, country, birth date/dob, "
        "identifier/passport/imo/…, wallet, row id/ref); --columns names them otherwise."
    ),
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE.csv|.xlsx")
@click.option("--columns", metavar="FIELD=HEADER,…", help="which column holds which field, e.g. name=Party,country=Nat")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="results file (.csv or .xlsx)")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path), help="unusable rows with reasons (CSV)")
@click.option(
    "--threshold", type=click.FloatRange(0.0, 1.0), default=None, help="report only hits scoring this or more"
)
@click.option("--hits", type=click.IntRange(1, 20), default=3, help="hits reported per row")
@json_option
@with_store
@logged_screen
def screen(
    store: GraphStore,
    file: Path,
    columns: str | None,
    output: Path | None,
    rejects: Path | None,
    threshold: float | None,
    hits: int,
    as_json: bool,
) -> int:
    """Screen every row of FILE (CSV or Excel) against the graph: each row's best hits with score, label
    (match / possible match), explanation, and what the graph knows about the hit (sanctioned, blocked under the
    50% rule, exposure hops, nearest listed party). Shows a progress bar and ends with a summary; rows that cannot
    be screened go to the rejects file with their line and reason."""
    frame = read_table(file)
    mapping = find_columns([str(c) for c in frame.columns], parse_mapping(columns))
    records = [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]
    results: list[ScreenResult] = []
    summary = ScreenSummary()
    started = time.perf_counter()
    with tqdm(total=len(records), unit="row", desc="screening", file=sys.stderr, disable=None) as bar:

        def step(n: int) -> None:
            bar.update(n)

        for result in screen_rows(records, store, mapping, hits, threshold, progress=step):
            results.append(result)
            summary.add(result)
    total_s = time.perf_counter() - started
    graph.tell_counted(*graph.screen_counted(results))  # --case logs this count: the file is not screened twice
    if output is not None:
        write_table(results_frame(results, hits), output)
    rejects_path = rejects or (output.with_name(output.stem + ".rejects.csv") if output and summary.rejected else None)
    if rejects_path is not None:
        rejects_frame(results).map(formula_safe).to_csv(rejects_path, index=False)
    counts: dict[str, Any] = {
        "screened": summary.screened,
        "matches": summary.matches,
        "possible_matches": summary.possible_matches,
        "unusable": [{"line": line, "reason": reason} for line, reason in summary.rejected],
        "seconds": round(total_s, 3),
        "columns": mapping,
        "output": str(output) if output else None,
        "rejects": str(rejects_path) if rejects_path else None,
    }
    if as_json:
        print_json({"summary": counts, "results": [] if output else [r.to_dict() for r in results]})
        return EXIT_OK
    if output is None:
        for r in results:
            if r.error is None:
                best = r.hits[0] if r.hits else None
                text = f"{best.id} {best.name} ({best.score:.2f})" if best else "-"
                print(f"{r.row_id}\t{r.name}\t{r.label or 'no match'}\t{text}")
    print(_summary_text(summary, total_s))
    if output is not None:
        print(f"results: {output}")
    if rejects_path is not None:
        print(f"rejects: {rejects_path}")
    return EXIT_OK


def register(group: click.Group) -> None:
    group.add_command(screen)


__all__ = ["parse_mapping", "read_table", "register", "screen", "write_table"]
