"""The extractive answer engine on the real corpus: cited, verified, refuses when silent."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.answering.citations import normalise_ws, quote_on_page, valid_citations
from assistant.answering.engine import AnswerEngine
from assistant.models import Citation, Turn
from assistant.retrieval.hybrid import HybridSearcher
from evals.answer_eval import normalise
from prompts.answer import MAYBE_RELEVANT_NL, REFUSAL_EN, REFUSAL_NL, REFUSAL_REASON_NL


@pytest.fixture(scope="module")
def searcher(searcher_per_store: HybridSearcher) -> HybridSearcher:
    """Every test here runs against the embedded store and against a real Chroma server."""
    return searcher_per_store


@pytest.fixture(scope="module")
def engine(searcher: HybridSearcher) -> AnswerEngine:
    return AnswerEngine(searcher)


def test_every_citation_of_every_dev_answer_is_verbatim_on_its_page(
    engine: AnswerEngine, dev_questions: list[dict[str, Any]]
) -> None:
    cited = 0
    for q in dev_questions:
        answer = engine.ask(str(q["question"]))
        for c in answer.citations:
            page = engine.index.page_text(c.doc_id, c.page)
            assert page is not None and normalise_ws(c.quote) in normalise_ws(page), (q["id"], c)
            assert f"[{c.n}]" in answer.answer
            cited += 1
        if not answer.refused:
            assert answer.citations, q["id"]
            # Every line that states something carries a marker.
            for line in answer.answer.splitlines()[1:]:
                is_heading = line.endswith(":") and line.removesuffix(":") in {c.title for c in answer.citations}
                assert "[" in line or is_heading, (q["id"], line)
    assert cited > 60


def test_a_citation_that_is_not_on_its_page_is_dropped(engine: AnswerEngine) -> None:
    real = engine.ask("Wat zijn zorggeschikte woningen?").citations[0]
    forged = real.model_copy(update={"n": 2, "quote": "De gemeente geeft iedereen 1 miljoen euro subsidie."})
    wrong_page = real.model_copy(update={"n": 3, "page": real.page + 1})
    assert valid_citations(engine.index, [real, forged, wrong_page]) == [real]
    assert not quote_on_page(engine.index, real.doc_id, real.page, "")


def test_definition_answer_quotes_the_defining_sentence(engine: AnswerEngine) -> None:
    answer = engine.ask("Wat zijn zorggeschikte woningen?")
    assert not answer.refused
    text = normalise(answer.answer)
    assert "zelfstandige woningen" in text and "verpleeghuis" in text
    assert answer.citations[0].file == "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"
    assert answer.citations[0].page == 47
    assert answer.timings["total_ms"] > 0 and answer.evidence


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel zorggeschikte woningen heeft de gemeente Utrecht tot 2030 nodig?",  # a place the corpus lacks
        "Wat kost een parkeervergunning in Heemskerk?",  # a subject the corpus lacks
        "Hoe hoog is de huurtoeslag voor een alleenstaande?",  # an amount the corpus does not give
    ],
)
def test_refuses_with_the_sentinel_and_related_passages(engine: AnswerEngine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.refused
    assert answer.answer.startswith(REFUSAL_NL)
    if answer.citations:
        assert MAYBE_RELEVANT_NL in answer.answer
    assert any(n.startswith(REFUSAL_REASON_NL.split("{")[0]) for n in answer.notices)


def test_answerable_dev_questions_are_not_refused(engine: AnswerEngine, dev_questions: list[dict[str, Any]]) -> None:
    answerable = [q for q in dev_questions if q["type"] != "unanswerable" and not q.get("context")]
    refused = [q["id"] for q in answerable if engine.ask(str(q["question"])).refused]
    assert len(refused) <= 0.05 * len(answerable), refused


def test_follow_up_carries_the_previous_turn(engine: AnswerEngine) -> None:
    first = "Hoeveel zorggeschikte, geclusterde en nultredenwoningen heeft Heemskerk nodig volgens Tabel Bijlage 4.12?"
    alone = engine.ask("En voor Beverwijk?")
    follow = engine.ask("En voor Beverwijk?", history=[Turn(question=first, answer=engine.ask(first).answer)])
    assert not follow.refused
    assert "440" in normalise(follow.answer)  # Beverwijk's total in that table: the row is shown whole
    assert follow.retrieval_query != alone.retrieval_query


def test_english_question_gets_english_framing_and_dutch_quotes(engine: AnswerEngine) -> None:
    answer = engine.ask("What are zorggeschikte woningen according to the DSP report?")
    assert answer.language == "en"
    assert answer.answer.startswith(("According to", "What the documents say"))
    assert "zelfstandige woningen" in normalise(answer.answer)
    refusal = engine.ask("What is the hourly rate of a parking permit in Amsterdam?")
    assert refusal.refused and refusal.answer.startswith(REFUSAL_EN)


def test_a_named_place_narrows_retrieval(engine: AnswerEngine) -> None:
    answer = engine.ask("Welke proeftuin noemt Dijk en Waard?")
    assert {c.file for c in answer.citations} == {"uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"}
    assert any("Dijk en Waard" in n for n in answer.notices)


def test_citation_model_round_trips() -> None:
    c = Citation(n=1, file="a.pdf", doc_id="x", title="A", page=3, quote="q")
    assert Citation.model_validate_json(c.model_dump_json()) == c


@pytest.mark.parametrize("place", ["Wijdemeren", "Bloemendaal"])
def test_says_so_when_a_named_place_is_in_no_quote(engine: AnswerEngine, place: str) -> None:
    answer = engine.ask(f"Hoe gaat {place} om met ouderenhuisvesting?")
    assert not answer.refused
    in_quotes = any(place.lower() in c.quote.lower() for c in answer.citations)
    flagged = any(n.startswith(f"Over {place} staat") for n in answer.notices)
    assert flagged != in_quotes, (answer.notices, [c.quote[:80] for c in answer.citations])


def test_glossary_brings_the_defining_passage_and_flags_differing_definitions(engine: AnswerEngine) -> None:
    answer = engine.ask("Wat wordt verstaan onder aandachtsgroepen?")
    assert not answer.refused
    assert "specifieke woonvraag" in normalise(answer.answer)
    assert "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf" in {c.file for c in answer.citations}
    geclusterd = engine.ask("Wat zijn geclusterde woonvormen?")
    assert not geclusterd.refused and geclusterd.citations


def test_number_question_leads_with_the_exact_table_cell(engine: AnswerEngine) -> None:
    answer = engine.ask("Hoeveel zorggeschikte woningen heeft Heemskerk nodig tot 2031?")
    assert not answer.refused
    first_line = answer.answer.splitlines()[1]
    assert "Heemskerk" in first_line and "Zorggeschikte woningen: 115" in first_line and first_line.endswith("[1]")
    c = answer.citations[0]
    assert (c.file, c.page, c.quote) == (
        "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf",
        48,
        "Heemskerk 115 160 425 700",
    )
    # A generic word ("woningen") picks no one column: the table's whole row, with its total.
    other = engine.ask("Hoeveel woningen heeft Heemskerk nodig?")
    row = other.answer.splitlines()[1]
    assert "Zorggeschikte woningen: 115" in row and "Nultredenwoningen: 425" in row and "Totaal: 700" in row


def test_a_question_for_the_sum_leads_with_the_tables_total_row(engine: AnswerEngine) -> None:
    # No row named, the sum asked ("in totaal", "samen"): the table states it in its total row.
    for question, cell in (
        ("Hoeveel nultredenwoningen zijn volgens Tabel Bijlage 4.12 samen nodig?", "Nultredenwoningen: 4.450"),
        ("Hoeveel geclusterde woningen zijn volgens Tabel Bijlage 4.12 bij elkaar nodig?", "Geclusterde woningen: 1.6"),
    ):
        answer = engine.ask(question)
        first_line = answer.answer.splitlines()[1]
        assert f"Totaal: {cell}" in first_line, answer.answer
        assert answer.citations[0].page == 48


def test_a_question_about_a_defined_term_is_answered_from_the_table_not_the_glossary(engine: AnswerEngine) -> None:
    # "Wat is …" in form, but it asks for a target about the term: the indicator table's cell.
    answer = engine.ask("Wat is de bijgestelde doelstelling voor geclusterde woningen in Dijk en Waard?")
    first = answer.answer.splitlines()[1]
    assert "Bijgestelde doelstellingen in 2030: 750-900" in first
    assert answer.citations[0].file == "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"
    assert answer.citations[0].page == 14


def test_which_question_leads_with_the_enumeration(engine: AnswerEngine) -> None:
    answer = engine.ask("Welke partners werkten mee aan de woonzorgvisie van Heemskerk en Beverwijk?")
    first = answer.answer.splitlines()[1]
    assert "Woonopmaat" in first and "Viva! Zorggroep" in first and "Welzijn Beverwijk" in first


def test_a_pointing_back_sentence_comes_with_its_antecedent(engine: AnswerEngine) -> None:
    answer = engine.ask("Hoeveel 75-plussers zijn er naar schatting over 20 jaar volgens de handreiking?")
    assert "twee keer zoveel" in answer.answer and "2,5 miljoen" in answer.answer


def test_english_question_searches_with_the_dutch_domain_words(engine: AnswerEngine) -> None:
    answer = engine.ask("How many zero-step homes does Velsen need according to the regional table?")
    assert answer.language == "en" and not answer.refused
    assert "Nultredenwoningen: 735" in answer.answer.splitlines()[1]
