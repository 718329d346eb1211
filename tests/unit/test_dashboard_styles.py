"""dashboard.entity.styles: the cytoscape stylesheet and the legend, derived from the vocabulary."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard.entity import styles
from dashboard.entity.legend import LegendItem, legend_items, swatch_style
from dashboard.entity.styles import kind_style, rules_in_use, stylesheet
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


def _matches(selector: str, group: str, classes: set[str], data: set[str], selected: bool) -> bool:
    """Whether a selector of the stylesheet ('edge.PAID:selected', 'node[degree]', 'node.hover') matches an element."""
    head, _, state = selector.partition(":")
    if state and not (state == "selected" and selected):
        return False
    name, *attrs = head.replace("]", "").split("[")
    kind, *wanted = name.split(".")
    return kind == group and set(wanted) <= classes and set(attrs) <= data


def _look(sheet: list[dict[str, Any]], group: str, classes: set[str], data: set[str], selected: bool) -> dict[str, Any]:
    """The style cytoscape gives an element: every matching rule in order, the later one winning each property."""
    look: dict[str, Any] = {}
    for r in sheet:
        if _matches(r["selector"], group, classes, data, selected):
            look.update(r["style"])
    return look


def _edge_states() -> list[tuple[set[str], set[str], bool]]:
    marks = ["", "same-as-accepted", "same-as-rejected", "shared", "more-edge", "asserted", "noted", "group-edge"]
    types = [t.value for t in RelType] + ["shared", "more"]
    return [
        ({t, *([m] if m else [])}, {"width"} if widths else set(), selected)
        for t in types
        for m in marks
        for widths in (False, True)
        for selected in (False, True)
    ]


def test_big_views_are_drawn_lighter_and_look_the_same_where_they_are_seen() -> None:
    small, big = stylesheet(), stylesheet(big=True)
    # what a big view drew before its edges were styled lighter: the full look, then the lighter drawing on top
    before = [
        *small,
        {"selector": "node", "style": {"min-zoomed-font-size": styles.MIN_LABEL_PX, "text-background-opacity": 0.6}},
        {
            "selector": "edge",
            "style": {"label": "", "curve-style": "haystack", "target-arrow-shape": "none", "opacity": 0.8},
        },
        {
            "selector": "edge:selected",
            "style": {"label": "data(label)", "curve-style": "bezier", "target-arrow-shape": "triangle"},
        },
        *styles.hover_rules(),
    ]
    for classes, data, selected in _edge_states():
        now, then = _look(big, "edge", classes, data, selected), _look(before, "edge", classes, data, selected)
        if selected:  # a selected edge: its label and arrow, exactly as before
            assert now == then, (classes, data)
            assert now["label"] and now["target-arrow-shape"] == "triangle"
        else:  # the others: no label, no arrow, the same line; a dozen properties fewer
            assert then["label"] == "" and then["target-arrow-shape"] == "none"
            assert not set(now) & styles.SELECTED_EDGE_LOOK, (classes, sorted(set(now) & styles.SELECTED_EDGE_LOOK))
            assert now == {k: v for k, v in then.items() if k not in styles.SELECTED_EDGE_LOOK}, classes
            assert now["curve-style"] == "haystack" and len(now) < len(then) - 6
    for kind in NodeKind:
        for marks in (set(), {"sanctioned", "center"}, {"more"}, {"group", "group-sanctioned"}, {"hover"}):
            for selected in (False, True):
                state = ("node", {kind.value, *marks}, {"degree"}, selected)
                assert _look(big, *state) == _look(before, *state)
    # edge label looks stay in small views
    assert _look(small, "edge", {"PAID"}, set(), False)["label"] == "data(label)"


def test_a_big_view_is_sent_only_the_rules_its_elements_can_match_and_every_element_looks_the_same() -> None:
    def node(classes: str) -> dict[str, Any]:
        return {"data": {"id": classes, "label": "x"}, "classes": classes}

    def edge(classes: str, **data: Any) -> dict[str, Any]:
        return {"data": {"id": classes, "source": "a", "target": "b", **data}, "classes": classes}

    elements = [node("Company sanctioned center"), node("Wallet"), edge("PAID", width=3.0), edge("OWNS noted")]
    for colour in ("kind", "exposure"):
        full = stylesheet(big=True, colour=colour, by_degree=True)
        kept = rules_in_use(full, elements)
        selectors = {r["selector"] for r in kept}
        assert len(kept) < len(full) / 2
        assert {"node.Company", "node.sanctioned", "node.hover", "edge.PAID:selected", "edge[width]"} <= selectors
        assert not {"node.Person", "node.more", "node.pinned", "edge.shared", "edge.TRANSFERRED", "node[degree]"} & (
            selectors
        )
        # every element, under the pointer or selected or not, gets the look the whole stylesheet gives it
        for element in elements:
            group = "edge" if "source" in element["data"] else "node"
            classes, data = set(element["classes"].split()), set(element["data"])
            for extra in (set(), {"hover"}):
                for selected in (False, True):
                    state = (group, classes | extra, data, selected)
                    assert _look(kept, *state) == _look(full, *state), state
    # a selector it cannot read is kept; the rules keep their order
    odd = [{"selector": "node[degree >= 3]", "style": {}}, {"selector": "node.Person", "style": {}}]
    assert rules_in_use(odd + stylesheet(big=True), elements)[0] == odd[0]
    assert [r["selector"] for r in kept] == [r["selector"] for r in full if r in kept]


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
