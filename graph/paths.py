"""k shortest simple paths (Yen's algorithm over breadth-first search) on a small, undirected, local graph.

The store gathers the part of the graph any path of at most ``max_hops`` must lie in (two balls, around each end)
and hands it here as an adjacency map; this module knows nothing of Cypher or stores.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Set

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
    """Up to ``k`` loopless paths of at most ``max_hops`` hops, shortest first (Yen, 1971)."""
    first = bfs_path(adjacency, source, target, max_hops)
    if first is None:
        return []
    found: list[list[str]] = [first]
    candidates: list[list[str]] = []
    while len(found) < k:
        last = found[-1]
        for i in range(len(last) - 1):
            spur, root = last[i], last[: i + 1]
            banned_edges = {frozenset((p[i], p[i + 1])) for p in found if len(p) > i + 1 and p[: i + 1] == root}
            spur_path = bfs_path(adjacency, spur, target, max_hops - i, set(root[:-1]), banned_edges)
            if spur_path is None:
                continue
            candidate = root[:-1] + spur_path
            if candidate not in found and candidate not in candidates:
                candidates.append(candidate)
        if not candidates:
            break
        candidates.sort(key=lambda p: (len(p), p))
        found.append(candidates.pop(0))
    return found
