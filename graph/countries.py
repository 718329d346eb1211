"""One way of writing a country everywhere: ISO codes and the names sources use ('KP', 'kp', 'Korea, North') all
read as rigour's territory name and the code ('North Korea (KP)'). Pure functions, no store; the code comes from
the matcher's ``country_code`` (one reading of countries for matching and display)."""

from __future__ import annotations

from functools import lru_cache

from rigour.territories import get_territory

from graph.matching.query import country_code

__all__ = ["country_code", "country_name", "country_names"]


@lru_cache(maxsize=4096)
def country_name(value: str) -> str:
    """How a country is shown: 'kp', 'KP' and 'Korea, North' -> 'North Korea (KP)'; an unknown value as given."""
    text = value.strip()
    code = country_code(text) if text else None
    territory = get_territory(code) if code else None
    return f"{territory.name} ({code.upper()})" if territory is not None and code else text


def country_names(values: list[str] | tuple[str, ...]) -> list[str]:
    """Distinct display names of codes or names, in their first order ('KP', 'Korea, North' -> one)."""
    return list(dict.fromkeys(name for name in (country_name(v) for v in values) if name))
