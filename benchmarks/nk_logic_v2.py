"""The reference column of benchmarks/screen_bench.py: nomenklatura's logic-v2 matcher (OpenSanctions) with its own
candidate index, run on the same counterparty rows. Runs in an interpreter that has nomenklatura, never in the
project's venv (nomenklatura is not a dependency of sanctions-graph):

    python3 -m venv /tmp/nk-venv && /tmp/nk-venv/bin/pip install nomenklatura
    /tmp/nk-venv/bin/python benchmarks/nk_logic_v2.py --entities list.ftm.json --input rows.csv --out nk.jsonl

The list comes as FollowTheMoney entities (screen_bench.py writes them with the project's FtM export). Each row
becomes a query entity (Person, Organization, Vessel or CryptoWallet with name, country, birth date and the
identifier in the property of its kind); nomenklatura's blocking index (DuckDB) gives up to 75 candidates, logic-v2
scores each, and a score of at least 0.7 (the OpenSanctions API's default match threshold) is labelled "match".
A matched CryptoWallet also stands for its holders (the list designates the holder). Rows are screened one at a
time, and the seconds of each (index look-up and scoring) are written with its results.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from followthemoney import Dataset, StatementEntity, model
from nomenklatura.blocker.index import Index
from nomenklatura.matching import LogicV2
from nomenklatura.resolver import Linker
from nomenklatura.store.memory import MemoryStore

THRESHOLD = 0.7
SCHEMATA = {"person": "Person", "company": "Organization", "vessel": "Vessel", "wallet": "CryptoWallet"}
ID_PROPS = {
    "imo": "imoNumber",
    "passport": "passportNumber",
    "tax id": "innCode",
    "swift": "swiftBic",
}


def query_entity(dataset: Dataset, row: dict[str, str]) -> StatementEntity:
    schema = SCHEMATA.get(row.get("kind", "").strip().lower(), "LegalEntity")
    entity = StatementEntity(dataset, {"schema": schema, "id": f"q-{row['row_id']}"})
    if row.get("name"):
        entity.add("name", row["name"])
    if row.get("country"):
        entity.add("country" if schema != "Vessel" else "flag", row["country"].lower())
    if row.get("birth_date") and schema == "Person":
        entity.add("birthDate", row["birth_date"])
    ident = (row.get("identifier") or "").strip()
    if ident:
        if schema == "CryptoWallet":
            entity.add("publicKey", ident)
        else:
            m = re.match(r"^(imo|passport|tax id|swift)\s+(.+)$", ident, re.IGNORECASE)
            prop = ID_PROPS.get(m.group(1).lower(), "idNumber") if m else "idNumber"
            value = ident if m and m.group(1).lower() == "imo" else (m.group(2) if m else ident)
            if not entity.schema.get(prop):
                prop = "idNumber" if entity.schema.get("idNumber") else "registrationNumber"
            entity.add(prop, value)
    return entity


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entities", type=Path, required=True)
    ap.add_argument("--input", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=5)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)

    dataset = Dataset.make({"name": "sdn", "title": "OFAC SDN"})
    store: MemoryStore[Dataset, StatementEntity] = MemoryStore(dataset, Linker[StatementEntity]({}))
    holders: dict[str, list[str]] = {}
    with store.writer() as writer, args.entities.open("rb") as fh:
        for line in fh:
            data = orjson.loads(line)
            schema = model.get(data.get("schema", ""))
            if schema is None or not schema.matchable:
                continue
            if schema.name == "CryptoWallet":
                holders[data["id"]] = list(data.get("properties", {}).get("holder", []))
            writer.add_entity(StatementEntity.from_data(dataset, data))
    view = store.default_view()
    with tempfile.TemporaryDirectory() as tmp:
        index = Index(view, Path(tmp), options={"max_candidates": 75})
        index.build()
        config = LogicV2.default_config()
        with args.input.open(newline="", encoding="utf-8") as fh, args.out.open("w", encoding="utf-8") as out:
            for row in csv.DictReader(fh):
                started = time.perf_counter()
                query = query_entity(dataset, row)
                scored: dict[str, float] = {}
                for _, candidates in index.match_entities([query]):
                    for ident, _score in candidates:
                        entity = view.get_entity(ident.id)
                        if entity is None:
                            continue
                        score = float(LogicV2.compare(query, entity, config).score)
                        for rid in [*holders.get(str(entity.id), []), entity.id]:  # the holder first on ties
                            scored[str(rid)] = max(score, scored.get(str(rid), 0.0))
                best = sorted(scored.items(), key=lambda kv: -kv[1])[: args.limit]
                results: list[dict[str, Any]] = [
                    {"id": rid, "score": round(s, 4), "label": "match" if s >= THRESHOLD else ""} for rid, s in best
                ]
                seconds = time.perf_counter() - started
                out.write(json.dumps({"row_id": row["row_id"], "results": results, "seconds": seconds}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
