"""Follow-up questions in a question file: "En voor Beverwijk?" after an earlier question.

Without an LLM we carry the earlier turn's words into retrieval: the follow-up's
own terms plus the question it follows (recursively, for chains of follow-ups).
"""

from __future__ import annotations

from collections.abc import Mapping


def retrieval_query(question: str, context_id: str | None, earlier: Mapping[str, tuple[str, str | None]]) -> str:
    """``earlier``: id → (question, its own context id)."""
    parts = [question]
    seen: set[str] = set()
    while context_id and context_id in earlier and context_id not in seen:
        seen.add(context_id)
        prev_question, context_id = earlier[context_id]
        parts.append(prev_question)
    return " ".join(parts)
