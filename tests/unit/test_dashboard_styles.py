"""dashboard.entity.styles: the cytoscape stylesheet and the legend, derived from the vocabulary."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard.entity import styles
from dashboard.entity.styles import LegendItem, kind_style, legend_items, stylesheet, swatch_style
from graph.vocabulary import KIND_CAPTIONS, RELATIONSHIPS, NodeKind, RelType


def rule(selector: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = [r["style"] for r in stylesheet() if r["selector"] == selector]
    assert len(matches) == 1, f"{selector}: {len(matches)} rules"
    return matches[0]


def position(selector: str) -> int:
    return [r["selector"] for r in stylesheet()].index(selector)


def test_every_kind_has_its_own_colour_and_shape() -> None:
    looks = {kind: rule(f"node.{kind.value}") for kind in NodeKind}
    shapes = [look["shape"] for look in looks.values()]
    colours = [look["background-color"] for look in looks.values()]
    assert len(set(shapes)) == len(NodeKind), shapes
    assert len(set(colours)) == len(NodeKind), colours
    assert looks[NodeKind.PERSON]["shape"] == "ellipse"
    assert looks[NodeKind.COMPANY]["shape"] == "round-rectangle"
    assert looks[NodeKind.WALLET]["shape"] == "diamond"
    assert looks[NodeKind.ADDRESS]["width"] < looks[NodeKind.PERSON]["width"]


def test_sanctioned_nodes_are_unmistakable_without_colour() -> None:
    sanctioned = rule("node.sanctioned")
    assert sanctioned["border-style"] == "double"  # a shape cue, not only red
    assert sanctioned["border-width"] >= 6
    assert sanctioned["border-color"] == styles.SANCTIONED_RED
    assert sanctioned["text-background-color"] == styles.SANCTIONED_RED  # the red name tag
    assert sanctioned["text-background-opacity"] == 1
    # later rules win in cytoscape: the mark must come after every kind (and after the front mark)
    assert position("node.sanctioned") > max(position(f"node.{k.value}") for k in NodeKind)
    assert position("node.sanctioned") > position("node.front")
    kind_colours = {rule(f"node.{k.value}")["background-color"] for k in NodeKind}
    assert styles.SANCTIONED_RED not in kind_colours  # red means sanctioned, nothing else


def test_the_centre_is_highlighted() -> None:
    center = rule("node.center")
    assert center["width"] > rule("node.Person")["width"]
    assert center["underlay-color"] and center["underlay-opacity"] > 0
    assert position("node.center") > position("node.sanctioned")


def test_edges_have_arrows_labels_and_a_colour_per_type() -> None:
    edge = rule("edge")
    assert edge["target-arrow-shape"] == "triangle"
    assert edge["label"] == "data(label)"
    looks = {t: rule(f"edge.{t.value}") for t in RelType}
    for look in looks.values():
        assert look["line-color"] == look["target-arrow-color"]
    distinct = {(look["line-color"], look["line-style"]) for look in looks.values()}
    assert len(distinct) == len(RelType)


def test_legend_lists_every_kind_and_type_with_vocabulary_captions() -> None:
    items = legend_items()
    kinds = {i.key: i for i in items if i.group == "kind"}
    rels = {i.key: i for i in items if i.group == "relationship"}
    assert set(kinds) == {k.value for k in NodeKind}
    assert set(rels) == {t.value for t in RelType}
    assert kinds["Wallet"].caption == KIND_CAPTIONS[NodeKind.WALLET] == "Crypto wallet"
    assert kinds["Wallet"].shape == rule("node.Wallet")["shape"]
    assert kinds["Wallet"].colour == rule("node.Wallet")["background-color"]
    assert rels["OWNS"].caption == RELATIONSHIPS[RelType.OWNS].caption
    assert rels["OWNS"].description == "owner → asset"
    assert rels["OWNS"].colour == rule("edge.OWNS")["line-color"]
    assert {i.key for i in items if i.group == "mark"} == {"sanctioned", "front", "center", "pinned", "more"}


def test_pinned_more_and_line_width_have_their_own_look() -> None:
    assert rule("node.pinned")["outline-width"] >= 2  # a ring outside the border: marks stay readable
    more = rule("node.more")
    assert more["shape"] == "round-rectangle" and more["border-style"] == "dashed"
    assert rule("edge.more-edge")["line-style"] == "dashed"
    assert rule("edge[width]") == {"width": "data(width)"}
    assert position("edge[width]") > max(position(f"edge.{t.value}") for t in RelType)  # wins over the type


def test_big_views_are_drawn_lighter() -> None:
    small, big = stylesheet(), stylesheet(big=True)
    assert len(big) > len(small) and big[: len(small)] == small
    extra = {r["selector"]: r["style"] for r in big[len(small) :]}
    assert extra["edge"]["label"] == "" and extra["edge:selected"]["label"] == "data(label)"
    assert extra["node"]["min-zoomed-font-size"] > 0


def test_a_kind_without_a_style_still_gets_a_distinct_one(monkeypatch: pytest.MonkeyPatch) -> None:
    unstyled = dict(styles.KIND_STYLES)
    del unstyled[NodeKind.AIRCRAFT]
    monkeypatch.setattr(styles, "KIND_STYLES", unstyled)
    look = kind_style(NodeKind.AIRCRAFT)
    assert look in styles.FALLBACK_KIND_STYLES
    assert look.shape not in {s.shape for s in unstyled.values()}
    assert any(i.key == "Aircraft" for i in legend_items())
    assert rule("node.Aircraft")["shape"] == look.shape


def test_swatches_draw_the_shape_or_the_line() -> None:
    diamond = swatch_style(LegendItem("kind", "Wallet", "Crypto wallet", "#E69F00", shape="diamond"))
    assert diamond["backgroundColor"] == "#E69F00" and "polygon" in diamond["clipPath"]
    assert swatch_style(LegendItem("kind", "Person", "Person", "#0072B2", shape="ellipse"))["borderRadius"] == "50%"
    line = swatch_style(LegendItem("relationship", "LINKED_TO", "linked to", "#7F7F7F", line_style="dashed"))
    assert line["borderTop"] == "3px dashed #7F7F7F"
    sanctioned = next(i for i in legend_items() if i.key == "sanctioned")
    assert "double" in swatch_style(sanctioned)["border"]
    pinned = next(i for i in legend_items() if i.key == "pinned")
    assert "solid" in swatch_style(pinned)["outline"]
    more = next(i for i in legend_items() if i.key == "more")
    assert "dashed" in swatch_style(more)["border"]
