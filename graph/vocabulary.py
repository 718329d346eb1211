"""The one vocabulary of sanctions-graph: node kinds, relationship types and properties.

Every label, relationship type and property name used anywhere in the project is named here, once.
Cypher builders interpolate labels and types only from these enums, never from source or user text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: Every node carries this label plus exactly one kind label.
ENTITY_LABEL = "Entity"


class NodeKind(StrEnum):
    """Kinds of node, aligned with FollowTheMoney schemata."""

    PERSON = "Person"
    COMPANY = "Company"
    ORGANIZATION = "Organization"
    LEGAL_ENTITY = "LegalEntity"
    WALLET = "Wallet"
    ADDRESS = "Address"
    VESSEL = "Vessel"
    AIRCRAFT = "Aircraft"


class RelType(StrEnum):
    """Relationship types; the direction is given in RELATIONSHIPS."""

    OWNS = "OWNS"
    DIRECTS = "DIRECTS"
    EMPLOYS = "EMPLOYS"
    MEMBER_OF = "MEMBER_OF"
    FAMILY_OF = "FAMILY_OF"
    ASSOCIATE_OF = "ASSOCIATE_OF"
    LINKED_TO = "LINKED_TO"
    PAID = "PAID"
    TRANSFERRED = "TRANSFERRED"
    HOLDS = "HOLDS"
    LOCATED_AT = "LOCATED_AT"
    SAME_AS = "SAME_AS"


class Prop(StrEnum):
    """Property names of nodes and relationships."""

    ID = "id"
    KIND = "kind"
    NAME = "name"
    ALIASES = "aliases"
    COUNTRIES = "countries"
    IDENTIFIERS = "identifiers"
    LOOKUP_KEYS = "lookup_keys"
    SEARCH_NAMES = "search_names"
    SEARCH_TEXT = "search_text"
    LOOKUP_TEXT = "lookup_text"
    SANCTIONED = "sanctioned"
    PROGRAMS = "programs"
    DESIGNATIONS = "designations"
    TOPICS = "topics"
    DATASETS = "datasets"
    SOURCE_IDS = "source_ids"
    FIRST_SEEN = "first_seen"
    LAST_SEEN = "last_seen"
    BIRTH_DATE = "birth_date"
    BIRTH_PLACE = "birth_place"
    GENDER = "gender"
    TITLE = "title"
    NOTES = "notes"
    ADDRESS = "address"
    CITY = "city"
    CHAIN = "chain"
    CURRENCIES = "currencies"
    IMO = "imo"
    FLAG = "flag"
    VESSEL_TYPE = "vessel_type"
    TONNAGE = "tonnage"
    CALL_SIGN = "call_sign"
    FRONT = "front"
    STUB = "stub"
    # relationship properties
    PERCENTAGE = "percentage"
    ROLE = "role"
    START_DATE = "start_date"
    END_DATE = "end_date"
    AMOUNT = "amount"
    CURRENCY = "currency"
    DATE = "date"
    PURPOSE = "purpose"
    ASSET = "asset"
    VALUE_USD = "value_usd"
    TIMESTAMP = "timestamp"
    TX_HASH = "tx_hash"
    SCORE = "score"
    STATUS = "status"
    # SAME_AS candidates (graph.matching.xref) and an analyst's judgement of them (graph.matching.judgements)
    MATCH_LABEL = "match_label"  # the matcher's label: "match" or "possible match"
    EXPLANATION = "explanation"  # why the matcher proposed the pair, in words
    JUDGEMENT = "judgement"  # "accepted" or "rejected" by an analyst; absent: not judged (or undone)
    JUDGED_BY = "judged_by"  # who judged (or undid) it
    JUDGED_AT = "judged_at"  # when (ISO 8601, UTC)
    # analysis results written back by `sanctions-graph analyze` (graph/analytics); never set by a source
    EXPOSURE_HOPS = "exposure_hops"  # hops to the nearest sanctioned entity (0: itself), absent when none reachable
    EXPOSURE_NEAREST = "exposure_nearest"  # id of that nearest sanctioned entity
    EXPOSURE_PATH = "exposure_path"  # ids from the entity to the nearest sanctioned one, both included
    EXPOSURE_PATH_RELS = "exposure_path_rels"  # one step per hop: "OWNS>" (forward) or "<OWNS" (backward)
    EXPOSURE_TYPES = "exposure_types"  # relationship types exposure followed: "ALL" or "OWNS,DIRECTS,…"
    SANCTIONED_WITHIN = "sanctioned_within"  # [n within 1 hop, within 2, within 3], the entity itself not counted
    BLOCKED_BY_OWNERSHIP = "blocked_by_ownership"  # OFAC 50% rule: true blocked, false not, absent: not evaluated
    OWNERSHIP_UNKNOWN = "ownership_unknown"  # true: possibly blocked, a percentage held by blocked persons is missing
    BLOCKED_SHARE = "blocked_share"  # percent held directly, in aggregate, by blocked persons (listed or by the rule)
    EFFECTIVE_BLOCKED_SHARE = "effective_blocked_share"  # percent of listed persons multiplied along ownership chains
    OWNERSHIP_AS_OF = "ownership_as_of"  # the date (ISO) the ownership results hold for
    ANALYZED_AT = "analyzed_at"  # when analyze wrote these results (ISO 8601, UTC)
    # derived on read (graph.analytics.listing.with_listings), never stored nor set by a source
    LISTED_VIA = "listed_via"  # a wallet's sanctions records: JSON texts naming the record and the listed party
    EXPOSURE_NEAREST_NAME = "exposure_nearest_name"  # the name of the entity exposure_nearest names


#: List-valued properties: a second source adds to them (set union) instead of replacing them.
LIST_PROPS: frozenset[Prop] = frozenset(
    {
        Prop.ALIASES,
        Prop.COUNTRIES,
        Prop.IDENTIFIERS,
        Prop.LOOKUP_KEYS,
        Prop.SEARCH_NAMES,
        Prop.PROGRAMS,
        Prop.DESIGNATIONS,
        Prop.TOPICS,
        Prop.DATASETS,
        Prop.SOURCE_IDS,
        Prop.CURRENCIES,
    }
)

#: Boolean marks that any source can set and none can unset (logical OR across sources).
FLAG_PROPS: frozenset[Prop] = frozenset({Prop.SANCTIONED, Prop.FRONT})

#: Properties the store maintains itself; sources never set them directly. (Sources do give LOOKUP_KEYS: the raw
#: identifier values an analyst may paste; the store normalises them.)
INTERNAL_PROPS: frozenset[Prop] = frozenset({Prop.ID, Prop.KIND, Prop.SEARCH_NAMES, Prop.SEARCH_TEXT, Prop.LOOKUP_TEXT})

#: Properties written back by `sanctions-graph analyze` (graph/analytics): results, not facts from a source.
ANALYSIS_PROPS: tuple[Prop, ...] = (
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

#: Entity properties never shown to a reader as "property: value" rows: the store's bookkeeping, the flags and the
#: analysis results (shown as sentences, badges and a risk section instead), and what a page shows another way.
NOT_PROPERTY_ROWS: frozenset[str] = frozenset(
    p.value
    for p in (
        *INTERNAL_PROPS,
        *FLAG_PROPS,
        *ANALYSIS_PROPS,
        Prop.NAME,
        Prop.LOOKUP_KEYS,
        Prop.STUB,
        Prop.DESIGNATIONS,
        Prop.NOTES,
        Prop.LISTED_VIA,
        Prop.EXPOSURE_NEAREST_NAME,
    )
)


#: An analyst's judgement of a SAME_AS candidate: set by review (graph.matching.judgements), never by a source.
JUDGEMENT_PROPS: tuple[Prop, ...] = (Prop.JUDGEMENT, Prop.JUDGED_BY, Prop.JUDGED_AT)


@dataclass(frozen=True)
class RelSpec:
    """How a relationship type reads: its direction, caption and the properties it may carry."""

    type: RelType
    source: str
    target: str
    caption: str
    properties: tuple[Prop, ...] = ()


RELATIONSHIPS: dict[RelType, RelSpec] = {
    spec.type: spec
    for spec in (
        RelSpec(RelType.OWNS, "owner", "asset", "owns", (Prop.PERCENTAGE, Prop.START_DATE, Prop.END_DATE)),
        RelSpec(RelType.DIRECTS, "director", "organisation", "directs", (Prop.ROLE, Prop.START_DATE, Prop.END_DATE)),
        RelSpec(RelType.EMPLOYS, "employer", "employee", "employs", (Prop.ROLE, Prop.START_DATE, Prop.END_DATE)),
        RelSpec(RelType.MEMBER_OF, "member", "organisation", "member of", (Prop.ROLE, Prop.START_DATE, Prop.END_DATE)),
        RelSpec(RelType.FAMILY_OF, "person", "relative", "family of", (Prop.ROLE,)),
        RelSpec(RelType.ASSOCIATE_OF, "person", "associate", "associate of", (Prop.ROLE,)),
        RelSpec(RelType.LINKED_TO, "subject", "object", "linked to", (Prop.ROLE,)),
        RelSpec(
            RelType.PAID,
            "payer",
            "beneficiary",
            "paid",
            (Prop.AMOUNT, Prop.CURRENCY, Prop.DATE, Prop.PURPOSE),
        ),
        RelSpec(
            RelType.TRANSFERRED,
            "sender wallet",
            "receiver wallet",
            "transferred",
            (Prop.AMOUNT, Prop.ASSET, Prop.VALUE_USD, Prop.TIMESTAMP, Prop.TX_HASH),
        ),
        RelSpec(RelType.HOLDS, "holder", "wallet", "holds"),
        RelSpec(RelType.LOCATED_AT, "entity", "address", "located at"),
        RelSpec(
            RelType.SAME_AS,
            "entity",
            "candidate",
            "same as?",
            (Prop.SCORE, Prop.STATUS, Prop.MATCH_LABEL, Prop.EXPLANATION, *JUDGEMENT_PROPS),
        ),
    )
}

#: Plain-language names of node kinds, for people.
KIND_CAPTIONS: dict[NodeKind, str] = {
    NodeKind.PERSON: "Person",
    NodeKind.COMPANY: "Company",
    NodeKind.ORGANIZATION: "Organisation",
    NodeKind.LEGAL_ENTITY: "Legal entity",
    NodeKind.WALLET: "Crypto wallet",
    NodeKind.ADDRESS: "Address",
    NodeKind.VESSEL: "Vessel",
    NodeKind.AIRCRAFT: "Aircraft",
}


def parse_kind(value: str) -> NodeKind:
    """The NodeKind named by ``value`` (its label); raises ValueError for anything else."""
    return NodeKind(value)


def parse_rel_types(values: list[str] | tuple[str, ...]) -> tuple[RelType, ...]:
    """Relationship types from user text, accepting any case; raises ValueError naming an unknown one."""
    out: list[RelType] = []
    for raw in values:
        name = raw.strip().upper().replace("-", "_").replace(" ", "_")
        if not name:
            continue
        try:
            out.append(RelType(name))
        except ValueError:
            known = ", ".join(t.value for t in RelType)
            raise ValueError(f"unknown relationship type {raw!r}; known types: {known}") from None
    return tuple(out)


# --- the analysts' own records (graph.cases): cases, notes, asserted links, attached screening runs -------------
class RecordLabel(StrEnum):
    """Labels of nodes analysts write (graph.cases). They never carry ENTITY_LABEL and have no relationships, so
    stats, search, analytics and exports (which read only :Entity) never count them, and no load touches them."""

    CASE = "Case"
    NOTE = "CaseNote"
    ASSERTED_LINK = "AssertedLink"
    SCREENING_RUN = "ScreeningRun"
    QUERY = "CaseQuery"  # a query made in a case (graph.cases.querylog)
    LOAD_CHANGES = "LoadChanges"  # what one load added, changed and removed (graph.cases.changes)


class RecordKey(StrEnum):
    """The properties records are looked up by."""

    ID = "id"
    CASE_ID = "case_id"  # the case a note, link or run belongs to
    TARGET = "target"  # what a note is on: an entity id, a relationship id, or the case id
