"""Grouping: many leaves of one kind on one entity (240 wallets paid by one company, 60 employees of one firm) drawn
as ONE group node with a count, which opens into its members on click. Pure functions of the drawn view.

A leaf is a drawn entity with exactly one drawn relationship, that is neither the page's entity nor pinned, nor
waiting behind an "N more" node. Leaves hanging on the same entity, of the same kind, by the same kind of
relationship in the same direction, form a group when there are at least ``ViewState.group_min`` of them (0: never),
unless the analyst opened that group (``GraphState.opened``) or expanded its entity (asking for its connections
is asking to see them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dashboard.entity.working_graph import EdgeInfo, NodeInfo
from dashboard.formatting import kind_caption, plural

GROUP_PREFIX = "group:"
_SEP = "~"


@dataclass(frozen=True)
class Group:
    parent: str
    kind: str
    rel: str
    outgoing: bool  # the relationship goes from the parent to the members
    members: tuple[str, ...]
    edges: tuple[str, ...]

    @property
    def id(self) -> str:
        return group_id(self.parent, self.kind, self.rel, self.outgoing)


def group_id(parent: str, kind: str, rel: str, outgoing: bool) -> str:
    return GROUP_PREFIX + _SEP.join((parent, kind, rel, "out" if outgoing else "in"))


def group_parent(element_id: str) -> str | None:
    """The entity a group node hangs on, or None for any other id."""
    if not element_id.startswith(GROUP_PREFIX):
        return None
    parts = element_id[len(GROUP_PREFIX) :].rsplit(_SEP, 3)
    return parts[0] if len(parts) == 4 else None


def find_groups(
    nodes: Mapping[str, NodeInfo],
    drawn: Sequence[str],
    edges: Iterable[EdgeInfo],
    keep: Iterable[str],
    opened: Iterable[str],
    group_min: int,
) -> list[Group]:
    """The groups to draw among ``drawn`` entities joined by ``edges`` (``keep``: entities never grouped: the
    page's entity, pinned ones, those with an "N more" node, expanded parents' leaves are left to the caller)."""
    if group_min <= 0:
        return []
    edge_list = list(edges)
    degree: dict[str, int] = dict.fromkeys(drawn, 0)
    for e in edge_list:
        if e.source != e.target:
            degree[e.source] = degree.get(e.source, 0) + 1
            degree[e.target] = degree.get(e.target, 0) + 1
    never, closed = set(keep), set(opened)
    buckets: dict[tuple[str, str, str, bool], tuple[list[str], list[str]]] = {}
    for e in edge_list:
        for leaf, parent, outgoing in ((e.target, e.source, True), (e.source, e.target, False)):
            if leaf == parent or degree.get(leaf) != 1 or leaf in never or leaf not in nodes:
                continue
            if degree.get(parent, 0) == 1 and parent in never:
                continue
            members, ids = buckets.setdefault((parent, nodes[leaf].kind, e.type, outgoing), ([], []))
            members.append(leaf)
            ids.append(e.id)
    groups = []
    for (parent, kind, rel, outgoing), (members, ids) in buckets.items():
        if len(members) >= group_min and group_id(parent, kind, rel, outgoing) not in closed:
            groups.append(Group(parent, kind, rel, outgoing, tuple(members), tuple(ids)))
    return groups


def group_label(group: Group) -> str:
    """'240 wallets', '60 persons'."""
    caption = kind_caption(group.kind).lower()
    many = caption if caption.endswith("s") else caption + "s"
    return plural(len(group.members), caption, many)


def group_elements(group: Group, parent_name: str, sanctioned: int = 0) -> list[dict[str, Any]]:
    """The group node and its one line to the parent (the relationship's class, so it reads like the members')."""
    source, target = (group.parent, group.id) if group.outgoing else (group.id, group.parent)
    data: dict[str, Any] = {
        "id": group.id,
        "label": group_label(group),
        "name": f"{group_label(group)} of {parent_name}",
        "kind": "group",
        "member_kind": group.kind,
        "parent_id": group.parent,
        "count": len(group.members),
        "sanctioned_members": sanctioned,
    }
    classes = f"group {group.kind}" + (" group-sanctioned" if sanctioned else "")
    return [
        {"data": data, "classes": classes, "locked": False},
        {
            "data": {
                "id": f"group-edge:{group.id}",
                "source": source,
                "target": target,
                "type": group.rel,
                "label": f"{group.rel.replace('_', ' ').lower()} ({len(group.members):,})",
            },
            "classes": f"{group.rel} group-edge",
        },
    ]
