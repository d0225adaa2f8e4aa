"""Which structured records (maatregelen, voorstellen) a question is about, by its words."""

from __future__ import annotations

from collections.abc import Callable, Set
from functools import lru_cache
from typing import TypeVar

from assistant.retrieval.index import SearchIndex
from ingest.text.analysis import is_compound_of, tokenize

T = TypeVar("T")
MIN_MATCH = 0.5  # share of the question's (idf-weighted) subject words a record must carry


def covers(term: str, words: Set[str]) -> bool:
    """The term, or both halves of it as a compound ("bewustwordingscampagne" → bewustwording + campagne)."""
    return term in words or is_compound_of(term, words.__contains__, min_left=4, min_right=4)


@lru_cache(maxsize=1 << 16)
def _words(text: str) -> frozenset[str]:
    # A record's words, tokenized once (not per question: thousands of maatregelen at 15k pages).
    return frozenset(tokenize(text))


def best_matches(
    pool: list[T], text_of: Callable[[T], str], terms: list[str], index: SearchIndex, margin: float, limit: int
) -> list[T]:
    """The records whose text carries most of ``terms`` (rare words weigh more), best first,
    within ``margin`` of the best; [] when even the best carries less than MIN_MATCH."""
    total = sum(index.idf(t) for t in terms)
    if not pool or total == 0:
        return []

    # Every word a match needs at least one of: a term itself, or a compound's left part (both
    # parts must be present). Records sharing none score 0 without the per-term compound test —
    # that test over thousands of maatregelen was the slow part at 15k pages.
    needed: set[str] = set(terms)

    def note(word: str) -> bool:
        needed.add(word)
        return False  # never "known": is_compound_of then asks about every left part there is

    for t in terms:
        is_compound_of(t, note, min_left=4, min_right=4)

    def match(record: T) -> float:
        words = _words(text_of(record))
        if words.isdisjoint(needed):
            return 0.0
        return sum(index.idf(t) for t in terms if covers(t, words)) / total

    scored = sorted(((match(r), i, r) for i, r in enumerate(pool)), key=lambda x: (-x[0], x[1]))
    best = scored[0][0]
    if best < MIN_MATCH:
        return []
    return [r for s, _, r in scored if s >= best - margin][:limit]
