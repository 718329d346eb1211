"""Domain objects → what the dashboard shows: cytoscape elements and detail rows. Pure functions, no Dash, no store.

The detail rows are plain data (``DetailRow``) so they can be tested without a browser; ``dashboard.components``
turns them into HTML.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any
from urllib.parse import quote

from graph.model import Entity, Relationship, Subgraph
from graph.vocabulary import KIND_CAPTIONS, RELATIONSHIPS, NodeKind, Prop, RelType

LABEL_MAX_CHARS = 32

# --- small formatting helpers -----------------------------------------------------------------------------------


def entity_href(entity_id: str, hops: int | None = None) -> str:
    """The shareable address of an entity's page."""
    href = "/entity/" + quote(entity_id, safe="")
    return f"{href}?hops={hops}" if hops is not None else href


def kind_caption(kind: NodeKind | str) -> str:
    try:
        return KIND_CAPTIONS.get(NodeKind(kind), str(kind))
    except ValueError:
        return str(kind)


def rel_caption(rel_type: RelType | str) -> str:
    try:
        spec = RELATIONSHIPS.get(RelType(rel_type))
    except ValueError:
        spec = None
    return spec.caption if spec else str(rel_type).replace("_", " ").lower()


def format_number(value: Any) -> str:
    """60 → '60', 60.0 → '60', 8200 → '8,200', 0.00012 → '0.00012', '12' → '12'."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return format(value, ",.8f").rstrip("0").rstrip(".")
    return f"{int(value):,}"


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v) for v in value)
    return format_number(value)


def format_country(value: str) -> str:
    """Two-letter codes in capitals ('kp' → 'KP'); names as given."""
    return value.upper() if len(value) == 2 and value.isalpha() else value


def short_label(name: str, kind: NodeKind | str | None = None, max_chars: int = LABEL_MAX_CHARS) -> str:
    """A name short enough for a node: wallet addresses keep their start and end, long names are cut at a word."""
    name = " ".join(name.split())
    if kind == NodeKind.WALLET and len(name) > 16:
        return f"{name[:6]}…{name[-4:]}"
    if len(name) <= max_chars:
        return name
    cut = name[: max_chars - 1]
    space = cut.rfind(" ")
    if name[len(cut)] != " " and space >= max_chars // 2:  # do not cut a word in two
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def _values(raw: Any) -> list[Any]:
    if raw is None or raw == "" or raw == []:
        return []
    if isinstance(raw, list | tuple):
        return [v for v in raw if v is not None and v != ""]
    return [raw]


# --- cytoscape elements -----------------------------------------------------------------------------------------


def edge_label(rel: Relationship) -> str:
    """'owns 60%', 'paid 8,200 USD', 'transferred 1.5 ETH', otherwise the type's caption ('holds')."""
    return edge_label_of(rel.type, rel.properties)


def edge_label_of(rel_type: RelType | str, props: Mapping[str, Any]) -> str:
    """``edge_label`` from a relationship's type and properties."""
    caption = rel_caption(rel_type)
    if rel_type == RelType.OWNS and props.get(Prop.PERCENTAGE) is not None:
        return f"{caption} {format_number(props[Prop.PERCENTAGE])}%"
    if rel_type == RelType.PAID and props.get(Prop.AMOUNT) is not None:
        return f"{caption} {format_number(props[Prop.AMOUNT])} {props.get(Prop.CURRENCY) or ''}".rstrip()
    if rel_type == RelType.TRANSFERRED:
        if props.get(Prop.AMOUNT) is not None:
            return f"{caption} {format_number(props[Prop.AMOUNT])} {props.get(Prop.ASSET) or ''}".rstrip()
        if props.get(Prop.VALUE_USD) is not None:
            return f"{caption} ${format_number(props[Prop.VALUE_USD])}"
    return caption


def node_classes(entity: Entity, center: bool) -> str:
    classes = [entity.kind.value]
    if entity.sanctioned:
        classes.append("sanctioned")
    if entity.properties.get(Prop.FRONT):
        classes.append("front")
    if entity.properties.get(Prop.STUB):
        classes.append("stub")
    if center:
        classes.append("center")
    return " ".join(classes)


