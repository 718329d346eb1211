"""FollowTheMoney (FtM) entity JSON lines: OpenSanctions and Aleph exports, plain or gzip, and delta files.

One JSON object per line, ``{"id", "schema", "properties": {name: [str, …]}}`` plus OpenSanctions' context
(``caption``, ``datasets``, ``referents``, ``target``, ``first_seen``, ``last_seen``, ``last_change``), or in a
delta file ``{"op": "ADD"|"MOD"|"DEL", "entity": {…}}`` (a DEL carries only the id), applied in order.
The followthemoney package's model says which schemata exist, which are edges and what each property is.

Mapping (every property of a mapped schema is used below or listed as ignored; anything else is counted):
- Nodes: the nearest of ``KIND_SCHEMATA`` a schema is (PublicBody is an Organization…); the FtM id is the node id,
  except CryptoWallet, whose node is ``graph.ids.wallet_id(publicKey)`` so that it meets the same wallet from other
  sources (the FtM id goes to ``source_ids``, as do ``referents``). Other schemata (Position, Occupancy, Debt…)
  are skipped and counted in the report.
- Edges: ``EDGE_SCHEMATA`` (Ownership → OWNS …), ends from the FtM model's edge definition, relationship id = the
  FtM id (``<id>.<n>`` when a property holds several ends). Link properties of nodes: ``addressEntity`` →
  LOCATED_AT, CryptoWallet ``holder`` → HOLDS, Vessel/Airplane ``owner`` → OWNS, ``operator`` and LegalEntity
  ``parent`` → LINKED_TO with that role.
- Sanction → a designation (authority, program, start date, source url) on its entity and its sanctioned mark
  (unless the sanction has an end date); Identification/Passport → identifiers of the holder
  (``"Passport: 123 (kp)"``, the raw number as a lookup key). ``target: true`` and the topic ``sanction`` mark an
  entity sanctioned; the topic ``corp.shell`` marks it a front.
- An edge end absent from the loaded files is kept as a stub (completed when a later load brings the entity).
  A Sanction/Identification whose entity is absent from the loaded files is applied to the stored node of that id
  (designation, programs and sanctioned mark, or identifier and lookup key, united with what it holds); if the
  graph has no such node either, a stub holds them until a load brings the entity. (A CryptoWallet's node id is
  not its FtM id, so a Sanction of a wallet loaded earlier lands on a stub of the FtM id.) Everything is resolved
  at the end of the load, so order within and across files does not matter, except for delta operations, which
  apply in order.

Deltas. ADD is a plain upsert. MOD carries the entity's full new version: for a node it replaces what the entity's
own properties said - name, aliases, countries, topics and every scalar (a value absent from the new version is
removed) - while identifiers and lookup keys (also given by Identification/Passport records), designations,
programs and the sanctioned/front marks (also given by Sanction records and other sources), datasets and source ids
are still united; its relationships are untouched. A MOD of an edge entity replaces the edge's properties (one
absent from the new version, e.g. a percentage no longer given, is removed; datasets and source ids are united).
DEL of a node deletes it with its relationships; DEL of an edge entity deletes its relationship, also one written
by an earlier load (by relationship id; an edge entity with several
ends, ids ``<id>.<n>``, is found only when loaded in the same run); DEL of a Sanction/Identification applied by an
earlier load cannot take its values back off the entity (counted in the report).
"""

from __future__ import annotations

import functools
import gzip
import json
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from followthemoney import model as ftm_model
from followthemoney.exc import InvalidData
from followthemoney.schema import Schema

from graph.errors import SourceFormatError
from graph.ftm_mapping import EDGE_SCHEMATA, KIND_SCHEMATA, LINK_PROPS, NUMERIC_REL_PROPS, EdgeMap
from graph.ftm_mapping import INTERVAL_IGNORED as _INTERVAL_IGNORED
from graph.ids import normalize_address, rel_id, wallet_id
from graph.model import Designation, NodeRecord, RelRecord
from graph.vocabulary import NodeKind, Prop, RelType
from loaders.common.chains import chain_for, website_host
from loaders.framework import LoadContext

#: Dataset name for lines that carry no ``datasets`` (Aleph exports, hand-made files).
DEFAULT_DATASET = "ftm"

