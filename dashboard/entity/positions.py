"""Node positions computed on the server: pure functions of ids and edges, deterministic, fast for 2,000 nodes.

``radial_layout`` puts the page's entity in the middle and each hop on a ring (the 'rings' layout, and the
report's drawing). The browser lays out small views itself (fcose, dagre); above ``BIG_VIEW`` nodes those become
slow, so the page asks these functions instead and draws with cytoscape's 'preset' layout. ``seed_positions``
places entities new to a view next to a neighbour that is already drawn, so an expansion does not scramble what
the analyst has arranged.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

import numpy as np

from graph import Subgraph

Point = tuple[float, float]
Edge = tuple[str, str]

#: Above this many nodes the page computes positions itself instead of running a browser layout.
BIG_VIEW = 400
#: Above this many elements (nodes and relationships) the graph is drawn lighter (no edge labels until selected,
#: node labels only when zoomed in enough to read them): fitted to the screen, such a view is an overview whose
#: labels are too small to read anyway, and drawing them costs most of cytoscape's first frame.
LIGHT_VIEW = 400

LAYER_GAP = 150.0  # between two layers of the hierarchy
ROW_GAP = 70.0  # between two rows of one wide layer
NODE_GAP = 110.0  # between two nodes of a layer
MAX_ROW = 40  # a layer wider than this wraps onto more rows
IDEAL_EDGE = 110.0  # preferred edge length of the force layout
SEED_RADIUS = 130.0  # how far from its neighbour a new node is placed
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def _round(p: Point) -> Point:
    return (round(p[0], 1), round(p[1], 1))


# --- hierarchy -----------------------------------------------------------------------------------------------------


def _layers(ids: Sequence[str], edges: Sequence[Edge]) -> dict[str, int]:
    """A layer per node: sources on top, each edge going at least one layer down; cycles are broken where a
    depth-first walk meets them."""
    index = {i: n for n, i in enumerate(ids)}
    out: dict[str, list[str]] = {i: [] for i in ids}
    indegree = dict.fromkeys(ids, 0)
    for s, t in edges:
        if s in index and t in index and s != t:
            out[s].append(t)
    # drop back edges (cycle breaking), iteratively to stay clear of the recursion limit
    state = dict.fromkeys(ids, 0)  # 0 new, 1 on the stack, 2 done
    dag: dict[str, list[str]] = {i: [] for i in ids}
    for root in ids:
        if state[root]:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            node, pos = stack[-1]
            if pos < len(out[node]):
                stack[-1] = (node, pos + 1)
                nxt = out[node][pos]
                if state[nxt] == 1:
                    continue  # back edge
                dag[node].append(nxt)
                if state[nxt] == 0:
                    state[nxt] = 1
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                stack.pop()
    for s in ids:
        for t in dag[s]:
            indegree[t] += 1
    layer = dict.fromkeys(ids, 0)
    queue = deque(i for i in ids if indegree[i] == 0)
    while queue:  # longest path from the sources (Kahn's order)
        node = queue.popleft()
        for t in dag[node]:
            layer[t] = max(layer[t], layer[node] + 1)
            indegree[t] -= 1
            if indegree[t] == 0:
                queue.append(t)
    return layer


def layered_positions(ids: Sequence[str], edges: Sequence[Edge]) -> dict[str, Point]:
    """A top-down hierarchy: every edge points down (owner above what it owns, director above the company);
    nodes in a layer ordered by the average place of their neighbours (fewer crossings), wide layers wrapped."""
    if not ids:
        return {}
    layer = _layers(ids, edges)
    rows: dict[int, list[str]] = {}
    for i in ids:
        rows.setdefault(layer[i], []).append(i)
    up: dict[str, list[str]] = {i: [] for i in ids}
    down: dict[str, list[str]] = {i: [] for i in ids}
    for s, t in edges:
        if s in layer and t in layer and s != t:
            if layer[s] < layer[t]:
                down[s].append(t)
                up[t].append(s)
            elif layer[t] < layer[s]:
                down[t].append(s)
                up[s].append(t)
    order = {i: float(n) for row in rows.values() for n, i in enumerate(row)}
    levels = sorted(rows)
    for sweep in range(4):  # barycentre sweeps, down then up
        sequence = levels[1:] if sweep % 2 == 0 else list(reversed(levels[:-1]))
        for level in sequence:
            side = up if sweep % 2 == 0 else down
            row = rows[level]
            keys = {i: (sum(order[j] for j in side[i]) / len(side[i]) if side[i] else order[i], order[i]) for i in row}
            row.sort(key=keys.__getitem__)
            for n, i in enumerate(row):
                order[i] = float(n)
    positions: dict[str, Point] = {}
    y = 0.0
    for level in levels:
        row = rows[level]
        for start in range(0, len(row), MAX_ROW):
            chunk = row[start : start + MAX_ROW]
            width = (len(chunk) - 1) * NODE_GAP
            for n, i in enumerate(chunk):
                positions[i] = _round((n * NODE_GAP - width / 2, y))
            y += ROW_GAP
        y += LAYER_GAP - ROW_GAP
    return positions


# --- force-directed ---------------------------------------------------------------------------------------------


def force_positions(
    ids: Sequence[str],
    edges: Sequence[Edge],
    seed: Mapping[str, Point],
    fixed: Iterable[str] = (),
    budget: float = 8e7,
) -> dict[str, Point]:
    """Fruchterman-Reingold from ``seed`` (a radial layout is a good start), vectorised with numpy.

    The number of iterations shrinks with the square of the size so that 2,000 nodes take well under a second;
    ``fixed`` nodes (pinned) do not move."""
    n = len(ids)
    if n == 0:
        return {}
    index = {i: k for k, i in enumerate(ids)}
    pos = np.zeros((n, 2), dtype=np.float64)
    rng = np.random.default_rng(7)
    for i, k in index.items():
        if i in seed:
            pos[k] = seed[i]
        else:
            pos[k] = rng.normal(0.0, IDEAL_EDGE, 2)
    if n == 1:
        return {ids[0]: _round((float(pos[0, 0]), float(pos[0, 1])))}
    pairs = np.array([(index[s], index[t]) for s, t in edges if s in index and t in index and s != t], dtype=np.int64)
    frozen = np.zeros(n, dtype=bool)
    for i in fixed:
        if i in index:
            frozen[index[i]] = True
    k2 = np.float32(IDEAL_EDGE * IDEAL_EDGE)
    iterations = int(max(8, min(50, budget / (n * n))))
    span = float(np.ptp(pos, axis=0).max()) or IDEAL_EDGE * math.sqrt(n)
    temperature = span / 10
    x = pos[:, 0].astype(np.float32)
    y = pos[:, 1].astype(np.float32)
    for _ in range(iterations):
        # repulsion k²/d between every pair (vectors times k²/d²), in float32 outer differences
        dx = np.subtract.outer(x, x)
        dy = np.subtract.outer(y, y)
        w = np.multiply(dx, dx)
        w += dy * dy
        np.maximum(w, 1.0, out=w)
        np.divide(k2, w, out=w)
        dx *= w
        dy *= w
        disp_x = dx.sum(axis=1)
        disp_y = dy.sum(axis=1)
        if len(pairs):  # attraction d²/k along edges
            s, t = pairs[:, 0], pairs[:, 1]
            ex, ey = x[s] - x[t], y[s] - y[t]
            dist = np.sqrt(np.maximum(ex * ex + ey * ey, 1e-6)) / np.float32(IDEAL_EDGE)
            fx, fy = ex * dist, ey * dist
            disp_x += np.bincount(t, weights=fx, minlength=n) - np.bincount(s, weights=fx, minlength=n)
            disp_y += np.bincount(t, weights=fy, minlength=n) - np.bincount(s, weights=fy, minlength=n)
        length = np.sqrt(np.maximum(disp_x * disp_x + disp_y * disp_y, 1e-6))
        scale = np.minimum(length, temperature) / length
        scale[frozen] = 0.0
        x += (disp_x * scale).astype(np.float32)
        y += (disp_y * scale).astype(np.float32)
        temperature *= 0.88
    pos = np.stack([x, y], axis=1).astype(np.float64)
    return {i: _round((float(pos[k, 0]), float(pos[k, 1]))) for i, k in index.items()}


# --- placing newcomers ---------------------------------------------------------------------------------------------


def seed_positions(
    ids: Sequence[str], edges: Sequence[Edge], current: Mapping[str, Point], center: str
) -> dict[str, Point]:
    """Positions for every id: the current one where there is one, else around a neighbour that has one (away from
    the centre), else on a spiral round the origin."""
    out: dict[str, Point] = {i: current[i] for i in ids if i in current}
    neighbours: dict[str, list[str]] = {i: [] for i in ids}
    for s, t in edges:
        if s in neighbours and t in neighbours and s != t:
            neighbours[s].append(t)
            neighbours[t].append(s)
    around: dict[str, int] = {}
    cx, cy = out.get(center, (0.0, 0.0))
    pending = [i for i in ids if i not in out]
    for _ in range(3):  # newcomers next to newcomers: a few rounds
        left = []
        for i in pending:
            anchor = next((j for j in neighbours[i] if j in out), None)
            if anchor is None:
                left.append(i)
                continue
            ax, ay = out[anchor]
            k = around.get(anchor, 0)
            around[anchor] = k + 1
            base = math.atan2(ay - cy, ax - cx) if (ax, ay) != (cx, cy) else 0.0
            angle = base + (k * _GOLDEN_ANGLE) % (2 * math.pi) - math.pi / 2 * (k > 0)
            radius = SEED_RADIUS * (1 + 0.25 * (k // 8))
            out[i] = _round((ax + radius * math.cos(angle), ay + radius * math.sin(angle)))
        pending = left
        if not pending:
            break
    for stray, i in enumerate(pending, start=1):
        r = IDEAL_EDGE * math.sqrt(stray)
        out[i] = _round((cx + r * math.cos(stray * _GOLDEN_ANGLE), cy + r * math.sin(stray * _GOLDEN_ANGLE)))
    return out


# --- rings around the centre -------------------------------------------------------------------------------------

RING_GAP = 180.0  # distance between two rings of the radial layout
NODE_SPACING = 95.0  # at least this far apart on a ring (room for a label)
RING_SPREAD = 0.75  # ring k is at least this share of k/(k+1) of ring k+1's radius


def radial_positions(subgraph: Subgraph) -> dict[str, tuple[float, float]]:
    """Positions for a radial tree around the subgraph's centre (see ``radial_layout``)."""
    order = {e.id: (e.kind.value, e.name.casefold(), e.id) for e in subgraph.entities}
    edges = [(r.source, r.target) for r in subgraph.relationships]
    return radial_layout([e.id for e in subgraph.entities], edges, subgraph.center, order)


