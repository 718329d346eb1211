"""Benchmark of `search` on a generated store of up to millions of entities, and proof that it uses the index.

    .venv/bin/python benchmarks/search_bench.py --entities 1000000 --store embedded --home build/search-home
    .venv/bin/python benchmarks/search_bench.py --entities 20000 --queries 20           # a smoke run
    .venv/bin/python benchmarks/search_bench.py --skip-load ...                       # reuse the loaded store
    .venv/bin/python benchmarks/search_bench.py --store neo4j ...   # Neo4j from NEO4J_URI etc. (scripts/neo4j.sh)

The entities (seeded, so every run makes the same ones): persons, half of them Korean, each written in one
romanisation (DPRK usage "KIM Jong Un", Revised Romanization "Gim Jeong-eun", South Korean habit "Lee Sung-min",
McCune-Reischauer without breves), some with an alias in another romanisation or in Hangul; persons with Western
names; companies with generated trading names and registration numbers; wallets (EVM, bech32 and Tron addresses).
They are loaded through the store's write API (upsert_nodes), then `store.search(query, limit=20)` is timed for
--queries queries of each class:

  name            a whole name as stored (a person or a company)
  typo            one letter of a longer word changed, dropped or doubled
  romanisation    a Korean person's name in another romanisation than the stored one(s)
  hangul          a Korean person's name in Hangul
  identifier      a wallet address (EVM ones in upper case) or a registration number
  broad word      one very common word ("kim", "trading"): the worst case, thousands of candidates

Printed per class: median, p95 and max in ms; "found": how often the entity the query was made from, or one of
the same name (a big store holds many "Kim Chol Su"), is among the hits; "first": how often it is the first hit.
Then the plan of the candidate query (EXPLAIN: a full-text procedure call, no label or node scan) and, for contrast,
the time of one scan over every entity for a word.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import string
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import add_store_options, open_bench_store
from graph import cypher
from graph.model import NodeRecord, SearchHit
from graph.names import canonical, fold, query_terms
from graph.stores.base import GraphStore
from graph.vocabulary import NodeKind, Prop

# --- Korean names: the spellings of each Hangul syllable (benchmarks/korean_names.toml, which says which is which)
_KOREAN = tomllib.loads((Path(__file__).with_name("korean_names.toml")).read_text(encoding="utf-8"))
SURNAMES: tuple[tuple[str, tuple[str, ...]], ...] = tuple((k, tuple(v)) for k, v in _KOREAN["surnames"].items())
SYLLABLES: tuple[tuple[str, tuple[str, ...]], ...] = tuple((k, tuple(v)) for k, v in _KOREAN["syllables"].items())
WESTERN_FIRST = (  # noqa: SIM905 - word lists read best as text
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph "
    "Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Margaret Donald Sandra Steven "
    "Ashley Paul Kimberly Andrew Emily Joshua Donna Kenneth Michelle Kevin Carol Brian Amanda George Melissa Timothy "
    "Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy Nicholas "
    "Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon Helen Benjamin "
    "Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet Jack "
    "Catherine Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia "
    "Ivan Olga Sergei Natalia Dmitri Elena Alexei Irina Viktor Svetlana Wei Fang Jun Li Hao Mei Ahmed Fatima Omar "
    "Layla Hassan Yusuf Aisha Mehmet Elif Carlos Lucia Diego Sofia Mateo Valentina Pierre Camille Hans Greta"
).split()
WESTERN_LAST = (  # noqa: SIM905 - word lists read best as text
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson "
    "Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell "
    "Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris "
    "Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward "
    "Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel "
    "Myers Long Ross Foster Jimenez Ivanov Petrov Sidorov Volkov Kozlov Novikov Morozov Popov Sokolov Lebedev Wang "
    "Zhang Liu Chen Yang Huang Zhao Zhou Wu Xu Sun Ma Zhu Hu Guo Yilmaz Kaya Demir Sahin Celik Muller Schmidt "
    "Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Dubois Durand Lefebvre Moreau Laurent Rossi Russo "
    "Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Haddad Khoury Nasser Farah Aziz Rahman Hussain Khan"
).split()
COMPANY_WORDS = (  # noqa: SIM905 - word lists read best as text
    "Golden Maple Sunrise Northwind Pacific Atlantic Eastern Western Global United Pyongsan Korea Asia Silk Road "
    "Dragon Phoenix Tiger Crane Pine Lotus Jade Pearl Diamond Silver Iron Steel Ocean River Mountain Star Moon "
    "Harmony Unity Victory Progress Pioneer Frontier Horizon Summit Crown Royal Imperial Grand Prime Alpha Omega "
    "Delta Sigma Nova Vertex Apex Zenith Orbit Quantum Digital Cyber Smart Bright Clear Swift Rapid Express Trans "
    "Inter Meridian Sterling Liberty Heritage Legacy Crescent Coral Amber Cedar Willow Oak Birch Maple Aspen Falcon "
    "Eagle Hawk Condor Lion Panther Orient Baltic Caspian Aral Amur Tumen Yalu Rason Sinuiju Dandong Hamhung Kaesong"
).split()
COMPANY_TRADES = (  # noqa: SIM905 - word lists read best as text
    "Trading Shipping Logistics Technology Software Solutions Mining Metals Energy Petroleum Chemicals Textiles "
    "Electronics Machinery Construction Investment Capital Holdings Industries Commerce Import Export Fisheries "
    "Consulting Networks Systems Marine Aviation Pharmaceuticals Foods Tobacco Minerals Resources Development"
).split()
COMPANY_FORMS = ("Co Ltd", "Ltd", "LLC", "Inc", "Corporation", "Company", "Group", "Limited", "FZE", "JSC", "GmbH")
COMMON_WORDS = ("kim", "trading")

#: Share of entities per kind (persons are half Korean).
KIND_MIX = {NodeKind.PERSON: 0.5, NodeKind.COMPANY: 0.35, NodeKind.WALLET: 0.15}
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


# --- generation -------------------------------------------------------------------------------------------------


def _korean(rng: random.Random) -> tuple[list[tuple[str, tuple[str, ...]]], str]:
    """Syllables of a Korean name (surname first) and the romanisation style it is written in."""
    syllables = [rng.choice(SURNAMES), rng.choice(SYLLABLES), rng.choice(SYLLABLES)]
    return syllables, rng.choice(("dprk", "rr", "south"))


def korean_spelling(syllables: list[tuple[str, tuple[str, ...]]], style: str, rng: random.Random) -> str:
    """'KIM Jong Un' (dprk), 'Gim Jeong-eun' (rr) or 'Lee Sung-min' (south)."""
    index = {"dprk": 0, "rr": 1}.get(style)

    def form(forms: tuple[str, ...]) -> str:
        return forms[index] if index is not None else forms[-1]

    surname, given = form(syllables[0][1]), [form(s[1]) for s in syllables[1:]]
    if style == "dprk":
        return f"{surname.upper() if rng.random() < 0.5 else surname.title()} {' '.join(g.title() for g in given)}"
    return f"{surname.title()} {given[0].title()}-{given[1]}"


def hangul(syllables: list[tuple[str, tuple[str, ...]]]) -> str:
    return "".join(s[0] for s in syllables)


def evm_address(rng: random.Random) -> str:
    return "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40))


def wallet_address(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.6:
        return evm_address(rng)
    if roll < 0.85:
        return "bc1q" + "".join(rng.choice(BECH32) for _ in range(38))
    return "T" + "".join(rng.choice(BASE58) for _ in range(33))


class Generated:
    """The generated records, plus what the queries are made from (one sample of each class per entity picked)."""

    def __init__(self) -> None:
        self.records: dict[NodeKind, list[NodeRecord]] = {k: [] for k in KIND_MIX}
        self.koreans: list[tuple[str, list[tuple[str, tuple[str, ...]]], str]] = []  # id, syllables, stored style
        self.names: list[tuple[str, str]] = []  # id, name
        self.identifiers: list[tuple[str, str]] = []  # id, identifier as given


def generate(entities: int, seed: int) -> Generated:
    rng = random.Random(seed)
    out = Generated()
    persons = int(entities * KIND_MIX[NodeKind.PERSON])
    companies = int(entities * KIND_MIX[NodeKind.COMPANY])
    wallets = entities - persons - companies
    for i in range(persons):
        entity_id = f"bench-person-{i}"
        props: dict[Prop, Any] = {Prop.DATASETS: ["bench"]}
        if i % 2 == 0:
            syllables, style = _korean(rng)
            name = korean_spelling(syllables, style, rng)
            aliases = []
            if rng.random() < 0.3:
                aliases.append(korean_spelling(syllables, rng.choice(("dprk", "rr", "south")), rng))
            if rng.random() < 0.2:
                aliases.append(hangul(syllables))
            props[Prop.ALIASES] = [a for a in aliases if a != name]
            props[Prop.COUNTRIES] = ["kp" if style == "dprk" else "kr"]
            out.koreans.append((entity_id, syllables, style))
        else:
            name = f"{rng.choice(WESTERN_FIRST)} {rng.choice(WESTERN_LAST)}"
            if rng.random() < 0.3:
                name = f"{rng.choice(WESTERN_FIRST)} {name}"
        if rng.random() < 0.1:
            passport = f"{rng.choice(string.ascii_uppercase)}{rng.randrange(10**7, 10**8)}"
            props[Prop.IDENTIFIERS] = [f"Passport: {passport}"]
            props[Prop.LOOKUP_KEYS] = [passport]
        props[Prop.NAME] = name
        out.records[NodeKind.PERSON].append(NodeRecord(entity_id, NodeKind.PERSON, props))
        out.names.append((entity_id, name))
    for i in range(companies):
        entity_id = f"bench-company-{i}"
        words = rng.sample(COMPANY_WORDS, 2 if rng.random() < 0.6 else 1)
        name = f"{' '.join(words)} {rng.choice(COMPANY_TRADES)} {rng.choice(COMPANY_FORMS)}"
        registration = f"{rng.choice(('RC', 'HRB', 'KP', 'CN'))}-{rng.randrange(10**6, 10**9)}"
        props = {
            Prop.NAME: name,
            Prop.IDENTIFIERS: [f"Registration number: {registration}"],
            Prop.LOOKUP_KEYS: [registration],
            Prop.DATASETS: ["bench"],
        }
        out.records[NodeKind.COMPANY].append(NodeRecord(entity_id, NodeKind.COMPANY, props))
        out.names.append((entity_id, name))
        out.identifiers.append((entity_id, registration))
    for _ in range(wallets):
        address = wallet_address(rng)
        entity_id = f"wallet-{address.lower() if address.startswith(('0x', 'bc1')) else address}"
        props = {
            Prop.NAME: address,
            Prop.ADDRESS: address,
            Prop.CHAIN: "evm" if address.startswith("0x") else ("bitcoin" if address.startswith("bc1") else "tron"),
            Prop.LOOKUP_KEYS: [address],
            Prop.DATASETS: ["bench"],
        }
        out.records[NodeKind.WALLET].append(NodeRecord(entity_id, NodeKind.WALLET, props))
        shown = "0x" + address[2:].upper() if address.startswith("0x") else address  # any case finds an EVM address
        out.identifiers.append((entity_id, shown))
    return out


def _batches(items: list[NodeRecord], size: int) -> Iterator[list[NodeRecord]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load(store: GraphStore, generated: Generated, batch: int) -> float:
    store.ensure_schema()
    t0 = time.perf_counter()
    done = 0
    for kind, records in generated.records.items():
        for chunk in _batches(records, batch):
            store.upsert_nodes(kind, chunk)
            done += len(chunk)
            if done % (batch * 20) == 0:
                rate = done / (time.perf_counter() - t0)
                print(f"  loaded {done:,} entities ({rate:,.0f}/s)", flush=True)
    return time.perf_counter() - t0


# --- queries ------------------------------------------------------------------------------------------------------

Query = tuple[str, str]  # (query text, id of the entity it was made from; "" when any hit will do)


def _same_name(hit: SearchHit, target: NodeRecord | None) -> bool:
    """Whether a hit is the target or an entity of the same name (a big store holds many "Kim Chol Su")."""
    if target is None:
        return True
    if hit.entity.id == target.id:
        return True
    names = [str(target.props.get(Prop.NAME, "")), *target.props.get(Prop.ALIASES, [])]
    wanted = {canonical(n) for n in names}
    return any(canonical(n) in wanted for n in [hit.entity.name, *hit.entity.aliases])


def _typo(name: str, rng: random.Random) -> str | None:
    words = name.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return None
    i = rng.choice(long)
    w = words[i]
    k = rng.randrange(1, len(w) - 1)
    roll = rng.random()
    if roll < 0.4:
        w = w[:k] + rng.choice([c for c in string.ascii_lowercase if c != w[k].lower()]) + w[k + 1 :]
    elif roll < 0.7:
        w = w[:k] + w[k + 1 :]
    else:
        w = w[:k] + w[k] + w[k:]
    words[i] = w
    return " ".join(words)


def make_queries(generated: Generated, per_class: int, seed: int) -> dict[str, list[Query]]:
    rng = random.Random(seed + 1)
    queries: dict[str, list[Query]] = {}
    queries["name"] = [(name, i) for i, name in rng.sample(generated.names, min(per_class, len(generated.names)))]
    typos: list[Query] = []
    while len(typos) < per_class:
        entity_id, name = rng.choice(generated.names)
        typo = _typo(name, rng)
        if typo and fold(typo) != fold(name):
            typos.append((typo, entity_id))
    queries["typo"] = typos
    korean = rng.sample(generated.koreans, min(per_class, len(generated.koreans)))
    queries["romanisation"] = [
        (korean_spelling(syllables, rng.choice([s for s in ("dprk", "rr", "south") if s != style]), rng), i)
        for i, syllables, style in korean
    ]
    queries["hangul"] = [(hangul(syllables), i) for i, syllables, _ in rng.sample(generated.koreans, len(korean))]
    queries["identifier"] = [
        (value, i) for i, value in rng.sample(generated.identifiers, min(per_class, len(generated.identifiers)))
    ]
    queries["broad word"] = [(COMMON_WORDS[n % len(COMMON_WORDS)], "") for n in range(min(per_class, 10))]
    return queries


def existing_queries(
    store: GraphStore, per_class: int, seed: int, scan: int
) -> tuple[dict[str, list[Query]], Generated]:
    """Queries made from entities already in the store (any graph, e.g. load_bench's FtM file bulk-loaded): the
    names of random entities among the first ``scan`` the store lists (stubs left out), as stored and with a typo,
    and the broad words; the picked entities stand in for the generated records ("found": the same name)."""
    rng = random.Random(seed)
    seen: list[NodeRecord] = []
    for batch in store.iter_entities(batch_size=50_000):
        for e in batch:
            if not e.properties.get(Prop.STUB.value):
                seen.append(NodeRecord(e.id, e.kind, {Prop.NAME: e.name, Prop.ALIASES: list(e.aliases)}))
        if len(seen) >= scan:
            break
    picked = rng.sample(seen, min(len(seen), per_class))
    generated = Generated()
    for record in picked:
        generated.records.setdefault(record.kind, []).append(record)
    names = [(str(r.props[Prop.NAME]), r.id) for r in picked]
    typos = [(typo, i) for name, i in names if (typo := _typo(name, rng))]
    queries: dict[str, list[Query]] = {"name": names, "typo": typos[:per_class]}
    queries["broad word"] = [(COMMON_WORDS[n % len(COMMON_WORDS)], "") for n in range(min(per_class, 10))]
    return queries, generated


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_queries(
    store: GraphStore, queries: dict[str, list[Query]], limit: int, generated: Generated
) -> dict[str, dict[str, Any]]:
    wanted = {entity_id for items in queries.values() for _, entity_id in items if entity_id}
    targets = {r.id: r for records in generated.records.values() for r in records if r.id in wanted}
    store.search("warm up the index", limit=limit)
    figures: dict[str, dict[str, Any]] = {}
    for name, items in queries.items():
        times: list[float] = []
        found = 0
        first = 0
        for text, entity_id in items:
            t = time.perf_counter()
            hits = store.search(text, limit=limit)
            times.append((time.perf_counter() - t) * 1000)
            target = targets.get(entity_id)
            if any(_same_name(h, target) for h in hits):
                found += 1
            if hits and _same_name(hits[0], target):
                first += 1
        figures[name] = {
            "queries": len(items),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(_percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1),
            "found": found,
            "ranked_first": first,
            "example": items[0][0] if items else "",
        }
    return figures


# --- the index, not a scan ----------------------------------------------------------------------------------------


def _plan_operators(store: GraphStore, query: str, params: dict[str, Any]) -> list[str]:
    """Operator names of the store's plan for ``query`` (EXPLAIN: planned, not run)."""
    graph = getattr(store, "_graph", None)
    if graph is not None:  # FalkorDB
        plan = graph.explain(query, params)
        return [line.strip().split(" | ")[0] for line in str(plan).splitlines() if line.strip()]
    driver, database = store._driver, store._database  # type: ignore[attr-defined]
    with driver.session(database=database) as session:
        summary = session.run("EXPLAIN " + query, params).consume()
    names: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        names.append(str(node.get("operatorType", "")).split("@")[0])
        for child in node.get("children", []):
            walk(child)

    walk(summary.plan or {})
    return names


def index_evidence(store: GraphStore, dialect: cypher.Dialect) -> dict[str, Any]:
    terms = query_terms("Gim Jeong-eun")
    params = {
        "index": cypher.FULLTEXT_NAMES,
        "query": cypher.fulltext_query(dialect, Prop.SEARCH_TEXT, terms),
        "limit": 200,
    }
    operators = _plan_operators(store, cypher.search_candidates(dialect), params)
    scans = [op for op in operators if "Scan" in op]
    # for contrast: what a scan over every entity costs
    read: Callable[..., list[dict[str, Any]]] = store._read  # type: ignore[attr-defined]
    t = time.perf_counter()
    matched = read(cypher.COUNT_NAMES_CONTAINING, {"word": "jong"}, timeout_s=600)
    scan_ms = (time.perf_counter() - t) * 1000
    return {
        "candidate_query_plan": operators,
        "scans_in_plan": scans,
        "one_scan_for_a_word_ms": round(scan_ms, 1),
        "scan_matched": int(matched[0]["n"]) if matched else 0,
    }


# --- main ---------------------------------------------------------------------------------------------------------


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__
    )
    parser.add_argument("--entities", type=int, default=1_000_000, help="entities to generate (default 1,000,000)")
    add_store_options(parser, home="build/search-home")
    parser.add_argument("--queries", type=int, default=50, help="queries per class (default 50)")
    parser.add_argument("--limit", type=int, default=20, help="hits per search (default 20)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=10_000, help="records per write")
    parser.add_argument("--skip-load", action="store_true", help="reuse the entities already in the store")
    parser.add_argument("--out", help="write the figures as JSON to this file")
    parser.add_argument(
        "--existing",
        type=int,
        metavar="N",
        help="no generated entities: search the names of entities already in the store (random ones among the "
        "first N it lists), e.g. a bulk-loaded load_bench file",
    )
    args = parser.parse_args()

    store = open_bench_store(args.store, args.home, start_timeout_s=600.0)
    dialect = cypher.Dialect.NEO4J if args.store == "neo4j" else cypher.Dialect.FALKORDB
    figures: dict[str, Any] = {"store": store.description, "entities": args.entities}
    try:
        t = time.perf_counter()
        if args.existing:
            queries, generated = existing_queries(store, args.queries, args.seed, args.existing)
            print(f"queries from the store's entities in {time.perf_counter() - t:.1f} s", flush=True)
        else:
            generated = generate(args.entities, args.seed)
            print(f"generated {args.entities:,} entities in {time.perf_counter() - t:.1f} s", flush=True)
            queries = make_queries(generated, args.queries, args.seed)
        if not args.skip_load and not args.existing:
            store.clear()
            seconds = load(store, generated, args.batch)
            figures["load_s"] = round(seconds, 1)
            figures["load_per_s"] = round(args.entities / seconds)
            print(f"loaded in {seconds:.0f} s ({args.entities / seconds:,.0f} entities/s)", flush=True)
        stored = store.stats().total_nodes
        figures["stored_entities"] = stored
        figures["load_average"] = {"before queries": _load_average()}
        print(f"store holds {stored:,} entities; load average {_load_average()}", flush=True)
        figures["search"] = time_queries(store, queries, args.limit, generated)
        figures["load_average"]["after queries"] = _load_average()
        print(f"\nstore.search(query, limit={args.limit}) on {stored:,} entities ({store.description}):")
        print(f"  {'class':<13} {'n':>4} {'median':>9} {'p95':>9} {'max':>9}  {'found':>7} {'first':>6}  example")
        for name, f in figures["search"].items():
            print(
                f"  {name:<13} {f['queries']:>4} {f['median_ms']:>7.1f}ms {f['p95_ms']:>7.1f}ms {f['max_ms']:>7.1f}ms"
                f"  {f['found']:>3}/{f['queries']:<3} {f['ranked_first']:>3}/{f['queries']:<3} {f['example']}"
            )
        evidence = index_evidence(store, dialect)
        figures["index"] = evidence
        print(f"\ncandidate query plan: {' <- '.join(evidence['candidate_query_plan'])}")
        print(f"scans in that plan: {evidence['scans_in_plan'] or 'none'}")
        print(
            f"for contrast, one scan of every entity for the word 'jong': {evidence['one_scan_for_a_word_ms']:.0f} ms"
            f" ({evidence['scan_matched']:,} matched)"
        )
        print(f"load average: {figures['load_average']}")
        if args.out:
            Path(args.out).write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