def entity_to_element(entity: Entity, center: bool = False) -> dict[str, Any]:
    return {
        "data": {
            "id": entity.id,
            "label": short_label(entity.name, entity.kind),
            "name": entity.name,
            "kind": entity.kind.value,
            "kind_caption": kind_caption(entity.kind),
            "sanctioned": entity.sanctioned,
            "front": bool(entity.properties.get(Prop.FRONT)),
            "center": center,
        },
        "classes": node_classes(entity, center),
    }


#: Relationship properties that are bookkeeping, not facts for the analyst.
_REL_HIDDEN = frozenset({Prop.ID.value, Prop.SOURCE_IDS.value})


def relationship_to_element(rel: Relationship, names: Mapping[str, str]) -> dict[str, Any]:
    props = {k: v for k, v in rel.properties.items() if k not in _REL_HIDDEN and v is not None}
    return {
        "data": {
            "id": rel.id,
            "source": rel.source,
            "target": rel.target,
            "type": rel.type.value,
            "label": edge_label(rel),
            "source_name": names.get(rel.source, rel.source),
            "target_name": names.get(rel.target, rel.target),
            "props": props,
        },
        "classes": rel.type.value,
    }


RING_GAP = 180.0  # distance between two rings of the radial layout
NODE_SPACING = 95.0  # at least this far apart on a ring (room for a label)
RING_SPREAD = 0.75  # ring k is at least this share of k/(k+1) of ring k+1's radius


def radial_positions(subgraph: Subgraph) -> dict[str, tuple[float, float]]:
    """Positions for a radial tree around the subgraph's centre (see ``radial_layout``)."""
    order = {e.id: (e.kind.value, e.name.casefold(), e.id) for e in subgraph.entities}
    edges = [(r.source, r.target) for r in subgraph.relationships]
    return radial_layout([e.id for e in subgraph.entities], edges, subgraph.center, order)


def radial_layout(
    ids: Sequence[str],
    edges: Iterable[tuple[str, str]],
    center: str,
    order: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, tuple[float, float]]:
    """Positions for a radial tree around the centre: ring k holds the entities k relationships away from it.

    Each entity's branch gets a wedge of the circle in proportion to its size, so branches stay together and do
    not cross; rings grow until neighbours on them are at least NODE_SPACING apart. Deterministic (siblings sorted
    by ``order``, else by id). Entities not reachable through the edges go on an outer ring.
    """
    if not ids:
        return {}
    known = set(ids)
    key = order or {i: (i,) for i in ids}
    neighbours: dict[str, set[str]] = {i: set() for i in ids}
    for source, target in edges:
        if source in known and target in known and source != target:
            neighbours[source].add(target)
            neighbours[target].add(source)
    center = center if center in known else ids[0]
    depth = {center: 0}
    children: dict[str, list[str]] = {i: [] for i in ids}
    visit = [center]  # breadth-first order
    queue = deque(visit)
    while queue:
        node = queue.popleft()
        for other in sorted(neighbours[node], key=lambda i: key.get(i, (i,))):
            if other not in depth:
                depth[other] = depth[node] + 1
                children[node].append(other)
                visit.append(other)
                queue.append(other)
    leaves: dict[str, int] = {}
    for node in reversed(visit):
        leaves[node] = sum(leaves[c] for c in children[node]) or 1
    angle: dict[str, float] = {center: math.pi / 2}
    span: dict[str, float] = {center: 2 * math.pi}
    start: dict[str, float] = {center: -math.pi / 2}
    for node in visit:
        at = start[node]
        for child in children[node]:
            span[child] = span[node] * leaves[child] / leaves[node]
            start[child] = at
            angle[child] = at + span[child] / 2
            at += span[child]
    unreached = [i for i in ids if i not in depth]
    outer = max(depth.values()) + 1
    for n, node in enumerate(unreached):
        depth[node] = outer
        angle[node] = -math.pi / 2 + 2 * math.pi * n / len(unreached)
    rings: dict[int, list[float]] = {}
    for node, k in depth.items():
        rings.setdefault(k, []).append(angle[node])
    radius: dict[int, float] = {0: 0.0}
    for k in sorted(r for r in rings if r > 0):
        angles = sorted(rings[k])
        gaps = [b - a for a, b in pairwise(angles)] + [angles[0] + 2 * math.pi - angles[-1]]
        needed = NODE_SPACING / max(min(gaps), 1e-6) if len(angles) > 1 else 0.0
        radius[k] = max(radius[k - 1] + RING_GAP, needed)
    # a crowded outer ring must not squeeze the inner ones into the centre: keep rings roughly evenly spread
    for k in sorted((r for r in radius if 0 < r < max(radius)), reverse=True):
        radius[k] = max(radius[k], radius[k + 1] * k / (k + 1) * RING_SPREAD)
    positions = {center: (0.0, 0.0)}
    for node in ids:
        if node != center:
            ring_radius, a = radius[depth[node]], angle[node]
            positions[node] = (round(ring_radius * math.cos(a), 1), round(ring_radius * math.sin(a), 1))
    return positions


