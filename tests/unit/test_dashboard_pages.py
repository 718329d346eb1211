"""The dashboard's pages and callbacks called as plain functions, and the app's wiring, over an in-memory reader."""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from dash import exceptions as dash_exceptions

from dashboard.app import create_app
from dashboard.elements import subgraph_to_elements
from dashboard.pages import entity as entity_page
from dashboard.pages import search as search_page
from graph.errors import EntityNotFound, QueryTimeout, SanctionsGraphError, StoreUnavailable
from graph.model import Designation, Entity, Link, Path, Relationship, SearchHit, Stats, Subgraph
from graph.vocabulary import NodeKind, RelType

# --- an in-memory GraphReader -----------------------------------------------------------------------------------


class FakeReader:
    """The read side of a store over dicts; records every call; ``fail`` makes every call raise it."""

    def __init__(self, entities: Sequence[Entity], relationships: Sequence[Relationship]) -> None:
        self.entities = {e.id: e for e in entities}
        self.relationships = list(relationships)
        self.calls: list[tuple[Any, ...]] = []
        self.fail: Exception | None = None

    def _call(self, *call: Any) -> None:
        self.calls.append(call)
        if self.fail is not None:
            raise self.fail

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        self._call("search", text, limit)
        needle = text.strip().casefold()
        hits = []
        for e in self.entities.values():
            for reason, values in (
                ("name", [e.name]),
                ("alias", e.aliases),
                ("identifier", list(e.properties.get("identifiers", []))),
            ):
                match = next((v for v in values if needle and needle in v.casefold()), None)
                if match:
                    hits.append(SearchHit(e, match, reason))
                    break
        return hits[:limit]

    def get_entity(self, entity_id: str) -> Entity:
        self._call("get_entity", entity_id)
        if entity_id not in self.entities:
            raise EntityNotFound(entity_id)
        return self.entities[entity_id]

    def neighbourhood(
        self, entity_id: str, hops: int = 1, types: Sequence[RelType] | None = None, limit: int = 200
    ) -> Subgraph:
        self._call("neighbourhood", entity_id, hops)
        if not 1 <= hops <= 3:
            raise SanctionsGraphError("Hops must be between 1 and 3.")
        if entity_id not in self.entities:
            raise EntityNotFound(entity_id)
        kept, omitted = [entity_id], set()
        depth = {entity_id: 0}
        queue = deque([entity_id])
        while queue:
            node = queue.popleft()
            if depth[node] == hops:
                continue
            for r in self.relationships:
                if node not in (r.source, r.target) or (types and r.type not in types):
                    continue
                other = r.target if r.source == node else r.source
                if other in depth or other in omitted:
                    continue
                if len(kept) >= limit:
                    omitted.add(other)
                    continue
                depth[other] = depth[node] + 1
                kept.append(other)
                queue.append(other)
        inside = set(kept)
        rels = tuple(r for r in self.relationships if r.source in inside and r.target in inside)
        return Subgraph(entity_id, tuple(self.entities[i] for i in kept), rels, len(omitted))

    # the rest of GraphReader: the dashboard must not need it
    def shortest_path(self, *args: Any, **kwargs: Any) -> Path | None:
        raise AssertionError("unexpected store call")

    def stats(self) -> Stats:
        raise AssertionError("unexpected store call")

    def iter_entities(self, *args: Any, **kwargs: Any) -> Iterator[list[Entity]]:
        raise AssertionError("unexpected store call")

    def iter_relationships(self, *args: Any, **kwargs: Any) -> Iterator[list[Relationship]]:
        raise AssertionError("unexpected store call")

    def get_entities(self, *args: Any, **kwargs: Any) -> list[Entity]:
        raise AssertionError("unexpected store call")

    def links(self, *args: Any, **kwargs: Any) -> list[Link]:
        raise AssertionError("unexpected store call")

    def count_links(self, *args: Any, **kwargs: Any) -> dict[str, int]:
        raise AssertionError("unexpected store call")

    def entities_with_list_value(self, *args: Any, **kwargs: Any) -> list[tuple[str, list[str], dict[str, Any]]]:
        raise AssertionError("unexpected store call")

    def iter_node_values(self, *args: Any, **kwargs: Any) -> Iterator[list[tuple[Any, ...]]]:
        raise AssertionError("unexpected store call")

    def iter_relationship_values(self, *args: Any, **kwargs: Any) -> Iterator[list[tuple[Any, ...]]]:
        raise AssertionError("unexpected store call")


