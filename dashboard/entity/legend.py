"""The graph's legend: one line per node kind, mark on nodes and relationship type, with a swatch drawn in CSS that
matches the cytoscape stylesheet of dashboard.entity.styles (same colours, shapes and line styles)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from dashboard.entity.styles import (
    ASSERTED_PURPLE,
    BLOCKED_RED,
    CENTER_HALO,
    EXPOSURE_CAPTIONS,
    EXPOSURE_COLOURS,
    FRONT_ORANGE,
    MORE_GREY,
    NOTE_TEAL,
    PIN_OUTLINE,
    SANCTIONED_RED,
    SHARED_PURPLE,
    kind_style,
    rel_style,
)
from graph import KIND_CAPTIONS, RELATIONSHIPS, NodeKind, RelType


@dataclass(frozen=True)
class LegendItem:
    """One line of the legend: a node kind, a mark on nodes, or a relationship type."""

    group: Literal["kind", "exposure", "mark", "relationship"]
    key: str  # the NodeKind / RelType value, or the mark's class name
    caption: str
    colour: str
    shape: str = ""  # node kinds and marks
    line_style: str = ""  # relationships
    description: str = ""


MARKS: tuple[LegendItem, ...] = (
    LegendItem(
        "mark",
        "sanctioned",
        "Sanctioned",
        SANCTIONED_RED,
        shape="ellipse",
        description="thick red double border and a red name tag",
    ),
    LegendItem("mark", "front", "Front company", FRONT_ORANGE, shape="ellipse", description="dashed orange border"),
    LegendItem(
        "mark", "center", "Entity of this page", CENTER_HALO, shape="ellipse", description="larger, yellow halo"
    ),
    LegendItem("mark", "pinned", "Pinned", PIN_OUTLINE, shape="ellipse", description="dark ring; layouts leave it"),
    LegendItem(
        "mark",
        "more",
        "N more",
        MORE_GREY,
        shape="round-rectangle",
        description="connections not shown yet; click to show the next ones",
    ),
)

#: How line width reads (shown under the relationships of the legend).
WIDTH_NOTE = "Thicker lines: larger payments and transfers, larger ownership shares."


#: The marks of the OFAC 50% rule (on the entity page, whatever the colouring).
RISK_MARKS: tuple[LegendItem, ...] = (
    LegendItem(
        "mark",
        "blocked",
        "Blocked (50% rule)",
        BLOCKED_RED,
        shape="ellipse",
        description="dashed red border: owned 50% or more by blocked persons",
    ),
    LegendItem(
        "mark",
        "possibly-blocked",
        "Possibly blocked",
        BLOCKED_RED,
        shape="ellipse",
        description="dotted red border: part of the ownership is unknown",
    ),
)

SHARED_ITEM = LegendItem(
    "relationship",
    "shared",
    "shares infrastructure",
    SHARED_PURPLE,
    line_style="dashed",
    description="same address, phone, e-mail, website, passport or wallet; thicker: rarer",
)


#: The mark of what a case holds a note on (on the entity page).
NOTED_ITEM = LegendItem(
    "mark",
    "noted",
    "Noted in a case",
    NOTE_TEAL,
    shape="round-rectangle",
    description="teal frame round the name; a noted relationship glows teal",
)

ASSERTED_ITEM = LegendItem(
    "relationship",
    "asserted",
    "asserted by an analyst",
    ASSERTED_PURPLE,
    line_style="dash-dot",
    description="a case's own link, label in italics + (analyst); click it to see why or remove it",
)


def exposure_legend_items() -> list[LegendItem]:
    return [
        LegendItem("exposure", f"exposure-{band}", EXPOSURE_CAPTIONS[band], colour, shape="ellipse")
        for band, colour in EXPOSURE_COLOURS.items()
    ]


def risk_legend_items(colour: str = "kind", shared: bool = False) -> list[LegendItem]:
    """``legend_items`` plus what the entity page adds: the exposure colours (when colouring by exposure), the
    marks of notes and of the 50% rule, the analyst-asserted line and the shared-infrastructure line (when drawn)."""
    items = legend_items()
    if colour == "exposure":
        items = exposure_legend_items() + items
    at = max(i for i, item in enumerate(items) if item.group == "mark") + 1
    items[at:at] = [NOTED_ITEM, *RISK_MARKS]
    items.append(ASSERTED_ITEM)
    if shared:
        items.append(SHARED_ITEM)
    return items


def legend_items() -> list[LegendItem]:
    """Every node kind and relationship type of the vocabulary, with its look, plus the marks on nodes."""
    items = [
        LegendItem("kind", k.value, KIND_CAPTIONS.get(k, k.value), kind_style(k).colour, kind_style(k).shape)
        for k in NodeKind
    ]
    items += list(MARKS)
    for rel_type in RelType:
        spec = RELATIONSHIPS.get(rel_type)
        caption = spec.caption if spec else rel_type.value.replace("_", " ").lower()
        description = f"{spec.source} → {spec.target}" if spec else ""
        style = rel_style(rel_type)
        items.append(
            LegendItem(
                "relationship",
                rel_type.value,
                caption,
                style.colour,
                line_style=style.line_style,
                description=description,
            )
        )
    return items


#: CSS that draws a cytoscape shape in a small legend swatch.
_CLIP_PATHS: dict[str, str] = {
    "diamond": "polygon(50% 0, 100% 50%, 50% 100%, 0 50%)",
    "hexagon": "polygon(25% 0, 75% 0, 100% 50%, 75% 100%, 25% 100%, 0 50%)",
    "octagon": "polygon(30% 0, 70% 0, 100% 30%, 100% 70%, 70% 100%, 30% 100%, 0 70%, 0 30%)",
    "vee": "polygon(0 0, 50% 40%, 100% 0, 50% 100%)",
    "triangle": "polygon(50% 0, 100% 100%, 0 100%)",
    "pentagon": "polygon(50% 0, 100% 38%, 82% 100%, 18% 100%, 0 38%)",
    "star": "polygon(50% 0, 61% 35%, 98% 35%, 68% 57%, 79% 91%, 50% 70%, 21% 91%, 32% 57%, 2% 35%, 39% 35%)",
    "tag": "polygon(0 0, 75% 0, 100% 50%, 75% 100%, 0 100%)",
}
_RADII: dict[str, str] = {"ellipse": "50%", "round-rectangle": "4px", "barrel": "35% / 20%"}


def swatch_style(item: LegendItem) -> dict[str, str]:
    """Inline CSS for the legend swatch of ``item``: its shape and colour, or its line."""
    if item.group == "exposure":
        return {
            "width": "16px",
            "height": "16px",
            "backgroundColor": item.colour,
            "border": "1px solid #333",
            "borderRadius": "50%",
            "boxSizing": "border-box",
        }
    if item.group == "relationship" and item.line_style == "dash-dot":  # CSS has no dash-dot border: painted
        c = item.colour
        dash_dot = (
            f"repeating-linear-gradient(90deg, {c} 0 8px, transparent 8px 11px, {c} 11px 13px, transparent 13px 16px)"
        )
        return {"background": dash_dot, "width": "28px", "height": "3px"}
    if item.group == "relationship":
        return {"borderTop": f"3px {item.line_style or 'solid'} {item.colour}", "width": "28px", "height": "0"}
    size = "10px" if item.key == NodeKind.ADDRESS.value else "16px"
    style = {"width": size, "height": size, "backgroundColor": item.colour}
    if item.key == "sanctioned":
        style.update(border=f"4px double {SANCTIONED_RED}", backgroundColor="#FFFFFF", boxSizing="border-box")
    elif item.key in ("blocked", "possibly-blocked"):
        line = "dashed" if item.key == "blocked" else "dotted"
        style.update(border=f"3px {line} {BLOCKED_RED}", backgroundColor="#FFFFFF", boxSizing="border-box")
    elif item.key == "front":
        style.update(border=f"3px dashed {FRONT_ORANGE}", backgroundColor="#FFFFFF", boxSizing="border-box")
    elif item.key == "center":
        style.update(boxShadow=f"0 0 0 4px {CENTER_HALO}", backgroundColor="#FFFFFF", border="1px solid #333")
    elif item.key == "noted":
        style.update(border=f"2px solid {NOTE_TEAL}", backgroundColor="#FFFFFF", boxSizing="border-box")
    elif item.key == "pinned":
        style.update(outline=f"3px solid {PIN_OUTLINE}", outlineOffset="2px", backgroundColor="#FFFFFF")
    elif item.key == "more":
        style.update(width="26px", height="12px", border=f"1px dashed {MORE_GREY}", backgroundColor="#F3F4F6")
        style["boxSizing"] = "border-box"
    if item.shape in _CLIP_PATHS:
        style["clipPath"] = _CLIP_PATHS[item.shape]
    elif item.shape in _RADII:
        style["borderRadius"] = _RADII[item.shape]
    return style


def swatch_vars(item: LegendItem) -> dict[str, str]:
    """``swatch_style`` as CSS custom properties (``--sw-border-top``…) of the item's legend line, whose ``::before``
    draws the swatch (theme.py): the legend's 35 lines were 60% of an entity page's components, and each one an
    element fewer to mount with the page."""
    return {"--sw-" + re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), k): v for k, v in swatch_style(item).items()}
