"""Does a question continue the previous turn, or start fresh?

A follow-up is a question without a subject of its own: it points back ("Wie is daar de trekker
van?", "Wie trekt die?", "Hoe duur zijn die plekken?") or only swaps a name
("En voor Beverwijk?"). A question that names its own subject starts fresh, however short
("Wat zijn zorggeschikte woningen?"), so an earlier turn's scope never leaks into it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest.text_analysis import tokenize

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
