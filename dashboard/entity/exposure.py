"""What ``sanctions-graph analyze`` stored on an entity, as the entity page draws it: its exposure band, whether the
OFAC 50% rule blocks it, the badges of its panel and the sentence about entities not analysed. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dash import html

from graph import Entity, Prop, entity_listings

#: Exposure bands, in the legend's order: hops to the nearest sanctioned entity 0-3, further, none in reach, and
#: entities the analysis has not seen (loaded after it ran, or never analysed).
EXPOSURE_BANDS: tuple[str, ...] = ("0", "1", "2", "3", "far", "none", "unknown")


@dataclass(frozen=True)
class Risk:
    """An entity's stored analysis results, as the graph draws them."""

    analysed: bool = False
    exposure: int | None = None  # hops to the nearest sanctioned entity (0: itself); None: none in reach
    blocked: bool = False  # blocked by ownership under the OFAC 50% rule (not itself listed)
    possibly_blocked: bool = False  # part of its ownership by blocked persons is unknown

    @classmethod
    def of(cls, props: Mapping[str, Any]) -> Risk:
        hops = props.get(Prop.EXPOSURE_HOPS.value)
        exposure = int(hops) if isinstance(hops, int | float) and not isinstance(hops, bool) and hops >= 0 else None
        blocked = props.get(Prop.BLOCKED_BY_OWNERSHIP.value) is True
        return cls(
            analysed=bool(props.get(Prop.ANALYZED_AT.value)),
            exposure=exposure,
            blocked=blocked,
            possibly_blocked=not blocked and props.get(Prop.OWNERSHIP_UNKNOWN.value) is True,
        )

    @property
    def band(self) -> str:
        """One of ``EXPOSURE_BANDS``."""
        if not self.analysed:
            return "unknown"
        if self.exposure is None:
            return "none"
        return str(self.exposure) if self.exposure <= 3 else "far"

    def to_json(self) -> list[Any] | None:
        """Compact form for the page's working graph (None when not analysed)."""
        if not self.analysed:
            return None
        return [self.exposure, self.blocked, self.possibly_blocked]

    @classmethod
    def from_json(cls, raw: Any) -> Risk:
        if not isinstance(raw, list | tuple) or len(raw) != 3:
            return cls()
        hops = raw[0]
        return cls(True, int(hops) if isinstance(hops, int) else None, bool(raw[1]), bool(raw[2]))


#: An entity the analysis has not seen.
NOT_ANALYSED = Risk()


def risk_classes(risk: Risk) -> list[str]:
    """Cytoscape classes for a node's risk: its exposure band ('exposure-2', none when not analysed), plus
    'blocked' (50% rule) or 'possibly-blocked'. The stylesheet decides what shows: the band only when colouring by
    exposure, the marks always."""
    if not risk.analysed:
        return []
    classes = [f"exposure-{risk.band}"]
    if risk.blocked:
        classes.append("blocked")
    elif risk.possibly_blocked:
        classes.append("possibly-blocked")
    return classes


def risk_badges(entity: Entity) -> list[tuple[str, str, str]]:
    """(text, CSS class, tooltip) of the badges an entity's panel shows: a listed address (a wallet named on a
    sanctions record, read with graph.with_listings) and the ownership badges."""
    listed = [("LISTED ADDRESS", "badge-listed", x.status) for x in entity_listings(entity)[:1]]
    risk = Risk.of(entity.properties)
    if risk.blocked:
        tip = "Owned 50% or more by blocked persons (OFAC 50 Percent Rule)"
        return [*listed, ("BLOCKED (50% RULE)", "badge-blocked", tip)]
    if risk.possibly_blocked:
        return [*listed, ("POSSIBLY BLOCKED", "badge-possibly", "Part of its ownership by blocked persons is unknown")]
    return listed


def risk_marks(entity: Entity) -> list[html.Span]:
    """``risk_badges`` as badges (a page's heading: a listed address, blocked by the 50% rule)."""
    return [html.Span(text, className=f"badge {cls}", title=tip) for text, cls, tip in risk_badges(entity)]


def exposure_sentence(risks: Iterable[Risk]) -> str | None:
    """What the exposure colouring can and cannot tell for the entities in view (None: all of them analysed)."""
    seen = list(risks)
    missing = sum(1 for r in seen if not r.analysed)
    if not seen or not missing:
        return None
    if missing == len(seen):
        return (
            "No exposure has been computed for these entities yet. Run `sanctions-graph analyze` to compute exposure."
        )
    entities = "entity has" if missing == 1 else "entities have"
    return (
        f"{missing:,} {entities} no exposure computed (loaded after the last analysis, drawn white): "
        "run `sanctions-graph analyze` again to include them."
    )
