"""One way of writing a country everywhere: ISO codes and the names sources use ('KP', 'kp', 'Korea, North') all
read as rigour's territory name ('North Korea'). Pure functions, no store."""

from __future__ import annotations

from functools import lru_cache

from rigour.territories import lookup_territory


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """The lower-case ISO code (or rigour's code for a territory) of a code or a name; None when unknown."""
    text = value.strip()
    if not text:
        return None
    territory = lookup_territory(text)
    return territory.code if territory is not None else None


@lru_cache(maxsize=4096)
def country_name(value: str) -> str:
    """How a country is shown: 'kp', 'KP' and 'Korea, North' -> 'North Korea'; an unknown value as given."""
    text = value.strip()
    territory = lookup_territory(text) if text else None
    return territory.name if territory is not None else text


def country_names(values: list[str] | tuple[str, ...]) -> list[str]:
    """Distinct display names of codes or names, in their first order ('KP', 'Korea, North' -> ['North Korea'])."""
    return list(dict.fromkeys(name for name in (country_name(v) for v in values) if name))
