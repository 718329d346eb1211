"""Deterministic ids and normalisation of raw source values, so re-runs and cross-source data converge."""

from __future__ import annotations

import hashlib
import re

from graph.names import fold
from graph.vocabulary import RelType

_EVM = re.compile(r"^0[xX][0-9a-fA-F]{40}$")  # some exports upper-case the whole address, prefix too
_BECH32_PREFIXES = ("bc1", "tb1", "ltc1", "bcrt1")


def normalize_address(address: str) -> str:
    """A wallet address in canonical form: EVM hex and bech32 lower-case, others (base58…) as written."""
    value = address.strip()
    if _EVM.match(value):
        return value.lower()
    if value.lower().startswith(_BECH32_PREFIXES):
        return value.lower()
    return value


def is_evm_address(address: str) -> bool:
    return bool(_EVM.match(address.strip()))


def wallet_id(address: str) -> str:
    """The node id of a wallet, from its normalised address only, so every source meets on one node."""
    return f"wallet-{normalize_address(address)}"


def ofac_id(ent_num: str | int) -> str:
    return f"ofac-{str(ent_num).strip()}"


def rel_id(rel_type: RelType, source: str, target: str, *qualifiers: str) -> str:
    """A relationship id stable across runs: type, both ends and any qualifier (e.g. a tx hash and leg)."""
    digest = hashlib.sha1("\x1f".join((rel_type.value, source, target, *qualifiers)).encode()).hexdigest()
    return f"{rel_type.value.lower()}-{digest[:20]}"


def fold_text(text: str) -> str:
    """Case-, accent- and punctuation-folded text: 'KIM, Jong-Un' -> 'kim jong un' (see graph.names.fold)."""
    return fold(text)


def lookup_key(value: str) -> str:
    """Key for exact identifier lookup: case-folded letters and digits only ('PP 109-420.132' -> 'pp109420132')."""
    return "".join(c for c in value.casefold() if c.isalnum() and c.isascii())
