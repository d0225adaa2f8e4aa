"""Hybrid retrieval: BM25 + dense as llama-index retrievers, fused with weighted RRF.

Filters are resolved to doc ids and applied *inside* each retriever (Chroma
``where``, BM25 mask) — before ranking, never after.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.models import Passage, SearchFilters
from assistant.retrieval.dense_health import STORE_ERRORS, note_dense_missed
from assistant.retrieval.index import SearchIndex
from ingest.models import Chunk

Mode = Literal["hybrid", "bm25", "dense"]


def _node(chunk: Chunk, score: float) -> NodeWithScore:
    node = TextNode(id_=chunk.chunk_id, text=chunk.text, metadata={"doc_id": chunk.doc_id, "page": chunk.page})
    return NodeWithScore(node=node, score=score)


class _ChunkRetriever(BaseRetriever):
    """A llama-index retriever over the index's chunks; subclasses say how they rank (``hits``)."""

    def __init__(self, index: SearchIndex, k: int, doc_ids: list[str] | None) -> None:
        super().__init__()
        self._index, self._k, self._doc_ids = index, k, doc_ids

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [_node(self._index.chunks[cid], s) for cid, s in self.hits(query_bundle.query_str)]

    def hits(self, query: str) -> list[tuple[str, float]]:
        raise NotImplementedError


class Bm25Retriever(_ChunkRetriever):
    def hits(self, query: str) -> list[tuple[str, float]]:
        """(chunk_id, score), best first — what ``_retrieve`` wraps as nodes."""
        # The mask is applied inside BM25 before ranking; a view's mask never covers hidden documents.
        allowed = self._index.chunk_mask(self._doc_ids)
        hits = self._index.bm25.search(query, self._k, allowed)
        return [(cid, s) for cid, s in hits if cid in self._index.chunks]


@dataclass(frozen=True)
class DenseRanking:
    """One dense query as retrieval made it: the store's top ``k`` for ``query`` within the
    documents ``scope``. A later step that needs the similarity of retrieved chunks reads it here
    rather than asking the store again."""

    query: str
    k: int
    scope: frozenset[str]
    hits: tuple[tuple[str, float], ...]  # (chunk_id, similarity) of indexed chunks, best first
    docs: frozenset[str] | None  # the documents of all hits; None when a hit is of no indexed chunk
    complete: bool  # fewer than k hits: the scope has no other vectors

    def among_best(
        self, query: str, k: int, doc_ids: Iterable[str], chunk_ids: Iterable[str]
    ) -> dict[str, float] | None:
        """chunk_id → similarity for those of ``chunk_ids`` that the store ranks among its top
        ``k`` within ``doc_ids`` — what that query would return — or None when this ranking cannot
        tell (then ask the store)."""
        docs, wanted = set(doc_ids), set(chunk_ids)
        if query != self.query or k != self.k or not docs <= self.scope:
            return None
        sims = dict(self.hits)
        # Within part of the scope a chunk ranks no lower than within all of it; and when every hit
        # lies in that part (or the scope has no more vectors), its top k are these same hits.
        if wanted <= sims.keys() or self.complete or (self.docs is not None and self.docs <= docs):
            return {c: sims[c] for c in wanted if c in sims}
        return None


class DenseRetriever(_ChunkRetriever):
    def hits(self, query: str) -> list[tuple[str, float]]:
        """(chunk_id, similarity), best first; [] while Chroma is unavailable."""
        ranking = self.ranking(query)
        return list(ranking.hits) if ranking is not None else []

    def ranking(self, query: str) -> DenseRanking | None:
        """The store's top k with its scope; None while Chroma is unavailable."""
        health = self._index.dense_health
        if not health.should_try():  # down and backing off: skip even the query embedding
            note_dense_missed()
            return None
        try:
            hits = self._query(query)
        except STORE_ERRORS as exc:
            # Chroma unreachable (e.g. the server stopped): no dense hits, BM25 carries the answer.
            health.failed(exc)
            note_dense_missed()
            return None
        health.ok()
        chunks = self._index.chunks
        known = tuple((cid, s) for cid, s in hits if cid in chunks)
        return DenseRanking(
            query,
            self._k,
            frozenset(self._index.dense_doc_ids(self._doc_ids)),
            known,
            frozenset(chunks[cid].doc_id for cid, _ in known) if len(known) == len(hits) else None,
            len(hits) < self._k,
        )

    def _query(self, query: str) -> list[tuple[str, float]]:
        vector = self._index.query_vector(query)
        hits: list[tuple[str, float]] | None = None
        if self._doc_ids is None and self._index.scope is None:
            # Unrestricted: a `where` naming every document costs Chroma a metadata scan per query
            # (183 ms vs 1 ms at 15k pages). Without it the top k are the same unless a staged or
            # superseded document's vectors got in; then ask again with the filter.
            hits = self._index.store.query(vector, self._k, None)
            if any(cid not in self._index.chunks for cid, _ in hits):
                hits = None
        if hits is None:
            hits = self._index.store.query(vector, self._k, self._index.dense_doc_ids(self._doc_ids))
        return hits


