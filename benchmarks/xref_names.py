# ruff: noqa: RUF001, SIM905 - the tables hold other scripts on purpose, and read best as words
"""Distinct, realistic party names for the xref benchmark (seeded: the same file for the same seed).

Persons of nine naming traditions (Russian with patronymics, Arabic with nasab and al-, Persian, Korean, Chinese,
Spanish with two surnames, Turkish, English, Ukrainian), part of them written in their own script (Cyrillic,
Arabic, Hangul, Chinese); companies with coined words, trades and the legal form of their country (OOO, AO,
Co., Ltd., S.A., GmbH, FZE…), some in Cyrillic or Chinese. Surnames and coined words are built from syllables, so
names are distinct (each name is drawn until unseen) and every word is not a lookup of a short list: the run's
caches help only as much as they would on a real file. A share of the entities are variants of listed names
(another transliteration, a letter changed, words reordered, the legal form changed), so xref finds real pairs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence

import icu  # type: ignore[import-untyped]

from benchmarks._common import respelled
from graph.matching.tables import ARABIC_WORDS

# --- syllables and given names ------------------------------------------------------------------------------------
RU_GIVEN_M = ("Aleksandr Aleksey Anatoliy Andrey Anton Arkadiy Boris Vadim Valeriy Viktor Vitaliy Vladimir "
              "Vladislav Gennadiy Georgiy Grigoriy Denis Dmitriy Yevgeniy Yegor Ivan Igor Ilya Kirill Konstantin "
              "Leonid Maksim Mikhail Nikita Nikolay Oleg Pavel Petr Roman Ruslan Sergey Stanislav Stepan Timur "
              "Fedor Yuriy Yaroslav Artem Gleb Lev Matvey Semyon Eduard").split()  # fmt: skip
RU_GIVEN_F = ("Anna Alina Alla Anastasiya Valentina Valeriya Vera Galina Darya Yekaterina Yelena Yelizaveta Zhanna "
              "Zoya Irina Karina Kseniya Larisa Lyudmila Marina Mariya Nadezhda Natalya Nina Oksana Olga Polina "
              "Svetlana Tamara Tatyana Ulyana Yuliya Yana Elvira").split()  # fmt: skip
RU_ROOTS = ("Bel Volk Sokol Orl Medved Kuzn Pop Lebed Koz Nov Mor Zaits Sem Pavl Golub Vinogr Bogd Vorob Fil "
            "Mikh Tar Bar Ryb Gus Shcherb Kisel Zhuk Kom Karp Ab Lav Pankr Gorb Tikh Ust Mel Rom Dor Lut Mart "
            "Step Grom Bur Krut Kalash Chern Ostr Vlas Zhel Suv Shesht Gol Polyak Borod Rud Strel Ton Shar Mal "
            "Krasn Zar Tol Yer Yesh Yak Dub Lom").split()  # fmt: skip
RU_MIDS = ("", "", "", "ch", "ar", "en", "ak", "ush", "ash", "ov", "an", "in", "ik", "on", "ot", "ug", "ez")
RU_ENDS_M = ("ov", "ev", "in", "skiy", "enko", "ovich", "kin", "ukhin", "ikov", "anov", "yshev")
UA_GIVEN = ("Oleksandr Oleksiy Andriy Bohdan Vasyl Volodymyr Dmytro Ihor Mykola Mykhailo Petro Serhiy Taras Yuriy "
            "Oksana Olena Iryna Nataliya Tetiana Halyna Liudmyla").split()  # fmt: skip
AR_GIVEN = ("Muhammad Ahmad Ali Hasan Husayn Umar Khalid Said Yusuf Ibrahim Ismail Mustafa Hamza Tariq Faisal "
            "Mansur Nasir Adil Karim Jamal Kamal Hashim Musa Isa Yahya Zakariya Usama Marwan Salman Naim Hadi "
            "Walid Samir Bilal Anwar Rashid Majid Sami Fadi Ziad Imad Nabil Jihad Ayman Hisham Fatima Aisha "
            "Maryam Zaynab Layla Huda Amal Rania").split()  # fmt: skip
AR_CONS = "b t th j h kh d r z s sh f q k l m n w y gh".split()
AR_VOWELS = ("a", "a", "i", "u", "aa", "i", "ou")
FA_GIVEN = ("Reza Mahmoud Hossein Mehdi Javad Ali Akbar Amir Babak Behzad Dariush Farhad Hamid Kamran Majid "
            "Mohsen Morteza Nader Parviz Ramin Saeed Shahram Vahid Yousef Zahra Maryam Shirin Parisa Leila Nasrin "
            "Roya Soraya").split()  # fmt: skip
FA_ENDS = ("i", "zadeh", "pour", "nejad", "far", "ian", "abadi", "loo", "vand", "dust")
KO_SURNAMES = "김 리 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 전 홍 고 문 양 손 배 백 허 남".split()
KO_SYLLABLES = ("철 성 일 남 혁 수 영 호 민 준 현 진 우 희 경 옥 순 명 광 국 용 "
                "원 석 환 훈 학 길 동 춘 금 은 정 재 상 태 기 종 룡 봉 식 삼 만 "
                "복 송 주 혜 미 향 선 화 란 숙 연 림 향 설 별 솔").split()  # fmt: skip
ZH_SURNAMES = (("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
               ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
               ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("高", "Gao"),
               ("林", "Lin"), ("罗", "Luo"), ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"),
               ("唐", "Tang"), ("许", "Xu"), ("韩", "Han"), ("冯", "Feng"), ("邓", "Deng"), ("曹", "Cao"))  # fmt: skip
ZH_GIVEN = (("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"), ("强", "Qiang"),
            ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"), ("涛", "Tao"),
            ("明", "Ming"), ("超", "Chao"), ("秀", "Xiu"), ("霞", "Xia"), ("平", "Ping"), ("刚", "Gang"),
            ("桂", "Gui"), ("华", "Hua"), ("建", "Jian"), ("国", "Guo"), ("志", "Zhi"), ("文", "Wen"),
            ("海", "Hai"), ("波", "Bo"), ("辉", "Hui"), ("宇", "Yu"), ("鹏", "Peng"), ("龙", "Long"),
            ("宝", "Bao"), ("春", "Chun"), ("东", "Dong"), ("晓", "Xiao"), ("红", "Hong"), ("玉", "Yu"),
            ("兴", "Xing"), ("荣", "Rong"), ("振", "Zhen"), ("嘉", "Jia"), ("俊", "Jun"), ("德", "De"))  # fmt: skip
ES_GIVEN = ("José Juan Luis Carlos Jorge Miguel Pedro Manuel Francisco Antonio Alejandro Rafael Fernando Ricardo "
            "Eduardo Andrés Diego Sergio Raúl Héctor María Ana Carmen Laura Lucía Isabel Rosa Elena Gabriela "
            "Valentina Daniela Camila").split()  # fmt: skip
ES_SURNAMES = ("García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz "
               "Hernández Díaz Moreno Álvarez Muñoz Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez "
               "Ramos Gil Ramírez Serrano Blanco Molina Morales Suárez Ortega Delgado Castro Ortiz Rubio Marín "
               "Sanz Núñez Iglesias Medina Garrido Cortés Castillo Santos Lozano Guerrero Cano Prieto Méndez "
               "Cruz Calvo Gallego Vidal León Márquez Herrera Peña Flores Cabrera Campos Vega Fuentes Carrasco "
               "Diez Caballero Reyes Nieto Aguilar Pascual Santana Herrero Montero Lorenzo Hidalgo Giménez Ibáñez "
               "Ferrer Durán Santiago Benítez Mora Vicente Vargas Arias Carmona Crespo Román Pastor Soto Sáez "
               "Velasco Moya Soler Parra Esteban Bravo Gallardo Rojas").split()  # fmt: skip
TR_GIVEN = ("Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer Ramazan Halil Süleyman "
            "Abdullah Mahmut Recep Fatma Ayşe Emine Hatice Zeynep Elif Meryem").split()  # fmt: skip
TR_ROOTS = "Yıl Kaya Demir Çelik Şahin Yıldız Öz Aydın Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt Özdemir Ak Bay Er"
TR_ENDS = ("", "oğlu", "can", "er", "han", "türk", "soy", "gül", "taş", "kan")
EN_GIVEN = ("James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew "
            "Anthony Mark Paul Steven Andrew Kenneth Joshua Mary Patricia Jennifer Linda Elizabeth Barbara "
            "Susan Jessica Sarah Karen Emma Olivia Sophie Grace").split()  # fmt: skip
EN_ROOTS = ("Ash Brad Brook Carl Dal Fair Gold Hart Kings Lang Mill Nor Red Ross Stan Thorn Wake Whit West "
            "Black Clay Fox Hay Lock Pen Ran Shel Sut Wood").split()  # fmt: skip
EN_ENDS = ("ford", "ley", "ton", "wood", "well", "by", "ham", "field", "more", "worth", "man", "ridge", "cott")
# --- companies ---------------------------------------------------------------------------------------------------
ONSETS = ("b c d f g k l m n p r s t v z br cr dr fr gr kr pr tr st sk sp pl bl cl gl vl "
          "str").split()  # fmt: skip
NUCLEI = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "io")
CODAS = ("", "", "", "n", "r", "s", "x", "l", "m", "t", "nd", "rk", "st", "sk")
TRADES = ("Trading", "Shipping", "Logistics", "Petroleum", "Metals", "Chemical", "Machinery", "Electronics",
          "Energy", "Mining", "Textiles", "Agro", "Pharma", "Marine", "Aviation", "Construction", "Investment",
          "Capital", "Technologies", "Import Export", "Commodities", "Steel", "Tankers", "Freight", "Systems",
          "Consulting", "Engineering", "Resources", "Minerals", "Foods")  # fmt: skip
LEGAL_BY_COUNTRY = {
    "ru": ("OOO", "AO", "PAO", "LLC", "JSC", "Limited Liability Company"),
    "cn": ("Co., Ltd.", "Company Limited", "Co. Ltd", "Trading Co., Ltd."),
    "hk": ("Limited", "Co., Limited", "Holdings Limited"),
    "ae": ("FZE", "FZCO", "LLC", "DMCC", "General Trading LLC"),
    "tr": ("A.Ş.", "Ltd. Şti.", "Sanayi ve Ticaret A.Ş."),
    "ir": ("Company", "Co.", "Private Joint Stock Company"),
    "de": ("GmbH", "AG", "GmbH & Co. KG"),
    "es": ("S.A.", "S.L.", "Sociedad Anónima"),
    "ve": ("C.A.", "S.A."),
    "mx": ("S.A. de C.V.", "S. de R.L."),
    "gb": ("Ltd", "Limited", "PLC", "LLP"),
    "sg": ("Pte. Ltd.", "Pte Ltd"),
    "kp": ("Corporation", "General Corporation", "Trading Company"),
    "cy": ("Limited", "Ltd"),
    "pa": ("S.A.", "Inc."),
}
ZH_TRADES = (("贸易", "Trading"), ("航运", "Shipping"), ("物流", "Logistics"), ("石油", "Petroleum"),
             ("电子", "Electronics"), ("能源", "Energy"), ("化工", "Chemical"), ("机械", "Machinery"),
             ("科技", "Technology"))  # fmt: skip
ZH_CITIES = (("北京", "Beijing"), ("上海", "Shanghai"), ("深圳", "Shenzhen"), ("大连", "Dalian"),
             ("丹东", "Dandong"), ("广州", "Guangzhou"), ("天津", "Tianjin"), ("青岛", "Qingdao"),
             ("宁波", "Ningbo"))  # fmt: skip
CYRILLIC = icu.Transliterator.createInstance("Latin-Russian/BGN")
_AR_LETTERS = {"sh": "ش", "kh": "خ", "th": "ث", "gh": "غ", "b": "ب", "t": "ت", "j": "ج", "h": "ح", "d": "د",
               "r": "ر", "z": "ز", "s": "س", "f": "ف", "q": "ق", "k": "ك", "l": "ل", "m": "م", "n": "ن", "w": "و",
               "y": "ي", "aa": "ا", "ii": "ي", "ee": "ي", "ou": "و", "uu": "و"}  # fmt: skip
_AR_KNOWN = {latin: arabic for arabic, latin in ARABIC_WORDS.items() if " " not in latin}

#: Shares of the naming traditions among persons, and of scripts written in their own alphabet.
TRADITIONS = {"ru": 0.18, "ua": 0.05, "ar": 0.16, "fa": 0.08, "ko": 0.12, "zh": 0.12, "es": 0.12, "tr": 0.07,
              "en": 0.10}  # fmt: skip
OWN_SCRIPT = 0.2


def _pick(rng: random.Random, words: Sequence[str]) -> str:
    return words[rng.randrange(len(words))]


def _coined(rng: random.Random, syllables: int) -> str:
    word = "".join(_pick(rng, ONSETS) + _pick(rng, NUCLEI) + _pick(rng, CODAS) for _ in range(syllables))
    return word.capitalize()


def _arabic_surname(rng: random.Random) -> str:
    cons = [_pick(rng, AR_CONS) for _ in range(3)]
    root = cons[0] + _pick(rng, AR_VOWELS) + cons[1] + _pick(rng, AR_VOWELS) + cons[2]
    return root.capitalize() + rng.choice(("", "", "i", "awi", "ani"))


def arabic_script(name: str) -> str:
    """A romanised Arabic name in Arabic script as it is written: short vowels left out, long ones as letters, a
    known name word as usually written (graph.matching.tables), al- joined to its word."""
    out: list[str] = []
    for word in name.lower().replace("al-", "al").split():
        if word in _AR_KNOWN:
            out.append(_AR_KNOWN[word])
            continue
        prefix, word = ("ال", word[2:]) if word.startswith("al") and len(word) > 4 else ("", word)
        text, i = "", 0
        while i < len(word):
            pair = word[i : i + 2]
            if pair in _AR_LETTERS:
                text, i = text + _AR_LETTERS[pair], i + 2
            elif word[i] in "aiueo":
                text, i = text + ("ا" if i == 0 else ""), i + 1  # a short vowel: not written (initial alif)
            else:
                text, i = text + _AR_LETTERS.get(word[i], ""), i + 1
        out.append(prefix + text)
    return " ".join(w for w in out if w)


def _ru_surname(rng: random.Random, female: bool) -> str:
    base = _pick(rng, RU_ROOTS) + _pick(rng, RU_MIDS) + _pick(rng, RU_ENDS_M)
    if female and base.endswith(("ov", "ev", "in")):
        return base + "a"
    if female and base.endswith("skiy"):
        return base[:-4] + "skaya"
    return base


def _person_ru(rng: random.Random) -> tuple[str, str]:
    female = rng.random() < 0.3
    given = _pick(rng, RU_GIVEN_F if female else RU_GIVEN_M)
    father = _pick(rng, RU_GIVEN_M)
    if father.endswith("y"):  # Sergey -> Sergeyevich, Dmitriy -> Dmitriyevna
        patronymic = father + ("evna" if female else "evich")
    else:
        patronymic = father + ("ovna" if female else "ovich")
    surname = _ru_surname(rng, female)
    if rng.random() < OWN_SCRIPT:  # surname first, as Russian registers write it
        return str(CYRILLIC.transliterate(f"{surname} {given} {patronymic}")), "ru"
    return (f"{given} {patronymic} {surname}" if rng.random() < 0.5 else f"{given} {surname}"), "ru"


def _person_ua(rng: random.Random) -> tuple[str, str]:
    surname = _pick(rng, RU_ROOTS) + _pick(rng, RU_MIDS) + rng.choice(("enko", "chuk", "yuk", "ko", "ych"))
    return f"{_pick(rng, UA_GIVEN)} {surname}", "ua"


def _person_ar(rng: random.Random) -> tuple[str, str]:
    given, father = _pick(rng, AR_GIVEN), _pick(rng, AR_GIVEN[:48])
    surname = _arabic_surname(rng)
    form = rng.random()
    if form < 0.3:
        return f"{given} {father} al-{surname}", rng.choice(("sa", "iq", "sy", "lb", "ye", "ae"))
    if form < 0.5:
        return f"{given} bin {father} {surname}", rng.choice(("sa", "ae", "ye", "qa"))
    if form < 0.65:
        return f"Abd al-{surname} {given}", rng.choice(("iq", "sy", "jo"))
    if form < 0.65 + OWN_SCRIPT:
        return arabic_script(f"{given} al-{surname}" if rng.random() < 0.5 else f"{given} {surname}"), "sy"
    return f"{given} {father} {surname}", rng.choice(("eg", "jo", "lb", "ps", "ly", "sd"))


def _person_fa(rng: random.Random) -> tuple[str, str]:
    surname = rng.choice(("", "", "Mir", "Haji")) + _arabic_surname(rng).rstrip("i") + _pick(rng, FA_ENDS)
    return f"{_pick(rng, FA_GIVEN)} {surname.capitalize()}", "ir"


def _person_ko(rng: random.Random, to_latin: Callable[[str], str]) -> tuple[str, str]:
    surname = _pick(rng, KO_SURNAMES)
    given = _pick(rng, KO_SYLLABLES) + (_pick(rng, KO_SYLLABLES) if rng.random() < 0.9 else "")
    country = rng.choice(("kp", "kp", "kr"))
    if rng.random() < OWN_SCRIPT:
        return surname + given, country
    parts = [to_latin(surname).strip().capitalize(), *(to_latin(s).strip() for s in given)]
    joined = "-".join(parts[1:]) if rng.random() < 0.6 else " ".join(p.capitalize() for p in parts[1:])
    return f"{parts[0]} {joined[:1].upper()}{joined[1:]}", country


def _person_zh(rng: random.Random) -> tuple[str, str]:
    han, latin = rng.choice(ZH_SURNAMES)
    given = [rng.choice(ZH_GIVEN) for _ in range(1 if rng.random() < 0.25 else 2)]
    if rng.random() < OWN_SCRIPT:
        return han + "".join(g[0] for g in given), "cn"
    return f"{latin} {''.join(g[1] for g in given).capitalize()}", rng.choice(("cn", "cn", "hk", "sg"))


def _person_es(rng: random.Random) -> tuple[str, str]:
    first = _pick(rng, ES_GIVEN) + (f" {_pick(rng, ES_GIVEN)}" if rng.random() < 0.4 else "")
    return f"{first} {_pick(rng, ES_SURNAMES)} {_pick(rng, ES_SURNAMES)}", rng.choice(("ve", "mx", "co", "es", "pa"))


def _person_tr(rng: random.Random) -> tuple[str, str]:
    return f"{_pick(rng, TR_GIVEN)} {_pick(rng, TR_ROOTS.split())}{_pick(rng, TR_ENDS)}", "tr"


def _person_en(rng: random.Random) -> tuple[str, str]:
    middle = f" {chr(65 + rng.randrange(26))}." if rng.random() < 0.3 else ""
    surname = _pick(rng, EN_ROOTS) + _pick(rng, EN_ENDS)
    return f"{_pick(rng, EN_GIVEN)}{middle} {surname}", rng.choice(("gb", "us", "cy", "ca", "au"))


def _company(rng: random.Random) -> tuple[str, str]:
    country = rng.choice(list(LEGAL_BY_COUNTRY))
    if country == "cn" and rng.random() < 0.4:
        city, trade = rng.choice(ZH_CITIES), rng.choice(ZH_TRADES)
        core = "".join(rng.choice(ZH_GIVEN)[0] for _ in range(2))
        return f"{city[0]}{core}{trade[0]}有限公司", country
    name = _coined(rng, rng.choice((2, 2, 3)))
    if rng.random() < 0.35:
        name += f" {_coined(rng, 2)}"
    trade = _pick(rng, TRADES) if rng.random() < 0.8 else ""
    legal = _pick(rng, LEGAL_BY_COUNTRY[country])
    if country == "ru" and rng.random() < 0.3:
        return str(CYRILLIC.transliterate(f"{legal.split()[0]} {name}")), country
    if country == "ru" and legal in ("OOO", "AO", "PAO"):
        return f"{legal} {name} {trade}".strip(), country
    return " ".join(p for p in (name, trade, legal) if p), country


def distinct_names(
    rng: random.Random,
    persons: int,
    companies: int,
    listed: Sequence[tuple[str, str]],
    listed_share: float,
    to_latin: Callable[[str], str],
) -> Iterator[tuple[str, str, str]]:
    """(kind 'person'/'company', name, country) for ``persons`` + ``companies`` distinct names; ``listed_share``
    of them are variants of ``listed`` (name, kind) names."""
    makers: list[tuple[Callable[[random.Random], tuple[str, str]], float]] = [
        (_person_ru, TRADITIONS["ru"]), (_person_ua, TRADITIONS["ua"]), (_person_ar, TRADITIONS["ar"]),
        (_person_fa, TRADITIONS["fa"]), (lambda r: _person_ko(r, to_latin), TRADITIONS["ko"]),
        (_person_zh, TRADITIONS["zh"]), (_person_es, TRADITIONS["es"]), (_person_tr, TRADITIONS["tr"]),
        (_person_en, TRADITIONS["en"]),
    ]  # fmt: skip
    functions, weights = [m for m, _ in makers], [w for _, w in makers]
    listed_by_kind = {k: [n for n, kind in listed if kind == k] for k in ("person", "company")}
    seen: set[str] = set()
    for kind, count in (("person", persons), ("company", companies)):
        made = 0
        while made < count:
            pool = listed_by_kind[kind]
            if pool and rng.random() < listed_share:
                name, country = respelled(_pick(rng, pool), rng), ""
            elif kind == "person":
                name, country = rng.choices(functions, weights)[0](rng)
            else:
                name, country = _company(rng)
            key = " ".join(name.casefold().split())
            if key in seen:
                continue
            seen.add(key)
            made += 1
            yield kind, name, country
