"""Proposals ("Voorstel N") and phases answered from their records, cited to the page."""

from __future__ import annotations

import pytest

from assistant.answering.citations import normalise_ws
from assistant.answering.engine import AnswerEngine
from assistant.retrieval.hybrid import HybridSearcher
from prompts.answer import REFUSAL_NL

DSP = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"
DW = "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"


@pytest.fixture(scope="module")
def engine(searcher: HybridSearcher) -> AnswerEngine:
    return AnswerEngine(searcher)


def _verbatim(engine: AnswerEngine, answer_citations: list) -> None:  # type: ignore[type-arg]
    for c in answer_citations:
        assert normalise_ws(c.quote) in normalise_ws(engine.index.page_text(c.doc_id, c.page) or "")


def test_a_numbered_proposal_is_answered_from_its_record(engine: AnswerEngine) -> None:
    answer = engine.ask("Wat houdt voorstel 4 in?")
    assert not answer.refused
    assert answer.answer.splitlines()[1].startswith("- Voorstel 4 (4.3.1")
    assert "30% sociale huur" in answer.answer
    assert [(c.file, c.page) for c in answer.citations] == [(DSP, 21)]
    _verbatim(engine, answer.citations)


def test_proposals_on_a_subject_are_found_by_their_words(engine: AnswerEngine) -> None:
    answer = engine.ask("Welke voorstellen gaan over een bestuurlijke stuurgroep?")
    assert not answer.refused and "Voorstel 11" in answer.answer


def test_a_proposal_number_the_document_lacks_is_refused(engine: AnswerEngine) -> None:
    answer = engine.ask("Wat houdt voorstel 14 in?")
    assert answer.refused and answer.answer.startswith(REFUSAL_NL)


def test_a_raadsvoorstel_is_not_a_proposal_record(engine: AnswerEngine) -> None:
    answer = engine.ask("Wat staat er in het raadsvoorstel over de kosten van de regiefunctie?")
    assert not answer.refused and "Voorstel " not in answer.answer and "25.000" in answer.answer


def test_phases_in_order_and_by_year(engine: AnswerEngine) -> None:
    answer = engine.ask("Welke fasen kent het uitvoeringsplan van Dijk en Waard?")
    lines = answer.answer.splitlines()[1:]
    assert [ln.split(" — ")[1].split(":")[0] for ln in lines[:3]] == ["Opstarten", "Borgen", "Bestendigen"]
    assert {c.file for c in answer.citations} == {DW}
    _verbatim(engine, answer.citations)
    year = engine.ask("Wat is de fase in 2026 volgens de fasering van Dijk en Waard?")
    assert year.answer.splitlines()[1].startswith("- 2026 — Bestendigen")
