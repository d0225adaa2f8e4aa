"""Does a question continue the previous turn, or start fresh?

A follow-up is a question without a subject of its own: it points back ("Wie is daar de trekker
van?", "Wie trekt die?", "Hoe duur zijn die plekken?") or only swaps a name
("En voor Noorddorp?"). A question that names its own subject starts fresh, however short
("Wat zijn zorggeschikte woningen?"), so an earlier turn's scope never leaks into it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from ingest.text.analysis import tokenize

# Pronominal adverbs and a demonstrative closing the question point at something said before.
_POINTS_BACK = re.compile(
    r"\b(daar(van|voor|bij|in|mee|over|aan|na|door|uit|onder|op)?|hier(van|voor|bij|in|mee|over|aan|door|uit|op))\b"
    r"|\b(die|dat|deze|dit|dezelfde|hetzelfde|those|that|these|this|it|them)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# "die woningen", "those measures": a demonstrative before a word of the previous question.
_DEMONSTRATIVE = re.compile(r"\b(die|deze|dit|dat|dezelfde|hetzelfde|those|these|that|this)\s+(\w[\w-]*)", re.I)
_LEADS_ON = re.compile(r"^\s*(en|maar|ook|and|but|what about|how about)\b", re.IGNORECASE)


def is_follow_up(question: str, previous: str | None, subject_terms: Callable[[str], list[str]]) -> bool:
    """``subject_terms``: the question's own subject words (names of places and documents,
    question frame and digits left out), as the index's analysis sees them."""
    if not previous:
        return False
    if _POINTS_BACK.search(question):
        return True
    before = set(tokenize(previous))
    if any(set(tokenize(m.group(2))) & before for m in _DEMONSTRATIVE.finditer(question)):
        return True
    return bool(_LEADS_ON.match(question)) and not subject_terms(question)


class _Names(Protocol):
    def mentioned(self, question: str, places_only: bool = False) -> dict[str, list[str]]: ...


def carried_question(question: str, previous: str, names: _Names) -> str:
    """The previous question as a follow-up carries it on: when the follow-up names a place
    of its own ("En voor Noorddorp?"), the previous one's places are left behind."""
    if not names.mentioned(question, places_only=True):
        return previous
    for found in names.mentioned(previous, places_only=True).values():
        for name in found:
            previous = re.sub(rf"\b{re.escape(name)}\b", " ", previous, flags=re.IGNORECASE)
    return previous


class _Scored(Protocol):
    score: float
    tokens: frozenset[str]
    section_tokens: frozenset[str]


# A unit that says nothing of the carried subject keeps this share of its score.
OFF_REFERENT = 0.6


def keep_to_referent(cands: Sequence[_Scored], carried: set[str]) -> None:
    """A follow-up is about what the previous turn was about ("die woningen" are the
    zorggeschikte woningen asked before): evidence that never mentions that subject, in its
    text or under its heading, answers some other question with the same words."""
    if not carried:
        return
    for c in cands:
        if not carried & (c.tokens | c.section_tokens):
            c.score *= OFF_REFERENT
