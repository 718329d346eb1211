"""The evidence pack: one self-contained HTML file for a case (no external resource), for hand-over or printing.

For each pinned entity: its facts with the datasets that assert them and each designation (authority, programs,
date, record id, source URL); its path to the nearest listed party hop by hop (graph.analytics.exposure); the OFAC 50%
rule worked out (graph.analytics.ownership: the verdict, the equation and each holding in force). Then the case's
notes, analyst-asserted links (marked as such), saved views, attached screening runs, the query log and the last
rescreen's changes.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from graph.analytics.dates import utc_now_iso
from graph.analytics.exposure import entity_exposure, parse_step_label
from graph.analytics.listing import standing, with_listings
from graph.analytics.ownership import entity_ownership
from graph.cases.querylog import CaseStore, query_log
from graph.cases.service import asserted_links, get_case, notes_of, runs_of
from graph.errors import EntityNotFound
from graph.exports.common import designation_text, joined
from graph.model import Entity
from graph.vocabulary import NOT_PROPERTY_ROWS, RELATIONSHIPS

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#1b1f24}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2em;margin-top:1.6em}
h3{margin-bottom:.3em}.muted{color:#57606a}.listed{color:#b42318;font-weight:600}
table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #d0d7de;padding:.25em .6em;text-align:left;
vertical-align:top}th{background:#f6f8fa}.asserted{color:#8250df}ol.path li{margin:.15em 0}
section.entity{page-break-inside:avoid}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    if not body:
        return '<p class="muted">None.</p>'
    return "<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + f"</tr>{body}</table>"


def _facts(entity: Entity) -> str:
    rows = [(k, joined(v)) for k, v in sorted(entity.properties.items()) if k not in NOT_PROPERTY_ROWS]
    designations = [(designation_text(d), d.record_id, d.source_url) for d in entity.designations]
    return (
        _table(("property", "value"), rows)
        + "<h4>Designations</h4>"
        + _table(("designation", "record id", "source"), designations)
    )


def _exposure(store: CaseStore, entity_id: str) -> str:
    report = entity_exposure(store, entity_id, use_stored=False)
    x = report.exposure
    if x.hops is None or x.hops == 0:
        return f"<p>{_e(report.explanation())}</p>"
    names = [report.on_path[i].name if i in report.on_path else i for i in x.path]
    items = []
    for n, label in enumerate(x.steps):
        rel_type, forward = parse_step_label(label)
        caption = RELATIONSHIPS[rel_type].caption
        arrow = f"—{caption}→" if forward else f"←{caption}—"
        items.append(
            f"<li>{_e(names[n])} <span class='muted'>({_e(x.path[n])})</span> {_e(arrow)} {_e(names[n + 1])}"
            f" <span class='muted'>({_e(x.path[n + 1])})</span></li>"
        )
    steps = "".join(items)
    return f"<p>{_e(report.explanation())}</p><ol class='path'>{steps}</ol>"


def _ownership(store: CaseStore, entity_id: str) -> str:
    report = entity_ownership(store, entity_id)
    rows = [
        (
            report.names.get(c.holding.owner, (c.holding.owner, "", False))[0],
            c.holding.owner,
            "unknown" if c.holding.percentage is None else f"{c.holding.percentage:g}%",
            "counted (owner blocked)" if c.counted else "not counted",
        )
        for c in report.in_force()
    ]
    return f"<p>{_e(report.verdict())}</p><p><code>{_e(report.equation())}</code></p>" + _table(
        ("owner", "id", "share", "in the sum"), rows
    )


def _entity_section(store: CaseStore, entity_id: str) -> str:
    try:
        entity = store.get_entity(entity_id)
    except EntityNotFound:
        return f"<section class='entity'><h3>{_e(entity_id)}</h3><p class='muted'>Not in the graph now.</p></section>"
    entity = with_listings(store, [entity])[0]  # a wallet on a sanctions record reads as that party's address
    mark = " <span class='listed'>SANCTIONED</span>" if entity.sanctioned else ""
    status = "".join(f"<li>{_e(line)}</li>" for line in standing(entity))
    return (
        f"<section class='entity'><h3>{_e(entity.name)}{mark}</h3>"
        f"<p class='muted'>{_e(entity.kind.value)} · {_e(entity.id)}</p><ul class='standing'>{status}</ul>"
        f"{_facts(entity)}<h4>Path to the nearest listed party</h4>{_exposure(store, entity_id)}"
        f"<h4>OFAC 50% rule</h4>{_ownership(store, entity_id)}</section>"
    )


def evidence_pack(store: CaseStore, case_id: str, image: str | None = None) -> str:
    """The case as one self-contained HTML document; ``image``: the case's graph as an SVG document (drawn by the
    dashboard's SVG drawing; graph/ draws nothing), put in as it is."""
    case = get_case(store, case_id)
    notes = [
        (n.at, n.author, f"{n.on} {n.target}" if n.on != "case" else "the case", n.text)
        for n in notes_of(store, case_id)
    ]
    links = [(a.source, a.label, a.target, a.source_text, a.author, a.at) for a in asserted_links(store, case_id)]
    runs = [(r.filename, r.format, r.attached_by, r.at) for r in runs_of(store, case_id)]
    queries = [(q.at, q.user, q.via, q.what, q.results) for q in query_log(store, case_id)]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{_e(case.title)} · evidence pack</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(case.title)}</h1>",
        f"<p class='muted'>Case {_e(case.id)} · created by {_e(case.created_by)} at {_e(case.created_at)} · "
        f"pack made at {_e(utc_now_iso())}</p>",
        *(
            [
                "<h2>The case's graph</h2><figure class='case-graph'>",
                image,
                "<figcaption class='muted'>Pinned and noted entities haloed; sanctioned ones ringed in red."
                "</figcaption></figure>",
            ]
            if image
            else []
        ),
        f"<h2>Pinned entities ({len(case.pinned)})</h2>",
        *(_entity_section(store, i) for i in case.pinned),
        "<h2>Notes</h2>",
        _table(("at", "by", "on", "note"), notes),
        "<h2 class='asserted'>Analyst-asserted links</h2>",
        "<p class='muted'>Asserted by analysts, not by any source.</p>",
        _table(("from", "link", "to", "supported by", "by", "at"), links),
        "<h2>Saved views</h2>",
        _table(("name", "URL"), [(v.name, v.url) for v in case.views]),
        "<h2>Screening runs</h2>",
        _table(("file", "format", "attached by", "at"), runs),
        "<h2>Query log</h2>",
        _table(("at", "by", "from", "query", "results"), queries),
        f"<h2>Last rescreen{f' ({_e(case.rescreened_at)})' if case.rescreened_at else ''}</h2>",
        _table(("change",), [(c.get("text", ""),) for c in case.changes]),
        "</body></html>",
    ]
    return "\n".join(parts)
