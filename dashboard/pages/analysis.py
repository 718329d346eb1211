"""Analysis pages: fund-flow traces (``/trace?wallet=ID&direction=forward&hops=4&since=&until=``) and flagged IT
workers (``/it-workers?hops=3``). Both read through graph.analytics; every view is a shareable URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import dash
import dash_cytoscape as cyto
from dash import Input, Output, State, dcc, html

from dashboard import context
from dashboard.components import guarded
from dashboard.entity.elements import edge_element, largest_amount, node_element, placed
from dashboard.entity.styles import stylesheet
from dashboard.entity.working_graph import EdgeInfo, NodeInfo
from dashboard.formatting import entity_href, format_number, trace_href
from graph import (
    DEFAULT_FLOW_HOPS,
    TRACE_DEFAULT_HOPS,
    GraphReader,
    ItWorkerReport,
    Prop,
    Trace,
    TraceDirection,
    find_it_workers,
    trace_funds,
)

MAX_TRACE_HOPS = 8


# --- query parsing (pure) -------------------------------------------------------------------------------------------


def _int(value: Any, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(str(value))))
    except (TypeError, ValueError):
        return default


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def trace_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The trace a URL asks for, with bad values replaced by defaults."""
    direction = str(params.get("direction") or "forward").lower()
    return {
        "wallet": str(params.get("wallet") or "").strip(),
        "direction": TraceDirection.BACKWARD if direction == "backward" else TraceDirection.FORWARD,
        "hops": _int(params.get("hops"), TRACE_DEFAULT_HOPS, 1, MAX_TRACE_HOPS),
        "since": _date(params.get("since")),
        "until": _date(params.get("until")),
    }


def wants_through(params: Mapping[str, Any]) -> bool:
    """Whether the URL asks to go on through services (``&through=1``)."""
    return str(params.get("through") or "").lower() in ("1", "true", "yes", "on")


# --- rendering (pure) -----------------------------------------------------------------------------------------------


def trace_elements(result: Trace) -> list[dict[str, Any]]:
    """The flow, left to right by time: each transfer's receiver (forward) or sender (backward) is placed at the
    column of the transfer's position in time order; the start stands alone in the first column."""
    rows = result.rows()
    column: dict[str, int] = {result.start: 0}
    for i, row in enumerate(rows, start=1):
        party = row["to"] if result.direction is TraceDirection.FORWARD else row["from"]
        column.setdefault(party, i)
    per_column: dict[int, int] = {}
    elements: list[dict[str, Any]] = []
    for pid, col in sorted(column.items(), key=lambda kv: kv[1]):
        party = result.parties.get(pid)
        row_index = per_column.get(col, 0)
        per_column[col] = row_index + 1
        node = NodeInfo(pid, party.kind, party.name, party.sanctioned) if party else NodeInfo(pid, "LegalEntity", pid)
        element = placed(node_element(node, result.start), {pid: (220.0 * col, 110.0 * row_index)})
        label = f"{node.name} [{party.service}]" if party and party.service else node.name
        element["data"]["label"] = label[:40]
        if party and party.service:  # where funds lose their identity: drawn apart, and whether the trace stopped
            element["classes"] = f"{element.get('classes', '')} service".strip()
            element["data"]["service"] = party.service
        if pid in result.stops:
            element["classes"] = f"{element.get('classes', '')} trace-stop".strip()
            element["data"]["stop"] = result.stops[pid]
        elements.append(element)
    names = {pid: p.name for pid, p in result.parties.items()}
    edges = [
        EdgeInfo(
            row["relationship_id"],
            row["type"],
            row["from"],
            row["to"],
            {
                k: v
                for k, v in (
                    (Prop.AMOUNT.value, row["amount"]),
                    (Prop.ASSET.value, row["asset"]),
                    (Prop.VALUE_USD.value, row["value_usd"]),
                    (Prop.TIMESTAMP.value, row["time"]),
                    (Prop.TX_HASH.value, row["tx_hash"]),
                )
                if v is not None
            },
        )
        for row in rows
    ]
    largest = largest_amount(edges)
    for row, edge in zip(rows, edges, strict=True):
        element = edge_element(edge, names, largest)
        amount = format_number(row["amount"]) if row["amount"] is not None else "?"
        when = (row["time"] or "undated")[:16]
        element["data"]["label"] = f"{amount} {(row['asset'] or '').upper()} · {when}"
        elements.append(element)
    return elements


def trace_table(result: Trace) -> html.Table:
    head = ["Hop", "Time (UTC)", "From", "To", "Amount", "USD", "Transaction"]
    body = []
    for row in result.rows():
        body.append(
            html.Tr(
                [
                    html.Td(row["hop"]),
                    html.Td(row["time"] or "undated"),
                    html.Td(dcc.Link(row["from_name"], href=entity_href(row["from"]))),
                    html.Td(dcc.Link(row["to_name"], href=entity_href(row["to"]))),
                    html.Td(f"{format_number(row['amount'])} {(row['asset'] or '').upper()}" if row["amount"] else ""),
                    html.Td(format_number(row["value_usd"]) if row["value_usd"] else ""),
                    html.Td((row["tx_hash"] or "")[:18] + ("…" if row["tx_hash"] else "")),
                ]
            )
        )
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)], className="report-table")


