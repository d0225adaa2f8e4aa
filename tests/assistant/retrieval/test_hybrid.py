"""Hybrid retrieval on the real corpus: page-level recall, filters applied before ranking."""

from __future__ import annotations

from typing import Any

import pytest

from assistant import Assistant, SearchFilters, Settings
from assistant.retrieval.hybrid import HybridSearcher
from evals.retrieval_recall import evaluate


@pytest.fixture(scope="module")
def searcher(searcher_per_store: HybridSearcher) -> HybridSearcher:
    """Every test here runs against the embedded store and against a real Chroma server."""
    return searcher_per_store


@pytest.mark.parametrize(("mode", "minimum"), [("bm25", 0.85), ("dense", 0.6), ("hybrid", 0.93)])
def test_page_recall_at_5_on_dev_questions(
    searcher: HybridSearcher, corpus_settings: Settings, dev_questions: list[dict[str, Any]], mode: str, minimum: float
) -> None:
    result = evaluate(Assistant.over(searcher, corpus_settings), dev_questions, mode)  # type: ignore[arg-type]
    assert result.questions >= 40
    assert result.recall_at_5 >= minimum, result.misses


def test_results_are_distinct_pages_with_citable_fields(searcher: HybridSearcher) -> None:
    hits = searcher.search("huisvestingsopgave per gemeente zorggeschikte woningen", k=10)
    assert len(hits) == 10
    assert len({(h.doc_id, h.page) for h in hits}) == 10
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for h in hits:
        page_text = searcher.index.page_text(h.doc_id, h.page)
        assert page_text is not None and page_text[h.char_start : h.char_end] == h.text
        assert h.file.endswith(".pdf") and h.title


def test_chunk_mode_returns_several_chunks_of_one_page(searcher: HybridSearcher) -> None:
    hits = searcher.search("maatregel trekker RGV tijdspad", k=20, per_page=False)
    pages = [(h.doc_id, h.page) for h in hits]
    assert len(pages) > len(set(pages))


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_filters_restrict_candidates_before_ranking(searcher: HybridSearcher, mode: str) -> None:
    only_gv = SearchFilters(municipality="Hilversum")
    hits = searcher.search("zorggeschikte woningen opgave", k=10, filters=only_gv, mode=mode)  # type: ignore[arg-type]
    assert hits
    assert {h.file for h in hits} == {"strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"}


def test_filter_matching_nothing_returns_nothing(searcher: HybridSearcher) -> None:
    assert searcher.search("wonen en zorg", filters=SearchFilters(municipality="Alkmaar")) == []
    by_year = searcher.search("wonen en zorg", k=20, filters=SearchFilters(year=2024))
    assert by_year and {h.file for h in by_year} <= {
        "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf",
        "handreiking-regionaal-afgestemde-woonzorgvisie.pdf",
    }


def test_a_maatregel_id_finds_its_row(searcher: HybridSearcher) -> None:
    hits = searcher.search("maatregel 9b trekker", k=3, mode="bm25")
    assert ("strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf", 16) in {(h.file, h.page) for h in hits}
