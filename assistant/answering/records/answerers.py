"""Answers built from records rather than sentences: maatregel rows and plan/phase records,
one cited line each; an asked-for id the documents do not have is refused.

Each record kind answers behind one protocol, ``RecordAnswerer``; the engine asks them in the
order of ``RECORD_ANSWERERS`` and takes the first answer. A new kind adds a class here (or in
its own module) and an entry in that tuple.
"""

from __future__ import annotations

from typing import Protocol

from assistant.answering.citations import valid_citations
from assistant.answering.compose import intro
from assistant.answering.records import maatregelen as maatregel_answers
from assistant.answering.records import plans as plan_answers
from assistant.answering.refusal import refuse
from assistant.models import Answer
from assistant.question.analysis import QuestionProfile
from assistant.retrieval.index import SearchIndex
from prompts import answer as P


def from_measures(
    question: str, profile: QuestionProfile, found: maatregel_answers.RecordAnswer, index: SearchIndex
) -> Answer:
    en = profile.language == "en"
    if found.missing_ids and not found.records:
        return refuse(question, profile, [], P.NO_SUCH_MEASURE_NL.format(ids=", ".join(found.missing_ids)), index)
    if found.overview:
        counted = maatregel_answers.overview(found.records)
        citations = valid_citations(index, maatregel_answers.citations_for([m for _, m in counted], index))
        cited = {c.n for c in citations}
        lines = [f"- {text} [{n}]" for n, (text, _) in enumerate(counted, 1) if n in cited]
    else:
        citations = valid_citations(index, maatregel_answers.citations_for(found.records, index))
        cited = {c.n for c in citations}
        lines = [f"- {maatregel_answers.describe(m, en)} [{n}]" for n, m in enumerate(found.records, 1) if n in cited]
    if not lines:
        return refuse(question, profile, [], P.NO_CHECKED_MEASURE_NL, index)
    opener = intro([citations[0].title], en)
    if found.overview:
        opener = opener.rstrip(":") + f" ({P.COUNTED_NL.format(totals=maatregel_answers.totals(found.records))}):"
    # A count does not hinge on the uncertain cells of single rows; a listing does.
    notices = (
        []
        if found.overview
        else [P.MEASURE_UNCERTAIN_NL.format(id=m.id, note=n) for m in found.records for n in m.uncertain]
    )
    if found.missing_ids:
        notices.append(P.MISSING_IDS_NL.format(ids=", ".join(found.missing_ids)))
    return Answer(
        question=question,
        answer="\n".join([opener, *lines]),
        refused=False,
        citations=citations,
        language=profile.language,
        notices=notices,
    )


def from_plan(question: str, profile: QuestionProfile, plan: plan_answers.PlanAnswer, index: SearchIndex) -> Answer:
    if plan.missing and not plan.lines:
        return refuse(question, profile, [], P.NO_SUCH_RECORD_NL.format(names=", ".join(plan.missing)), index)
    for n, (_, citation) in enumerate(plan.lines, 1):
        citation.n = n
    citations = valid_citations(index, [c for _, c in plan.lines])
    cited = {c.n for c in citations}
    lines = [f"- {text} [{c.n}]" for text, c in plan.lines if c.n in cited]
    if not lines:
        return refuse(question, profile, [], P.NO_CHECKED_RECORD_NL, index)
    notices = [P.MISSING_NL.format(names=", ".join(plan.missing))] if plan.missing else []
    return Answer(
        question=question,
        answer="\n".join([intro([citations[0].title], profile.language == "en"), *lines]),
        refused=False,
        citations=citations,
        language=profile.language,
        notices=notices,
    )


class RecordAnswerer(Protocol):
    """Answers a question from one kind of record, or returns None when the question is not for it."""

    name: str

    def answer(
        self, question: str, profile: QuestionProfile, doc_ids: list[str] | None, index: SearchIndex
    ) -> Answer | None: ...


class MeasureAnswerer:
    """Maatregel rows asked for by id, by trekker, as a distribution, or by their words."""

    name = "maatregel"

    def answer(
        self, question: str, profile: QuestionProfile, doc_ids: list[str] | None, index: SearchIndex
    ) -> Answer | None:
        found = maatregel_answers.find(profile, index, doc_ids)
        if found is None or not (found.records or found.missing_ids):
            return None
        return from_measures(question, profile, found, index)


class PlanAnswerer:
    """Numbered proposals and dated phases of plans."""

    name = "plan"

    def answer(
        self, question: str, profile: QuestionProfile, doc_ids: list[str] | None, index: SearchIndex
    ) -> Answer | None:
        plan = plan_answers.find(profile, index, doc_ids)
        if plan is None or not (plan.lines or plan.missing):
            return None
        return from_plan(question, profile, plan, index)


RECORD_ANSWERERS: tuple[RecordAnswerer, ...] = (MeasureAnswerer(), PlanAnswerer())
