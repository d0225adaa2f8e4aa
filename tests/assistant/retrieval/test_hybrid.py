"""Hybrid retrieval on the real corpus: page-level recall, filters applied before ranking; and
on synthetic vectors, what a dense ranking can tell of a narrower query without running it."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from assistant import Assistant, SearchFilters, Settings
from assistant.retrieval.hybrid import DenseRanking, HybridSearcher
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


def _top(
    vectors: dict[str, tuple[str, list[float]]], query: list[float], k: int, docs: set[str]
) -> list[tuple[str, float]]:
    """An exact store: the top ``k`` (chunk_id, cosine similarity) within ``docs``."""

    def cosine(v: list[float]) -> float:
        return sum(a * b for a, b in zip(v, query, strict=True)) / (math.hypot(*v) * math.hypot(*query))

    sims = [(cid, cosine(v)) for cid, (doc, v) in vectors.items() if doc in docs]
    return sorted(sims, key=lambda h: -h[1])[:k]


def test_a_dense_ranking_answers_a_narrower_query_as_the_store_would() -> None:
    rng = random.Random(17)
    told = 0
    for trial in range(300):
        docs = [f"d{i}" for i in range(rng.randrange(1, 6))]
        sizes = {d: rng.randrange(0, 25) for d in docs}
        vectors = {f"{d}-{i}": (d, [rng.gauss(0, 1) for _ in range(4)]) for d in docs for i in range(sizes[d])}
        query, k = [rng.gauss(0, 1) for _ in range(4)], rng.choice([5, 10, 40])
        scope = set(rng.sample(docs, rng.randrange(1, len(docs) + 1)))
        hits = _top(vectors, query, k, scope)
        ranking = DenseRanking(
            "q", k, frozenset(scope), tuple(hits), frozenset(vectors[c][0] for c, _ in hits), len(hits) < k
        )
        narrower = set(rng.sample(sorted(scope), rng.randrange(1, len(scope) + 1)))
        in_narrower = [c for c, (d, _) in vectors.items() if d in narrower]
        wanted = set(rng.sample(in_narrower, min(len(in_narrower), 5)))
        if trial % 3 == 0:  # often retrieval's own best: all among the ranking's hits
            wanted = {c for c, _ in hits if vectors[c][0] in narrower}
        known = ranking.among_best("q", k, narrower, wanted)
        if known is not None:
            told += 1
            assert known == {c: s for c, s in _top(vectors, query, k, narrower) if c in wanted}
        assert ranking.among_best("another query", k, narrower, wanted) is None
        assert ranking.among_best("q", k + 1, narrower, wanted) is None
        assert ranking.among_best("q", k, narrower | {"elsewhere"}, wanted) is None  # outside its scope
    assert told > 150
