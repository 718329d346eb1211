"""`serve` warms up before it listens: the main pages once (their store reads), and never longer than its limit."""

from __future__ import annotations

import gc
import time

from dashboard.app import create_app
from dashboard.deadline import with_deadline
from graph.vocabulary import NodeKind, RelType
from sanctions_graph.server import freeze_start_up, warm_up
from tests.doubles import HungStore, RecordingReader
from tests.factories import ent, rel

ENTITIES = (
    ent("p-ri", NodeKind.PERSON, "RI Chol Man", countries=["kp"]),
    ent("c-front", NodeKind.COMPANY, "Pyongsan Tech Solutions Ltd"),
    ent("w-1", NodeKind.WALLET, "0x1111111111111111111111111111111111111111"),
)
RELATIONSHIPS = (
    rel("r-directs", RelType.DIRECTS, "p-ri", "c-front", role="General director"),
    rel("r-holds", RelType.HOLDS, "c-front", "w-1"),
)


def test_the_warm_up_opens_search_entity_report_paths_and_trace() -> None:
    store = RecordingReader.of(ENTITIES, RELATIONSHIPS)
    app = create_app(store)
    assert warm_up(app).startswith("Warm-up: 5 pages opened in ")
    methods = {call.method for call in store.log}
    assert {"iter_entities", "search", "neighbourhood", "shortest_paths"} <= methods
    assert app.validation_layout is not None  # Dash's first-request setup ran
    assert app.server.test_client().get("/").status_code == 200  # and the app serves as before


def test_a_hung_store_does_not_keep_serve_from_starting() -> None:
    hung = HungStore("iter_entities")
    try:
        started = time.monotonic()
        sentence = warm_up(create_app(with_deadline(hung, 5)), limit_s=0.5)
        assert sentence == "Warm-up: the store did not answer within 0.5 s; serving anyway."
        assert time.monotonic() - started < 3
    finally:
        hung.release.set()


def test_what_the_start_up_made_leaves_the_full_collections() -> None:
    app = create_app(RecordingReader.of(ENTITIES, RELATIONSHIPS))
    warm_up(app)
    before = gc.get_freeze_count()
    try:
        freeze_start_up()
        # the app, its layouts and every module: out of the full collections (tens of thousands of objects)
        assert gc.get_freeze_count() > before + 10_000
    finally:
        gc.unfreeze()  # the other tests' objects go back to the collector