def ent(entity_id: str, kind: NodeKind, name: str, sanctioned: bool = False, **props: Any) -> Entity:
    return Entity(entity_id, kind, name, sanctioned, {"id": entity_id, "name": name, "sanctioned": sanctioned, **props})


def rel(rel_id: str, rel_type: RelType, source: str, target: str, **props: Any) -> Relationship:
    return Relationship(rel_id, rel_type, source, target, {"id": rel_id, **props})


DESIGNATION = Designation("Fictional authority", ("DEMO-DPRK",), "2023-09-12", "https://example.org/d/1")
ENTITIES = (
    ent(
        "p-ri",
        NodeKind.PERSON,
        "RI Chol Man",
        sanctioned=True,
        identifiers=["Passport: 836410021"],
        programs=["DEMO-DPRK"],
        designations=[DESIGNATION.to_json()],
        datasets=["demo_fictional"],
        countries=["kp"],
    ),
    ent("p-decoy", NodeKind.PERSON, "RI Chol Mann", countries=["kr"]),
    ent("c-front", NodeKind.COMPANY, "Pyongsan Tech Solutions Ltd", front=True),
    ent("c-trading", NodeKind.COMPANY, "Golden Maple Trading Co"),
    ent("w-1", NodeKind.WALLET, "0x1111111111111111111111111111111111111111"),
    ent("w-2", NodeKind.WALLET, "0x2222222222222222222222222222222222222222"),
)
RELATIONSHIPS = (
    rel("r-directs", RelType.DIRECTS, "p-ri", "c-front", role="General director"),
    rel("r-owns", RelType.OWNS, "c-front", "c-trading", percentage=60),
    rel("r-paid", RelType.PAID, "c-trading", "w-1", amount=15000, currency="USDT"),
    rel("r-holds", RelType.HOLDS, "c-front", "w-2"),
)


@pytest.fixture
def store() -> FakeReader:
    return FakeReader(ENTITIES, RELATIONSHIPS)


# --- walking a Dash component tree ------------------------------------------------------------------------------


def walk(component: Any) -> Iterator[Any]:
    if isinstance(component, list | tuple):
        for item in component:
            yield from walk(item)
        return
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            yield from walk(child)
    elif children is not None:
        yield from walk(children)


def find(component: Any, component_id: str) -> Any:
    found = [c for c in walk(component) if getattr(c, "id", None) == component_id]
    assert len(found) == 1, f"{len(found)} components with id {component_id!r}"
    return found[0]


def has(component: Any, component_id: str) -> bool:
    return any(getattr(c, "id", None) == component_id for c in walk(component))


def text(component: Any) -> str:
    return " ".join(str(c) for c in walk(component) if isinstance(c, str | int | float))


def of_class(component: Any, class_name: str) -> list[Any]:
    return [c for c in walk(component) if class_name in str(getattr(c, "className", "") or "").split()]


# --- search page ------------------------------------------------------------------------------------------------


def test_search_lists_matches_with_links_kind_country_and_badge(store: FakeReader) -> None:
    page = search_page.render_search(store, "ri chol")
    results = find(page, "search-results")
    links = of_class(results, "result-link")
    assert [(a.children, a.href) for a in links] == [
        ("RI Chol Man", "/entity/p-ri"),
        ("RI Chol Mann", "/entity/p-decoy"),
    ]
    rows = of_class(results, "result")
    assert "Person" in text(rows[0]) and "KP" in text(rows[0])
    assert [len(of_class(r, "badge-sanctioned")) for r in rows] == [1, 0]
    assert text(of_class(rows[0], "badge-sanctioned")[0]) == "SANCTIONED"
    assert "2 entities match 'ri chol'." in text(results)
    assert find(page, "search-input").value == "ri chol"
    assert store.calls == [("search", "ri chol", search_page.SEARCH_LIMIT)]


def test_search_says_when_nothing_matches(store: FakeReader) -> None:
    results = find(search_page.render_search(store, "xyz"), "search-results")
    assert text(results) == "No entity matches 'xyz'."


def test_an_empty_search_asks_nothing_of_the_store(store: FakeReader) -> None:
    for q in (None, "", "   ", [""]):
        page = search_page.render_search(store, q)
        assert "Type a name" in text(find(page, "search-results"))
    assert store.calls == []


