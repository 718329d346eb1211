"""The `sanctions-graph` command: parses arguments, builds settings and the store, calls one library function.

It is the only module that wires graph/, loaders/ and dashboard/ together, and the one place where errors become
exit codes: 0 success, 1 a failed operation (bad input, not found, failed load check), 2 the store or the
configuration is unusable.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from graph.errors import ConfigError, SanctionsGraphError, StoreUnavailable
from graph.model import Entity, Relationship
from graph.model import Path as GraphPath
from graph.settings import STORES, Settings
from graph.stores.base import MAX_HOPS, MAX_PATH_HOPS, GraphStore
from graph.stores.embedded_server import EmbeddedServer
from graph.stores.factory import open_store
from graph.vocabulary import RELATIONSHIPS, RelType, parse_rel_types
from loaders.framework import BarProgress, LoadReport, NoProgress, Source, run_load, write_report_json
from sanctions_graph import demo
from sanctions_graph.analytics_cli import add_analytics_commands
from sanctions_graph.argtypes import int_between

EXIT_OK, EXIT_FAILED, EXIT_UNAVAILABLE = 0, 1, 2


# --- output helpers -------------------------------------------------------------------------------------------


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _entity_line(e: Entity) -> str:
    mark = "  [SANCTIONED]" if e.sanctioned else ""
    countries = f"  ({', '.join(e.countries)})" if e.countries else ""
    return f"{e.id:<28} {e.kind.value:<13} {e.name}{countries}{mark}"


def _rel_line(r: Relationship, names: dict[str, str]) -> str:
    detail = ", ".join(
        f"{k}={v}" for k, v in r.properties.items() if k not in ("id", "datasets", "source_ids") and v not in (None, [])
    )
    caption = RELATIONSHIPS[r.type].caption
    text = f"{names.get(r.source, r.source)} —{caption}→ {names.get(r.target, r.target)}"
    return f"{text}  ({detail})" if detail else text


# --- commands -------------------------------------------------------------------------------------------------


def cmd_search(args: argparse.Namespace, store: GraphStore) -> int:
    hits = store.search(args.text, limit=args.limit)
    if args.json:
        _print_json([h.to_dict() for h in hits])
        return EXIT_OK
    if not hits:
        print(f"No entity matches '{args.text}'.")
        return EXIT_OK
    for h in hits:
        print(f"{_entity_line(h.entity)}   matched {h.reason}: {h.matched}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace, store: GraphStore) -> int:
    entity = store.get_entity(args.id)
    if args.json:
        _print_json(entity.to_dict())
        return EXIT_OK
    print(_entity_line(entity))
    for d in entity.designations:
        print(
            f"  designated by {d.authority}: {', '.join(d.programs)}"
            + (f" since {d.start_date}" if d.start_date else "")
        )
    for key, value in entity.to_dict()["properties"].items():
        if value in (None, [], ""):
            continue
        shown = "; ".join(map(str, value)) if isinstance(value, list) else value
        print(f"  {key}: {shown}")
    return EXIT_OK


def _parse_types(text: str | None) -> tuple[RelType, ...] | None:
    if not text:
        return None
    try:
        return parse_rel_types(text.split(","))
    except ValueError as exc:
        message = str(exc)
        raise ConfigError(message[:1].upper() + message[1:] + ".") from None


def cmd_neighbours(args: argparse.Namespace, store: GraphStore) -> int:
    sub = store.neighbourhood(args.id, hops=args.hops, types=_parse_types(args.types), limit=args.limit)
    if args.json:
        _print_json(sub.to_dict())
        return EXIT_OK
    names = {e.id: e.name for e in sub.entities}
    print(f"{len(sub.entities)} entities and {len(sub.relationships)} relationships within {args.hops} hop(s):")
    for e in sub.entities:
        print("  " + _entity_line(e))
    for r in sub.relationships:
        print("  " + _rel_line(r, names))
    if sub.omitted:
        print(f"{sub.omitted} more connected entities were left out (limit {args.limit}).")
    return EXIT_OK


def cmd_path(args: argparse.Namespace, store: GraphStore) -> int:
    path: GraphPath | None = store.shortest_path(args.source, args.target, args.max_hops, _parse_types(args.types))
    if args.json:
        _print_json(path.to_dict() if path else None)
        return EXIT_OK if path else EXIT_FAILED
    if path is None:
        print(f"No path between {args.source} and {args.target} within {args.max_hops} hops.")
        return EXIT_FAILED
    names = {e.id: e.name for e in path.entities}
    print(f"{path.hops} hop(s):")
    for r in path.relationships:
        print("  " + _rel_line(r, names))
    return EXIT_OK


def cmd_stats(args: argparse.Namespace, store: GraphStore) -> int:
    stats = store.stats()
    if args.json:
        _print_json(stats.to_dict())
        return EXIT_OK
    print(f"Store: {store.description}")
    print(f"{stats.total_nodes} entities:")
    for k, v in sorted(stats.nodes.items()):
        print(f"  {k:<16}{v}")
    print(f"{stats.total_relationships} relationships:")
    for k, v in sorted(stats.relationships.items()):
        print(f"  {k:<16}{v}")
    return EXIT_OK


def _run_source(args: argparse.Namespace, store: GraphStore | None, source: Source, paths: list[Path]) -> LoadReport:
    progress = NoProgress() if args.no_progress else BarProgress(source.name)
    report = run_load(
        source,
        paths,
        None if args.dry_run else store,
        rejects_path=Path(args.rejects) if args.rejects else None,
        progress=progress,
        batch_size=args.batch_size,
    )
    if args.report:
        write_report_json(report, Path(args.report))
    return report


def _ofac_source(args: argparse.Namespace) -> tuple[Source, list[Path]]:
    from loaders.sources.ofac_sdn import OfacSdnSource

    return OfacSdnSource(), [Path(p) for p in args.paths]


def _jsonl_source(args: argparse.Namespace) -> tuple[Source, list[Path]]:
    from loaders.native_jsonl import NativeJsonlSource

    return NativeJsonlSource(args.dataset), [Path(p) for p in args.paths]


def _ftm_source(args: argparse.Namespace) -> tuple[Source, list[Path]]:
    from loaders.ftm import FtmSource

    return FtmSource(args.dataset), [Path(p) for p in args.paths]


def _icij_source(args: argparse.Namespace) -> tuple[Source, list[Path]]:
    from loaders.icij import IcijSource

    return IcijSource(), [Path(p) for p in args.paths]


def _transfers_source(args: argparse.Namespace) -> tuple[Source, list[Path]]:
    from loaders.transfers import TransfersSource

    return TransfersSource(args.mapping, args.dataset), [Path(p) for p in args.paths]


def _csv_source(args: argparse.Namespace) -> tuple[Source, list[Path]]:
    from loaders.plain_csv import PlainCsvSource

    source = PlainCsvSource(Path(args.mapping))  # the mapping is validated here, before any row is read
    return source, [Path(p) for p in args.paths] or source.files()


#: `load FORMAT` → the function building that format's source (imported lazily: each pulls its own libraries).
LOAD_SOURCES: dict[str, Callable[[argparse.Namespace], tuple[Source, list[Path]]]] = {
    "ofac-sdn": _ofac_source,
    "jsonl": _jsonl_source,
    "ftm": _ftm_source,
    "icij": _icij_source,
    "transfers": _transfers_source,
    "csv": _csv_source,
}


def cmd_load(args: argparse.Namespace, store: GraphStore | None) -> int:
    source, paths = LOAD_SOURCES[args.format](args)
    report = _run_source(args, store, source, paths)
    print(report.to_text())
    return EXIT_OK


def cmd_export_ftm(args: argparse.Namespace, store: GraphStore) -> int:
    import gzip

    from loaders.ftm_export import ExportStats, export_graph, export_subgraph, write_ftm

    stats = ExportStats()
    if args.entity:
        items = export_subgraph(store.neighbourhood(args.entity, hops=args.hops, limit=args.limit), stats)
    else:
        items = export_graph(store, stats)
    if args.output in (None, "-"):
        write_ftm(items, sys.stdout)
        print(stats.to_text(), file=sys.stderr)
        return EXIT_OK
    out = Path(args.output)
    opener = gzip.open if out.suffix == ".gz" else open
    with opener(out, "wt", encoding="utf-8") as handle:
        write_ftm(items, handle)
    print(f"{stats.to_text()}\n  written to {out}", file=sys.stderr)
    return EXIT_OK


def load_demo(store: GraphStore, quiet: bool = False) -> list[LoadReport]:
    """Load the demo data (idempotent)."""
    from loaders.native_jsonl import NativeJsonlSource
    from loaders.sources.ofac_sdn import OfacSdnSource

    reports = []
    for source, paths in (
        (OfacSdnSource(), [demo.ofac_dir()]),
        (NativeJsonlSource(demo.SCENARIO_DATASET), [demo.scenario_file()]),
    ):
        progress = NoProgress() if quiet else BarProgress(source.name)
        reports.append(run_load(source, paths, store, progress=progress))
    return reports


def cmd_serve(args: argparse.Namespace, store: GraphStore) -> int:
    from dashboard.app import create_app

    if getattr(args, "load_demo", False):
        for report in load_demo(store):
            print(report.to_text())
        from graph.analytics.analyze import analyze

        # exposure and the 50% rule, precomputed so the demo's graph can be coloured by them
        print(analyze(store).to_text())
    app = create_app(store)
    print(f"sanctions-graph dashboard on http://{args.host}:{args.port}/  (store: {store.description}; Ctrl-C stops)")
    app.run(host=args.host, port=args.port, debug=False)
    return EXIT_OK


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    if args.action in ("status", "stop") and settings.store != "embedded":
        print("`db status` and `db stop` manage the embedded store; Neo4j is managed by its own tools.")
        return EXIT_FAILED
    server = EmbeddedServer(settings.home)
    if args.action == "status":
        print(server.status().describe())
        return EXIT_OK
    if args.action == "stop":
        print("Stopped the embedded store." if server.stop() else "The embedded store was not running.")
        return EXIT_OK
    store = open_store(settings)
    try:
        store.clear()
        print(f"Deleted every entity and relationship from {store.description}.")
    finally:
        store.close()
    return EXIT_OK


# --- parser ---------------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--store",
        choices=STORES,
        default=None,
        help="graph store to use (default: $SANCTIONS_GRAPH_STORE or 'embedded'); Neo4j is reached with "
        "NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE",
    )
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print JSON (shapes documented in the README)")

    loading = argparse.ArgumentParser(add_help=False)
    loading.add_argument("--dry-run", action="store_true", help="parse and validate only; write nothing")
    loading.add_argument("--rejects", metavar="FILE", help="write rejected records (CSV: file,line,field,reason,raw)")
    loading.add_argument("--report", metavar="FILE", help="also write the load report as JSON")
    loading.add_argument("--batch-size", type=int_between(1, 100_000), default=2000, help="records per write")
    loading.add_argument("--no-progress", action="store_true", help="no progress bar")

    parser = argparse.ArgumentParser(
        prog="sanctions-graph",
        description="Load sanctions and investigation data into a graph and explore it.",
    )
    parser.add_argument("--store", dest="global_store", choices=STORES, default=None, help="as --store after COMMAND")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("search", parents=[common, as_json], help="find entities by name, alias or identifier")
    p.add_argument("text", help="a name, alias, wallet address, passport or registration number")
    p.add_argument("--limit", type=int_between(1, 1000), default=20)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("show", parents=[common, as_json], help="show one entity")
    p.add_argument("id")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("neighbours", parents=[common, as_json], help="entities around one entity")
    p.add_argument("id")
    p.add_argument("--hops", type=int_between(1, MAX_HOPS), default=1)
    p.add_argument("--types", help="comma-separated relationship types, e.g. OWNS,DIRECTS (default: all)")
    p.add_argument("--limit", type=int_between(1, 5000), default=200, help="most entities returned")
    p.set_defaults(func=cmd_neighbours)

    p = sub.add_parser("path", parents=[common, as_json], help="shortest path between two entities")
    p.add_argument("source")
    p.add_argument("target")
    p.add_argument("--max-hops", type=int_between(1, MAX_PATH_HOPS), default=MAX_PATH_HOPS)
    p.add_argument("--types", help="comma-separated relationship types to follow (default: all)")
    p.set_defaults(func=cmd_path)

    p = sub.add_parser("stats", parents=[common, as_json], help="counts by entity kind and relationship type")
    p.set_defaults(func=cmd_stats)

    load = sub.add_parser("load", help="load a source into the graph")
    load_sub = load.add_subparsers(dest="format", required=True, metavar="FORMAT")
    p = load_sub.add_parser(
        "ofac-sdn",
        parents=[common, loading],
        help="OFAC SDN classic CSV (sdn.csv, and add.csv, alt.csv, sdn_comments.csv when present)",
    )
    p.add_argument("paths", nargs="+", help="files, or a directory holding them")
    p.set_defaults(func=cmd_load, loads=True)
    p = load_sub.add_parser("jsonl", parents=[common, loading], help="sanctions-graph's own JSON lines")
    p.add_argument("paths", nargs="+")
    p.add_argument("--dataset", required=True, help="dataset name recorded on every node and relationship")
    p.set_defaults(func=cmd_load, loads=True)
    p = load_sub.add_parser(
        "ftm",
        parents=[common, loading],
        help="FollowTheMoney entity JSON lines, plain or gzip (OpenSanctions, Aleph exports; delta files)",
    )
    p.add_argument("paths", nargs="+", help="files, or a directory holding them")
    p.add_argument("--dataset", help="dataset name for lines that carry no 'datasets' (default: ftm)")
    p.set_defaults(func=cmd_load, loads=True)
    p = load_sub.add_parser(
        "icij",
        parents=[common, loading],
        help="ICIJ Offshore Leaks database CSV (nodes-*.csv and relationships.csv, mapped by header name)",
    )
    p.add_argument("paths", nargs="+", help="the unzipped download directory, or some of its files")
    p.set_defaults(func=cmd_load, loads=True)
    p = load_sub.add_parser(
        "transfers",
        parents=[common, loading],
        help="crypto transfer CSV (tracer or block-explorer exports): wallet-to-wallet TRANSFERRED edges",
    )
    p.add_argument("paths", nargs="+", help="files, or a directory holding them")
    p.add_argument(
        "--mapping",
        required=True,
        metavar="FILE|tracer|etherscan",
        help="a built-in column mapping (tracer, etherscan) or a TOML mapping file (docs/loaders-csv.md)",
    )
    p.add_argument("--dataset", default="transfers", help="dataset name recorded on wallets and transfers")
    p.set_defaults(func=cmd_load, loads=True)
    p = load_sub.add_parser(
        "csv",
        parents=[common, loading],
        help="plain CSV spreadsheets mapped to the vocabulary by a TOML mapping (docs/loaders-csv.md)",
    )
    p.add_argument("paths", nargs="*", help="files or directories (default: the files the mapping names)")
    p.add_argument("--mapping", required=True, metavar="FILE", help="the TOML mapping, validated before any row")
    p.set_defaults(func=cmd_load, loads=True)

    export = sub.add_parser("export", help="write the graph out in another format")
    export_sub = export.add_subparsers(dest="format", required=True, metavar="FORMAT")
    p = export_sub.add_parser(
        "ftm", parents=[common], help="FollowTheMoney entity JSON lines: the whole graph or one entity's neighbourhood"
    )
    p.add_argument("--entity", metavar="ID", help="export only this entity's neighbourhood")
    p.add_argument("--hops", type=int_between(1, MAX_HOPS), default=1, help="with --entity: hops around it")
    p.add_argument("--limit", type=int_between(1, 100_000), default=5000, help="with --entity: most entities")
    p.add_argument("-o", "--output", metavar="FILE", help="output file (.gz: gzip); default: standard output")
    p.set_defaults(func=cmd_export_ftm)

    for name, helptext, load_demo_first in (
        ("serve", "run the dashboard on the store's current data", False),
        ("demo", "load the demo data (idempotent) and run the dashboard", True),
    ):
        p = sub.add_parser(name, parents=[common], help=helptext)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int_between(1, 65535), default=8050)
        p.set_defaults(func=cmd_serve, load_demo=load_demo_first)

    add_analytics_commands(sub, common, as_json)  # exposure, ownership, trace, shared, it-workers, analyze

    p = sub.add_parser("db", parents=[common], help="the embedded store: status, stop, or reset (delete all data)")
    p.add_argument("action", choices=("status", "stop", "reset"))
    p.set_defaults(func=None, db=True)
    return parser


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _exit_on_signal(signum: int, frame: object) -> None:
    """Ctrl-C, SIGTERM and SIGHUP end the command, so the store is closed (and an embedded server stopped). The next
    one only gets a sentence (cutting the close short would leave the embedded server running); a third one quits
    at once."""
    closing = _StillClosing()
    for other in _STOP_SIGNALS:
        signal.signal(other, closing)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


class _StillClosing:
    def __init__(self) -> None:
        self.asked = 0

    def __call__(self, signum: int, frame: object) -> None:
        self.asked += 1
        if self.asked > 1:
            print(
                "Quitting without waiting: `sanctions-graph db stop` stops an embedded store left running.",
                file=sys.stderr,
            )
            raise SystemExit(128 + signum)
        print(
            "Still closing the store (the embedded one saves its data first); this takes a moment. "
            "Press Ctrl-C again to quit at once.",
            file=sys.stderr,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = threading.current_thread() is threading.main_thread()
    previous = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS} if handlers else {}
    for signum in previous:
        signal.signal(signum, _exit_on_signal)
    store: GraphStore | None = None
    try:
        settings = Settings.from_env(os.environ, store=getattr(args, "store", None) or args.global_store)
        if getattr(args, "db", False):
            return cmd_db(args, settings)
        if not (getattr(args, "loads", False) and args.dry_run):
            store = open_store(settings)
        func: Callable[[argparse.Namespace, Any], int] = args.func
        return func(args, store)
    except (StoreUnavailable, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except SanctionsGraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    finally:
        try:
            if store is not None:
                store.close()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