def trace_summary(result: Trace) -> html.Div:
    verb = "went" if result.direction is TraceDirection.FORWARD else "came from"
    items = []
    for end in result.endpoints():
        why = f" — stops here: {end['stop']}" if end["stop"] else ""
        if end["service"] and not end["stop"]:
            why = f" — service ({end['service']}), traced through"
        mark = " (SANCTIONED)" if end["sanctioned"] else ""
        usd = f", {format_number(end['value_usd'])} USD" if end["value_usd"] else ""
        items.append(
            html.Li(
                [
                    dcc.Link(end["name"], href=entity_href(end["id"])),
                    f"{mark}: {end['transfers']} transfer(s){usd}{why}",
                ]
            )
        )
    start = result.parties[result.start].name if result.start in result.parties else result.start
    if not result.transfers:
        return html.Div(f"No transfers or payments {verb.replace('went', 'leave')} {start} in the chosen period.")
    note = [] if result.complete else [html.P("The trace was cut at its size limit; some transfers are not shown.")]
    return html.Div(
        [html.P(f"Where the funds of {start} {verb}, within {result.hops} hops:"), html.Ul(items), *note],
        id="trace-summary",
    )


#: How the trace graph may zoom: it opens fitted to its box, never blown up past readable size for a short trace.
TRACE_MIN_ZOOM, TRACE_MAX_ZOOM = 0.05, 1.2
#: Services (exchange, mixer, bridge) and where the trace stopped, on top of the entity page's styles.
TRACE_STYLES: list[dict[str, Any]] = [
    {
        "selector": "node.service",
        "style": {"shape": "diamond", "border-style": "dashed", "border-width": 4, "border-color": "#7c3aed"},
    },
    {"selector": "node.trace-stop", "style": {"border-color": "#b45309", "border-width": 5}},
]


def continue_link(result: Trace, p: Mapping[str, Any]) -> Any:
    """'Continue through services' when the trace stopped at one (a URL), nothing otherwise."""
    stopped = [pid for pid, why in result.stops.items() if why.startswith("service")]
    if not stopped:
        return None
    since = p["since"].isoformat() if p.get("since") else ""
    until = p["until"].isoformat() if p.get("until") else ""
    href = trace_href(result.start, p["direction"].value, p["hops"], since, until, through=True)
    names = ", ".join(result.parties[pid].name for pid in stopped[:3] if pid in result.parties)
    return html.P(
        [f"The trace stopped at {len(stopped)} service(s) ({names}). ", dcc.Link("Continue through them →", href=href)],
        id="trace-continue",
        className="note",
    )


#: The trace graph's height: 460 px, or what the window leaves under the form and the summary, at least 280 px.
TRACE_HEIGHT = "clamp(280px, calc(100vh - 420px), 460px)"


def render_trace(store: GraphReader, params: Mapping[str, Any]) -> html.Div:
    """The trace's summary, flow and table (the form, download button and stores are in the page layout)."""
    p = trace_params(params)
    if not p["wallet"]:
        return html.Div(html.P("Paste a wallet address (any case) or an entity id to trace its funds."))
    # the analytics read only through the reader side of the store
    result = trace_funds(
        store, p["wallet"], p["direction"], p["hops"], p["since"], p["until"], through_services=wants_through(params)
    )
    graph = cyto.Cytoscape(
        id="trace-graph",
        elements=trace_elements(result),
        layout={"name": "preset", "fit": True, "padding": 40},
        stylesheet=[*stylesheet(), *TRACE_STYLES],
        minZoom=TRACE_MIN_ZOOM,
        maxZoom=TRACE_MAX_ZOOM,
        className="trace-graph",
        # 460 px where the window has room, less on a small one (1366x768: the graph stays above the fold)
        style={"width": "100%", "height": TRACE_HEIGHT},
    )
    return html.Div([trace_summary(result), continue_link(result, p), graph, trace_table(result)])


