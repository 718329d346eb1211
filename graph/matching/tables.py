# ruff: noqa: RUF001 - the tables hold Arabic and Persian letters on purpose
"""Data tables of the matcher: name particles, weak words, abbreviations and a few name-variant groups.

These are data, not rules: the rules that use them live in graph.matching.text and graph.matching.compare.
Name variants that rigour's name symbols (Wikidata ids of given names: Mohammed = Muhammad = محمد) already
relate are not repeated here; the groups below fill gaps found in practice (family-name transliterations rigour
does not tag) and are compared as equals.
"""

from __future__ import annotations

#: Arabic, Persian and other name particles: kept as tokens but weighed little; equal spellings are one key.
PARTICLES: dict[str, str] = {
    "al": "al", "el": "al", "ul": "al", "ad": "al", "ar": "al", "as": "al", "ash": "al", "at": "al", "az": "al",
    "adh": "al", "ath": "al", "bin": "bin", "ben": "bin", "ibn": "bin", "bint": "bin", "binti": "bin",
    "abu": "abu", "abou": "abu", "abo": "abu", "bou": "abu", "bu": "abu", "abd": "abd", "abdel": "abdal",
    "abdul": "abdal", "abdol": "abdal", "abdal": "abdal", "abdoul": "abdal", "de": "de", "del": "de", "da": "de",
    "di": "de", "dos": "de", "das": "de", "do": "de", "la": "de", "van": "van", "von": "van", "der": "van",
    "den": "van", "y": "de", "e": "de", "ould": "bin", "uld": "bin",
}  # fmt: skip

#: Words that tell little about which party is meant: weighed very little when names are compared.
WEAK_WORDS: frozenset[str] = frozenset(
    {
        "the", "of", "and", "for", "in", "on", "at", "to", "a", "an", "et", "und", "y", "i",
        "company", "co", "companies", "corporation", "corp", "limited", "ltd", "incorporated", "inc", "llc",
        "plc",
        "jsc", "ojsc", "pjsc", "cjsc", "ooo", "oao", "zao", "pao", "ao", "sa", "ag", "gmbh", "bv", "nv", "srl",
        "spa", "sas", "sarl", "pte", "pty", "kft", "ou", "oy", "ab", "as", "aps", "sro", "doo", "fze", "fzco",
        "fzc", "fzllc", "dmcc", "lp", "llp", "sdn", "bhd", "tbk", "jv", "coltd", "mr", "mrs", "ms", "dr",
        "sheikh", "shaykh", "haji", "hajji",
    }
)  # fmt: skip

#: Words of a person's name that tell little: titles and honorifics (other short words are names: Korean O, In).
PERSON_WEAK_WORDS: frozenset[str] = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "prof", "sheikh", "shaykh", "haji", "hajji", "hajj", "sayyid", "sayed", "mullah",
     "gen", "general", "col", "colonel", "maj", "major", "capt", "captain", "lt", "sir", "jr", "sr"}
)  # fmt: skip

#: Generic business words: they tell something (X Holdings is not X), but less than a distinctive word.
GENERIC_WORDS: frozenset[str] = frozenset(
    {"group", "holding", "holdings", "international", "intl", "enterprise", "enterprises", "general", "global",
     "trading", "trade", "industries", "industrial", "services", "service", "investment", "investments", "bank"}
)  # fmt: skip

#: Abbreviations of long names written either way: both sides are rewritten to the short form before comparing.
ABBREVIATIONS: dict[str, str] = {
    "democratic peoples republic of korea": "dprk",
    "democratic people s republic of korea": "dprk",
    "north korea": "dprk",
    "korea north": "dprk",
    "peoples republic of china": "prc",
    "people s republic of china": "prc",
    "republic of korea": "rok",
    "united arab emirates": "uae",
    "united states of america": "usa",
    "united states": "usa",
    "united kingdom": "uk",
    "islamic revolutionary guard corps": "irgc",
    "islamic republic of iran": "iran",
    "russian federation": "russia",
    "union of soviet socialist republics": "ussr",
    "hong kong": "hongkong",
}

