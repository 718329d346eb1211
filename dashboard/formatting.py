"""Words and numbers as every page shows them: captions of kinds and relationships, numbers, countries, short node
labels, relationship labels and the address of an entity's page. Pure functions, no Dash, no store."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from graph import KIND_CAPTIONS, RELATIONSHIPS, TRACE_DEFAULT_HOPS, NodeKind, Prop, Relationship, RelType, country_name

LABEL_MAX_CHARS = 32

# --- small formatting helpers -----------------------------------------------------------------------------------


def entity_href(entity_id: str, hops: int | None = None) -> str:
    """The shareable address of an entity's page."""
    href = "/entity/" + quote(entity_id, safe="")
    return f"{href}?hops={hops}" if hops is not None else href


def trace_href(
    wallet: str,
    direction: str = "forward",
    hops: int = TRACE_DEFAULT_HOPS,
    since: str = "",
    until: str = "",
    through: bool = False,
) -> str:
    """The shareable address of a fund-flow trace (``/trace?wallet=…``); ``through``: on through services."""
    query = {"wallet": wallet, "direction": direction, "hops": hops, "since": since, "until": until}
    if through:
        query["through"] = "1"
    return "/trace?" + urlencode({k: v for k, v in query.items() if v not in ("", None)})


def kind_caption(kind: NodeKind | str) -> str:
    try:
        return KIND_CAPTIONS.get(NodeKind(kind), str(kind))
    except ValueError:
        return str(kind)


def rel_caption(rel_type: RelType | str) -> str:
    try:
        spec = RELATIONSHIPS.get(RelType(rel_type))
    except ValueError:
        spec = None
    return spec.caption if spec else str(rel_type).replace("_", " ").lower()


def format_number(value: Any) -> str:
    """60 → '60', 60.0 → '60', 8200 → '8,200', 0.00012 → '0.00012', '12' → '12'."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return format(value, ",.8f").rstrip("0").rstrip(".")
    return f"{int(value):,}"


def plural(n: int, one: str, many: str) -> str:
    """'1 hop', '3 hops', '1,200 entities'."""
    return f"{n:,} {one if n == 1 else many}"


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v) for v in value)
    return format_number(value)


def format_country(value: str) -> str:
    """One naming everywhere (graph.country_name): 'kp', 'KP' and 'Korea, North' → 'North Korea'; unknown values as
    given."""
    return country_name(value)


def short_label(name: str, kind: NodeKind | str | None = None, max_chars: int = LABEL_MAX_CHARS) -> str:
    """A name short enough for a node: wallet addresses keep their start and end, long names are cut at a word."""
    name = " ".join(name.split())
    if kind == NodeKind.WALLET and len(name) > 16:
        return f"{name[:6]}…{name[-4:]}"
    if len(name) <= max_chars:
        return name
    cut = name[: max_chars - 1]
    space = cut.rfind(" ")
    if name[len(cut)] != " " and space >= max_chars // 2:  # do not cut a word in two
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


# --- relationship labels ----------------------------------------------------------------------------------------


def edge_label(rel: Relationship) -> str:
    """'owns 60%', 'paid 8,200 USD', 'transferred 1.5 ETH', otherwise the type's caption ('holds')."""
    return edge_label_of(rel.type, rel.properties)


def edge_label_of(rel_type: RelType | str, props: Mapping[str, Any]) -> str:
    """``edge_label`` from a relationship's type and properties."""
    caption = rel_caption(rel_type)
    if rel_type == RelType.OWNS and props.get(Prop.PERCENTAGE) is not None:
        return f"{caption} {format_number(props[Prop.PERCENTAGE])}%"
    if rel_type == RelType.PAID and props.get(Prop.AMOUNT) is not None:
        return f"{caption} {format_number(props[Prop.AMOUNT])} {props.get(Prop.CURRENCY) or ''}".rstrip()
    if rel_type == RelType.TRANSFERRED:
        if props.get(Prop.AMOUNT) is not None:
            return f"{caption} {format_number(props[Prop.AMOUNT])} {props.get(Prop.ASSET) or ''}".rstrip()
        if props.get(Prop.VALUE_USD) is not None:
            return f"{caption} ${format_number(props[Prop.VALUE_USD])}"
    return caption
