"""The analytics commands of `sanctions-graph`: exposure, ownership, trace, shared, it-workers, analyze.

Thin like the rest of the CLI: parse, call one graph.analytics function, print text or JSON. Registered on the root
group by ``sanctions_graph.cli``; errors propagate to ``cli.main``, which turns them into sentences and exit codes.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click

from graph import (
    DEFAULT_FLOW_HOPS,
    EXPOSURE_DEFAULT_HOPS,
    EXPOSURE_MAX_HOPS,
    TRACE_DEFAULT_HOPS,
    TRACE_MAX_HOPS,
    ConfigError,
    Direction,
    GraphStore,
    RelType,
    TraceDirection,
    analyze,
    entity_exposure,
    entity_ownership,
    find_it_workers,
    resolve_types,
    shared_infrastructure,
    trace_funds,
    trace_table_text,
)
from sanctions_graph.argtypes import DAY, int_between
from sanctions_graph.case_cli import logged_exposure, logged_trace
from sanctions_graph.options import EXIT_OK, Command, json_option, parse_types, print_json, with_store


@dataclass(frozen=True)
class _Follow:
    """What exposure and analyze follow: relationship types, and SAME_AS candidates besides the accepted ones."""

    types: tuple[RelType, ...]
    rejected: bool
    candidates: bool


def _type_options(func: Callable[..., int]) -> Callable[..., int]:
    """--include, --exclude, --candidates and --follow-rejected: the relationship types exposure and analyze follow
    (SAME_AS: accepted ones; unjudged candidates and rejected ones when asked), given to the body as one ``follow``.
    Goes right above the body, under --case's logging (which logs --include and --exclude as given)."""

    @functools.wraps(func)
    def run(
        *args: Any, include: str | None, exclude: str | None, follow_rejected: bool, candidates: bool, **params: Any
    ) -> int:
        follow = _Follow(resolve_types(parse_types(include), parse_types(exclude)), follow_rejected, candidates)
        return func(*args, follow=follow, **params)

    f = click.option(
        "--follow-rejected",
        is_flag=True,
        help="also follow SAME_AS candidates whose status is 'rejected' (skipped by default)",
    )(run)
    f = click.option(
        "--candidates",
        is_flag=True,
        help="also follow SAME_AS candidates nobody has judged yet (only accepted ones by default)",
    )(f)
    f = click.option("--exclude", metavar="TYPES", help="relationship types to ignore, e.g. SAME_AS")(f)
    return click.option(
        "--include", metavar="TYPES", help="comma-separated relationship types to follow (default: all)"
    )(f)


def register(group: click.Group) -> None:
    """Add the analytics commands to the root group."""
    for command in (exposure, ownership, trace, shared, it_workers, analyze_command):
        group.add_command(command)


# --- commands ---------------------------------------------------------------------------------------------------


@click.command(cls=Command, short_help="hops to the nearest sanctioned entity, its path, sanctioned within 1-3 hops")
@click.argument("entity_id", metavar="ID", help="id of the entity")
@click.option(
    "--max-hops", type=int_between(1, EXPOSURE_MAX_HOPS), default=EXPOSURE_DEFAULT_HOPS, help="longest path looked for"
)
@click.option(
    "--live",
    is_flag=True,
    help="always walk the graph; by default hubs and hops beyond 3 are answered from `analyze` results "
    "when they exist for the same relationship types and agree with the walk",
)
@json_option
@with_store
@logged_exposure
@_type_options
def exposure(store: GraphStore, entity_id: str, max_hops: int, live: bool, follow: _Follow, as_json: bool) -> int:
    """Hops from ID to the nearest sanctioned entity, the path, and sanctioned entities within 1-3 hops."""
    report = entity_exposure(
        store,
        entity_id,
        follow.types,
        max_hops=max_hops,
        use_stored=not live,
        follow_rejected=follow.rejected,
        candidates=follow.candidates,
    )
    if as_json:
        print_json(report.to_dict())
        return EXIT_OK
    x = report.exposure
    print(report.explanation())
    within = ", ".join(f"{k} hop(s): {n}" for k, n in zip((1, 2, 3), x.within, strict=True))
    print(f"Sanctioned entities within {within}.")
    if not x.complete:
        print("The walk stopped early (too many entities in reach): counts are lower bounds.")
    if x.method != "walk":
        analyzed = report.entity.properties.get("analyzed_at") or "an earlier run"
        print(f"Partly from the results of `analyze` ({analyzed}); --live walks the whole way.")
    return EXIT_OK


@click.command(cls=Command, short_help="OFAC 50% rule: is the entity blocked by ownership?")
@click.argument("entity_id", metavar="ID", help="id of the entity")
@click.option("--as-of", type=DAY, default=None, show_default="today", help="evaluate on this date (YYYY-MM-DD)")
@json_option
@with_store
def ownership(store: GraphStore, entity_id: str, as_of: date | None, as_json: bool) -> int:
    """The OFAC 50% rule for ID: the holdings of blocked persons, added up (repeated to a fixpoint upstream)."""
    report = entity_ownership(store, entity_id, as_of=as_of)
    data = report.to_dict()
    if as_json:
        print_json(data)
        return EXIT_OK
    print(f"As of {data['as_of']}: {report.verdict()}")
    print(f"  {data['arithmetic']}")
    print(f"  {data['equation']}")
    for r in data["rounds"]:
        print(f"  round {r['round']}: {', '.join(r['entities'])}")
    print(f"  Effective (multiplied-through) share of listed persons: {data['effective_blocked_share']:g}%")
    for h in data["holdings"]:
        pct = "?" if h["percentage"] is None else f"{h['percentage']:g}%"
        dates = " to ".join(d for d in (h["start_date"] or "…", h["end_date"] or "…"))
        sources = ", ".join(h["datasets"]) or "no source named"
        mark = "counted" if h["counted"] else "not counted"
        print(f"  {pct:>7} {h['owner_name']} ({h['owner_status']}; {dates}; {sources}) - {mark}: {h['reason']}")
    for upstream in data["blocked_owners_upstream"]:
        print(f"  upstream: {upstream['name']} is {upstream['status']}: {upstream['arithmetic']}")
    for warning in data["warnings"]:
        print(f"  warning: {warning}")
    return EXIT_OK


