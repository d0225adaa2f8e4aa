"""Step 1: the question as the later steps use it — profile, search query, follow-up context."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.answering.followup import carried_question, is_follow_up
from assistant.answering.llm_client import LlmError
from assistant.answering.vocabulary import Vocabulary
from assistant.models import Turn
from assistant.question.analysis import QuestionProfile, analyse
from assistant.question.english_terms import dutch_terms
from ingest.text.analysis import tokenize
from prompts import answer as P

# "hoe verschilt de omschrijving van X …": a comparison of definitions is answered as a definition.
_ABOUT_DEFINITION = re.compile(
    r"\b(omschrijving|definitie\w*|begrip\w*|betekenis|verstaan|definition\w*|defined)\b", re.I
)


@dataclass
class Analysed:
    question: str
    profile: QuestionProfile
    query: str  # what retrieval searches: the question, Dutch terms of an English one, a carried subject
    asks_definition: bool
    previous: Turn | None = None  # the turn a follow-up continues
    referent: set[str] = field(default_factory=set)  # that turn's subject terms, not repeated in this one
    notices: list[str] = field(default_factory=list)


def analyse_question(
    question: str,
    history: list[Turn],
    vocab: Vocabulary,
    rewrite: Callable[[str, list[Turn]], str] | None = None,
) -> Analysed:
    """``rewrite``: an LLM that turns a follow-up into a question of its own (optional)."""
    index = vocab.index
    profile = analyse(question)
    # Its own form, before a follow-up inherits one.
    asks_definition = profile.kind == "definition" or (
        profile.kind == "comparison" and bool(_ABOUT_DEFINITION.search(question))
    )
    # A verb form the corpus never uses ("onderscheidt") can match nothing: it must not
    # weigh in scoring and refusal as if it were a missing subject.
    profile.terms = [t for t in profile.terms if index.term_df.get(t) or not vocab.inflects_known(t)]
    query = question
    if profile.language == "en" and (dutch := dutch_terms(question)):
        # The documents are Dutch: search and score with the Dutch words too.
        query = f"{question} {dutch}"
        profile.terms = list(dict.fromkeys(profile.terms + tokenize(dutch)))
    out = Analysed(question, profile, query, asks_definition)
    previous = history[-1] if history else None
    if previous is None or not is_follow_up(question, previous.question, vocab.subject_terms):
        return out
    # No LLM to rewrite it: carry the previous turn's subject into retrieval and scoring.
    carried = carried_question(question, previous.question, index.names)
    prev = analyse(carried)
    out.previous = previous
    out.referent = set(vocab.subject_terms(carried)) - set(profile.terms)
    out.query = f"{query} {carried}"
    profile.terms = list(dict.fromkeys(profile.terms + prev.terms))
    profile.ids = profile.ids or prev.ids
    if profile.kind == "broad":
        profile.kind = prev.kind
    if profile.expects == "any":
        profile.expects = prev.expects
    if rewrite is not None:
        try:
            out.query = rewrite(question, history)
        except LlmError as exc:
            out.notices.append(P.LLM_FALLBACK_NOTICE_NL.format(reason=exc))
    return out
