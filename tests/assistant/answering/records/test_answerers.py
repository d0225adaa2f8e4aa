"""The contract every record answerer keeps (``RecordAnswerer``), checked on each registered one.

An answerer has a name, stays silent (None) on a question that is not about its records, and
every answer it gives cites verbatim quotes of pages in the index; it never answers for a
document outside the scope it is given.
"""

from __future__ import annotations

import pytest

from assistant.answering.analyse import analyse_question
from assistant.answering.citations import normalise_ws
from assistant.answering.records.answerers import RECORD_ANSWERERS, RecordAnswerer
from assistant.answering.vocabulary import Vocabulary
from assistant.retrieval.hybrid import HybridSearcher
from assistant.retrieval.index import SearchIndex

# Questions of the kinds the records serve, in general wording (no document's own phrasing).
RECORD_QUESTIONS = [
    "Wie is trekker van maatregel 1?",
    "Welke maatregelen zijn er?",
    "Wat houdt voorstel 2 in?",
    "Welke fasen kent het plan?",
]
OTHER_QUESTIONS = ["Wat is de hoofdstad van Frankrijk?", "Hoe laat vertrekt de trein naar Utrecht?"]


def _ask(answerer: RecordAnswerer, index: SearchIndex, question: str, doc_ids: list[str] | None = None):  # type: ignore[no-untyped-def]
    analysed = analyse_question(question, [], Vocabulary(index), None)
    return answerer.answer(question, analysed.profile, doc_ids, index)


@pytest.mark.parametrize("answerer", RECORD_ANSWERERS, ids=lambda a: a.name)
def test_answerer_contract(answerer: RecordAnswerer, searcher: HybridSearcher) -> None:
    index = searcher.index
    assert answerer.name and isinstance(answerer.name, str)
    for question in OTHER_QUESTIONS:
        assert _ask(answerer, index, question) is None, question
    answered = 0
    for question in RECORD_QUESTIONS:
        answer = _ask(answerer, index, question)
        if answer is None or answer.refused:
            continue
        answered += 1
        assert answer.citations, question
        for c in answer.citations:
            assert normalise_ws(c.quote) in normalise_ws(index.page_text(c.doc_id, c.page) or ""), (question, c)
        # Scoped to one other document: nothing from the documents outside it.
        cited = {c.doc_id for c in answer.citations}
        others = [d for d in index.documents if d not in cited]
        if others:
            scoped = _ask(answerer, index, question, others[:1])
            if scoped is not None and not scoped.refused:
                assert {c.doc_id for c in scoped.citations} <= {others[0]}, question
    assert answered, f"{answerer.name} answered none of {RECORD_QUESTIONS}"


def test_answerer_names_are_unique() -> None:
    names = [a.name for a in RECORD_ANSWERERS]
    assert len(names) == len(set(names))
