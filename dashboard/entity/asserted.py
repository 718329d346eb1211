"""Analyst-asserted links on the entity page's canvas (issue 15 item 2): the links a case asserts between two
entities ("same phone"), drawn as edges of their own (class and type 'asserted') when both ends are drawn, a side
panel saying who asserted each, when and on what text, and its "Remove this link" button.

The page reads the links once (``asserted_data``: one record read) into the 'asserted-links' store; every redraw
builds the edges from that store without a store call (``asserted_elements``); removing a link reads them again."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from functools import partial
from typing import Any

import dash
from dash import ALL, Input, Output, State, html
from werkzeug.exceptions import HTTPException

from dashboard.components import detail_list, error_alert, guarded
from dashboard.details import DetailRow, Link
from dashboard.formatting import entity_href
from dashboard.pages.cases import case_href, case_store, case_user, keeps_cases, wid
from graph import GraphReader, asserted_links, remove_link

ASSERTED_TYPE = "asserted"
ASSERTED_PREFIX = "asserted:"
ASSERTED_STORE = "asserted-links"  # a plain dcc.Store of the entity page (layout._stores), an input of its redraw
REMOVE_BUTTON = "asserted-remove"
ANALYST_SUFFIX = " (analyst)"


def asserted_data(store: GraphReader) -> list[dict[str, Any]]:
    """Every case's asserted links as plain dicts (one record read; none when the store keeps no cases)."""
    if not keeps_cases(store):
        return []
    found = guarded(lambda: [a.to_dict() for a in asserted_links(case_store(store))], back_to_search=False)
    return found if isinstance(found, list) else []


def asserted_elements(
    links: Iterable[Mapping[str, Any]], drawn: Collection[str], names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The asserted links whose two ends are both in ``drawn`` as edges (class and type 'asserted'), labelled
    "<label> (analyst)", carrying who asserted them, when, the source text, the case and the link's id."""
    edges = []
    for link in links:
        source, target, link_id = str(link.get("source")), str(link.get("target")), str(link.get("id") or "")
        if not link_id or source not in drawn or target not in drawn:
            continue
        edges.append(
            {
                "data": {
                    "id": ASSERTED_PREFIX + link_id,
                    "source": source,
                    "target": target,
                    "type": ASSERTED_TYPE,
                    "label": f"{link.get('label') or ''}{ANALYST_SUFFIX}",
                    "link_label": str(link.get("label") or ""),
                    "link_id": link_id,
                    "case_id": str(link.get("case_id") or ""),
                    "author": str(link.get("author") or ""),
                    "at": str(link.get("at") or ""),
                    "source_text": str(link.get("source_text") or ""),
                    "source_name": names.get(source, source),
                    "target_name": names.get(target, target),
                },
                "classes": ASSERTED_TYPE,
            }
        )
    return edges


def drawn_nodes(elements: Iterable[Mapping[str, Any]]) -> set[str]:
    """Ids of the nodes among cytoscape ``elements`` (edges have a source)."""
    return {str(e["data"]["id"]) for e in elements if "source" not in e["data"]}


def asserted_panel(edge_data: Mapping[str, Any]) -> list[Any]:
    """The details panel of an asserted link (no store call): what, between whom, who asserted it, when, in which
    case, on what text; and the button that removes it."""
    case_id = str(edge_data.get("case_id") or "")
    source, target = str(edge_data.get("source") or ""), str(edge_data.get("target") or "")
    rows = [
        DetailRow("Link", ((str(edge_data.get("link_label") or ""),),)),
        DetailRow(
            "Between",
            (
                (Link(str(edge_data.get("source_name") or source), entity_href(source)),),
                (Link(str(edge_data.get("target_name") or target), entity_href(target)),),
            ),
        ),
        DetailRow("Asserted by", ((str(edge_data.get("author") or "unknown"),),)),
        DetailRow("When", ((str(edge_data.get("at") or "unknown"),),)),
        DetailRow("Case", ((Link(case_id, case_href(case_id)),) if case_id else ("none",),)),
        DetailRow("Source text", ((str(edge_data.get("source_text") or "") or "none given",),)),
    ]
    return [
        html.H2("Analyst-asserted link"),
        html.P("Asserted by an analyst in a case; not a relationship from any source.", className="hint"),
        detail_list(rows),
        html.Button(
            "Remove this link",
            id=wid(REMOVE_BUTTON, str(edge_data.get("link_id") or "")),
            className="asserted-remove",
            n_clicks=0,
        ),
    ]


def remove(store: GraphReader, link_id: str) -> tuple[Any, Any]:
    """Callback: remove the link as the logged-in user (an analyst suffices); the links again (the canvas redraws
    without it) and the panel's sentence. Nobody logged in: the link stays and the sentence says so."""
    try:
        case_user()
    except HTTPException as exc:  # dashboard.auth's 401/403, with its sentence
        return dash.no_update, [error_alert(str(exc.description), back_to_search=False)]
    done = guarded(lambda: remove_link(case_store(store), link_id), back_to_search=False)
    if isinstance(done, html.Div):
        return dash.no_update, [done]
    if not done:
        return asserted_data(store), [html.P("This link was already removed.", className="hint")]
    return asserted_data(store), [html.P("The link was removed.", className="asserted-removed", role="status")]


def register_callbacks(app: dash.Dash, store: GraphReader, listed: Callable[[str], Any]) -> None:
    """``listed``: the notes panel's list for an entity id (``notes_panel.notes_children``), renewed after a removal
    so the panel stops listing the link too."""

    @app.callback(
        Output(ASSERTED_STORE, "data"),
        Output("details", "children", allow_duplicate=True),
        Output(wid("entity-notes", ALL), "children", allow_duplicate=True),
        Input(wid(REMOVE_BUTTON, ALL), "n_clicks"),
        State(wid("notes-entity", ALL), "data"),
        prevent_initial_call=True,
    )
    def _remove(clicks: Any, entity_ids: Any) -> tuple[Any, Any, Any]:
        trigger = dash.ctx.triggered_id
        if not isinstance(trigger, Mapping) or not any(clicks or ()):
            raise dash.exceptions.PreventUpdate
        links, message = remove(store, str(trigger.get("key") or ""))
        panels = [
            dash.no_update if links is dash.no_update else guarded(partial(listed, str(e)), back_to_search=False)
            for e in entity_ids or ()
        ]
        return links, message, panels
