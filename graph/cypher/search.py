"""Search and the matcher's candidates: full-text indexes give candidates, never a scan."""

from __future__ import annotations

from collections.abc import Sequence

from graph.cypher._base import Dialect
from graph.vocabulary import ENTITY_LABEL, Prop

# --- search: full-text indexes give candidates (never a scan); graph.names ranks them -------------------------------
FULLTEXT_NAMES = "entity_names"
FULLTEXT_LOOKUP = "entity_lookup"


LAST_INDEXED_SAMPLE = f"""
MATCH (n:{ENTITY_LABEL}) WHERE n.{Prop.SEARCH_TEXT} <> ''
RETURN n.{Prop.ID} AS id, n.{Prop.SEARCH_TEXT} AS text ORDER BY id(n) DESC LIMIT 1
"""


#: The scan that search never runs: every entity's name text tested for a word. Only benchmarks/search_bench.py
#: runs it, to compare with the index.
COUNT_NAMES_CONTAINING = f"MATCH (n:{ENTITY_LABEL}) WHERE n.{Prop.SEARCH_TEXT} CONTAINS $word RETURN count(n) AS n"


#: What ranking a search candidate needs; the hits' whole records are read afterwards, by id (search_candidates).
SEARCH_CANDIDATE_PROPS = (Prop.ID, Prop.KIND, Prop.NAME, Prop.ALIASES, Prop.SANCTIONED, Prop.LOOKUP_KEYS)
_CANDIDATE_COLUMNS = ", ".join(f"node.{p.value} AS {p.value}" for p in SEARCH_CANDIDATE_PROPS)


def search_candidates(dialect: Dialect) -> str:
    """Candidates from a full-text index, best score first, as columns SEARCH_CANDIDATE_PROPS and score: $index
    names the index (Neo4j), $query is built by fulltext_query or fulltext_all_words.

    Only the few fields ranking needs are read (a client parses whole property maps slowly; a search reads hundreds
    of candidates and keeps 20). Neo4j's full-text procedure yields hits by descending score; FalkorDB's yields them
    in index order, so it sorts (node and score only): without it the LIMIT kept arbitrary matches, and an exact
    name among thousands of partial matches could be left out. Ties are broken by id, so hits tied at the cut are
    the same on every run (xref's pairs were not repeatable without it).
    """
    if dialect is Dialect.NEO4J:
        return f"""
CALL db.index.fulltext.queryNodes($index, $query) YIELD node, score
RETURN {_CANDIDATE_COLUMNS}, score
LIMIT $limit
"""
    return f"""
CALL db.idx.fulltext.queryNodes('{ENTITY_LABEL}', $query) YIELD node, score
WITH node, score ORDER BY score DESC, node.{Prop.ID} LIMIT $limit
RETURN {_CANDIDATE_COLUMNS}, score
"""


def _safe_terms(terms: Sequence[str]) -> list[str]:
    return [t for t in terms if t.isascii() and t.isalnum()]


def _spellings(dialect: Dialect, terms: Sequence[str]) -> list[str]:
    """Index terms for words: each as is, as a prefix (2+ letters) and one edit away (4+ letters)."""
    parts: list[str] = []
    for t in terms:
        parts.append(t)
        if len(t) >= 2:
            parts.append(f"{t}*")
        if len(t) >= 4:
            parts.append(f"{t}~1" if dialect is Dialect.NEO4J else f"%{t}%")
    return list(dict.fromkeys(parts))


def fulltext_query(dialect: Dialect, field: Prop, terms: Sequence[str]) -> str:
    """Query text for the full-text engines matching ANY of the terms. Terms must be folded words (ASCII letters
    and digits only)."""
    safe = _safe_terms(terms)
    if not safe:
        return ""
    if field is Prop.LOOKUP_TEXT:
        return safe[0] if dialect is Dialect.NEO4J else f"@{Prop.LOOKUP_TEXT}:{safe[0]}"
    parts = _spellings(dialect, safe)
    if dialect is Dialect.NEO4J:
        return " OR ".join(parts)
    return f"@{Prop.SEARCH_TEXT}:(" + "|".join(parts) + ")"


