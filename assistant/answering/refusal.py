"""When the documents do not hold the answer: the decision, and the refusal an answer becomes.

Two kinds of evidence say "not in the documents": a name or long subject word the indexed text
never uses, and best evidence that covers too little of the question (support below the
calibrated ``Settings.answer.refuse_below``; see ``python -m evals.refusal_curve``)."""

from __future__ import annotations

import re

from assistant.answering.citations import normalise_ws, valid_citations
from assistant.answering.extractive import Candidate, evidence_support
from assistant.answering.instruction_guard import is_instruction_like
from assistant.answering.vocabulary import Vocabulary
from assistant.models import Answer, Citation, Passage
from assistant.question.analysis import QuestionProfile
from assistant.retrieval.index import SearchIndex
from ingest.text.analysis import tokenize
from prompts import answer as P

# Shown under a refusal: pages that come nearest, for the reader to check.
MAYBE_RELEVANT = 3
# A subject word this long that the corpus never uses is a subject, not wording.
MIN_ABSENT_LETTERS = 7


def refusal_reason(
    profile: QuestionProfile,
    passages: list[Passage],
    cands: list[Candidate],
    vocab: Vocabulary,
    by_record: bool = False,
    dense: dict[str, float] | None = None,
    names: list[str] | None = None,
) -> tuple[str | None, float | None]:
    """Why not to answer (None: answer), and the evidence support the threshold judged.
    ``by_record``: a record (a table cell) answers it, no sentence needs to cover the question.
    ``dense``: chunk_id → the chunk's dense similarity to the question (see ``evidence_support``).
    ``names``: the names evidence must be about (``grounding_names``; none for a comparison,
    whose names are spread over the documents compared)."""
    index = vocab.index
    if not passages:
        return P.NO_PASSAGE_NL, None
    if profile.language == "nl":
        unknown = [
            w
            for w in profile.proper_nouns
            if all(index.term_df.get(t, 0) == 0 for t in tokenize(w)) and not vocab.derives_known(w)
        ]
        if unknown:
            return P.UNKNOWN_NAME_NL.format(names=", ".join(unknown)), None
        derived = {t for w in profile.proper_nouns if vocab.derives_known(w) for t in tokenize(w)}
        absent = [
            t
            for t in profile.terms
            if len(t) >= MIN_ABSENT_LETTERS
            and not t.isdigit()
            and t not in derived
            and not index.knows(t)
            and not vocab.inflects_known(t)
        ]
        if absent:
            return P.UNKNOWN_WORD_NL.format(words=_words(profile, absent)), None
    if by_record:
        return None, None
    support = evidence_support(profile, cands, index, dense, index.settings.answer.support_dense_weight, names)
    threshold = index.settings.answer.refuse_below
    if support < threshold:
        if profile.kind == "number" and profile.expects != "any":
            return P.NO_VALUE_NL.format(value=P.VALUE_NAMES_NL[profile.expects]), support
        return P.LOW_SUPPORT_NL.format(support=support, threshold=threshold), support
    return None, support


def refuse(question: str, profile: QuestionProfile, passages: list[Passage], reason: str, index: SearchIndex) -> Answer:
    """The refusal sentinel, the nearest pages (cited, verified) and the reason as a notice."""
    en = profile.language == "en"
    lines = [P.REFUSAL_EN if en else P.REFUSAL_NL]
    citations: list[Citation] = []
    if passages:
        lines.append(P.MAYBE_RELEVANT_EN if en else P.MAYBE_RELEVANT_NL)
        seen: set[tuple[str, int]] = set()
        for p in passages:
            if (p.doc_id, p.page) in seen or len(citations) >= MAYBE_RELEVANT:
                continue
            seen.add((p.doc_id, p.page))
            n = len(citations) + 1
            quote = normalise_ws(p.text)[:300].rsplit(" ", 1)[0] if len(p.text) > 300 else normalise_ws(p.text)
            if is_instruction_like(quote):
                continue
            citations.append(
                Citation(n=n, file=p.file, doc_id=p.doc_id, title=p.title, page=p.page, quote=quote, section=p.section)
            )
            lines.append(f"- {p.title}, p. {p.page} [{n}]")
    citations = valid_citations(index, citations)
    return Answer(
        question=question,
        answer="\n".join(lines),
        refused=True,
        citations=citations,
        language=profile.language,
        notices=[P.REFUSAL_REASON_NL.format(reason=reason)],
    )


def _words(profile: QuestionProfile, stems: list[str]) -> str:
    """The question's own words behind stems ("plusser" → "65-plussers"), quoted, for people to read."""
    words = re.findall(r"[\w’'-]+", profile.text)
    shown = [next((w for w in words if stem in tokenize(w)), stem) for stem in stems]
    return ", ".join(f"‘{w}’" for w in dict.fromkeys(shown))
