"""Crypto transfer CSV (tracer and block-explorer exports) through a column mapping: each row a TRANSFERRED edge."""

from loaders.sources.transfers.mapping import ETHERSCAN, TRACER, TransferMapping, load_transfer_mapping
from loaders.sources.transfers.source import TransfersSource

__all__ = ["ETHERSCAN", "TRACER", "TransferMapping", "TransfersSource", "load_transfer_mapping"]
