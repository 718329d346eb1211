"""Crypto transfer CSV (tracer and block-explorer exports) through a column mapping: each row a TRANSFERRED edge.

There is no standard shape (shared/formats.md, section 4), so the loader takes a mapping: a built-in one -
``tracer`` (``Timestamp,From Label,From,To Label,To,Value,Asset,Value USD,Txn Hash``) or ``etherscan`` (the
Etherscan address export and its siblings on other EVM explorers: ``Transaction Hash``/``Txhash``, ``Blockno``,
``UnixTimestamp``, ``DateTime (UTC)``, ``From``, ``To``, ``ContractAddress``, ``Value_IN(ETH)``, ``Value_OUT(ETH)``,
``CurrentValue``, ``TxnFee(ETH)``, ``TxnFee(USD)``, ``Historical $Price/Eth``, ``Status``, ``ErrCode``, ``Method``) -
or a TOML file (documented in docs/loaders-csv.md, "Transfer mappings"):

    timestamp_format = "%d/%m/%Y %H:%M"   # auto (default), iso, unix, unix_ms, or a strptime format; no zone = UTC
    date_order = "dmy"                    # dmy or mdy for 03/04/2021 (default: as the file's own values show)
    asset = "usdt"                        # the asset of every row, when the file has no asset column
    tx_hash_pattern = "^[0-9a-fA-F]{64}$" # optional; default: 64 hex digits, 0x prefix allowed
    ignore = ["Block", "Fee"]             # columns deliberately not loaded
    [columns]
    from = "Sender"                       # required: from, to, amount, tx_hash, timestamp
    to = "Recipient"
    amount = "Amount"
    tx_hash = "Hash"
    timestamp = "Time"
    asset = "Token"                       # optional: asset, value_usd, from_label, to_label
    value_usd = "USD"
    from_label = "Sender name"
    to_label = "Recipient name"

Column names are matched case-insensitively; a column may list alternatives (``["Txhash", "Transaction Hash"]``).

Mapping rules
-------------
- Each valid row -> TRANSFERRED (from wallet -> to wallet) with amount (coin units, a number), asset (lower-case,
  ``btc``), value_usd (``"$96,456,655"`` -> 96456655.0; Etherscan: amount x ``Historical $Price/Eth``; absent when not
  given), timestamp (ISO 8601 UTC, ``2024-01-02T03:04:05Z``) and tx_hash (lower-case). Relationship id:
  ``rel_id(TRANSFERRED, from, to, tx_hash, leg)``, leg being the row's ordinal (1, 2, …) among the rows of the file
  with that tx hash - so a re-run, or a second export holding the same transaction, merges.
- Each address -> a Wallet node ``wallet_id(address)``, the address normalised per chain by graph.ids (EVM hex and
  bech32 lower-case, base58 as written; an upper-case ``0X`` prefix is accepted), so a wallet already known from the
  SDN list or another file is the same node. Name: the normalised address; lookup key: the address; chain: from the
  address shape, else the asset (``loaders.common.chains.chain_for``); currencies: the asset's ticker (upper-case).
- Address labels (``From Label``/``To Label``: an exchange, a mixer, a cluster name) -> the wallet's ``aliases``: a
  list property, so labels from several files and sources accumulate instead of overwriting each other, they are
  searchable as names, and the fund-flow trace reads them to stop at exchanges and mixers.
- Rejected with file, line, field and reason: a missing or malformed address (spaces, a bad 0x hex, an address shape
  that cannot hold the asset - an ``eth`` row with a Bitcoin address), a missing/malformed tx hash, a bad or missing
  number or timestamp, a negative amount, a missing asset; Etherscan rows of failed transactions (``Status`` error or
  an ``ErrCode``) and rows that move no ether (both values 0: contract calls).
- Columns not named by the mapping nor ignored are reported in a warning; a required column missing from a file stops
  the load (SourceFormatError naming file and column) before anything is emitted; an optional one is warned about.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from graph import NodeKind, NodeRecord, Prop, RelRecord, RelType, SourceFormatError, is_evm_address, rel_id, wallet_id
from loaders.common.chains import TICKER_CHAINS, address_chain, chain_for, looks_bitcoin
from loaders.common.csvfiles import CsvRecord, file_date_order, iter_records, read_header, unknown_columns
from loaders.common.values import (
    AUTO,
    DateOrder,
    canonical_address,
    parse_number,
    parse_timestamp,
    wallet_address_problem,
)
from loaders.framework import BadRecord, LoadContext
from loaders.sources.transfers.mapping import REQUIRED_FIELDS, TransferMapping, load_transfer_mapping

DEFAULT_DATASET = "transfers"
FAILED_STATUSES = frozenset({"0", "error", "failed", "fail", "reverted"})


@dataclass(frozen=True)
class _Resolved:
    """A mapping's fields resolved to one file's column names (None: not in the file or not mapped)."""

    columns: dict[str, str | None]
    header_asset: str | None = None

    def __getitem__(self, key: str) -> str | None:
        return self.columns.get(key)


def resolve(mapping: TransferMapping, file: str, header: Sequence[str], ctx: LoadContext | None) -> _Resolved:
    """Match the mapping to a header: SourceFormatError for a missing required column; warnings (with ``ctx``) for
    a missing optional one and for columns neither mapped nor ignored."""
    found: dict[str, str | None] = {}
    used: set[str] = set()
    for key, column in mapping.columns.fields().items():
        if column is None:
            continue
        matches = column.find(header)
        found[key] = matches[0] if matches else None
        used.update(matches[:1])
        required = key in (*REQUIRED_FIELDS, "amount") or (key == "asset" and mapping.asset is None)
        if not matches and required:
            shown = ", ".join(h or "(unnamed)" for h in header)
            raise SourceFormatError(
                file,
                1,
                column.first(),
                f"missing required column {column.describe()} ({key}, mapping {mapping.name}; the header has: {shown})",
            )
        if not matches and ctx is not None:
            ctx.warn(f"{file}: no column {column.describe()} ({key} of mapping {mapping.name}): not loaded")
    if mapping.columns.amount is None and not (found.get("amount_in") or found.get("amount_out")):
        raise SourceFormatError(file, 1, "Value_IN", f"no amount column (mapping {mapping.name})")
    for column in mapping.ignore:
        used.update(column.find(header))
    header_asset = None
    if mapping.asset_from_amount_header:
        amount_column = found.get("amount_in") or found.get("amount_out") or ""
        match = re.search(r"\(([A-Za-z0-9]+)\)", amount_column)
        header_asset = match.group(1).lower() if match else "eth"
    unknown = unknown_columns(header, used)
    if unknown and ctx is not None:
        ctx.note("columns neither mapped nor ignored (not loaded)", len(unknown))
        ctx.warn(f"{file}: column(s) not used by mapping {mapping.name}, not loaded: {', '.join(unknown)}")
    return _Resolved(found, header_asset)


@dataclass
class _FileState:
    legs: Counter[str] = field(default_factory=Counter)
    date_order: DateOrder | None = None


class TransfersSource:
    """Reads crypto transfer CSV files through a TransferMapping (see the module docstring)."""

    name = "transfers"

    def __init__(self, mapping: TransferMapping | str | Path, dataset: str = DEFAULT_DATASET) -> None:
        self.mapping = mapping if isinstance(mapping, TransferMapping) else load_transfer_mapping(mapping)
        self.dataset = dataset

    def expected_counts(self) -> dict[str, int]:
        return {"records": 1, RelType.TRANSFERRED.value: 1}

    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
            elif path.is_file():
                files.append(path)
            else:
                raise SourceFormatError(str(path), None, None, "no such file or directory")
        if not files:
            raise SourceFormatError(", ".join(str(p) for p in paths) or "(no paths)", None, None, "no CSV files found")
        resolved = []
        for path in files:  # every header checked before any row is read
            header = read_header(path)
            resolved.append((path, header, resolve(self.mapping, str(path), header, ctx)))
        self_transfers = 0
        for path, header, columns in resolved:
            state = _FileState(date_order=self._date_order(path, header, columns, ctx))
            for record in iter_records(path, header, ctx):
                try:
                    self_transfers += self._row(str(path), record, columns, state, ctx)
                except BadRecord as bad:
                    ctx.reject(str(path), record.line, bad.field, bad.reason, record.raw)
        if self_transfers:
            ctx.note("transfers from a wallet to itself", self_transfers)

    def _date_order(self, path: Path, header: list[str], cols: _Resolved, ctx: LoadContext) -> DateOrder | None:
        """The mapping's date_order, else (timestamps read with ``auto``) the one the file's own values prove."""
        column = cols["timestamp"]
        if self.mapping.date_order is not None or self.mapping.timestamp_format != AUTO or column is None:
            return self.mapping.date_order
        return file_date_order(path, header, [column], ctx)

    def _row(self, file: str, record: CsvRecord, cols: _Resolved, state: _FileState, ctx: LoadContext) -> int:
        m = self.mapping
        tx_column = cols["tx_hash"]
        tx_text = record.get(tx_column)
        if not tx_text:
            raise BadRecord(tx_column, "missing tx hash")
        if not m.tx_hash_pattern.match(tx_text):
            raise BadRecord(tx_column, f"malformed tx hash: {tx_text!r} (expected {m.tx_hash_pattern.pattern})")
        tx_hash = tx_text.lower()
        state.legs[tx_hash] += 1
        leg = state.legs[tx_hash]
        self._check_status(record, cols)
        asset = self._asset(record, cols)
        source = self._address(record, cols["from"], asset)
        to_column = cols["to"]
        if not record.get(to_column) and record.get(cols["to_fallback"]):
            to_column = cols["to_fallback"]  # a contract creation: the new contract receives
        target = self._address(record, to_column, asset)
        amount = self._amount(record, cols)
        time_column = cols["timestamp"]
        time_text = record.get(time_column)
        if not time_text:
            raise BadRecord(time_column, "missing timestamp")
        try:
            timestamp = parse_timestamp(time_text, m.timestamp_format, state.date_order)
        except ValueError as exc:
            raise BadRecord(time_column, str(exc)) from None
        value_usd = self._value_usd(record, cols, amount)
        src_id, dst_id = wallet_id(source), wallet_id(target)
        ctx.node(self._wallet(source, asset, record.get(cols["from_label"])))
        ctx.node(self._wallet(target, asset, record.get(cols["to_label"])))
        props: dict[Prop, Any] = {
            Prop.AMOUNT: amount,
            Prop.ASSET: asset,
            Prop.TIMESTAMP: timestamp,
            Prop.TX_HASH: tx_hash,
            Prop.DATASETS: [self.dataset],
            Prop.SOURCE_IDS: [f"{self.dataset}:{tx_hash}:{leg}"],
        }
        if value_usd is not None:
            props[Prop.VALUE_USD] = value_usd
        rel = RelRecord(
            rel_id(RelType.TRANSFERRED, src_id, dst_id, tx_hash, str(leg)), RelType.TRANSFERRED, src_id, dst_id, props
        )
        ctx.rel(rel)
        return 1 if src_id == dst_id else 0

    # --- fields ---------------------------------------------------------------------------------------------------
    @staticmethod
    def _check_status(record: CsvRecord, cols: _Resolved) -> None:
        status = record.get(cols["status"])
        error = record.get(cols["error"])
        failed_status = status.casefold() in FAILED_STATUSES or status.casefold().startswith("error")
        if failed_status or (error and error != "0"):
            detail = ", ".join(f"{k} {v!r}" for k, v in (("Status", status), ("ErrCode", error)) if v)
            raise BadRecord(cols["error"] if error else cols["status"], f"failed transaction: {detail} (nothing moved)")

    def _asset(self, record: CsvRecord, cols: _Resolved) -> str:
        if cols.header_asset:
            return cols.header_asset
        value = record.get(cols["asset"]).lower() or (self.mapping.asset or "")
        if not value:
            raise BadRecord(cols["asset"], "missing asset")
        return value

    def _address(self, record: CsvRecord, column: str | None, asset: str) -> str:
        text = record.get(column)
        problem = wallet_address_problem(text)
        if problem:
            raise BadRecord(column, problem)
        address = canonical_address(text)
        if self.mapping.evm_only and not is_evm_address(address):
            raise BadRecord(column, f"malformed address: {text!r} is not an EVM address (0x and 40 hex digits)")
        native = TICKER_CHAINS.get(asset.upper())
        shape = address_chain(address)
        if native == "bitcoin" and not looks_bitcoin(address):
            raise BadRecord(column, f"malformed address: {text!r} is not a Bitcoin address, but the asset is {asset}")
        if native in ("evm", "tron") and shape != native:
            raise BadRecord(column, f"malformed address: {text!r} is not an {native} address, but the asset is {asset}")
        return address

    def _amount(self, record: CsvRecord, cols: _Resolved) -> float:
        if self.mapping.columns.amount is not None:
            column = cols["amount"]
            text = record.get(column)
            if not text:
                raise BadRecord(column, "missing amount")
            try:
                amount = parse_number(text)
            except ValueError as exc:
                raise BadRecord(column, str(exc)) from None
            if amount < 0:
                raise BadRecord(column, f"negative amount: {text!r}")
            return amount
        values: dict[str, float] = {}
        for key in ("amount_in", "amount_out"):
            column = cols[key]
            text = record.get(column)
            if column is None or not text:
                continue
            try:
                values[column] = parse_number(text)
            except ValueError as exc:
                raise BadRecord(column, str(exc)) from None
            if values[column] < 0:
                raise BadRecord(column, f"negative amount: {text!r}")
        moved = {c: v for c, v in values.items() if v}
        if not moved:
            raise BadRecord(cols["amount_in"] or cols["amount_out"], "zero value: no coin moved (a contract call?)")
        if len(set(moved.values())) > 1:
            raise BadRecord(cols["amount_out"], f"both incoming and outgoing values differ: {moved}")
        return next(iter(moved.values()))

    def _value_usd(self, record: CsvRecord, cols: _Resolved, amount: float) -> float | None:
        column = cols["value_usd"]
        text = record.get(column)
        if text:
            try:
                return parse_number(text)
            except ValueError as exc:
                raise BadRecord(column, str(exc)) from None
        price_column = cols["usd_price"]
        price_text = record.get(price_column)
        if price_text:
            try:
                price = parse_number(price_text)
                value = Decimal(repr(amount)) * Decimal(repr(price))
                return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
            except ValueError as exc:
                raise BadRecord(price_column, str(exc)) from None
        return None

    def _wallet(self, address: str, asset: str, label: str) -> NodeRecord:
        props: dict[Prop, Any] = {
            Prop.NAME: address,
            Prop.LOOKUP_KEYS: [address],
            Prop.CURRENCIES: [asset.upper()],
            Prop.DATASETS: [self.dataset],
        }
        chain = chain_for(asset, address)
        if chain:
            props[Prop.CHAIN] = chain
        label = " ".join(label.split())
        if label and label.casefold() != address.casefold():
            props[Prop.ALIASES] = [label]
        return NodeRecord(wallet_id(address), NodeKind.WALLET, props)
