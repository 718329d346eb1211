"""sanctions-graph's own JSON lines: one node or relationship per line, written in the vocabulary's terms.

Used for the fictional demo scenario and for hand-made fixtures. Lines:
    {"node": "Company", "id": "demo-co-1", "name": "…", "countries": ["cn"], "front": true, …}
    {"rel": "OWNS", "source": "demo-pe-1", "target": "demo-co-1", "percentage": 60, …}
    {"designation": {"authority": "…", "programs": ["…"], "start_date": "…", "source_url": "…"}, …} inside a node
Every key must be a vocabulary property; anything else rejects the line with its name.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph import LIST_PROPS, Designation, NodeKind, NodeRecord, Prop, RelRecord, RelType, SourceFormatError, rel_id
from loaders.common.lines import bounded_lines
from loaders.framework import BadRecord, LoadContext

_NODE_KEYS = {"node", "id", "designation"}
_REL_KEYS = {"rel", "id", "source", "target"}


class NativeJsonlSource:
    """Reads sanctions-graph JSON lines (see the module docstring)."""

    name = "sanctions-graph-jsonl"

    def __init__(self, dataset: str) -> None:
        self.dataset = dataset

    def expected_counts(self) -> dict[str, int]:
        return {"records": 1}

    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None:
        for path in paths:
            try:
                handle = path.open("rb")
            except OSError as exc:
                raise SourceFormatError(str(path), None, None, f"cannot be read ({exc.strerror})") from exc
            with handle:
                for number, raw in enumerate(bounded_lines(handle, ctx.limits.line_bytes), start=1):
                    if not raw.strip():
                        continue
                    ctx.record_read(file=str(path), line=number)
                    if len(raw.rstrip(b"\r\n")) > ctx.limits.line_bytes:
                        cap = ctx.limits.line_bytes
                        ctx.reject(
                            str(path),
                            number,
                            None,
                            f"line too long: over {cap:,} bytes",
                            raw[:200].decode("utf-8", "replace"),
                        )
                        continue
                    try:
                        line = raw.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        reason = f"not UTF-8 text: byte {exc.start + 1} cannot be decoded (is the file UTF-16?)"
                        ctx.reject(str(path), number, None, reason, raw[:200].decode("utf-8", "replace"))
                        continue
                    self._line(str(path), number, line, ctx)

    def _line(self, file: str, number: int, line: str, ctx: LoadContext) -> None:
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            ctx.reject(file, number, None, f"not JSON: {exc.msg}", line.strip()[:1000])
            return
        except RecursionError:
            ctx.reject(file, number, None, "nested too deeply", line.strip()[:200])
            return
        if not isinstance(data, dict):
            ctx.reject(file, number, None, "not a JSON object", line.strip()[:1000])
            return
        try:
            if "node" in data:
                ctx.node(self._node(data))
            elif "rel" in data:
                ctx.rel(self._rel(data))
            else:
                ctx.reject(file, number, None, "neither 'node' nor 'rel' given", line.strip()[:1000])
        except BadRecord as bad:
            ctx.reject(file, number, bad.field, bad.reason, line.strip()[:1000])

    def _props(self, data: dict[str, Any], reserved: set[str]) -> dict[Prop, Any]:
        props: dict[Prop, Any] = {}
        for key, value in data.items():
            if key in reserved:
                continue
            try:
                prop = Prop(key)
            except ValueError:
                raise BadRecord(key, f"unknown property: {key}") from None
            if prop in (Prop.ID, Prop.KIND):  # other derived properties are dropped (and counted) by the context
                raise BadRecord(key, f"internal property: {key} is set by the store")
            if prop in LIST_PROPS and not isinstance(value, list):
                raise BadRecord(key, f"list expected: {key} must be a list")
            props[prop] = value
        props[Prop.DATASETS] = [self.dataset, *props.get(Prop.DATASETS, [])]
        return props

    def _node(self, data: dict[str, Any]) -> NodeRecord:
        try:
            kind = NodeKind(data["node"])
        except ValueError:
            raise BadRecord("node", f"unknown node kind: {data['node']}") from None
        node_id = data.get("id")
        if not isinstance(node_id, str) or not node_id:
            raise BadRecord("id", "missing id: every node needs a string id")
        props = self._props(data, _NODE_KEYS)
        if Prop.NAME not in props:
            raise BadRecord("name", "missing name")
        if "designation" in data:
            d = data["designation"]
            if not isinstance(d, dict) or not isinstance(d.get("programs", []), list):
                raise BadRecord("designation", "a map expected: designation must be {authority, programs, ...}")
            designation = Designation(
                authority=str(d.get("authority", "")),
                programs=tuple(d.get("programs", [])),
                start_date=d.get("start_date"),
                source_url=d.get("source_url"),
                record_id=node_id,
            )
            props[Prop.DESIGNATIONS] = [designation.to_json()]
            props[Prop.PROGRAMS] = list(designation.programs)
            props[Prop.SANCTIONED] = True
        props[Prop.SOURCE_IDS] = [f"{self.dataset}:{node_id}"]
        return NodeRecord(node_id, kind, props)

    def _rel(self, data: dict[str, Any]) -> RelRecord:
        try:
            rel_type = RelType(data["rel"])
        except ValueError:
            raise BadRecord("rel", f"unknown relationship type: {data['rel']}") from None
        source, target = data.get("source"), data.get("target")
        if not isinstance(source, str) or not isinstance(target, str):
            raise BadRecord(
                "source" if not isinstance(source, str) else "target", "missing end: source and target needed"
            )
        props = self._props(data, _REL_KEYS)
        qualifier = str(data.get("id") or props.get(Prop.TX_HASH) or props.get(Prop.DATE) or "")
        return RelRecord(rel_id(rel_type, source, target, qualifier), rel_type, source, target, props)