#: Spelling groups compared as equals (first member is the group's key). Only what rigour's symbols miss.
VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("qasim", "qassem", "qasem", "kassem", "kasim", "qassim", "ghasem", "ghassem"),
    ("ibrahim", "ebrahim", "ibraheem", "brahim"),
    ("musa", "mousa", "moussa", "mussa"),
    ("yusuf", "youssef", "yousef", "yusef", "yousuf", "yossef", "youcef"),
    ("husayn", "hussein", "hussain", "husain", "hossein", "hosein", "houssein"),
    ("hasan", "hassan", "hasson"),
    ("abdallah", "abdullah", "abdulla", "abdalla"),
    ("raisi", "raeisi", "raissi"),
    ("aleksandr", "alexander", "aleksander", "alexandr", "oleksandr"),
    ("aleksey", "alexei", "alexey", "aleksei", "oleksiy"),
    ("yevgeny", "evgeny", "evgeniy", "yevgeniy", "evgenii", "yevgenii", "eugene"),
    ("sergey", "sergei", "serguei", "serhiy", "sergiy"),
    ("dmitry", "dmitriy", "dmitri", "dmitrii", "dmytro"),
    ("yury", "yuri", "yuriy", "iurii", "yurii", "jurij"),
    ("andrey", "andrei", "andriy", "andrii"),
    ("nikolay", "nikolai", "mykola"),
    ("mikhail", "michail", "mykhailo", "mihail"),
    ("vladimir", "volodymyr", "wladimir"),
    ("pyotr", "petr", "piotr", "petro"),
    ("fyodor", "fedor", "feodor"),
    ("arkady", "arkadiy", "arkadii"),
    ("valery", "valeriy", "valerii"),
    ("anatoly", "anatoliy", "anatolii"),
    ("vitaly", "vitaliy", "vitalii"),
    ("grigory", "grigoriy", "grigorii", "hryhoriy"),
    ("natalya", "natalia", "nataliya"),
    ("tatyana", "tatiana", "tetiana"),
    ("yulia", "yuliya", "julia", "iuliia"),
    ("zhang", "chang"),
    ("wang", "wong"),
    ("chen", "chan"),
)

#: Common Arabic and Persian name words, written without short vowels in their script, as usually romanised
#: (the letter-by-letter reading of graph.matching.text covers the others).
ARABIC_WORDS: dict[str, str] = {
    "محمد": "muhammad", "احمد": "ahmad", "أحمد": "ahmad", "محمود": "mahmud", "حسن": "hasan", "حسين": "husayn",
    "علي": "ali", "عمر": "umar", "عثمان": "uthman", "خالد": "khalid", "سعيد": "said", "سعد": "saad",
    "يوسف": "yusuf", "ابراهيم": "ibrahim", "إبراهيم": "ibrahim", "اسماعيل": "ismail", "إسماعيل": "ismail",
    "عبد": "abd", "الله": "allah", "عبدالله": "abdallah", "الرحمن": "al rahman", "الرحيم": "al rahim",
    "عبدالرحمن": "abd al rahman", "العزيز": "al aziz", "نصر": "nasr", "نصرالله": "nasrallah", "جعفر": "jafar",
    "مصطفى": "mustafa", "قاسم": "qasim", "حمد": "hamad", "صالح": "salih", "سليمان": "sulayman",
    "سلیمانی": "sulaymani", "سليماني": "sulaymani", "جواد": "jawad", "رضا": "rida", "مهدي": "mahdi",
    "مهدی": "mahdi", "حسن‌": "hasan", "زين": "zayn", "بن": "bin", "ابن": "ibn", "بنت": "bint", "ابو": "abu",
    "أبو": "abu", "ابي": "abi", "أبي": "abi", "آل": "al", "فاطمة": "fatima", "عائشة": "aisha", "مريم": "maryam",
    "زينب": "zaynab", "طارق": "tariq", "فيصل": "faisal", "منصور": "mansur", "ناصر": "nasir", "عادل": "adil",
    "كريم": "karim", "جمال": "jamal", "كمال": "kamal", "هاشم": "hashim", "موسى": "musa", "عيسى": "isa",
    "يحيى": "yahya", "زكريا": "zakariya", "حمزة": "hamza", "اسامة": "usama", "أسامة": "usama", "بكر": "bakr",
    "عبيد": "ubayd", "مروان": "marwan", "سلمان": "salman", "نعيم": "naim", "هادي": "hadi", "رئيسي": "raisi",
    "رئیسی": "raisi", "ظريف": "zarif", "ظریف": "zarif", "خامنئي": "khamenei", "خامنه‌ای": "khamenei",
}  # fmt: skip

#: Arabic and Persian letters read one by one (graph.matching.text adds the long-vowel rules).
ARABIC_LETTERS: dict[str, str] = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh",
    "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "a",
    "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y",
    "ى": "a", "ء": "", "ئ": "", "ؤ": "", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ی": "y", "ۀ": "e",
}  # fmt: skip