def subgraph_to_elements(subgraph: Subgraph) -> list[dict[str, Any]]:
    """Nodes then edges, ready for ``dash_cytoscape.Cytoscape(elements=...)`` with the 'preset' layout.

    The centre carries class 'center'; nodes carry radial positions; edges whose ends are not both in the subgraph
    are left out (cytoscape would refuse them)."""
    names = {e.id: e.name for e in subgraph.entities}
    positions = radial_positions(subgraph)
    nodes = []
    for e in subgraph.entities:
        node = entity_to_element(e, center=e.id == subgraph.center)
        x, y = positions.get(e.id, (0.0, 0.0))
        node["position"] = {"x": x, "y": y}
        nodes.append(node)
    edges = [
        relationship_to_element(r, names) for r in subgraph.relationships if r.source in names and r.target in names
    ]
    return nodes + edges


# --- details panel ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    external: bool = False


Part = str | Link


@dataclass(frozen=True)
class DetailRow:
    """One labelled field of the details panel; each item is one line made of text and links."""

    label: str
    items: tuple[tuple[Part, ...], ...]


def _row(label: str, values: Iterable[Any], fmt: Any = format_value) -> DetailRow | None:
    items = tuple((fmt(v),) for v in values)
    return DetailRow(label, items) if items else None


PROP_CAPTIONS: dict[Prop, str] = {
    Prop.ALIASES: "Also known as",
    Prop.COUNTRIES: "Countries",
    Prop.IDENTIFIERS: "Identifiers",
    Prop.PROGRAMS: "Sanctions programs",
    Prop.DATASETS: "Sources",
    Prop.SOURCE_IDS: "Source records",
    Prop.BIRTH_DATE: "Birth date",
    Prop.BIRTH_PLACE: "Birth place",
    Prop.TX_HASH: "Transaction hash",
    Prop.VALUE_USD: "Value (USD)",
    Prop.IMO: "IMO number",
    Prop.CHAIN: "Blockchain",
}


def prop_caption(name: str) -> str:
    try:
        return PROP_CAPTIONS[Prop(name)]
    except (ValueError, KeyError):
        return name.replace("_", " ").capitalize()


#: Entity properties shown in this order (when present), each as its own row.
_ENTITY_FIELDS: tuple[Prop, ...] = (
    Prop.ALIASES,
    Prop.COUNTRIES,
    Prop.IDENTIFIERS,
    Prop.PROGRAMS,
    Prop.BIRTH_DATE,
    Prop.BIRTH_PLACE,
    Prop.GENDER,
    Prop.TITLE,
    Prop.ADDRESS,
    Prop.CITY,
    Prop.CHAIN,
    Prop.CURRENCIES,
    Prop.IMO,
    Prop.FLAG,
    Prop.VESSEL_TYPE,
    Prop.TONNAGE,
    Prop.CALL_SIGN,
    Prop.TOPICS,
    Prop.DATASETS,
    Prop.SOURCE_IDS,
    Prop.FIRST_SEEN,
    Prop.LAST_SEEN,
)

#: Entity properties never shown as rows: internal, or shown another way (header, status, designations, analysis).
_ENTITY_NOT_ROWS: frozenset[str] = frozenset(
    p.value
    for p in (
        Prop.ID,
        Prop.KIND,
        Prop.NAME,
        Prop.LOOKUP_KEYS,
        Prop.SEARCH_NAMES,
        Prop.SEARCH_TEXT,
        Prop.LOOKUP_TEXT,
        Prop.SANCTIONED,
        Prop.FRONT,
        Prop.STUB,
        Prop.DESIGNATIONS,
        Prop.NOTES,
        Prop.EXPOSURE_HOPS,
        Prop.EXPOSURE_NEAREST,
        Prop.EXPOSURE_PATH,
        Prop.EXPOSURE_PATH_RELS,
        Prop.EXPOSURE_TYPES,
        Prop.SANCTIONED_WITHIN,
        Prop.BLOCKED_BY_OWNERSHIP,
        Prop.OWNERSHIP_UNKNOWN,
        Prop.BLOCKED_SHARE,
        Prop.EFFECTIVE_BLOCKED_SHARE,
        Prop.OWNERSHIP_AS_OF,
        Prop.ANALYZED_AT,
    )
)