def trace_form(p: Mapping[str, Any], through: bool = False) -> html.Div:
    """The trace's question: a pasted address or id, the direction, hops, dates, and whether to go on through
    services. Styled by dashboard/assets/analysis.css."""

    def field(label: str, control: Any) -> html.Label:
        return html.Label([html.Span(label, className="field"), control], className="trace-field")

    since = p["since"].isoformat() if p["since"] else ""
    until = p["until"].isoformat() if p["until"] else ""
    return html.Div(
        [
            field(
                "Wallet address or entity id",
                dcc.Input(
                    id="trace-wallet",
                    value=p["wallet"],
                    placeholder="0x… as pasted, any case; or an id",
                    className="trace-input trace-wallet",
                ),
            ),
            dcc.RadioItems(
                id="trace-direction",
                options=[
                    {"label": "where funds went", "value": "forward"},
                    {"label": "where funds came from", "value": "backward"},
                ],
                value=p["direction"].value,
                inline=True,
                className="trace-radio",
            ),
            field("Hops", dcc.Input(id="trace-hops", type="number", min=1, max=MAX_TRACE_HOPS, value=p["hops"],
                                    className="trace-input trace-hops")),
            field("From", dcc.Input(id="trace-since", type="text", placeholder="YYYY-MM-DD", value=since,
                                    className="trace-input trace-date")),
            field("until", dcc.Input(id="trace-until", type="text", placeholder="YYYY-MM-DD", value=until,
                                     className="trace-input trace-date")),
            dcc.Checklist(
                id="trace-through",
                options=[{"label": "go on through exchanges, mixers and bridges", "value": "through"}],
                value=["through"] if through else [],
                className="trace-through",
            ),
            html.Button("Trace", id="trace-button", n_clicks=0, className="button"),
        ],
        className="trace-form",
    )  # fmt: skip


def render_it_workers(report: ItWorkerReport) -> html.Div:
    if not report.cases:
        return html.Div(f"No worker is flagged among {report.workers} employed people (within {report.hops} hops).")
    cards = []
    for case in report.cases:
        reasons = [
            html.Li(
                [
                    html.Strong(r.kind.capitalize() + ": "),
                    r.text,
                    html.Div(
                        ["Path: ", *[dcc.Link(n, href=entity_href(n), style={"marginRight": ".4rem"}) for n in r.path]],
                        className="hop-evidence",
                    ),
                ]
            )
            for r in case.reasons
        ]
        cards.append(
            html.Div(
                [
                    html.H3(dcc.Link(case.worker_name, href=entity_href(case.worker))),
                    html.P("Employed by: " + ", ".join(case.employers)),
                    html.Ul(reasons),
                ],
                className="path",
            )
        )
    return html.Div(
        [html.P(f"{len(report.cases)} of {report.workers} employed people are flagged (within {report.hops} hops)."),
         *cards]
    )  # fmt: skip


# --- pages ------------------------------------------------------------------------------------------------------


def trace_layout(**params: Any) -> html.Div:
    store = context.current().store
    p = trace_params(params)
    body = guarded(lambda: render_trace(store, params))
    query = {k: (v.value if isinstance(v, TraceDirection) else str(v)) if v is not None else "" for k, v in p.items()}
    return html.Div(
        [
            html.H1("Fund-flow trace"),
            trace_form(p, wants_through(params)),
            body,
            html.Button("Download the table (CSV)", id="trace-download-button", n_clicks=0, disabled=not p["wallet"]),
            dcc.Download(id="trace-download"),
            dcc.Store(id="trace-query", data={**query, "through": "1" if wants_through(params) else ""}),
        ],
        className="page page-trace",
    )


def it_workers_layout(**params: Any) -> html.Div:
    store = context.current().store
    hops = _int(params.get("hops"), DEFAULT_FLOW_HOPS, 1, 6)
    # the whole graph's analysis only for the page an analyst opens, not in Dash's validation layout (every page)
    body = html.Div() if context.validating() else guarded(lambda: render_it_workers(find_it_workers(store, hops)))
    intro = html.P(
        "Workers whose pay reaches a wallet or account that also receives other workers' pay, or that leads to a "
        "sanctioned party within a few hops."
    )
    return html.Div([html.H1("IT-worker pattern"), intro, body], className="page")


def register_callbacks(app: dash.Dash, store: GraphReader) -> None:
    @app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Output("url", "search", allow_duplicate=True),
        Input("trace-button", "n_clicks"),
        State("trace-wallet", "value"),
        State("trace-direction", "value"),
        State("trace-hops", "value"),
        State("trace-since", "value"),
        State("trace-until", "value"),
        State("trace-through", "value"),
        prevent_initial_call=True,
    )
    def submit_trace(
        n: int, wallet: str, direction: str, hops: int, since: str, until: str, through: list[str] | None
    ) -> tuple[str, str]:
        if not n:
            raise dash.exceptions.PreventUpdate
        href = trace_href((wallet or "").strip(), direction or "forward", int(hops or TRACE_DEFAULT_HOPS), since or "",
                          until or "", through=bool(through))  # fmt: skip
        path, _, query = href.partition("?")
        return path, "?" + query

    @app.callback(
        Output("trace-download", "data"),
        Input("trace-download-button", "n_clicks"),
        State("trace-query", "data"),
        prevent_initial_call=True,
    )
    def download_trace(n: int, query: dict[str, str]) -> Any:
        if not n or not query:
            raise dash.exceptions.PreventUpdate
        import io

        p = trace_params(query)
        result = trace_funds(
            store, p["wallet"], p["direction"], p["hops"], p["since"], p["until"], through_services=wants_through(query)
        )
        buffer = io.StringIO()
        result.write_csv(buffer)
        return {"content": buffer.getvalue(), "filename": f"trace-{p['wallet']}.csv", "type": "text/csv"}
