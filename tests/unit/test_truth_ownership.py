"""The 50% rule's arithmetic in words, for the entity page and the report (issue 12 item 4)."""

from __future__ import annotations

from datetime import date

from graph import Entity, NodeKind, Relationship, RelType, Subgraph, ownership_from_subgraph
from graph.analytics.ownership import Holding, OwnershipReport, evaluate

DAY = date(2024, 6, 1)


def h(owner: str, asset: str, pct: float | None) -> Holding:
    return Holding(owner, asset, pct, None, None, rel_id=f"{owner}>{asset}")


def report(holdings: list[Holding], listed: set[str], entity: str, names: dict[str, str]) -> OwnershipReport:
    e = Entity(entity, NodeKind.COMPANY, names[entity], entity in listed, {})
    known = {i: (n, "Company", i in listed) for i, n in names.items()}
    return OwnershipReport(e, evaluate(holdings, listed, DAY), known, True)


def test_not_blocked_has_an_explicit_verdict() -> None:
    r = report([h("A", "T", 60), h("B", "T", 40)], set(), "T", {"T": "Target", "A": "Alpha", "B": "Beta"})
    assert r.equation() == "0% + 0% = 0% < 50%: not blocked"
    assert r.standing() == "not blocked"
    r = report([h("X", "T", 40), h("B", "T", 60)], {"X"}, "T", {"T": "Target", "X": "Listed X", "B": "Beta"})
    assert r.equation() == "40% + 0% = 40% < 50%: not blocked"
    assert [c.holding.owner for c in r.in_force()] == ["X", "B"]
    assert r.to_dict()["equation"] == "40% + 0% = 40% < 50%: not blocked"


def test_blocked_through_rounds_of_the_fixpoint() -> None:
    names = {"X": "Listed X", "A": "Alpha", "B": "Beta", "Q": "Quiet"}
    r = report([h("X", "A", 60), h("A", "B", 50), h("Q", "B", 50)], {"X"}, "B", names)
    assert r.equation() == "50% + 0% = 50% ≥ 50%: blocked"
    assert r.rounds() == [(0, ["Listed X"]), (1, ["Alpha"]), (2, ["Beta"])]
    assert r.to_dict()["rounds"][2] == {"round": 2, "entities": ["Beta"]}
    listed = report([], {"X"}, "X", {"X": "Listed X"})
    assert listed.equation() == "itself listed: blocked" and listed.standing() == "listed"


def test_the_report_works_the_rule_out_from_its_neighbourhood() -> None:
    def ent(i: str, name: str, sanctioned: bool = False, **props: object) -> Entity:
        return Entity(i, NodeKind.COMPANY, name, sanctioned, dict(props))

    def owns(a: str, b: str, pct: float) -> Relationship:
        return Relationship(f"{a}>{b}", RelType.OWNS, a, b, {"percentage": pct})

    sub = Subgraph(
        "T",
        (ent("T", "Target"), ent("X", "Listed X", True), ent("M", "Mid Co", blocked_by_ownership=True)),
        (owns("X", "T", 30), owns("M", "T", 25)),
    )
    r = ownership_from_subgraph(sub, DAY)
    assert r.equation() == "30% + 25% = 55% ≥ 50%: blocked"
    assert {c.holding.owner: c.owner_status for c in r.in_force()} == {"X": "listed", "M": "blocked by ownership"}
    alone = ownership_from_subgraph(Subgraph("T", (ent("T", "Target"),), ()), DAY)
    assert alone.equation() == "no holding recorded: 0% < 50%: not blocked"
