"""`sanctions-graph case …` and `sanctions-graph rescreen`: cases (graph.cases) from the command line.

Thin like the rest of the CLI: parse, call one graph.cases function, print text or JSON. The user is the OS user
(``--user`` overrides it). Registered on the root group by ``sanctions_graph.cli``.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

import graph
from graph import SanctionsGraphError
from sanctions_graph.options import EXIT_OK, Command, Group, json_option, print_json, store_option, with_store

if TYPE_CHECKING:  # the cases API is imported when a case command or a logged query runs, not with the CLI
    from graph import Case, Change, GraphStore

#: Where the dashboard serves the case pages, for the links rescreen prints.
DEFAULT_BASE_URL = "http://127.0.0.1:8050"

F = TypeVar("F", bound=Callable[..., Any])


def cli_user(user: str | None = None) -> str:
    """Who acts: --user, else $SANCTIONS_GRAPH_USER, else the OS user, else 'analyst'."""
    if user:
        return user
    try:
        return os.environ.get("SANCTIONS_GRAPH_USER") or getpass.getuser() or "analyst"
    except (KeyError, OSError):
        return "analyst"


def user_option(f: Any) -> Any:
    return click.option("--user", default=None, help="who acts (default: $SANCTIONS_GRAPH_USER, else the OS user)")(f)


def case_url(case_id: str, base_url: str = DEFAULT_BASE_URL) -> str:
    return f"{base_url.rstrip('/')}/case/{case_id}"


def case_text(case: Case, store: GraphStore) -> str:
    lines = [f"{case.id}  {case.title}", f"  created by {case.created_by} at {case.created_at}"]
    names = {e.id: e.name for e in store.get_entities(case.pinned)} if case.pinned else {}
    lines.append(f"  pinned ({len(case.pinned)}):")
    lines += [f"    {i}  {names.get(i, '(not in the graph now)')}" for i in case.pinned]
    lines.append(f"  saved views ({len(case.views)}):")
    lines += [f"    {v.name}: {v.url}" for v in case.views]
    notes = graph.notes_of(store, case.id)
    lines.append(f"  notes ({len(notes)}):")
    lines += [f"    [{n.at} {n.author} on {n.on} {n.target}] {n.text}" for n in notes]
    links = graph.asserted_links(store, case.id)
    lines.append(f"  analyst-asserted links ({len(links)}):")
    lines += [f"    {a.id}: {a.source} -[{a.label}]- {a.target} ({a.source_text}; {a.author})" for a in links]
    runs = graph.runs_of(store, case.id)
    lines.append(f"  screening runs ({len(runs)}):")
    lines += [f"    {r.id}: {r.filename} ({r.format}, {r.attached_by} at {r.at})" for r in runs]
    if case.rescreened_at:
        lines.append(f"  last rescreen {case.rescreened_at}: {len(case.changes)} change(s)")
    return "\n".join(lines)


@click.group(cls=Group, short_help="cases: save an investigation, pin entities, write notes, export it")
@store_option
def case(store: str | None) -> None:
    """Cases: named investigations kept in the graph store (docs/cases.md)."""


def case_command(name: str) -> Callable[[F], F]:
    """A `case` subcommand whose first argument is the case's ID."""

    def wrap(f: F) -> F:
        return case.command(name, cls=Command)(click.argument("case_id", metavar="ID")(f))  # type: ignore[return-value]

    return wrap


@case.command("new", cls=Command)
@click.argument("title")
@user_option
@json_option
@with_store
def case_new(store: GraphStore, title: str, user: str | None, as_json: bool) -> int:
    """Create a case named TITLE and print its id."""
    created = graph.new_case(store, title, cli_user(user))
    print_json(created.to_dict()) if as_json else print(created.id)
    return EXIT_OK


@case.command("list", cls=Command)
@json_option
@with_store
def case_list(store: GraphStore, as_json: bool) -> int:
    """List the cases, oldest first."""
    cases = graph.list_cases(store)
    if as_json:
        print_json([c.to_dict() for c in cases])
        return EXIT_OK
    for c in cases:
        changed = f"  {len(c.changes)} change(s) at the last rescreen" if c.changes else ""
        print(f"{c.id}\t{c.title}\t{c.created_by}\t{c.created_at}\t{len(c.pinned)} pinned{changed}")
    return EXIT_OK


