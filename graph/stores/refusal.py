"""What an analyst reads when a store refuses a query: a sentence, never the store's own error text (which may
quote the query, the data or internals). The raw text goes to the log for whoever runs the server."""

from __future__ import annotations

import logging
from typing import Any

_log = logging.getLogger("sanctions_graph.store")

#: A value with a NUL character: no stored text holds one (loads reject them), so nothing can match it.
NUL_REFUSAL = "A value with a NUL character cannot be looked up or stored; remove it and try again."


def has_nul(value: Any) -> bool:
    """Whether a NUL character is in any text of ``value`` (query parameters: maps, lists, text)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


#: A write refused by the unique-id constraints: another writer got there first.
CONCURRENT_WRITE = (
    "Another load wrote the same ids at the same time and this one stopped (nothing is duplicated): "
    "run it again once the other has finished."
)


def store_refusal(raw: str) -> str:
    """The sentence for a store error whose text must not reach an analyst; logs the raw text."""
    _log.warning("the store refused a query: %s", raw[:2000])
    lowered = raw.lower()
    if "\x00" in raw or "null character" in lowered or "nul" in lowered.split():
        return NUL_REFUSAL
    if "too long" in lowered or "too large" in lowered or ("max" in lowered and "length" in lowered):
        return "The value given is too long for the store; shorten it and try again."
    return "The store could not answer this request; try a simpler one (the details are in the server log)."
