"""How the graph looks: the cytoscape stylesheet, derived from the vocabulary (its legend: dashboard.entity.legend).

Pure functions only. Colours follow the Okabe-Ito palette (safe for colour-blind readers) and every kind also has
its own shape, every relationship type its own line style where colours are close, so nothing depends on colour
alone. Red is kept for one meaning: sanctioned. A sanctioned node has a thick red *double* border and its name on
a red tag, so it stands out in grey-scale too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from graph import NodeKind, RelType

SANCTIONED_RED = "#C00000"
FRONT_ORANGE = "#E69F00"
CENTER_HALO = "#FFD400"
PIN_OUTLINE = "#1F2A37"
MORE_GREY = "#6B7280"
NODE_SIZE = 34
CENTER_SIZE = 56
BLOCKED_RED = SANCTIONED_RED  # blocked by ownership is a way of being sanctioned: the same red, dashed
SHARED_PURPLE = "#5E3C99"
NOTE_TEAL = "#0B7285"  # a case holds a note on it (dashboard.entity.notes_panel)
ASSERTED_PURPLE = "#7C3AED"  # an analyst asserted the link (dashboard.entity.asserted): vivid violet
GROUP_FILL = "#FFF7E0"
#: Labels are drawn at this size at zoom 1, and hidden where they would be smaller than MIN_LABEL_PX on screen
#: (assets/entity.js scales them with the zoom in views up to ``LABEL_SCALE_MAX`` nodes, and for the node under the
#: pointer or selected at any size, so shown labels measure at least MIN_LABEL_PX).
LABEL_PX = 12
MIN_LABEL_PX = 11
#: Size by degree: nodes from DEGREE_MIN_SIZE (1 connection) to DEGREE_MAX_SIZE (DEGREE_TOP connections or more).
DEGREE_MIN_SIZE = 24
DEGREE_MAX_SIZE = 96
DEGREE_TOP = 60

#: Colour by exposure (``ColourBy.EXPOSURE``): hops to the nearest sanctioned entity, red (0: sanctioned) to pale
#: yellow (3), grey further away, light blue when no sanctioned entity is in reach, white when not analysed. Keys are
#: ``dashboard.entity.exposure.EXPOSURE_BANDS``; nodes carry them as classes 'exposure-<band>'.
EXPOSURE_COLOURS: dict[str, str] = {
    "0": SANCTIONED_RED,
    "1": "#E66101",
    "2": "#FDB863",
    "3": "#FEE8A0",
    "far": "#D9D9D9",
    "none": "#A6CEE3",
    "unknown": "#FFFFFF",
}
EXPOSURE_CAPTIONS: dict[str, str] = {
    "0": "Sanctioned (0 hops)",
    "1": "1 hop from a sanctioned entity",
    "2": "2 hops",
    "3": "3 hops",
    "far": "4 hops or more",
    "none": "No sanctioned entity in reach",
    "unknown": "Not analysed",
}


@dataclass(frozen=True)
class KindStyle:
    colour: str
    shape: str  # a cytoscape node shape
    size: int = NODE_SIZE

    def css(self) -> dict[str, Any]:
        """The cytoscape style of a node of this kind."""
        return {"shape": self.shape, "background-color": self.colour, "width": self.size, "height": self.size}


@dataclass(frozen=True)
class RelStyle:
    colour: str
    line_style: Literal["solid", "dashed", "dotted"] = "solid"
    width: int = 2

    def css(self) -> dict[str, Any]:
        """The cytoscape style of an edge of this type."""
        colour = self.colour
        return {"line-color": colour, "target-arrow-color": colour, "line-style": self.line_style, "width": self.width}


KIND_STYLES: dict[NodeKind, KindStyle] = {
    NodeKind.PERSON: KindStyle("#0072B2", "ellipse"),
    NodeKind.COMPANY: KindStyle("#009E73", "round-rectangle"),
    NodeKind.ORGANIZATION: KindStyle("#56B4E9", "hexagon"),
    NodeKind.LEGAL_ENTITY: KindStyle("#8C8C8C", "octagon"),
    NodeKind.WALLET: KindStyle("#E69F00", "diamond"),
    NodeKind.ADDRESS: KindStyle("#CC79A7", "rectangle", size=18),
    NodeKind.VESSEL: KindStyle("#1B4F72", "barrel"),
    NodeKind.AIRCRAFT: KindStyle("#6A3D9A", "vee"),
}

#: For a kind added to the vocabulary before anyone gave it a style: still distinct from the others.
FALLBACK_KIND_STYLES: tuple[KindStyle, ...] = (
    KindStyle("#999933", "star"),
    KindStyle("#44AA99", "pentagon"),
    KindStyle("#117733", "triangle"),
    KindStyle("#332288", "tag"),
)

REL_STYLES: dict[RelType, RelStyle] = {
    RelType.OWNS: RelStyle("#0072B2", width=3),
    RelType.DIRECTS: RelStyle("#56B4E9"),
    RelType.EMPLOYS: RelStyle("#009E73"),
    RelType.MEMBER_OF: RelStyle("#CC79A7"),
    RelType.FAMILY_OF: RelStyle("#882255", "dashed"),
    RelType.ASSOCIATE_OF: RelStyle("#AA4499", "dashed"),
    RelType.LINKED_TO: RelStyle("#7F7F7F", "dashed"),
    RelType.PAID: RelStyle("#E69F00", width=3),
    RelType.TRANSFERRED: RelStyle("#A6611A", width=3),
    RelType.HOLDS: RelStyle("#444444"),
    RelType.LOCATED_AT: RelStyle("#BBBBBB", "dotted"),
    RelType.SAME_AS: RelStyle("#999999", "dotted"),
}

FALLBACK_REL_STYLE = RelStyle("#666666", "dashed")


def kind_style(kind: NodeKind) -> KindStyle:
    """The style of a node kind; kinds without one get a distinct fallback (stable for a given vocabulary)."""
    if kind in KIND_STYLES:
        return KIND_STYLES[kind]
    unstyled = [k for k in NodeKind if k not in KIND_STYLES]
    return FALLBACK_KIND_STYLES[unstyled.index(kind) % len(FALLBACK_KIND_STYLES)]


def rel_style(rel_type: RelType) -> RelStyle:
    return REL_STYLES.get(rel_type, FALLBACK_REL_STYLE)


def class_rules(element: str, looks: Mapping[str, KindStyle | RelStyle]) -> list[dict[str, Any]]:
    """One rule per class of ``element`` ('node': a kind, 'edge': a relationship type) with its look."""
    return [{"selector": f"{element}.{name}", "style": look.css()} for name, look in looks.items()]


def exposure_rules() -> list[dict[str, Any]]:
    """Colour by exposure: every node white (not analysed) unless its 'exposure-<band>' class says otherwise."""
    rules: list[dict[str, Any]] = [{"selector": "node", "style": {"background-color": EXPOSURE_COLOURS["unknown"]}}]
    rules += [
        {"selector": f"node.exposure-{band}", "style": {"background-color": colour}}
        for band, colour in EXPOSURE_COLOURS.items()
        if band != "unknown"
    ]
    return rules


def degree_rules() -> list[dict[str, Any]]:
    """Size by degree: a node's width and height from its number of connections (data 'degree')."""
    size = f"mapData(degree, 1, {DEGREE_TOP}, {DEGREE_MIN_SIZE}, {DEGREE_MAX_SIZE})"
    return [{"selector": "node[degree]", "style": {"width": size, "height": size}}]