@click.command(cls=Command, short_help="follow funds from (forward) or into (backward) a wallet, in time order")
@click.argument("wallet", help="the wallet's address as pasted (any case) or the id of any payer/beneficiary")
@click.option(
    "--direction",
    type=click.Choice([d.value for d in TraceDirection]),
    default=TraceDirection.FORWARD.value,
    help="forward: where the funds went; backward: where they came from",
)
@click.option(
    "--hops", type=int_between(1, TRACE_MAX_HOPS), default=TRACE_DEFAULT_HOPS, help="transfers followed in a row"
)
@click.option("--since", type=DAY, default=None, help="ignore transfers before this date")
@click.option("--until", type=DAY, default=None, help="ignore transfers after this date")
@click.option("--csv", metavar="FILE", help="also write the transfers table as CSV ('-' for standard output)")
@click.option("--through-services", is_flag=True, help="go on through exchanges, mixers and bridges (still marked)")
@json_option
@with_store
@logged_trace
def trace(
    store: GraphStore,
    wallet: str,
    direction: str,
    hops: int,
    since: date | None,
    until: date | None,
    csv: str | None,
    through_services: bool,
    as_json: bool,
) -> int:
    """Follow funds from (forward) or into (backward) WALLET, in time order; stops at exchanges, mixers, bridges."""
    if since and until and since > until:
        raise ConfigError("--since must not be after --until.")
    result = trace_funds(
        store, wallet, TraceDirection(direction), hops, since, until, through_services=through_services
    )
    if csv:
        if csv == "-":
            result.write_csv(sys.stdout)
        else:
            result.save_csv(Path(csv))
    if as_json:
        print_json(result.to_dict())
        return EXIT_OK
    if csv == "-":
        return EXIT_OK
    data = result.to_dict()
    way = "from" if result.direction is TraceDirection.FORWARD else "into"
    print(f"Funds {way} {data['start_name']}: {len(result.transfers)} transfer(s) within {result.hops} hop(s).")
    for line in trace_table_text(result):
        print("  " + line)
    for end in data["endpoints"]:
        stop = f"  [stop: {end['stop']}]" if end["stop"] else ""
        mark = "  [SANCTIONED]" if end["sanctioned"] else ""
        mark += f"  [service: {end['service']}]" if end["service"] and not end["stop"] else ""
        print(f"  {end['name']}: {end['transfers']} transfer(s), ${end['value_usd']:,.2f}{mark}{stop}")
    if not result.transfers:
        held = store.links([result.start], (RelType.HOLDS,), Direction.OUT, limit=20)
        if held:
            print(f"It holds {len(held)} wallet(s); trace one of them: " + ", ".join(lk.other for lk in held))
    if csv and csv != "-":
        print(f"Wrote the table to {csv}.")
    if not result.complete:
        print("Some hops had too many transfers to read them all: the trace is incomplete.")
    return EXIT_OK


@click.command(cls=Command, short_help="entities sharing an address, wallet or identifier, weighted by rarity")
@click.argument("entity_id", metavar="ID", help="id of the entity")
@click.option("--limit", type=int_between(1, 100_000), default=50, help="most entities listed as text")
@json_option
@with_store
def shared(store: GraphStore, entity_id: str, limit: int, as_json: bool) -> int:
    """Entities sharing an address, wallet or identifier with ID, weighted by rarity (1/(n-1))."""
    report = shared_infrastructure(store, entity_id)
    print_json(report.to_dict()) if as_json else print(report.to_text(limit))
    return EXIT_OK


@click.command("it-workers", cls=Command, short_help="workers whose pay is pooled or reaches a sanctioned entity")
@click.option("--hops", type=int_between(1, 6), default=DEFAULT_FLOW_HOPS, help="hops to follow pay onwards")
@json_option
@with_store
def it_workers(store: GraphStore, hops: int, as_json: bool) -> int:
    """Workers whose pay goes where other workers' pay goes, or on to a sanctioned entity."""
    report = find_it_workers(store, hops=hops)
    print_json(report.to_dict()) if as_json else print(report.to_text())
    return EXIT_OK


@click.command("analyze", cls=Command, short_help="precompute exposure and the 50% rule for every entity")
@click.option(
    "--as-of", type=DAY, default=None, show_default="today", help="evaluate ownership on this date (YYYY-MM-DD)"
)
@json_option
@with_store
@_type_options
def analyze_command(store: GraphStore, as_of: date | None, follow: _Follow, as_json: bool) -> int:
    """Precompute exposure and the 50% rule for every entity and write the results onto the entities."""

    def progress(line: str) -> None:
        if not as_json:
            print(line, flush=True)

    summary = analyze(
        store,
        follow.types,
        as_of=as_of,
        progress=progress,
        follow_rejected=follow.rejected,
        candidates=follow.candidates,
    )
    if as_json:
        print_json(summary.to_dict())
    else:
        print(summary.to_text())
    return EXIT_OK