@case_command("show")
@json_option
@with_store
def case_show(store: GraphStore, case_id: str, as_json: bool) -> int:
    """Show a case: pinned entities, saved views, notes, asserted links, screening runs."""
    if as_json:
        print_json(graph.export_case(store, case_id))
    else:
        print(case_text(graph.get_case(store, case_id), store))
    return EXIT_OK


@case_command("pin")
@click.argument("entity_ids", metavar="ENTITY_ID...", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="unpin them instead")
@with_store
def case_pin(store: GraphStore, case_id: str, entity_ids: tuple[str, ...], remove: bool) -> int:
    """Pin entities to a case (their picture is kept for rescreen), or unpin them with --remove."""
    updated = graph.unpin(store, case_id, entity_ids) if remove else graph.pin(store, case_id, entity_ids)
    print(f"{updated.id}: {len(updated.pinned)} pinned")
    return EXIT_OK


@case_command("view")
@click.argument("name")
@click.argument("url")
@with_store
def case_view(store: GraphStore, case_id: str, name: str, url: str) -> int:
    """Save an explorer view (the entity page's URL, with its query string) under NAME."""
    updated = graph.save_view(store, case_id, name, url)
    print(f"{updated.id}: {len(updated.views)} saved view(s)")
    return EXIT_OK


@case_command("note")
@click.argument("text")
@click.option("--on", "target", metavar="ENTITY_OR_REL_ID", help="an entity or relationship id (default: the case)")
@user_option
@with_store
def case_note(store: GraphStore, case_id: str, text: str, target: str | None, user: str | None) -> int:
    """Write a note on the case, or with --on on an entity or a relationship."""
    note = graph.add_note(store, case_id, text, cli_user(user), target=target)
    print(f"{note.id}: on {note.on} {note.target}")
    return EXIT_OK


@case_command("link")
@click.argument("source")
@click.argument("target")
@click.argument("label")
@click.option("--text", "source_text", required=True, help="what supports it (document, page, quote)")
@user_option
@with_store
def case_link(
    store: GraphStore, case_id: str, source: str, target: str, label: str, source_text: str, user: str | None
) -> int:
    """Assert a link of your own between two entities (e.g. 'same phone'), marked analyst-asserted."""
    link = graph.assert_link(store, case_id, source, target, label, source_text, cli_user(user))
    print(link.id)
    return EXIT_OK


@case.command("unlink", cls=Command)
@click.argument("link_id")
@with_store
def case_unlink(store: GraphStore, link_id: str) -> int:
    """Remove an analyst-asserted link."""
    if not graph.remove_link(store, link_id):
        raise SanctionsGraphError(f"No analyst-asserted link with id '{link_id}'.")
    print(f"removed {link_id}")
    return EXIT_OK


@case_command("attach")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@user_option
@with_store
def case_attach(store: GraphStore, case_id: str, file: Path, user: str | None) -> int:
    """Attach the results of `sanctions-graph screen` (its -o CSV, or its --json output saved to a file)."""
    try:
        content = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SanctionsGraphError(f"{file}: cannot be read: {exc}") from exc
    run = graph.attach_run(store, case_id, file.name, content, cli_user(user))
    print(run.id)
    return EXIT_OK


