"""Selecting evidence: a candidate that repeats a lead's quote is left out, decided as difflib did."""

from __future__ import annotations

import random
from difflib import SequenceMatcher

from assistant.answering.select import _overlaps


def _reference_overlaps(text: str, quote: str) -> bool:
    """``_overlaps`` as it was: difflib's longest common stretch against the threshold."""
    match = SequenceMatcher(None, text, quote, autojunk=False).find_longest_match()
    return match.size >= min(60, len(text), len(quote))


def test_overlaps_agrees_with_the_longest_common_stretch() -> None:
    rng = random.Random(11)
    base = " ".join(
        rng.choice(["woning", "zorg", "de", "gemeente", "wonen", "en", "ouderen", "Wlz"]) for _ in range(400)
    )
    cases = [("", ""), ("", "abc"), ("abc", "abc"), ("ab", "xabx"), ("a" * 70, "a" * 59 + "b")]
    for _ in range(600):
        a = rng.randrange(len(base))
        text = base[a : a + rng.randrange(0, 300)]
        b = max(0, a + rng.randrange(-200, 200))
        quote = base[b : b + rng.randrange(0, 300)]
        if rng.random() < 0.3:
            quote = quote.replace("e", "é", rng.randrange(3))  # break a stretch here and there
        cases.append((text, quote))
    agreed = [(_overlaps(t, q), _reference_overlaps(t, q)) for t, q in cases]
    assert all(fast == plain for fast, plain in agreed)
    assert {fast for fast, _ in agreed} == {True, False}
