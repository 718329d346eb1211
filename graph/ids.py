"""Deterministic ids and normalisation of raw source values, so re-runs and cross-source data converge."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from graph.vocabulary import RelType

_EVM = re.compile(r"^0x[0-9a-fA-F]{40}$")
_BECH32_PREFIXES = ("bc1", "tb1", "ltc1", "bcrt1")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


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
    """Case-, accent- and punctuation-folded text: 'KIM, Jong-Un' -> 'kim jong un'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", stripped.casefold()).replace("_", " ").split())


def name_tokens(text: str) -> list[str]:
    """Folded words of a name or query, for word-order-insensitive matching."""
    return fold_text(text).split()


def lookup_key(value: str) -> str:
    """Key for exact identifier lookup: case-folded, without spaces, dashes or dots."""
    return re.sub(r"[\s\-.]", "", value.strip().casefold())
