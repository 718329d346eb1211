"""Analysis page helpers as plain functions."""

from __future__ import annotations

from datetime import date

from dashboard.pages.analysis import trace_elements, trace_href, trace_params
from graph.analytics.trace import Party, Trace, TraceDirection, TracedTransfer, Transfer
from graph.vocabulary import RelType


def test_trace_params_fall_back_to_defaults() -> None:
    p = trace_params({"wallet": " w1 ", "direction": "BACKWARD", "hops": "99", "since": "2023-01-02", "until": "x"})
    assert p == {
        "wallet": "w1",
        "direction": TraceDirection.BACKWARD,
        "hops": 8,
        "since": date(2023, 1, 2),
        "until": None,
    }
    assert trace_params({})["direction"] is TraceDirection.FORWARD
    assert trace_href("w 1", "forward", 3) == "/trace?wallet=w+1&direction=forward&hops=3"


def test_trace_elements_lay_the_flow_out_left_to_right() -> None:
    result = Trace(start="a", direction=TraceDirection.FORWARD, hops=3, since=None, until=None)
    for pid in "abc":
        result.parties[pid] = Party(pid, pid.upper(), "Wallet", pid == "c", "mixer" if pid == "c" else None)
    t1 = Transfer("t1", RelType.TRANSFERRED, "a", "b", None, "2023-01-01T00:00:00Z", 1.0, "eth")
    t2 = Transfer("t2", RelType.TRANSFERRED, "b", "c", None, "2023-01-02T00:00:00Z", 2.0, "eth")
    result.transfers = [TracedTransfer(t1, 1), TracedTransfer(t2, 2)]
    elements = trace_elements(result)
    x = {e["data"]["id"]: e["position"]["x"] for e in elements if "position" in e}
    assert x["a"] < x["b"] < x["c"]
    nodes = {e["data"]["id"]: e for e in elements if "position" in e}
    assert "sanctioned" in nodes["c"]["classes"] and nodes["c"]["data"]["label"] == "C [mixer]"
    edges = [e for e in elements if "source" in e["data"]]
    assert [e["data"]["label"] for e in edges] == ["1 ETH · 2023-01-01T00:00", "2 ETH · 2023-01-02T00:00"]
