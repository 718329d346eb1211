"""The `sanctions-graph` command (click): parses arguments, builds settings and the store, calls one library function.

It is the only module that wires graph/, loaders/ and dashboard/ together, and the one place where errors become
exit codes: 0 success, 1 a failed operation (bad input, not found, failed load check), 2 the store or the
configuration is unusable (and a usage error), 128 + the signal's number when Ctrl-C (130), SIGTERM (143) or SIGHUP
(129) stopped it. The analytics commands live in ``analytics_cli``, the options they share in ``options``; the
commands of other modules are imported only when one of them runs (``lazy``), so a query imports no loader, no
followthemoney, no pandas, no dash.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

import click

from graph import (
    INTERNAL_PROPS,
    MAX_HOPS,
    MAX_PATH_HOPS,
    RELATIONSHIPS,
    ConfigError,
    Entity,
    GraphStore,
    Prop,
    Relationship,
    SanctionsGraphError,
    Settings,
    StoreUnavailable,
    embedded_status,
    listed_status,
    reset_store,
    stop_embedded,
    store_session,
    terminal_text,
    with_derived,
)
from graph import Path as GraphPath
from sanctions_graph import demo
from sanctions_graph.argtypes import int_between
from sanctions_graph.case_cli import logged_neighbours, logged_path, logged_search, logged_show
from sanctions_graph.lazy import LazyGroup
from sanctions_graph.options import (
    CONTEXT_SETTINGS,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    PROG,
    idle_timeout_option,
    json_option,
    parse_types,
    print_json,
    settings_for,
    store_option,
    with_store,
)

if TYPE_CHECKING:
    from loaders.framework import LoadReport

#: The sentence every stop on request (Ctrl-C, SIGTERM, SIGHUP) ends with, once the store is closed.
STOPPED = "Stopped on request."

SIGNALS_HELP = (
    "Ctrl-C, SIGTERM and SIGHUP stop it the same way: the store is closed (an embedded server this command started "
    f"is stopped), it prints '{STOPPED}' and exits with 128 + the signal's number: 130 for Ctrl-C, 143 for SIGTERM, "
    "129 for SIGHUP. A second signal while it closes only prints a sentence; a third quits at once."
)
EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 a failed operation (bad input, not found, failed load check); 2 the store or the "
    "configuration is unusable, or a usage error; 130 (Ctrl-C), 143 (SIGTERM), 129 (SIGHUP) stopped on request."
)

#: Properties `show` leaves out unless --all: what the store maintains for search and lookups, not facts.
HIDDEN_PROPS: frozenset[str] = frozenset(INTERNAL_PROPS | {Prop.LOOKUP_KEYS, Prop.STUB})


# --- output helpers -------------------------------------------------------------------------------------------


def _entity_line(e: Entity) -> str:
    mark = "  [SANCTIONED]" if e.sanctioned else ""
    countries = f"  ({', '.join(e.countries)})" if e.countries else ""
    return terminal_text(f"{e.id:<28} {e.kind.value:<13} {e.name}{countries}{mark}")


def _rel_line(r: Relationship, names: dict[str, str]) -> str:
    detail = ", ".join(
        f"{k}={v}" for k, v in r.properties.items() if k not in ("id", "datasets", "source_ids") and v not in (None, [])
    )
    caption = RELATIONSHIPS[r.type].caption
    text = f"{names.get(r.source, r.source)} —{caption}→ {names.get(r.target, r.target)}"
    return terminal_text(f"{text}  ({detail})" if detail else text)


def entity_view(entity: Entity, everything: bool = False) -> dict[str, Any]:
    """The entity's JSON shape; its properties without the internal ones unless ``everything``."""
    data = entity.to_dict()
    if everything:
        data["properties"] = {
            k: v for k, v in entity.properties.items() if k not in (Prop.ID, Prop.KIND, Prop.DESIGNATIONS)
        }
    else:
        data["properties"] = {k: v for k, v in data["properties"].items() if k not in HIDDEN_PROPS}
    return data


