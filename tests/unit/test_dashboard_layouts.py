"""dashboard.entity.positions (server-side positions) and dashboard.entity.timeline (the plotly figure, its brush)."""

from __future__ import annotations

import math
import time

from dashboard.entity.positions import BIG_VIEW, force_positions, layered_positions, seed_positions
from dashboard.entity.timeline import TimelinePoint, brushed_range, figure


def tree(n: int) -> tuple[list[str], list[tuple[str, str]]]:
    """n nodes, each attached to an earlier one (deterministic)."""
    ids = [f"n{i}" for i in range(n)]
    return ids, [(f"n{(i * 7919) % i}", f"n{i}") for i in range(1, n)]


def test_the_hierarchy_puts_every_edge_downwards() -> None:
    ids = ["owner", "front", "trading", "wallet", "other"]
    edges = [("owner", "front"), ("front", "trading"), ("trading", "wallet"), ("other", "trading")]
    pos = layered_positions(ids, edges)
    assert all(pos[s][1] < pos[t][1] for s, t in edges)
    assert pos["owner"][1] == pos["other"][1]  # both sources on top


def test_the_hierarchy_survives_cycles_and_wraps_wide_layers() -> None:
    pos = layered_positions(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")])
    assert len(set(pos.values())) == 3
    ids = ["hub", *[f"p{k}" for k in range(100)]]
    pos = layered_positions(ids, [("hub", f"p{k}") for k in range(100)])
    assert len({y for _, y in pos.values()}) >= 4  # 100 below the hub: wrapped onto rows
    assert max(abs(x) for x, _ in pos.values()) < 3000
    assert layered_positions([], []) == {}


def test_the_force_layout_is_fast_for_2000_nodes_and_keeps_pinned_ones() -> None:
    ids, edges = tree(2000)
    seed = {i: (math.cos(k) * k, math.sin(k) * k) for k, i in enumerate(ids)}
    started = time.perf_counter()
    pos = force_positions(ids, edges, seed, fixed=["n5"])
    assert time.perf_counter() - started < 5  # about 0.4 s on a laptop; generous for CI
    assert pos["n5"] == (round(seed["n5"][0], 1), round(seed["n5"][1], 1))
    assert len(set(pos.values())) == 2000
    linked = sum(math.dist(pos[s], pos[t]) for s, t in edges) / len(edges)
    random_pairs = sum(math.dist(pos[ids[k]], pos[ids[-k - 1]]) for k in range(500)) / 500
    assert linked < random_pairs  # neighbours end up closer than strangers
    assert list(force_positions(["a"], [], {})) == ["a"] and force_positions([], [], {}) == {}


def test_newcomers_start_next_to_a_neighbour_that_is_drawn() -> None:
    ids = ["c", "a", "new1", "new2", "stray"]
    edges = [("c", "a"), ("a", "new1"), ("new1", "new2")]
    pos = seed_positions(ids, edges, {"c": (0.0, 0.0), "a": (100.0, 0.0)}, "c")
    assert pos["a"] == (100.0, 0.0)
    assert 100 <= math.dist(pos["new1"], pos["a"]) <= 200
    assert math.dist(pos["new2"], pos["new1"]) <= 200
    assert "stray" in pos
    assert BIG_VIEW >= 300


def point(date: str, kind: str = "PAID", amount: float | None = 100.0) -> TimelinePoint:
    return TimelinePoint(f"e-{date}", kind, date, amount, f"x → y on {date}")


def test_the_timeline_has_a_trace_per_kind_and_shades_the_range() -> None:
    fig = figure([point("2023-03-31"), point("2023-04-04", "TRANSFERRED", 26300)], "2023-04", None)
    assert [t["name"] for t in fig["data"]] == ["Payments", "Transfers"]
    assert fig["data"][1]["x"] == ["2023-04-04"] and fig["data"][1]["y"] == [26300]
    assert fig["layout"]["dragmode"] == "select" and fig["layout"]["selectdirection"] == "h"
    shade = fig["layout"]["shapes"][0]
    assert (shade["x0"], shade["x1"]) == ("2023-04-01", "2023-04-04")
    empty = figure([], None, None)
    assert empty["data"] == [] and empty["layout"]["shapes"] == []
    assert empty["layout"]["annotations"][0]["text"] == "No payments or transfers in this view."
    assert figure([point("2023-01-01", amount=None)], None, None)["data"][0]["y"] == [None]


def test_a_brush_gives_whole_days() -> None:
    assert brushed_range({"range": {"x": ["2023-04-01 06:00:00.5", "2023-04-05 23:00"]}}) == (
        "2023-04-01",
        "2023-04-05",
    )
    assert brushed_range({"points": []}) is None
    assert brushed_range({"range": {"x": ["junk", "2023-04-05"]}}) is None
    assert brushed_range(None) is None
