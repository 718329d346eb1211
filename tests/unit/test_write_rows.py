"""The rows a Cypher store writes for new relationships: built in one pass, equal to the two-pass rows."""

from __future__ import annotations

import pytest

from graph.model import RelRecord
from graph.stores.records import new_rel_row, new_rel_row_of, rel_row
from graph.vocabulary import Prop, RelType

RECORDS = [
    RelRecord("r1", RelType.OWNS, "a", "b", {}),
    RelRecord(
        "r2",
        RelType.OWNS,
        "a",
        "b",
        {Prop.PERCENTAGE: 60.0, Prop.START_DATE: "2020-01-02", Prop.DATASETS: ["x", "y", "x"], Prop.ROLE: None},
    ),
    RelRecord("r3", RelType.PAID, "a", "c", {Prop.AMOUNT: (1, 2), Prop.SOURCE_IDS: "s-1", Prop.ID: "ignored"}),
    RelRecord("r4", RelType.DIRECTS, "a", "c", {Prop.ROLE: "director"}, clear=frozenset({Prop.START_DATE})),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
def test_new_rel_row_of_equals_the_two_pass_row(record: RelRecord) -> None:
    assert new_rel_row_of(record) == new_rel_row(rel_row(record))


def test_new_rel_row_of_rejects_a_key_that_is_no_property() -> None:
    with pytest.raises(ValueError, match="not a valid Prop"):
        new_rel_row_of(RelRecord("r5", RelType.OWNS, "a", "b", {"colour": "red"}))  # type: ignore[dict-item]
