"""The one FollowTheMoney (FtM) mapping table: node kinds <-> schemata, relationship types <-> edge schemata.

Read by the FtM loader (``load ftm``: schema -> kind, edge schema -> relationship) and by the FtM export
(``graph.exports.ftm``: kind -> schema, relationship -> edge entity or end property). Names are those of the
followthemoney package's schema files (``followthemoney/schema/*.yaml``); ``tests/unit/test_ftm_mapping.py`` checks
every schema and property named here against the installed model. docs/ftm-mapping.md explains the choices.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.vocabulary import NodeKind, Prop, RelType

#: Schema -> node kind: the first entry a schema is (or descends from) wins; read backwards, kind -> schema.
KIND_SCHEMATA: tuple[tuple[str, NodeKind], ...] = (
    ("CryptoWallet", NodeKind.WALLET),
    ("Address", NodeKind.ADDRESS),
    ("Vessel", NodeKind.VESSEL),
    ("Airplane", NodeKind.AIRCRAFT),
    ("Person", NodeKind.PERSON),
    ("Company", NodeKind.COMPANY),
    ("Organization", NodeKind.ORGANIZATION),
    ("LegalEntity", NodeKind.LEGAL_ENTITY),
)

#: Node kind -> the FtM schema it is written as.
SCHEMA_OF_KIND: dict[NodeKind, str] = {kind: name for name, kind in KIND_SCHEMATA}


@dataclass(frozen=True)
class EdgeMap:
    """How an FtM edge schema becomes a relationship: its type, whether FtM's direction is reversed, its props.

    ``source``/``target`` are the FtM properties holding the edge's ends in FtM's direction (the schema's
    ``edge.source``/``edge.target``); ``reverse`` says the relationship runs the other way (Employment: FtM
    employee -> employer, the vocabulary: employer EMPLOYS employee). ``props``: FtM property -> vocabulary
    property (several FtM properties may read into one; an export writes the first). ``ignored``: FtM properties
    deliberately not kept.
    """

    rel_type: RelType
    reverse: bool
    props: dict[str, Prop]
    ignored: frozenset[str] = frozenset()
    source: str = ""
    target: str = ""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DATES = {"startDate": Prop.START_DATE, "endDate": Prop.END_DATE}
#: Provenance and housekeeping properties of FtM Interval schemata (edges, Sanction, Identification): not kept.
INTERVAL_IGNORED = _words(
    """
    alephUrl date description indexText modifiedAt namesMentioned proof publisher publisherUrl recordId retrievedAt
    sourceUrl summary
    """
)
INTEREST_IGNORED = INTERVAL_IGNORED | {"status"}


def _undated(rel_type: RelType, role: str, ignored: frozenset[str], source: str, target: str) -> EdgeMap:
    """An edge whose one property is its role (FtM ``role`` or ``relationship``); its dates are not kept."""
    return EdgeMap(rel_type, False, {role: Prop.ROLE}, ignored | {"startDate", "endDate"}, source, target)


#: FtM edge schemata -> relationships (props limited to those the vocabulary's RelSpec lists).
EDGE_SCHEMATA: dict[str, EdgeMap] = {
    "Ownership": EdgeMap(
        RelType.OWNS,
        False,
        {"percentage": Prop.PERCENTAGE, **DATES},
        INTEREST_IGNORED
        | {"role", "legalBasis", "ownershipType", "sharesCount", "sharesCurrency", "sharesType", "sharesValue"},
        "owner",
        "asset",
    ),
    "Directorship": EdgeMap(
        RelType.DIRECTS,
        False,
        {"role": Prop.ROLE, **DATES},
        INTEREST_IGNORED | {"secretary"},
        "director",
        "organization",
    ),
    # FtM: employee -> employer; the vocabulary: employer EMPLOYS employee.
    "Employment": EdgeMap(
        RelType.EMPLOYS, True, {"role": Prop.ROLE, **DATES}, INTEREST_IGNORED, "employee", "employer"
    ),
    "Membership": EdgeMap(
        RelType.MEMBER_OF, False, {"role": Prop.ROLE, **DATES}, INTEREST_IGNORED, "member", "organization"
    ),
    "Family": _undated(RelType.FAMILY_OF, "relationship", INTERVAL_IGNORED, "person", "relative"),
    "Associate": _undated(RelType.ASSOCIATE_OF, "relationship", INTERVAL_IGNORED, "person", "associate"),
    "UnknownLink": _undated(RelType.LINKED_TO, "role", INTEREST_IGNORED, "subject", "object"),
    "Payment": EdgeMap(
        RelType.PAID,
        False,
        {
            "amount": Prop.AMOUNT,
            "currency": Prop.CURRENCY,
            "date": Prop.DATE,
            "startDate": Prop.DATE,
            "purpose": Prop.PURPOSE,
        },
        (INTERVAL_IGNORED - {"date"})
        | {
            "endDate",
            "amountEur",
            "amountUsd",
            "payerAccount",
            "beneficiaryAccount",
            "contract",
            "programme",
            "project",
            "sequenceNumber",
            "transactionNumber",
        },
        "payer",
        "beneficiary",
    ),
}

#: Relationship properties that hold numbers (FtM writes every value as a string).
NUMERIC_REL_PROPS = frozenset({Prop.PERCENTAGE, Prop.AMOUNT, Prop.VALUE_USD})


@dataclass(frozen=True)
class LinkMap:
    """A node property holding other entities' ids, and the relationship it becomes."""

    rel_type: RelType
    other_is_source: bool  # the referenced entity is the relationship's source (holder HOLDS wallet)
    role: str | None = None


