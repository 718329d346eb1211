"""The cases pages and the entity page's notes panel, their callbacks called as functions on the memory store."""

from __future__ import annotations

import dash
import pytest

from dashboard.entity import notes_panel
from dashboard.entity.view_state import parse_view_state
from dashboard.pages import cases
from graph import (
    QueryKind,
    SanctionsGraphError,
    add_note,
    assert_link,
    list_cases,
    new_case,
    notes_of,
    pin,
)
from graph.stores.memory_store import MemoryStore
from graph.vocabulary import RecordLabel

PERSON, FRONT, TECH = "demo-ri-chol-man", "demo-sunrise-digital", "demo-pyongsan-tech"


def test_create_case_goes_to_its_page(store: MemoryStore) -> None:
    assert cases.create_case(store, 0, "x") == (dash.no_update, "")
    pathname, message = cases.create_case(store, 1, "  Sunrise  ")
    (created,) = list_cases(store)
    assert pathname == f"/case/{created.id}" and message == "" and created.title == "Sunrise"
    assert created.created_by == "analyst"  # outside a request
    nowhere, alert = cases.create_case(store, 1, " ")
    assert nowhere is dash.no_update and "Give the case a name" in str(alert)


def test_case_page_shows_pins_notes_links_and_changes(store: MemoryStore) -> None:
    case = new_case(store, "Ri network", "alice")
    pin(store, case.id, [PERSON])
    add_note(store, case.id, "Directs the front.", "alice", target=PERSON)
    assert_link(store, case.id, PERSON, FRONT, "same phone", "SAR p. 3", "alice")
    text = str(cases.case_body(store, case.id))
    assert "Ri network" in text and "Directs the front." in text and "same phone" in text and PERSON in text
    listing = str(cases.case_rows(store))
    assert "Ri network" in listing and "badge-changed" not in listing
    case.changes = [{"text": "Ri (x): sanctioned no -> yes"}]  # as rescreen keeps them
    store.put_records(RecordLabel.CASE, [case.to_record()])
    assert "1 change" in str(cases.case_rows(store))
    assert "sanctioned no -> yes" in str(cases.case_body(store, case.id))


def test_note_callbacks(store: MemoryStore) -> None:
    case = new_case(store, "Notes", "alice")
    items, message, cleared = cases.write_note(store, 1, "On the case.", case.id)
    assert "On the case." in str(items) and message == "Note added." and cleared == ""
    _, alert, kept = cases.write_note(store, 1, "  ", case.id)
    assert "needs some text" in str(alert) and kept is dash.no_update

    items, message, cleared, noted = notes_panel.act(store, "entity-note-button", case.id, "Seen in Dubai.", PERSON)
    assert "Seen in Dubai." in str(items) and message == "Note added." and cleared == "" and noted == [PERSON]
    assert {n.on for n in notes_of(store, case.id)} == {"case", "entity"}
    _, message, _, noted = notes_panel.act(store, "entity-pin-button", case.id, None, PERSON)
    assert message == "Pinned to the case." and list_cases(store)[0].pinned == [PERSON] and noted is dash.no_update
    _, message, _, _ = notes_panel.act(store, "entity-note-button", None, "x", PERSON)
    assert "Choose a case first" in message
    assert "Seen in Dubai." in str(notes_panel.panel(store, PERSON))


def test_notes_are_marked_on_the_canvas(store: MemoryStore) -> None:
    from dashboard.entity.layout import render_entity
    from dashboard.entity.styles import stylesheet

    case = new_case(store, "Marks", "alice")
    assert notes_panel.noted_ids(store) == []
    unmarked = str(render_entity(store, PERSON))
    assert "'noted': True" not in unmarked and " noted'" not in unmarked
    add_note(store, case.id, "Same phone as the front.", "alice", target=FRONT)
    add_note(store, case.id, "On the case.", "alice")  # a note on the case marks nothing
    assert notes_panel.noted_ids(store) == [FRONT]
    page = str(render_entity(store, PERSON))
    assert f"'id': '{FRONT}'" in page and "'noted': True" in page and " noted'" in page
    rules = {r["selector"]: r["style"] for r in stylesheet()}
    assert rules["node.noted"]["text-border-width"] > 0 and "underlay-color" in rules["edge.noted"]