def test_search_shows_why_an_entity_matched(store: FakeReader) -> None:
    results = find(search_page.render_search(store, "836410021"), "search-results")
    assert "identifier" in text(results) and "Passport: 836410021" in text(results)


def test_submitting_a_search_puts_it_in_the_url() -> None:
    assert search_page.submit_search(1, 0, "  kim sang man ") == ("/", "?q=kim+sang+man")
    assert search_page.submit_search(0, 1, "a&b") == ("/", "?q=a%26b")
    assert search_page.submit_search(1, None, "") == ("/", "")
    with pytest.raises(dash_exceptions.PreventUpdate):
        search_page.submit_search(0, 0, "kim")


def test_search_query_from_the_url() -> None:
    assert search_page.query_text(["kim", "other"]) == "kim"
    assert search_page.query_text(None) == ""


# --- entity page ------------------------------------------------------------------------------------------------


def test_entity_page_costs_one_store_call_and_shows_the_graph(store: FakeReader) -> None:
    page = entity_page.render_entity(store, "p-ri", "2")
    assert store.calls == [("neighbourhood", "p-ri", 2)]
    assert text(find(page, "entity-name")) == "RI Chol Man"
    assert of_class(page, "badge-sanctioned")
    assert find(page, "hops").value == 2
    graph = find(page, "graph")
    node_ids = {e["data"]["id"] for e in graph.elements if "source" not in e["data"]}
    assert node_ids == {"p-ri", "c-front", "c-trading", "w-2"}
    center = next(e for e in graph.elements if e["data"]["id"] == "p-ri")
    assert center["classes"] == "Person sanctioned center"
    assert graph.layout["name"] == "preset"
    assert "Showing 3 connected entities and 3 relationships within 2 hops of RI Chol Man." in text(page)
    assert not has(page, "omitted") and not has(page, "error")
    # the details panel starts with the entity itself, from the same store call
    assert "Passport: 836410021" in text(find(page, "details"))


def test_entity_page_has_a_legend_of_what_is_on_screen(store: FakeReader) -> None:
    legend = find(entity_page.render_entity(store, "p-ri", "1"), "legend")
    assert "Crypto wallet" in text(legend) and "owns" in text(legend) and "Sanctioned" in text(legend)
    absent = {getattr(li, "data-key", None) for li in of_class(legend, "legend-absent")}
    assert "Person" not in absent and "DIRECTS" not in absent
    assert {"Wallet", "OWNS", "Vessel"} <= absent  # not in a 1-hop view of RI Chol Man


def test_a_capped_neighbourhood_says_how_many_are_not_shown(store: FakeReader, monkeypatch: pytest.MonkeyPatch) -> None:
    real = store.neighbourhood
    monkeypatch.setattr(store, "neighbourhood", lambda i, h: real(i, h, limit=2))
    page = entity_page.render_entity(store, "c-front", "1")
    assert text(find(page, "omitted")).startswith("2 more connected entities are not shown.")
    assert entity_page.omitted_sentence(1) == "1 more connected entity is not shown."
    assert entity_page.omitted_sentence(0) is None


