"""Step 7: what the reader should know beside the answer — a place the quotes never mention,
documents still waiting for their vectors, a sentence left out as instruction-like."""

from __future__ import annotations

from assistant.answering.citations import normalise_ws
from assistant.answering.extractive import Candidate
from assistant.models import Answer, SearchFilters
from assistant.question.analysis import QuestionProfile
from assistant.retrieval.index import SearchIndex
from ingest.text.analysis import fold
from prompts import answer as P

# Instruction-like sentences among the best-ranked passages are reported; further down, not.
REPORT_SKIPPED_RANK = 5
# Waiting documents named in the notice; the rest are counted.
NAMED_WAITING = 3


def unmentioned_places(query: str, profile: QuestionProfile, answer: Answer, index: SearchIndex) -> list[str]:
    """Say so when a named place occurs in none of the quotes ("Over Noorddorp staat … alleen …")."""
    quoted = fold(" ".join(c.quote for c in answer.citations))
    named = index.names.mentioned(query, places_only=True)
    places = {n for names in named.values() for n in names}
    template = P.ONLY_SCOPE_EN if profile.language == "en" else P.ONLY_SCOPE_NL
    regions = ", ".join(dict.fromkeys(c.title for c in answer.citations))
    return [
        template.format(entity=place.title(), available=regions)
        for place in sorted(places)
        if place not in quoted and place not in index.folded_titles and len(place.split()) <= 3 and place.isalpha()
    ]


def vectors_pending(language: str, filters: SearchFilters | None, index: SearchIndex) -> list[str]:
    """A notice while documents in scope are live for BM25 but still waiting for their vectors:
    a refusal or a thin answer may then change once they are embedded."""
    scope = index.allowed_doc_ids(filters)
    waiting = [d for d in index.waiting_for_vectors() if scope is None or d.doc_id in scope]
    if not waiting:
        return []
    more = P.MORE_TITLES_NL.format(n=len(waiting) - NAMED_WAITING) if len(waiting) > NAMED_WAITING else ""
    titles = "; ".join(f"‘{d.title}’" for d in waiting[:NAMED_WAITING]) + more
    if language == "en":  # the answer's language, as the question analysis found it
        return [P.VECTORS_PENDING_EN.format(titles=titles, verb="is" if len(waiting) == 1 else "are")]
    return [P.VECTORS_PENDING_NL.format(titles=titles, verb="is" if len(waiting) == 1 else "zijn")]


def skipped_instructions(skipped: list[Candidate]) -> list[str]:
    return [
        P.INSTRUCTION_SKIPPED_NL.format(file=c.passage.file, page=c.passage.page, sentence=normalise_ws(c.text))
        for c in skipped
        if c.rank < REPORT_SKIPPED_RANK
    ]