def test_save_view_keeps_the_explorer_state_in_the_case(store: MemoryStore) -> None:
    case = new_case(store, "Views", "alice")
    view = parse_view_state("?hops=2&layout=force").to_json()  # as the page keeps it
    state = {"expanded": ["demo-golden-maple"], "opened": []}
    _, message, _, _ = notes_panel.act(
        store, {"type": "entity-view-button", "key": ""}, case.id, None, PERSON, ("Two hops", view, state)
    )
    assert "View saved in the case" in str(message)
    (saved,) = list_cases(store)[0].views
    assert saved.name == "Two hops"
    assert saved.url == f"/entity/{PERSON}?hops=2&layout=force&exp=demo-golden-maple"
    _, message, _, _ = notes_panel.act(store, "entity-view-button", case.id, None, PERSON, (None, None, None))
    names = [v.name for v in list_cases(store)[0].views]
    assert len(names) == 2 and names[1].startswith(f"{PERSON} at ") and names[1].endswith(" UTC")
    assert list_cases(store)[0].views[1].url == f"/entity/{PERSON}?hops=2"  # the default view


def test_read_only_store_is_a_sentence() -> None:
    class ReadOnly:
        pass

    with pytest.raises(SanctionsGraphError, match="read-only"):
        cases.case_store(ReadOnly())  # type: ignore[arg-type]


def test_pages_opened_while_working_in_a_case_are_logged_in_it(store: MemoryStore) -> None:
    from dashboard.app import create_app
    from dashboard.pages import case_log
    from graph import query_log

    case = new_case(store, "Logged", "alice")
    server = create_app(store).server
    cookie = {"Cookie": f"{cases.CASE_COOKIE}={case.id}"}

    def page(module: str, **params: str) -> object:
        return case_log.logged_layout(module, lambda **_: "the page")(**params)

    with server.test_request_context("/", headers=cookie):
        assert cases.current_case() == case.id
        who = cases.case_user()
        assert page("dashboard.pages.search", q="ri chol man") == "the page"
        page("dashboard.entity", entity_id=PERSON, hops="2")
        page("dashboard.pages.paths", **{"from": PERSON, "to": FRONT})
        page("dashboard.pages.search", q="  ")  # nothing asked: nothing logged
        page("dashboard.pages.review")  # not a logged page
    with server.test_request_context("/"):  # no case chosen: nothing logged
        assert cases.current_case() is None
        page("dashboard.pages.search", q="sunrise")
    case_log.drain()
    logged = query_log(store, case.id)
    assert [(q.kind, q.via, q.user) for q in logged] == [
        ("search", "dashboard", who),
        ("entity", "dashboard", who),
        ("paths", "dashboard", who),
    ]
    assert logged[0].params == {"text": "ri chol man", "limit": 50} and PERSON in logged[0].result_ids
    assert logged[1].params["hops"] == 2 and logged[1].results > 1 and logged[2].results >= 1
    text = str(cases.case_body(store, case.id))
    assert "text=ri chol man" in text and "Work in this case" in text
    assert case_log.logged_layout("dashboard.pages.review", len) is len  # other pages are left as they are


def test_uploads_and_expansions_are_logged_in_the_case(store: MemoryStore) -> None:
    import base64

    from dashboard.app import create_app
    from dashboard.entity import actions
    from dashboard.entity import callbacks as entity_callbacks
    from dashboard.pages import case_log, screen
    from graph import query_log, replay

    case = new_case(store, "Uploads", "alice")
    server = create_app(store).server
    upload = base64.b64encode(b"name\nRi Chol Man\nNobody Atall\n").decode()
    frame = screen.read_upload(f"data:text/csv;base64,{upload}", "rows.csv")
    results, _ = screen.screen_frame(frame, store, limit=screen.HITS_PER_ROW)
    with server.test_request_context("/", headers={"Cookie": f"{cases.CASE_COOKIE}={case.id}"}):
        params = screen.screening_params("rows.csv", f"data:text/csv;base64,{upload}", len(frame))
        case_log.note_query(QueryKind.SCREEN, params, screen.screened_count(results))
        state = actions.load_view(store, PERSON, 1).state.to_json()
        new_state, _ = entity_callbacks.apply_action(store, "graph-dbltap", {"id": TECH, "t": 1}, None, state)
        assert len(new_state["nodes"]) > len(state["nodes"])  # Pyongsan Tech's neighbours came in
    case_log.drain()
    screened, expanded = query_log(store, case.id)
    assert (screened.kind, screened.results, screened.result_ids, screened.via) == ("screen", 1, [PERSON], "dashboard")
    assert screened.params["upload"] == upload and "upload=" not in screened.what  # kept, not printed
    assert (expanded.kind, expanded.params["id"], expanded.params["hops"]) == ("entity", TECH, 1)
    assert expanded.results > 1
    again = replay(store, [screened, expanded])
    assert [(r.error, r.now, r.changed) for r in again] == [(None, 1, False), (None, expanded.results, False)]
