"""The paths page, ``/paths?from=ID&to=ID&k=3&max_hops=6&types=OWNS,DIRECTS``: how two entities are connected.

The analyst picks two entities (search as you type), and the page shows up to ``k`` shortest paths between them,
drawn and listed hop by hop with each relationship's evidence (its kind, percentage/amount/role/dates, sources).
The URL is the single source of truth: "Find paths" writes the choices to the query string, and the page is
rendered from it, so every result can be shared. Rendering costs two store calls (the two ends) plus the path
search; the downloads cost none (the view travels with the page).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import dash
import dash_cytoscape as cyto
from dash import Input, Output, State, dcc, html

from dashboard import context
from dashboard.components import guarded
from dashboard.entity.elements import entity_to_element, placed, relationship_elements
from dashboard.entity.styles import stylesheet
from dashboard.export_controls import export_controls, register_export_callbacks
from dashboard.exporters import GraphView
from dashboard.formatting import kind_caption, plural, rel_caption
from dashboard.path_display import path_section
from graph import MAX_PATH_HOPS, Entity, GraphReader, Path, RelType, SearchHit

log = logging.getLogger(__name__)

GRAPH_ID = "paths-graph"
DEFAULT_K = 3
MAX_K = 5
DEFAULT_MAX_HOPS = MAX_PATH_HOPS
SEARCH_LIMIT = 20
MIN_SEARCH_CHARS = 2

# --- the query string ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathQuery:
    """What the URL asks for; ``notes`` say what had to be corrected."""

    source: str | None = None
    target: str | None = None
    k: int = DEFAULT_K
    max_hops: int = DEFAULT_MAX_HOPS
    types: tuple[RelType, ...] | None = None
    notes: tuple[str, ...] = ()


def _first(raw: Any) -> str:
    if isinstance(raw, list):
        raw = raw[0] if raw else ""
    return str(raw or "").strip()


def _bounded(raw: Any, default: int, low: int, high: int, what: str, notes: list[str]) -> int:
    text = _first(raw)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        notes.append(f"{what} must be a number from {low} to {high}; using {default}.")
        return default
    if low <= value <= high:
        return value
    fixed = min(max(value, low), high)
    notes.append(f"{what} must be from {low} to {high}; using {fixed}.")
    return fixed


def parse_query(params: Mapping[str, Any]) -> PathQuery:
    """``from``, ``to``, ``k``, ``max_hops`` and ``types`` (comma separated) from the query string's parameters."""
    notes: list[str] = []
    k = _bounded(params.get("k"), DEFAULT_K, 1, MAX_K, "The number of paths", notes)
    max_hops = _bounded(params.get("max_hops"), DEFAULT_MAX_HOPS, 1, MAX_PATH_HOPS, "The number of hops", notes)
    raw_types = params.get("types")
    names = [t for item in (raw_types if isinstance(raw_types, list) else [raw_types or ""]) for t in item.split(",")]
    types: list[RelType] = []
    for name in (n.strip() for n in names):
        if not name:
            continue
        try:
            types.append(RelType(name.upper().replace("-", "_").replace(" ", "_")))
        except ValueError:
            notes.append(f"There is no relationship kind '{name}'; it was left out.")
    chosen = tuple(dict.fromkeys(types)) or None
    if chosen is not None and set(chosen) == set(RelType):
        chosen = None  # every kind is no filter at all
    return PathQuery(
        source=_first(params.get("from")) or None,
        target=_first(params.get("to")) or None,
        k=k,
        max_hops=max_hops,
        types=chosen,
        notes=tuple(notes),
    )


def query_search(source: str | None, target: str | None, k: Any, max_hops: Any, types: Sequence[str] | None) -> str:
    """The query string for these choices (kinds only when they are a real filter)."""
    params: dict[str, str] = {}
    if source:
        params["from"] = source
    if target:
        params["to"] = target
    params["k"] = str(k or DEFAULT_K)
    params["max_hops"] = str(max_hops or DEFAULT_MAX_HOPS)
    chosen = [t.value for t in RelType if t.value in set(types or ())]
    if chosen and len(chosen) < len(RelType):
        params["types"] = ",".join(chosen)
    return "?" + urlencode(params, safe=",")


