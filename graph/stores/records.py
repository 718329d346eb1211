"""What both kinds of store share below the queries: the rows written for a record (with derived search and lookup
keys), entities and relationships read back from property maps, and the ranking of search candidates."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from graph import cypher
from graph.ids import lookup_key
from graph.model import Entity, NodeRecord, Relationship, RelRecord, SearchHit
from graph.names import canonical, match_score, search_forms
from graph.vocabulary import FLAG_PROPS, LIST_PROPS, NodeKind, Prop, RelType

T = TypeVar("T")

Row = dict[str, Any]


def _clean_scalar(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


#: Every property name -> (its plain string, how node_row treats it): looked up once per value, not via Prop(key).
_LIST, _FLAG, _SKIP, _SCALAR = 0, 1, 2, 3


def _node_prop_class(p: Prop) -> int:
    return _LIST if p in LIST_PROPS else _FLAG if p in FLAG_PROPS else _SKIP if p in (Prop.ID, Prop.KIND) else _SCALAR


_NODE_PROP_CLASS: dict[str, tuple[str, int]] = {p: (p.value, _node_prop_class(p)) for p in Prop}
_REL_PROP_CLASS: dict[str, tuple[str, int]] = {
    p: (p.value, _SKIP if p is Prop.ID else _LIST if p in cypher.REL_LIST_PROPS else _SCALAR) for p in Prop
}
_NODE_LIST_KEYS = tuple(p.value for p in cypher.NODE_LIST_PROPS)
_NODE_FLAG_KEYS = tuple(p.value for p in cypher.NODE_FLAG_PROPS)
_REL_LIST_KEYS = tuple(p.value for p in cypher.REL_LIST_PROPS)
_NAME, _ALIASES, _SEARCH_NAMES = Prop.NAME.value, Prop.ALIASES.value, Prop.SEARCH_NAMES.value
_KIND, _STUB, _LOOKUP_KEYS = Prop.KIND.value, Prop.STUB.value, Prop.LOOKUP_KEYS.value
_SEARCH_TEXT, _LOOKUP_TEXT = Prop.SEARCH_TEXT.value, Prop.LOOKUP_TEXT.value


def _prop_class(table: dict[str, tuple[str, int]], key: Any) -> tuple[str, int]:
    try:
        return table[key]
    except KeyError:
        raise ValueError(f"{key!r} is not a valid Prop") from None


def _unique(values: list[Any]) -> list[Any]:
    """The values without repeats, None and empty strings, in order."""
    try:
        return [v for v in dict.fromkeys(values) if v is not None and v != ""]
    except TypeError:  # unhashable values
        seen: list[Any] = []
        for v in values:
            if v not in seen and v not in (None, ""):
                seen.append(v)
        return seen


def node_row(record: NodeRecord) -> Row:
    """The parameter map of one node for the node-writing statements, with search and lookup keys derived here."""
    scalars: dict[str, Any] = {}
    lists: dict[str, list[Any]] = {k: [] for k in _NODE_LIST_KEYS}
    flags: dict[str, bool] = {}
    for key, value in record.props.items():
        name, how = _prop_class(_NODE_PROP_CLASS, key)
        if value is None or how == _SKIP:
            continue
        if how == _LIST:
            lists[name] = _unique([value] if isinstance(value, str) else list(value))
        elif how == _FLAG:
            flags[name] = bool(value)
        else:
            scalars[name] = _clean_scalar(value)
    name = str(record.props.get(Prop.NAME) or record.id)
    scalars[_NAME] = name
    _derive_keys(lists, (name, *lists[_ALIASES]))
    return {"id": record.id, "scalars": scalars, "lists": lists, "flags": flags}


def _derive_keys(lists: dict[str, list[Any]], names: Sequence[str]) -> None:
    """Fill the search forms of ``names`` and turn the identifiers in the lookup-key list into lookup keys."""
    forms: list[str] = []
    for n in names:
        forms += search_forms(n)
    lists[_SEARCH_NAMES] = list(dict.fromkeys(forms))
    keys = [lookup_key(str(v)) for v in lists[_LOOKUP_KEYS]]
    lists[_LOOKUP_KEYS] = list(dict.fromkeys(k for k in keys if k))


def new_node_row(row: Row, kind: NodeKind) -> Row:
    """The row of cypher.create_nodes from node_row's: every property of the new node, as update_nodes would set
    them on an empty node (the full-text fields as its reduce() builds them: each value preceded by a space)."""
    lists = row["lists"]
    flags = row["flags"]
    # empty lists are not stored (each costs Neo4j a property record: node writes ~2x faster); reads fill them in
    props: dict[str, Any] = {**row["scalars"], _KIND: kind.value, _STUB: False, **{k: v for k, v in lists.items() if v}}
    for key in _NODE_FLAG_KEYS:
        props[key] = flags.get(key, False)
    props[_SEARCH_TEXT] = "".join(" " + x for x in lists[_SEARCH_NAMES])
    props[_LOOKUP_TEXT] = "".join(" " + x for x in lists[_LOOKUP_KEYS])
    return {"id": row["id"], "props": props}


def rel_row(record: RelRecord) -> Row:
    scalars: dict[str, Any] = {}
    lists: dict[str, list[Any]] = {k: [] for k in _REL_LIST_KEYS}
    for key, value in record.props.items():
        name, how = _prop_class(_REL_PROP_CLASS, key)
        if value is None or how == _SKIP:
            continue
        if how == _LIST:
            lists[name] = list(dict.fromkeys([value] if isinstance(value, str) else value))
        else:
            scalars[name] = _clean_scalar(value)
    for prop in record.clear:
        scalars.setdefault(prop.value, None)  # SET r += {p: null} removes p (a new relationship never gets it)
    return {"id": record.id, "source": record.source, "target": record.target, "scalars": scalars, "lists": lists}


def new_rel_row(row: Row) -> Row:
    """The row of cypher.create_relationships from rel_row's: every property of the new relationship, id included."""
    scalars = row["scalars"]
    if None in scalars.values():  # properties a replacing record clears: a new relationship has none to clear
        scalars = {k: v for k, v in scalars.items() if v is not None}
    return {
        "id": row["id"],
        "source": row["source"],
        "target": row["target"],
        "props": {**scalars, **row["lists"], "id": row["id"]},
    }


