"""The floor of the bulk load's files half on one core: read the FtM lines, decode each with orjson and write one
CSV row per record (a node's id, labels and its properties joined; an edge's ends, type and id), nothing else - no
validation, no mapping, no edge resolution. What any parser of this file in Python pays at least, per core.

    .venv/bin/python benchmarks/parse_floor.py /tmp/parse-100k/bench-100000-300000-7.ftm.json
"""

from __future__ import annotations

import csv
import gc
import io
import sys
import time
from pathlib import Path

import orjson

_EDGE_ENDS = {
    "Ownership": ("owner", "asset"),
    "Directorship": ("director", "organization"),
    "Employment": ("employer", "employee"),
    "Payment": ("payer", "beneficiary"),
    "UnknownLink": ("subject", "object"),
}


def floor(path: Path, out: Path | None) -> dict[str, float]:
    gc.disable()
    cpu, wall = time.process_time(), time.perf_counter()
    sink = out.open("w", encoding="utf-8", newline="") if out is not None else io.StringIO()
    writer = csv.writer(sink, quoting=csv.QUOTE_ALL, lineterminator="\n")
    records = 0
    loads = orjson.loads
    with path.open("rb") as handle:
        for raw in handle:
            if not raw.strip():
                continue
            data = loads(raw)
            records += 1
            props = data.get("properties", {})
            ends = _EDGE_ENDS.get(data.get("schema", ""))
            if ends is not None:
                writer.writerow([props.get(ends[0], [""])[0], props.get(ends[1], [""])[0], data["schema"], data["id"]])
            else:
                writer.writerow([data["id"], data.get("schema", ""), *("\x1f".join(v) for v in props.values())])
            if out is None and records % 10000 == 0:
                sink.seek(0)
                sink.truncate()
    sink.close()
    return {
        "records": records,
        "cpu_s": round(time.process_time() - cpu, 2),
        "wall_s": round(time.perf_counter() - wall, 2),
    }


if __name__ == "__main__":
    result = floor(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    result["records_per_cpu_s"] = round(result["records"] / result["cpu_s"])
    print(result)
