"""The table of sources the CLI reads: one ``SourceSpec`` per ``sanctions-graph load NAME``.

Each entry names its extra options and builds its source from the parsed options and paths; ``build`` imports the
source's module only when called (each pulls its own libraries). Adding a source = one entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph import ConfigError
from loaders.framework import Source


@dataclass(frozen=True)
class SourceOption:
    """An extra option of ``sanctions-graph load NAME``."""

    name: str  # python name, e.g. "dataset", "mapping"; the CLI flag is --dataset / --mapping
    help: str
    default: str | None = None
    required: bool = False
    metavar: str | None = None  # how --help shows the value (default: the name upper-cased)


@dataclass(frozen=True)
class SourceSpec:
    """One source format the CLI can load."""

    name: str  # CLI name: "ofac-sdn", "jsonl", "ftm", "icij", "transfers", "csv"
    summary: str  # one line for --help
    paths_help: str
    paths_required: bool  # csv takes the files from its mapping when none are given
    options: tuple[SourceOption, ...]
    build: Callable[[Mapping[str, Any], list[Path]], tuple[Source, list[Path]]]


def _ofac(options: Mapping[str, Any], paths: list[Path]) -> tuple[Source, list[Path]]:
    from loaders.sources.ofac_sdn import OfacSdnSource

    publication = options.get("publication") or "partial"
    if publication not in ("full", "partial"):
        raise ConfigError(f"--publication must be 'full' or 'partial', not {publication!r}.")
    return OfacSdnSource(full_publication=publication == "full"), paths


def _jsonl(options: Mapping[str, Any], paths: list[Path]) -> tuple[Source, list[Path]]:
    from loaders.sources.native_jsonl import NativeJsonlSource

    return NativeJsonlSource(options["dataset"]), paths


def _ftm(options: Mapping[str, Any], paths: list[Path]) -> tuple[Source, list[Path]]:
    from loaders.sources.ftm import FtmSource

    workers = options.get("workers")
    if workers is not None:
        try:
            count = int(workers)
        except ValueError:
            count = 0
        if not 1 <= count <= 64:
            raise ConfigError(f"--workers must be a whole number from 1 to 64, not {workers!r}.")
        workers = count
    return FtmSource(options.get("dataset"), workers=workers), paths


def _icij(options: Mapping[str, Any], paths: list[Path]) -> tuple[Source, list[Path]]:
    from loaders.sources.icij import IcijSource

    return IcijSource(), paths


def _transfers(options: Mapping[str, Any], paths: list[Path]) -> tuple[Source, list[Path]]:
    from loaders.sources.transfers import TransfersSource

    return TransfersSource(options["mapping"], options.get("dataset") or "transfers"), paths


def _csv(options: Mapping[str, Any], paths: list[Path]) -> tuple[Source, list[Path]]:
    from loaders.sources.plain_csv import PlainCsvSource

    source = PlainCsvSource(Path(options["mapping"]))  # the mapping is validated here, before any row is read
    return source, paths or source.files()


_DIRECTORY = "files, or a directory holding them"
_CSV_MAPPING_HELP = "docs/loaders-csv.md"

#: `load NAME` -> its spec, in the order --help lists them.
SOURCES: dict[str, SourceSpec] = {
    spec.name: spec
    for spec in (
        SourceSpec(
            name="ofac-sdn",
            summary="OFAC SDN classic CSV (sdn.csv, and add.csv, alt.csv, sdn_comments.csv when present)",
            paths_help=_DIRECTORY,
            paths_required=True,
            options=(
                SourceOption(
                    "publication",
                    "full: the files are OFAC's whole list of one day, so records of earlier loads they lack are "
                    "removed (docs/cases.md); partial (default): an extract or sample, nothing removed",
                    default="partial",
                    metavar="full|partial",
                ),
            ),
            build=_ofac,
        ),
        SourceSpec(
            name="jsonl",
            summary="sanctions-graph's own JSON lines",
            paths_help="files",
            paths_required=True,
            options=(SourceOption("dataset", "dataset name recorded on every node and relationship", required=True),),
            build=_jsonl,
        ),
        SourceSpec(
            name="ftm",
            summary="FollowTheMoney entity JSON lines, plain or gzip (OpenSanctions, Aleph exports; delta files)",
            paths_help=_DIRECTORY,
            paths_required=True,
            options=(
                SourceOption("dataset", "dataset name for lines that carry no 'datasets' (default: ftm)"),
                SourceOption(
                    "workers",
                    "processes parsing a plain file's lines, the loading process applying them in order (default: "
                    "one per core, at most 4; 1: the loading process alone; a gzip file or one under 8 MB is read "
                    "by the loading process)",
                    metavar="N",
                ),
            ),
            build=_ftm,
        ),
        SourceSpec(
            name="icij",
            summary="ICIJ Offshore Leaks database CSV (nodes-*.csv and relationships.csv, mapped by header name)",
            paths_help="the unzipped download directory, or some of its files",
            paths_required=True,
            options=(),
            build=_icij,
        ),
        SourceSpec(
            name="transfers",
            summary="crypto transfer CSV (tracer or block-explorer exports): wallet-to-wallet TRANSFERRED edges",
            paths_help=_DIRECTORY,
            paths_required=True,
            options=(
                SourceOption(
                    "mapping",
                    f"a built-in column mapping (tracer, etherscan) or a TOML mapping file ({_CSV_MAPPING_HELP})",
                    required=True,
                    metavar="FILE|tracer|etherscan",
                ),
                SourceOption("dataset", "dataset name recorded on wallets and transfers", default="transfers"),
            ),
            build=_transfers,
        ),
        SourceSpec(
            name="csv",
            summary=f"plain CSV spreadsheets mapped to the vocabulary by a TOML mapping ({_CSV_MAPPING_HELP})",
            paths_help="files or directories (default: the files the mapping names)",
            paths_required=False,
            options=(
                SourceOption("mapping", "the TOML mapping, validated before any row", required=True, metavar="FILE"),
            ),
            build=_csv,
        ),
    )
}


def demo_sources(ofac_dir: Path, scenario_file: Path, scenario_dataset: str) -> list[tuple[Source, list[Path]]]:
    """The demo load: the OFAC SDN sample, then the scenario's JSON lines (the CLI passes its demo files)."""
    return [
        SOURCES["ofac-sdn"].build({}, [ofac_dir]),
        SOURCES["jsonl"].build({"dataset": scenario_dataset}, [scenario_file]),
    ]
