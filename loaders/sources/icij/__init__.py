"""ICIJ Offshore Leaks database CSV (the node files and relationships.csv of the public bulk download)."""

from loaders.sources.icij.source import IcijSource, classify, countries, dataset_of, icij_date

__all__ = ["IcijSource", "classify", "countries", "dataset_of", "icij_date"]
