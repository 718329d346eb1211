"""Which FtM property goes where: every property of a mapped node schema is used or listed as ignored here (a test
checks the whole FtM model), Sanction and Identification properties, an entity line's top-level keys, and what a
delta MOD replaces."""

from __future__ import annotations

from followthemoney.schema import Schema

from graph import INTERVAL_IGNORED as _INTERVAL_IGNORED
from graph import KIND_SCHEMATA, LINK_PROPS, NodeKind, Prop


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ALIAS_PROPS = ("alias", "weakAlias", "previousName", "abbreviation")
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry")
#: Scalar node properties (several values are joined with "; ").
SCALAR_PROPS: dict[str, Prop] = {
    "birthDate": Prop.BIRTH_DATE,
    "birthPlace": Prop.BIRTH_PLACE,
    "gender": Prop.GENDER,
    "title": Prop.TITLE,
    "address": Prop.ADDRESS,
    "city": Prop.CITY,
    "flag": Prop.FLAG,
    "imoNumber": Prop.IMO,
    "callSign": Prop.CALL_SIGN,
}
NUMBER_PROPS: dict[str, Prop] = {"tonnage": Prop.TONNAGE, "grossRegisteredTonnage": Prop.TONNAGE}
#: Free text joined into ``notes``.
NOTE_PROPS = ("notes", "description", "summary", "biography", "remarks")
#: Kept in ``notes`` as "Label: value" (no vocabulary property of their own).
LABELLED_NOTE_PROPS = _words(
    """
    incorporationDate dissolutionDate deathDate legalForm status sector position buildDate model manufacturer
    """
)
#: Identifiers: "Label: value" in ``identifiers`` and the raw value in ``lookup_keys``.
IDENTIFIER_PROPS = _words(
    """
    accountId bikCode brightQueryId brightQueryOrgId bvdId cageCode callSign cikCode coatoCode crsNumber dunsCode
    email fnsCode giiNumber icaoCode idNumber imoNumber innCode ipoCode irsCode isinCode jibCode kppCode leiCode
    licenseNumber mbsCode mmsi npiCode ogrnCode okpoCode okvedCode passportNumber permId pfrNumber phone
    registrationNumber ricCode sayariId serialNumber socialSecurityNumber swiftBic taxNumber ticker uniqueEntityId
    uscCode vatCode voenCode website wikidataId
    """
)
#: Handled by their own code: names and name parts, marks, wallet and address fields, vehicle type.
SPECIAL_PROPS = _words(
    """
    name topics program publicKey cryptoAddress currencySymbol blockchain full street street2 postOfficeBox
    postalCode region state firstName secondName middleName lastName nameSuffix type
    """
)
#: Properties of node schemata deliberately not kept.
IGNORED_NODE_PROPS = (
    # provenance and housekeeping
    _words("""
    alephUrl createdAt modifiedAt retrievedAt publisher publisherUrl sourceUrl indexText keywords proof riskSource
    programId wikipediaUrl opencorporatesUrl
    """)
    # descriptive detail with no vocabulary property
    | _words("""
    appearance birthCountry classification education ethnicity eyeColor fatherName hairColor height icijId
    motherName political profession religion spokenLanguage taxStatus weight caemCode capital fssCode okopfCode
    oksmCode
    """)
    # values and wallet balances
    | _words("amount amountEur amountUsd currency balance balanceDate creationDate custodyType managingExchange")
    | _words("privateKey")
    # vessel and aircraft registry detail
    | _words("""
    deadweightTonnage deregistrationDate nameChangeDate navigationArea pastFlags pastTypes registrationDate
    registrationPort
    """)
    # address geometry
    | _words("googlePlaceId latitude longitude osmId")
)

SANCTION_PROPS = frozenset(
    {
        "entity",
        "authority",
        "program",
        "programId",
        "startDate",
        "listingDate",
        "endDate",
        "sourceUrl",
        "programUrl",
        "recordId",
    }
)
SANCTION_IGNORED = (_INTERVAL_IGNORED - {"sourceUrl", "recordId"}) | {
    "authorityId",
    "country",
    "duration",
    "provisions",
    "reason",
    "status",
    "unscId",
}
IDENTIFICATION_PROPS = frozenset({"holder", "number", "passportNumber", "type", "country"})
IDENTIFICATION_IGNORED = _INTERVAL_IGNORED | {
    "authority",
    "startDate",
    "endDate",
    "birthDate",
    "birthPlace",
    "gender",
    "givenName",
    "personalNumber",
    "surname",
}

#: Top-level keys of an entity line: used, and known but not kept.
ENTITY_KEYS = frozenset({"id", "schema", "properties", "caption", "datasets", "referents", "target"})
ENTITY_KEYS_KEPT_AS_SCALARS = {"first_seen": Prop.FIRST_SEEN, "last_seen": Prop.LAST_SEEN}
ENTITY_KEYS_IGNORED = frozenset({"last_change"})
ALL_ENTITY_KEYS = ENTITY_KEYS | ENTITY_KEYS_KEPT_AS_SCALARS.keys() | ENTITY_KEYS_IGNORED
DELTA_OPS = ("ADD", "MOD", "DEL")
#: What a delta MOD of a node replaces (see the package docstring); other properties keep being united.
MOD_REPLACED_PROPS: tuple[Prop, ...] = tuple(
    dict.fromkeys(
        [
            Prop.ALIASES,
            Prop.SEARCH_NAMES,
            Prop.COUNTRIES,
            Prop.TOPICS,
            Prop.CURRENCIES,
            *SCALAR_PROPS.values(),
            *NUMBER_PROPS.values(),
            Prop.NOTES,
            Prop.VESSEL_TYPE,
            Prop.ADDRESS,
            Prop.CHAIN,
            *ENTITY_KEYS_KEPT_AS_SCALARS.values(),
        ]
    )
)

#: Every node property the mapping knows (used, or deliberately ignored).
ALL_NODE_PROPS = (
    set(ALIAS_PROPS)
    | set(COUNTRY_PROPS)
    | set(SCALAR_PROPS)
    | set(NUMBER_PROPS)
    | set(NOTE_PROPS)
    | LABELLED_NOTE_PROPS
    | IDENTIFIER_PROPS
    | set(LINK_PROPS)
    | SPECIAL_PROPS
    | IGNORED_NODE_PROPS
)


def kind_of(schema: Schema) -> NodeKind | None:
    """The node kind of a schema: the first of KIND_SCHEMATA it is (None: not a graph node)."""
    for name, kind in KIND_SCHEMATA:
        if schema.is_a(name):
            return kind
    return None
