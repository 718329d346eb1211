"""Shortest and k shortest simple paths on a small, undirected, local graph (Yen's algorithm: networkx's
``shortest_simple_paths``).

The store gathers the part of the graph any path of at most ``max_hops`` must lie in (two balls, around each end)
and hands it here as an adjacency map; this module knows nothing of Cypher or stores.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Set

import networkx as nx

#: How many paths Yen may enumerate to order the ties of the last length kept (beyond it, ties are cut).
_TIE_BUDGET = 200

Adjacency = Mapping[str, Set[str]]


def bfs_path(
    adjacency: Adjacency,
    source: str,
    target: str,
    max_hops: int,
    banned_nodes: Set[str] = frozenset(),
    banned_edges: Set[frozenset[str]] = frozenset(),
) -> list[str] | None:
    """A shortest path (node ids) from source to target avoiding the banned nodes and edges, or None."""
    if source == target:
        return [source]
    parents: dict[str, str | None] = {source: None}
    queue: deque[tuple[str, int]] = deque([(source, 0)])
    while queue:
        node, depth = queue.popleft()
        if depth >= max_hops:
            continue
        for nxt in sorted(adjacency.get(node, ())):
            if nxt in parents or nxt in banned_nodes or frozenset((node, nxt)) in banned_edges:
                continue
            parents[nxt] = node
            if nxt == target:
                path = [nxt]
                back: str | None = node
                while back is not None:
                    path.append(back)
                    back = parents[back]
                return path[::-1]
            queue.append((nxt, depth + 1))
    return None


def k_shortest_paths(adjacency: Adjacency, source: str, target: str, k: int, max_hops: int) -> list[list[str]]:
    """Up to ``k`` loopless paths of at most ``max_hops`` hops, shortest first; paths of one length in the order
    of their node ids, so the answer does not depend on how the graph was built."""
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from((source, target))
    graph.add_edges_from((a, b) for a, others in adjacency.items() for b in others)
    found: list[list[str]] = []
    try:
        for path in nx.shortest_simple_paths(graph, source, target):
            if len(path) - 1 > max_hops or (len(found) >= k and len(path) > len(found[k - 1])):
                break
            found.append(path)
            if len(found) >= max(k, _TIE_BUDGET):
                break
    except nx.NetworkXNoPath:
        return []
    return sorted(found, key=lambda p: (len(p), p))[:k]
