"""Exposure as pure functions: the on-demand walk and the whole-graph BFS agree, on paper and on random graphs."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable

from graph.analytics.exposure import Exposure, ExposureGraph, exposure_of, resolve_types
from graph.model import Link
from graph.vocabulary import RelType

Edge = tuple[str, str, RelType]


def expander(edges: list[Edge], sanctioned: set[str]) -> Callable[[list[str], bool], list[Link]]:
    adjacency: dict[str, list[Link]] = defaultdict(list)
    for n, (s, t, rel_type) in enumerate(edges):
        adjacency[s].append(Link(s, rel_type, True, t, f"r{n}", node={"sanctioned": t in sanctioned}))
        adjacency[t].append(Link(t, rel_type, False, s, f"r{n}", node={"sanctioned": s in sanctioned}))

    def expand(frontier: list[str], only_sanctioned: bool) -> list[Link]:
        return [lk for f in frontier for lk in adjacency[f] if not only_sanctioned or lk.other in sanctioned]

    return expand


def graph_of(nodes: list[str], edges: list[Edge], sanctioned: set[str]) -> ExposureGraph:
    g = ExposureGraph()
    for n in nodes:
        g.add_node(n, n in sanctioned)
    by_type: dict[RelType, list[tuple[str, str]]] = defaultdict(list)
    for s, t, rel_type in edges:
        by_type[rel_type].append((s, t))
    for rel_type, pairs in by_type.items():
        g.add_edges(rel_type, pairs)
    return g


def random_graph(
    rng: random.Random, max_nodes: int, max_edges: int, sanctioned_share: float
) -> tuple[list[str], list[Edge], set[str]]:
    """5 to ``max_nodes`` nodes, up to ``max_edges`` edges of random types (no self-loops), each node sanctioned
    with probability ``sanctioned_share``."""
    types = list(RelType)
    nodes = [f"n{i:03d}" for i in range(rng.randint(5, max_nodes))]
    edges = [(rng.choice(nodes), rng.choice(nodes), rng.choice(types)) for _ in range(rng.randint(0, max_edges))]
    edges = [e for e in edges if e[0] != e[1]]
    return nodes, edges, {n for n in nodes if rng.random() < sanctioned_share}


# S1 (sanctioned) -OWNS-> A -OWNS-> B <-DIRECTS- P ; B -SAME_AS-> S2 (sanctioned) ; C isolated
NODES = ["S1", "S2", "A", "B", "P", "C"]
EDGES: list[Edge] = [
    ("S1", "A", RelType.OWNS),
    ("A", "B", RelType.OWNS),
    ("P", "B", RelType.DIRECTS),
    ("B", "S2", RelType.SAME_AS),
]
SANCTIONED = {"S1", "S2"}


def test_walk_finds_nearest_path_and_counts() -> None:
    x = exposure_of("P", False, expander(EDGES, SANCTIONED))
    # P -> B (1) -> S2 via SAME_AS (2); S1 is at 3 (B <- A <- S1)
    assert (x.hops, x.nearest) == (2, "S2")
    assert x.path == ("P", "B", "S2")
    assert x.steps == ("DIRECTS>", "SAME_AS>")
    assert x.within == (0, 1, 2)


def test_excluding_same_as_changes_the_answer() -> None:
    edges = [e for e in EDGES if e[2] in resolve_types(None, [RelType.SAME_AS])]
    x = exposure_of("P", False, expander(edges, SANCTIONED))
    assert (x.hops, x.nearest, x.path) == (3, "S1", ("P", "B", "A", "S1"))
    assert x.steps == ("DIRECTS>", "<OWNS", "<OWNS")
    assert x.within == (0, 0, 1)


def test_sanctioned_entity_is_at_zero_and_not_counted_itself() -> None:
    x = exposure_of("S1", True, expander(EDGES, SANCTIONED))
    assert (x.hops, x.nearest, x.path) == (0, "S1", ("S1",))
    assert x.within == (0, 0, 1)  # S2 is 3 hops away: S1-A-B-S2


def test_unreachable_and_max_hops() -> None:
    assert exposure_of("C", False, expander(EDGES, SANCTIONED)).hops is None
    x = exposure_of("P", False, expander(EDGES, SANCTIONED), max_hops=1)
    assert (x.hops, x.nearest) == (None, None)
    assert x.within == (0, 1, 2)  # counts always cover 3 hops


def test_ties_go_to_the_smallest_id() -> None:
    edges: list[Edge] = [("A", "Z9", RelType.OWNS), ("A", "Z1", RelType.LINKED_TO)]
    assert exposure_of("A", False, expander(edges, {"Z1", "Z9"})).nearest == "Z1"
    g = graph_of(["A", "Z1", "Z9"], edges, {"Z1", "Z9"})
    assert {x.entity: x.nearest for x in g.exposures()}["A"] == "Z1"


def test_whole_graph_bfs_on_the_paper_example() -> None:
    g = graph_of(NODES, EDGES, SANCTIONED)
    by_id = {x.entity: x for x in g.exposures()}
    assert (by_id["P"].hops, by_id["P"].nearest, by_id["P"].path) == (2, "S2", ("P", "B", "S2"))
    assert by_id["P"].steps == ("DIRECTS>", "SAME_AS>")
    assert by_id["A"].steps == ("<OWNS",) and by_id["A"].within == (1, 2, 2)
    assert by_id["S1"].within == (0, 0, 1)
    assert by_id["C"].hops is None and by_id["C"].within == (0, 0, 0)


def test_walk_and_whole_graph_agree_on_random_graphs() -> None:
    rng = random.Random(7)
    for _ in range(30):
        nodes, edges, sanctioned = random_graph(rng, 60, 120, 0.08)
        g = graph_of(nodes, edges, sanctioned)
        expand = expander(edges, sanctioned)
        for x in g.exposures():
            walked = exposure_of(x.entity, x.entity in sanctioned, expand, max_hops=10)
            assert walked.within == x.within, x.entity
            if x.hops is not None and x.hops > 10:  # analyze's BFS is unbounded, the walk stops at max_hops
                assert walked.hops is None
                continue
            assert (walked.hops, walked.nearest) == (x.hops, x.nearest), x.entity
            assert len(walked.path) == len(x.path)


def stored_expander(
    edges: list[Edge], sanctioned: set[str], stored: dict[str, Exposure], key: str = "ALL"
) -> Callable[[list[str], bool], list[Link]]:
    """Like ``expander``, with analyze's results on the other end of every link."""
    plain = expander(edges, sanctioned)

    def expand(frontier: list[str], only_sanctioned: bool) -> list[Link]:
        out = []
        for lk in plain(frontier, only_sanctioned):
            x = stored[lk.other]
            node = dict(lk.node, exposure_hops=x.hops, exposure_nearest=x.nearest, exposure_types=key)
            out.append(Link(lk.origin, lk.type, lk.outgoing, lk.other, lk.rel_id, node=node))
        return out

    return expand


