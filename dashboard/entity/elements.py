"""The entity page's graph → cytoscape elements: the one place entities and relationships become nodes and edges.

``node_element``/``edge_element`` build every node and edge the dashboard draws: the entity page's working graph
(``compose``) and, through ``entity_to_element``/``relationship_elements``, the store's domain objects on other
pages (paths). ``compose(state, view, positions)`` is the whole drawing step of the entity page:

1. what the filters let through (``dashboard.entity.filters``);
2. entities whose neighbours are not all in the view get an "N more" node;
3. positions: small views are laid out in the browser (fcose, dagre) from the current positions; big ones, and the
   rings layout, get positions computed here and cytoscape's 'preset' layout.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from dashboard.entity.exposure import risk_classes
from dashboard.entity.filters import MONEY_TYPES, Filtered, edge_amount, filter_view
from dashboard.entity.groups import Group, find_groups, group_elements
from dashboard.entity.positions import (
    BIG_VIEW,
    LIGHT_VIEW,
    force_positions,
    layered_positions,
    radial_layout,
    radial_positions,
    seed_positions,
)
from dashboard.entity.timeline import TimelinePoint, timeline_points
from dashboard.entity.view_state import ViewState
from dashboard.entity.view_values import AUTO_FORCE_MAX, Layout
from dashboard.entity.working_graph import EdgeInfo, GraphState, NodeInfo, more_id
from dashboard.formatting import edge_label_of, short_label
from graph import ACCEPTED, REJECTED, Entity, Prop, Relationship, RelType, Subgraph, status_of

Point = tuple[float, float]

MIN_EDGE_WIDTH = 1.5
MAX_EDGE_WIDTH = 9.0
LAYOUT_PADDING = 40


# --- elements: the one builder of nodes and edges ---------------------------------------------------------------


def node_element(
    node: NodeInfo,
    center: str,
    pinned: bool = False,
    expanded: bool = False,
    in_view: int | None = None,
    degree: int | None = None,
    noted: bool = False,
) -> dict[str, Any]:
    """An entity as a cytoscape node: classes by kind, marks ('sanctioned', 'front', 'stub'), 'center', 'pinned',
    'expanded' and risk (``risk_classes``); ``in_view``: its neighbours loaded in the page's view, when known;
    ``degree``: its connections in the graph where known (else in the view), for sizing nodes by degree;
    ``noted``: a case holds a note on it ('noted', drawn with a mark)."""
    classes = [node.kind]
    for flag, name in ((node.sanctioned, "sanctioned"), (node.front, "front"), (node.stub, "stub")):
        if flag:
            classes.append(name)
    if node.id == center:
        classes.append("center")
    if pinned:
        classes.append("pinned")
    if expanded:
        classes.append("expanded")
    if noted:
        classes.append("noted")
    classes += risk_classes(node.risk)
    data: dict[str, Any] = {
        "id": node.id,
        "label": short_label(node.name, node.kind),
        "name": node.name,
        "kind": node.kind,
        "sanctioned": node.sanctioned,
        "front": node.front,
        "center": node.id == center,
        "pinned": pinned,
        "exposure": node.risk.band,
    }
    if noted:
        data["noted"] = True
    if in_view is not None:
        data["in_view"] = in_view
    if degree is not None or in_view is not None:
        data["degree"] = max(degree or 0, in_view or 0)
    return {"data": data, "classes": " ".join(classes), "locked": pinned}


def edge_width(edge: EdgeInfo, largest: float) -> float | None:
    """Line width: a payment or transfer by its amount (log scale against the largest in view), an ownership by
    its percentage; None for the others (their type's width)."""
    if edge.type in MONEY_TYPES:
        amount = edge_amount(edge)
        if amount is None or amount <= 0 or largest <= 0:
            return None
        share = math.log10(1 + amount) / math.log10(1 + largest) if largest > 0 else 0.0
        return round(MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * min(max(share, 0.0), 1.0), 1)
    if edge.type == RelType.OWNS.value:
        pct = edge.props.get(Prop.PERCENTAGE.value)
        if isinstance(pct, int | float) and not isinstance(pct, bool):
            return round(MIN_EDGE_WIDTH + 6.0 * min(max(float(pct), 0.0), 100.0) / 100.0, 1)
    return None


def edge_element(
    edge: EdgeInfo, names: Mapping[str, str], largest: float, noted: bool = False, label: str | None = None
) -> dict[str, Any]:
    """A relationship as a cytoscape edge (``label``: its ``edge_label_of`` when the caller has it already)."""
    data: dict[str, Any] = {
        "id": edge.id,
        "source": edge.source,
        "target": edge.target,
        "type": edge.type,
        "label": edge_label_of(edge.type, edge.props) if label is None else label,
        "source_name": names.get(edge.source, edge.source),
        "target_name": names.get(edge.target, edge.target),
        "props": edge.props,
    }
    if noted:
        data["noted"] = True
    width = edge_width(edge, largest)
    if width is not None:
        data["width"] = width
    return {"data": data, "classes": f"{edge.type}{same_as_class(edge)}{' noted' if noted else ''}"}


def same_as_class(edge: EdgeInfo) -> str:
    """A SAME_AS as an analyst judged it: accepted drawn as a confirmed link, rejected greyed and dashed, an open
    candidate as it was (dotted); other relationships get nothing."""
    if edge.type != RelType.SAME_AS:
        return ""
    status = status_of(dict(edge.props))
    if status == ACCEPTED:
        return " same-as-accepted"
    if status == REJECTED:
        return " same-as-rejected"
    return " same-as-candidate"


def more_elements(parent: NodeInfo, count: int) -> list[dict[str, Any]]:
    """The "N more" node of an entity and the dashed line to it."""
    node_id = more_id(parent.id)
    return [
        {
            "data": {
                "id": node_id,
                "label": f"{count:,} more",
                "name": f"{count:,} more connections of {parent.name}",
                "kind": "more",
                "parent_id": parent.id,
                "count": count,
            },
            "classes": "more",
            "locked": False,
        },
        {
            "data": {"id": f"more-edge:{parent.id}", "source": parent.id, "target": node_id, "type": "more"},
            "classes": "more-edge",
        },
    ]


def largest_amount(edges: Iterable[EdgeInfo]) -> float:
    """The largest payment or transfer among ``edges`` (what ``edge_width`` scales against)."""
    return max((a for e in edges if e.type in MONEY_TYPES for a in [edge_amount(e)] if a), default=0.0)


# --- domain objects (a store's entities and relationships) through the same builder -----------------------------

#: Relationship properties that are bookkeeping, not facts, on a page without a sources table.
_REL_BOOKKEEPING = frozenset({Prop.SOURCE_IDS.value})


def entity_to_element(entity: Entity, center: bool = False) -> dict[str, Any]:
    """A store's entity as a node (``node_element``); ``center`` marks it as a centre of the drawing."""
    return node_element(NodeInfo.of(entity), entity.id if center else "")


def relationship_elements(rels: Iterable[Relationship], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """A store's relationships as edges (``edge_element``), widths scaled against the largest amount among them;
    relationships whose ends are not both in ``names`` are left out (cytoscape would refuse them)."""
    edges = []
    for rel in rels:
        if rel.source in names and rel.target in names:
            edge = EdgeInfo.of(rel)
            props = {k: v for k, v in edge.props.items() if k not in _REL_BOOKKEEPING}
            edges.append(replace(edge, props=props))
    largest = largest_amount(edges)
    return [edge_element(e, names, largest) for e in edges]


def placed(element: dict[str, Any], positions: Mapping[str, Point]) -> dict[str, Any]:
    """``element`` at its position (the origin when it has none)."""
    x, y = positions.get(str(element["data"]["id"]), (0.0, 0.0))
    element["position"] = {"x": x, "y": y}
    return element


def subgraph_to_elements(subgraph: Subgraph) -> list[dict[str, Any]]:
    """Nodes then edges, ready for ``dash_cytoscape.Cytoscape(elements=...)`` with the 'preset' layout.

    The centre carries class 'center'; nodes carry radial positions; edges whose ends are not both in the subgraph
    are left out."""
    positions = radial_positions(subgraph)
    nodes = [placed(entity_to_element(e, center=e.id == subgraph.center), positions) for e in subgraph.entities]
    return nodes + relationship_elements(subgraph.relationships, {e.id: e.name for e in subgraph.entities})


# --- shared infrastructure: dashed links between entities that share an address, a wallet or an identifier -------

SHARED_TYPE = "shared"
SHARED_PREFIX = "shared:"
SHARED_MIN_WIDTH = 1.0
SHARED_MAX_WIDTH = 7.0


def shared_label(values: Sequence[Mapping[str, Any]]) -> str:
    """'address', 'wallet + Passport': the kinds of value shared, each once, in the order found."""
    kinds = list(dict.fromkeys(str(v.get("kind") or "") for v in values if v.get("kind")))
    return " + ".join(kinds) or "shared"


def shared_width(weight: float) -> float:
    return round(SHARED_MIN_WIDTH + (SHARED_MAX_WIDTH - SHARED_MIN_WIDTH) * min(max(weight, 0.0), 1.0), 1)


def shared_edge_elements(
    pairs: Mapping[str, Mapping[str, Any]], drawn: Iterable[str], names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Dashed edges (class 'shared', type 'shared') for the pairs whose two ends are drawn, strongest last (on top);
    width by weight, labelled with the kinds of value shared."""
    shown = set(drawn)
    edges = []
    for key, pair in sorted(pairs.items(), key=lambda kv: (float(kv[1].get("weight") or 0.0), kv[0])):
        a, b = str(pair.get("a")), str(pair.get("b"))
        if a not in shown or b not in shown:
            continue
        weight = float(pair.get("weight") or 0.0)
        values = list(pair.get("values") or ())
        edges.append(
            {
                "data": {
                    "id": SHARED_PREFIX + key,
                    "source": a,
                    "target": b,
                    "type": SHARED_TYPE,
                    "label": shared_label(values),
                    "width": shared_width(weight),
                    "weight": round(weight, 4),
                    "values": values,
                    "source_name": names.get(a, a),
                    "target_name": names.get(b, b),
                },
                "classes": SHARED_TYPE,
            }
        )
    return edges


# --- layout ------------------------------------------------------------------------------------------------------

#: Relationship types that read top-down (owner above what it owns): a view made of them is drawn as a hierarchy.
_HIERARCHICAL = frozenset({RelType.OWNS.value, RelType.DIRECTS.value})


def choose_layout(view: ViewState, nodes: int, rel_types: Sequence[str]) -> Layout:
    """The layout to draw: the analyst's choice, or by size and shape when the view leaves it to the page
    (``view.auto``): an ownership/control tree as a hierarchy, other small views force-directed, big ones in rings;
    the page's own choice is always computed on the server (``arrange(server=True)``), so it is drawn at once."""
    if not view.auto:
        return view.layout
    if nodes > AUTO_FORCE_MAX:
        return Layout.CONCENTRIC
    if len(rel_types) >= 3 and all(t in _HIERARCHICAL for t in rel_types):
        return Layout.HIERARCHY
    return Layout.FORCE


def _layout_key(layout: Layout, ids: Sequence[str]) -> str:
    """Changes when the drawn nodes or the layout change: only then does the browser run the layout again."""
    return f"{layout.value}-{len(ids)}-{zlib.crc32(chr(0).join(sorted(ids)).encode()):08x}"


def browser_layout(layout: Layout, key: str) -> dict[str, Any]:
    common: dict[str, Any] = {"fit": True, "padding": LAYOUT_PADDING, "animate": False, "key": key}
    if layout is Layout.FORCE:
        return {
            "name": "fcose",
            "quality": "default",
            "randomize": False,
            "nodeDimensionsIncludeLabels": True,
            "idealEdgeLength": 110,
            "nodeRepulsion": 6500,
            "numIter": 2500,
            **common,
        }
    if layout is Layout.HIERARCHY:
        return {
            "name": "dagre",
            "rankDir": "TB",
            "nodeSep": 40,
            "rankSep": 90,
            "edgeSep": 10,
            "nodeDimensionsIncludeLabels": True,
            **common,
        }
    return {"name": "preset", **common}


def arrange(
    layout: Layout,
    ids: Sequence[str],
    edges: Sequence[tuple[str, str]],
    center: str,
    current: Mapping[str, Point],
    pinned: Iterable[str],
    order: Mapping[str, tuple[str, ...]],
    server: bool = False,
) -> tuple[dict[str, Point], dict[str, Any]]:
    """Positions for ``ids`` and the cytoscape layout to run. Pinned entities keep their current place.
    ``server``: positions computed here whatever the size (the layout the page chose itself: drawn at once)."""
    key = _layout_key(layout, ids)
    big = len(ids) > BIG_VIEW or server
    keep = {i: current[i] for i in pinned if i in current}
    if layout is Layout.CONCENTRIC:
        positions = radial_layout(ids, edges, center, order)
    elif not big:  # the browser lays it out, starting from where things are
        positions = seed_positions(ids, edges, current or radial_layout(ids, edges, center, order), center)
        return {**positions, **keep}, browser_layout(layout, key)
    elif layout is Layout.HIERARCHY:
        positions = layered_positions(ids, edges)
    else:
        start = seed_positions(ids, edges, current, center) if current else radial_layout(ids, edges, center, order)
        positions = force_positions(ids, edges, start, fixed=keep)
    return {**positions, **keep}, browser_layout(Layout.CONCENTRIC, key)


# --- the whole drawing --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComposedView:
    elements: list[dict[str, Any]]
    layout: dict[str, Any]
    filtered: Filtered
    more: dict[str, int]
    big: bool  # drawn lighter: more than BIG_VIEW nodes or LIGHT_VIEW elements
    present: frozenset[str]  # kinds and relationship types drawn (for the legend)
    timeline: list[TimelinePoint] = field(default_factory=list)
    groups: tuple[Group, ...] = ()
    layout_used: Layout = Layout.CONCENTRIC  # what ``choose_layout`` drew

    @property
    def node_count(self) -> int:
        return len(self.filtered.nodes)

    @property
    def edge_count(self) -> int:
        return len(self.filtered.edges)

    @property
    def not_loaded(self) -> int:
        return sum(self.more.values())


def compose(
    state: GraphState,
    view: ViewState,
    current: Mapping[str, Point] | None = None,
    noted: Collection[str] = frozenset(),
) -> ComposedView:
    """Elements and layout of the page's graph for ``state`` seen through ``view``; ``current``: positions the
    browser has now (entities that keep theirs do not jump); ``noted``: ids of entities and relationships a case
    holds notes on (marked). Leaves in groups (``dashboard.entity.groups``) are drawn as one group node each."""
    current = current or {}
    shown = filter_view(state, view)
    drawn = set(shown.nodes)
    more = {p: n for p, n in state.more().items() if p in drawn}
    names = {i: n.name for i, n in state.nodes.items()}
    edges = [state.edges[i] for i in shown.edges]
    pinned = [p for p in state.pinned if p in drawn]
    keep = {state.center, *pinned, *more}
    groups = [
        g
        for g in find_groups(state.nodes, shown.nodes, edges, keep, state.opened, view.group_min)
        if g.parent not in state.expanded
    ]
    grouped = {m for g in groups for m in g.members}
    grouped_edges = {e for g in groups for e in g.edges}
    edges = [e for e in edges if e.id not in grouped_edges]
    pairs = [(e.source, e.target) for e in edges]
    order: dict[str, tuple[str, ...]] = {i: (n.kind, n.name.casefold(), i) for i, n in state.nodes.items()}
    ids = [i for i in shown.nodes if i not in grouped]
    # "N more" and group nodes are laid out with the rest, as one more neighbour of their entity
    extra_ids = [more_id(p) for p in more] + [g.id for g in groups]
    extra_pairs = [(p, more_id(p)) for p in more] + [(g.parent, g.id) for g in groups]
    order.update({more_id(p): ("~", p) for p in more})
    order.update({g.id: ("~", g.id) for g in groups})
    layout_choice = choose_layout(view, len(ids) + len(extra_ids), [e.type for e in edges])
    positions, layout = arrange(
        layout_choice, ids + extra_ids, pairs + extra_pairs, state.center, current, pinned, order, server=view.auto
    )
    largest = largest_amount(edges)
    pinned_set, expanded = set(pinned), set(state.expanded)
    loaded_neighbours: dict[str, set[str]] = {}
    for e in state.edges.values():
        if e.source != e.target:
            loaded_neighbours.setdefault(e.source, set()).add(e.target)
            loaded_neighbours.setdefault(e.target, set()).add(e.source)
    elements: list[dict[str, Any]] = []
    for i in ids:
        in_view = len(loaded_neighbours.get(i, ()))
        node = node_element(
            state.nodes[i], state.center, i in pinned_set, i in expanded, in_view, state.degree.get(i), i in noted
        )
        elements.append(placed(node, positions))
    lines: list[dict[str, Any]] = []
    for parent, count in more.items():
        node, line = more_elements(state.nodes[parent], count)
        elements.append(placed(node, positions))
        lines.append(line)
    for g in groups:
        node, line = group_elements(g, names.get(g.parent, g.parent), _sanctioned(state, g))
        elements.append(placed(node, positions))
        lines.append(line)
    # each label once: the edges and the timeline's points use the same ones
    labels = {i: edge_label_of(state.edges[i].type, state.edges[i].props) for i in shown.edges}
    elements += [edge_element(e, names, largest, e.id in noted, labels[e.id]) for e in edges]
    elements += lines
    present = frozenset({state.nodes[i].kind for i in shown.nodes} | {e.type for e in edges})
    count = len(ids) + len(extra_ids)
    return ComposedView(
        elements=elements,
        layout=layout,
        filtered=shown,
        more=more,
        big=count > BIG_VIEW or count + len(edges) > LIGHT_VIEW,
        present=present,
        timeline=timeline_points(state, view, shown, labels),
        groups=tuple(groups),
        layout_used=layout_choice,
    )


def _sanctioned(state: GraphState, group: Group) -> int:
    return sum(1 for m in group.members if state.nodes[m].sanctioned)


def positions_from(raw: Any) -> dict[str, Point]:
    """The browser's positions as the page keeps them ({id: [x, y]}); anything malformed is skipped."""
    out: dict[str, Point] = {}
    if not isinstance(raw, Mapping):
        return out
    for key, value in raw.items():
        if isinstance(value, list | tuple) and len(value) == 2:
            try:
                out[str(key)] = (float(value[0]), float(value[1]))
            except (TypeError, ValueError):
                continue
    return out
