"""The trace page marks services where a trace stops and offers to go on through them (issue 12 item 5)."""

from __future__ import annotations

from dashboard.pages.analysis import continue_link, trace_elements, trace_params, wants_through
from graph.analytics.trace import Party, Trace, TraceDirection, TracedTransfer, Transfer
from graph.vocabulary import RelType
from tests.unit.dash_tree import text


def _trace() -> Trace:
    result = Trace(start="a", direction=TraceDirection.FORWARD, hops=3, since=None, until=None)
    for pid in "ab":
        result.parties[pid] = Party(pid, pid.upper(), "Wallet", False, "mixer" if pid == "b" else None)
    t1 = Transfer("t1", RelType.TRANSFERRED, "a", "b", None, "2023-01-01T00:00:00Z", 1.0, "eth")
    result.transfers = [TracedTransfer(t1, 1)]
    result.stops["b"] = "service (mixer)"
    return result


def test_a_service_where_the_trace_stops_is_drawn_apart_and_can_be_continued() -> None:
    result = _trace()
    nodes = {e["data"]["id"]: e for e in trace_elements(result) if "position" in e}
    assert "service" in nodes["b"]["classes"].split() and "trace-stop" in nodes["b"]["classes"].split()
    assert nodes["b"]["data"]["stop"] == "service (mixer)"
    assert "service" not in nodes["a"]["classes"].split()
    link = continue_link(result, trace_params({"wallet": "a", "hops": "3"}))
    assert "The trace stopped at 1 service(s) (B)." in text(link)
    assert link.children[1].href == "/trace?wallet=a&direction=forward&hops=3&through=1"
    result.stops.clear()
    assert continue_link(result, trace_params({"wallet": "a"})) is None
    assert wants_through({"through": "1"}) and not wants_through({})
