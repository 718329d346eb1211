"""The store interface: a write side for loaders and a read side for the dashboard, CLI and analytics.

The read side's public methods (their defaults, checks and docs) are written once, in GraphReader; the stores
(graph.stores.cypher_store for Neo4j and FalkorDB, graph.stores.memory_store) subclass GraphStore and provide the
hooks those methods call."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

from graph.errors import SanctionsGraphError
from graph.model import (
    Direction,
    Entity,
    Link,
    NodeRecord,
    Path,
    Relationship,
    RelRecord,
    SearchHit,
    Stats,
    Subgraph,
    WriteCounts,
)
from graph.vocabulary import NodeKind, Prop, RecordKey, RecordLabel, RelType

DEFAULT_NEIGHBOURHOOD_LIMIT = 200
MAX_HOPS = 3
MAX_PATH_HOPS = 6

#: Relationship types a read follows (all if None).
RelTypes: TypeAlias = Sequence[RelType] | None
#: A matcher query: per query word, its spellings (see GraphReader.match_candidates).
Words: TypeAlias = Sequence[Sequence[str]]
#: Query text -> the candidates the name index gave for it (GraphReader.match_candidates_many's cache).
Candidates: TypeAlias = MutableMapping[str, list[Entity]]
#: An entity holding some of the values asked for: (id, the values it holds, the named properties).
ValueHit: TypeAlias = tuple[str, list[str], dict[str, Any]]


@dataclass(frozen=True)
class LinkQuery:
    """GraphReader.links' arguments as its hook ``_links`` takes them: ids distinct (in the order given), the
    direction an enum member, the property lists tuples."""

    ids: list[str]
    types: RelTypes
    direction: Direction
    rel_props: tuple[Prop, ...]
    node_props: tuple[Prop, ...]
    limit: int
    other_flag: Prop | None


class GraphWriter(Protocol):
    """Idempotent batched upserts: nodes first, then relationships between them."""

    #: How many write transactions a loader may run side by side on this store (batches that touch different
    #: ids): more than one where the server runs concurrent transactions on several cores.
    write_workers: int

    def ensure_schema(self) -> None:
        """Create constraints and indexes if they are missing (safe to call every time)."""
        ...

    def upsert_nodes(self, kind: NodeKind, rows: Sequence[NodeRecord]) -> WriteCounts:
        """MERGE nodes of one kind by id; list properties are united with what is stored."""
        ...

    def upsert_relationships(self, rel_type: RelType, rows: Sequence[RelRecord]) -> WriteCounts:
        """MERGE relationships of one type by id; rows whose ends are absent are not written (see rows_written)."""
        ...

    def ensure_stubs(self, ids: Sequence[str]) -> WriteCounts:
        """Create placeholder LegalEntity nodes (stub=true) for ids not in the graph; existing nodes are untouched.

        A later full upsert of the id completes the stub (its kind, name and stub=false)."""
        ...

    def delete_nodes(self, ids: Sequence[str]) -> WriteCounts:
        """Delete entities and all their relationships (delta files' DEL)."""
        ...

    def set_node_properties(self, props: Sequence[Prop], rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        """Overwrite the named properties on existing nodes (analysis results written back); rows: (id, values)."""
        ...

    def add_to_node_lists(self, rows: Sequence[tuple[str, dict[Prop, Any]]]) -> WriteCounts:
        """Unite list properties (designations, identifiers, lookup keys, aliases, datasets…) and OR marks
        (sanctioned…) into stored nodes; rows: (id, values). Name, kind and scalars are untouched. An id not in the
        graph becomes a stub first (LegalEntity, stub=true) holding the values, completed by a later full upsert
        (nodes_created counts those stubs). Used for FtM Sanction/Identification records whose entity an earlier
        load brought."""
        ...

    def delete_relationships(self, ids: Sequence[str]) -> WriteCounts:
        """Delete relationships by their id, whatever their type (delta files' DEL of an edge entity)."""
        ...


class GraphReader(Protocol):
    """Read side: every method returns domain objects, never driver records.

    The methods whose defaults, argument checks and normalising are the same on every store are written here once,
    over ``_``-named hooks that take their arguments checked (ids distinct, in the order given); a store subclasses
    GraphStore explicitly to inherit them and provides the hooks (mypy refuses to instantiate one that misses any)."""

    def search(self, text: str, limit: int = 20) -> list[SearchHit]: ...

    def get_entity(self, entity_id: str) -> Entity:
        """The entity; raises EntityNotFound."""
        ...

    def neighbourhood(
        self,
        entity_id: str,
        hops: int = 1,
        types: Sequence[RelType] | None = None,
        limit: int = DEFAULT_NEIGHBOURHOOD_LIMIT,
    ) -> Subgraph:
        """Entities within ``hops`` (1-3) of the entity over ``types`` (all if None), at most ``limit`` of them."""
        if not 1 <= hops <= MAX_HOPS:
            raise SanctionsGraphError(f"Hops must be between 1 and {MAX_HOPS}.")
        return self._neighbourhood(entity_id, hops, types, max(1, int(limit)))

    def _neighbourhood(self, entity_id: str, hops: int, types: RelTypes, limit: int) -> Subgraph:
        """neighbourhood, ``hops`` checked, ``limit`` at least 1; raises EntityNotFound."""
        ...

    def shortest_path(
        self, source_id: str, target_id: str, max_hops: int = MAX_PATH_HOPS, types: Sequence[RelType] | None = None
    ) -> Path | None:
        """A shortest undirected path, or None when there is none within ``max_hops``."""
        source, target = self.get_entity(source_id), self.get_entity(target_id)
        if source.id == target.id:
            return Path(entities=(source,), relationships=())
        return self._shortest_path(source, target, max_hops, types)

    def _shortest_path(self, source: Entity, target: Entity, max_hops: int, types: RelTypes) -> Path | None:
        """shortest_path between two different entities of the graph."""
        ...

    def shortest_paths(
        self,
        source_id: str,
        target_id: str,
        k: int = 3,
        max_hops: int = MAX_PATH_HOPS,
        types: Sequence[RelType] | None = None,
    ) -> list[Path]:
        """Up to ``k`` shortest loopless undirected paths of at most ``max_hops``, shortest first (empty: none)."""
        first = self.shortest_path(source_id, target_id, max_hops, types)
        if first is None or k <= 1 or first.hops == 0:
            return [first] if first else []
        return self._shortest_paths(first, k, max_hops, types) or [first]

    def _shortest_paths(self, first: Path, k: int, max_hops: int, types: RelTypes) -> list[Path]:
        """Up to ``k`` (2+) shortest paths between the ends of ``first``, a shortest path of 1+ hops."""
        ...

    def stats(self) -> Stats: ...

    def iter_entities(self, batch_size: int = 10_000) -> Iterator[list[Entity]]:
        """Every entity, in batches (for exports and analyses)."""
        ...

    def iter_relationships(
        self, types: Sequence[RelType] | None = None, batch_size: int = 10_000
    ) -> Iterator[list[Relationship]]:
        """Every relationship (of ``types``, all if None), in batches."""
        ...

    # --- for analytics (graph/analytics): only the fields an analysis needs ----------------------------------
    def get_entities(self, ids: Sequence[str]) -> list[Entity]:
        """The entities among ``ids`` that exist (order not guaranteed)."""
        ...

    def links(
        self,
        ids: Sequence[str],
        types: Sequence[RelType] | None = None,
        direction: Direction = Direction.BOTH,
        rel_props: Sequence[Prop] = (),
        node_props: Sequence[Prop] = (),
        limit: int = 100_000,
        other_flag: Prop | None = None,
    ) -> list[Link]:
        """One hop from each of ``ids`` over ``types`` (all if None): at most ``limit`` links, with the named
        properties of the relationship and of the other end; with ``other_flag`` (a boolean property such as
        ``sanctioned``), only links to entities where it is true."""
        if not ids:
            return []
        unique = list(dict.fromkeys(ids))
        return self._links(
            LinkQuery(unique, types, Direction(direction), tuple(rel_props), tuple(node_props), int(limit), other_flag)
        )

    def _links(self, query: LinkQuery) -> list[Link]: ...

    def count_links(
        self, ids: Sequence[str], types: Sequence[RelType] | None = None, direction: Direction = Direction.BOTH
    ) -> dict[str, int]:
        """How many distinct entities each id is linked to by such relationships (ids with none are absent)."""
        return self._count_links(list(dict.fromkeys(ids)), types, Direction(direction)) if ids else {}

    def _count_links(self, ids: list[str], types: RelTypes, direction: Direction) -> dict[str, int]: ...

    def link_degrees(
        self, ids: Sequence[str], types: Sequence[RelType] | None = None, direction: Direction = Direction.BOTH
    ) -> dict[str, int]:
        """How many such relationships each id has, read without expanding them - cheap even for a hub (for deciding
        whether a hop is worth walking): parallel relationships each count, as ``links`` would return each; ids
        with none, or not in the graph, are absent."""
        return self._link_degrees(list(dict.fromkeys(ids)), types, Direction(direction)) if ids else {}

    def _link_degrees(self, ids: list[str], types: RelTypes, direction: Direction) -> dict[str, int]: ...

    def entities_with_list_value(
        self,
        prop: Prop,
        values: Sequence[str],
        kind: NodeKind | None = None,
        node_props: Sequence[Prop] = (),
        limit: int = 10_000,
    ) -> list[ValueHit]:
        """Entities whose list property ``prop`` holds any of ``values``: (id, the values it holds, named props).

        Scans every entity (of ``kind``); meant for rare values such as identifiers, not for hot paths."""
        if not values:
            return []
        return self._with_list_value(prop, list(dict.fromkeys(values)), kind, tuple(node_props), int(limit))

    def _with_list_value(
        self, prop: Prop, values: list[str], kind: NodeKind | None, node_props: Sequence[Prop], limit: int
    ) -> list[ValueHit]: ...

    def iter_node_values(self, props: Sequence[Prop], batch_size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        """Every entity as a tuple (id, *values of ``props``), in batches: a bulk read for analyses."""
        ...

    def iter_relationship_values(
        self, rel_type: RelType, props: Sequence[Prop] = (), batch_size: int = 50_000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Every relationship of one type as (source id, target id, *values of ``props``), in batches."""
        ...

    # --- for the matcher (graph.matching) ------------------------------------------------------------------
    def match_candidates(self, words: Sequence[Sequence[str]], fuzzy: bool = True, limit: int = 20) -> list[Entity]:
        """Candidates for the matcher through the full-text name index (never a scan). ``words``: per query word,
        its spellings (folded words, as graph.names.fold writes them). For each word, the ``limit`` best-scored
        entities with a name or alias holding one of its spellings or, with ``fuzzy``, a word one edit away from
        the first (4+ letters); and the ``limit`` best holding every word. Their union, in no set order; each
        entity carries only cypher.MATCH_CANDIDATE_PROPS."""
        return self.match_candidates_many([words], fuzzy, limit)[0]

    # --- SAME_AS review (graph.matching.judgements) -------------------------------------------------------------
    def same_as_queue(self, statuses: Sequence[str], min_score: float = 0.0, limit: int = 100) -> list[Relationship]:
        """SAME_AS relationships whose status is one of ``statuses`` and score at least ``min_score``, best first."""
        ...

    def same_as_of(self, entity_id: str) -> list[Relationship]:
        """The SAME_AS relationships of one entity (either direction), best score first."""
        ...

    # --- for xref (graph.matching.xref): the matcher's candidates for a batch of parties ----------------------
    def match_candidates_many(
        self,
        queries: Sequence[Sequence[Sequence[str]]],
        fuzzy: bool = True,
        limit: int = 20,
        cache: MutableMapping[str, list[Entity]] | None = None,
    ) -> list[list[Entity]]:
        """What match_candidates returns for each of ``queries`` (its ``words`` each), the index queries of all of
        them in one round trip, each distinct query text once. ``cache`` (query text -> its entities), kept by the
        caller over a run of one store state, answers the texts asked before without asking the index again."""
        return self._match_many(queries, fuzzy, int(limit), {} if cache is None else cache)

    def _match_many(self, queries: Sequence[Words], fuzzy: bool, limit: int, known: Candidates) -> list[list[Entity]]:
        """match_candidates_many; ``known``: the caller's cache, or a new one."""
        ...


class ReviewWriter(Protocol):
    """Writes of SAME_AS candidates and their review (graph.matching.xref, graph.matching.judgements): apart from
    GraphWriter, which loaders wrap."""

    def upsert_same_as(self, rows: Sequence[Relationship], candidate: str) -> WriteCounts:
        """SAME_AS candidates keyed by their id (one per pair): a new one gets status ``candidate`` and its
        datasets; an unjudged one its new score, match_label and explanation; a judged one is left untouched.
        Rows whose ends are absent are not written."""
        ...

    def judge_same_as(self, rel_id: str, judgement: str | None, status: str, user: str, at: str) -> Relationship:
        """Record an analyst's judgement (None: undone) with the resulting status, who and when; the updated
        relationship. Raises SanctionsGraphError when no SAME_AS has this id."""
        ...


class RecordStore(Protocol):
    """The analysts' own records (graph.cases): nodes under a RecordLabel, never :Entity, without relationships,
    so loads, stats, search, analytics and exports never see them. A record is a flat map of str, number, bool or
    list-of-str values with a str ``id``."""

    def put_records(self, label: RecordLabel, rows: Sequence[dict[str, Any]]) -> int:
        """Create or replace records by id: each stored record becomes exactly its row (absent keys removed)."""
        ...

    def get_records(
        self, label: RecordLabel, key: RecordKey | None = None, values: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """Every record of ``label`` or, with ``key``, those whose ``key`` is one of ``values`` (no set order)."""
        ...

    def delete_records(self, label: RecordLabel, ids: Sequence[str]) -> int:
        """Delete records of ``label`` by id; how many were deleted."""
        ...


class GraphStore(GraphWriter, GraphReader, ReviewWriter, RecordStore, Protocol):
    """A whole store: both sides plus its lifecycle."""

    @property
    def description(self) -> str:
        """Where the store is, in words, e.g. 'Neo4j at bolt://127.0.0.1:7687'."""
        ...

    def clear(self) -> None:
        """Delete every node and relationship (tests and `db reset`)."""
        ...

    def close(self) -> None: ...
