"""The CLI says what the pages say (issue 12 items 4-5): a listed wallet, the 50% rule's arithmetic, a trace from a
pasted address through a mixer - on both servers."""

from __future__ import annotations

import json

import pytest

from sanctions_graph.cli import main
from tests.integration.test_cli import _demo_loaded, loaded  # noqa: F401 (the demo data loaded on each server)

pytestmark = pytest.mark.usefixtures("loaded")

WALLET = "wallet-0x098b716b8aaf21512996dc57eb0615e2383e2f96"


def test_show_names_the_record_that_lists_a_wallet(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["show", WALLET]) == 0
    assert "  Listed address of LAZARUS GROUP (US OFAC 27307)" in capsys.readouterr().out
    assert main(["show", WALLET, "--json"]) == 0
    listed = [json.loads(t) for t in json.loads(capsys.readouterr().out)["properties"]["listed_via"]]
    assert [(x["party_name"], x["record"]) for x in listed] == [("LAZARUS GROUP", "US OFAC 27307 (LAZARUS GROUP)")]


def test_ownership_prints_the_equation_and_rounds(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["ownership", "demo-golden-maple"]) == 0
    assert "  0% + 0% = 0% < 50%: not blocked" in capsys.readouterr().out
    assert main(["ownership", "demo-taedong-shipping"]) == 0
    out = capsys.readouterr().out
    assert "  51% = 51% ≥ 50%: blocked" in out and "  round 1: Taedong Coastal Shipping Co" in out


def test_trace_from_a_pasted_address_through_the_mixer(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["trace", "0X" + "1" * 40]) == 0
    out = capsys.readouterr().out
    assert "[stop: service" in out and "0x" + "3" * 40 not in out
    assert main(["trace", "0X" + "1" * 40, "--through-services"]) == 0
    out = capsys.readouterr().out
    assert "[service: " in out and "0x" + "3" * 40 in out
