"""Listed addresses: a wallet named on a sanctions record is a listed address of the party the record designates.

Derived here, never trusted from a source's own mark: a wallet W is a listed address of H when H is sanctioned,
H HOLDS W, and the HOLDS relationship is stated by a dataset that also states H (the list that designates H names
the wallet on H's record, e.g. OFAC SDN's "Digital Currency Address - ETH 0x…" of LAZARUS GROUP, record 27307).
A wallet merely held by a sanctioned party according to some other source is exposed (one hop), not listed.
The CLI, exports and the dashboard all read it from ``listings``, so they agree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from graph.model import Designation, Direction, Entity
from graph.plain import as_dict
from graph.stores.base import GraphReader
from graph.vocabulary import NodeKind, Prop, RelType

_HOLDER_PROPS = (Prop.NAME, Prop.DATASETS, Prop.DESIGNATIONS, Prop.SOURCE_IDS)


@dataclass(frozen=True)
class Listing:
    """One sanctions record that lists a wallet: the party it designates, the authority and the record."""

    wallet: str
    party: str
    party_name: str
    authority: str
    record_id: str | None
    dataset: str
    programs: tuple[str, ...] = ()

    @property
    def record(self) -> str:
        """'US OFAC 27307' (the record id; the party's id when the source gives none)."""
        return f"{self.authority} {self.record_id or self.party}".strip()

    @property
    def text(self) -> str:
        """'US OFAC 27307 (LAZARUS GROUP)': the record and whom it designates, as sources rows show it."""
        return f"{self.record} ({self.party_name})"

    @property
    def status(self) -> str:
        """'Listed address of LAZARUS GROUP (US OFAC 27307)': the wallet's standing in a sentence."""
        return f"Listed address of {self.party_name} ({self.record})"

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, record=self.text)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Listing:
        return cls(
            wallet=str(data.get("wallet") or ""),
            party=str(data.get("party") or ""),
            party_name=str(data.get("party_name") or data.get("party") or ""),
            authority=str(data.get("authority") or ""),
            record_id=None if data.get("record_id") is None else str(data["record_id"]),
            dataset=str(data.get("dataset") or ""),
            programs=tuple(str(p) for p in data.get("programs") or ()),
        )


def _list(raw: Any) -> list[str]:
    if raw is None or raw == "":
        return []
    return [str(v) for v in raw] if isinstance(raw, list | tuple) else [str(raw)]


def listing_of(wallet: str, holder: str, holder_props: dict[str, Any], rel_datasets: Sequence[str]) -> Listing | None:
    """The listing a HOLDS relationship from a sanctioned holder makes, or None when the list that designates the
    holder does not state the holding (pure: from the holder's properties and the relationship's datasets)."""
    stated_by = [d for d in rel_datasets if d in _list(holder_props.get(Prop.DATASETS.value))]
    designations = [Designation.from_json(t) for t in _list(holder_props.get(Prop.DESIGNATIONS.value))]
    if not stated_by or not designations:
        return None
    d = designations[0]
    record = d.record_id
    if record is None:  # the dataset's own record id ('us_ofac_sdn:27307')
        for source_id in _list(holder_props.get(Prop.SOURCE_IDS.value)):
            dataset, sep, rest = source_id.partition(":")
            if sep and dataset == stated_by[0]:
                record = rest
                break
    name = str(holder_props.get(Prop.NAME.value) or holder)
    programs = tuple(dict.fromkeys(p for x in designations for p in x.programs))
    return Listing(wallet, holder, name, d.authority or stated_by[0], record, stated_by[0], programs)