def entity_status(entity: Entity) -> list[str]:
    """Plain sentences about the entity's standing."""
    lines = ["Sanctioned" if entity.sanctioned else "No sanctions designation in the loaded data"]
    if entity.properties.get(Prop.FRONT):
        lines.append("Front company (a source marks it as a shell or front)")
    if entity.properties.get(Prop.STUB):
        lines.append("Placeholder: another record names it, but no source describes it")
    return lines


def designation_items(entity: Entity) -> tuple[tuple[Part, ...], ...]:
    items: list[tuple[Part, ...]] = []
    for d in entity.designations:
        text = d.authority or "Unknown authority"
        if d.programs:
            text += f": {', '.join(d.programs)}"
        if d.start_date:
            text += f", since {d.start_date}"
        parts: list[Part] = [text]
        if d.source_url:
            parts += [" — ", Link("source record", d.source_url, external=True)]
        items.append(tuple(parts))
    return tuple(items)


def analysis_rows(entity: Entity) -> list[DetailRow]:
    """Results of `sanctions-graph analyze`, in words (absent when it was not run)."""
    p = entity.properties
    rows: list[DetailRow] = []
    hops = p.get(Prop.EXPOSURE_HOPS)
    nearest = p.get(Prop.EXPOSURE_NEAREST)
    if isinstance(hops, int) and hops > 0:
        step = "hop" if hops == 1 else "hops"
        parts: tuple[Part, ...] = (f"{hops} {step} from a sanctioned entity",)
        if nearest:
            parts += (": ", Link(str(nearest), entity_href(str(nearest))))
        rows.append(DetailRow("Exposure", (parts,)))
    within = p.get(Prop.SANCTIONED_WITHIN)
    if isinstance(within, list) and within and any(within):
        text = ", ".join(f"{n} within {i} {'hop' if i == 1 else 'hops'}" for i, n in enumerate(within, start=1))
        rows.append(DetailRow("Sanctioned neighbours", ((text,),)))
    if p.get(Prop.BLOCKED_BY_OWNERSHIP) is True:
        share = p.get(Prop.BLOCKED_SHARE)
        text = "Blocked under the OFAC 50% rule"
        if share is not None:
            text += f" ({format_number(share)}% owned by blocked persons)"
        rows.append(DetailRow("Ownership", ((text,),)))
    elif p.get(Prop.OWNERSHIP_UNKNOWN) is True:
        text = "Possibly blocked: part of the ownership by blocked persons is unknown"
        rows.append(DetailRow("Ownership", ((text,),)))
    if rows and p.get(Prop.ANALYZED_AT):
        rows.append(DetailRow("Analysed at", ((str(p[Prop.ANALYZED_AT]),),)))
    return rows


#: Shown in the sources table (``source_rows``, ``designation_rows``) when the panel has one.
_SOURCE_PROPS: frozenset[Prop] = frozenset({Prop.DATASETS, Prop.SOURCE_IDS, Prop.FIRST_SEEN, Prop.LAST_SEEN})


def entity_details(entity: Entity, with_sources: bool = True) -> list[DetailRow]:
    """Everything the panel shows about an entity, in reading order; empty fields are left out.

    ``with_sources=False`` leaves out designations, datasets, source records and first/last seen, for a panel that
    shows them as tables (``source_rows``, ``designation_rows``)."""
    p = entity.properties
    rows: list[DetailRow | None] = [
        DetailRow("Name", ((entity.name,),)),
        DetailRow("Kind", ((kind_caption(entity.kind),),)),
        DetailRow("Status", tuple((line,) for line in entity_status(entity))),
    ]
    designations = designation_items(entity)
    if designations and with_sources:
        rows.append(DetailRow("Designations", designations))
    for prop in _ENTITY_FIELDS:
        if not with_sources and prop in _SOURCE_PROPS:
            continue
        fmt = format_country if prop is Prop.COUNTRIES else format_value
        rows.append(_row(prop_caption(prop), _values(p.get(prop)), fmt))
    rows += analysis_rows(entity)
    shown = {prop.value for prop in _ENTITY_FIELDS} | _ENTITY_NOT_ROWS
    for key in sorted(k for k in p if k not in shown):
        rows.append(_row(prop_caption(key), _values(p[key])))
    notes = _values(p.get(Prop.NOTES))
    rows.append(_row("Notes", notes, str))
    rows.append(DetailRow("Id", ((entity.id,),)))
    return [r for r in rows if r is not None]


