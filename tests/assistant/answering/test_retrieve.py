"""Dense similarities for support: read from retrieval's dense ranking when it can tell, else one
store query in the passages' documents — the same values either way."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from assistant.answering.retrieve import dense_similarities
from assistant.models import Passage
from assistant.retrieval.hybrid import DenseRanking

# chunk_id → (doc_id, similarity to the query): the store's whole content.
STORE = {"a1": ("a", 0.9), "a2": ("a", 0.5), "b1": ("b", 0.8), "b2": ("b", 0.4), "c1": ("c", 0.7)}


class _Store:
    def __init__(self) -> None:
        self.queries: list[list[str] | None] = []

    def query(self, vector: list[float], k: int, doc_ids: list[str] | None) -> list[tuple[str, float]]:
        self.queries.append(doc_ids)
        hits = [(c, s) for c, (d, s) in STORE.items() if doc_ids is None or d in doc_ids]
        return sorted(hits, key=lambda h: -h[1])[:k]


def _index(k: int) -> Any:
    return SimpleNamespace(
        store=_Store(),
        settings=SimpleNamespace(retrieval=SimpleNamespace(candidates=k)),
        dense_health=SimpleNamespace(should_try=lambda: True),
        dense_doc_ids=lambda ids: [d for d in ids if d in {"a", "b", "c"}],
        query_vector=lambda q: [1.0],
    )


def _passage(chunk_id: str) -> Passage:
    doc = STORE[chunk_id][0]
    return Passage(chunk_id, doc, f"{doc}.pdf", doc, 1, "", "tekst", 1.0, 0, 5)


def _ranking(index: Any, k: int) -> DenseRanking:
    hits = tuple(index.store.query([1.0], k, None))
    index.store.queries.clear()
    return DenseRanking("q", k, frozenset("abc"), hits, frozenset(STORE[c][0] for c, _ in hits), len(hits) < k)


def test_the_ranking_saves_the_query_and_gives_the_stores_values() -> None:
    cases = (
        (3, ["a1", "b1"], True),  # all among the ranking's hits
        (2, ["a1", "b2"], True),  # every hit in the passages' documents: the narrower top k is the same
        (9, ["b2"], True),  # fewer hits than k: the ranking holds every vector
        (3, ["a2", "b1"], False),  # a2 is in the top 3 of a and b, not of all
        (2, ["a1", "a2"], False),
    )
    for k, top, told in cases:
        index = _index(k)
        passages = [_passage(c) for c in top]
        plain = dense_similarities(index, "q", passages)
        assert len(index.store.queries) == 1
        index.store.queries.clear()
        assert dense_similarities(index, "q", passages, ranking=_ranking(index, k)) == plain
        assert len(index.store.queries) == (0 if told else 1), (k, top)