def paths_href(source: str, target: str, **params: Any) -> str:
    """The shareable address of the paths between two entities."""
    return "/paths" + query_search(source, target, params.get("k"), params.get("max_hops"), params.get("types"))


# --- the store ------------------------------------------------------------------------------------------------------


def find_paths(
    store: GraphReader, a: str, b: str, k: int, max_hops: int, types: Sequence[RelType] | None
) -> list[Path]:
    """Up to ``k`` shortest paths from ``a`` to ``b``, shortest first: the store's ``shortest_paths`` when it has
    one, otherwise its single ``shortest_path``."""
    many = getattr(store, "shortest_paths", None)
    if callable(many):
        found = many(a, b, k=k, max_hops=max_hops, types=types)
        return list(found)[:k]
    one = store.shortest_path(a, b, max_hops, types)
    return [one] if one is not None else []


def finds_several(store: GraphReader) -> bool:
    return callable(getattr(store, "shortest_paths", None))


# --- paths → what the page shows (pure) ---------------------------------------------------------------------------


def no_path_sentence(a_name: str, b_name: str, max_hops: int, types: Sequence[RelType] | None = None) -> str:
    sentence = f"No path within {plural(max_hops, 'hop', 'hops')} between {a_name} and {b_name}."
    if types:
        sentence += f" Only {', '.join(rel_caption(t) for t in types)} relationships were followed."
    return sentence


def paths_summary(paths: Sequence[Path], a_name: str, b_name: str, k: int, several: bool) -> str:
    shortest = min(p.hops for p in paths)
    text = (
        f"Found {plural(len(paths), 'path', 'paths')} between {a_name} and {b_name}; "
        f"the shortest has {plural(shortest, 'hop', 'hops')}."
    )
    if len(paths) < k and several:
        text += " There are no others within the hops asked for."
    return text


ROW_GAP = 130.0
STEP = 220.0
NUDGE = STEP / 3


def path_positions(paths: Sequence[Path]) -> dict[str, tuple[float, float]]:
    """Left-to-right positions: the first entity on the left, the last on the right, each path on its own row
    (the shortest in the middle, the next ones below and above). An entity on several paths keeps its first place."""
    if not paths:
        return {}
    longest = max(max(p.hops for p in paths), 1)
    width = longest * STEP
    positions: dict[str, tuple[float, float]] = {}
    for n, path in enumerate(paths):
        row = (n + 1) // 2 * (1 if n % 2 else -1)
        count = max(path.hops, 1)
        for i, e in enumerate(path.entities):
            if e.id in positions:
                continue
            end = i in (0, len(path.entities) - 1)
            x, y = width * i / count, 0.0 if end else row * ROW_GAP
            # right above or below an entity of another row, a link between rows would run through that entity
            while any(abs(x - ox) < NUDGE and oy != y for ox, oy in positions.values()):
                x += NUDGE
            positions[e.id] = (round(x, 1), y)
    return positions


def paths_view(paths: Sequence[Path], title: str) -> GraphView:
    """Every entity and relationship on the paths, once each."""
    entities = {e.id: e for p in paths for e in p.entities}
    rels = {r.id: r for p in paths for r in p.relationships}
    return GraphView(title, tuple(entities.values()), tuple(rels.values()))


