"""The in-memory store's stand-in for the servers' full-text name queries of the matcher (match_candidates)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rapidfuzz.distance import Levenshtein

from graph.vocabulary import Prop

_SEARCH_NAMES = Prop.SEARCH_NAMES.value


def matching_ids(
    nodes: Mapping[str, Mapping[str, Any]], words: Sequence[Sequence[str]], fuzzy: bool, limit: int
) -> list[str]:
    """Ids of the nodes the servers' queries would find: per word, a name word equal to one of its spellings or
    (``fuzzy``, 4+ letters) one edit from the first; and those holding every word. Index scores are not
    reproduced: each query keeps its first ``limit`` in id order."""
    groups = [[w for w in g if w.isascii() and w.isalnum()] for g in words]
    groups = [g for g in groups if g]

    def holds(tokens: set[str], group: list[str]) -> bool:
        if any(w in tokens for w in group):
            return True
        first = group[0]
        near = fuzzy and len(first) >= 4
        return near and any(Levenshtein.distance(t, first, score_cutoff=1) <= 1 for t in tokens)

    found: dict[str, None] = {}
    per_group = [0] * len(groups)
    every = 0
    for node_id in sorted(nodes):
        tokens = {t for form in nodes[node_id].get(_SEARCH_NAMES) or [] for t in str(form).split()}
        held = [holds(tokens, g) for g in groups]
        for i, h in enumerate(held):
            if h and per_group[i] < limit:
                per_group[i] += 1
                found[node_id] = None
        if len(groups) > 1 and all(held) and every < limit:
            every += 1
            found[node_id] = None
    return list(found)
