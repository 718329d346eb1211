"""Entities and relationships as two CSV files (nodes.csv, edges.csv) in one zip, for spreadsheets.

Fixed columns (identity and marks first, then the facts an analyst filters on; whatever else in
``other_properties`` as JSON), UTF-8 with a byte-order mark so spreadsheets read accents right, and text a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) gets a leading quote.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

from graph.exports.common import (
    ASSERTED_ID_PREFIX,
    ASSERTED_TYPE,
    INTERNAL,
    EdgeLabel,
    PageRead,
    asserted_facts,
    asserted_label,
    caption_label,
    designation_text,
    joined,
    shown_asserted,
    shown_relationships,
    text,
)
from graph.model import Entity, Relationship
from graph.stores.base import GraphReader
from graph.vocabulary import RELATIONSHIPS, Prop

if TYPE_CHECKING:
    from graph.cases.model import AssertedLink

#: nodes.csv: identity and marks first, then the facts an analyst filters on; whatever else is in other_properties.
NODE_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "kind",
    "sanctioned",
    "front",
    "designations",
    Prop.PROGRAMS.value,
    Prop.ALIASES.value,
    Prop.COUNTRIES.value,
    Prop.IDENTIFIERS.value,
    Prop.BIRTH_DATE.value,
    Prop.BIRTH_PLACE.value,
    Prop.ADDRESS.value,
    Prop.CITY.value,
    Prop.CHAIN.value,
    Prop.CURRENCIES.value,
    Prop.IMO.value,
    Prop.FLAG.value,
    Prop.VESSEL_TYPE.value,
    Prop.TOPICS.value,
    Prop.DATASETS.value,
    Prop.SOURCE_IDS.value,
    Prop.FIRST_SEEN.value,
    Prop.LAST_SEEN.value,
    Prop.NOTES.value,
    "other_properties",
)

#: edges.csv: the relationship, its two ends by id and name, then every property the vocabulary gives any type.
EDGE_COLUMNS: tuple[str, ...] = (
    "id",
    "type",
    "source",
    "source_name",
    "target",
    "target_name",
    "label",
    *dict.fromkeys(p.value for spec in RELATIONSHIPS.values() for p in spec.properties),
    Prop.DATASETS.value,
    Prop.SOURCE_IDS.value,
    "other_properties",
)

#: What a spreadsheet reads as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A CSV cell. Numbers stay numbers; text that a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return text(value)
    return formula_safe(value if isinstance(value, str) else joined(value))


def formula_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading quote; anything else is returned as it is. The one
    guard of every CSV the product writes (`csv_safe_row` for dict rows)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: formula_safe(value) for key, value in row.items()}


def _other(props: Mapping[str, Any], shown: Iterable[str]) -> str:
    hidden = set(shown)
    rest = {k: v for k, v in sorted(props.items()) if k not in hidden and k not in INTERNAL and v is not None}
    return json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else ""


def node_rows(entities: Iterable[Entity]) -> list[dict[str, Any]]:
    """One row per entity, keyed by ``NODE_COLUMNS``."""
    shown = {*NODE_COLUMNS, Prop.ID.value, Prop.KIND.value, Prop.NAME.value, Prop.DESIGNATIONS.value}
    rows = []
    for e in entities:
        p = e.properties
        row: dict[str, Any] = {c: p.get(c) for c in NODE_COLUMNS}
        row.update(
            id=e.id,
            name=e.name,
            kind=e.kind.value,
            sanctioned=e.sanctioned,
            front=bool(p.get(Prop.FRONT)),
            designations=[designation_text(d) for d in e.designations],
            other_properties=_other(p, shown),
        )
        rows.append(row)
    return rows


def edge_rows(
    entities: Sequence[Entity], relationships: Iterable[Relationship], label: EdgeLabel = caption_label
) -> list[dict[str, Any]]:
    """One row per relationship whose two ends are among the entities, keyed by ``EDGE_COLUMNS``."""
    names = {e.id: e.name for e in entities}
    return [_edge_row(r, names, label) for r in shown_relationships(entities, relationships)]


_EDGE_SHOWN = frozenset({*EDGE_COLUMNS, Prop.ID.value})


def asserted_rows(entities: Sequence[Entity], links: Iterable[AssertedLink]) -> list[dict[str, Any]]:
    """One edges.csv row per analyst-asserted link whose two ends are among the entities: type ``ASSERTED``, label
    'same phone (analyst)', who/when/case/text in ``other_properties`` (``asserted_facts``)."""
    names = {e.id: e.name for e in entities}
    return [
        {
            "id": ASSERTED_ID_PREFIX + a.id,
            "type": ASSERTED_TYPE,
            "source": a.source,
            "source_name": names.get(a.source, ""),
            "target": a.target,
            "target_name": names.get(a.target, ""),
            "label": asserted_label(a),
            "other_properties": json.dumps(asserted_facts(a), ensure_ascii=False, sort_keys=True),
        }
        for a in shown_asserted(entities, links)
    ]


def _edge_row(r: Relationship, names: Mapping[str, str], label: EdgeLabel) -> dict[str, Any]:
    row: dict[str, Any] = {c: r.properties.get(c) for c in EDGE_COLUMNS}
    row.update(
        id=r.id,
        type=r.type.value,
        source=r.source,
        source_name=names.get(r.source, ""),
        target=r.target,
        target_name=names.get(r.target, ""),
        label=label(r),
        other_properties=_other(r.properties, _EDGE_SHOWN),
    )
    return row


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """Rows as CSV text (header first, CRLF line ends, every cell through ``cell``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue()


def nodes_csv(entities: Iterable[Entity]) -> str:
    return csv_text(NODE_COLUMNS, node_rows(entities))


def edges_csv(
    entities: Sequence[Entity],
    relationships: Iterable[Relationship],
    label: EdgeLabel = caption_label,
    asserted: Iterable[AssertedLink] = (),
) -> str:
    return csv_text(EDGE_COLUMNS, edge_rows(entities, relationships, label) + asserted_rows(entities, asserted))


def csv_zip(
    entities: Sequence[Entity],
    relationships: Iterable[Relationship],
    label: EdgeLabel = caption_label,
    asserted: Iterable[AssertedLink] = (),
) -> bytes:
    """nodes.csv and edges.csv in one zip; UTF-8 with a byte-order mark, so spreadsheets read accents right. The
    same entities and relationships make the same bytes. ``asserted``: analyst-asserted links, after the
    relationships in edges.csv (``asserted_rows``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, content in (
            ("nodes.csv", nodes_csv(entities)),
            ("edges.csv", edges_csv(entities, relationships, label, asserted)),
        ):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, content.encode("utf-8-sig"))
    return buffer.getvalue()


def write_graph_csv_zip(
    reader: GraphReader, handle: IO[bytes], batch_size: int = 10_000, progress: PageRead | None = None
) -> tuple[int, int]:
    """The whole graph as ``csv_zip`` writes a part of it, streamed into ``handle`` page by page (only the entities'
    names are held, for the edges' ``source_name`` and ``target_name``; labels are the types' captions); returns
    how many entities and relationships were written. ``progress`` is told how many were read after each page."""
    names: dict[str, str] = {}
    entity_count = rel_count = 0
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with _csv_member(z, "nodes.csv", NODE_COLUMNS) as write:
            for entities in reader.iter_entities(batch_size=batch_size):
                for row in node_rows(entities):
                    write(row)
                names.update((e.id, e.name) for e in entities)
                entity_count += len(entities)
                if progress:
                    progress(len(entities))
        with _csv_member(z, "edges.csv", EDGE_COLUMNS) as write:
            for rels in reader.iter_relationships(batch_size=batch_size):
                for r in rels:
                    write(_edge_row(r, names, caption_label))
                rel_count += len(rels)
                if progress:
                    progress(len(rels))
    return entity_count, rel_count


@contextmanager
def _csv_member(z: zipfile.ZipFile, name: str, columns: Sequence[str]) -> Iterator[Callable[[Mapping[str, Any]], None]]:
    """A CSV file in the zip, written row by row as ``csv_text`` writes it (UTF-8 with a byte-order mark)."""
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with z.open(info, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        yield lambda row: writer.writerow([cell(row.get(c)) for c in columns])
