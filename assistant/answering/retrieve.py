"""Step 3: the passages the answer is chosen from (hybrid BM25 + dense, within the scope)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering.analyse import Analysed
from assistant.answering.scoping import Scoped
from assistant.models import Passage
from assistant.retrieval.dense_health import STORE_ERRORS
from assistant.retrieval.hybrid import DenseRanking, HybridSearcher
from assistant.retrieval.index import SearchIndex

# Passages read per answer: enough for a list's items and a table's rows on nearby pages.
PASSAGES = 20


@dataclass
class Retrieved:
    passages: list[Passage]
    dense: DenseRanking | None = None  # the dense ranking the passages were fused from


def retrieve(analysed: Analysed, scoped: Scoped, searcher: HybridSearcher) -> Retrieved:
    return Retrieved(*searcher.search_ranked(analysed.query, k=PASSAGES, filters=scoped.filters, per_page=False))


def dense_similarities(
    index: SearchIndex, query: str, passages: list[Passage], top: int = 5, ranking: DenseRanking | None = None
) -> dict[str, float]:
    """chunk_id → cosine similarity to ``query`` for the chunks of the ``top`` passages that the
    dense store ranks among its best ``retrieve_candidates`` in the passages' scope. Read from
    retrieval's ``ranking`` when it tells; else one more store lookup with the vector retrieval
    embedded (memoised per request), no embedding. Empty when the store is down or the embedder
    not set up; support is then lexical."""
    wanted = {p.chunk_id for p in passages[:top]}
    if not wanted or not index.dense_health.should_try():
        return {}
    docs = index.dense_doc_ids(sorted({p.doc_id for p in passages[:top]}))
    k = index.settings.retrieval.candidates
    known = ranking.among_best(query, k, docs, wanted) if ranking is not None else None
    if known is not None:
        return known
    try:
        hits = index.store.query(index.query_vector(query), k, docs)
    except STORE_ERRORS:
        return {}
    return {cid: sim for cid, sim in hits if cid in wanted}
