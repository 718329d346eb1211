"""Reports as plain data: dicts for JSON (every report's ``to_dict``) and blocks of counts for text."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def as_dict(
    obj: DataclassInstance,
    /,
    drop: Collection[str] = (),
    rename: Mapping[str, str] | None = None,
    **values: Any,
) -> dict[str, Any]:
    """The dataclass's fields by name, in their order (a tuple as a list), less those in ``drop``; a field is keyed
    by ``rename[field]`` where given. ``values`` replace the entries of the same key in place; the others are added
    at the end. Shallow: nested objects are the caller's to convert (pass them in ``values``)."""
    names = rename or {}
    out: dict[str, Any] = {}
    for f in fields(obj):
        if f.name in drop:
            continue
        key = names.get(f.name, f.name)
        value = values.pop(key) if key in values else getattr(obj, f.name)
        out[key] = list(value) if isinstance(value, tuple) else value
    out.update(values)
    return out


def counted_lines(title: str, items: Iterable[tuple[str, int]], line: str = "\n    {count:>5}  {key}") -> str:
    """A report's block of counts as text: ``title``, then one ``line`` per (key, count) in the order given."""
    return title + "".join(line.format(key=key, count=count) for key, count in items)
