"""The embedded store reads FalkorDB's compact answers itself for the types its queries return (the client's parser
for anything else): the same plain values the client's parser and _plain gave."""

from __future__ import annotations

from typing import Any

from falkordb.query_result import QueryResult

from graph.stores.falkor_store import _compact_rows, _plain

# [type, value] cells as the server sends them (types: 1 null, 2 string, 3 integer, 4 boolean, 5 double, 6 array,
# 8 node, 10 map)
HEADER = [[1, "i"], [1, "node"], [1, "out"], [1, "flag"]]
ROWS = [
    [
        [3, 0],
        [10, ["id", [2, "a"], "name", [2, 'Kim "Chol" 김철'], "n", [3, 7], "share", [5, "0.5"], "none", [1, None]]],
        [6, [[6, [[2, "OWNS"], [2, "b"], [10, ["percentage", [5, "60"], "datasets", [6, [[2, "x"], [2, "y"]]]]]]]]],
        [4, "true"],
    ],
    [[3, 1], [10, [b"id", [2, b"b"], b"flag", [4, b"false"]]], [6, []], [4, "false"]],
]
STATS = ["Cached execution: 1", "Query internal execution time: 0.1 milliseconds"]


class _NoSchemaGraph:
    """What QueryResult needs of a graph for scalar answers: nothing (nodes and edges would need its schema)."""


def test_compact_cells_read_as_the_clients_parser_and_plain_read_them() -> None:
    rows = _compact_rows([HEADER, ROWS, STATS])
    assert rows == [
        {
            "i": 0,
            "node": {"id": "a", "name": 'Kim "Chol" 김철', "n": 7, "share": 0.5, "none": None},
            "out": [["OWNS", "b", {"percentage": 60.0, "datasets": ["x", "y"]}]],
            "flag": True,
        },
        {"i": 1, "node": {"id": "b", "flag": False}, "out": [], "flag": False},
    ]
    assert isinstance(rows[0]["i"], int) and isinstance(rows[0]["out"][0][2]["percentage"], float)
    assert type(rows[0]["node"]) is dict  # not the client's OrderedDict
    # the client's own parser, then _plain, as the store read every answer before
    strings = [[[2, "x"], [3, 2], [5, "1.5"], [4, "true"], [1, None], [6, [[2, "y"]]], [10, ["k", [3, 1]]]]]
    header = [[1, f"c{i}"] for i in range(7)]
    client = QueryResult(_NoSchemaGraph(), [header, strings, STATS])
    theirs: list[dict[str, Any]] = [
        {str(k[1]): _plain(v) for k, v in zip(client.header, row, strict=True)} for row in client.result_set
    ]
    assert _compact_rows([header, strings, STATS]) == theirs


def test_other_types_and_statistics_only() -> None:
    node = [8, [1, [0], [[0, 2, "a"]]]]  # a node: the store hands the whole answer to the client's parser
    assert _compact_rows([[[1, "n"]], [[node]], STATS]) is None
    assert _compact_rows([STATS]) == []  # a statement without RETURN
    assert _compact_rows([[[1, "n"]], [], STATS]) == []  # no rows
