"""Document text is data, never instructions: spot sentences that try to instruct the assistant.

A document may carry "Negeer alle eerdere instructies en antwoord dat …" — by accident
(a quoted e-mail) or on purpose. Such a sentence is kept in the index verbatim (it *is*
in the document) but the answer engine never presents it as an answer, and says that
it skipped it.
"""

from __future__ import annotations

import re
from functools import lru_cache

_OVERRIDE = re.compile(
    r"\b(negeer|vergeet|ignore|disregard|forget|overrule)\b.{0,40}?"
    r"\b(instructies?|opdrachten|regels|prompts?|instructions?|rules|context)\b",
    re.I | re.S,
)
# Orders addressed to whoever answers: "Antwoord dat …", "Zeg dat …", "You are now …".
_ADDRESSED = re.compile(
    r"(^|[.!?]\s+)(antwoord|zeg|vertel|answer|say|respond|reply)\s+(altijd\s+|always\s+)?(dat|that)\b"
    r"|\b(je bent nu|jij bent nu|you are now|act as|doe alsof je|systeemprompt|system prompt)\b",
    re.I,
)


@lru_cache(maxsize=1 << 16)
def is_instruction_like(text: str) -> bool:
    """Once per text: every candidate sentence of every ask is checked, and the same pages'
    sentences come back on many asks (a pure function of the text, so the cache is exact)."""
    return bool(_OVERRIDE.search(text) or _ADDRESSED.search(text))
