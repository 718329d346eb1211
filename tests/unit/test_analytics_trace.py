"""Time-respecting fund-flow tracing, shared-infrastructure weights and dates, as pure functions."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime

import pytest

from graph.analytics.dates import parse_day, parse_moment
from graph.analytics.shared_infrastructure import combine, rarity_weight
from graph.analytics.trace import Party, TraceDirection, service_label, trace
from graph.model import Link
from graph.vocabulary import RelType

# (source, target, time, value_usd)
Tx = tuple[str, str, str | None, float]
LABELS = {"MIX": "Tornado mixer pool", "EXCH": "Binance exchange hot wallet"}


def expander(txs: list[Tx], forward: bool) -> Callable[[list[str]], list[Link]]:
    by_node: dict[str, list[Link]] = defaultdict(list)
    for n, (s, t, when, usd) in enumerate(txs):
        rel = {"timestamp": when, "value_usd": usd, "amount": usd / 2000, "asset": "eth"}
        origin, other = (s, t) if forward else (t, s)
        node = {"kind": "Wallet", "name": other, "notes": LABELS.get(other)}
        by_node[origin].append(Link(origin, RelType.TRANSFERRED, forward, other, f"tx{n}", rel, node))

    def expand(ids: list[str]) -> list[Link]:
        return [lk for i in ids for lk in by_node[i]]

    return expand


def run(
    txs: list[Tx],
    start: str = "S",
    direction: str = "forward",
    hops: int = 5,
    since: date | None = None,
    until: date | None = None,
) -> dict[str, int]:
    forward = direction == "forward"
    party = Party(start, start, "Wallet", True, None)
    result = trace(party, TraceDirection(direction), hops, expander(txs, forward), since, until)
    return {t.transfer.rel_id: t.hop for t in result.transfers}


def test_each_hop_is_no_earlier_than_the_one_before() -> None:
    txs: list[Tx] = [
        ("S", "A", "2023-01-10T00:00:00Z", 100),  # tx0
        ("A", "B", "2023-01-09T00:00:00Z", 50),  # tx1: before the funds reached A -> not followed
        ("A", "C", "2023-01-11T00:00:00Z", 40),  # tx2
        ("C", "D", "2023-01-11T00:00:00Z", 40),  # tx3: same second is allowed
        ("B", "E", "2023-01-12T00:00:00Z", 10),  # tx4: B never reached
    ]
    assert run(txs) == {"tx0": 1, "tx2": 2, "tx3": 3}


def test_day_precision_and_timestamps_on_the_same_day_may_be_in_either_order() -> None:
    txs: list[Tx] = [("S", "A", "2023-04-04T10:12:00Z", 1), ("A", "B", "2023-04-04", 1), ("B", "C", "2023-04-03", 1)]
    assert run(txs) == {"tx0": 1, "tx1": 2}


def test_trace_stops_at_a_mixer_and_at_the_hop_limit() -> None:
    txs: list[Tx] = [
        ("S", "MIX", "2023-01-02", 100),
        ("MIX", "X", "2023-01-03", 100),  # beyond the mixer: other people's money
        ("S", "A", "2023-01-02", 5),
        ("A", "B", "2023-01-03", 5),
        ("B", "C", "2023-01-04", 5),
    ]
    forward = TraceDirection.FORWARD
    result = trace(Party("S", "S", "Wallet", True, None), forward, 2, expander(txs, True))
    assert {t.transfer.rel_id for t in result.transfers} == {"tx0", "tx2", "tx3"}
    assert result.stops["MIX"].startswith("service (label 'Tornado mixer pool')")
    assert result.stops["B"] == "hop limit"
    ends = {e["id"]: e for e in result.endpoints()}
    assert ends["MIX"]["value_usd"] == 100


def test_an_earlier_arrival_reopens_hops_already_refused() -> None:
    # A is first reached late (via B, hop 2) then early (directly, hop 1 of a shorter path)... and both orders
    txs: list[Tx] = [
        ("S", "B", "2023-01-01", 1),
        ("B", "A", "2023-01-02", 1),
        ("S", "A", "2023-01-05", 1),
        ("A", "Z", "2023-01-03", 1),  # possible only through the earlier arrival via B
    ]
    assert run(txs) == {"tx0": 1, "tx2": 1, "tx1": 2, "tx3": 3}


def test_backward_trace_respects_time_in_reverse() -> None:
    txs: list[Tx] = [
        ("A", "S", "2023-01-10", 100),  # tx0 into S
        ("B", "A", "2023-01-09", 60),  # tx1: funds reached A before it paid S -> source
        ("C", "A", "2023-01-11", 30),  # tx2: after A paid S -> not a source
        ("D", "B", "2023-01-08", 60),  # tx3
    ]
    assert run(txs, direction="backward") == {"tx0": 1, "tx1": 2, "tx3": 3}


def test_since_and_until_window() -> None:
    txs: list[Tx] = [("S", "A", "2022-12-31", 1), ("S", "B", "2023-01-15", 1), ("S", "C", "2023-03-01", 1)]
    assert run(txs, since=date(2023, 1, 1), until=date(2023, 2, 1)) == {"tx1": 1}


def test_undated_hops_are_kept_and_marked() -> None:
    txs: list[Tx] = [("S", "A", None, 1), ("A", "B", "2023-01-01", 1)]
    result = trace(Party("S", "S", "Wallet", True, None), TraceDirection.FORWARD, 3, expander(txs, True))
    rows = result.rows()
    assert [r["undated"] for r in rows] == [False, True]  # dated first, undated last
    out = io.StringIO()
    result.write_csv(out)
    assert out.getvalue().splitlines()[0].startswith("hop,time,type,from,from_name,to,to_name,amount")


def test_service_rule() -> None:
    assert service_label("Wallet", {"notes": "Binance exchange hot wallet"}) == "label 'Binance exchange hot wallet'"
    assert service_label("Wallet", {"aliases": ["Wormhole Bridge"]}) == "label 'Wormhole Bridge'"
    assert service_label("Company", {"topics": ["crypto.exchange"]}) == "topic crypto.exchange"
    assert service_label("Company", {"name": "Sunrise Digital Services LLC"}) is None  # labels count on wallets only
    assert service_label("Wallet", {"notes": "pay-collection wallet"}) is None


def test_rarity_weights() -> None:
    assert rarity_weight(2) == 1.0
    assert rarity_weight(5001) == pytest.approx(0.0002)
    assert rarity_weight(1) == 0.0
    assert combine([0.5, 0.5]) == pytest.approx(0.75)
    assert combine([1.0, 0.0002]) == 1.0


def test_dates_of_variable_precision() -> None:
    year = parse_moment("2023")
    assert year is not None and (year.earliest, year.latest.date()) == (datetime(2023, 1, 1), date(2023, 12, 31))
    month = parse_moment("2024-02")
    assert month is not None and month.latest.date() == date(2024, 2, 29)
    ts = parse_moment("2023-04-04T10:12:00Z")
    assert ts is not None and ts.exact and ts.earliest == datetime(2023, 4, 4, 10, 12)
    assert parse_moment("2023-04-04 10:12:00") == ts
    assert parse_moment("circa 1970") is None and parse_moment(None) is None
    assert parse_day("2024-03-01") == date(2024, 3, 1)
    with pytest.raises(ValueError, match="is not a date"):
        parse_day("yesterday")