def relationship_details(edge_data: Mapping[str, Any], with_sources: bool = True) -> list[DetailRow]:
    """The panel for a clicked edge, from the data ``subgraph_to_elements`` put on it (no store call needed).

    ``with_sources=False`` leaves out datasets, source records and first/last seen (shown as a table instead)."""
    rel_type = str(edge_data.get("type") or "")
    props: Mapping[str, Any] = edge_data.get("props") or {}
    source, target = str(edge_data.get("source") or ""), str(edge_data.get("target") or "")
    source_name = str(edge_data.get("source_name") or source)
    target_name = str(edge_data.get("target_name") or target)
    try:
        spec = RELATIONSHIPS.get(RelType(rel_type))
    except ValueError:
        spec = None
    rows: list[DetailRow | None] = [
        DetailRow("Relationship", ((f"{source_name} {rel_caption(rel_type)} {target_name}",),)),
        DetailRow("Type", ((f"{rel_type} ({spec.source} → {spec.target})" if spec else rel_type,),)),
        DetailRow("From", ((Link(source_name, entity_href(source)),),)),
        DetailRow("To", ((Link(target_name, entity_href(target)),),)),
    ]
    shown: set[str] = set()
    for prop in spec.properties if spec else ():
        value = props.get(prop.value)
        if prop.value in shown or value is None or value == "":
            shown.add(prop.value)
            continue
        shown.add(prop.value)
        if prop is Prop.PERCENTAGE:
            rows.append(DetailRow("Percentage", ((f"{format_number(value)}%",),)))
        elif prop is Prop.AMOUNT:
            unit_prop = Prop.CURRENCY if props.get(Prop.CURRENCY.value) else Prop.ASSET
            unit = props.get(unit_prop.value) or ""
            shown.add(unit_prop.value)  # "8,200 USD" says it already
            rows.append(DetailRow("Amount", ((f"{format_number(value)} {unit}".rstrip(),),)))
        elif prop is Prop.VALUE_USD:
            rows.append(DetailRow("Value (USD)", ((f"${format_number(value)}",),)))
        else:
            rows.append(_row(prop_caption(prop.value), _values(value)))
    if with_sources:
        rows.append(_row("Sources", _values(props.get(Prop.DATASETS.value))))
    else:
        shown |= {p.value for p in _SOURCE_PROPS}
    shown.add(Prop.DATASETS.value)
    for key in sorted(k for k in props if k not in shown):
        rows.append(_row(prop_caption(key), _values(props[key])))
    rows.append(DetailRow("Id", ((str(edge_data.get("id") or ""),),)))
    return [r for r in rows if r is not None]


# --- sources ----------------------------------------------------------------------------------------------------

#: Plain names of the datasets the loaders write (the id is shown too).
DATASET_CAPTIONS: dict[str, str] = {
    "us_ofac_sdn": "US OFAC Specially Designated Nationals list",
    "demo_fictional": "Demo scenario (fictional)",
    "ftm": "FollowTheMoney file",
}


def dataset_caption(dataset: str) -> str:
    return DATASET_CAPTIONS.get(dataset, dataset.replace("_", " "))


@dataclass(frozen=True)
class SourceRow:
    """One dataset that asserts an entity or a relationship, with its record ids there."""

    dataset: str
    caption: str
    records: tuple[str, ...]
    first_seen: str | None = None
    last_seen: str | None = None