# --- the root group -------------------------------------------------------------------------------------------


@click.group(cls=LazyGroup, name=PROG, context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@store_option
@idle_timeout_option
def cli(store: str | None, idle_timeout: float) -> None:
    """Load sanctions and investigation data into a graph and explore it.

    --store before COMMAND is the same as --store after it (and after a group's name: `db --store neo4j status`).
    """


# --- query commands -------------------------------------------------------------------------------------------


@cli.command(short_help="find entities by name, alias or identifier")
@click.argument("text", help="a name, alias, wallet address, passport or registration number")
@click.option("--limit", type=int_between(1, 1000), default=20, help="most hits")
@json_option
@with_store
@logged_search
def search(store: GraphStore, text: str, limit: int, as_json: bool) -> int:
    """Find entities by name, alias or identifier; identifier hits rank first, each hit says why it matched."""
    hits = store.search(text, limit=limit)
    if as_json:
        print_json([h.to_dict() for h in hits])
        return EXIT_OK
    if not hits:
        print(f"No entity matches '{terminal_text(text)}'.")
        return EXIT_OK
    for h in hits:
        print(f"{_entity_line(h.entity)}   matched {h.reason}: {terminal_text(str(h.matched))}")
    return EXIT_OK


@cli.command(short_help="show one entity")
@click.argument("entity_id", metavar="ID", help="id of the entity, e.g. ofac-43377 or demo-golden-maple")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="also show the properties the store maintains for search and lookups (search_text, lookup_keys, stub, …)",
)
@json_option
@with_store
@logged_show
def show(store: GraphStore, entity_id: str, everything: bool, as_json: bool) -> int:
    """Show one entity: kind, name, designations and properties."""
    entity = with_derived(store, [store.get_entity(entity_id)])[0]  # a listed address; the nearest by name
    data = entity_view(entity, everything)
    if as_json:
        print_json(data)
        return EXIT_OK
    print(_entity_line(entity))
    if listed_status(entity):
        print(f"  {listed_status(entity)}")
    for d in entity.designations:
        print(
            terminal_text(
                f"  designated by {d.authority}: {', '.join(d.programs)}"
                + (f" since {d.start_date}" if d.start_date else "")
            )
        )
    for key, value in data["properties"].items():
        if value in (None, [], ""):
            continue
        shown = "; ".join(map(str, value)) if isinstance(value, list) else value
        print(terminal_text(f"  {key}: {shown}"))
    return EXIT_OK


_TYPES_HELP = "comma-separated relationship types to follow, e.g. OWNS,DIRECTS (default: all)"


@cli.command(short_help="entities around one entity")
@click.argument("entity_id", metavar="ID", help="id of the entity at the centre")
@click.option("--hops", type=int_between(1, MAX_HOPS), default=1, help="how far from the entity")
@click.option("--types", metavar="TYPES", help=_TYPES_HELP)
@click.option("--limit", type=int_between(1, 5000), default=200, help="most entities returned")
@json_option
@with_store
@logged_neighbours
def neighbours(store: GraphStore, entity_id: str, hops: int, types: str | None, limit: int, as_json: bool) -> int:
    """Entities and relationships within --hops of ID."""
    sub = store.neighbourhood(entity_id, hops=hops, types=parse_types(types) or None, limit=limit)
    if as_json:
        print_json(sub.to_dict())
        return EXIT_OK
    names = {e.id: e.name for e in sub.entities}
    print(f"{len(sub.entities)} entities and {len(sub.relationships)} relationships within {hops} hop(s):")
    for e in sub.entities:
        print("  " + _entity_line(e))
    for r in sub.relationships:
        print("  " + _rel_line(r, names))
    if sub.omitted:
        print(f"{sub.omitted} more connected entities were left out (limit {limit}).")
    return EXIT_OK


