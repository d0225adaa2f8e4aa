"""Dutch tokens for BM25: lower-case, accent-folded, stopwords out, Snowball-stemmed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
# Question words carry no evidence; they only dilute BM25 scores.
_EXTRA_STOPWORDS = {
    "welke",
    "welk",
    "wat",
    "wie",
    "waar",
    "wanneer",
    "hoe",
    "hoeveel",
    "waarom",
    "volgens",
    "wordt",
    "worden",
}
STOPWORDS = frozenset(STOPWORDS_DUTCH) | _EXTRA_STOPWORDS


def fold(text: str) -> str:
    """Lower-case and strip accents: 'geëvalueerd' and 'geevalueerd' match."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    if decomposed.isascii():  # no marks to strip (most chunks after NFKD)
        return decomposed
    # Look up each distinct character once, not every character of the text (~90 folds per ask).
    marks = [ch for ch in set(decomposed) if unicodedata.combining(ch)]
    return decomposed.translate(dict.fromkeys(map(ord, marks))) if marks else decomposed


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


def _split_numbers(token: str) -> list[str]:
    # "6.820" and "6820" are the same number; "2,5" stays one token.
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", token):
        return [token.replace(".", "")]
    return [token]


def tokenize(text: str) -> list[str]:
    words = [w for raw in _TOKEN.findall(fold(text)) for w in _split_numbers(raw)]
    words = [w for w in words if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    return list(_stemmer().stemWords(words))


def is_compound_of(term: str, known: Callable[[str], bool], min_left: int = 3, min_right: int = 3) -> bool:
    """Is ``term`` two known parts, as Dutch compounds are ("welzijnsinitiatief" → welzijn(s) + initiatief)?

    A linking -s-/-e- on the left part is allowed; each part counts as known raw or stemmed.
    """
    for i in range(min_left, len(term) - min_right + 1):
        left, right = term[:i], term[i:]
        lefts = {left, left[:-1]} if left.endswith(("s", "e")) else {left}
        if any(known(p) for lf in lefts for p in (lf, *tokenize(lf))) and any(
            known(p) for p in (right, *tokenize(right))
        ):
            return True
    return False


# Dutch count words as documents write them ("vier actielijnen", "elf voorstellen").
NUMBER_WORDS = {
    "een": 1,
    "één": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
    "dertien": 13,
    "veertien": 14,
    "vijftien": 15,
}


def count_value(word: str) -> int | None:
    """ "11" → 11, "elf" → 11; None for anything else."""
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word.lower())


def number_word_pattern(*extra: str) -> str:
    """A regex alternation of the count words (longest first), plus ``extra`` words."""
    return "|".join(re.escape(w) for w in sorted({*NUMBER_WORDS, *extra}, key=len, reverse=True))


# Abbreviations whose "." does not end a sentence ("bijv. domotica", "o.a. de", "min. 5"):
# lower case, without their last dot.
ABBREVIATIONS = frozenset(
    {
        "art", "blz", "bv", "bijv", "ca", "d.w.z", "dhr", "e.a", "e.d", "etc", "evt", "excl", "fig",
        "i.c", "i.p.v", "i.s.m", "incl", "jl", "jr", "m.b.t", "m.n", "max", "mevr", "min", "mld", "mln",
        "mrd", "nr", "o.a", "o.b.v", "oa", "p", "pag", "resp", "t.a.v", "t.b.v", "t.m", "tab", "vgl",
        "vs", "z.s.m", "zgn",
    }
)  # fmt: skip


def is_abbreviation(word: str) -> bool:
    """An abbreviation of ``ABBREVIATIONS`` or a single letter (an initial), with or without its dot."""
    bare = word.strip("([“‘\"'").rstrip(".").lower()
    return bare in ABBREVIATIONS or (len(bare) == 1 and bare.isalpha())


def ends_with_abbreviation(text: str) -> bool:
    """Does ``text`` end in an abbreviation's dot, not a sentence's ("… zoals bijv.")?"""
    text = text.rstrip()
    if not text.endswith("."):
        return False
    words = text.split()
    return bool(words) and is_abbreviation(words[-1])


def name_stem(word: str) -> str:
    """The folded stem of a name that its derived forms share ("Noorddorpse", "Noorddorpers" →
    "noorddo"): all but the last three letters, at least five."""
    folded = fold(word)
    return folded[: max(5, len(folded) - 3)]