#: Entity-valued node properties read as relationships by the loader.
LINK_PROPS: dict[str, LinkMap] = {
    "addressEntity": LinkMap(RelType.LOCATED_AT, False),
    "holder": LinkMap(RelType.HOLDS, True),
    "owner": LinkMap(RelType.OWNS, True),
    "operator": LinkMap(RelType.LINKED_TO, True, "operator"),
    "parent": LinkMap(RelType.LINKED_TO, False, "parent"),
}

# --- the export direction -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportEdge:
    """How a relationship type is written as an FtM edge entity: schema, the properties holding the relationship's
    source and target (already in the vocabulary's direction), and its own properties (vocabulary -> FtM)."""

    schema: str
    source: str
    target: str
    props: tuple[tuple[Prop, str], ...] = field(default=())


def _export_edge(schema: str) -> ExportEdge:
    spec = EDGE_SCHEMATA[schema]
    source, target = (spec.target, spec.source) if spec.reverse else (spec.source, spec.target)
    first: dict[Prop, str] = {}
    for name, prop in spec.props.items():
        first.setdefault(prop, name)  # Payment date and startDate both read into DATE: write `date`
    return ExportEdge(schema, source, target, tuple((prop, name) for prop, name in first.items()))


#: The Payment property that names an on-chain transaction (its hash). A Payment with it whose payer and beneficiary
#: are both CryptoWallets is a transfer: ``load ftm`` reads it as TRANSFERRED by ``EXPORT_EDGES[TRANSFERRED]``
#: (the table the export writes it by), any other Payment as PAID.
TRANSFER_MARK = "transactionNumber"

#: Relationship type -> FtM edge entity. Every imported edge schema exported back as itself, plus TRANSFERRED
#: (wallet -> wallet), which FtM has no schema for: a Payment between the two CryptoWallets, the asset as its
#: currency and the transaction hash as its transactionNumber (docs/ftm-mapping.md).
EXPORT_EDGES: dict[RelType, ExportEdge] = {
    **{spec.rel_type: _export_edge(name) for name, spec in EDGE_SCHEMATA.items()},
    RelType.TRANSFERRED: ExportEdge(
        "Payment",
        "payer",
        "beneficiary",
        (
            (Prop.AMOUNT, "amount"),
            (Prop.ASSET, "currency"),
            (Prop.VALUE_USD, "amountUsd"),
            (Prop.TIMESTAMP, "date"),
            (Prop.TX_HASH, TRANSFER_MARK),
        ),
    ),
}


@dataclass(frozen=True)
class PropertyLink:
    """A relationship type FtM writes as an entity-valued property of one end, naming the other end."""

    rel_type: RelType
    prop: str  # the FtM property
    on_target: bool  # the property sits on the relationship's target (the wallet's holder), else on its source
    target_kind: NodeKind  # the kind the relationship's target has (a Wallet's holder, an Address entity)


#: HOLDS -> the wallet's ``holder``; LOCATED_AT -> the entity's ``addressEntity`` (the inverse of LINK_PROPS).
PROPERTY_LINKS: dict[RelType, PropertyLink] = {
    RelType.HOLDS: PropertyLink(RelType.HOLDS, "holder", True, NodeKind.WALLET),
    RelType.LOCATED_AT: PropertyLink(RelType.LOCATED_AT, "addressEntity", False, NodeKind.ADDRESS),
}

#: Relationship types kept out of the FtM entity stream: SAME_AS is an entity-resolution judgement, which FtM
#: consumers keep outside entities (nomenklatura's resolver); ``graph.exports.ftm`` writes them as judgements.
JUDGEMENT_TYPES: tuple[RelType, ...] = (RelType.SAME_AS,)

#: Node properties -> the FtM property they are written as (scalars the loader joined with "; " are split back).
#: A property the entity's schema lacks is counted as dropped by the export, never written.
NODE_PROPS: dict[Prop, str] = {
    Prop.ALIASES: "alias",
    Prop.COUNTRIES: "country",
    Prop.TOPICS: "topics",
    Prop.PROGRAMS: "program",
    Prop.BIRTH_DATE: "birthDate",
    Prop.BIRTH_PLACE: "birthPlace",
    Prop.GENDER: "gender",
    Prop.TITLE: "title",
    Prop.ADDRESS: "address",
    Prop.CITY: "city",
    Prop.FLAG: "flag",
    Prop.IMO: "imoNumber",
    Prop.CALL_SIGN: "callSign",
    Prop.VESSEL_TYPE: "type",
    Prop.TONNAGE: "tonnage",
    Prop.NOTES: "notes",
    Prop.CHAIN: "blockchain",
    Prop.CURRENCIES: "currencySymbol",
}

#: The topics that carry the sanctioned and front marks.
SANCTION_TOPIC = "sanction"
FRONT_TOPIC = "corp.shell"
