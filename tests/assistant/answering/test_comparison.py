"""Side by side: one verified, cited column per document; a silent document says so."""

from __future__ import annotations

import pytest

from assistant.answering.citations import normalise_ws
from assistant.answering.comparison import compare, relevant_documents, topic_of
from assistant.answering.engine import AnswerEngine
from assistant.retrieval.hybrid import HybridSearcher
from evals.answer_eval import normalise

GV = "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"
ZK = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"
DW = "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"


@pytest.fixture(scope="module")
def engine(searcher: HybridSearcher) -> AnswerEngine:
    return AnswerEngine(searcher)


def _doc_id(engine: AnswerEngine, file: str) -> str:
    return next(d.doc_id for d in engine.index.documents.values() if d.file == file)


def test_one_column_per_document_each_cited_from_its_own_pages(engine: AnswerEngine) -> None:
    ids = [_doc_id(engine, GV), _doc_id(engine, DW)]
    table = compare(engine, "geclusterd wonen", ids)
    assert [c.doc_id for c in table.columns] == ids
    for col in table.columns:
        assert col.found and col.citations
        for c in col.citations:
            assert c.doc_id == col.doc_id
            page = engine.index.page_text(c.doc_id, c.page) or ""
            assert normalise_ws(c.quote) in normalise_ws(page)
            assert f"[{c.n}]" in col.answer
    assert "5" in next(c for c in table.columns if c.doc_id == ids[1]).answer  # "cluster van min. 5 …"


def test_a_document_silent_on_the_topic_gets_an_empty_column(engine: AnswerEngine) -> None:
    ids = [_doc_id(engine, ZK), _doc_id(engine, DW)]
    table = compare(engine, "skaeve huse voor dak- en thuislozen", ids)
    found = {c.doc_id: c.found for c in table.columns}
    assert found[ids[0]] is True
    assert found[ids[1]] is False and not table.columns[1].citations


def test_a_question_naming_two_regions_is_answered_per_region(engine: AnswerEngine) -> None:
    answer = engine.ask(
        "Hoeveel extra woningen voor ouderen zijn nodig in Zuid-Kennemerland/IJmond en in Gooi en Vechtstreek?"
    )
    assert not answer.refused
    files = {c.file for c in answer.citations}
    assert {GV, ZK} <= files
    text = normalise(answer.answer)
    assert "6820" in text and "2305" in text  # each region's own total, from its own document
    # Markers are renumbered across columns: 1..n, each used.
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        assert f"[{c.n}]" in answer.answer


def test_two_places_of_one_document_are_one_subject(engine: AnswerEngine) -> None:
    answer = engine.ask("Met welke partners hebben Heemskerk en Beverwijk de woonzorgvisie opgesteld?")
    assert not answer.answer.startswith("Wat de documenten")  # not split per document


def test_topic_of_strips_the_comparison_frame() -> None:
    assert topic_of("Vergelijk de aanpak van Gooi en Vechtstreek en Zuid-Kennemerland voor geclusterd wonen?") == (
        "Gooi en Vechtstreek en Zuid-Kennemerland voor geclusterd wonen"
    )


def test_a_large_index_compares_the_most_relevant_document_of_each_group(engine: AnswerEngine) -> None:
    # Five documents with a limit of two stand in for hundreds with a limit of six.
    everything = relevant_documents(engine, "geclusterd wonen", limit=10)
    assert sorted(everything) == sorted(engine.index.documents)  # within the limit: all of them

    one_group = relevant_documents(engine, "geclusterd wonen", limit=2)
    assert len(one_group) == 2  # the two whose passages rank best
    gv, dw = _doc_id(engine, GV), _doc_id(engine, DW)
    assert set(one_group) <= set(engine.index.documents)

    # Grouped: each group's best document comes before any group's second.
    def group(doc_id: str) -> str:
        return "gooi" if doc_id == gv else "rest"

    grouped = relevant_documents(engine, "geclusterd wonen", limit=2, group_of=group)
    assert gv in grouped and len(grouped) == 2
    assert dw in relevant_documents(engine, "geclusterd wonen min. 5", among=[gv, dw, _doc_id(engine, ZK)], limit=1)
