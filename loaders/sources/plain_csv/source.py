"""Plain CSV with a header row: data engineers' own spreadsheets mapped to the vocabulary by a declarative TOML file.

The mapping format is documented in docs/loaders-csv.md (with a complete example in tests/fixtures/csv/). In short:
one ``[[files]]`` table per file names its node kind or relationship type, the id column (or an id template such as
``"acme-co-{company_id}"``), the name column, property columns -> vocabulary properties, the link ends (source and
target id columns or templates, or ``source_wallet``/``target_wallet`` address columns), constants, and the columns
deliberately ignored. ``load_mapping`` validates the whole mapping against the vocabulary before any row is read; every
problem is reported with its key (``mapping.toml: files[1].properties.shoesize: 'shoesize' is not a property of the
vocabulary``). ``files[0]`` is the first ``[[files]]`` table.

Files are read by loaders.common.csvfiles (the one CSV reader: header by name, line numbers, encoding rule). Every
column of a file is used by the mapping or listed in ``ignore``; others are reported as a warning. A column the mapping
names that the file lacks stops the load (SourceFormatError naming file, column and mapping key) before anything is
emitted. Bad rows (a missing id, name or end, a value that is not a number, date or yes/no where one is needed) are
rejected with file, line, field and reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph import FLAG_PROPS, LIST_PROPS, NodeKind, NodeRecord, Prop, RelRecord, SourceFormatError, rel_id, wallet_id
from loaders.common.chains import address_chain
from loaders.common.csvfiles import CsvRecord, file_date_order, iter_records, read_header, unknown_columns
from loaders.common.values import (
    AUTO,
    DateOrder,
    canonical_address,
    parse_date,
    parse_flag,
    parse_number,
    parse_timestamp,
    wallet_address_problem,
)
from loaders.framework import BadRecord, LoadContext
from loaders.sources.plain_csv.mapping import DATE_PROPS, NUMBER_PROPS, TIMESTAMP_PROPS, End, FileMap, load_mapping


class PlainCsvSource:
    """Reads header-row CSV files as a validated TOML mapping says (see docs/loaders-csv.md)."""

    name = "csv"

    def __init__(self, mapping_path: Path) -> None:
        self.mapping = load_mapping(mapping_path)  # validated before any row is read

    def expected_counts(self) -> dict[str, int]:
        return {"records": 1}

    def files(self) -> list[Path]:
        """The files the mapping names (relative to the mapping file), without duplicates, in mapping order."""
        return list(dict.fromkeys(fm.path for fm in self.mapping.files))

    def plan(self, paths: Sequence[Path]) -> list[tuple[FileMap, Path]]:
        """Which mapping applies to which file: every [[files]] table when no path is given; otherwise each path
        (a directory: its *.csv files) goes with the tables whose path has the same file name."""
        if not paths:
            return [(fm, fm.path) for fm in self.mapping.files]
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
            else:
                files.append(path)
        plan: list[tuple[FileMap, Path]] = []
        for path in files:
            maps = [fm for fm in self.mapping.files if fm.path.name == path.name]
            if not maps:
                names = ", ".join(sorted({fm.path.name for fm in self.mapping.files}))
                raise SourceFormatError(
                    str(path), None, None, f"not named in the mapping {self.mapping.path} (it names: {names})"
                )
            plan += [(fm, path) for fm in maps]
        return plan

    def read(self, paths: Sequence[Path], ctx: LoadContext) -> None:
        plan = self.plan(paths)
        headers: list[list[str]] = []
        for fm, path in plan:  # every structural check before any row is emitted
            if not path.is_file():
                raise SourceFormatError(str(path), None, None, f"no such file (named by {self.mapping.path}: {fm.key})")
            header = read_header(path)
            used = fm.used_columns()
            for column, key in used.items():
                if column not in header:
                    shown = ", ".join(h or "(unnamed)" for h in header)
                    raise SourceFormatError(
                        str(path),
                        1,
                        column,
                        f"missing column '{column}' named by {self.mapping.path.name}: {key} (the header has: {shown})",
                    )
            unknown = unknown_columns(header, set(used) | fm.ignore)
            if unknown:
                ctx.note("columns neither mapped nor ignored (not loaded)", len(unknown))
                ctx.warn(f"{path}: column(s) neither mapped nor ignored by {fm.key}, not loaded: {', '.join(unknown)}")
            missing_ignored = sorted(fm.ignore - set(header))
            if missing_ignored:
                ctx.warn(f"{path}: {fm.key}.ignore names column(s) the file lacks: {', '.join(missing_ignored)}")
            headers.append(header)
        for (fm, path), header in zip(plan, headers, strict=True):
            order = self._date_order(fm, path, header, ctx)
            for record in iter_records(path, header, ctx):
                try:
                    self._record(fm, record, ctx, order)
                except BadRecord as bad:
                    ctx.reject(str(path), record.line, bad.field, bad.reason, record.raw)

    # --- rows -----------------------------------------------------------------------------------------------------
    @staticmethod
    def _date_order(fm: FileMap, path: Path, header: list[str], ctx: LoadContext) -> DateOrder | None:
        """The mapping's date_order, else the one the file's own dates prove (columns read without a format)."""
        if fm.date_order is not None:
            return fm.date_order
        columns = [
            pm.columns[0]
            for pm in fm.properties
            if (pm.prop in DATE_PROPS and fm.date_format is None)
            or (pm.prop in TIMESTAMP_PROPS and fm.timestamp_format == AUTO)
        ]
        return file_date_order(path, header, columns, ctx)

    def _record(self, fm: FileMap, record: CsvRecord, ctx: LoadContext, order: DateOrder | None) -> None:
        if any(not record.get(column) for column in fm.skip_empty):
            ctx.note(f"rows skipped: a column of skip_empty is empty ({fm.path.name}, {fm.key})")
            return
        props = self._props(fm, record, order)
        dataset = self.mapping.dataset
        if fm.node is not None:
            node_id, name = self._node_identity(fm, record, props)
            props[Prop.NAME] = name
            props[Prop.DATASETS] = [dataset]
            props[Prop.SOURCE_IDS] = [f"{dataset}:{node_id}"]
            ctx.node(NodeRecord(node_id, fm.node, props))
            return
        assert fm.relationship is not None and fm.source is not None and fm.target is not None
        source = self._end_id(fm.source, record)
        target = self._end_id(fm.target, record)
        qualifiers: list[str] = []
        if fm.id is not None:
            value, empty = fm.id.render(record)
            if value is None:
                raise BadRecord(empty, f"missing id: column '{empty}' is empty ({fm.key}.id)")
            qualifiers.append(value)
        props[Prop.DATASETS] = [dataset]
        ctx.rel(RelRecord(rel_id(fm.relationship, source, target, *qualifiers), fm.relationship, source, target, props))

    def _node_identity(self, fm: FileMap, record: CsvRecord, props: dict[Prop, Any]) -> tuple[str, str]:
        if fm.node is NodeKind.WALLET:
            assert fm.wallet_address is not None
            address = record.get(fm.wallet_address)
            problem = wallet_address_problem(address)
            if problem:
                raise BadRecord(fm.wallet_address, problem)
            canonical = canonical_address(address)
            keys = props.setdefault(Prop.LOOKUP_KEYS, [])
            if canonical not in keys:
                keys.append(canonical)
            chain = address_chain(canonical)
            if chain and Prop.CHAIN not in props:
                props[Prop.CHAIN] = chain
            return wallet_id(canonical), canonical
        assert fm.id is not None and fm.name is not None
        node_id, empty = fm.id.render(record)
        if node_id is None:
            raise BadRecord(empty, f"missing id: column '{empty}' is empty ({fm.key}.id)")
        name, empty = fm.name.render(record)
        if name is None:
            raise BadRecord(empty, f"missing name: column '{empty}' is empty ({fm.key}.name)")
        return node_id, " ".join(name.split())

    @staticmethod
    def _end_id(end: End, record: CsvRecord) -> str:
        if end.wallet is not None:
            address = record.get(end.wallet)
            problem = wallet_address_problem(address)
            if problem:
                raise BadRecord(end.wallet, f"{problem} ({end.key})")
            return wallet_id(canonical_address(address))
        assert end.template is not None
        value, empty = end.template.render(record)
        if value is None:
            raise BadRecord(empty, f"missing {end.key}: column '{empty}' is empty")
        return value

    def _props(self, fm: FileMap, record: CsvRecord, order: DateOrder | None) -> dict[Prop, Any]:
        props: dict[Prop, Any] = {p: (list(v) if isinstance(v, list) else v) for p, v in fm.constants.items()}
        for pm in fm.properties:
            if pm.prop in LIST_PROPS:
                values: list[str] = []
                for index, column in enumerate(pm.columns):
                    for part in record.get(column).split(fm.separator):
                        part = " ".join(part.split())
                        if not part:
                            continue
                        if pm.labels:
                            part = f"{pm.labels[index]}: {part}"
                        elif pm.prop is Prop.COUNTRIES and len(part) == 2 and part.isalpha():
                            part = part.lower()
                        if part not in values:
                            values.append(part)
                if pm.labels:  # identifiers are also lookup keys (the raw value, as analysts paste it)
                    keys = props.setdefault(Prop.LOOKUP_KEYS, [])
                    keys += [v.split(": ", 1)[1] for v in values if v.split(": ", 1)[1] not in keys]
                if values:
                    props[pm.prop] = [*props.get(pm.prop, []), *[v for v in values if v not in props.get(pm.prop, [])]]
                continue
            column = pm.columns[0]
            text = record.get(column)
            if not text:
                continue
            try:
                props[pm.prop] = self._value(fm, pm.prop, text, order)
            except ValueError as exc:
                raise BadRecord(column, f"{exc} ({fm.key}.properties.{pm.prop.value})") from None
        return props

    @staticmethod
    def _value(fm: FileMap, prop: Prop, text: str, order: DateOrder | None) -> Any:
        if prop in FLAG_PROPS:
            return parse_flag(text)
        if prop in NUMBER_PROPS:
            number = parse_number(text)
            return int(number) if prop is Prop.TONNAGE and number.is_integer() else number
        if prop in DATE_PROPS:
            return parse_date(text, fm.date_format, order)
        if prop in TIMESTAMP_PROPS:
            return parse_timestamp(text, fm.timestamp_format, order)
        return " ".join(text.split()) if prop is not Prop.NOTES else text.strip()