def listings(reader: GraphReader, ids: Sequence[str]) -> dict[str, list[Listing]]:
    """For each of ``ids`` that is a listed address, the records that list it (one store call; other ids are
    absent). Ids that are not wallets have no HOLDS coming in and are simply absent."""
    if not ids:
        return {}
    links = reader.links(
        list(dict.fromkeys(ids)),
        [RelType.HOLDS],
        Direction.IN,
        rel_props=(Prop.DATASETS,),
        node_props=_HOLDER_PROPS,
        other_flag=Prop.SANCTIONED,
    )
    out: dict[str, list[Listing]] = {}
    for link in sorted(links, key=lambda k: (k.origin, k.other)):
        found = listing_of(link.origin, link.other, link.node, _list(link.rel.get(Prop.DATASETS.value)))
        if found is not None and all(x.party != found.party for x in out.get(link.origin, [])):
            out.setdefault(link.origin, []).append(found)
    return out


def listing_status(found: Sequence[Listing]) -> str:
    """The status of a wallet listed by ``found`` (empty text when none)."""
    return "; ".join(x.status for x in found)


def with_listings(reader: GraphReader, entities: Sequence[Entity]) -> list[Entity]:
    """The entities, each listed wallet carrying its listings in ``listed_via`` (JSON texts, derived on read, never
    stored): what every page, export and command shows of an entity then says the same (one store call)."""
    found = listings(reader, [e.id for e in entities if e.kind is NodeKind.WALLET])
    out: list[Entity] = []
    for e in entities:
        if e.id in found:
            texts = [json.dumps(x.to_dict(), sort_keys=True) for x in found[e.id]]
            e = replace(e, properties={**e.properties, Prop.LISTED_VIA.value: texts})
        out.append(e)
    return out


def entity_listings(entity: Entity) -> list[Listing]:
    """The listings ``with_listings`` put on an entity (none when it is not a listed address or was not asked)."""
    return [Listing.from_dict(json.loads(t)) for t in _list(entity.properties.get(Prop.LISTED_VIA.value))]


def listed_status(entity: Entity) -> str | None:
    """'Listed address of LAZARUS GROUP (US OFAC 27307)' for a listed wallet read with ``with_listings``."""
    return listing_status(entity_listings(entity)) or None


def standing(entity: Entity) -> list[str]:
    """Plain sentences about an entity's standing: sanctioned, a listed address (read with ``with_listings``) or
    neither; a front company; a placeholder no source describes."""
    listed = listed_status(entity)
    if entity.sanctioned:
        lines = ["Sanctioned"]
    elif listed:
        lines = [listed]
    else:
        lines = ["No sanctions designation in the loaded data"]
    if entity.properties.get(Prop.FRONT):
        lines.append("Front company (a source marks it as a shell or front)")
    if entity.properties.get(Prop.STUB):
        lines.append("Placeholder: another record names it, but no source describes it")
    return lines


def named_nearest(entities: Sequence[Entity], names: Mapping[str, str]) -> list[Entity]:
    """The entities, each carrying the name of its nearest sanctioned entity (``exposure_nearest_name``) when
    ``names`` (id -> name) knows it (pure)."""
    out: list[Entity] = []
    for e in entities:
        name = names.get(str(e.properties.get(Prop.EXPOSURE_NEAREST.value) or ""))
        out.append(replace(e, properties={**e.properties, Prop.EXPOSURE_NEAREST_NAME.value: name}) if name else e)
    return out


def with_derived(
    reader: GraphReader, entities: Sequence[Entity], known: Mapping[str, str] | None = None
) -> list[Entity]:
    """``with_listings``, and the name of each entity's nearest sanctioned entity (``exposure_nearest_name``), so
    exposure names entities by name, never by id. Names in ``known`` (id -> name, e.g. a view's entities) and the
    entity itself cost nothing; others one store call."""
    listed = with_listings(reader, entities)
    names = {e.id: e.name for e in listed} | dict(known or {})
    wanted = sorted(
        {str(n) for e in listed if (n := e.properties.get(Prop.EXPOSURE_NEAREST.value)) and str(n) not in names}
    )
    if wanted:
        names |= {e.id: e.name for e in reader.get_entities(wanted)}
    return named_nearest(listed, names)
