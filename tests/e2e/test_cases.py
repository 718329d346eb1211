"""Cases in a real headless Chromium on the demo store: create a case, write a note on it, see it; write a note on an
entity from its page and see it on the case page; the changed badge on /cases. Screenshots in build/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from dash.testing.wait import until
from selenium.common.exceptions import ElementNotInteractableException

from dashboard.app import create_app
from dashboard.pages import case_log
from graph import GraphStore, add_note, get_case, list_cases, new_case, pin, query_log
from graph.vocabulary import RecordLabel
from tests.e2e.helpers import SCREENSHOTS, assert_no_console_errors, downloaded, js, node_ids, shown_text

pytestmark = pytest.mark.browser

PERSON, DIRECTED = "demo-ri-chol-man", "demo-pyongsan-tech"


def _shot(dash_duo: Any, name: str) -> None:
    """The browser window as it is, under build/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def _type(dash_duo: Any, selector: str, text: str) -> None:
    """Type into a field once it is shown (the page container may still be loading)."""
    until(lambda: dash_duo.wait_for_element(selector).is_displayed(), timeout=10)
    until(lambda: _try_keys(dash_duo, selector, text), timeout=10, msg=f"could not type into {selector}")


def _try_keys(dash_duo: Any, selector: str, text: str) -> bool:
    try:
        dash_duo.find_element(selector).send_keys(text)
    except ElementNotInteractableException:
        return False
    return True


def test_create_a_case_add_notes_and_see_them(dash_duo: Any, cases_store: GraphStore) -> None:
    dash_duo.start_server(create_app(cases_store))
    dash_duo.driver.get(dash_duo.server_url + "/cases")
    _type(dash_duo, "input.case-new-title, .case-new-title input", "Ri Chol Man network")
    dash_duo.find_element(".case-new-button").click()
    until(lambda: "/case/case-" in dash_duo.driver.current_url, timeout=10)
    until(lambda: "Ri Chol Man network" in (shown_text(dash_duo, "h1") or ""), timeout=10)
    _type(dash_duo, "textarea.case-note-text, .case-note-text textarea", "Opened after a bank's SAR.")
    dash_duo.find_element(".case-note-button").click()
    until(lambda: "Opened after a bank's SAR." in (shown_text(dash_duo, ".case-notes") or ""), timeout=10)
    assert "Note added." in dash_duo.find_element(".case-note-message").text
    (case,) = list_cases(cases_store)
    assert case.title == "Ri Chol Man network"

    # a note on an entity, from its page, pins it too
    dash_duo.driver.get(dash_duo.server_url + f"/entity/{PERSON}")
    _type(dash_duo, "textarea.entity-note-text, .entity-note-text textarea", "Directs Sunrise Digital.")
    dash_duo.find_element(".entity-note-button").click()
    until(lambda: "Directs Sunrise Digital." in (shown_text(dash_duo, ".entity-notes") or ""), timeout=10)
    dash_duo.find_element(".entity-pin-button").click()
    until(lambda: "Pinned to the case." in (shown_text(dash_duo, ".entity-note-message") or ""), timeout=10)
    _shot(dash_duo, "entity-notes")

    # the case page shows both notes and the pinned entity; /cases its badge after a rescreen found changes
    case = list_cases(cases_store)[0]
    case.changes = [{"text": "RI Chol Man (demo-ri-chol-man): programs DPRK3 -> DPRK3, DPRK4"}]
    cases_store.put_records(RecordLabel.CASE, [case.to_record()])
    dash_duo.driver.get(dash_duo.server_url + f"/case/{case.id}")
    until(lambda: "Directs Sunrise Digital." in (shown_text(dash_duo, ".case-notes") or ""), timeout=10)
    page = dash_duo.find_element(".page-case").text
    assert "Opened after a bank's SAR." in page and PERSON in page and "DPRK4" in page
    _shot(dash_duo, "case")
    dash_duo.driver.get(dash_duo.server_url + "/cases")
    until(lambda: "1 change" in (shown_text(dash_duo, "#cases-list") or ""), timeout=10)
    _shot(dash_duo, "cases")
    assert_no_console_errors(dash_duo)