def fulltext_all_words(dialect: Dialect, words: Sequence[Sequence[str]]) -> str:
    """Query text matching names that hold EVERY query word, each in one of its forms (``words``: per query word,
    its folded form and its canonical key). Far fewer candidates than any-word on a big store."""
    groups = [_spellings(dialect, safe) for safe in (_safe_terms(w) for w in words) if safe]
    if not groups:
        return ""
    if dialect is Dialect.NEO4J:
        return " AND ".join("(" + " OR ".join(g) + ")" for g in groups)
    return f"@{Prop.SEARCH_TEXT}:(" + " ".join("(" + "|".join(g) + ")" for g in groups) + ")"


# --- matcher (graph.matching): candidates through the name and lookup full-text indexes, never a scan ------------

#: What the matcher compares: names, kind, countries, birth date, identifiers (and the mark it reports).
MATCH_CANDIDATE_PROPS = (
    Prop.ID,
    Prop.KIND,
    Prop.NAME,
    Prop.ALIASES,
    Prop.COUNTRIES,
    Prop.BIRTH_DATE,
    Prop.BIRTH_PLACE,
    Prop.IDENTIFIERS,
    Prop.LOOKUP_KEYS,
    Prop.IMO,
    Prop.FLAG,
    Prop.SANCTIONED,
    Prop.DATASETS,
)
_MATCH_COLUMNS = ", ".join(f"node.{p.value} AS {p.value}" for p in MATCH_CANDIDATE_PROPS)


def match_candidates(dialect: Dialect) -> str:
    """Name candidates for the matcher: for each full-text query of $queries (built by match_names_queries), its
    $limit best-scored entities; each entity once, as columns MATCH_CANDIDATE_PROPS and ``queries``, the texts of
    $queries that found it (a batch of queries of many parties answered in one round trip, split again by text).
    $index names the index (Neo4j, which takes the limit as a procedure option); FalkorDB's procedure yields hits
    unordered, so each query's hits are sorted by score before they are cut."""
    if dialect is Dialect.NEO4J:
        return f"""
UNWIND $queries AS q
CALL db.index.fulltext.queryNodes($index, q, {{limit: $limit}}) YIELD node
WITH node, collect(q) AS queries
RETURN queries, {_MATCH_COLUMNS}
"""
    return f"""
UNWIND $queries AS q
CALL db.idx.fulltext.queryNodes('{ENTITY_LABEL}', q) YIELD node, score
WITH q, node, score ORDER BY score DESC, node.{Prop.ID}
WITH q, collect(node)[0..$limit] AS nodes
UNWIND nodes AS node
WITH node, collect(q) AS queries
RETURN queries, {_MATCH_COLUMNS}
"""


def _alternatives(dialect: Dialect, spellings: Sequence[str], fuzzy: bool, min_fuzzy: int = 4) -> list[str]:
    safe = _safe_terms(spellings)
    parts = list(safe)
    if fuzzy and safe and len(safe[0]) >= min_fuzzy:
        parts.append(f"{safe[0]}~1" if dialect is Dialect.NEO4J else f"%{safe[0]}%")
    return list(dict.fromkeys(parts))


def match_names_queries(
    dialect: Dialect, words: Sequence[Sequence[str]], fuzzy: bool = True, min_fuzzy: int = 4
) -> list[str]:
    """Full-text query texts for the matcher: one per query word (``words``: per word, its spellings as folded
    words, ASCII letters and digits - others are left out), matching any spelling or, with ``fuzzy``, a word one
    edit away from the first (``min_fuzzy``+ letters: 4 for the matcher; search passes 3, so 'Unn' finds Un); and,
    for two words or more, one matching names that hold every word (the last)."""
    groups = [g for g in (_alternatives(dialect, w, fuzzy, min_fuzzy) for w in words) if g]
    if dialect is Dialect.NEO4J:
        texts = [" OR ".join(g) for g in groups]
        if len(groups) > 1:
            texts.append(" AND ".join("(" + " OR ".join(g) + ")" for g in groups))
    else:
        texts = [f"@{Prop.SEARCH_TEXT}:(" + "|".join(g) + ")" for g in groups]
        if len(groups) > 1:
            texts.append(f"@{Prop.SEARCH_TEXT}:(" + " ".join("(" + "|".join(g) + ")" for g in groups) + ")")
    return texts