def radial_layout(
    ids: Sequence[str],
    edges: Iterable[tuple[str, str]],
    center: str,
    order: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, tuple[float, float]]:
    """Positions for a radial tree around the centre: ring k holds the entities k relationships away from it.

    Each entity's branch gets a wedge of the circle in proportion to its size, so branches stay together and do
    not cross; rings grow until neighbours on them are at least NODE_SPACING apart. Deterministic (siblings sorted
    by ``order``, else by id). Entities not reachable through the edges go on an outer ring.
    """
    if not ids:
        return {}
    known = set(ids)
    key = order or {i: (i,) for i in ids}
    neighbours: dict[str, set[str]] = {i: set() for i in ids}
    for source, target in edges:
        if source in known and target in known and source != target:
            neighbours[source].add(target)
            neighbours[target].add(source)
    center = center if center in known else ids[0]
    depth = {center: 0}
    children: dict[str, list[str]] = {i: [] for i in ids}
    visit = [center]  # breadth-first order
    queue = deque(visit)
    while queue:
        node = queue.popleft()
        for other in sorted(neighbours[node], key=lambda i: key.get(i, (i,))):
            if other not in depth:
                depth[other] = depth[node] + 1
                children[node].append(other)
                visit.append(other)
                queue.append(other)
    leaves: dict[str, int] = {}
    for node in reversed(visit):
        leaves[node] = sum(leaves[c] for c in children[node]) or 1
    angle: dict[str, float] = {center: math.pi / 2}
    span: dict[str, float] = {center: 2 * math.pi}
    start: dict[str, float] = {center: -math.pi / 2}
    for node in visit:
        at = start[node]
        for child in children[node]:
            span[child] = span[node] * leaves[child] / leaves[node]
            start[child] = at
            angle[child] = at + span[child] / 2
            at += span[child]
    unreached = [i for i in ids if i not in depth]
    outer = max(depth.values()) + 1
    for n, node in enumerate(unreached):
        depth[node] = outer
        angle[node] = -math.pi / 2 + 2 * math.pi * n / len(unreached)
    rings: dict[int, list[float]] = {}
    for node, k in depth.items():
        rings.setdefault(k, []).append(angle[node])
    radius: dict[int, float] = {0: 0.0}
    for k in sorted(r for r in rings if r > 0):
        angles = sorted(rings[k])
        gaps = [b - a for a, b in pairwise(angles)] + [angles[0] + 2 * math.pi - angles[-1]]
        needed = NODE_SPACING / max(min(gaps), 1e-6) if len(angles) > 1 else 0.0
        radius[k] = max(radius[k - 1] + RING_GAP, needed)
    # a crowded outer ring must not squeeze the inner ones into the centre: keep rings roughly evenly spread
    for k in sorted((r for r in radius if 0 < r < max(radius)), reverse=True):
        radius[k] = max(radius[k], radius[k + 1] * k / (k + 1) * RING_SPREAD)
    positions = {center: (0.0, 0.0)}
    for node in ids:
        if node != center:
            ring_radius, a = radius[depth[node]], angle[node]
            positions[node] = (round(ring_radius * math.cos(a), 1), round(ring_radius * math.sin(a), 1))
    return positions
