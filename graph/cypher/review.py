"""SAME_AS candidates and their review: xref's upsert, an analyst's judgement, the review queue.

A candidate's id is keyed by the pair (graph.matching.xref.same_as_id), so a re-run of xref finds it again. A
judged candidate (``judgement`` set) keeps its status, judgement, who and when: xref updates only unjudged ones, and
a source's reload of a SAME_AS (cypher.upsert_relationships) puts the judged status back (``KEEP_JUDGED_STATUS``).
"""

from __future__ import annotations

from graph.cypher._base import Dialect
from graph.cypher.write import _rel_id_seek
from graph.vocabulary import ENTITY_LABEL, Prop, RelType

_SAME_AS = RelType.SAME_AS.value

#: Rows: {id, source, target, score, label, explanation, datasets}. New pairs become candidates ($candidate);
#: unjudged ones get the new score, label and explanation; judged ones are left exactly as they are.
UPSERT_SAME_AS = f"""
UNWIND $rows AS row
MATCH (a:{ENTITY_LABEL} {{{Prop.ID}: row.source}})
MATCH (b:{ENTITY_LABEL} {{{Prop.ID}: row.target}})
MERGE (a)-[r:{_SAME_AS} {{{Prop.ID}: row.id}}]->(b)
ON CREATE SET r.{Prop.STATUS} = $candidate, r.{Prop.DATASETS} = row.datasets
WITH r, row WHERE r.{Prop.JUDGEMENT} IS NULL
SET r.{Prop.SCORE} = row.score, r.{Prop.MATCH_LABEL} = row.label, r.{Prop.EXPLANATION} = row.explanation,
    r.{Prop.STATUS} = $candidate
RETURN count(r) AS written
"""

_RETURN_REL = f"RETURN startNode(r).{Prop.ID} AS source, endNode(r).{Prop.ID} AS target, properties(r) AS rprops"


def judge_same_as(dialect: Dialect) -> str:
    """Set the judgement of the SAME_AS whose id is $id: $judgement (null: undone), $status, $by, $at."""
    return f"""
WITH $id AS rid
{_rel_id_seek(dialect, RelType.SAME_AS)}
SET r.{Prop.JUDGEMENT} = $judgement, r.{Prop.STATUS} = $status, r.{Prop.JUDGED_BY} = $by, r.{Prop.JUDGED_AT} = $at
{_RETURN_REL}
"""


#: SAME_AS relationships whose status is in $statuses and score at least $min_score, best score first.
SAME_AS_QUEUE = f"""
MATCH (a:{ENTITY_LABEL})-[r:{_SAME_AS}]->(b:{ENTITY_LABEL})
WHERE r.{Prop.STATUS} IN $statuses AND coalesce(r.{Prop.SCORE}, 0.0) >= $min_score
WITH a, r, b ORDER BY coalesce(r.{Prop.SCORE}, 0.0) DESC, r.{Prop.ID} LIMIT $limit
RETURN a.{Prop.ID} AS source, b.{Prop.ID} AS target, properties(r) AS rprops
"""

#: The SAME_AS relationships of the entity $id (either direction), best score first.
SAME_AS_OF = f"""
MATCH (n:{ENTITY_LABEL} {{{Prop.ID}: $id}})-[r:{_SAME_AS}]-(:{ENTITY_LABEL})
WITH r ORDER BY coalesce(r.{Prop.SCORE}, 0.0) DESC, r.{Prop.ID}
{_RETURN_REL}
"""
