"""Walking a Dash component tree in tests: every component, one by id, the text a reader sees."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def walk(component: Any) -> Iterator[Any]:
    if isinstance(component, list | tuple):
        for item in component:
            yield from walk(item)
        return
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            yield from walk(child)
    elif children is not None:
        yield from walk(children)


def find(component: Any, component_id: str) -> Any:
    found = [c for c in walk(component) if getattr(c, "id", None) == component_id]
    assert len(found) == 1, f"{len(found)} components with id {component_id!r}"
    return found[0]


def text(component: Any, sep: str = " ") -> str:
    return sep.join(str(c) for c in walk(component) if isinstance(c, str | int | float))


def has(component: Any, component_id: str) -> bool:
    return any(getattr(c, "id", None) == component_id for c in walk(component))


def of_class(component: Any, class_name: str) -> list[Any]:
    return [c for c in walk(component) if class_name in str(getattr(c, "className", "") or "").split()]
