"""OFAC SDN "classic" CSV: sdn.csv plus, when given, add.csv, alt.csv and sdn_comments.csv.

The format (shared/formats.md, section 1): no header row, positional columns, the null marker ``-0- ``, CRLF line
ends and a final DOS end-of-file byte 0x1A. Every file links by ``ent_num``. Most of the identifying data sits in
the free-text ``Remarks`` column, a ``; ``-separated list of items; remarks longer than the field limit continue in
sdn_comments.csv, cut mid-word, and are concatenated (without a space) before they are parsed.

Mapping rules
-------------
Kinds. ``individual`` -> Person, ``vessel`` -> Vessel, ``aircraft`` -> Aircraft. An entity (``-0-``) is a Company
or an Organization, decided by the first rule that applies (see ``entity_kind``):
  1. remarks ``Target Type Government Entity`` -> Organization; ``Target Type Private Company`` or
     ``State-Owned Enterprise`` -> Company;
  2. remarks ``Organization Type: <ISIC activity>`` -> Company, unless the activity is a public, political,
     religious or membership one (public administration, public order and safety, defence, …) -> Organization;
  3. a company-register identifier in the remarks (Company Number, Registration ID/Number, Tax ID No., SWIFT/BIC,
     D-U-N-S, USCC, Legal Entity Number, …) -> Company;
  4. a legal-form or trade word in the name (LTD, LIMITED, LLC, INC, CORP, CORPORATION, COMPANY, CO, JSC, OOO,
     GMBH, PTE, JVC, JOINT VENTURE, BANK, TRADING, SHIPPING, INDUSTRIES, …) -> Company;
  5. otherwise Organization.

Record node: id ``ofac_id(ent_num)``; name as written; aliases from ``a.k.a./f.k.a./n.k.a. '…'`` remarks and
alt.csv (deduplicated, never the name itself); countries from ``nationality``, ``citizen``, ``Nationality of
Registration`` and add.csv countries, as written ("Korea, North"); identifiers as readable strings
``"<Label>: <text as written>"`` (``"Passport: 109420132 (Korea, North) issued …"``, ``"Email: …"``, ``"IMO: …"``,
``"Digital Currency Address - XBT: …"``) and every raw identifier value (number, e-mail, website and its bare host,
IMO with and without the prefix, phone, call sign, …) in ``lookup_keys`` for the store to normalise - except wallet
addresses, which are the lookup key of their Wallet node only: a pasted address then finds the wallet first (the
store ranks sanctioned identifier hits first, so a holder carrying the key would hide it), one hop from its holder;
birth date (ISO when exact - ``1965-04-25``, ``1965`` - else the text as written, ``circa 1947``; several joined with
``; ``), birth place, gender, title (Title column), notes (the full remarks text; for vessels also ``GRT`` and
``Vessel owner`` lines, which have no property of their own), programs (``"A] [B"`` split), sanctioned, one US OFAC
designation, datasets and source ids. Vessel columns: call sign, vessel type, tonnage (int when numeric), flag;
``IMO`` from the remarks.

Wallets. Each ``Digital Currency Address - <TICKER> <address>`` (``alt.`` or not) is a Wallet node (id
``wallet_id(address)``; one node per normalised address, its currencies the union of the tickers it is listed
under) held by the record (HOLDS). Chain (``chain_for``): an EVM address (0x + 40 hex) is ``evm`` and a Tron
address (T + 33 base58) is ``tron`` whatever the ticker; otherwise the ticker's chain (XBT -> bitcoin, LTC ->
litecoin, XMR -> monero, …; a USDT/USDC token on a Bitcoin-shaped address -> bitcoin, i.e. Omni). A ticker whose
chain contradicts the address shape is counted and warned about. Wallets are NOT marked sanctioned: OFAC designates
the holder and lists the address as one of its identifiers; exposure analytics reach the wallet one HOLDS hop from a
sanctioned holder, and a wallet shared by two holders stays one node.

Links. ``Linked To: NAME`` becomes LINKED_TO (role "Linked To") to every record whose SDN_Name equals NAME compared
case-insensitively, whitespace-collapsed and without a trailing period (the remarks' final period often eats a
``LTD.``). Resolved after all records are read; names not in the list are counted and warned about.

add.csv: a row with an address or city becomes an Address node ``ofac-addr-<ent_num>-<add_num>`` (name: address,
city, country joined; notes: Add_remarks) with LOCATED_AT; a row with only a country adds that country to the
record; an all-null row is skipped. alt.csv: alt_name becomes an alias (alt_type aka/fka/nka; alt_remarks is
ignored). sdn_comments.csv: Remarks_Extended is appended to the record's remarks. OFAC only continues remarks
that fill the 1000-character field; continuations of shorter remarks are still appended, but counted and warned
about (sdn.csv and sdn_comments.csv from different dates join mid-item into nonsense).

Remark items no rule maps are of two sorts: free text (positions, relations, "all offices worldwide"; kept in
notes, counted) and items that look like an identifier of an unmapped kind (a code word, an e-mail or a web
address, see ``looks_like_identifier``; counted and warned about). Identifier kinds found in the full list of
2024-05-03 (benchmarks/verify_ofac_full.py) are all in tables.toml (``[identifier_labels]`` or ``labels.note_only``);
websites and e-mail addresses written without a label (old records) are mapped too.

Remarks cut at the field limit whose continuation is not given (no sdn_comments.csv) end without a period or fill
the 1000-character field: their last, possibly partial item (e.g. half a wallet address) is not parsed (it stays in
notes), and the records are counted and warned about.

Rows with a wrong column count, a non-numeric id, an unknown SDN_Type, an unknown alt_type, an empty name, a
duplicate ent_num, or an ent_num not in sdn.csv are rejected with file, line and field. A file that does not look
like its OFAC format (a header row, or more than half of its rows malformed) raises SourceFormatError, before
anything is emitted.

Modules: ``tables`` (tables.toml, the labels and words above, validated at import), ``fields`` (null, programs, dates,
names), ``remarks`` (the Remarks column, ``entity_kind``), ``files`` (file names, encoding, CSV rows, format checks),
``records`` (the rows of the four files joined by ent_num) and ``source`` (``OfacSdnSource``: what is emitted).
"""

from loaders.sources.ofac_sdn.fields import DateText, name_key, null, parse_date, split_programs
from loaders.sources.ofac_sdn.files import decode, find_files, read_rows
from loaders.sources.ofac_sdn.remarks import (
    Remarks,
    entity_kind,
    looks_like_identifier,
    parse_remark_item,
    parse_remarks,
    split_remarks,
)
from loaders.sources.ofac_sdn.source import DATASET, OfacSdnSource

__all__ = [
    "DATASET",
    "DateText",
    "OfacSdnSource",
    "Remarks",
    "decode",
    "entity_kind",
    "find_files",
    "looks_like_identifier",
    "name_key",
    "null",
    "parse_date",
    "parse_remark_item",
    "parse_remarks",
    "read_rows",
    "split_programs",
    "split_remarks",
]
