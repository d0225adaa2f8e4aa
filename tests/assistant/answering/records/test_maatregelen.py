"""Who-does-what questions are answered from maatregel records, cited to the row's page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answering.citations import normalise_ws
from assistant.answering.engine import AnswerEngine
from assistant.retrieval.hybrid import HybridSearcher
from ingest.settings import Settings
from ingest.store.registry import Registry
from prompts.answer import REFUSAL_NL
from tests.assistant.cli.test_commands import run_cli

GV = "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"


@pytest.fixture(scope="module")
def engine(searcher: HybridSearcher) -> AnswerEngine:
    return AnswerEngine(searcher)


def test_records_are_stored_with_the_document(corpus_settings: Settings) -> None:
    records = [r for _, r in Registry(corpus_settings.registry_path).records("maatregel")]
    assert len(records) == 29
    assert {r["file"] for r in records} == {GV}


def test_trekker_of_a_named_maatregel(engine: AnswerEngine) -> None:
    answer = engine.ask("Wie is trekker van maatregel 1d en wat is het tijdspad?")
    assert not answer.refused
    assert "Maatregel 1d" in answer.answer and "trekker: RGV" in answer.answer and "Q2 2025" in answer.answer
    (c,) = answer.citations
    assert (c.file, c.page) == (GV, 8)
    page = engine.index.page_text(c.doc_id, c.page)
    assert page is not None and normalise_ws(c.quote) in normalise_ws(page)


def test_a_maatregel_that_does_not_exist_is_refused(engine: AnswerEngine) -> None:
    answer = engine.ask("Wie is trekker van maatregel 12f?")
    assert answer.refused and answer.answer.startswith(REFUSAL_NL)
    assert any("12f" in n for n in answer.notices)


def test_maatregelen_by_trekker_value(engine: AnswerEngine) -> None:
    answer = engine.ask("Bij welke maatregelen is de trekker nog PM?")
    ids = {line.split(":")[0].split()[-1] for line in answer.answer.splitlines()[1:]}
    assert ids == {"4a", "5a", "6a"}


def test_maatregel_found_by_what_it_is_about(engine: AnswerEngine) -> None:
    answer = engine.ask("Welke maatregel gaat over een regionale bewustwordingscampagne over verhuizen?")
    assert "Maatregel 2a" in answer.answer


def test_other_questions_do_not_use_records(engine: AnswerEngine) -> None:
    answer = engine.ask("Wat is een nultredenwoning?")
    assert "Maatregel" not in answer.answer


def test_cli_lists_and_filters_maatregelen(corpus_settings: Settings, tmp_path: Path) -> None:
    proc = run_cli("maatregelen", "--json", data_dir=corpus_settings.data_dir, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert len(records) == 29
    assert set(records[0]) >= {
        "id",
        "actielijn",
        "doel_nr",
        "doel",
        "maatregel",
        "status",
        "tijdspad",
        "betrokken",
        "trekker",
        "file",
        "page",
    }
    proc = run_cli("maatregelen", "--trekker", "PM", "--json", data_dir=corpus_settings.data_dir, cwd=tmp_path)
    assert sorted(r["id"] for r in json.loads(proc.stdout)) == ["4a", "5a", "6a"]


def test_distribution_question_counts_records_per_actielijn_and_doel(engine: AnswerEngine) -> None:
    answer = engine.ask("Hoe zijn de maatregelen van de Gooi en Vechtstreek-strategie verdeeld over de actielijnen?")
    assert not answer.refused
    lines = answer.answer.splitlines()
    assert "29 maatregelen in 9 doelen en 4 actielijnen" in lines[0]
    assert len(lines) == 5  # one line per actielijn
    assert "12 maatregelen" in lines[1] and "doel 1: 7 (1a–1g)" in lines[1]
    for c in answer.citations:  # each actielijn cited by its first row
        assert c.page >= 1 and c.quote