def print_pdf(html_file: Path, pdf: Path, timeout_s: float = 120.0) -> None:
    """Print an HTML file to PDF with headless Chromium (Debian's `chromium`)."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary is None:
        raise SanctionsGraphError("--pdf needs Chromium (`chromium` on PATH; Debian: apt-get install chromium).")
    args = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"]
    args += [f"--print-to-pdf={pdf.resolve()}", html_file.resolve().as_uri()]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout_s, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SanctionsGraphError(f"Chromium could not print {pdf}: {exc}") from exc
    if done.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise SanctionsGraphError(f"Chromium could not print {pdf}: {done.stderr.strip()[-300:]}")


@case_command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="the JSON file (default: stdout)")
@click.option("--pack", type=click.Path(dir_okay=False, path_type=Path), help="the evidence pack: one HTML file")
@click.option("--pdf", type=click.Path(dir_okay=False, path_type=Path), help="the evidence pack as PDF (Chromium)")
@with_store
def case_export(store: GraphStore, case_id: str, output: Path | None, pack: Path | None, pdf: Path | None) -> int:
    """Export a case (with its notes, asserted links and screening runs) as one JSON file; with --pack and/or --pdf,
    its evidence pack instead: facts with sources, paths to listed parties hop by hop, the 50% rule worked out,
    notes (docs/cases.md)."""
    if pack is None and pdf is None:
        document = graph.export_case(store, case_id)
        if output is None:
            print_json(document)
        else:
            output.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
            print(f"{case_id}: {output}")
        return EXIT_OK
    from dashboard.pages.case_pack import pack_html  # the case's graph drawn by the dashboard's SVG drawing

    text = pack_html(store, case_id)
    with tempfile.TemporaryDirectory(prefix="sanctions-graph-pack-") as tmp:
        html_file = pack or Path(tmp) / "pack.html"
        html_file.write_text(text, encoding="utf-8")
        if pack is not None:
            print(f"{case_id}: {pack}")
        if pdf is not None:
            print_pdf(html_file, pdf)
            print(f"{case_id}: {pdf}")
    return EXIT_OK


@case.command("import", cls=Command)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_store
def case_import(store: GraphStore, file: Path) -> int:
    """Import a case exported by `case export` (same ids: a second import replaces it)."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SanctionsGraphError(f"{file}: not a JSON file: {exc}") from exc
    if not isinstance(document, dict):
        raise SanctionsGraphError(f"{file}: not a case export (a JSON object is expected)")
    imported = graph.import_case(store, document, where=str(file))
    print(imported.id)
    return EXIT_OK


@case_command("delete")
@with_store
def case_delete(store: GraphStore, case_id: str) -> int:
    """Delete a case with its notes, asserted links and screening runs (the graph's entities are untouched)."""
    graph.delete_case(store, case_id)
    print(f"deleted {case_id}")
    return EXIT_OK


def changes_text(changes: dict[str, list[Change]], titles: dict[str, str], base_url: str) -> str:
    lines = []
    for case_id, found in changes.items():
        if not found:
            continue
        lines.append(f"{case_id}  {titles.get(case_id, '')}: {len(found)} change(s)  {case_url(case_id, base_url)}")
        lines += [f"  {c.text}" for c in found]
    quiet = sum(1 for found in changes.values() if not found)
    lines.append(f"{len(changes) - quiet} case(s) changed, {quiet} unchanged")
    return "\n".join(lines)


@click.command(cls=Command, short_help="compare every case's pinned entities with their picture when last screened")
@click.argument("case_ids", metavar="[ID...]", nargs=-1)
@click.option("--base-url", default=DEFAULT_BASE_URL, help="the dashboard's address, for the links printed")
@json_option
@with_store
def rescreen(store: GraphStore, case_ids: tuple[str, ...], base_url: str, as_json: bool) -> int:
    """After a load: for each case (or the IDs given), compare each pinned entity's picture (sanctioned, programs,
    blocked under the 50% rule, exposure hops and nearest listed party, transfers) with the one kept when it was
    pinned or last rescreened; print each change with a link to the case page, and keep the new pictures."""
    changes = {i: graph.rescreen_case(store, i) for i in case_ids} if case_ids else graph.rescreen_all(store)
    if as_json:
        print_json({i: [c.to_dict() for c in found] for i, found in changes.items()})
    else:
        titles = {c.id: c.title for c in graph.list_cases(store)}
        print(changes_text(changes, titles, base_url))
    return EXIT_OK


# --- the query log: --case ID on the query commands, `case log ID [--replay]` -------------------------------------


