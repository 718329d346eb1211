"""Domain objects → the rows of a details panel and of a sources table. Pure functions, no Dash, no store.

The rows are plain data (``DetailRow``, ``SourceRow``, ``DesignationRow``) so they can be tested without a browser;
``dashboard.components`` turns them into HTML.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dashboard.formatting import (
    entity_href,
    format_country,
    format_number,
    format_value,
    kind_caption,
    rel_caption,
    trace_href,
)
from graph import (
    NOT_PROPERTY_ROWS,
    RELATIONSHIPS,
    Entity,
    NodeKind,
    Prop,
    RelType,
    entity_listings,
    is_rejected,
    standing,
)


def _values(raw: Any) -> list[Any]:
    if raw is None or raw == "" or raw == []:
        return []
    if isinstance(raw, list | tuple):
        return [v for v in raw if v is not None and v != ""]
    return [raw]


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
_ENTITY_NOT_ROWS = NOT_PROPERTY_ROWS

#: How a rejected SAME_AS candidate reads in a panel.
REJECTED_SAME_AS = "Rejected: an analyst judged them not the same (hidden by default in exports and reports)"


def entity_status(entity: Entity) -> list[str]:
    """Plain sentences about the entity's standing (``graph.standing``)."""
    return standing(entity)


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
            name = p.get(Prop.EXPOSURE_NEAREST_NAME) or next(
                (x.party_name for x in entity_listings(entity) if x.party == nearest), None
            )
            parts += (": ", Link(str(name or nearest), entity_href(str(nearest))))
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
    if entity.kind is NodeKind.WALLET:
        rows.append(
            DetailRow(
                "Funds",
                (
                    (Link("Trace funds", trace_href(entity.id)),),
                    (Link("Trace where they came from", trace_href(entity.id, "backward")),),
                ),
            )
        )
    shown = {prop.value for prop in _ENTITY_FIELDS} | _ENTITY_NOT_ROWS
    for key in sorted(k for k in p if k not in shown):
        rows.append(_row(prop_caption(key), _values(p[key])))
    notes = _values(p.get(Prop.NOTES))
    rows.append(_row("Notes", notes, str))
    rows.append(DetailRow("Id", ((entity.id,),)))
    return [r for r in rows if r is not None]


def relationship_details(edge_data: Mapping[str, Any], with_sources: bool = True) -> list[DetailRow]:
    """The panel for a clicked edge, from the data ``dashboard.entity.elements.edge_element`` put on it (no store
    call needed).

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
    if rel_type == RelType.SAME_AS and is_rejected(RelType.SAME_AS, props.get(Prop.STATUS.value)):
        rows.append(DetailRow("Judgement", ((REJECTED_SAME_AS,),)))
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
    for raw in _values(props.get(Prop.LISTED_VIA.value)):  # a listed wallet: the record that lists it
        listing = json.loads(str(raw))
        by_dataset.setdefault(str(listing.get("dataset") or ""), []).append(str(listing.get("record") or ""))
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
