"""Where the demo data lives (shipped inside the package, so a plain `pip install` can run the demo)."""

from __future__ import annotations

from pathlib import Path

SCENARIO_DATASET = "demo_fictional"
_DEMO = Path(__file__).resolve().parent / "demo"


def ofac_dir() -> Path:
    """The real OFAC SDN extract (DPRK, cyber and digital-currency records, 2024-05-03)."""
    return _DEMO / "ofac-sdn-2024-05-03-dprk"


def scenario_file() -> Path:
    """The small fictional scenario in sanctions-graph JSON lines."""
    return _DEMO / "scenario.jsonl"