def logs_query(kind: str, params_of: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[F], F]:
    """--case ID on a query command (under its @with_store): after the command ran, the query is logged in case ID
    with its result count (graph's runner counts them, as a replay will; a log that fails is a warning only).
    The query runs once: the command reads through graph.Remembered and the runner reads the same answers (or
    the command tells its count, graph.tell_counted). ``kind`` is a graph.QueryKind value, named so that the CLI
    starts without importing the cases API."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def run(store: GraphStore, case_id: str | None = None, **params: Any) -> int:
            if case_id is None:
                return int(func(store, **params))
            graph.get_case(store, case_id)  # an unknown case is said before the query runs
            remembered = cast("GraphStore", graph.Remembered(store))
            token = graph.expect_counted()
            try:
                code = int(func(remembered, **params))
            finally:
                counted = graph.told_counted(token)
            logged = graph.log_query(
                remembered, case_id, graph.QueryKind(kind), params_of(params), cli_user(), via="cli", counted=counted
            )
            said = f"{logged.results} result(s) logged in case {case_id}" if logged else "the query could not be logged"
            click.echo(said, err=True)
            return code

        option = click.option("--case", "case_id", metavar="ID", help="log this query in case ID (`case log ID`)")
        return option(run)  # type: ignore[return-value]

    return wrap


def _types(p: dict[str, Any], key: str = "types") -> str | None:
    return p.get(key) or None


def _screen_params(p: dict[str, Any]) -> dict[str, Any]:
    from sanctions_graph.screen_cli import parse_mapping  # screen_cli imports this module

    file = Path(p["file"]).resolve()
    return {
        "file": str(file),
        "columns": parse_mapping(p.get("columns")),
        "hits": p["hits"],
        "threshold": p["threshold"],
    }


#: The decorators of the logged query commands (each maps the command's parameters to graph's query parameters).
logged_search = logs_query("search", lambda p: {"text": p["text"], "limit": p["limit"]})
logged_show = logs_query("entity", lambda p: {"id": p["entity_id"], "hops": 0})
logged_neighbours = logs_query(
    "entity", lambda p: {"id": p["entity_id"], "hops": p["hops"], "types": _types(p), "limit": p["limit"]}
)
logged_path = logs_query(
    "paths",
    lambda p: {"source": p["source"], "target": p["target"], "k": 1, "max_hops": p["max_hops"], "types": _types(p)},
)
logged_exposure = logs_query(
    "exposure",
    lambda p: {"id": p["entity_id"], "max_hops": p["max_hops"], "include": _types(p, "include"),
               "exclude": _types(p, "exclude")},
)  # fmt: skip
logged_trace = logs_query(
    "trace",
    lambda p: {"start": p["wallet"], "direction": p["direction"], "hops": p["hops"],
               "since": p["since"] and p["since"].isoformat(), "until": p["until"] and p["until"].isoformat(),
               "through_services": p["through_services"]},
)  # fmt: skip
logged_screen = logs_query("screen", _screen_params)


@case_command("log")
@click.option("--replay", is_flag=True, help="run each query again: then-vs-now counts and what changed")
@json_option
@with_store
def case_log(store: GraphStore, case_id: str, replay: bool, as_json: bool) -> int:
    """The queries made in case ID (search, entity views, paths, traces, exposure, screening; from the dashboard
    with the case open, or the CLI with --case ID): who, when, what, how many results; --replay runs them again."""
    graph.get_case(store, case_id)
    queries = graph.query_log(store, case_id)
    if replay:
        replayed = graph.replay(store, queries)
        if as_json:
            print_json([r.to_dict() for r in replayed])
        else:
            print("\n".join(r.text() for r in replayed))
            changed = sum(r.changed for r in replayed)
            print(f"{len(replayed)} quer{'y' if len(replayed) == 1 else 'ies'} replayed, {changed} changed")
        return EXIT_OK
    if as_json:
        print_json([q.to_dict() for q in queries])
        return EXIT_OK
    for q in queries:
        print(f"{q.at}  {q.user} ({q.via})  {q.what}: {q.results} result(s)")
    print(f"{len(queries)} quer{'y' if len(queries) == 1 else 'ies'} logged")
    return EXIT_OK


@case.command("loads", cls=Command)
@click.option("--since", metavar="TIME", help="only loads from this time on (ISO, e.g. 2026-12-05T10:00:00Z)")
@json_option
@with_store
def case_loads(store: GraphStore, since: str | None, as_json: bool) -> int:
    """What each load changed (entities added, changed, removed by id; relationships added and removed), as kept by
    the load itself; rescreen reads these records."""
    records = graph.load_changes(store, since)
    if as_json:
        print_json([r.to_dict() for r in records])
        return EXIT_OK
    for r in records:
        print(r.text())
        for what, ids in (("added", r.added), ("changed", r.changed), ("removed", r.removed)):
            if ids:
                print(f"    {what}: {', '.join(ids[:20])}" + (f" … ({len(ids)} listed)" if len(ids) > 20 else ""))
    print(f"{len(records)} load(s) recorded")
    return EXIT_OK


def register(group: click.Group) -> None:
    group.add_command(case)
    group.add_command(rescreen)


__all__ = [
    "case",
    "case_url",
    "changes_text",
    "cli_user",
    "logged_exposure",
    "logged_neighbours",
    "logged_path",
    "logged_screen",
    "logged_search",
    "logged_show",
    "logged_trace",
    "logs_query",
    "register",
    "rescreen",
]
