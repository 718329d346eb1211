"""The view an analyst is looking at → files to take away. The files themselves (CSV zip, GraphML, FollowTheMoney
JSON lines) are written by ``graph.exports``, the same code as the CLI's ``export``; what is left here is the
dashboard's own: the ``GraphView`` a page keeps, its trip to the browser and back, the download's file name and
type, the relationship labels of the explorer, and an SVG drawing in the explorer's styles for printed reports.

A page that offers exports keeps its view (the entities and relationships it shows) as a ``GraphView``; the view
travels to the browser as ``view_to_payload`` (JSON for a ``dcc.Store``) and comes back to the export callback
through ``view_from_payload``, so no export ever needs a second store call.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from xml.etree import ElementTree as ET

from dashboard.entity.styles import CENTER_HALO, SANCTIONED_RED, kind_style, rel_style
from dashboard.formatting import edge_label, short_label
from graph import (
    EXPORT_HIDDEN_PROPS,
    AssertedLink,
    Entity,
    ExportStats,
    NodeKind,
    Relationship,
    RelType,
    csv_zip,
    export_entities,
    file_stem,
    ftm_jsonl,
    graphml,
    shown_relationships,
    xml_text,
)


@dataclass(frozen=True)
class GraphView:
    """What a page shows: a title (for file names) and the entities and relationships on screen, and the
    analyst-asserted links drawn between them (the entity page's canvas: ``dashboard.entity.asserted``)."""

    title: str
    entities: tuple[Entity, ...]
    relationships: tuple[Relationship, ...]
    asserted: tuple[AssertedLink, ...] = ()

    @property
    def names(self) -> dict[str, str]:
        return {e.id: e.name for e in self.entities}

    def shown_relationships(self) -> list[Relationship]:
        """The relationships whose two ends are in the view (a file never points at an entity it lacks)."""
        return shown_relationships(self.entities, self.relationships)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    mime: str


# --- the view as JSON for a dcc.Store, and back -----------------------------------------------------------------


def view_to_payload(view: GraphView) -> dict[str, Any]:
    return {
        "title": view.title,
        "entities": [
            {
                "id": e.id,
                "kind": e.kind.value,
                "name": e.name,
                "sanctioned": e.sanctioned,
                "properties": {k: v for k, v in e.properties.items() if k not in EXPORT_HIDDEN_PROPS},
            }
            for e in view.entities
        ],
        "relationships": [
            {"id": r.id, "type": r.type.value, "source": r.source, "target": r.target, "properties": r.properties}
            for r in view.relationships
        ],
        "asserted": [a.to_dict() for a in view.asserted],
    }


def asserted_from(raw: Any) -> tuple[AssertedLink, ...]:
    """Asserted links from their dicts (``AssertedLink.to_dict``, as the entity page's 'asserted-links' store and a
    view payload hold them); malformed ones are skipped."""
    links = []
    for item in raw if isinstance(raw, list | tuple) else ():
        try:
            links.append(AssertedLink.from_dict(dict(item)))
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(links)


def view_from_payload(payload: Mapping[str, Any] | None) -> GraphView:
    """The view a payload describes; raises ValueError when it is not one."""
    if not isinstance(payload, Mapping):
        raise ValueError("there is no view to export")
    try:
        entities = tuple(
            Entity(str(e["id"]), NodeKind(e["kind"]), str(e["name"]), bool(e["sanctioned"]), dict(e["properties"]))
            for e in payload.get("entities") or []
        )
        relationships = tuple(
            Relationship(str(r["id"]), RelType(r["type"]), str(r["source"]), str(r["target"]), dict(r["properties"]))
            for r in payload.get("relationships") or []
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a view payload: {exc}") from exc
    return GraphView(
        str(payload.get("title") or "graph"), entities, relationships, asserted_from(payload.get("asserted"))
    )


# --- one entry point for the download callback ------------------------------------------------------------------


class ExportFormat(StrEnum):
    """The files a download button sends."""

    CSV = "csv"
    GRAPHML = "graphml"
    FTM = "ftm"


def export_file(view: GraphView, fmt: ExportFormat | str) -> ExportFile:
    """The file for a download button (written by ``graph.exports``), analyst-asserted links included where both
    ends are in the view, marked as such; raises ValueError for an unknown format."""
    stem = file_stem(view.title)
    fmt = ExportFormat(fmt)
    if fmt is ExportFormat.CSV:
        content = csv_zip(view.entities, view.relationships, label=edge_label, asserted=view.asserted)
        return ExportFile(f"{stem}.csv.zip", content, "application/zip")
    if fmt is ExportFormat.GRAPHML:
        document = graphml(view.entities, view.relationships, graph_id=stem, label=edge_label, asserted=view.asserted)
        return ExportFile(f"{stem}.graphml", document.encode(), "application/graphml+xml")
    lines = ftm_jsonl(export_entities(view.entities, view.relationships, ExportStats(), view.asserted))
    return ExportFile(f"{stem}.ftm.jsonl", lines.encode(), "application/x-ndjson")


# --- a drawing of the view, rendered on the server (for printed reports) ----------------------------------------

_DASHES = {"solid": "", "dashed": "6 4", "dotted": "2 3"}


def _shape_points(shape: str, x: float, y: float, r: float) -> str | None:
    sides = {"hexagon": 6, "octagon": 8, "pentagon": 5, "triangle": 3}.get(shape)
    if shape == "diamond":
        sides = 4
    if not sides:
        return None
    offset = -math.pi / 2 if shape != "octagon" else math.pi / 8
    angles = [offset + 2 * math.pi * i / sides for i in range(sides)]
    return " ".join(f"{x + r * math.cos(a):.1f},{y + r * math.sin(a):.1f}" for a in angles)


def view_svg(
    view: GraphView,
    positions: Mapping[str, tuple[float, float]],
    highlight: Iterable[str] = (),
    width: int = 900,
) -> str:
    """A self-contained SVG drawing of the view at the given positions: nodes shaped and coloured by kind (as in the
    explorer), sanctioned ones ringed in red, ``highlight`` ids haloed, edges with arrows and their labels."""
    ids = [e.id for e in view.entities if e.id in positions]
    if not ids:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="60" viewBox="0 0 {width} 60"></svg>'
    xs = [positions[i][0] for i in ids]
    ys = [positions[i][1] for i in ids]
    margin = 70.0
    span_x = max(max(xs) - min(xs), 1.0)
    span_y = max(max(ys) - min(ys), 1.0)
    scale = min((width - 2 * margin) / span_x, 1.4) if span_x > 1 else 1.0
    height = int(span_y * scale + 2 * margin)
    offset_x = (width - span_x * scale) / 2 if span_x > 1 else width / 2

    def at(entity_id: str) -> tuple[float, float]:
        x, y = positions[entity_id]
        return offset_x + (x - min(xs)) * scale, margin + (y - min(ys)) * scale

    marked = set(highlight)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "font-family": "system-ui, Arial, sans-serif",
            "role": "img",
        },
    )
    ET.SubElement(svg, "title").text = xml_text(view.title)
    defs = ET.SubElement(svg, "defs")
    marker = ET.SubElement(
        defs,
        "marker",
        {
            "id": "arrow",
            "viewBox": "0 0 10 10",
            "refX": "10",
            "refY": "5",
            "markerWidth": "7",
            "markerHeight": "7",
            "orient": "auto-start-reverse",
        },
    )
    ET.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": "#555"})
    radius = 16.0
    for r in view.shown_relationships():
        if r.source not in positions or r.target not in positions or r.source == r.target:
            continue
        (x1, y1), (x2, y2) = at(r.source), at(r.target)
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        rstyle = rel_style(r.type)
        line = {
            "x1": f"{x1 + ux * radius:.1f}",
            "y1": f"{y1 + uy * radius:.1f}",
            "x2": f"{x2 - ux * (radius + 3):.1f}",
            "y2": f"{y2 - uy * (radius + 3):.1f}",
            "stroke": rstyle.colour,
            "stroke-width": str(rstyle.width),
            "marker-end": "url(#arrow)",
        }
        if _DASHES.get(rstyle.line_style):
            line["stroke-dasharray"] = _DASHES[rstyle.line_style]
        ET.SubElement(svg, "line", line)
        label = ET.SubElement(
            svg,
            "text",
            {
                "x": f"{(x1 + x2) / 2:.1f}",
                "y": f"{(y1 + y2) / 2 - 4:.1f}",
                "font-size": "10",
                "fill": "#333",
                "text-anchor": "middle",
            },
        )
        label.text = xml_text(edge_label(r))
    for e in view.entities:
        if e.id not in positions:
            continue
        x, y = at(e.id)
        kstyle = kind_style(e.kind)
        if e.id in marked:
            ET.SubElement(
                svg,
                "circle",
                {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": f"{radius + 7:.1f}", "fill": CENTER_HALO, "opacity": "0.6"},
            )
        attrs = {
            "fill": kstyle.colour,
            "stroke": SANCTIONED_RED if e.sanctioned else "#333",
            "stroke-width": "4" if e.sanctioned else "1",
        }
        points = _shape_points(kstyle.shape, x, y, radius)
        if points:
            ET.SubElement(svg, "polygon", {"points": points, **attrs})
        elif kstyle.shape in ("ellipse", "barrel"):
            ET.SubElement(svg, "circle", {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": f"{radius:.1f}", **attrs})
        else:
            ET.SubElement(
                svg,
                "rect",
                {
                    "x": f"{x - radius:.1f}",
                    "y": f"{y - radius * 0.75:.1f}",
                    "width": f"{2 * radius:.1f}",
                    "height": f"{1.5 * radius:.1f}",
                    "rx": "4",
                    **attrs,
                },
            )
        name = ET.SubElement(
            svg,
            "text",
            {
                "x": f"{x:.1f}",
                "y": f"{y + radius + 14:.1f}",
                "font-size": "12",
                "text-anchor": "middle",
                "fill": SANCTIONED_RED if e.sanctioned else "#111",
                "font-weight": "700" if e.sanctioned else "400",
            },
        )
        name.text = xml_text(short_label(e.name, e.kind))
    return ET.tostring(svg, encoding="unicode")
