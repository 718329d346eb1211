"""Wallet chains and web hosts shared by the sources that read crypto addresses (OFAC SDN, FtM, transfers, CSV).

A wallet's chain comes from its address shape when that is decisive (``evm``: 0x + 40 hex; ``tron``: T + 33
base58), else from the ticker it is listed under (``TICKER_CHAINS``); a USDT/USDC token on a Bitcoin-shaped address
is ``bitcoin`` (Omni).
"""

from __future__ import annotations

import re

from graph import is_evm_address

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_TRON = re.compile(rf"^T[{_BASE58}]{{33}}$")
_BTC_BASE58 = re.compile(rf"^[13][{_BASE58}]{{25,34}}$")
_BTC_BECH32 = re.compile(r"^bc1[02-9ac-hj-np-z]{8,87}$", re.IGNORECASE)

#: Ticker -> chain of the coin itself. Tokens (USDT, USDC) are absent: their chain comes from the address.
TICKER_CHAINS: dict[str, str] = {
    "XBT": "bitcoin",
    "BTC": "bitcoin",
    "BCH": "bitcoin-cash",
    "BSV": "bitcoin-sv",
    "BTG": "bitcoin-gold",
    "LTC": "litecoin",
    "XMR": "monero",
    "ZEC": "zcash",
    "DASH": "dash",
    "XVG": "verge",
    "XRP": "xrp-ledger",
    "TRX": "tron",
    "SOL": "solana",
    "ETH": "evm",
    "ETC": "evm",
    "ARB": "evm",
    "BSC": "evm",
    "MATIC": "evm",
}
TOKEN_TICKERS = frozenset({"USDT", "USDC"})


def address_chain(address: str) -> str | None:
    """The chain an address's shape proves: ``evm`` (0x + 40 hex) or ``tron`` (T + 33 base58), else None."""
    if is_evm_address(address):
        return "evm"
    if _TRON.match(address.strip()):
        return "tron"
    return None


def looks_bitcoin(address: str) -> bool:
    value = address.strip()
    return bool(_BTC_BASE58.match(value) or _BTC_BECH32.match(value))


def chain_for(ticker: str, address: str) -> str | None:
    """The chain of a wallet listed under ``ticker``: the address shape when it is decisive, else the ticker's."""
    shaped = address_chain(address)
    if shaped:
        return shaped
    symbol = ticker.upper()
    if symbol in TICKER_CHAINS:
        return TICKER_CHAINS[symbol]
    if symbol in TOKEN_TICKERS and looks_bitcoin(address):
        return "bitcoin"  # Omni-layer token
    return None


def ticker_contradicts_address(ticker: str, address: str) -> bool:
    """True when the address shape proves a chain other than the (coin) ticker's, e.g. a Tron address under XBT."""
    shaped = address_chain(address)
    native = TICKER_CHAINS.get(ticker.upper())
    return shaped is not None and native is not None and shaped != native


def website_host(url: str) -> str:
    """``https://www.Example.com/`` -> ``example.com`` (for lookup: analysts paste either form)."""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.IGNORECASE)
    host = host.split("/", 1)[0]
    host = re.sub(r"^www\.", "", host, flags=re.IGNORECASE)
    return host.lower()
