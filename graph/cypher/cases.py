"""The analysts' records (graph.cases): nodes under a RecordLabel, keyed by id, read and written as whole property
maps. They are never :Entity and have no relationships, so nothing else in the graph reads them."""

from __future__ import annotations

from graph.vocabulary import RecordKey, RecordLabel


def _record_label(label: RecordLabel) -> str:
    if not isinstance(label, RecordLabel):
        raise TypeError(f"record label must come from the vocabulary, got {label!r}")
    return label.value


def put_records(label: RecordLabel) -> str:
    """Rows $rows of {id, props}: each record's properties become exactly ``props`` (created when new)."""
    return (
        f"UNWIND $rows AS row MERGE (n:{_record_label(label)} {{{RecordKey.ID}: row.id}}) "
        "SET n = row.props RETURN count(n) AS written"
    )


def get_records(label: RecordLabel, key: RecordKey | None) -> str:
    """Records of ``label`` (with ``key``: those whose ``key`` is one of $values), as property maps."""
    where = f" WHERE n.{RecordKey(key).value} IN $values" if key is not None else ""
    return f"MATCH (n:{_record_label(label)}){where} RETURN properties(n) AS props"


def delete_records(label: RecordLabel) -> str:
    """Delete the records of ``label`` whose id is in $ids."""
    return f"MATCH (n:{_record_label(label)}) WHERE n.{RecordKey.ID} IN $ids DETACH DELETE n RETURN count(*) AS deleted"