def test_walk_finishes_from_stored_results_beyond_three_hops() -> None:
    rng = random.Random(11)
    used = 0
    for _ in range(40):
        nodes = [f"n{i:03d}" for i in range(rng.randint(10, 80))]
        edges = [(rng.choice(nodes), rng.choice(nodes), RelType.LINKED_TO) for _ in range(rng.randint(5, 100))]
        edges = [e for e in edges if e[0] != e[1]]
        sanctioned = {n for n in nodes if rng.random() < 0.05}
        stored = {x.entity: x for x in graph_of(nodes, edges, sanctioned).exposures()}
        expand = stored_expander(edges, sanctioned, stored)

        def path_of(node: str, stored: dict[str, Exposure] = stored) -> tuple[list[str], list[str]] | None:
            x = stored[node]
            return (list(x.path), list(x.steps)) if x.hops is not None else None

        for x in stored.values():
            walked = exposure_of(x.entity, x.entity in sanctioned, expand, 10, precomputed="ALL", stored_path=path_of)
            used += walked.method == "walk+stored"
            assert walked.within == x.within, x.entity
            expected = (x.hops, x.nearest) if x.hops is None or x.hops <= 10 else (None, None)
            assert (walked.hops, walked.nearest) == expected, x.entity
            assert len(walked.path) == len(x.path) if walked.hops is not None else walked.path == ()
            assert len(walked.steps) == len(walked.path) - 1 if walked.path else True
    assert used > 20  # the shortcut was really taken


def test_stored_results_for_other_types_or_stale_ones_are_not_used() -> None:
    # a - b - c - d - S : a is 4 hops from S
    edges: list[Edge] = [("a", "b", RelType.OWNS), ("b", "c", RelType.OWNS), ("c", "d", RelType.OWNS)]
    edges.append(("d", "S", RelType.OWNS))
    stored = {x.entity: x for x in graph_of(["a", "b", "c", "d", "S"], edges, {"S"}).exposures()}
    for key, method in (("ALL", "walk+stored"), ("OWNS", "walk")):
        x = exposure_of(
            "a",
            False,
            stored_expander(edges, {"S"}, stored, key),
            6,
            precomputed="ALL",
            stored_path=lambda n: (list(stored[n].path), list(stored[n].steps)),
        )
        assert (x.hops, x.nearest, x.path, x.method) == (4, "S", ("a", "b", "c", "d", "S"), method)
    # stale: the stored results say c is 1 hop from a sanctioned entity that is no longer there
    stale = dict(stored, c=Exposure("c", 1, "gone", ("c", "gone"), ("OWNS>",), (1, 1, 1)))
    x = exposure_of(
        "a",
        False,
        stored_expander(edges, {"S"}, stale),
        6,
        precomputed="ALL",
        stored_path=lambda n: (list(stale[n].path), list(stale[n].steps)),
    )
    assert (x.hops, x.nearest, x.method) == (4, "S", "walk")


