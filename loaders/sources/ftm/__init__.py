"""FollowTheMoney (FtM) entity JSON lines: OpenSanctions and Aleph exports, plain or gzip, and delta files.

One JSON object per line, ``{"id", "schema", "properties": {name: [str, …]}}`` plus OpenSanctions' context
(``caption``, ``datasets``, ``referents``, ``target``, ``first_seen``, ``last_seen``, ``last_change``), or in a
delta file ``{"op": "ADD"|"MOD"|"DEL", "entity": {…}}`` (a DEL carries only the id), applied in order.
The followthemoney package's model says which schemata exist, which are edges and what each property is.

Mapping (every property of a mapped schema is used below or listed as ignored in ``properties``; anything else is
counted; the schema tables are graph.ftm_mapping):
- Nodes: the nearest of ``KIND_SCHEMATA`` a schema is (PublicBody is an Organization…); the FtM id is the node id,
  except CryptoWallet, whose node is ``graph.ids.wallet_id(publicKey)`` so that it meets the same wallet from other
  sources (the FtM id goes to ``source_ids``, as do ``referents``). Other schemata (Position, Occupancy, Debt…)
  are skipped and counted in the report.
- Edges: ``EDGE_SCHEMATA`` (Ownership → OWNS …), ends from the FtM model's edge definition, relationship id = the
  FtM id (``<id>.<n>`` when a property holds several ends). Link properties of nodes: ``addressEntity`` →
  LOCATED_AT, CryptoWallet ``holder`` → HOLDS, Vessel/Airplane ``owner`` → OWNS, ``operator`` and LegalEntity
  ``parent`` → LINKED_TO with that role. A Payment with a ``transactionNumber`` between two CryptoWallets of the load
  is TRANSFERRED (tx hash, amount, asset, value in USD, timestamp), by the table the export writes it by; any other
  Payment is PAID.
- Sanction → a designation (authority, program, start date, source url, record id: its ``recordId``, else its FtM
  id) on its entity and its sanctioned mark
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

Modules: ``properties`` (which FtM property goes where), ``records`` (lines, validated entities, what a load
remembers), ``reading`` (files, gzip, line decoding), ``nodes`` (a node's properties), ``load`` (one load's state:
nodes, edges, attachments, deltas, the end of the load) and ``source`` (``FtmSource``).
"""

from graph import EDGE_SCHEMATA, KIND_SCHEMATA
from loaders.sources.ftm.properties import (
    ALL_NODE_PROPS,
    IDENTIFICATION_IGNORED,
    IDENTIFICATION_PROPS,
    SANCTION_IGNORED,
    SANCTION_PROPS,
    kind_of,
)
from loaders.sources.ftm.reading import FILE_SUFFIXES, expand_paths
from loaders.sources.ftm.source import DEFAULT_DATASET, FtmSource

__all__ = [
    "ALL_NODE_PROPS",
    "DEFAULT_DATASET",
    "EDGE_SCHEMATA",
    "FILE_SUFFIXES",
    "IDENTIFICATION_IGNORED",
    "IDENTIFICATION_PROPS",
    "KIND_SCHEMATA",
    "SANCTION_IGNORED",
    "SANCTION_PROPS",
    "FtmSource",
    "expand_paths",
    "kind_of",
]