@cli.command(short_help="shortest path between two entities")
@click.argument("source", help="id of the entity the path starts from")
@click.argument("target", help="id of the entity the path ends at")
@click.option("--max-hops", type=int_between(1, MAX_PATH_HOPS), default=MAX_PATH_HOPS, help="longest path looked for")
@click.option("--types", metavar="TYPES", help=_TYPES_HELP)
@json_option
@with_store
@logged_path
def path(store: GraphStore, source: str, target: str, max_hops: int, types: str | None, as_json: bool) -> int:
    """The shortest path from SOURCE to TARGET, hop by hop; exit code 1 when there is none within --max-hops."""
    found: GraphPath | None = store.shortest_path(source, target, max_hops, parse_types(types) or None)
    if as_json:
        print_json(found.to_dict() if found else None)
        return EXIT_OK if found else EXIT_FAILED
    if found is None:
        print(f"No path between {source} and {target} within {max_hops} hops.")
        return EXIT_FAILED
    names = {e.id: e.name for e in found.entities}
    print(f"{found.hops} hop(s):")
    for r in found.relationships:
        print("  " + _rel_line(r, names))
    return EXIT_OK


@cli.command(short_help="counts by entity kind and relationship type")
@json_option
@with_store
def stats(store: GraphStore, as_json: bool) -> int:
    """Counts of entities by kind and of relationships by type."""
    counts = store.stats()
    if as_json:
        print_json(counts.to_dict())
        return EXIT_OK
    print(f"Store: {store.description}")
    print(f"{counts.total_nodes} entities:")
    for k, v in sorted(counts.nodes.items()):
        print(f"  {k:<16}{v}")
    print(f"{counts.total_relationships} relationships:")
    for k, v in sorted(counts.relationships.items()):
        print(f"  {k:<16}{v}")
    return EXIT_OK


# --- commands from other modules, imported when one of them runs (sanctions_graph/lazy.py) --------------------

_ANALYTICS = "sanctions_graph.analytics_cli:register"  # exposure, ownership, trace, shared, it-workers, analyze
_EXPORT = ("sanctions_graph.export_cli:register", "sanctions_graph.xref_cli:register")  # export; xref, review and
# export judgements (xref_cli adds that one to the export group, so export_cli registers first)
_CASES = "sanctions_graph.case_cli:register"  # case new|list|show|pin|view|note|link|…, rescreen
for _name, _help, *_registrars in (
    ("exposure", "hops to the nearest sanctioned entity, its path, sanctioned within 1-3 hops", _ANALYTICS),
    ("ownership", "OFAC 50% rule: is the entity blocked by ownership?", _ANALYTICS),
    ("trace", "follow funds from (forward) or into (backward) a wallet, in time order", _ANALYTICS),
    ("shared", "entities sharing an address, wallet or identifier, weighted by rarity", _ANALYTICS),
    ("it-workers", "workers whose pay is pooled or reaches a sanctioned entity", _ANALYTICS),
    ("analyze", "precompute exposure and the 50% rule for every entity", _ANALYTICS),
    ("screen", "screen a counterparty file (CSV or Excel) against the graph", "sanctions_graph.screen_cli:register"),
    ("export", "write the graph out in another format", *_EXPORT),
    ("xref", "SAME_AS candidates between the graph's datasets (never merged)", *_EXPORT),
    ("review", "accept, reject or undo a SAME_AS candidate; list the review queue", *_EXPORT),
    ("case", "cases: save an investigation, pin entities, write notes, export it", _CASES),
    ("rescreen", "compare every case's pinned entities with their picture when last screened", _CASES),
    ("load", "load a source into the graph", "sanctions_graph.load_cli:register"),
    ("users", "the dashboard's users: add, list, remove, passwd", "sanctions_graph.users_cli:register"),
):
    cli.add_lazy(_name, _help, *_registrars)


def load_demo(store: GraphStore, quiet: bool = False) -> list[LoadReport]:
    """Load the demo data (idempotent)."""
    from loaders.framework import progress_for, run_load
    from loaders.registry import demo_sources

    reports = []
    for source, paths in demo_sources(demo.ofac_dir(), demo.scenario_file(), demo.SCENARIO_DATASET):
        progress = progress_for(source.name, quiet=quiet)
        reports.append(run_load(source, paths, store, progress=progress, keep_changes=True))
    return reports