def source_rows(props: Mapping[str, Any]) -> list[SourceRow]:
    """Which datasets assert something (an entity's or a relationship's properties), each with its record ids
    (``source_ids`` are written 'dataset:record'), and when it was first and last seen. The store keeps first and
    last seen once per entity, not per dataset, so every row shows the same dates."""
    datasets = [str(d) for d in _values(props.get(Prop.DATASETS.value))]
    by_dataset: dict[str, list[str]] = {d: [] for d in datasets}
    loose: list[str] = []
    for raw in _values(props.get(Prop.SOURCE_IDS.value)):
        text = str(raw)
        dataset, sep, record = text.partition(":")
        if sep and dataset in by_dataset:
            by_dataset[dataset].append(record)
        elif sep and not datasets:
            by_dataset.setdefault(dataset, []).append(record)
        else:
            loose.append(text)
    if loose:
        if len(by_dataset) == 1:
            next(iter(by_dataset.values())).extend(loose)
        else:
            by_dataset.setdefault("", []).extend(loose)
    first = props.get(Prop.FIRST_SEEN.value)
    last = props.get(Prop.LAST_SEEN.value)
    return [
        SourceRow(
            dataset=d,
            caption=dataset_caption(d) if d else "Unnamed source",
            records=tuple(dict.fromkeys(records)),
            first_seen=str(first) if first else None,
            last_seen=str(last) if last else None,
        )
        for d, records in by_dataset.items()
    ]


@dataclass(frozen=True)
class DesignationRow:
    """One sanctions designation, as the sources panel lists it."""

    authority: str
    programs: tuple[str, ...]
    start_date: str | None
    record_id: str | None
    source_url: str | None


def designation_rows(entity: Entity) -> list[DesignationRow]:
    return [
        DesignationRow(d.authority or "Unknown authority", d.programs, d.start_date, d.record_id, d.source_url)
        for d in entity.designations
    ]


# --- risk: what `sanctions-graph analyze` stored on an entity ---------------------------------------------------

#: Exposure bands, in the legend's order: hops to the nearest sanctioned entity 0-3, further, none in reach, and
#: entities the analysis has not seen (loaded after it ran, or never analysed).
EXPOSURE_BANDS: tuple[str, ...] = ("0", "1", "2", "3", "far", "none", "unknown")


@dataclass(frozen=True)
class Risk:
    """An entity's stored analysis results, as the graph draws them."""

    analysed: bool = False
    exposure: int | None = None  # hops to the nearest sanctioned entity (0: itself); None: none in reach
    blocked: bool = False  # blocked by ownership under the OFAC 50% rule (not itself listed)
    possibly_blocked: bool = False  # part of its ownership by blocked persons is unknown

    @classmethod
    def of(cls, props: Mapping[str, Any]) -> Risk:
        hops = props.get(Prop.EXPOSURE_HOPS.value)
        exposure = int(hops) if isinstance(hops, int | float) and not isinstance(hops, bool) and hops >= 0 else None
        blocked = props.get(Prop.BLOCKED_BY_OWNERSHIP.value) is True
        return cls(
            analysed=bool(props.get(Prop.ANALYZED_AT.value)),
            exposure=exposure,
            blocked=blocked,
            possibly_blocked=not blocked and props.get(Prop.OWNERSHIP_UNKNOWN.value) is True,
        )

    @property
    def band(self) -> str:
        """One of ``EXPOSURE_BANDS``."""
        if not self.analysed:
            return "unknown"
        if self.exposure is None:
            return "none"
        return str(self.exposure) if self.exposure <= 3 else "far"

    def to_json(self) -> list[Any] | None:
        """Compact form for the page's working graph (None when not analysed)."""
        if not self.analysed:
            return None
        return [self.exposure, self.blocked, self.possibly_blocked]

    @classmethod
    def from_json(cls, raw: Any) -> Risk:
        if not isinstance(raw, list | tuple) or len(raw) != 3:
            return cls()
        hops = raw[0]
        return cls(True, int(hops) if isinstance(hops, int) else None, bool(raw[1]), bool(raw[2]))


#: An entity the analysis has not seen.
NOT_ANALYSED = Risk()


def risk_classes(risk: Risk) -> list[str]:
    """Cytoscape classes for a node's risk: its exposure band ('exposure-2', none when not analysed), plus
    'blocked' (50% rule) or 'possibly-blocked'. The stylesheet decides what shows: the band only when colouring by
    exposure, the marks always."""
    if not risk.analysed:
        return []
    classes = [f"exposure-{risk.band}"]
    if risk.blocked:
        classes.append("blocked")
    elif risk.possibly_blocked:
        classes.append("possibly-blocked")
    return classes


def risk_badges(entity: Entity) -> list[tuple[str, str, str]]:
    """(text, CSS class, tooltip) of the ownership badges an entity's panel shows."""
    risk = Risk.of(entity.properties)
    if risk.blocked:
        return [("BLOCKED (50% RULE)", "badge-blocked", "Owned 50% or more by blocked persons (OFAC 50 Percent Rule)")]
    if risk.possibly_blocked:
        return [("POSSIBLY BLOCKED", "badge-possibly", "Part of its ownership by blocked persons is unknown")]
    return []


