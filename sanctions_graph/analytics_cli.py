"""The analytics commands of `sanctions-graph`: exposure, ownership, trace, shared, it-workers, analyze.

Thin like the rest of the CLI: parse, call one graph.analytics function, print text or JSON. Registered by
``sanctions_graph.cli.build_parser``; errors propagate to ``cli.main``, which turns them into sentences and exit codes.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from graph.analytics.analyze import analyze
from graph.analytics.dates import parse_day
from graph.analytics.exposure import DEFAULT_MAX_HOPS, MAX_MAX_HOPS, entity_exposure, resolve_types
from graph.analytics.itworkers import DEFAULT_FLOW_HOPS, find_it_workers
from graph.analytics.ownership import entity_ownership
from graph.analytics.shared_infrastructure import shared_infrastructure
from graph.analytics.trace import DEFAULT_HOPS, MAX_HOPS, TraceDirection, trace_funds, trace_table_text
from graph.errors import ConfigError
from graph.model import Direction
from graph.stores.base import GraphStore
from graph.vocabulary import RelType, parse_rel_types
from sanctions_graph.argtypes import int_between

EXIT_OK, EXIT_FAILED = 0, 1


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _types(text: str | None) -> tuple[RelType, ...]:
    if not text:
        return ()
    try:
        return parse_rel_types(text.split(","))
    except ValueError as exc:
        message = str(exc)
        raise ConfigError(message[:1].upper() + message[1:] + ".") from None


def _day(text: str) -> date:
    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _follow(args: argparse.Namespace) -> tuple[RelType, ...]:
    return resolve_types(_types(args.include), _types(args.exclude))


# --- commands ---------------------------------------------------------------------------------------------------


def cmd_exposure(args: argparse.Namespace, store: GraphStore) -> int:
    report = entity_exposure(
        store,
        args.id,
        _follow(args),
        max_hops=args.max_hops,
        use_stored=not args.live,
        follow_rejected=args.follow_rejected,
    )
    if args.json:
        _print_json(report.to_dict())
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


def cmd_ownership(args: argparse.Namespace, store: GraphStore) -> int:
    report = entity_ownership(store, args.id, as_of=args.as_of)
    data = report.to_dict()
    if args.json:
        _print_json(data)
        return EXIT_OK
    print(f"As of {data['as_of']}: {report.verdict()}")
    print(f"  {data['arithmetic']}")
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


def cmd_trace(args: argparse.Namespace, store: GraphStore) -> int:
    if args.since and args.until and args.since > args.until:
        raise ConfigError("--since must not be after --until.")
    result = trace_funds(store, args.wallet, TraceDirection(args.direction), args.hops, args.since, args.until)
    if args.csv:
        if args.csv == "-":
            result.write_csv(sys.stdout)
        else:
            result.save_csv(Path(args.csv))
    if args.json:
        _print_json(result.to_dict())
        return EXIT_OK
    if args.csv == "-":
        return EXIT_OK
    data = result.to_dict()
    way = "from" if result.direction is TraceDirection.FORWARD else "into"
    print(f"Funds {way} {data['start_name']}: {len(result.transfers)} transfer(s) within {result.hops} hop(s).")
    for line in trace_table_text(result):
        print("  " + line)
    for end in data["endpoints"]:
        stop = f"  [stop: {end['stop']}]" if end["stop"] else ""
        mark = "  [SANCTIONED]" if end["sanctioned"] else ""
        print(f"  {end['name']}: {end['transfers']} transfer(s), ${end['value_usd']:,.2f}{mark}{stop}")
    if not result.transfers:
        held = store.links([args.wallet], (RelType.HOLDS,), Direction.OUT, limit=20)
        if held:
            print(f"It holds {len(held)} wallet(s); trace one of them: " + ", ".join(lk.other for lk in held))
    if args.csv and args.csv != "-":
        print(f"Wrote the table to {args.csv}.")
    if not result.complete:
        print("Some hops had too many transfers to read them all: the trace is incomplete.")
    return EXIT_OK


def cmd_shared(args: argparse.Namespace, store: GraphStore) -> int:
    report = shared_infrastructure(store, args.id)
    if args.json:
        _print_json(report.to_dict())
        return EXIT_OK
    if not report.links:
        print(f"{report.entity.name} shares no address, wallet or identifier with another entity.")
        return EXIT_OK
    for link in report.links[: args.limit]:
        mark = "  [SANCTIONED]" if link.sanctioned else ""
        print(f"{link.weight:6.3f}  {link.other:<28} {link.kind:<13} {link.name}{mark}")
        for v in link.values:
            print(f"        {v.kind}: {v.value} (shared by {v.holders}, weight {v.weight:.4f})")
    return EXIT_OK


def cmd_it_workers(args: argparse.Namespace, store: GraphStore) -> int:
    report = find_it_workers(store, hops=args.hops)
    if args.json:
        _print_json(report.to_dict())
        return EXIT_OK
    if not report.cases:
        print(f"No worker flagged among {report.workers} workers.")
        return EXIT_OK
    print(f"{len(report.cases)} of {report.workers} workers flagged:")
    for case in report.cases:
        print(f"  {case.worker_name} ({case.worker})")
        for reason in case.reasons:
            print(f"    - {reason.text}")
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace, store: GraphStore) -> int:
    def progress(line: str) -> None:
        if not args.json:
            print(line, flush=True)

    summary = analyze(store, _follow(args), as_of=args.as_of, progress=progress, follow_rejected=args.follow_rejected)
    if args.json:
        _print_json(summary.to_dict())
    else:
        print(summary.to_text())
    return EXIT_OK


# --- parser -------------------------------------------------------------------------------------------------------


def add_analytics_commands(sub: Any, common: argparse.ArgumentParser, as_json: argparse.ArgumentParser) -> None:
    """Register the analytics subcommands on the main parser's subparsers."""
    types = argparse.ArgumentParser(add_help=False)
    types.add_argument("--include", metavar="TYPES", help="comma-separated relationship types to follow (default all)")
    types.add_argument("--exclude", metavar="TYPES", help="relationship types to ignore, e.g. SAME_AS")
    types.add_argument(
        "--follow-rejected",
        action="store_true",
        help="also follow SAME_AS candidates whose status is 'rejected' (skipped by default)",
    )

    p = sub.add_parser(
        "exposure",
        parents=[common, as_json, types],
        help="hops to the nearest sanctioned entity, its path, and sanctioned entities within 1-3 hops",
    )
    p.add_argument("id")
    p.add_argument("--max-hops", type=int_between(1, MAX_MAX_HOPS), default=DEFAULT_MAX_HOPS)
    p.add_argument(
        "--live",
        action="store_true",
        help="always walk the graph; by default hubs and hops beyond 3 are answered from `analyze` results "
        "when they exist for the same relationship types and agree with the walk",
    )
    p.set_defaults(func=cmd_exposure)

    p = sub.add_parser(
        "ownership", parents=[common, as_json], help="OFAC 50%% rule: is the entity blocked by ownership?"
    )
    p.add_argument("id")
    p.add_argument("--as-of", type=_day, metavar="DATE", help="evaluate on this date (YYYY-MM-DD; default today)")
    p.set_defaults(func=cmd_ownership)

    p = sub.add_parser(
        "trace",
        parents=[common, as_json],
        help="follow funds from (forward) or into (backward) a wallet, in time order",
    )
    p.add_argument("wallet", help="id of the wallet (or any payer/beneficiary) to start from")
    p.add_argument("--direction", choices=[d.value for d in TraceDirection], default=TraceDirection.FORWARD.value)
    p.add_argument("--hops", type=int_between(1, MAX_HOPS), default=DEFAULT_HOPS)
    p.add_argument("--since", type=_day, metavar="DATE", help="ignore transfers before this date")
    p.add_argument("--until", type=_day, metavar="DATE", help="ignore transfers after this date")
    p.add_argument("--csv", metavar="FILE", help="also write the transfers table as CSV ('-' for standard output)")
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser(
        "shared",
        parents=[common, as_json],
        help="entities sharing an address, wallet or identifier, weighted by rarity",
    )
    p.add_argument("id")
    p.add_argument("--limit", type=int_between(1, 100_000), default=50, help="most entities listed as text")
    p.set_defaults(func=cmd_shared)

    p = sub.add_parser(
        "it-workers",
        parents=[common, as_json],
        help="workers whose pay goes where other workers' pay goes, or on to a sanctioned entity",
    )
    p.add_argument("--hops", type=int_between(1, 6), default=DEFAULT_FLOW_HOPS, help="hops to follow pay onwards")
    p.set_defaults(func=cmd_it_workers)

    p = sub.add_parser(
        "analyze",
        parents=[common, as_json, types],
        help="precompute exposure and the 50%% rule for every entity and write them to the store",
    )
    p.add_argument("--as-of", type=_day, metavar="DATE", help="evaluate ownership on this date (default today)")
    p.set_defaults(func=cmd_analyze)
