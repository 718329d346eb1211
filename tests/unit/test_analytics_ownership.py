"""The OFAC 50% rule as a pure function, on holdings worked out on paper (no store)."""

from __future__ import annotations

from datetime import date

import pytest

from graph.analytics.ownership import Holding, evaluate, not_in_force

DAY = date(2024, 6, 1)


def h(owner: str, asset: str, pct: float | None, start: str | None = None, end: str | None = None) -> Holding:
    return Holding(owner, asset, pct, start, end, rel_id=f"{owner}>{asset}>{pct}")


def test_two_blocked_owners_of_25_percent_block_in_the_aggregate() -> None:
    a = evaluate([h("X", "A", 25), h("Y", "A", 25), h("Z", "A", 50)], {"X", "Y"}, DAY)
    assert a.is_blocked("A") is True and a.blocked_by_ownership("A") is True
    assert a.share["A"] == 50
    assert a.arithmetic("A") == "25% (X, listed) + 25% (Y, listed) = 50% ≥ 50%"


def test_blocked_subsidiary_counts_in_full_not_multiplied() -> None:
    # X (listed) 60% of A; A 50% of B: A blocked (60), then B blocked because A holds 50% (not 30%)
    a = evaluate([h("X", "A", 60), h("A", "B", 50), h("Q", "B", 50)], {"X"}, DAY)
    assert (a.is_blocked("A"), a.is_blocked("B")) == (True, True)
    assert a.share["B"] == 50
    assert a.effective["B"] == pytest.approx(30.0)
    assert [c.owner_status for c in a.explain("B") if c.counted] == ["blocked by ownership"]


def test_unblocked_intermediate_passes_nothing_on() -> None:
    # X (listed) 40% of A; A 100% of B: A not blocked, so B is not either, though X effectively holds 40% of B
    a = evaluate([h("X", "A", 40), h("A", "B", 100)], {"X"}, DAY)
    assert (a.is_blocked("A"), a.is_blocked("B")) == (False, False)
    assert a.share.get("B", 0.0) == 0.0
    assert a.effective["B"] == pytest.approx(40.0)
    reason = next(c.reason for c in a.explain("B"))
    assert reason == "owner not blocked: passes nothing on"


def test_49_percent_structure_is_not_blocked_but_visible_in_the_effective_share() -> None:
    a = evaluate([h("X", "A", 49), h("Y", "A", 51)], {"X"}, DAY)
    assert a.is_blocked("A") is False
    assert (a.share["A"], a.effective["A"]) == (49, 49)


def test_ownership_cycle_without_blocking_terminates() -> None:
    # X 30% of A; A 60% of B; B 40% of A: A has 30 (B not blocked) -> nothing blocked.
    # effective: A = 30 + 0.4 B, B = 0.6 A  =>  A = 30 / 0.76, B = 0.6 A
    a = evaluate([h("X", "A", 30), h("A", "B", 60), h("B", "A", 40)], {"X"}, DAY)
    assert (a.is_blocked("A"), a.is_blocked("B")) == (False, False)
    assert a.effective["A"] == pytest.approx(30 / 0.76, abs=1e-6)
    assert a.effective["B"] == pytest.approx(0.6 * 30 / 0.76, abs=1e-6)


def test_ownership_cycle_with_blocking_terminates() -> None:
    # X 50% of A -> A blocked; A 50% of B -> B blocked; B 10% of A adds to A's share (60)
    a = evaluate([h("X", "A", 50), h("A", "B", 50), h("B", "A", 10)], {"X"}, DAY)
    assert a.blocked == {"X", "A", "B"}
    assert a.share["A"] == 60


def test_full_mutual_ownership_caps_the_effective_share() -> None:
    a = evaluate([h("X", "A", 10), h("A", "B", 100), h("B", "A", 100)], {"X"}, DAY)
    assert a.is_blocked("A") is False
    assert a.effective["A"] == pytest.approx(100.0)


def test_missing_percentage_is_possibly_blocked_never_0_or_100() -> None:
    # X (listed, % unknown) and Y (30%, not listed): X may hold up to 70% -> possibly blocked
    a = evaluate([h("X", "A", None), h("Y", "A", 30)], {"X"}, DAY)
    assert a.is_blocked("A") is None and a.blocked_by_ownership("A") is None
    assert a.share.get("A", 0.0) == 0.0
    assert "up to 70% more" in a.arithmetic("A")
    # ... and so is what A owns 80% of
    a = evaluate([h("X", "A", None), h("Y", "A", 30), h("A", "C", 80)], {"X"}, DAY)
    assert a.is_blocked("C") is None


def test_missing_percentage_that_cannot_reach_50_is_not_blocked() -> None:
    # Y (not listed) states 60%: X can hold at most 40%
    a = evaluate([h("X", "A", None), h("Y", "A", 60)], {"X"}, DAY)
    assert a.is_blocked("A") is False


def test_missing_percentage_does_not_hide_a_stated_majority() -> None:
    a = evaluate([h("X", "A", None), h("Y", "A", 55)], {"X", "Y"}, DAY)
    assert a.is_blocked("A") is True


def test_ended_ownership_does_not_count_and_as_of_evaluates_another_date() -> None:
    holdings = [h("X", "A", 60, start="2019-01", end="2020-06")]
    assert evaluate(holdings, {"X"}, DAY).is_blocked("A") is False
    assert evaluate(holdings, {"X"}, date(2020, 3, 1)).is_blocked("A") is True
    assert evaluate(holdings, {"X"}, date(2018, 12, 31)).is_blocked("A") is False  # not yet in force
    assert "ended 2020-06" in evaluate(holdings, {"X"}, DAY).explain("A")[0].reason


def test_dates_of_year_precision_count_in_favour_of_being_in_force() -> None:
    holdings = [h("X", "A", 60, end="2020")]
    assert evaluate(holdings, {"X"}, date(2020, 12, 31)).is_blocked("A") is True
    assert evaluate(holdings, {"X"}, date(2021, 1, 1)).is_blocked("A") is False
    assert not_in_force(h("X", "A", 1, start="2025"), date(2024, 12, 31)) == "not yet in force (starts 2025)"


def test_same_holding_from_two_sources_counts_once_at_the_highest_percentage() -> None:
    a = evaluate([h("X", "A", 30), h("X", "A", 55)], {"X"}, DAY)
    assert a.share["A"] == 55
    assert [c.counted for c in a.explain("A")] == [True, False]


def test_rounded_percentages_reaching_50_count() -> None:
    a = evaluate([h("X", "A", 33.33), h("Y", "A", 16.67)], {"X", "Y"}, DAY)
    assert a.is_blocked("A") is True


def test_listed_entity_is_blocked_but_not_by_ownership() -> None:
    a = evaluate([h("X", "A", 10)], {"X", "A"}, DAY)
    assert a.is_blocked("A") is True and a.blocked_by_ownership("A") is False
    assert a.status("A") == "listed"


def test_overfull_holdings_are_reported() -> None:
    a = evaluate([h("X", "A", 70), h("Y", "A", 60)], {"X"}, DAY)
    assert a.overfull == {"A": 130}
