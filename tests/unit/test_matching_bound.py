"""The cheap upper bound of a name comparison (graph.matching.compare.name_score_bound): never below the score
compare_names gives, on real-world names, their variants and unrelated pairs, so xref skipping the pairs whose bound
stays under the threshold drops no hit; and low enough to skip the pairs that share one common word only."""

from __future__ import annotations

import random

import pytest

from graph.matching.compare import compare_names, name_keys, name_score_bound
from graph.matching.text import NameKind, prepare_name

NAMES = [
    "KIM, Jong Un", "Kim Jong-un", "김정은", "JO, Yong-Won", "조용원", "CH'OE, So'k-min", "Choe Seok-min",
    "PAEK, Jong Sam", "Baek Jong-sam", "KIM, Kyo'ng-hak", "Kim Kyonghak", "RI, Un Song", "Ri Song Un",
    "MISHUSTIN, Mikhail Vladimirovich", "Мишустин Михаил Владимирович", "NARYSHKIN, Sergei Yevgenyevich",
    "Sergey Yevgenievich Naryshkin", "ERMAKOV, Aleksandr", "Alexander Yermakov", "PRIGOZHIN, Yevgeniy Viktorovich",
    "QASIM, Naim", "نعيم قاسم", "Naim Qassem", "NASRALLAH, Hasan", "حسن نصر الله", "SOLEIMANI, Qasem", "قاسم سليماني",
    "BIN AL-SHIBH, Ramzi Mohammed Abdullah", "Ramzi bin al-Shibh", "Ramzi Binalshibh", "ABU MARZOOK, Mousa Mohammed",
    "Musa Abu Marzuq", "AL-RIMI, Qasim", "Qassem al-Raimi", "AL-SHABAAB", "Al-Shabab", "HIZBALLAH", "Hezbollah",
    "RAISI, Ebrahim", "Ebrahim Raeisi", "ZARIF, Mohammad Javad", "Mohammed Jawad Zarif", "夏宝龙", "XIA, Baolong",
    "TIAN, Yinyin", "Tian Yin Yin", "BEIJING CHENGXING TRADING CO., LTD.", "Beijing Cheng Xing Trading Company Limited",
    "LEE, Ka-chiu John", "John Lee Ka-chiu", "JSC ALFA-BANK", "AO Alfa-Bank", "VTB BANK PJSC", "VTB Bank Public Joint "
    "Stock Company", "MYANMA GEMS ENTERPRISE", "Myanmar Gem Enterprise", "TIDEWATER MIDDLE EAST CO.",
    "Tidewater Logistics Pty Ltd", "BICENTENARIO VIII", "BICENTENARIO 8", "RYONG GUN BONG 2", "KOREA RYONGBONG GENERAL "
    "CORPORATION", "DPRK Ryongbong General Corporation", "ROSALES MENDOZA, Carlos Alberto",
    "Carlos Andres Mendoza Ruiz",
    "LOPEZ BELLO, Samark Jose", "Aisha Bello", "Muhammad Nasir Fushiw", "MUHAMMAD, Ali Hasan", "Abd al-Rahman Hamid",
    "OOO Stroygazmontazh", "Stroygazmontazh LLC", "Sociedad Anonima Petroleos", "PETROLEOS S.A.",
]  # fmt: skip
KINDS: tuple[NameKind, ...] = ("person", "organization", "unknown", "object")


def _variant(name: str, rng: random.Random) -> str:
    words = name.replace(",", " ").split()
    roll = rng.random()
    if roll < 0.25:
        rng.shuffle(words)
    elif roll < 0.5 and words:
        i = rng.randrange(len(words))
        if len(words[i]) > 2:
            j = rng.randrange(len(words[i]))
            words[i] = words[i][:j] + rng.choice("aeiouhkny") + words[i][j + 1 :]
    elif roll < 0.7 and len(words) > 1:
        i = rng.randrange(len(words) - 1)
        words[i : i + 2] = [words[i] + words[i + 1].lower()]  # syllables joined
    elif roll < 0.85:
        words.append(rng.choice(NAMES).split()[0].strip(","))  # a word of another name
    else:
        words = words[: max(1, len(words) - 1)]
    return " ".join(words)


def test_the_bound_is_never_below_the_score() -> None:
    rng = random.Random(11)
    pairs = [(a, b) for a in NAMES for b in NAMES]
    pairs += [(a, _variant(a, rng)) for a in NAMES for _ in range(30)]
    pairs += [(_variant(a, rng), _variant(b, rng)) for a in NAMES for b in rng.sample(NAMES, 10)]
    checked = skipped = 0
    for a, b in pairs:
        for qk, ck in ((rng.choice(KINDS), rng.choice(KINDS)), ("person", "person"), ("organization", "organization")):
            q, c = prepare_name(a, qk), prepare_name(b, ck)
            if not q.tokens or not c.tokens:
                continue
            bound = name_score_bound(q, name_keys(q), c, name_keys(c))
            assert compare_names(q, c, qk).score <= bound + 1e-9, (a, b, qk, ck)
            checked += 1
            skipped += bound < 0.58
    assert checked > 10_000 and skipped > checked // 4  # it bounds, and it does skip


@pytest.mark.parametrize(
    ("query", "listed", "kind"),
    [
        ("Muhammad Nasir Fushiw", "MUHAMMAD, Ali Hasan", "person"),  # one given name in common
        ("Golden Star Trading Ltd", "STAR OCEAN LINE", "organization"),  # one word in common
        ("Olena Kovalenko", "KOVALENKO, Andrey", "person"),
    ],
)
def test_one_common_word_is_skipped(query: str, listed: str, kind: NameKind) -> None:
    q, c = prepare_name(query, kind), prepare_name(listed, kind)
    assert name_score_bound(q, name_keys(q), c, name_keys(c)) < 0.58


def test_a_variant_is_not_skipped() -> None:
    q, c = prepare_name("Ramzi Mohammed bin al-Shibh", "person"), prepare_name("BIN AL-SHIBH, Ramzi", "person")
    assert name_score_bound(q, name_keys(q), c, name_keys(c)) >= compare_names(q, c, "person").score >= 0.85
