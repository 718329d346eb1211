"""Small pieces of page shared by the pages: badges, alerts, the details panel and the legend."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from dash import dcc, html

from dashboard.details import DesignationRow, DetailRow, Link, Part, SourceRow
from dashboard.entity.legend import WIDTH_NOTE, LegendItem, swatch_vars
from graph import EntityNotFound, QueryTimeout, SanctionsGraphError

log = logging.getLogger(__name__)

T = TypeVar("T")

UNEXPECTED_ERROR = "Something went wrong while reading the graph. The details are in the server log; please try again."


def sanctioned_badge() -> html.Span:
    return html.Span("SANCTIONED", className="badge badge-sanctioned", title="Designated by a sanctions authority")


def front_badge() -> html.Span:
    return html.Span("FRONT", className="badge badge-front", title="A source marks it as a shell or front company")


def badges(sanctioned: bool, front: bool) -> list[html.Span]:
    out = []
    if sanctioned:
        out.append(sanctioned_badge())
    if front:
        out.append(front_badge())
    return out


def page(name: str, title: Any, hint: str | None, children: Sequence[Any]) -> html.Div:
    """A page: its heading, a hint under it (none if None), then ``children``; classes ``page page-<name>``."""
    hints = [html.P(hint, className="hint")] if hint else []
    return html.Div([html.H1(title), *hints, *children], className=f"page page-{name}")


def error_message(exc: BaseException) -> str:
    """The sentence an analyst reads for an error raised by a store call."""
    if isinstance(exc, QueryTimeout):
        return f"{exc} Try fewer hops."
    if isinstance(exc, SanctionsGraphError):
        return str(exc)
    return UNEXPECTED_ERROR


def error_alert(message: str, back_to_search: bool = True) -> html.Div:
    """The one way a page shows a problem: a sentence in an alert box (id 'error'), never a traceback."""
    children: list[Any] = [html.P(message)]
    if back_to_search:
        children.append(dcc.Link("← Back to search", href="/", className="alert-link"))
    return html.Div(children, id="error", role="alert", className="alert alert-error")


def guarded(call: Callable[[], T], back_to_search: bool = True) -> T | html.Div:
    """Run a store call; a failure becomes an error alert (logged with its traceback when unexpected)."""
    try:
        return call()
    except EntityNotFound as exc:
        return error_alert(error_message(exc), back_to_search)
    except SanctionsGraphError as exc:
        log.warning("store call failed: %s", exc)
        return error_alert(error_message(exc), back_to_search)
    except Exception:  # the dashboard must not die on a bug; the log keeps the traceback
        log.exception("unexpected error in a dashboard store call")
        return error_alert(UNEXPECTED_ERROR, back_to_search)


def _part(part: Part) -> Any:
    if isinstance(part, Link):
        if part.external:
            return html.A(part.text, href=part.href, target="_blank", rel="noopener noreferrer")
        return dcc.Link(part.text, href=part.href)
    return part


def detail_list(rows: Sequence[DetailRow]) -> html.Dl:
    children: list[Any] = []
    for row in rows:
        children.append(html.Dt(row.label))
        if len(row.items) == 1:
            children.append(html.Dd([_part(p) for p in row.items[0]]))
        else:
            children.append(html.Dd(html.Ul([html.Li([_part(p) for p in item]) for item in row.items])))
    return html.Dl(children, className="details-list")


def legend(items: Sequence[LegendItem], present: set[str] | None = None) -> html.Div:
    """The legend (id 'legend'); items whose key is not in ``present`` (when given) are dimmed."""
    groups = (
        ("exposure", "Colour: exposure (hops to the nearest sanctioned entity)"),
        ("kind", "Kinds of entity"),
        ("mark", "Marks"),
        ("relationship", "Relationships"),
    )
    sections: list[Any] = [html.H3("Legend")]
    for group, title in groups:
        rows = []
        for item in (i for i in items if i.group == group):
            absent = present is not None and group not in ("mark", "exposure") and item.key not in present
            label: list[Any] = [item.caption]
            if item.description:
                label.append(html.Span(f" ({item.description})", className="legend-description"))
            extra: dict[str, Any] = {"data-key": item.key}
            if absent:
                extra["title"] = "not in this view"
            rows.append(  # the swatch is the line's ::before, drawn from its custom properties (theme.py)
                html.Li(
                    html.Span(label, className="legend-label"),
                    className="legend-item" + (" legend-absent" if absent else ""),
                    style=swatch_vars(item),
                    **extra,
                )
            )
        if rows:
            sections += [html.H4(title), html.Ul(rows, className="legend-list")]
    sections.append(html.P(WIDTH_NOTE, className="legend-description legend-note"))
    return html.Div(sections, id="legend", className="legend")


NOT_RECORDED = "—"


def _data_attrs(**values: str) -> dict[str, Any]:
    return {f"data-{k}": v for k, v in values.items()}


def sources_section(rows: Sequence[SourceRow], designations: Sequence[DesignationRow] = ()) -> html.Section:
    """Which datasets assert an entity or a relationship (id 'sources'), and the entity's designations."""
    children: list[Any] = [html.H3("Sources")]
    if rows:
        head = html.Thead(html.Tr([html.Th(t) for t in ("Dataset", "Records", "First seen", "Last seen")]))
        body = [
            html.Tr(
                [
                    html.Td([html.Span(r.caption, className="dataset-caption"), html.Br(), html.Code(r.dataset)]),
                    html.Td(", ".join(r.records) if r.records else NOT_RECORDED, className="records"),
                    html.Td(r.first_seen or NOT_RECORDED),
                    html.Td(r.last_seen or NOT_RECORDED),
                ],
                className="source-row",
                **_data_attrs(dataset=r.dataset),
            )
            for r in rows
        ]
        children.append(html.Table([head, html.Tbody(body)], className="sources-table"))
    else:
        children.append(html.P("No dataset is recorded for this.", className="hint"))
    if designations:
        children.append(html.H3("Designations"))
        items = []
        for d in designations:
            parts: list[Any] = [html.Strong(d.authority)]
            if d.programs:
                parts.append(f" — programs {', '.join(d.programs)}")
            parts.append(f", since {d.start_date}" if d.start_date else ", date not given")
            if d.record_id:
                parts.append(f", record {d.record_id}")
            if d.source_url:
                parts += [
                    " — ",
                    html.A("source", href=d.source_url, target="_blank", rel="noopener noreferrer"),
                ]
            items.append(html.Li(parts, className="designation"))
        children.append(html.Ul(items, className="designations"))
    return html.Section(children, id="sources", className="sources")


def notice(message: str | None, kind: str = "info") -> Any:
    """A short sentence after an action ('Added 25 entities…'); nothing when there is none."""
    if not message:
        return None
    role = "alert" if kind == "error" else "status"
    return html.P(message, className=f"notice notice-{kind}", role=role)


def stylesheet_link(css: str) -> html.Link:
    """A page's own CSS, carried by the page (the app's theme stays the app's)."""
    return html.Link(rel="stylesheet", href="data:text/css;base64," + base64.b64encode(css.encode()).decode())