def group_rules() -> list[dict[str, Any]]:
    """A group of leaves: the members' shape, pale, with a thick dashed border and its count as the label inside."""
    return [
        {
            "selector": "node.group",
            "style": {
                "width": 58,
                "height": 58,
                "background-color": GROUP_FILL,
                "border-width": 3,
                "border-style": "dashed",
                "border-color": "#333333",
                "label": "data(label)",
                "font-weight": "bold",
                "text-valign": "center",
                "text-margin-y": 0,
                "text-max-width": "90px",
            },
        },
        {"selector": "node.group-sanctioned", "style": {"border-color": SANCTIONED_RED, "border-width": 5}},
        {"selector": "edge.group-edge", "style": {"width": 5, "line-style": "solid", "opacity": 0.8}},
    ]


def stylesheet(big: bool = False, colour: str = "kind", by_degree: bool = False) -> list[dict[str, Any]]:
    """The cytoscape stylesheet. Later rules win, so the marks (front, blocked, sanctioned, centre) come after the
    kinds.

    ``big``: a view of hundreds of nodes, drawn lighter (no edge labels until an edge is selected, node labels only
    when zoomed in enough to read them), so panning and zooming stay smooth. ``colour``: 'kind' (default) or
    'exposure' (``exposure_rules``; kinds keep their shapes). ``by_degree``: node sizes by number of connections.
    Labels smaller than MIN_LABEL_PX on screen are not drawn, except on the selected node or the one under the
    pointer (class 'hover')."""
    rules: list[dict[str, Any]] = [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "width": NODE_SIZE,
                "height": NODE_SIZE,
                "font-size": LABEL_PX,
                "min-zoomed-font-size": MIN_LABEL_PX,
                "color": "#1A1A1A",
                "text-valign": "bottom",  # (centred across: cytoscape's default, not set again for every node)
                "text-margin-y": 5,
                "text-wrap": "wrap",
                "text-max-width": "140px",
                "text-background-color": "#FFFFFF",
                "text-background-opacity": 0.85,
                "text-background-padding": "2px",
                "text-background-shape": "roundrectangle",
                "border-width": 1,
                "border-color": "#333333",
                "background-color": "#BBBBBB",
            },
        }
    ]
    rules += class_rules("node", {kind.value: kind_style(kind) for kind in NodeKind})
    if colour == "exposure":
        rules += exposure_rules()
    if by_degree:
        rules += degree_rules()
    rules += group_rules()
    rules += [
        {"selector": "node.stub", "style": {"background-opacity": 0.45, "border-style": "dotted"}},
        {
            "selector": "node.front",
            "style": {"border-width": 4, "border-style": "dashed", "border-color": FRONT_ORANGE},
        },
        # the OFAC 50% rule, shown whatever the colouring: blocked (dashed red), possibly blocked (dotted red)
        {
            "selector": "node.blocked",
            "style": {"border-width": 5, "border-style": "dashed", "border-color": BLOCKED_RED},
        },
        {
            "selector": "node.possibly-blocked",
            "style": {"border-width": 4, "border-style": "dotted", "border-color": BLOCKED_RED},
        },
        {
            "selector": "node.sanctioned",
            "style": {
                "border-width": 7,
                "border-style": "double",
                "border-color": SANCTIONED_RED,
                "color": "#FFFFFF",
                "font-weight": "bold",
                "text-background-color": SANCTIONED_RED,
                "text-background-opacity": 1,
                "text-background-padding": "3px",
            },
        },
        {
            "selector": "node.center",
            "style": {
                "width": CENTER_SIZE,
                "height": CENTER_SIZE,
                "font-size": 14,
                "font-weight": "bold",
                "underlay-color": CENTER_HALO,
                "underlay-opacity": 0.7,
                "underlay-padding": 12,
                "underlay-shape": "ellipse",
                "z-index": 10,
            },
        },
        {
            "selector": "edge",
            "style": {
                "label": "data(label)",
                "curve-style": "bezier",
                "target-arrow-shape": "triangle",
                "arrow-scale": 1.1,
                "width": 2,
                "font-size": 9,
                "color": "#333333",
                "text-rotation": "autorotate",
                "text-background-color": "#FFFFFF",
                "text-background-opacity": 0.85,
                "text-background-padding": "1px",
                "min-zoomed-font-size": MIN_LABEL_PX,
            },
        },
    ]
    rules += class_rules("edge", {rel_type.value: rel_style(rel_type) for rel_type in RelType})
    rules += [
        # line width from the data where the view computed one: payments and transfers by amount, ownership by share
        {"selector": "edge[width]", "style": {"width": "data(width)"}},
        # SAME_AS as judged: accepted is a confirmed link (solid, green); rejected is greyed, dashed and says so
        # an accepted candidate is the same entity: said so, without the candidate's question mark
        {
            "selector": "edge.same-as-accepted",
            "style": {"line-style": "solid", "line-color": "#009E73", "width": 3, "label": "same as (accepted)"},
        },
        {
            "selector": "edge.same-as-rejected",
            "style": {"line-style": "dashed", "line-color": "#BBBBBB", "opacity": 0.5, "label": "rejected same as"},
        },
        # shared infrastructure: not a relationship anyone asserted, so no arrow; width by weight (data(width))
        {
            "selector": "edge.shared",
            "style": {
                "line-color": SHARED_PURPLE,
                "line-style": "dashed",
                "line-dash-pattern": [7, 4],
                "target-arrow-shape": "none",
                # an arc, so the line stands apart from relationships along the same way (entity → address → entity)
                "curve-style": "unbundled-bezier",
                "control-point-distances": [50],
                "control-point-weights": [0.5],
                "opacity": 0.9,
                "color": SHARED_PURPLE,
                "font-style": "italic",
            },
        },
        {
            "selector": "node.pinned",
            "style": {"outline-width": 3, "outline-color": PIN_OUTLINE, "outline-offset": 3, "outline-opacity": 1},
        },
        {
            "selector": "node.more",
            "style": {
                "shape": "round-rectangle",
                "width": 64,
                "height": 22,
                "background-color": "#F3F4F6",
                "border-width": 1,
                "border-style": "dashed",
                "border-color": MORE_GREY,
                "label": "data(label)",
                "color": "#111827",
                "font-size": 10,
                "font-weight": "bold",
                "text-valign": "center",
                "text-halign": "center",
                "text-margin-y": 0,
                "text-background-opacity": 0,
            },
        },
        {
            "selector": "edge.more-edge",
            "style": {
                "line-color": MORE_GREY,
                "line-style": "dashed",
                "width": 1,
                "target-arrow-shape": "none",
                "label": "",
            },
        },
        # noted (a case holds a note on it): a teal frame round the name; an edge glows teal
        {
            "selector": "node.noted",
            "style": {"text-border-width": 2, "text-border-color": NOTE_TEAL, "text-border-opacity": 1},
        },
        {
            "selector": "edge.noted",
            "style": {"underlay-color": NOTE_TEAL, "underlay-opacity": 0.4, "underlay-padding": 5},
        },
        # analyst-asserted (a case's own link, not a source's): dash-dot purple, its label in italics + "(analyst)"
        {
            "selector": "edge.asserted",
            "style": {
                "line-color": ASSERTED_PURPLE,
                "line-style": "dashed",
                "line-dash-pattern": [10, 4, 2, 4],
                "width": 2.5,
                "target-arrow-shape": "none",
                # an arc to the other side than shared infrastructure's, apart from a relationship between the two
                "curve-style": "unbundled-bezier",
                "control-point-distances": [-40],
                "control-point-weights": [0.5],
                "label": "data(label)",
                "color": ASSERTED_PURPLE,
                "font-style": "italic",
            },
        },
        {"selector": "node:selected", "style": {"overlay-color": "#0169D9", "overlay-opacity": 0.25}},
        {"selector": "edge:selected", "style": {"overlay-color": "#0169D9", "overlay-opacity": 0.25}},
    ]
    rules += hover_rules()
    if big:
        rules = selected_edge_looks(rules)
        rules += [
            {"selector": "node", "style": {"min-zoomed-font-size": MIN_LABEL_PX, "text-background-opacity": 0.6}},
            {"selector": "edge", "style": {"curve-style": "haystack", "opacity": 0.8}},
            {
                "selector": "edge:selected",
                "style": {"label": "data(label)", "curve-style": "bezier", "target-arrow-shape": "triangle"},
            },
            *hover_rules(),  # last, so they win over the lighter drawing
        ]
    return rules


