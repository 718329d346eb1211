"""--case ID on a query command logs the query without running it again: the store is asked exactly what it is asked
without --case (graph.Remembered answers the log's runner), and the case's log holds one entry with the count."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph import delete_case, list_cases, new_case, query_log
from sanctions_graph import options
from sanctions_graph.cli import main
from tests.doubles import RecordingReader

PERSON, WALLET = "demo-ri-chol-man", "wallet-0x1111111111111111111111111111111111111111"


@pytest.fixture
def counting(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingReader]:
    store = RecordingReader(request.getfixturevalue("demo"))  # every method call it answers, in order

    @contextlib.contextmanager
    def session(_: Any) -> Iterator[RecordingReader]:
        yield store

    monkeypatch.setattr(options, "store_session", session)
    monkeypatch.setenv("SANCTIONS_GRAPH_USER", "carol")
    yield store
    for case in list_cases(store.store):
        delete_case(store.store, case.id)


READS = ("search", "get_entity", "get_entities", "neighbourhood", "shortest_path", "shortest_paths", "links")


def _reads(store: RecordingReader, args: list[str]) -> Counter[str]:
    store.clear()
    assert main(args) == 0
    return Counter(c.method for c in store.log if c.method in READS or c.method.startswith(("match_", "link")))


@pytest.mark.parametrize(
    "args",
    [
        ["search", "ri chol man"],
        ["show", PERSON],
        ["neighbours", PERSON, "--hops", "2"],
        ["path", PERSON, "demo-golden-maple"],
        ["exposure", "demo-golden-maple", "--live"],
        ["trace", WALLET],
    ],
    ids=["search", "show", "neighbours", "path", "exposure", "trace"],
)
def test_a_logged_query_runs_once(counting: RecordingReader, args: list[str]) -> None:
    demo = counting.store
    alone = _reads(counting, args)
    assert sum(alone.values()) > 0  # the command does read the store
    case = new_case(demo, "Once", "carol")
    logged = _reads(counting, [*args, "--case", case.id])
    assert logged == alone  # not one read more with --case
    (entry,) = query_log(demo, case.id)
    assert entry.user == "carol" and entry.via == "cli" and entry.results >= 0


def test_a_logged_screening_screens_the_file_once(counting: RecordingReader, tmp_path: Path) -> None:
    demo = counting.store
    rows = tmp_path / "rows.csv"
    rows.write_text("name\nRi Chol Man\nGolden Maple Trading\nNobody Atall\n", encoding="utf-8")
    alone = _reads(counting, ["screen", str(rows)])
    case = new_case(demo, "Screened", "carol")
    assert _reads(counting, ["screen", str(rows), "--case", case.id]) == alone
    (entry,) = query_log(demo, case.id)
    assert entry.kind == "screen" and entry.results == 2 and PERSON in entry.result_ids
