"""/screen and /review in headless Chromium: upload a counterparty file and read its hits; accept, undo and reject
SAME_AS candidates on the review page and on the entity page. Screenshots under build/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from graph.matching.xref import same_as_id, xref
from graph.model import NodeRecord
from graph.stores.memory_store import MemoryStore
from graph.vocabulary import NodeKind, Prop
from tests.e2e.helpers import choose_option, shown_text, wait_for_shown_text

pytestmark = pytest.mark.browser

SHOTS = Path("build/screenshots")


def _severe(dash_duo: Any) -> list[Any]:
    return [entry for entry in dash_duo.get_logs() if entry.get("level") == "SEVERE"]


def _node(kind: NodeKind, nid: str, name: str, dataset: str, **props: Any) -> NodeRecord:
    values = {Prop.NAME: name, Prop.DATASETS: [dataset], **{Prop(k): v for k, v in props.items()}}
    return NodeRecord(nid, kind, values)


@pytest.fixture
def two_sources() -> MemoryStore:
    store = MemoryStore()
    store.upsert_nodes(
        NodeKind.PERSON,
        [
            _node(NodeKind.PERSON, "ofac-1", "QASIM, Naim", "ofac", birth_date="1953", sanctioned=True,
                  countries=["lb"], programs=["SDGT"]),
            _node(NodeKind.PERSON, "case-1", "Naim Qassem", "case", birth_date="1953-02-16", countries=["lb"]),
        ],
    )  # fmt: skip
    store.upsert_nodes(
        NodeKind.COMPANY,
        [
            _node(NodeKind.COMPANY, "ofac-10", "JOINT STOCK COMPANY ALFA-BANK", "ofac", sanctioned=True),
            _node(NodeKind.COMPANY, "case-10", "AO Alfa-Bank", "case"),
        ],
    )
    xref(store, dataset="case", against="ofac")
    return store


def test_screen_page_uploads_a_file_and_links_hits(dash_duo: Any, two_sources: MemoryStore, tmp_path: Path) -> None:
    upload = tmp_path / "counterparties.csv"
    upload.write_text(
        "Ref,Name,Type,Country\nr1,Naim Kassem,person,Lebanon\nr2,Alfa Bank JSC,company,\nr3,Totally Unknown Ltd,"
        "company,\nr4,,person,\n",
        encoding="utf-8",
    )
    dash_duo.start_server(create_app(two_sources))
    dash_duo.driver.get(dash_duo.server_url + "/screen")
    dash_duo.wait_for_text_to_equal("h1", "Screen a counterparty file")
    # dcc.Upload is loaded on demand: its file input appears after the page's title
    dash_duo.wait_for_element("#screen-upload input[type=file]", timeout=20).send_keys(str(upload))
    wait_for_shown_text(dash_duo, "#screen-results", lambda text: "Screened" in text, timeout=30)
    summary = dash_duo.find_element("#screen-summary").text
    assert "Screened 3 row(s)" in summary and "1 unusable row(s)" in summary
    table = dash_duo.find_element("#screen-table").text
    assert "Naim Kassem" in table and "QASIM, Naim" in table and "no match" in table
    links = [a.get_attribute("href") for a in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#screen-table a")]
    assert any(h.endswith("/entity/ofac-1") for h in links)
    assert "line 4" in dash_duo.find_element("#screen-rejects").text
    SHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "screen.png"))
    choose_option(dash_duo, "#screen-label", "no match")
    # the table is hidden while the filter's callback runs (its text then reads ''): wait for it shown again
    table = wait_for_shown_text(dash_duo, "#screen-table", lambda text: "QASIM" not in text and "no match" in text)
    assert "Totally Unknown Ltd" in table
    assert _severe(dash_duo) == [], [e["message"] for e in _severe(dash_duo)]


def test_review_page_accepts_undoes_and_rejects(dash_duo: Any, two_sources: MemoryStore) -> None:
    naim, bank = same_as_id("case-1", "ofac-1"), same_as_id("case-10", "ofac-10")
    dash_duo.start_server(create_app(two_sources))
    dash_duo.driver.get(dash_duo.server_url + "/review")
    dash_duo.wait_for_text_to_equal("h1", "Review SAME_AS candidates")
    cards = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".review-card")
    assert len(cards) == 2
    text = dash_duo.find_element("#review-queue").text
    assert "QASIM, Naim" in text and "Naim Qassem" in text and "qassem ~ qasim" in text
    assert "Birth date" in text and "1953" in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "review.png"))

    def button(action: str, rel: str) -> Any:
        selector = f'button[id*=\'"rel":"{rel}"\'][id*=\'"action":"{action}"\']'
        return dash_duo.driver.find_element(By.CSS_SELECTOR, selector)

    button("accept", naim).click()
    until(lambda: "Accepted by" in (shown_text(dash_duo, "#review-message") or ""), timeout=10)
    until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, ".review-card")) == 1, timeout=10)
    assert two_sources.same_as_of("ofac-1")[0].properties["status"] == "accepted"
    dash_duo.driver.find_element(By.CSS_SELECTOR, "#review-status input[value=accepted]").click()
    until(lambda: "accepted by" in (shown_text(dash_duo, "#review-queue") or ""), timeout=10)
    button("undo", naim).click()
    until(lambda: "Undone by" in (shown_text(dash_duo, "#review-message") or ""), timeout=10)
    assert two_sources.same_as_of("ofac-1")[0].properties["status"] == "candidate"
    # the entity page's panel: reject the bank pair there
    dash_duo.driver.get(dash_duo.server_url + "/entity/case-10")
    dash_duo.wait_for_element(".same-as-panel .review-card", timeout=15)
    assert "JOINT STOCK COMPANY ALFA-BANK" in dash_duo.find_element(".same-as-panel").text
    dash_duo.driver.find_element(
        By.CSS_SELECTOR, f'.same-as-panel button[id*=\'"rel":"{bank}"\'][id*=\'"action":"reject"\']'
    ).click()
    until(lambda: "Rejected by" in (shown_text(dash_duo, ".same-as-panel") or ""), timeout=10)
    assert two_sources.same_as_of("case-10")[0].properties["judgement"] == "rejected"
    dash_duo.driver.save_screenshot(str(SHOTS / "entity-same-as.png"))
    assert _severe(dash_duo) == [], [e["message"] for e in _severe(dash_duo)]
