"""Plain CSV: data engineers' own spreadsheets mapped to the vocabulary by a TOML file (docs/loaders-csv.md)."""

from loaders.common.mapping import MappingError
from loaders.sources.plain_csv.mapping import CsvMapping, FileMap, load_mapping, parse_template
from loaders.sources.plain_csv.source import PlainCsvSource

__all__ = ["CsvMapping", "FileMap", "MappingError", "PlainCsvSource", "load_mapping", "parse_template"]
