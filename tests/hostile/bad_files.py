"""Bad input files for the hostile tests and benchmark: each bad line stands between good ones, so a test can
require that the bad costs only itself."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

#: (name, the bad JSON line, the field named in the rejection or None, words of the reason)
BAD_LINES: list[tuple[str, str, str | None, str]] = [
    ("nul", '{"node":"Company","id":"bad-nul","name":"a\\u0000b"}', "name", "NUL"),
    ("nan", '{"node":"Vessel","id":"bad-nan","name":"x","tonnage":NaN}', "tonnage", "NaN"),
    ("infinity", '{"node":"Vessel","id":"bad-inf","name":"x","tonnage":-Infinity}', "tonnage", "infinite"),
    ("huge-int", '{"node":"Vessel","id":"bad-big","name":"x","tonnage":' + str(2**64) + "}", "tonnage", "64 bits"),
    ("map", '{"node":"Company","id":"bad-map","name":{"first":"a"}}', "name", "map"),
    ("list-of-maps", '{"node":"Company","id":"bad-lom","name":"x","aliases":[{"a":1}]}', "aliases", "list of maps"),
    ("nested-list", '{"node":"Company","id":"bad-nest","name":"x","aliases":[["a"]]}', "aliases", "nested list"),
    ("designation-string", '{"node":"Person","id":"bad-des","name":"x","designation":"OFAC"}', "designation", "map"),
    ("lone-surrogate", '{"node":"Company","id":"bad-sur","name":"\\udc00"}', "name", "Unicode"),
    ("deep-nesting", "[" * 100_000 + "]" * 100_000, None, "nested too deeply"),
    ("garbage", "}{ not json at all", None, "not JSON"),
    ("not-object", "[1, 2, 3]", None, "not a JSON object"),
    ("unknown-kind", '{"node":"Spaceship","id":"bad-kind","name":"x"}', "node", "unknown node kind"),
    ("long-name", '{"node":"Company","id":"bad-long","name":"' + "A" * 200_001 + '"}', "name", "too long"),
    ("bad-rel-end", '{"rel":"OWNS","source":"good-0","target":"x\\u0000y"}', "target", "NUL"),
    ("rel-nan", '{"rel":"OWNS","source":"good-0","target":"good-1","percentage":NaN}', "percentage", "NaN"),
]

#: Derived properties a source may try to set: dropped, counted, never stored.
SPOOFED = (
    '{"node":"Company","id":"spoof","name":"Spoofed Co","blocked_by_ownership":true,"exposure_hops":0,'
    '"search_text":"evil","listed_via":["x"]}'
)


def good_line(i: int) -> str:
    return json.dumps({"node": "Company", "id": f"good-{i}", "name": f"Good Company {i}"})


def write_bad_jsonl(path: Path) -> int:
    """A JSON-lines file with every bad line between good ones, undecodable bytes and a spoofed record; returns the
    number of good records in it (the spoofed record is good once its derived fields are dropped)."""
    lines: list[bytes] = [good_line(0).encode(), good_line(1).encode()]
    for i, (_, bad, _, _) in enumerate(BAD_LINES, start=2):
        lines.append(bad.encode("utf-8", "surrogatepass"))
        lines.append(good_line(i).encode())
    lines.append(b'{"node":"Company","id":"bad-bytes","name":"\xff\xfe\xc3"}')
    lines.append('{"node":"Company","id":"bad-utf16","name":"x"}'.encode("utf-16"))
    lines.append(SPOOFED.encode())
    lines.append(good_line(999).encode())
    path.write_bytes(b"\n".join(lines) + b"\n")
    return len(BAD_LINES) + 2 + 1 + 1


def write_gzip_bomb(path: Path, expanded_mb: int = 64) -> None:
    """A small gzip file that expands to ``expanded_mb`` MB of one endless line of spaces."""
    chunk = b" " * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(good_line(0).encode() + b"\n")
        for _ in range(expanded_mb):
            out.write(chunk)
        out.write(b"\n" + good_line(1).encode() + b"\n")