# --- the dashboard ------------------------------------------------------------------------------------------------


def _serve(store: str | None, host: str, port: int, load_demo_first: bool, **options: Any) -> int:
    """The dashboard behind gunicorn (sanctions_graph/server.py); the guard is settled before the store opens, and
    `serve` reads through the read-only Neo4j user when one is set."""
    from dashboard.app import create_app
    from dashboard.deadline import with_deadline
    from sanctions_graph import server

    settings = settings_for(store).with_idle_timeout(0)  # the dashboard stops an embedded server it started
    security = server.security_for(settings, host, options["allowed_host"], options["behind_https_proxy"])
    store_settings = settings if load_demo_first else settings.for_reading()
    with store_session(store_settings) as graph:
        if load_demo_first:
            for report in load_demo(graph):
                print(report.to_text())
            from graph import analyze

            # exposure and the 50% rule, precomputed so the demo's graph can be coloured by them
            print(analyze(graph).to_text())
        # each worker process its own connection; a hung store gives a sentence a little after its query timeout
        per_process = server.ProcessStore(graph, server.worker_opener(store_settings))
        app = create_app(with_deadline(cast(GraphStore, per_process), settings.query_timeout_s + 3), security=security)
        login = "login required" if security.users else "no users: open on loopback"
        workers = options["workers"] or _default_workers()
        print(
            f"sanctions-graph dashboard on http://{host}:{port}/  (store: {graph.description}; {login}; "
            f"{workers} server processes x {options['threads']} threads; Ctrl-C stops)",
            flush=True,
        )
        stopped = server.run(
            app,
            host,
            port,
            workers=workers,
            threads=options["threads"],
            https=options["behind_https_proxy"],
            worker_exit=per_process.close_own,
        )
        if stopped is not None:
            _stop_on_signal(stopped, None)  # the store closes as after any command's stop signal
    return EXIT_OK


def _default_workers() -> int:
    """`serve`'s server processes on this machine: one per core, 2 to 8 (one Python process uses one core)."""
    return min(8, max(2, os.cpu_count() or 1))


def _server_options(f: Any) -> Any:
    f = click.option("--behind-https-proxy", is_flag=True, help="a TLS proxy serves it: Secure cookies, HSTS")(f)
    f = click.option(
        "--allowed-host", multiple=True, help="a host name the dashboard answers to besides loopback (repeatable)"
    )(f)
    f = click.option(
        "--threads", type=int_between(1, 64), default=4, show_default=True, help="requests each process answers at once"
    )(f)
    f = click.option(
        "--workers",
        type=int_between(1, 64),
        default=None,
        help=f"server processes (default for this machine: {_default_workers()}, one per core, 2 to 8)",
    )(f)
    f = click.option("--port", type=int_between(1, 65535), default=8050, help="port the dashboard listens on")(f)
    f = click.option(
        "--host", default="127.0.0.1", help="address the dashboard listens on (0.0.0.0: all; needs users)"
    )(f)
    return store_option(f)


@cli.command(short_help="run the dashboard on the store's current data", epilog=SIGNALS_HELP)
@_server_options
def serve(store: str | None, host: str, port: int, **options: Any) -> int:
    """Run the dashboard on the store's current data (`sanctions-graph users` adds the logins it asks for)."""
    return _serve(store, host, port, load_demo_first=False, **options)


@cli.command("demo", short_help="load the demo data (idempotent) and run the dashboard", epilog=SIGNALS_HELP)
@_server_options
def demo_command(store: str | None, host: str, port: int, **options: Any) -> int:
    """Load the demo data (idempotent), run `analyze`, and run the dashboard."""
    return _serve(store, host, port, load_demo_first=True, **options)


# --- db -----------------------------------------------------------------------------------------------------------


@cli.group(short_help="the embedded store: status, stop, or reset (delete all data)")
@store_option
def db(store: str | None) -> None:
    """The embedded store: whether it runs, stop it, or delete all data (reset works on Neo4j too)."""


