"""Transfer mappings: which columns of a transfer export hold what, as pydantic models.

The built-in mappings (``tracer``, ``etherscan``) and a user's TOML file go through the same model
(``TransferMapping``), so a preset is nothing but a mapping document that ships with the loader. The TOML keys are
documented in docs/loaders-csv.md ("Transfer mappings"); a column is a name, a list of alternative names, or a table
``{names = [...], prefixes = [...]}`` (a column whose name starts with a prefix, as Etherscan's ``Value_IN(ETH)``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from loaders.common.mapping import MappingModel, TimeOptions, problem, read_toml, validate_mapping

DEFAULT_TX_HASH = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")


class Column(MappingModel):
    """A column given by name (alternatives allowed) or by the start of its name (``CurrentValue @ $…``)."""

    WHAT = "a column table"

    names: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()

    @field_validator("names", "prefixes", mode="before")
    @classmethod
    def _names(cls, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list | tuple) or not all(isinstance(n, str) and n.strip() for n in value):
            raise problem((None, f"must be a list of column names, not {value!r}"))
        return tuple(n.strip() for n in value)

    def find(self, header: Sequence[str]) -> list[str]:
        """Every header column this matches (case-insensitive), names first."""
        folded = {h.casefold(): h for h in header}
        out = [folded[n.casefold()] for n in self.names if n.casefold() in folded]
        out += [h for h in header if any(h.casefold().startswith(p.casefold()) for p in self.prefixes)]
        return list(dict.fromkeys(out))

    def describe(self) -> str:
        return " or ".join([repr(n) for n in self.names] + [f"'{p}…'" for p in self.prefixes])

    def first(self) -> str:
        return self.names[0] if self.names else self.prefixes[0]


def _column_spec(value: Any) -> Any:
    """A column name or a list of alternative names -> a Column document; a table is validated as a Column."""
    if isinstance(value, str) and value.strip():
        return {"names": (value.strip(),)}
    if isinstance(value, list) and value and all(isinstance(n, str) and n.strip() for n in value):
        return {"names": tuple(n.strip() for n in value)}
    if isinstance(value, dict | Column):
        return value
    raise problem((None, f"must be a column name or a list of alternative names, not {value!r}"))


class TransferColumns(MappingModel):
    """The ``[columns]`` table: required from, to, tx_hash, timestamp and an amount (``amount``, or Etherscan's
    ``amount_in``/``amount_out``); the others optional."""

    WHAT = "the [columns] table"

    from_: Column = Field(alias="from")
    to: Column
    tx_hash: Column
    timestamp: Column
    amount: Column | None = None
    amount_in: Column | None = None  # Etherscan: Value_IN(ETH)
    amount_out: Column | None = None  # Etherscan: Value_OUT(ETH)
    asset: Column | None = None
    value_usd: Column | None = None
    usd_price: Column | None = None  # Etherscan: value_usd = amount x Historical $Price/Eth
    from_label: Column | None = None
    to_label: Column | None = None
    to_fallback: Column | None = None  # Etherscan: ContractAddress when To is empty (contract creation)
    status: Column | None = None
    error: Column | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _column(cls, value: Any) -> Any:
        return _column_spec(value)

    @model_validator(mode="after")
    def _amount(self) -> TransferColumns:
        if self.amount is None and self.amount_in is None and self.amount_out is None:
            raise problem(("amount", "missing (required)"))
        return self

    def fields(self) -> dict[str, Column | None]:
        """Every mapped field by its key (``from``, ``to``, …)."""
        return {(f.alias or name): getattr(self, name) for name, f in type(self).model_fields.items()}


REQUIRED_FIELDS = ("from", "to", "tx_hash", "timestamp")


class TransferMapping(TimeOptions):
    """Which columns hold what; built in (``tracer``, ``etherscan``) or read from a TOML file."""

    WHAT = "a transfer mapping"
    MISSING = {"columns": "missing: a [columns] table naming the columns is needed"}

    name: str = "mapping"
    columns: TransferColumns
    asset_from_amount_header: bool = False  # Etherscan: "Value_IN(ETH)" -> eth
    asset: str | None = Field(None, validate_default=True)  # the asset of every row
    tx_hash_pattern: re.Pattern[str] = DEFAULT_TX_HASH
    ignore: tuple[Column, ...] = ()
    evm_only: bool = False  # Etherscan: every address is an EVM address

    @field_validator("asset")
    @classmethod
    def _asset(cls, value: str | None, info: ValidationInfo) -> str | None:
        columns = info.data.get("columns")
        raw = ((info.context or {}).get("document") or {}).get("columns")
        has_column = columns.asset is not None if columns is not None else isinstance(raw, dict) and "asset" in raw
        if value is not None and not value.strip():
            raise problem((None, f"must be a non-empty string, not {value!r}"))
        if value is not None and has_column:
            raise problem((None, "give one of columns.asset (a column) or asset (the asset of every row), not both"))
        if value is None and not has_column and not info.data.get("asset_from_amount_header"):
            raise problem((None, "missing: give columns.asset (a column) or asset (the asset of every row)"))
        return value.strip().lower() if value is not None else None

    @field_validator("tx_hash_pattern", mode="before")
    @classmethod
    def _pattern(cls, value: Any) -> re.Pattern[str]:
        if isinstance(value, re.Pattern):
            return value
        try:
            return re.compile(str(value))
        except re.error as exc:
            raise problem((None, f"not a regular expression ({exc})")) from None

    @field_validator("ignore", mode="before")
    @classmethod
    def _ignore(cls, value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple) or not all(isinstance(c, str | dict | Column) for c in value):
            raise problem((None, "must be a list of column names"))
        return tuple(_column_spec(c) for c in value)


TRACER = validate_mapping(
    TransferMapping,
    {
        "name": "tracer",
        "columns": {
            "from": "From",
            "to": "To",
            "tx_hash": "Txn Hash",
            "timestamp": "Timestamp",
            "amount": "Value",
            "asset": "Asset",
            "value_usd": "Value USD",
            "from_label": "From Label",
            "to_label": "To Label",
        },
    },
    Path("tracer"),
)

ETHERSCAN = validate_mapping(
    TransferMapping,
    {
        "name": "etherscan",
        "columns": {
            "from": "From",
            "to": "To",
            "tx_hash": ["Transaction Hash", "Txhash", "Txn Hash"],
            "timestamp": "UnixTimestamp",
            "amount_in": {"prefixes": ["Value_IN("]},
            "amount_out": {"prefixes": ["Value_OUT("]},
            "usd_price": {"prefixes": ["Historical $Price/"]},
            "to_fallback": "ContractAddress",
            "status": "Status",
            "error": "ErrCode",
        },
        "asset_from_amount_header": True,
        "timestamp_format": "unix",
        "ignore": [
            {"names": ["Blockno", "DateTime (UTC)", "DateTime", "Method"], "prefixes": ["CurrentValue", "TxnFee("]}
        ],
        "evm_only": True,
    },
    Path("etherscan"),
)

BUILTIN_MAPPINGS: dict[str, TransferMapping] = {"tracer": TRACER, "etherscan": ETHERSCAN}


def load_transfer_mapping(spec: str | Path) -> TransferMapping:
    """A built-in mapping by name (``tracer``, ``etherscan``) or a TOML mapping file, validated (MappingError lists
    every problem with its key)."""
    if isinstance(spec, str) and spec in BUILTIN_MAPPINGS:
        return BUILTIN_MAPPINGS[spec]
    path = Path(spec)
    data = read_toml(path, missing=f"no such mapping file (built-in mappings: {', '.join(BUILTIN_MAPPINGS)})")
    return validate_mapping(TransferMapping, {"name": str(path), **data}, path)