#: File names taken from a directory given as a path.
FILE_SUFFIXES = (".json", ".jsonl", ".ndjson", ".ftm", ".json.gz", ".jsonl.gz", ".ndjson.gz", ".ftm.gz")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- node properties ----------------------------------------------------------------------------------------------

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
    {"entity", "authority", "program", "programId", "startDate", "listingDate", "endDate", "sourceUrl", "programUrl"}
)
SANCTION_IGNORED = (_INTERVAL_IGNORED - {"sourceUrl"}) | {
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
_ALL_ENTITY_KEYS = ENTITY_KEYS | ENTITY_KEYS_KEPT_AS_SCALARS.keys() | ENTITY_KEYS_IGNORED
DELTA_OPS = ("ADD", "MOD", "DEL")
#: What a delta MOD of a node replaces (see the module docstring); other properties keep being united.
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

_RAW_LIMIT = 1000
_MAX_EXAMPLES = 5


class FtmSource:
    """Reads FtM entity JSON lines (see the module docstring)."""

    name = "ftm"

    def __init__(self, dataset: str | None = None) -> None:
        self.dataset = dataset or DEFAULT_DATASET

    def expected_counts(self) -> dict[str, int]:
        return {"records": 1}

    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None:
        load = _Load(ctx, self.dataset)
        for path in expand_paths(paths):
            load.read_file(path)
        load.finish()


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given, and the FtM files (``FILE_SUFFIXES``) of a directory, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(FILE_SUFFIXES))
            if not found:
                raise SourceFormatError(str(path), None, None, f"no FtM files ({', '.join(FILE_SUFFIXES)}) in it")
            files += found
        else:
            files.append(path)
    return files


def kind_of(schema: Schema) -> NodeKind | None:
    for name, kind in KIND_SCHEMATA:
        if schema.is_a(name):
            return kind
    return None


class _Bad(Exception):
    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class _Line:
    """Where a record came from; its text (for the rejects file) is decoded only when asked for."""

    __slots__ = ("_data", "file", "number")

    def __init__(self, file: str, number: int, data: bytes) -> None:
        self.file = file
        self.number = number
        self._data = data

    @property
    def raw(self) -> str:
        return self._data.decode("utf-8", "backslashreplace").removeprefix("\ufeff").strip()[:_RAW_LIMIT]


@dataclass
class _Entity:
    """A validated FtM entity."""

    id: str
    schema: Schema
    props: dict[str, list[str]]
    caption: str | None
    datasets: list[str]
    referents: list[str]
    target: bool
    seen: dict[Prop, str]

    def first(self, name: str) -> str | None:
        values = self.props.get(name)
        return values[0] if values else None

    def values(self, *names: str) -> list[str]:
        """The values of the named properties, in order, without repeats."""
        if len(names) == 1:
            return list(self.props.get(names[0], ()))  # already without repeats
        out: list[str] = []
        for name in names:
            for v in self.props.get(name, ()):
                if v not in out:
                    out.append(v)
        return out


@dataclass
class _Node:
    """What the load remembers of an emitted node, to add designations to it later and to resolve edge ends."""

    node_id: str
    kind: NodeKind
    schema: Schema
    name: str


@dataclass
class _Edge:
    key: str  # the FtM record that says it (an edge entity, or the node whose link property it is)
    rel_type: RelType
    source: str  # FtM ids, resolved to node ids at the end
    target: str
    rel_id: str | None  # None: derived from the resolved ends
    props: dict[Prop, Any] = field(default_factory=dict)
    clear: frozenset[Prop] = frozenset()  # a MOD's edge: scalars a stored relationship loses when absent here


@dataclass
class _Attachment:
    """What a Sanction or Identification adds to one entity, waiting for it or applied to it."""

    record_id: str
    subject: str
    subject_field: str
    props: dict[Prop, Any]
    line: _Line
    applied: bool = False


