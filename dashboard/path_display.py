"""A path between two entities as the pages show it (the paths page and the report): its hops, walked from one
end to the other, with what each relationship says."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from dashboard.components import badges
from dashboard.details import prop_caption
from dashboard.formatting import entity_href, format_number, format_value, plural, rel_caption
from graph import RELATIONSHIPS, Entity, Path, Prop, Relationship


@dataclass(frozen=True)
class Hop:
    """One step of a path, as walked: from ``start`` to ``end`` over ``rel`` (``forward``: along its direction)."""

    number: int
    start: Entity
    end: Entity
    rel: Relationship

    @property
    def forward(self) -> bool:
        return self.rel.source == self.start.id


def hops(path: Path) -> list[Hop]:
    return [
        Hop(i + 1, path.entities[i], path.entities[i + 1], rel)
        for i, rel in enumerate(path.relationships)
        if i + 1 < len(path.entities)
    ]


def hop_evidence(rel: Relationship) -> list[str]:
    """What the relationship says, in reading order: 'Percentage: 60%', 'Since: 2020-02-14', 'Sources: …'."""
    p = rel.properties
    spec = RELATIONSHIPS.get(rel.type)
    out: list[str] = []
    done: set[str] = set()
    for prop in spec.properties if spec else ():
        value = p.get(prop.value)
        if value is None or value == "" or prop.value in done:
            continue
        done.add(prop.value)
        if prop is Prop.PERCENTAGE:
            out.append(f"Percentage: {format_number(value)}%")
        elif prop is Prop.AMOUNT:
            unit_prop = Prop.CURRENCY if p.get(Prop.CURRENCY.value) else Prop.ASSET
            done.add(unit_prop.value)
            out.append(f"Amount: {format_number(value)} {p.get(unit_prop.value) or ''}".rstrip())
        elif prop is Prop.VALUE_USD:
            out.append(f"Value: ${format_number(value)}")
        elif prop is Prop.START_DATE:
            out.append(f"Since: {format_value(value)}")
        elif prop is Prop.END_DATE:
            out.append(f"Until: {format_value(value)}")
        else:
            out.append(f"{prop_caption(prop.value)}: {format_value(value)}")
    hidden = {Prop.ID.value, Prop.DATASETS.value, Prop.SOURCE_IDS.value, *done}
    for key in sorted(k for k in p if k not in hidden and p[k] not in (None, "", [])):
        out.append(f"{prop_caption(key)}: {format_value(p[key])}")
    if p.get(Prop.DATASETS.value):
        out.append(f"Sources: {format_value(p[Prop.DATASETS.value])}")
    if p.get(Prop.SOURCE_IDS.value):
        out.append(f"Source records: {format_value(p[Prop.SOURCE_IDS.value])}")
    return out


def hop_sentence(hop: Hop) -> str:
    """'RI Chol Man —member of→ Bureau 999', or '←linked to—' when the path walks against the relationship."""
    caption = rel_caption(hop.rel.type)
    arrow = f"—{caption}→" if hop.forward else f"←{caption}—"
    return f"{hop.start.name} {arrow} {hop.end.name}"


def _entity_link(entity: Entity) -> list[Any]:
    return [
        dcc.Link(entity.name, href=entity_href(entity.id), className="hop-entity"),
        " ",
        *badges(entity.sanctioned, bool(entity.properties.get(Prop.FRONT))),
    ]


def hop_item(hop: Hop) -> html.Li:
    caption = rel_caption(hop.rel.type)
    arrow = f"—{caption}→" if hop.forward else f"←{caption}—"
    evidence = hop_evidence(hop.rel)
    children: list[Any] = [
        html.Div(
            [*_entity_link(hop.start), " ", html.Span(arrow, className="hop-arrow"), " ", *_entity_link(hop.end)],
            className="hop-line",
        )
    ]
    if evidence:
        children.append(html.Div(" · ".join(evidence), className="hop-evidence"))
    return html.Li(children, className="hop", title=hop_sentence(hop))


def path_section(path: Path, number: int) -> html.Section:
    return html.Section(
        [
            html.H3(f"Path {number} · {plural(path.hops, 'hop', 'hops')}"),
            html.Ol([hop_item(h) for h in hops(path)], className="hop-list"),
        ],
        className="path",
    )