def new_rel_row_of(record: RelRecord) -> Row:
    """new_rel_row(rel_row(record)) in one pass (a load's relationships are mostly new: no scalars/lists split)."""
    props: dict[str, Any] = {key: [] for key in _REL_LIST_KEYS}
    for key, value in record.props.items():
        name, how = _prop_class(_REL_PROP_CLASS, key)
        if value is None or how == _SKIP:
            continue
        if how == _LIST:
            props[name] = list(dict.fromkeys([value] if isinstance(value, str) else value))
        else:
            props[name] = _clean_scalar(value)
    props["id"] = record.id
    return {"id": record.id, "source": record.source, "target": record.target, "props": props}


def entity_from_props(props: dict[str, Any]) -> Entity:
    data = dict(props)
    for key in _NODE_LIST_KEYS:  # a new node stores no empty lists (new_node_row): they read as []
        if key not in data:
            data[key] = []
    return Entity(
        id=str(data.get(Prop.ID.value)),
        kind=NodeKind(data.get(Prop.KIND.value, NodeKind.LEGAL_ENTITY.value)),
        name=str(data.get(Prop.NAME.value) or data.get(Prop.ID.value)),
        sanctioned=bool(data.get(Prop.SANCTIONED.value, False)),
        properties=data,
    )


def relationship_from(rel_type: str, source: str, target: str, props: dict[str, Any]) -> Relationship:
    data = dict(props)
    return Relationship(
        id=str(data.get(Prop.ID.value)), type=RelType(rel_type), source=source, target=target, properties=data
    )


def value_rows(rows: Iterator[Row], keys: list[str]) -> Iterator[tuple[Any, ...]]:
    """Tuples from bulk-read records: bucketed ones ({rows: [[…], …]}, the streamed form) or one per record."""
    for row in rows:
        bucket = row.get("rows")
        if bucket is not None and len(row) == 1:
            yield from (tuple(r) for r in bucket)
        else:
            yield tuple(row[k] for k in keys)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), as they come: a stream stays a stream."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def best_name(entity: Entity, query: str) -> tuple[float, SearchHit] | None:
    """The best-matching name or alias of an entity for a query, with its score and the reason, or None."""
    best: tuple[float, SearchHit] | None = None
    for name in [entity.name, *entity.aliases]:
        scored = match_score(query, name)
        if scored is None:
            continue
        score, how = scored
        reason = f"{how} ({'name' if name == entity.name else 'alias'})"
        if name != entity.name:
            score -= 1.0  # the entity's own name wins a tie with an alias
        if best is None or score > best[0]:
            best = (score, SearchHit(entity, name, reason))
    return best


def list_row(node_id: str, values: dict[Prop, Any]) -> Row:
    """The row of cypher.ADD_TO_NODE_LISTS for one node: {id, lists (every list property), flags}; search forms
    derived from the aliases, identifiers turned into lookup keys."""
    lists: dict[str, list[Any]] = {k: [] for k in _NODE_LIST_KEYS}
    flags: dict[str, bool] = {}
    for prop, value in values.items():
        name, how = _prop_class(_NODE_PROP_CLASS, prop)
        if how == _LIST:
            lists[name] = _unique([value] if isinstance(value, str) else list(value))
        elif how == _FLAG:
            flags[name] = bool(value)
        else:
            raise ValueError(f"add_to_node_lists takes list properties and marks only, not {name}")
    _derive_keys(lists, lists[_ALIASES])
    return {"id": node_id, "lists": lists, "flags": flags}


# --- search ranking: every store gathers candidates its own way, then ranks them here ---------------------------
Ranked = dict[str, tuple[float, SearchHit]]


def rank_identifier(ranked: Ranked, key: str, candidates: Sequence[Entity]) -> None:
    """Candidates that hold the lookup key ``key`` exactly rank first, as identifier hits."""
    for entity in candidates:
        if key in (entity.properties.get(_LOOKUP_KEYS) or []):
            ranked[entity.id] = (1000.0, SearchHit(entity, key, "identifier"))


def rank_names(ranked: Ranked, query: str, candidates: Sequence[Entity]) -> None:
    """Candidates not ranked yet whose name or an alias matches ``query``, with their best score."""
    for entity in candidates:
        if entity.id not in ranked:
            best = best_name(entity, query)
            if best is not None:
                ranked[entity.id] = best


def best_hits(ranked: Ranked, query: str, limit: int) -> list[SearchHit]:
    """The ``limit`` best hits. Ties: a name in the query's word order first (Kim Jong Un before Kim Un Jong), then
    sanctioned, then by name."""
    in_order = canonical(query)
    best = sorted(
        ranked.values(),
        key=lambda h: (
            -h[0],
            h[1].reason != "identifier" and canonical(h[1].matched) != in_order,
            not h[1].entity.sanctioned,
            h[1].entity.name.casefold(),
        ),
    )
    return [h for _, h in best[:limit]]