class _Load:
    """The state of one load across all its files."""

    def __init__(self, ctx: LoadContext, dataset: str) -> None:
        self.ctx = ctx
        self.dataset = dataset
        self.nodes: dict[str, _Node] = {}
        self.edges: dict[str, list[_Edge]] = {}
        self.edge_keys: set[str] = set()  # keys that are FtM edge entities (not nodes' link properties)
        self.by_end: dict[str, set[str]] | None = None  # built when a delta deletes a node (_ends_index)
        self.attachments: dict[str, list[_Attachment]] = {}  # by the Sanction/Identification's FtM id
        self.waiting: dict[str, list[_Attachment]] = {}  # by the FtM id of the entity they wait for
        self.not_nodes: set[str] = set()  # records that are no graph nodes: attachments, skipped (edges: edge_keys)

    # --- reading --------------------------------------------------------------------------------------------------
    def read_file(self, path: Path) -> None:
        file = str(path)
        record_read, loads, decode_error = self.ctx.record_read, orjson.loads, orjson.JSONDecodeError
        for number, raw in self._raw_lines(path):
            if not raw.strip():
                continue
            record_read()
            line = _Line(file, number, raw)
            try:
                # the fast path: orjson reads (and checks the UTF-8 of) well-formed lines; anything it refuses
                # takes the slow path, whose messages say what is wrong
                try:
                    data = loads(raw)
                except decode_error:
                    data = self._slow_decode(raw, line)
                self._data(data, line)
            except _Bad as bad:
                self.ctx.reject(file, number, bad.field, bad.reason, line.raw)

    @staticmethod
    def _slow_decode(raw: bytes, line: _Line) -> Any:
        """Decode a line orjson refused (a BOM, NaN, a lone surrogate… or a real error, then named)."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Bad(
                None,
                f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1} (latin-1 or another encoding?)",
            ) from None
        if line.number == 1:
            text = text.removeprefix("\ufeff")
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if not raw.endswith(b"\n"):
                raise _Bad(None, f"truncated: the file ends in the middle of a record ({exc.msg})") from None
            raise _Bad(None, f"not JSON: {exc.msg} at column {exc.colno}") from None

    def _raw_lines(self, path: Path) -> Iterator[tuple[int, bytes]]:
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise SourceFormatError(str(path), None, None, f"cannot be read ({exc.strerror or exc})") from exc
        number = 0
        with handle:
            gzipped = handle.read(2) == b"\x1f\x8b"
            handle.seek(0)
            try:
                stream = gzip.GzipFile(fileobj=handle, mode="rb") if gzipped else handle
                for number, raw in enumerate(stream, start=1):
                    if number == 1 and raw.lstrip().startswith(b"["):
                        raise SourceFormatError(
                            str(path), 1, None, "a JSON array, not JSON lines (one FtM entity object per line)"
                        )
                    yield number, raw
            except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
                reason = f"truncated gzip: {exc}; the lines after {number} are lost"
                self.ctx.reject(str(path), number + 1, None, reason)
                self.ctx.warn(f"{path}: {reason}")

    def _data(self, data: Any, line: _Line) -> None:
        if not isinstance(data, dict):
            raise _Bad(None, "not a JSON object: each line must be one FtM entity")
        if "op" not in data:
            self._entity(data, line)
            return
        op = data["op"]
        if op not in DELTA_OPS:
            raise _Bad("op", f"unknown op: {op!r} (ADD, MOD or DEL)")
        for key in data:
            if key not in ("op", "entity"):
                self.ctx.note(f"unknown delta field (ignored): {key}")
        entity = data.get("entity")
        if not isinstance(entity, dict):
            raise _Bad("entity", "missing entity: a delta line carries an 'entity' object")
        if op == "DEL":
            entity_id = entity.get("id")
            if not isinstance(entity_id, str) or not entity_id.strip():
                raise _Bad("id", "missing id: a DEL names the entity to delete")
            self._delete(entity_id.strip())
        else:
            self._entity(entity, line, replace=op == "MOD")
        self.ctx.note(f"delta {op}")

    # --- validation -----------------------------------------------------------------------------------------------
    def _validate(self, data: dict[str, Any]) -> _Entity:
        entity_id = data.get("id")
        if not isinstance(entity_id, str) or not entity_id.strip():
            raise _Bad("id", "missing id: every FtM entity needs a string id")
        schema_name = data.get("schema")
        if not isinstance(schema_name, str) or not schema_name:
            raise _Bad("schema", "missing schema")
        schema = ftm_model.get(schema_name)
        if schema is None:
            raise _Bad("schema", f"unknown schema: {schema_name}")
        if schema.abstract:
            raise _Bad("schema", f"abstract schema: {schema_name} cannot have entities")
        raw_props = data.get("properties", {})
        if not isinstance(raw_props, dict):
            raise _Bad("properties", "not an object: properties must map names to lists of strings")
        known = schema.properties  # by name, inherited ones too
        props: dict[str, list[str]] = {}
        for name, values in raw_props.items():
            if type(values) is not list:
                raise _Bad(name, f"not a list of strings: {name} (FtM writes every value, numbers too, as strings)")
            if len(values) == 1:  # the common case, without the general loop
                value = values[0]
                if type(value) is not str:
                    raise _Bad(name, f"not a list of strings: {name} (FtM writes every value, numbers too, as strings)")
                if name not in known:
                    self.ctx.note(f"unknown property (ignored): {schema.name}:{name}")
                elif value := value.strip():
                    props[name] = [value]
                continue
            if not all(type(v) is str for v in values):
                raise _Bad(name, f"not a list of strings: {name} (FtM writes every value, numbers too, as strings)")
            if name not in known:
                self.ctx.note(f"unknown property (ignored): {schema.name}:{name}")
                continue
            cleaned = [v for v in (v.strip() for v in values) if v]
            if cleaned:
                props[name] = list(dict.fromkeys(cleaned))
        if not _ALL_ENTITY_KEYS.issuperset(data):
            for key in data:
                if key not in _ALL_ENTITY_KEYS:
                    self.ctx.note(f"unknown top-level field (ignored): {key}")
        datasets = _string_list(data, "datasets") or [self.dataset]
        referents = _string_list(data, "referents")
        target = data.get("target", False)
        if not isinstance(target, bool):
            raise _Bad("target", "not a boolean: target must be true or false")
        caption = data.get("caption")
        seen: dict[Prop, str] = {}
        for key, prop_name in ENTITY_KEYS_KEPT_AS_SCALARS.items():
            value = data.get(key)
            if isinstance(value, str) and value:
                seen[prop_name] = value
        return _Entity(
            id=entity_id.strip(),
            schema=schema,
            props=props,
            caption=caption.strip() if isinstance(caption, str) and caption.strip() else None,
            datasets=datasets,
            referents=referents,
            target=target,
            seen=seen,
        )

    def _entity(self, data: dict[str, Any], line: _Line, replace: bool = False) -> None:
        entity = self._validate(data)
        name = entity.schema.name
        if name in EDGE_SCHEMATA:
            self._edge(entity, EDGE_SCHEMATA[name], replace)
        elif entity.schema.is_a("Sanction"):
            self._sanction(entity, line)
        elif entity.schema.is_a("Identification"):
            self._identification(entity, line)
        else:
            kind = kind_of(entity.schema)
            if kind is None:
                self.ctx.note(f"skipped schema (not in the graph vocabulary): {name}")
                self.not_nodes.add(entity.id)
                return
            self._node(entity, kind, replace)

    # --- nodes ----------------------------------------------------------------------------------------------------
    def _node(self, entity: _Entity, kind: NodeKind, replace: bool = False) -> None:
        previous = self.nodes.get(entity.id)
        schema = entity.schema
        if previous is not None and previous.schema is not schema:
            try:
                schema = ftm_model.common_schema(previous.schema, schema)
            except InvalidData:
                self.ctx.note("entities whose schema changed between records (the later one kept)")
            kind = kind_of(schema) or kind
        props: dict[Prop, Any] = {}
        node_id = self._wallet(entity, props) if kind is NodeKind.WALLET else entity.id
        name = self._names(entity, kind, props)
        self._common(entity, props)
        self._scalars(entity, kind, props)
        self._identifiers(entity, props)
        self._check_props(entity, _ALL_NODE_PROPS)
        for attachment in self.waiting.pop(entity.id, []):
            _merge(props, attachment.props)
            attachment.applied = True
        if replace:
            self.ctx.reset_properties(node_id, MOD_REPLACED_PROPS)
        self.ctx.node(NodeRecord(node_id, kind, _compact(props)))
        self.nodes[entity.id] = _Node(node_id, kind, schema, name)
        self.not_nodes.discard(entity.id)
        self.edge_keys.discard(entity.id)  # a later version of the record is a node
        self._set_edges(entity.id, self._links(entity))

    def _names(self, entity: _Entity, kind: NodeKind, props: dict[Prop, Any]) -> str:
        names = entity.values("name")
        name = entity.caption or (names[0] if names else None)
        if name is None and kind is NodeKind.PERSON:
            name = " ".join(entity.values("firstName", "secondName", "middleName", "lastName", "nameSuffix")) or None
        if name is None and kind is NodeKind.ADDRESS:
            name = entity.first("full") or _address_text(entity)
        if name is None and kind is NodeKind.WALLET:
            name = entity.first("publicKey") or entity.first("cryptoAddress")
        if name is None:
            raise _Bad("name", f"missing name: {entity.schema.name} needs a name (or a caption)")
        props[Prop.NAME] = name
        props[Prop.ALIASES] = [n for n in [*names, *entity.values(*ALIAS_PROPS)] if n != name]
        return name

    def _wallet(self, entity: _Entity, props: dict[Prop, Any]) -> str:
        addresses = entity.values("publicKey", "cryptoAddress")
        if not addresses:
            raise _Bad("publicKey", "missing publicKey: a wallet node is keyed by its address")
        if len(addresses) > 1:
            self.ctx.note("wallets with several addresses (the first is the node, all are lookup keys)")
        address = normalize_address(addresses[0])
        symbols = [s.upper() for s in entity.values("currencySymbol")]
        chain = next((c for c in (chain_for(s, address) for s in symbols or [""]) if c), None)
        blockchain = entity.first("blockchain")
        props[Prop.CURRENCIES] = symbols
        props[Prop.CHAIN] = chain or (blockchain.lower() if blockchain else None)
        props[Prop.LOOKUP_KEYS] = addresses
        return wallet_id(address)

    def _common(self, entity: _Entity, props: dict[Prop, Any]) -> None:
        props[Prop.COUNTRIES] = [c.lower() for c in entity.values(*COUNTRY_PROPS)]
        topics = entity.values("topics")
        props[Prop.TOPICS] = topics
        props[Prop.PROGRAMS] = entity.values("program")
        if "corp.shell" in topics:
            props[Prop.FRONT] = True
        if entity.target or "sanction" in topics:
            props[Prop.SANCTIONED] = True
        props[Prop.DATASETS] = entity.datasets
        props[Prop.SOURCE_IDS] = [entity.id, *entity.referents]
        props.update(entity.seen)

    def _scalars(self, entity: _Entity, kind: NodeKind, props: dict[Prop, Any]) -> None:
        present = entity.props.keys()
        for name in present & SCALAR_PROPS.keys():
            props[SCALAR_PROPS[name]] = "; ".join(entity.props[name])
        for name, prop in NUMBER_PROPS.items():
            value = entity.first(name)
            if value is not None and prop not in props:
                number = _number(value)
                if number is None:
                    self.ctx.note(f"unreadable numbers (dropped): {entity.schema.name}:{name}")
                else:
                    props[prop] = number
        notes = entity.values(*NOTE_PROPS)
        labelled = [(name, v) for name in sorted(present & LABELLED_NOTE_PROPS) for v in entity.props[name]]
        if kind is NodeKind.VESSEL:
            props[Prop.VESSEL_TYPE] = "; ".join(entity.values("type")) or None
        else:
            labelled += [("type", v) for v in entity.values("type")]
        notes += [f"{_label(entity.schema, name)}: {v}" for name, v in labelled]
        if kind is NodeKind.ADDRESS:
            props[Prop.ADDRESS] = entity.first("full") or _address_text(entity) or props.get(Prop.ADDRESS)
        props[Prop.NOTES] = "\n".join(notes) or None

    def _identifiers(self, entity: _Entity, props: dict[Prop, Any]) -> None:
        texts: list[str] = []
        keys: list[str] = list(props.get(Prop.LOOKUP_KEYS, []))
        for name in sorted(entity.props.keys() & IDENTIFIER_PROPS):
            for value in entity.props[name]:
                texts.append(f"{_label(entity.schema, name)}: {value}")
                keys.append(website_host(value) if name == "website" else value)
        props[Prop.IDENTIFIERS] = texts
        props[Prop.LOOKUP_KEYS] = list(dict.fromkeys(keys))

    def _links(self, entity: _Entity) -> list[_Edge]:
        edges: list[_Edge] = []
        for name, link in LINK_PROPS.items():
            for other in entity.props.get(name, ()):
                source, target = (other, entity.id) if link.other_is_source else (entity.id, other)
                props: dict[Prop, Any] = {Prop.DATASETS: entity.datasets, Prop.SOURCE_IDS: [entity.id]}
                if link.role:
                    props[Prop.ROLE] = link.role
                edges.append(_Edge(entity.id, link.rel_type, source, target, None, props))
        return edges

    # --- edges ----------------------------------------------------------------------------------------------------
    def _edge(self, entity: _Entity, spec: EdgeMap, replace: bool = False) -> None:
        schema = entity.schema
        source_prop, target_prop = schema.edge_source, schema.edge_target
        assert source_prop is not None and target_prop is not None  # EDGE_SCHEMATA are FtM edges (tested)
        values = entity.props  # each property's values are already distinct
        sources, targets = values.get(source_prop), values.get(target_prop)
        if not sources or not targets:
            missing = source_prop if not sources else target_prop
            raise _Bad(missing, f"missing edge end: {schema.name} needs {source_prop} and {target_prop}")
        props: dict[Prop, Any] = {Prop.DATASETS: entity.datasets, Prop.SOURCE_IDS: [entity.id, *entity.referents]}
        for name, prop in spec.props.items():
            found = values.get(name)
            if not found or prop in props:
                continue
            if prop in NUMERIC_REL_PROPS:
                number = _number(found[0])
                if number is None:
                    self.ctx.note(f"unreadable numbers (dropped): {schema.name}:{name}")
                    continue
                props[prop] = number
            else:
                props[prop] = "; ".join(found)
        known = _edge_props_known(schema)
        if not known.issuperset(values):
            for name in values:
                if name not in known:
                    self.ctx.note(f"unmapped property (ignored): {schema.name}:{name}")
        key = entity.id
        clear = frozenset(spec.props.values()) if replace else frozenset()
        if len(sources) == 1 and len(targets) == 1:
            source, target = (targets[0], sources[0]) if spec.reverse else (sources[0], targets[0])
            edges = [_Edge(key, spec.rel_type, source, target, key, props, clear)]
        else:
            pairs = [(s, t) for s in sources for t in targets]
            edges = []
            for n, (source, target) in enumerate(pairs):
                if spec.reverse:
                    source, target = target, source
                edge_id = key if len(pairs) == 1 else f"{key}.{n + 1}"
                edges.append(_Edge(key, spec.rel_type, source, target, edge_id, dict(props), clear))
        self.edge_keys.add(key)
        self._set_edges(key, edges)

    def _set_edges(self, key: str, edges: list[_Edge]) -> None:
        if not edges and key not in self.edges:
            return
        self.edges[key] = edges  # a later version of the record replaces what it said before
        if self.by_end is not None:
            for edge in edges:
                self.by_end.setdefault(edge.source, set()).add(key)
                self.by_end.setdefault(edge.target, set()).add(key)

    def _ends_index(self) -> dict[str, set[str]]:
        """Which records' edges each id is an end of: built at the first DEL of a node, then kept up to date."""
        if self.by_end is None:
            self.by_end = {}
            for key, edges in self.edges.items():
                for edge in edges:
                    self.by_end.setdefault(edge.source, set()).add(key)
                    self.by_end.setdefault(edge.target, set()).add(key)
        return self.by_end

    # --- sanctions and identifications ----------------------------------------------------------------------------
    def _sanction(self, entity: _Entity, line: _Line) -> None:
        subjects = entity.values("entity")
        if not subjects:
            raise _Bad("entity", f"missing entity: {entity.schema.name} needs the sanctioned entity's id")
        start = min(entity.values("startDate") or entity.values("listingDate") or [""]) or None
        designation = Designation(
            authority="; ".join(entity.values("authority")) or "unknown authority",
            programs=tuple(entity.values("program") or entity.values("programId")),
            start_date=start,
            source_url=entity.first("sourceUrl") or entity.first("programUrl"),
            record_id=entity.id,
        )
        props: dict[Prop, Any] = {Prop.DESIGNATIONS: [designation.to_json()], Prop.DATASETS: entity.datasets}
        if entity.values("endDate"):
            self.ctx.note("sanctions with an end date (kept as designations, not marking the entity sanctioned)")
        else:
            props[Prop.SANCTIONED] = True
            props[Prop.PROGRAMS] = list(designation.programs)
        self._check_props(entity, SANCTION_PROPS | SANCTION_IGNORED)
        self._attach(entity, subjects, "entity", props, line)

    def _identification(self, entity: _Entity, line: _Line) -> None:
        holders = entity.values("holder")
        if not holders:
            raise _Bad("holder", f"missing holder: {entity.schema.name} needs the holder's id")
        numbers = entity.values("number", "passportNumber")
        if not numbers:
            raise _Bad("number", f"missing number: {entity.schema.name} without a number identifies nothing")
        label = "Passport" if entity.schema.is_a("Passport") else (entity.first("type") or "Identification")
        countries = entity.values("country")
        suffix = f" ({', '.join(c.lower() for c in countries)})" if countries else ""
        props: dict[Prop, Any] = {
            Prop.IDENTIFIERS: [f"{label}: {n}{suffix}" for n in numbers],
            Prop.LOOKUP_KEYS: numbers,
        }
        self._check_props(entity, IDENTIFICATION_PROPS | IDENTIFICATION_IGNORED)
        self._attach(entity, holders, "holder", props, line)

    def _check_props(self, entity: _Entity, known: frozenset[str] | set[str]) -> None:
        for name in entity.props:
            if name not in known:
                self.ctx.note(f"unmapped property (ignored): {entity.schema.name}:{name}")

    def _attach(
        self, entity: _Entity, subjects: list[str], field_name: str, props: dict[Prop, Any], line: _Line
    ) -> None:
        self.not_nodes.add(entity.id)
        self._unwait(entity.id)  # a later version of the record replaces what is still waiting
        if len(subjects) > 1:
            self.ctx.note(f"{entity.schema.name} records naming several entities (applied to each)")
        attachments = self.attachments.setdefault(entity.id, [])
        for subject in subjects:
            attachment = _Attachment(entity.id, subject, field_name, props, line)
            attachments.append(attachment)
            node = self.nodes.get(subject)
            if node is None:
                self.waiting.setdefault(subject, []).append(attachment)
                continue
            attachment.applied = True
            self.ctx.node(NodeRecord(node.node_id, node.kind, {Prop.NAME: node.name, **props}))

    def _unwait(self, record_id: str) -> list[_Attachment]:
        """Forget the attachments of a record; returns those already applied."""
        applied: list[_Attachment] = []
        for attachment in self.attachments.pop(record_id, []):
            if attachment.applied:
                applied.append(attachment)
            else:
                self.waiting[attachment.subject].remove(attachment)
        return applied

    # --- delta DEL ------------------------------------------------------------------------------------------------
    def _delete(self, entity_id: str) -> None:
        if entity_id in self.edge_keys:
            self.edge_keys.discard(entity_id)
            self.not_nodes.add(entity_id)
            dropped_edges = self.edges.pop(entity_id, [])
            self.ctx.note("DEL of edges in the same load (dropped before writing)")
            # an earlier load may have written the same relationship(s)
            self.ctx.delete_relationships([e.rel_id for e in dropped_edges if e.rel_id] or [entity_id])
            return
        if entity_id in self.attachments:
            if self._unwait(entity_id):
                self.ctx.note("DEL of sanctions/identifications already applied (their values stay on the entity)")
            return
        node = self.nodes.pop(entity_id, None)
        self.edges.pop(entity_id, None)
        for key in self._ends_index().pop(entity_id, set()):
            if key in self.edges:
                self.edges[key] = [e for e in self.edges[key] if entity_id not in (e.source, e.target)]
        dropped = self.waiting.pop(entity_id, [])
        for attachment in dropped:
            self.attachments[attachment.record_id].remove(attachment)
        if dropped:
            self.ctx.note("sanctions/identifications of a deleted entity (dropped)", len(dropped))
        self.ctx.delete(node.node_id if node is not None else entity_id)
        if node is None:  # unknown to this load: a node or an edge entity an earlier load wrote
            self.ctx.delete_relationships([entity_id])

    def _not_a_node(self, ftm_id: str) -> bool:
        """A record of this load that is no graph node: an edge, a Sanction/Identification, a skipped schema."""
        return ftm_id not in self.nodes and (ftm_id in self.not_nodes or ftm_id in self.edge_keys)

    # --- the end of the load --------------------------------------------------------------------------------------
    def finish(self) -> None:
        absent_ends: set[str] = set()
        dangling = skipped = 0
        for edges in self.edges.values():
            for edge in edges:
                ends: list[str] = []
                for end in (edge.source, edge.target):
                    node = self.nodes.get(end)
                    ends.append(node.node_id if node is not None else end)
                if any(self._not_a_node(end) for end in (edge.source, edge.target)):
                    skipped += 1
                    continue
                missing = [
                    node_id
                    for end, node_id in zip((edge.source, edge.target), ends, strict=True)
                    if end not in self.nodes
                ]
                if missing:
                    dangling += 1
                    for node_id in missing:
                        absent_ends.add(node_id)
                        self.ctx.stub(node_id)
                source, target = ends
                self.ctx.rel(
                    RelRecord(
                        edge.rel_id or rel_id(edge.rel_type, source, target),
                        edge.rel_type,
                        source,
                        target,
                        edge.props,
                        edge.clear,
                    )
                )
        if dangling:
            self.ctx.note("edges with an end absent from the loaded files (kept against a stub)", dangling)
            examples = ", ".join(sorted(absent_ends)[:_MAX_EXAMPLES])
            self.ctx.warn(
                f"{dangling} edge(s) point at {len(absent_ends)} entit(ies) absent from the loaded files, kept as "
                f"stubs until a load brings them, e.g. {examples}"
            )
        if skipped:
            self.ctx.note("edges to records that are no graph node (skipped)", skipped)
        for attachment in (a for group in self.attachments.values() for a in group):
            if attachment.applied:
                continue
            if self._not_a_node(attachment.subject):
                what = "sanctioned entity" if attachment.subject_field == "entity" else "holder"
                self.ctx.reject(
                    attachment.line.file,
                    attachment.line.number,
                    attachment.subject_field,
                    f"{what} is not an entity node: {attachment.subject} (an edge or a skipped schema; not applied)",
                    attachment.line.raw,
                )
                continue
            # not in this load: added to the stored node of that id (or to a stub the entity's load completes)
            attachment.applied = True
            self.ctx.add_to_lists(attachment.subject, dict(attachment.props))


