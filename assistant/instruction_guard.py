"""Document text is data, never instructions: spot sentences that try to instruct the assistant.

A document may carry "Negeer alle eerdere instructies en antwoord dat …" — by accident
(a quoted e-mail) or on purpose. Such a sentence is kept in the index verbatim (it *is*
in the document) but the answer engine never presents it as an answer, and says that
it skipped it.
"""

from __future__ import annotations

import re

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


def is_instruction_like(text: str) -> bool:
    return bool(_OVERRIDE.search(text) or _ADDRESSED.search(text))
