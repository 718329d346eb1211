"""What every export shares: which relationships a part of the graph shows, bookkeeping left out, value texts."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from graph.model import Designation, Entity, Relationship
from graph.vocabulary import INTERNAL_PROPS, RELATIONSHIPS, Prop

if TYPE_CHECKING:  # graph.cases imports the exports (its evidence pack): no import of it at run time here
    from graph.cases.model import AssertedLink

#: How a relationship is labelled in a file (the dashboard passes its own, e.g. 'owns 60%').
EdgeLabel = Callable[[Relationship], str]
#: Told, after each page a whole-graph export reads, how many entities or relationships it held.
PageRead = Callable[[int], object]

#: Bookkeeping properties a file (or a printed page) does not need: the store derives them for its search.
INTERNAL = frozenset({p.value for p in INTERNAL_PROPS if p not in (Prop.ID, Prop.KIND)} | {Prop.LOOKUP_KEYS.value})


def caption_label(rel: Relationship) -> str:
    """The relationship type's caption from the vocabulary ('owns', 'holds'): the default edge label."""
    spec = RELATIONSHIPS.get(rel.type)
    return spec.caption if spec else rel.type.value.replace("_", " ").lower()


def without_internal(entity: Entity) -> Entity:
    """The entity without the store's search bookkeeping."""
    props = {k: v for k, v in entity.properties.items() if k not in INTERNAL}
    return Entity(entity.id, entity.kind, entity.name, entity.sanctioned, props)


class _Link(Protocol):
    """What a drawn link has, whichever kind it is (a source relationship, an analyst's asserted link)."""

    @property
    def id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def target(self) -> str: ...


_L = TypeVar("_L", bound=_Link)


def shown_links(entities: Iterable[Entity], links: Iterable[_L]) -> list[_L]:
    """The links whose two ends are among the entities, each once (a file never points at an entity it lacks)."""
    ids = {e.id for e in entities}
    seen: set[str] = set()
    out = []
    for link in links:
        if link.source in ids and link.target in ids and link.id not in seen:
            seen.add(link.id)
            out.append(link)
    return out


def shown_relationships(entities: Iterable[Entity], relationships: Iterable[Relationship]) -> list[Relationship]:
    """The relationships whose two ends are among the entities, each once."""
    return shown_links(entities, relationships)


# --- analyst-asserted links (graph.cases): in a file, marked as such, never as a source relationship -------------

#: The type an analyst-asserted link has in a file (edges.csv's and GraphML's ``type``): not a vocabulary type.
ASSERTED_TYPE = "ASSERTED"
#: Before a link's id in a file, so it never meets a relationship's id.
ASSERTED_ID_PREFIX = "asserted:"
ANALYST_SUFFIX = " (analyst)"


def shown_asserted(entities: Iterable[Entity], links: Iterable[AssertedLink]) -> list[AssertedLink]:
    """The asserted links whose two ends are among the entities, each once."""
    return shown_links(entities, links)


def asserted_label(link: AssertedLink) -> str:
    """'same phone (analyst)', as the canvas labels it."""
    return f"{link.label}{ANALYST_SUFFIX}"


def asserted_facts(link: AssertedLink) -> dict[str, Any]:
    """Who asserted the link, when, in which case and on what text, named as the case's own export names them
    (``case export``), with the mark ``analyst_asserted``."""
    facts: dict[str, Any] = {"analyst_asserted": True, "case_id": link.case_id, "author": link.author, "at": link.at}
    if link.source_text:
        facts["source_text"] = link.source_text
    return facts


def file_stem(title: str) -> str:
    """A safe file name from a title: 'Paths: RI Chol Man → Bureau 999' → 'paths-ri-chol-man-bureau-999'."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return stem[:80].rstrip("-") or "graph"


def values(raw: Any) -> list[Any]:
    """A stored value as a list of its non-empty items."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, list | tuple):
        return [v for v in raw if v is not None and v != ""]
    return [raw]


def text(value: Any) -> str:
    """One value as text: 60.0 → '60', True → 'true'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def joined(raw: Any) -> str:
    """A stored value as one text, list items joined with '; '."""
    return "; ".join(text(v) for v in values(raw))


def designation_text(d: Designation) -> str:
    """'US OFAC: DPRK3, DPRK4, since 2018-01-01 (https://…)'."""
    out = d.authority or "Unknown authority"
    if d.programs:
        out += ": " + ", ".join(d.programs)
    if d.start_date:
        out += f", since {d.start_date}"
    if d.source_url:
        out += f" ({d.source_url})"
    return out