_ALL_NODE_PROPS = (
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


def _string_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad(key, f"not a list of strings: {key}")
    return [v for v in value if v]


def _address_text(entity: _Entity) -> str | None:
    parts = entity.values("street", "street2", "postOfficeBox", "postalCode", "city", "region", "state")
    return ", ".join(parts) or None


@functools.cache
def _edge_props_known(schema: Schema) -> frozenset[str]:
    """The properties of an edge schema (one of EDGE_SCHEMATA) the mapping uses or ignores, its ends included."""
    spec = EDGE_SCHEMATA[schema.name]
    return frozenset({*spec.props, *spec.ignored, schema.edge_source or "", schema.edge_target or ""})


@functools.cache
def _label(schema: Schema, name: str) -> str:
    prop = schema.get(name)
    return prop.label if prop is not None else name


def _number(text: str) -> float | None:
    cleaned = text.strip().rstrip("%").replace(",", ".").strip()
    try:
        return float(cleaned)
    except ValueError:
        return None


def _merge(props: dict[Prop, Any], extra: dict[Prop, Any]) -> None:
    for key, value in extra.items():
        old = props.get(key)
        if isinstance(old, list) and isinstance(value, list):
            props[key] = old + [v for v in value if v not in old]
        elif isinstance(old, bool) and isinstance(value, bool):
            props[key] = old or value
        else:
            props[key] = value


def _compact(props: dict[Prop, Any]) -> dict[Prop, Any]:
    return {k: v for k, v in props.items() if v is not None and v != [] and v != ""}