_NOT_EMBEDDED = {
    "neo4j": "`db status` and `db stop` manage the embedded store; Neo4j is managed by its own tools.",
    "memory": "`db status` and `db stop` manage the embedded store; the memory store has no server: it lives and "
    "ends with the command.",
}


def _on_embedded(store: str | None, action: Callable[[Settings], str]) -> int:
    """Print what ``action`` says of the embedded store; another store is refused with a sentence (exit 1)."""
    settings = settings_for(store)
    if settings.store != "embedded":
        print(_NOT_EMBEDDED.get(settings.store, _NOT_EMBEDDED["neo4j"]))
        return EXIT_FAILED
    print(action(settings))
    return EXIT_OK


@db.command(short_help="whether the embedded server runs")
@store_option
def status(store: str | None) -> int:
    """Whether the embedded store's server runs, and where its data is."""
    return _on_embedded(store, lambda settings: embedded_status(settings).describe())


@db.command(short_help="stop the embedded server")
@store_option
def stop(store: str | None) -> int:
    """Stop the embedded store's server (its data is saved first)."""
    return _on_embedded(
        store,
        lambda settings: (
            "Stopped the embedded store." if stop_embedded(settings) else "The embedded store was not running."
        ),
    )


@db.command(short_help="delete every entity and relationship")
@click.option("--yes", is_flag=True, help="do not ask for confirmation (for scripts)")
@store_option
def reset(store: str | None, yes: bool) -> int:
    """Delete every entity and relationship from the store (asks first, unless --yes)."""
    settings = settings_for(store)
    if not yes and not _confirmed(f"Delete every entity and relationship from the {settings.store} store?"):
        return EXIT_FAILED
    print(f"Deleted every entity and relationship from {reset_store(settings)}.")
    return EXIT_OK


def _confirmed(question: str) -> bool:
    """Ask on a terminal; elsewhere (a script, a pipe) refuse with a sentence: --yes is how a script confirms."""
    if not sys.stdin.isatty():
        print("Nothing deleted: confirm on a terminal, or add --yes.", file=sys.stderr)
        return False
    if click.confirm(question, default=False, err=True):
        return True
    print("Nothing deleted.", file=sys.stderr)
    return False


# --- signals and the entry point ----------------------------------------------------------------------------------

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StopRequested(BaseException):
    """Raised by the first Ctrl-C, SIGTERM or SIGHUP. Not a KeyboardInterrupt: the dashboard's server swallows
    those and would return as if nothing happened."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_on_signal(signum: int, frame: object) -> None:
    """Ctrl-C, SIGTERM and SIGHUP end the command, so the store is closed (and an embedded server stopped). The next
    one only gets a sentence (cutting the close short would leave the embedded server running); a third one quits
    at once."""
    closing = _StillClosing()
    for other in _STOP_SIGNALS:
        signal.signal(other, closing)
    raise StopRequested(signum)


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
    """Run one command; returns its exit code. --help and usage errors raise SystemExit (0 and 2), as argparse did."""
    args = list(sys.argv[1:] if argv is None else argv)
    handlers = threading.current_thread() is threading.main_thread()
    previous = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS} if handlers else {}
    for signum in previous:
        signal.signal(signum, _stop_on_signal)
    try:
        with cli.make_context(PROG, args) as ctx:
            return int(cli.invoke(ctx))
    except click.exceptions.Exit as exc:  # --help
        raise SystemExit(exc.exit_code) from None
    except click.ClickException as exc:  # usage errors: the usage line and a sentence
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except (StoreUnavailable, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except SanctionsGraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except StopRequested as exc:
        print(STOPPED, file=sys.stderr)
        return 128 + exc.signum
    except BrokenPipeError:  # `sanctions-graph … | head` stopped reading: the command has done its part
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes stdout
        return EXIT_OK
    except KeyboardInterrupt:  # Ctrl-C outside the main thread, where no handler is installed
        print(STOPPED, file=sys.stderr)
        return 128 + signal.SIGINT
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
