"""Yen's k shortest paths on small graphs worked out by hand."""

from __future__ import annotations

from graph.paths import bfs_path, k_shortest_paths


def _adj(pairs: list[tuple[str, str]]) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = {}
    for a, b in pairs:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    return adj


def test_bfs_respects_bans_and_hop_limit() -> None:
    adj = _adj([("a", "b"), ("b", "c"), ("a", "d"), ("d", "e"), ("e", "c")])
    assert bfs_path(adj, "a", "c", 6) == ["a", "b", "c"]
    assert bfs_path(adj, "a", "c", 6, banned_nodes={"b"}) == ["a", "d", "e", "c"]
    assert bfs_path(adj, "a", "c", 2, banned_nodes={"b"}) is None
    assert bfs_path(adj, "a", "c", 6, banned_edges={frozenset(("a", "b")), frozenset(("a", "d"))}) is None


def test_yen_orders_by_length_and_stays_loopless() -> None:
    # square a-b-d-c-a plus a long way a-e-f-g-d
    adj = _adj([("a", "b"), ("b", "d"), ("a", "c"), ("c", "d"), ("a", "e"), ("e", "f"), ("f", "g"), ("g", "d")])
    assert k_shortest_paths(adj, "a", "d", 5, 6) == [["a", "b", "d"], ["a", "c", "d"], ["a", "e", "f", "g", "d"]]
    assert k_shortest_paths(adj, "a", "d", 5, 3) == [["a", "b", "d"], ["a", "c", "d"]]
    for path in k_shortest_paths(adj, "a", "d", 5, 6):
        assert len(set(path)) == len(path)


def test_no_path() -> None:
    assert k_shortest_paths(_adj([("a", "b"), ("c", "d")]), "a", "d", 3, 6) == []
