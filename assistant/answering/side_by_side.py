"""A comparison answered once per document, merged under the documents' names, renumbered."""

from __future__ import annotations

from assistant.answering.comparison import AnswerEngine, compare, renumber
from assistant.answering.refusal import refuse
from assistant.models import Answer, Citation
from assistant.question.analysis import QuestionProfile
from prompts import answer as P


def side_by_side(question: str, profile: QuestionProfile, doc_ids: list[str], engine: AnswerEngine) -> Answer:
    """Each column is that document's own verified answer; a silent document is named in a notice."""
    en = profile.language == "en"
    table = compare(engine, question, doc_ids)
    lines = [P.INTRO_MULTI_EN if en else P.INTRO_MULTI_NL]
    citations: list[Citation] = []
    silent = []
    for col in table.columns:
        if not col.found:
            silent.append(col.title)
            continue
        body = "\n".join(col.answer.splitlines()[1:])  # without its "Volgens …:" intro
        lines += [f"{col.title}:", renumber(body, len(citations))]
        citations += [c.model_copy(update={"n": c.n + len(citations)}) for c in col.citations]
    if not citations:
        return refuse(question, profile, [], P.NO_COLUMN_NL, engine.index)
    notices = [(P.NOT_IN_EN if en else P.NOT_IN_NL).format(titles="; ".join(silent))] if silent else []
    return Answer(
        question=question,
        answer="\n".join(lines),
        refused=False,
        citations=citations,
        language=profile.language,
        notices=notices,
    )