def exposure_sentence(risks: Iterable[Risk]) -> str | None:
    """What the exposure colouring can and cannot tell for the entities in view (None: all of them analysed)."""
    seen = list(risks)
    missing = sum(1 for r in seen if not r.analysed)
    if not seen or not missing:
        return None
    if missing == len(seen):
        return (
            "No exposure has been computed for these entities yet. Run `sanctions-graph analyze` to compute exposure."
        )
    entities = "entity has" if missing == 1 else "entities have"
    return (
        f"{missing:,} {entities} no exposure computed (loaded after the last analysis, drawn white): "
        "run `sanctions-graph analyze` again to include them."
    )


# --- shared infrastructure: dashed links between entities that share an address, a wallet or an identifier -------

SHARED_TYPE = "shared"
SHARED_PREFIX = "shared:"
SHARED_MIN_WIDTH = 1.0
SHARED_MAX_WIDTH = 7.0


def shared_key(a: str, b: str) -> str:
    """The one key of a pair, whichever side found it."""
    first, second = sorted((a, b))
    return f"{first}|{second}"


def shared_pairs_from(entity_id: str, links: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Pairs from one entity's shared-infrastructure links (``SharedLink.to_dict()``: id, weight, shared values),
    keyed by ``shared_key``."""
    out: dict[str, dict[str, Any]] = {}
    for link in links:
        other = str(link.get("id") or "")
        if not other or other == entity_id:
            continue
        values = [
            {
                "kind": str(v.get("kind") or ""),
                "value": str(v.get("value") or ""),
                "holders": int(v.get("holders") or 0),
                "weight": float(v.get("weight") or 0.0),
                "complete": bool(v.get("complete", True)),
            }
            for v in link.get("shared") or ()
        ]
        first, second = sorted((entity_id, other))
        out[shared_key(first, second)] = {
            "a": first,
            "b": second,
            "weight": float(link.get("weight") or 0.0),
            "values": values,
        }
    return out


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


def shared_outside(pairs: Mapping[str, Mapping[str, Any]], drawn: Iterable[str]) -> int:
    """How many entities outside the view share infrastructure with an entity in it."""
    shown = set(drawn)
    outside: set[str] = set()
    for pair in pairs.values():
        a, b = str(pair.get("a")), str(pair.get("b"))
        if a in shown and b not in shown:
            outside.add(b)
        elif b in shown and a not in shown:
            outside.add(a)
    return len(outside)


def _holders(n: int, complete: bool) -> str:
    count = f"{n:,}" if complete else f"at least {n:,}"
    return f"{count} {'entity' if n == 1 else 'entities'}"


def shared_details(edge_data: Mapping[str, Any]) -> list[DetailRow]:
    """The panel of a shared-infrastructure edge: who shares what, with how many others, and how much it weighs."""
    source, target = str(edge_data.get("source") or ""), str(edge_data.get("target") or "")
    source_name = str(edge_data.get("source_name") or source)
    target_name = str(edge_data.get("target_name") or target)
    values = list(edge_data.get("values") or ())
    items: list[tuple[Part, ...]] = []
    for v in values:
        holders = int(v.get("holders") or 0)
        text = (
            f"{v.get('kind')}: {v.get('value')} — held by {_holders(holders, bool(v.get('complete', True)))}, "
            f"weight {format_number(round(float(v.get('weight') or 0.0), 4))}"
        )
        items.append((text,))
    weight = float(edge_data.get("weight") or 0.0)
    rows = [
        DetailRow("Link", ((f"{source_name} and {target_name} share infrastructure: {shared_label(values)}",),)),
        DetailRow("Between", ((Link(source_name, entity_href(source)),), (Link(target_name, entity_href(target)),))),
        DetailRow("Shared", tuple(items) or (("—",),)),
        DetailRow("Weight", ((f"{format_number(round(weight, 4))} (of 1)",),)),
        DetailRow(
            "How it is weighed",
            (
                (
                    "A value held by n entities weighs 1/(n-1): a phone shared by two weighs 1, an address of "
                    "5,000 companies next to nothing. Several shared values combine as 1 - Π(1 - w).",
                ),
            ),
        ),
    ]
    return rows