#: Edge properties a big view draws only on the selected edge (its label and arrow): the other edges of a big view
#: show neither, so they are styled without them.
SELECTED_EDGE_LOOK = frozenset(
    {
        "label",
        "font-size",
        "font-style",
        "color",
        "text-rotation",
        "text-background-color",
        "text-background-opacity",
        "text-background-padding",
        "min-zoomed-font-size",
        "target-arrow-shape",
        "target-arrow-color",
        "arrow-scale",
    }
)


def selected_edge_looks(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rules`` with each edge rule's label and arrow properties (``SELECTED_EDGE_LOOK``) moved to a rule right
    after it for the same edges when selected: a selected edge looks as before, the others apply a few properties
    instead of a dozen. Cytoscape applies every property of every matching rule to every element, and each label or
    size property makes it recompute bounds and send an event: at 5,000 edges that was most of the style cost of a
    big view's first frame."""
    out: list[dict[str, Any]] = []
    for rule in rules:
        selector, style = str(rule["selector"]), rule["style"]
        moved = {k: v for k, v in style.items() if k in SELECTED_EDGE_LOOK}
        if not selector.startswith("edge") or ":selected" in selector or not moved:
            out.append(rule)
            continue
        kept = {k: v for k, v in style.items() if k not in SELECTED_EDGE_LOOK}
        if kept:
            out.append({"selector": selector, "style": kept})
        out.append({"selector": f"{selector}:selected", "style": moved})
    return out


def hover_rules() -> list[dict[str, Any]]:
    """The node under the pointer or selected shows its label at any zoom (entity.js sizes it for the screen)."""
    hover = {"min-zoomed-font-size": 0, "z-index": 20, "text-background-opacity": 1}
    return [{"selector": "node.hover", "style": hover}, {"selector": "node:selected", "style": hover}]


#: Classes the page's script gives elements in the browser (assets/entity.js: the node under the pointer), so the
#: server never sees them on an element: their rules are always kept.
BROWSER_CLASSES = frozenset({"hover"})

#: The selectors ``rules_in_use`` can read: 'node', 'edge.PAID', 'node.group.group-sanctioned', 'edge[width]',
#: any of them ':selected'. Anything else is kept.
_SIMPLE_SELECTOR = re.compile(r"^(node|edge)((?:\.[\w-]+)*)((?:\[[\w-]+\])*)(?::selected)?$")


def rules_in_use(rules: list[dict[str, Any]], elements: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``rules`` without those no element of ``elements`` can match: a rule asking for classes or data fields that no
    node (or edge) of the view has together. Cytoscape matches every rule of the stylesheet against every element
    whenever it styles one, so a big view's 7,000 elements were each matched against ~70 rules, half of them for
    kinds, marks and relationship types not in the view. Every element gets exactly the look the whole stylesheet
    gives it (the rules it matches are all kept, in their order). The page sends a new stylesheet with every new
    set of elements, so rules come back with the elements that need them; classes the browser sets itself
    (``BROWSER_CLASSES``) and the ':selected' state are always possible."""
    seen: dict[str, set[tuple[frozenset[str], frozenset[str]]]] = {"node": set(), "edge": set()}
    for element in elements:
        data = element.get("data") or {}
        group = "edge" if "source" in data else "node"
        classes = frozenset(str(element.get("classes") or "").split()) | BROWSER_CLASSES
        seen[group].add((classes, frozenset(data)))
    kept = []
    for rule in rules:
        found = _SIMPLE_SELECTOR.match(str(rule.get("selector") or ""))
        if found is None:
            kept.append(rule)
            continue
        wanted = frozenset(c for c in found.group(2).split(".") if c)
        fields = frozenset(f.strip("[]") for f in found.group(3).split("]") if f)
        if any(wanted <= classes and fields <= keys for classes, keys in seen[found.group(1)]):
            kept.append(rule)
    return kept