def test_an_unknown_entity_is_a_sentence_with_a_way_back(store: FakeReader) -> None:
    page = entity_page.render_entity(store, "nope", None)
    error = find(page, "error")
    assert error.role == "alert"
    assert text(error).startswith("No entity with id 'nope' is in the graph.")
    assert any(getattr(c, "href", None) == "/" for c in walk(error))
    assert not has(page, "graph")


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (StoreUnavailable("The graph store is not reachable."), "The graph store is not reachable."),
        (QueryTimeout("The query took longer than 10 seconds."), "The query took longer than 10 seconds. Try fewer"),
        (RuntimeError("boom"), "Something went wrong while reading the graph."),
    ],
)
def test_store_failures_become_sentences(
    store: FakeReader, failure: Exception, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    store.fail = failure
    with caplog.at_level(logging.WARNING):
        entity = entity_page.render_entity(store, "p-ri", "1")
        search = search_page.render_search(store, "ri")
        details = entity_page.show_details(store, "graph.tapNodeData", {"id": "p-ri"}, None)
    for page in (entity, search, details):
        assert text(find(page, "error")).startswith(message)
        assert "Traceback" not in text(page) and "boom" not in text(page)
    assert caplog.records  # the log keeps what the page does not show


@pytest.mark.parametrize(
    ("raw", "hops", "note"),
    [(None, 2, False), ("1", 1, False), ("3", 3, False), (["2", "3"], 2, False), ("9", 3, True), ("0", 1, True)],
)
def test_hops_from_the_url(raw: Any, hops: int, note: bool) -> None:
    value, message = entity_page.parse_hops(raw)
    assert value == hops and (message is not None) == note


def test_bad_hops_are_corrected_with_a_note(store: FakeReader) -> None:
    page = entity_page.render_entity(store, "p-ri", "abc")
    assert store.calls == [("neighbourhood", "p-ri", entity_page.DEFAULT_HOPS)]
    assert "Hops must be a number from 1 to 3" in text(page)


def test_changing_hops_changes_the_url() -> None:
    assert entity_page.hops_search(3) == "?hops=3"
    assert entity_page.hops_search(7) == "?hops=3"


def test_clicking_a_node_fetches_its_record(store: FakeReader) -> None:
    panel = entity_page.show_details(store, "graph.tapNodeData", {"id": "p-ri", "center": False}, None)
    assert store.calls == [("get_entity", "p-ri")]
    shown = text(panel)
    for expected in ("RI Chol Man", "Person", "Passport: 836410021", "DEMO-DPRK", "Fictional authority", "KP"):
        assert expected in shown
    assert "demo_fictional" in shown
    links = [c.href for c in walk(panel) if getattr(c, "href", None)]
    assert "https://example.org/d/1" in links  # the designation's source
    assert "/entity/p-ri" in links  # open its own page


def test_clicking_an_edge_needs_no_store_call(store: FakeReader) -> None:
    subgraph = store.neighbourhood("c-front", 1)
    store.calls.clear()
    owns = next(e["data"] for e in subgraph_to_elements(subgraph) if e["data"]["id"] == "r-owns")
    panel = entity_page.show_details(store, "graph.tapEdgeData", {"id": "p-ri"}, owns)
    assert store.calls == []
    shown = text(panel)
    assert "Relationship: owns" in shown and "60%" in shown
    assert "Pyongsan Tech Solutions Ltd owns Golden Maple Trading Co" in shown


def test_details_ignore_other_triggers(store: FakeReader) -> None:
    with pytest.raises(dash_exceptions.PreventUpdate):
        entity_page.show_details(store, "", None, None)


# --- the app ----------------------------------------------------------------------------------------------------


def route(app: Any, path: str, search: str = "") -> Any:
    """Ask the app's Dash pages router for a page, as the browser does after a navigation."""
    client = app.server.test_client()
    assert client.get("/").status_code == 200  # the first request sets up the router
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:500]
    return json.loads(response.data)["response"]


def test_app_serves_pages_with_the_title_and_callbacks(store: FakeReader) -> None:
    app = create_app(store, title="Case 42")
    client = app.server.test_client()
    index = client.get("/").get_data(as_text=True)
    assert "<title>Case 42</title>" in index and "badge-sanctioned" in index
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "Case 42" in layout and "nav-search-input" in layout
    outputs = " ".join(cb["output"] for cb in client.get("/_dash-dependencies").get_json())
    assert "details.children" in outputs and "url.search" in outputs and "url.pathname" in outputs
    assert store.calls == []  # serving the shell reads nothing


def test_app_routes_urls_to_pages(store: FakeReader) -> None:
    app = create_app(store)
    page = json.dumps(route(app, "/entity/p-ri", "?hops=1"))
    assert '"id": "graph"' in page and "RI Chol Man" in page
    assert ("neighbourhood", "p-ri", 1) in store.calls
    assert "No entity matches 'zzz'." in json.dumps(route(app, "/", "?q=zzz"))
    assert "No entity with id 'x y' is in the graph." in json.dumps(route(app, "/entity/x%20y"))
    assert "There is no page at this address." in json.dumps(route(app, "/nowhere"))


def test_two_apps_in_one_process_keep_their_own_store() -> None:
    first = FakeReader([ent("a", NodeKind.PERSON, "Alpha Person")], [])
    second = FakeReader([ent("a", NodeKind.PERSON, "Beta Person")], [])
    app1, app2 = create_app(first), create_app(second)
    assert "Alpha Person" in json.dumps(route(app1, "/entity/a"))
    assert "Beta Person" in json.dumps(route(app2, "/entity/a"))
    assert first.calls and second.calls
