"""The dialect and the guards that keep labels, types and property names inside the vocabulary."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from graph.vocabulary import NodeKind, Prop, RelType


class Dialect(StrEnum):
    NEO4J = "neo4j"
    FALKORDB = "falkordb"


def _label(kind: NodeKind) -> str:
    if not isinstance(kind, NodeKind):
        raise TypeError(f"label must come from the vocabulary, got {kind!r}")
    return kind.value


def _rel_type(rel_type: RelType) -> str:
    if not isinstance(rel_type, RelType):
        raise TypeError(f"relationship type must come from the vocabulary, got {rel_type!r}")
    return rel_type.value


def _type_alternation(types: Sequence[RelType] | None) -> str:
    """':A|B' for a pattern (empty for all types)."""
    if not types:
        return ""
    return ":" + "|".join(_rel_type(t) for t in types)


def _prop(prop: Prop) -> str:
    if not isinstance(prop, Prop):
        raise TypeError(f"property must come from the vocabulary, got {prop!r}")
    return prop.value