def rrf(ranked: list[list[str]], weights: list[float], rrf_k: float) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion of ranked id lists: (id, fused score), best first (ties
    in order of first appearance, as the lists are given)."""
    fused: dict[str, float] = {}
    for ids, weight in zip(ranked, weights, strict=True):
        for rank, nid in enumerate(ids):
            fused[nid] = fused.get(nid, 0.0) + weight / (rrf_k + rank + 1)
    ordered = sorted(fused, key=fused.__getitem__, reverse=True)
    return [(n, fused[n]) for n in ordered]


class WeightedRRFRetriever(QueryFusionRetriever):
    """llama-index's fusion retriever with per-retriever weights and a tunable k in RRF."""

    def __init__(self, retrievers: list[BaseRetriever], weights: list[float], k: int, rrf_k: float) -> None:
        super().__init__(
            retrievers,
            llm=MockLLM(),
            mode=FUSION_MODES.RECIPROCAL_RANK,
            similarity_top_k=k,
            num_queries=1,
            use_async=False,
            retriever_weights=weights,
        )
        self._rrf_k = rrf_k

    def _reciprocal_rerank_fusion(self, results: dict[tuple[str, int], list[NodeWithScore]]) -> list[NodeWithScore]:
        nodes: dict[str, NodeWithScore] = {}
        ranked: list[list[str]] = []
        weights: list[float] = []
        for (_, idx), hits in results.items():
            for hit in hits:
                nodes.setdefault(hit.node.node_id, hit)
            ranked.append([hit.node.node_id for hit in hits])
            weights.append(self._retriever_weights[idx])
        return [NodeWithScore(node=nodes[n].node, score=score) for n, score in rrf(ranked, weights, self._rrf_k)]


class HybridSearcher:
    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def retrieve_chunks(
        self, query: str, k: int | None = None, filters: SearchFilters | None = None, mode: Mode = "hybrid"
    ) -> list[NodeWithScore]:
        return self._retrieve(query, k, filters, mode)[0]

    def _retrieve(
        self, query: str, k: int | None, filters: SearchFilters | None, mode: Mode
    ) -> tuple[list[NodeWithScore], DenseRanking | None]:
        """The ranked chunks, and the dense ranking they were fused from (None: none was made)."""
        s = self.index.settings
        k = k or s.retrieval.candidates
        doc_ids = self.index.allowed_doc_ids(filters)
        bm25 = Bm25Retriever(self.index, s.retrieval.candidates, doc_ids)
        dense = DenseRetriever(self.index, s.retrieval.candidates, doc_ids)
        if mode == "bm25":
            return bm25.retrieve(query)[:k], None
        if mode == "dense":
            return dense.retrieve(query)[:k], None
        # The same fusion as ``WeightedRRFRetriever`` (kept for llama-index pipelines), without its
        # per-call set-up and instrumentation spans (~3 ms CPU per search): both rankings by id, fused,
        # and a node built only for each fused chunk.
        total = s.retrieval.bm25_weight + s.retrieval.dense_weight  # llama-index normalises the weights to sum 1
        ranking = dense.ranking(query)
        fused = rrf(
            [[cid for cid, _ in bm25.hits(query)], [cid for cid, _ in ranking.hits] if ranking else []],
            [s.retrieval.bm25_weight / total, s.retrieval.dense_weight / total],
            s.retrieval.rrf_k,
        )
        nodes = [_node(self.index.chunks[cid], score) for cid, score in fused[: min(k, 2 * s.retrieval.candidates)]]
        return nodes, ranking

    def search(
        self,
        query: str,
        k: int = 10,
        filters: SearchFilters | None = None,
        mode: Mode = "hybrid",
        per_page: bool = True,
    ) -> list[Passage]:
        """Best passages; with ``per_page`` only the best chunk of each page (page-level ranking)."""
        return self.search_ranked(query, k, filters, mode, per_page)[0]

    def search_ranked(
        self,
        query: str,
        k: int = 10,
        filters: SearchFilters | None = None,
        mode: Mode = "hybrid",
        per_page: bool = True,
    ) -> tuple[list[Passage], DenseRanking | None]:
        """``search``, and the dense ranking of the hybrid search (None in the other modes or while
        Chroma is unavailable)."""
        hits, ranking = self._retrieve(query, None, filters, mode)
        out: list[Passage] = []
        seen: set[tuple[str, int]] = set()
        for hit in hits:
            chunk = self.index.chunks[hit.node.node_id]
            key = (chunk.doc_id, chunk.page)
            if per_page and key in seen:
                continue
            seen.add(key)
            doc = self.index.documents[chunk.doc_id]
            out.append(
                Passage(
                    chunk.chunk_id,
                    chunk.doc_id,
                    doc.file,
                    doc.title,
                    chunk.page,
                    chunk.section,
                    chunk.text,
                    float(hit.score or 0.0),
                    chunk.char_start,
                    chunk.char_end,
                    chunk.kind,
                )
            )
            if len(out) >= k:
                break
        return out, ranking