def test_expensive_hops_use_the_entitys_stored_results_when_they_agree() -> None:
    # p - a - HUB - (many) ... ; S sanctioned next to a one of the hub's members: p is 4 hops from S
    edges: list[Edge] = [("p", "a", RelType.DIRECTS), ("a", "hub", RelType.LOCATED_AT)]
    edges += [(f"m{i}", "hub", RelType.LOCATED_AT) for i in range(50)]
    edges.append(("m7", "S", RelType.OWNS))
    nodes = ["p", "a", "hub", "S", *(f"m{i}" for i in range(50))]
    stored = {x.entity: x for x in graph_of(nodes, edges, {"S"}).exposures()}
    plain = expander(edges, {"S"})
    degrees: dict[str, int] = defaultdict(int)
    for s, t, _ in edges:
        degrees[s] += 1
        degrees[t] += 1

    def degree(frontier: list[str]) -> int:
        return sum(degrees[f] for f in frontier)

    x = exposure_of("p", False, plain, 6, stored_self=stored["p"], degree=degree, expensive_hop=20)
    assert (x.hops, x.nearest, x.path, x.method) == (4, "S", ("p", "a", "hub", "m7", "S"), "stored")
    assert x.within == stored["p"].within == (0, 0, 0)
    # stored results that contradict the walk (a sanctioned neighbour it does not know) are not used
    wrong = Exposure("p", 5, "Z", ("p", "a", "b", "c", "d", "Z"), ("LINKED_TO>",) * 5, (0, 0, 0))
    walked = exposure_of(
        "p",
        False,
        expander([*edges, ("p", "S2", RelType.OWNS)], {"S", "S2"}),
        6,
        stored_self=wrong,
        degree=degree,
        expensive_hop=20,
    )
    assert (walked.hops, walked.nearest, walked.method) == (1, "S2", "walk")
    # cheap hops are walked even when stored results exist
    cheap = exposure_of("p", False, plain, 6, stored_self=stored["p"], degree=degree, expensive_hop=1000)
    assert (cheap.hops, cheap.method) == (4, "walk")


def test_counts_are_the_same_whatever_the_block_of_sanctioned_sources() -> None:
    """analyze pushes the sanctioned entities' bitsets a block at a time (memory bounded by the block): any block
    size, down to one source at a time, gives the counts of one block holding them all."""
    rng = random.Random(11)
    counted = 0
    for _ in range(20):
        nodes, edges, sanctioned = random_graph(rng, 80, 200, 0.2)
        g = graph_of(nodes, edges, sanctioned)
        whole = [list(counts) for counts in g.sanctioned_within(3, block=len(nodes) + 1)]
        for block in (1, 2, 3, 7):
            assert [list(counts) for counts in g.sanctioned_within(3, block=block)] == whole, block
        assert all(whole[k][v] <= whole[k + 1][v] for k in range(2) for v in range(len(nodes)))
        counted += sum(whole[2])
    assert counted > 100  # the comparisons were not between empty counts


def test_the_counting_step_says_how_far_it_is() -> None:
    """analyze's longest step (minutes at millions of entities) reports the sanctioned entities counted so far, and
    its last line says all are; the counts are those of a silent run."""
    rng = random.Random(5)
    nodes = [f"n{i:02d}" for i in range(40)]
    edges = [(rng.choice(nodes), rng.choice(nodes), RelType.OWNS) for _ in range(90)]
    sanctioned = set(nodes[::3])
    g = graph_of(nodes, [e for e in edges if e[0] != e[1]], sanctioned)
    lines: list[str] = []
    counts = g.sanctioned_within(3, block=4, progress=lines.append, every_s=0.0)
    total = len(sanctioned)
    done = [int(line.split(": ")[1].split(" of ")[0]) for line in lines]
    assert total > 8 and len(lines) == -(-total // 4)  # one line per block after the first, and the last one
    assert done == sorted(done) and done[-1] == total and lines[-1].endswith(f"{total} of {total} done")
    assert [list(c) for c in counts] == [list(c) for c in g.sanctioned_within(3, block=4)]
    quiet: list[str] = []
    list(g.exposures(progress=quiet.append))
    assert quiet[0].startswith("found the nearest sanctioned entity of ") and quiet[-1] == lines[-1]
