"""OfacSdnSource: finds the files, reads them into records, and emits records, addresses, wallets and links."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import (
    Designation,
    NodeKind,
    NodeRecord,
    Prop,
    RelRecord,
    RelType,
    normalize_address,
    ofac_id,
    rel_id,
    wallet_id,
)
from loaders.common.chains import chain_for, ticker_contradicts_address
from loaders.framework import LoadContext
from loaders.sources.ofac_sdn.fields import add_unique, compact, name_key, number
from loaders.sources.ofac_sdn.files import find_files, read_text
from loaders.sources.ofac_sdn.records import REMARKS_LIMIT, RecordReader, SdnRecord
from loaders.sources.ofac_sdn.remarks import Remarks, entity_kind, parse_remarks
from loaders.sources.ofac_sdn.tables import ADD_FILE, ALT_FILE, COMMENTS_FILE, SDN_FILE, SDN_TYPES

DATASET = "us_ofac_sdn"
AUTHORITY = "US OFAC"
DETAILS_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"
LINKED_TO_ROLE = "Linked To"
_MAX_EXAMPLES = 10


@dataclass
class _WalletNode:
    address: str
    currencies: list[str] = field(default_factory=list)
    chain: str | None = None
    holders: list[str] = field(default_factory=list)


class OfacSdnSource:
    """Reads OFAC SDN classic CSV files (see the package docstring, loaders.sources.ofac_sdn, for the mapping)."""

    name = "ofac-sdn"
    dataset = DATASET

    def __init__(self, full_publication: bool = False) -> None:
        #: A full publication (OFAC's whole list of one day) is a snapshot of the dataset: records of earlier loads
        #: it lacks are removed after the load (graph.cases.snapshot). An extract (one program, a sample) is not.
        self.snapshot_of: str | None = DATASET if full_publication else None
        self._have_comments = False
        self._short_continued: list[str] = []

    def expected_counts(self) -> dict[str, int]:
        # Any real SDN file - even an extract of one program - has at least one record; kinds vary by extract.
        return {"records": 1}

    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None:
        files = find_files(paths)
        self._have_comments = COMMENTS_FILE in files
        texts = {kind: read_text(path, ctx) for kind, path in files.items()}
        reader = RecordReader()
        self._short_continued = reader.short_continued
        records, checks = reader.read_sdn(str(files[SDN_FILE]), texts[SDN_FILE])
        ctx.expect_total(len(records))
        if COMMENTS_FILE in files:
            checks.append(reader.read_comments(str(files[COMMENTS_FILE]), texts[COMMENTS_FILE], records))
        if ALT_FILE in files:
            checks.append(reader.read_alt(str(files[ALT_FILE]), texts[ALT_FILE], records))
        if ADD_FILE in files:
            checks.append(reader.read_add(str(files[ADD_FILE]), texts[ADD_FILE], records))
        for check in checks:
            check.emit(ctx)
        ctx.record_read(len(checks[0].rejections))  # rejected sdn.csv rows were read too
        self._emit(records, ctx)

    # --- emitting ------------------------------------------------------------------------------------------------
    def _emit(self, records: dict[str, SdnRecord], ctx: LoadContext) -> None:
        by_name: dict[str, list[str]] = defaultdict(list)
        for record in records.values():
            by_name[name_key(record.name)].append(record.ent_num)
        wallets: dict[str, _WalletNode] = {}
        links: list[tuple[str, str]] = []
        truncated: list[str] = []
        unrecognised: list[str] = []
        free_text = 0
        bad_wallets: list[str] = []
        mismatched: list[str] = []
        for record in records.values():
            ctx.record_read()
            remarks = parse_remarks(record.full_remarks, maybe_cut=self._maybe_cut(record))
            if remarks.truncated is not None:
                truncated.append(record.ent_num)
            unrecognised += remarks.unrecognised
            free_text += len(remarks.free_text)
            bad_wallets += [f"{record.ent_num}: {w}" for w in remarks.bad_wallets]
            node_id = ofac_id(record.ent_num)
            ctx.node(self._record_node(record, remarks))
            for mention in remarks.wallets:
                if ticker_contradicts_address(mention.ticker, mention.address):
                    mismatched.append(f"{record.ent_num}: {mention.ticker} {mention.address}")
                address = normalize_address(mention.address)
                wallet = wallets.setdefault(address, _WalletNode(address))
                add_unique(wallet.currencies, mention.ticker)
                wallet.chain = wallet.chain or chain_for(mention.ticker, mention.address)
                add_unique(wallet.holders, node_id)
            self._addresses(record, ctx)
            links += [(record.ent_num, target) for target in remarks.linked_to]
        for wallet in wallets.values():
            self._wallet(wallet, ctx)
        self._links(links, by_name, ctx)
        if self._short_continued:
            ctx.note("continuations of remarks that do not fill the field", len(self._short_continued))
            ctx.warn(
                f"{len(self._short_continued)} sdn_comments.csv row(s) continue remarks shorter than {REMARKS_LIMIT} "
                "characters (OFAC only continues full ones: are sdn.csv and sdn_comments.csv from different dates?): "
                f"ent_num {', '.join(self._short_continued[:_MAX_EXAMPLES])}"
            )
        if free_text:
            ctx.note("free-text remark items (positions, relations, …; kept in notes)", free_text)
        self._report(ctx, truncated, unrecognised, bad_wallets, mismatched)

    def _maybe_cut(self, record: SdnRecord) -> bool:
        """Remarks that fill the field, with no sdn_comments.csv given to say whether they go on."""
        return not self._have_comments and not record.continuation and len(record.remarks or "") >= REMARKS_LIMIT

    def _designation(self, record: SdnRecord) -> str:
        return Designation(
            authority=AUTHORITY,
            programs=tuple(record.programs),
            record_id=record.ent_num,
            source_url=DETAILS_URL.format(record.ent_num),
        ).to_json()

    def _record_node(self, record: SdnRecord, remarks: Remarks) -> NodeRecord:
        base = SDN_TYPES[record.sdn_type]
        kind = base if base is not None else entity_kind(record.name, remarks)
        aliases: list[str] = []
        seen = {name_key(record.name)}
        for alias in [*remarks.aliases, *record.aliases]:
            if name_key(alias) not in seen:
                seen.add(name_key(alias))
                aliases.append(alias)
        countries = list(remarks.countries)
        for country in record.address_countries:
            add_unique(countries, country)
        identifiers: list[str] = []
        lookup: list[str] = []
        for ident in remarks.identifiers:
            add_unique(identifiers, ident.text)
            for value in ident.values:
                add_unique(lookup, value)
        if record.call_sign:
            add_unique(identifiers, f"Call Sign: {record.call_sign}")
            add_unique(lookup, record.call_sign)
        notes = [record.full_remarks] if record.full_remarks else []
        if record.grt:
            notes.append(f"GRT: {record.grt}")
        if record.owner:
            notes.append(f"Vessel owner: {record.owner}")
        props: dict[Prop, Any] = {
            Prop.NAME: record.name,
            Prop.ALIASES: aliases,
            Prop.COUNTRIES: countries,
            Prop.IDENTIFIERS: identifiers,
            Prop.LOOKUP_KEYS: lookup,
            Prop.BIRTH_DATE: "; ".join(d.value for d in remarks.birth_dates) or None,
            Prop.BIRTH_PLACE: "; ".join(remarks.birth_places) or None,
            Prop.GENDER: remarks.gender,
            Prop.TITLE: record.title,
            Prop.NOTES: "\n".join(notes) or None,
            Prop.PROGRAMS: list(record.programs),
            Prop.SANCTIONED: True,
            Prop.DESIGNATIONS: [self._designation(record)],
            Prop.DATASETS: [DATASET],
            Prop.SOURCE_IDS: [f"{DATASET}:{record.ent_num}"],
            Prop.IMO: remarks.imo[0] if remarks.imo else None,
            Prop.CALL_SIGN: record.call_sign,
            Prop.VESSEL_TYPE: record.vessel_type,
            Prop.TONNAGE: number(record.tonnage),
            Prop.FLAG: record.flag,
        }
        return NodeRecord(ofac_id(record.ent_num), kind, compact(props))

    def _addresses(self, record: SdnRecord, ctx: LoadContext) -> None:
        node_id = ofac_id(record.ent_num)
        for row in record.addresses:
            if row.address is None and row.city is None:
                if row.country is None:
                    ctx.note("address rows with no content (skipped)")
                else:
                    ctx.note("address rows with only a country (added to the record's countries)")
                continue
            address_id = f"ofac-addr-{row.ent_num}-{row.add_num}"
            props: dict[Prop, Any] = {
                Prop.NAME: ", ".join(p for p in (row.address, row.city, row.country) if p),
                Prop.ADDRESS: row.address,
                Prop.CITY: row.city,
                Prop.COUNTRIES: [row.country] if row.country else [],
                Prop.NOTES: row.remarks,
                Prop.DATASETS: [DATASET],
                Prop.SOURCE_IDS: [f"{DATASET}:{row.ent_num}:address:{row.add_num}"],
            }
            ctx.node(NodeRecord(address_id, NodeKind.ADDRESS, compact(props)))
            ctx.rel(self._rel(RelType.LOCATED_AT, node_id, address_id, record.ent_num))

    def _wallet(self, wallet: _WalletNode, ctx: LoadContext) -> None:
        wallet_node = wallet_id(wallet.address)
        props: dict[Prop, Any] = {
            Prop.NAME: wallet.address,
            Prop.CURRENCIES: wallet.currencies,
            Prop.CHAIN: wallet.chain,
            Prop.LOOKUP_KEYS: [wallet.address],
            Prop.DATASETS: [DATASET],
            Prop.SANCTIONED: False,
        }
        ctx.node(NodeRecord(wallet_node, NodeKind.WALLET, compact(props)))
        for holder in wallet.holders:
            ctx.rel(self._rel(RelType.HOLDS, holder, wallet_node, holder.removeprefix("ofac-")))

    def _links(self, links: list[tuple[str, str]], by_name: dict[str, list[str]], ctx: LoadContext) -> None:
        unresolved: list[str] = []
        ambiguous: list[str] = []
        for source, target_name in links:
            named = by_name.get(name_key(target_name), [])
            targets = [t for t in named if t != source]
            if not targets:
                if named:
                    ctx.note("linked-to names naming the record itself (not linked)")
                else:
                    unresolved.append(f"{target_name!r} (from {source})")
                continue
            if len(targets) > 1:
                ambiguous.append(f"{target_name!r} (from {source}: {', '.join(targets)})")
            for target in targets:
                rel = self._rel(RelType.LINKED_TO, ofac_id(source), ofac_id(target), source)
                rel.props[Prop.ROLE] = LINKED_TO_ROLE
                ctx.rel(rel)
        if unresolved:
            ctx.note("linked-to names not in the list", len(unresolved))
            ctx.warn(
                f"{len(unresolved)} 'Linked To' name(s) match no record in the list and were not linked, e.g. "
                + "; ".join(unresolved[:_MAX_EXAMPLES])
            )
        if ambiguous:
            ctx.note("linked-to names matching several records (linked to each)", len(ambiguous))
            ctx.warn(
                f"{len(ambiguous)} 'Linked To' name(s) match several records and were linked to each, e.g. "
                + "; ".join(ambiguous[:_MAX_EXAMPLES])
            )

    @staticmethod
    def _rel(rel_type: RelType, source: str, target: str, ent_num: str) -> RelRecord:
        return RelRecord(
            rel_id(rel_type, source, target),
            rel_type,
            source,
            target,
            {Prop.DATASETS: [DATASET], Prop.SOURCE_IDS: [f"{DATASET}:{ent_num}"]},
        )

    @staticmethod
    def _report(
        ctx: LoadContext, truncated: list[str], unrecognised: list[str], bad_wallets: list[str], mismatched: list[str]
    ) -> None:
        if truncated:
            ctx.note("remarks cut off without continuation (last item not parsed)", len(truncated))
            ctx.warn(
                f"{len(truncated)} record(s) have remarks cut at the field limit and no sdn_comments.csv continuation; "
                f"their last item was not parsed (kept in notes): ent_num {', '.join(truncated[:_MAX_EXAMPLES])}"
                + (" …" if len(truncated) > _MAX_EXAMPLES else "")
            )
        if unrecognised:
            ctx.note("remark items not recognised (kept in notes only)", len(unrecognised))
            examples = list(dict.fromkeys(unrecognised))[:_MAX_EXAMPLES]
            ctx.warn(f"{len(unrecognised)} remark item(s) not recognised, kept in notes only, e.g. {examples}")
        if bad_wallets:
            ctx.note("digital currency items not understood", len(bad_wallets))
            ctx.warn(f"digital currency items not understood (no wallet made): {bad_wallets[:_MAX_EXAMPLES]}")
        if mismatched:
            ctx.note("wallet addresses whose shape contradicts the ticker", len(mismatched))
            ctx.warn(f"wallet addresses whose shape contradicts the ticker (chain from the address): {mismatched}")