def paths_elements(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Cytoscape elements for the paths ('preset' layout); the two ends are marked as centres."""
    if not paths:
        return []
    view = paths_view(paths, "")
    ends = {paths[0].entities[0].id, paths[0].entities[-1].id}
    positions = path_positions(paths)
    nodes = [placed(entity_to_element(e, center=e.id in ends), positions) for e in view.entities]
    return nodes + relationship_elements(view.relationships, view.names)


# --- components -----------------------------------------------------------------------------------------------------


def entity_option(entity: Entity, search: str | None = None) -> dict[str, Any]:
    """A dropdown option; ``search`` is what the browser filters on (a match on an alias or identifier would
    otherwise be hidden, since the label shows only the name)."""
    label = f"{entity.name} · {kind_caption(entity.kind)}"
    if entity.sanctioned:
        label += " · SANCTIONED"
    option: dict[str, Any] = {"label": label, "value": entity.id}
    option["search"] = f"{search} {entity.name}" if search else entity.name
    return option


def hit_options(hits: Sequence[SearchHit], text: str) -> list[dict[str, Any]]:
    return [entity_option(h.entity, text) for h in hits]


def graph_view(elements: list[dict[str, Any]], height: str = "440px") -> cyto.Cytoscape:
    return cyto.Cytoscape(
        id=GRAPH_ID,
        elements=elements,
        stylesheet=stylesheet(),
        layout={"name": "preset", "fit": True, "padding": 50, "animate": False},
        style={"width": "100%", "height": height},
        minZoom=0.2,
        maxZoom=3,
        boxSelectionEnabled=False,
        responsive=True,
        className="paths-graph",
    )


def _radio(component_id: str, values: Sequence[int], value: int, unit: tuple[str, str]) -> dcc.RadioItems:
    return dcc.RadioItems(
        id=component_id,
        options=[{"label": plural(v, *unit), "value": v} for v in values],
        value=value,
        inline=True,
        className="inline",
    )


def path_form(query: PathQuery, ends: Mapping[str, Entity]) -> html.Div:
    """The two entity pickers, how many paths, how far, and which kinds of relationship to follow."""

    def picker(component_id: str, label: str, chosen: str | None) -> html.Div:
        options = [entity_option(ends[chosen])] if chosen and chosen in ends else []
        return html.Div(
            [
                html.Label(label, htmlFor=component_id, className="field"),
                dcc.Dropdown(
                    id=component_id,
                    options=options,
                    value=chosen if options else None,
                    placeholder="Type a name, alias or identifier…",
                    searchable=True,
                    clearable=True,
                    search_order="original",
                ),
            ]
        )

    types = [t.value for t in (query.types or tuple(RelType))]
    return html.Div(
        [
            picker("paths-from", "From", query.source),
            picker("paths-to", "To", query.target),
            html.Div(
                [
                    html.Label("Show up to", htmlFor="paths-k", className="field"),
                    _radio("paths-k", range(1, MAX_K + 1), query.k, ("path", "paths")),
                ]
            ),
            html.Div(
                [
                    html.Label("At most", htmlFor="paths-max-hops", className="field"),
                    _radio("paths-max-hops", range(1, MAX_PATH_HOPS + 1), query.max_hops, ("hop", "hops")),
                ]
            ),
            html.Div(
                [
                    html.Label("Follow these kinds of relationship", htmlFor="paths-types", className="field"),
                    dcc.Checklist(
                        id="paths-types",
                        options=[{"label": rel_caption(t), "value": t.value} for t in RelType],
                        value=types,
                        inline=True,
                        className="types",
                    ),
                ],
                className="wide",
            ),
            html.Div(
                html.Button("Find paths", id="paths-find", n_clicks=0, className="button", type="button"),
                className="wide",
            ),
        ],
        className="paths-form no-print",
    )


def _result_area(children: list[Any], paths: Sequence[Path], title: str) -> html.Div:
    """The results; the graph and its downloads are always there (hidden without paths) for Dash's validation."""
    shown = bool(paths)
    graph_block = html.Div(
        [export_controls(GRAPH_ID, paths_view(paths, title) if shown else None), graph_view(paths_elements(paths))],
        id="paths-graph-block",
        style=None if shown else {"display": "none"},
    )
    sections = [path_section(p, n) for n, p in enumerate(paths, start=1)]
    return html.Div(
        [*children, graph_block, html.Div(sections, id="paths-list")], id="paths-result", className="paths-result"
    )


def _get_entity(store: GraphReader, entity_id: str) -> Entity | html.Div:
    return guarded(lambda: store.get_entity(entity_id), back_to_search=False)


def render_paths(store: GraphReader, params: Mapping[str, Any]) -> html.Div:
    """The whole page for the query string's parameters."""
    query = parse_query(params)
    notes: list[Any] = [html.P(n, className="note") for n in query.notes]
    ends: dict[str, Entity] = {}
    problem: Any = None
    for entity_id in (query.source, query.target):
        if entity_id and entity_id not in ends:
            found = _get_entity(store, entity_id)
            if isinstance(found, Entity):
                ends[entity_id] = found
            elif problem is None:
                problem = found
    children: list[Any] = list(notes)
    paths: list[Path] = []
    title = "paths"
    if problem is not None:
        children.append(problem)
    elif not (query.source and query.target):
        children.append(
            html.P(
                "Pick two entities to see how they are connected: the shortest chains of ownership, "
                "directorships, payments and other relationships between them.",
                className="hint",
                id="paths-summary",
            )
        )
    elif query.source == query.target:
        children.append(html.P("Pick two different entities.", className="no-path", id="paths-summary"))
    else:
        a, b = ends[query.source], ends[query.target]
        title = f"paths {a.name} to {b.name}"
        result = guarded(
            lambda: find_paths(store, a.id, b.id, query.k, query.max_hops, query.types), back_to_search=False
        )
        if not isinstance(result, list):
            children.append(result)
        elif not result:
            children.append(
                html.P(
                    no_path_sentence(a.name, b.name, query.max_hops, query.types),
                    className="no-path",
                    id="paths-summary",
                )
            )
        else:
            paths = result
            several = finds_several(store)
            children.append(
                html.P(
                    paths_summary(paths, a.name, b.name, query.k, several),
                    className="paths-summary",
                    id="paths-summary",
                )
            )
            if query.k > 1 and not several:
                children.append(html.P("This graph store finds one shortest path at a time.", className="note"))
    return html.Div(
        [
            html.H1("Paths between two entities"),
            path_form(query, ends),
            _result_area(children, paths, title),
        ],
        className="page page-paths",
    )


def layout(**params: Any) -> html.Div:
    """Dash pages calls this with the query string's parameters (none for its validation layout)."""
    if not params:
        return render_paths(_NoStore(), {})
    return render_paths(context.current().store, params)


class _NoStore:
    """Stands in for the store when nothing is asked (the blank page never reads the graph)."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the blank paths page must not call the store ({name})")


# --- callbacks ------------------------------------------------------------------------------------------------------


def search_options(
    store: GraphReader, text: str | None, value: str | None, options: list[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """Callback: what the analyst types in a picker → matching entities (the chosen one stays an option)."""
    text = (text or "").strip()
    if len(text) < MIN_SEARCH_CHARS:
        raise dash.exceptions.PreventUpdate
    try:
        hits = store.search(text, SEARCH_LIMIT)
    except Exception:  # a picker cannot show an alert: keep what it has, the log keeps why
        log.exception("search for the paths page failed")
        raise dash.exceptions.PreventUpdate from None
    found = hit_options(hits, text)
    if value and all(o["value"] != value for o in found):
        kept = [o for o in options or [] if o.get("value") == value]
        found = kept + found
    return found


def submit(
    n_clicks: int | None,
    source: str | None,
    target: str | None,
    k: Any,
    max_hops: Any,
    types: Sequence[str] | None,
) -> str:
    """Callback: "Find paths" → the query string (which renders the page again)."""
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    return query_search(source, target, k, max_hops, types)


def register_callbacks(app: dash.Dash, store: GraphReader) -> None:
    def options_for(text: str | None, value: str | None, options: list[dict[str, Any]] | None) -> Any:
        return search_options(store, text, value, options)

    for picker in ("paths-from", "paths-to"):
        app.callback(
            Output(picker, "options"),
            Input(picker, "search_value"),
            State(picker, "value"),
            State(picker, "options"),
            prevent_initial_call=True,
        )(options_for)
    app.callback(
        Output("url", "search", allow_duplicate=True),
        Input("paths-find", "n_clicks"),
        State("paths-from", "value"),
        State("paths-to", "value"),
        State("paths-k", "value"),
        State("paths-max-hops", "value"),
        State("paths-types", "value"),
        prevent_initial_call=True,
    )(submit)
    register_export_callbacks(app, GRAPH_ID)


def title(**_: Any) -> str:
    return "Paths"
