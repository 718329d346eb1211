"""Everything the entity page draws from its working graph and its view, in one pure function (``render_view``)
serving the first render and every redraw: elements, layout, stylesheet, the sentences about the view, the legend,
the timeline's figure and the filters' choices."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dash import html

from dashboard.components import legend
from dashboard.entity import actions, risk
from dashboard.entity.actions import MAX_VIEW_NODES
from dashboard.entity.asserted import ASSERTED_TYPE, asserted_elements, drawn_nodes
from dashboard.entity.elements import SHARED_TYPE, ComposedView, compose
from dashboard.entity.legend import risk_legend_items
from dashboard.entity.styles import rules_in_use, stylesheet
from dashboard.entity.timeline import figure
from dashboard.entity.view_state import ViewState
from dashboard.entity.working_graph import GraphState
from dashboard.formatting import plural, rel_caption
from graph import KIND_CAPTIONS, NodeKind, RelType

# --- sentences --------------------------------------------------------------------------------------------------


def graph_summary(composed: ComposedView, hops: int, name: str, filtered: bool, expanded: int = 0) -> str:
    """What the view holds, counted from what is drawn now (after expansions, groups, hiding, filters)."""
    others = composed.node_count - 1
    if others <= 0:
        if filtered:
            return f"No entity connected to {name} passes the filters."
        return f"{name} has no recorded relationships."
    text = (
        f"Showing {plural(others, 'connected entity', 'connected entities')} and "
        f"{plural(composed.edge_count, 'relationship', 'relationships')} "
        f"within {plural(hops, 'hop', 'hops')} of {name}"
    )
    if expanded:
        text += f", plus what {plural(expanded, 'expansion', 'expansions')} brought"
    if composed.groups:
        members = sum(len(g.members) for g in composed.groups)
        text += f"; {plural(members, 'entity', 'entities')} in {plural(len(composed.groups), 'group', 'groups')}"
        text += " (click a group to open it)"
    return text + "."


def omitted_sentence(omitted: int) -> str | None:
    """What the first load left out because the view was full ("too many results")."""
    if omitted <= 0:
        return None
    if omitted == 1:
        return "1 more connected entity is not shown."
    return f"{omitted:,} more connected entities are not shown."


def omitted_note(sentence: str | None) -> list[Any] | None:
    """The "too many results" note under the summary: what was left out, and what to do about it."""
    if not sentence:
        return None
    hint = (
        f" The view holds at most {MAX_VIEW_NODES:,} entities: choose fewer hops, or open the page of an entity"
        " nearer to what you are looking for."
    )
    return [sentence, html.Span(hint, className="hint")]


def filter_sentence(composed: ComposedView, view: ViewState) -> str | None:
    parts = []
    f = composed.filtered
    if view.filtered and (f.cut or f.edges_out):
        parts.append(
            f"The filters leave out {plural(len(f.cut), 'entity', 'entities')} and "
            f"{plural(f.edges_out, 'relationship', 'relationships')}."
        )
    if f.hidden:
        parts.append(f"{plural(f.hidden, 'entity is', 'entities are')} hidden (“Show hidden” brings them back).")
    if composed.not_loaded:
        parts.append(
            f"{plural(composed.not_loaded, 'connection is', 'connections are')} not drawn yet: "
            "click an “N more” node to show them."
        )
    return " ".join(parts) or None


# --- the drawing: one pure function for the first render and for every callback ---------------------------------


@dataclass(frozen=True)
class Rendered:
    """Everything the page shows that depends on the working graph and the view."""

    elements: list[dict[str, Any]]
    layout: dict[str, Any]
    stylesheet: list[dict[str, Any]]
    summary: str
    filter_note: str | None
    omitted: str | None
    legend: html.Div
    figure: dict[str, Any]
    kind_options: list[dict[str, Any]]
    rel_options: list[dict[str, Any]]
    dataset_options: list[dict[str, Any]]
    hidden_label: str
    hidden_disabled: bool
    composed: ComposedView
    risk_note: tuple[str, ...] = ()
    noted: tuple[str, ...] = ()  # ids a case holds notes on (marked on the canvas)
    asserted: tuple[Mapping[str, Any], ...] = ()  # every case's asserted links (dashboard.entity.asserted)


def kind_options(state: GraphState) -> list[dict[str, Any]]:
    counts = actions.kinds_in(state)
    return [
        {"label": f"{KIND_CAPTIONS.get(k, k.value)} ({counts.get(k.value, 0)})", "value": k.value} for k in NodeKind
    ]


def rel_options(state: GraphState) -> list[dict[str, Any]]:
    counts = actions.rels_in(state)
    return [{"label": f"{rel_caption(t)} ({counts.get(t.value, 0)})", "value": t.value} for t in RelType]


def dataset_options(state: GraphState, view: ViewState) -> list[dict[str, Any]]:
    counts = actions.datasets_in(state)
    names = sorted(set(counts) | set(view.hide_datasets))
    return [{"label": f"{d} ({plural(counts.get(d, 0), 'link', 'links')})", "value": d} for d in names]


def render_view(
    state: GraphState,
    view: ViewState,
    positions: Mapping[str, tuple[float, float]],
    shared: Mapping[str, Any] | None = None,
    noted: Collection[str] = (),
    asserted: Sequence[Mapping[str, Any]] = (),
) -> Rendered:
    """The graph, its sentences, legend, timeline and filter choices for ``state`` seen through ``view``
    (``shared``: the page's shared-infrastructure links, drawn when the view asks for them; ``noted``: ids of
    entities and relationships a case holds notes on, marked; ``asserted``: the cases' asserted links, drawn where
    both ends are)."""
    composed = compose(state, view, positions, frozenset(noted))
    drawn = composed.filtered.nodes
    shared_edges = risk.shared_elements(state, drawn, shared) if view.shared else []
    names = {i: n.name for i, n in state.nodes.items()}
    asserted_edges = asserted_elements(asserted, drawn_nodes(composed.elements), names) if asserted else []
    present = set(composed.present) | ({SHARED_TYPE} if shared_edges else set())
    present |= {ASSERTED_TYPE} if asserted_edges else set()
    center = state.nodes.get(state.center)
    name = center.name if center else state.center
    hidden = composed.filtered.hidden
    # with one hop, whatever the first load left out hangs behind the centre's "N more" node already
    not_shown = state.omitted if state.hops > 1 else 0
    elements = composed.elements + asserted_edges + shared_edges
    sheet = stylesheet(big=composed.big, colour=view.colour.value, by_degree=view.size_by_degree)
    return Rendered(
        elements=elements,
        layout=composed.layout,
        # a big view's stylesheet without the rules none of its elements can match (cytoscape tries each on each)
        stylesheet=rules_in_use(sheet, elements) if composed.big else sheet,
        # each expansion and "N more" page counted, so a second page of one hub is said too
        summary=graph_summary(composed, state.hops, name, view.filtered, state.expansion_count),
        filter_note=filter_sentence(composed, view),
        omitted=omitted_sentence(not_shown),
        legend=legend(risk_legend_items(view.colour.value, view.shared), present),
        figure=figure(composed.timeline, view.date_from, view.date_to),
        kind_options=kind_options(state),
        rel_options=rel_options(state),
        dataset_options=dataset_options(state, view),
        hidden_label=f"Show hidden ({hidden})" if hidden else "Show hidden",
        hidden_disabled=hidden == 0,
        composed=composed,
        risk_note=tuple(risk.risk_note(state, view, drawn, shared, len(shared_edges))),
        noted=tuple(noted),
        asserted=tuple(asserted),
    )
