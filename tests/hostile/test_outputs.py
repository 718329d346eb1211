"""Clean outputs: CSVs guard formula prefixes, terminals get no raw control characters, and a store's own error
text never reaches an analyst (a NUL in an id, a 20,000-character search give a sentence)."""

from __future__ import annotations

import io

import pytest

from graph import (
    EntityNotFound,
    GraphStore,
    NodeKind,
    NodeRecord,
    Prop,
    RelRecord,
    RelType,
    SanctionsGraphError,
    formula_safe,
    terminal_text,
    trace_funds,
)

#: Words of store error texts that must never reach an analyst.
RAW_ERROR_WORDS = ("redis", "errmsg", "Neo.ClientError", "ResponseError", "Traceback", "{code", "Invalid input")


def assert_sentence(exc: BaseException) -> None:
    text = str(exc)
    assert text.endswith((".", "?", ")")), text
    assert not any(word.lower() in text.lower() for word in RAW_ERROR_WORDS), text


def test_terminal_text_escapes_controls() -> None:
    assert terminal_text("A\x1b[31mred\x1b[0m\rB\u202eC\x00") == "A\\x1b[31mred\\x1b[0m\\x0dB\\u202eC\\x00"
    assert terminal_text("plain, tabs\tand\nlines") == "plain, tabs\tand\nlines"


def test_formula_guard() -> None:
    assert [formula_safe(v) for v in ("=1+9013", "@SUM(1)", "+1", "-2", "ok", 5)] == [
        "'=1+9013",
        "'@SUM(1)",
        "'+1",
        "'-2",
        "ok",
        5,
    ]


def test_trace_csv_guards_formulas(store: GraphStore) -> None:
    wallets = [
        NodeRecord("w1", NodeKind.WALLET, {Prop.NAME: "@SUM(1)"}),
        NodeRecord("w2", NodeKind.WALLET, {Prop.NAME: '=HYPERLINK("http://x")'}),
    ]
    store.upsert_nodes(NodeKind.WALLET, wallets)
    rel = RelRecord("t1", RelType.TRANSFERRED, "w1", "w2", {Prop.TX_HASH: "=1+9013", Prop.AMOUNT: 5.0})
    store.upsert_relationships(RelType.TRANSFERRED, [rel])
    out = io.StringIO()
    trace_funds(store, "w1").write_csv(out)
    text = out.getvalue()
    assert "'=1+9013" in text and "'@SUM(1)" in text and "'=HYPERLINK" in text
    assert ",=" not in text and ",@" not in text


def test_store_errors_are_sentences(store: GraphStore) -> None:
    store.upsert_nodes(NodeKind.COMPANY, [NodeRecord("c1", NodeKind.COMPANY, {Prop.NAME: "Some Company"})])
    with pytest.raises((EntityNotFound, SanctionsGraphError)) as missing:
        store.get_entity("c1\x00' OR 1=1 //")
    assert_sentence(missing.value)
    assert store.get_entity("c1").name == "Some Company"
    for text in ("a" * 20_000, "x\x00y", "\x00", "word " * 4000):
        try:
            store.search(text)
        except SanctionsGraphError as exc:
            assert_sentence(exc)