def test_queries_made_while_working_in_a_case_are_logged_on_its_page(dash_duo: Any, cases_store: GraphStore) -> None:
    case = new_case(cases_store, "Logged network", "alice")
    dash_duo.start_server(create_app(cases_store))
    dash_duo.driver.get(dash_duo.server_url + f"/case/{case.id}")
    until(lambda: "Work in this case" in (shown_text(dash_duo, ".case-work-button") or ""), timeout=10)
    dash_duo.find_element(".case-work-button").click()
    until(lambda: "logged in this case" in (shown_text(dash_duo, ".case-work-message") or ""), timeout=10)

    dash_duo.driver.get(dash_duo.server_url + "/?q=ri+chol+man")
    until(lambda: PERSON in dash_duo.find_element("#search-results").get_attribute("innerHTML"), timeout=10)
    dash_duo.driver.get(dash_duo.server_url + f"/entity/{PERSON}?hops=2")
    dash_duo.wait_for_element(".page-entity", timeout=10)
    case_log.drain()
    assert [(q.kind, q.via) for q in query_log(cases_store, case.id)] == [
        ("search", "dashboard"),
        ("entity", "dashboard"),
    ]

    dash_duo.driver.get(dash_duo.server_url + f"/case/{case.id}")
    until(lambda: "text=ri chol man" in (shown_text(dash_duo, ".query-log") or ""), timeout=10)
    assert f"id={PERSON}" in dash_duo.find_element(".query-log").text
    assert "Stop logging in this case" in dash_duo.find_element(".case-work-button").text
    _shot(dash_duo, "case-query-log")

    # the evidence pack from its button: one HTML file with the case's graph drawn and the query log
    new_pin = pin(cases_store, case.id, [PERSON])
    assert new_pin.pinned == [PERSON]
    dash_duo.find_element(".case-pack-button").click()
    pack = downloaded(dash_duo, ".html")
    text = pack.read_text(encoding="utf-8")
    assert "<svg" in text and "RI Chol Man" in text.split("<svg")[1] and "text=ri chol man" in text
    dash_duo.driver.get(pack.as_uri())
    _shot(dash_duo, "case-pack")
    assert_no_console_errors(dash_duo)


def test_notes_are_marked_on_the_canvas_and_a_view_is_saved(dash_duo: Any, cases_store: GraphStore) -> None:
    case = new_case(cases_store, "Marked network", "alice")
    edge = next(link for link in cases_store.links([PERSON]) if link.other == DIRECTED)
    add_note(cases_store, case.id, "The same phone on both sides.", "alice", target=edge.rel_id)
    dash_duo.start_server(create_app(cases_store))
    dash_duo.driver.get(dash_duo.server_url + f"/entity/{PERSON}?hops=1&layout=concentric")
    until(lambda: PERSON in node_ids(dash_duo), timeout=15)

    def marked(element_id: str) -> bool:
        script = f"var e = cy && cy.getElementById({element_id!r}); return !!e && e.hasClass('noted');"
        return bool(js(dash_duo, script))

    assert marked(edge.rel_id) and not marked(PERSON)  # a note on a relationship marks its edge
    glow = js(dash_duo, f"return cy.getElementById({edge.rel_id!r}).style('underlay-opacity');")
    assert float(glow) > 0

    _type(dash_duo, "textarea.entity-note-text, .entity-note-text textarea", "Signs for the front.")
    dash_duo.find_element(".entity-note-button").click()
    until(lambda: marked(PERSON), timeout=10, msg="the node was not marked after its note")
    frame = js(dash_duo, f"return cy.getElementById({PERSON!r}).style('text-border-width');")
    assert frame == "2px"

    _type(dash_duo, "input.entity-view-name, .entity-view-name input", "One hop, concentric")
    dash_duo.find_element(".entity-view-button").click()
    until(lambda: "View saved in the case" in (shown_text(dash_duo, ".entity-note-message") or ""), timeout=10)
    (saved,) = get_case(cases_store, case.id).views
    assert saved.name == "One hop, concentric"
    assert saved.url == f"/entity/{PERSON}?hops=1&layout=concentric"
    _shot(dash_duo, "entity-save-view")
    js(dash_duo, "g.scrollIntoView(); cy.fit(undefined, 40);")
    _shot(dash_duo, "canvas-notes")  # the noted node's framed name, the edge's glow

    dash_duo.driver.get(dash_duo.server_url + saved.url)  # the saved view opens as it was
    until(lambda: PERSON in node_ids(dash_duo) and marked(PERSON), timeout=15)
    assert_no_console_errors(dash_duo)
