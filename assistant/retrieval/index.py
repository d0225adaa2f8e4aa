"""The read side of the index, loaded once per process: registry, BM25, Chroma, embedder."""

from __future__ import annotations

import copy
import logging
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar, cast

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant.models import SearchFilters
from assistant.retrieval import dense_health
from assistant.retrieval.dense_health import STORE_ERRORS, DenseHealth
from assistant.retrieval.document_names import NameIndex, naming_terms
from ingest.models import Chunk
from ingest.read.layout import StoredLayout
from ingest.read.structure import furniture
from ingest.records.begrippen import Begrip
from ingest.records.maatregelen import Maatregel
from ingest.records.phases import Phase
from ingest.records.tables import TableCell
from ingest.records.voorstellen import Voorstel
from ingest.settings import Settings
from ingest.store.bm25 import Bm25Index
from ingest.store.embedder import make_embedder
from ingest.store.registry import DocumentRecord, Registry
from ingest.store.vectors import VectorStore, collection_name, make_client
from ingest.text.analysis import STOPWORDS, fold, is_compound_of

log = logging.getLogger(__name__)
T = TypeVar("T")
_WORD = re.compile(r"\w+(?:['’.,-]\w+)*")


def content_words(question: str) -> str:
    """The question's words less the BM25 stopwords (question words included) and punctuation, as
    written: what the embedder needs of it at ~28% fewer tokens. The question itself when no
    word is left."""
    words = [w for w in _WORD.findall(question) if fold(w) not in STOPWORDS]
    return " ".join(words) or question


class SearchIndex:
    def __init__(self, settings: Settings, embedder: BaseEmbedding | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(
            settings.index.embed_model,
            1 if settings.index.embed_threads is None else settings.index.embed_threads,
            settings.index.embed_runtime,
        )
        self.registry = Registry(settings.registry_path)
        self.store = VectorStore(
            make_client(settings), collection_name(settings.index.chroma_collection, self.embedder.model_name)
        )
        # Reachability of Chroma, shared by every view (``view`` is a shallow copy).
        self.dense_health = DenseHealth()
        # None: the whole index; a view (see ``view``) holds the doc_ids it is restricted to.
        self.scope: frozenset[str] | None = None
        # Query vectors do not depend on the index version: one cache shared by every snapshot.
        self._embed_query = lru_cache(maxsize=settings.retrieval.query_cache_size)(self._compute_query_vector)
        # Page texts and word boxes are read on every answer (candidates, quotes, highlights); one
        # SQLite read each per (version, page), shared by snapshots and views (access is checked first).
        self._page_text = lru_cache(maxsize=8192)(self._read_page_text)
        self._stored_layout = lru_cache(maxsize=4096)(self._read_stored_layout)
        self._furniture = lru_cache(maxsize=1024)(self._read_furniture)
        self._embedding_state = _EmbeddingState(self.registry)
        self._load()

    def reload(self) -> None:
        """Reload in place (single-threaded callers: CLI, evals). A serving process takes a
        ``snapshot`` instead, so requests in flight keep a consistent index."""
        if self.scope is not None:
            raise RuntimeError("a restricted view is never reloaded; reload its base index and take a new view")
        self._load()

    def snapshot(self) -> SearchIndex:
        """A freshly loaded index of the registry's current version, sharing this one's embedder,
        Chroma client, registry connection and query-vector cache; this one is left untouched."""
        if self.scope is not None:
            raise RuntimeError("take snapshots of the base index, not of a view")
        fresh = copy.copy(self)
        fresh._load()
        return fresh

    def _load(self) -> None:
        """Everything from one read transaction of the registry (one version, never a mix), and
        the BM25 index saved for that version — rebuilt in memory only if its stamp differs."""
        with self.registry.read_snapshot() as registry:
            version = registry.version()
            documents = {d.doc_id: d for d in registry.documents()}
            chunks = {c.chunk_id: c for c in registry.chunks()}
            rows = {kind: registry.records(kind) for kind in ("maatregel", "voorstel", "phase", "begrip", "cell")}
        bm25 = Bm25Index.load(self.settings.bm25_dir)
        if bm25 is None or bm25.version != version:
            log.warning("BM25 index in %s missing or stale; building it in memory", self.settings.bm25_dir)
            bm25 = Bm25Index.build([(c.chunk_id, c.search_text) for c in chunks.values()], version)
        self.version, self.documents, self.chunks, self.bm25 = version, documents, chunks, bm25
        # The owning doc_id of every record, per kind, so a view can keep only its documents' records.
        self.record_docs: dict[str, list[str]] = {kind: [doc_id for doc_id, _ in r] for kind, r in rows.items()}
        loaded: dict[str, list[dict[str, Any]]] = {kind: [rec for _, rec in r] for kind, r in rows.items()}
        self.maatregelen: list[Maatregel] = [Maatregel(**r) for r in loaded["maatregel"]]
        self.voorstellen: list[Voorstel] = [Voorstel(**r) for r in loaded["voorstel"]]
        self.phases: list[Phase] = [Phase(**r) for r in loaded["phase"]]
        self.begrippen: list[Begrip] = [Begrip(**r) for r in loaded["begrip"]]
        self.cells: list[TableCell] = [TableCell(**r) for r in loaded["cell"]]
        self._views: dict[frozenset[str], SearchIndex] = {}
        self._derive()

    def _derive(self) -> None:
        """Lookups and statistics computed from ``documents`` and ``chunks`` (per view: a restricted
        view's term statistics must not reveal words that only its hidden documents use)."""
        self.page_chunks: dict[tuple[str, int], list[Chunk]] = {}
        self.doc_chunk_ids: dict[str, set[str]] = {}
        for chunk in self.chunks.values():
            self.page_chunks.setdefault((chunk.doc_id, chunk.page), []).append(chunk)
            self.doc_chunk_ids.setdefault(chunk.doc_id, set()).add(chunk.chunk_id)
        # The BM25 candidate mask of the whole view (None: the unrestricted index).
        self._scope_mask: np.ndarray | None = None if self.scope is None else self.bm25.mask_for(set(self.chunks))
        # Document frequency of each stemmed term (how informative a question word is), read from
        # BM25's posting lists — which hold exactly these chunks' tokens (same version stamp) — and,
        # in a view, only over its chunks. Re-tokenizing every chunk cost ~8 s per load at 15k pages.
        self.term_df: Counter[str] = self.bm25.document_frequencies(self._scope_mask)
        # Words that name documents (titles, types, authors, places): context, not subject.
        self.naming_terms: set[str] = naming_terms(list(self.documents.values()))
        # Place and document names per document, and all titles folded, for matching questions.
        self.names = NameIndex(self.documents.values())
        self.folded_titles = "\n".join(fold(d.title) for d in self.documents.values())
        self.by_file: dict[str, DocumentRecord] = {d.file: d for d in self.documents.values()}
        self._memo: dict[str, Any] = {}

    def view(self, doc_ids: Iterable[str]) -> SearchIndex:
        """This index restricted to ``doc_ids``: documents, chunks, records, page texts, the BM25
        candidate mask and the Chroma ``where`` cover only them, so no consumer can rank, quote or
        count a hidden document. Shares the loaded BM25 model, Chroma client and embedder (no
        reload); cached per set until the next reload."""
        if self.scope is not None:
            raise RuntimeError("take views of the base index, not of a view")
        allowed = frozenset(d for d in doc_ids if d in self.documents)
        if allowed == frozenset(self.documents):
            return self
        cached = self._views.get(allowed)
        if cached is not None:
            return cached
        v = copy.copy(self)  # shallow: settings, embedder, registry, store, bm25 and query cache are shared
        v.scope = allowed
        v._views = {}
        v.documents = {k: d for k, d in self.documents.items() if k in allowed}
        v.chunks = {k: c for k, c in self.chunks.items() if c.doc_id in allowed}

        def keep(kind: str, items: list[Any]) -> list[Any]:
            return [item for item, doc_id in zip(items, self.record_docs[kind], strict=True) if doc_id in allowed]

        v.maatregelen = keep("maatregel", self.maatregelen)
        v.voorstellen = keep("voorstel", self.voorstellen)
        v.phases = keep("phase", self.phases)
        v.begrippen = keep("begrip", self.begrippen)
        v.cells = keep("cell", self.cells)
        v.record_docs = {k: [d for d in ids if d in allowed] for k, ids in self.record_docs.items()}
        v._derive()
        self._views[allowed] = v
        return v

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """A lookup structure derived from this index (or view) once, on first use — e.g. table
        cells by row name — instead of a scan over every record per question."""
        if key not in self._memo:
            self._memo[key] = build()
        return cast(T, self._memo[key])

    def idf(self, term: str) -> float:
        """Smoothed IDF over chunks; a term the corpus never uses gets the highest weight."""
        n = max(1, len(self.chunks))
        return math.log((n + 1) / (self.term_df.get(term, 0) + 0.5))

    def knows(self, term: str) -> bool:
        """Does the corpus use this stem, alone or as the parts of a Dutch compound?

        "welzijnsinitiatief" is known when "welzijn" and "initiatief" are.
        """
        return bool(self.term_df.get(term)) or is_compound_of(term, lambda t: bool(self.term_df.get(t)))

    def is_stale(self) -> bool:
        return self.registry.version() != self.version

    def _compute_query_vector(self, query: str) -> tuple[float, ...]:
        if self.settings.retrieval.query_embedding_text == "content_words":
            query = content_words(query)
        return tuple(self.embedder.get_query_embedding(query))

    def clear_query_cache(self) -> None:
        self._embed_query.cache_clear()

    def query_vector(self, query: str) -> list[float]:
        """The query's vector; embedded at most once per request even without the query cache
        (``query_cache_size`` 0): a comparison asks once per document with the same question, and
        each of those asks searches it again."""
        memo = _request_vectors()
        if memo is None:
            return list(self._embed_query(query))
        key = (self.embedder.model_name, query)
        vector = memo.get(key)
        if vector is None:
            vector = memo[key] = self._embed_query(query)
        return list(vector)

    def waiting_for_vectors(self) -> list[DocumentRecord]:
        """Documents of this index or view that are live for BM25 but whose vectors are not all
        stored yet (background embedding): dense retrieval cannot find them yet."""
        state = self._embedding_state.get(self.version)
        model = self.embedder.model_name
        return [d for doc_id, d in self.documents.items() if state.get(doc_id, model) != model]

    def indexing_status(self, doc_id: str) -> str:
        """'semantisch' once every vector is stored, else 'tekst' (findable by words only)."""
        state = self._embedding_state.get(self.version)
        return "semantisch" if state.get(doc_id, "") == self.embedder.model_name else "tekst"

    def allowed_doc_ids(self, filters: SearchFilters | None) -> list[str] | None:
        """Doc ids passing ``filters`` (None = no restriction; a view is always restricted)."""
        if filters is None or filters.is_empty():
            return None if self.scope is None else sorted(self.documents)
        return [d.doc_id for d in self.documents.values() if _matches(d, filters)]

    def chunk_mask(self, doc_ids: list[str] | None) -> np.ndarray | None:
        """BM25 candidate mask for ``doc_ids`` within this index or view (None = every chunk)."""
        if doc_ids is None:
            return self._scope_mask
        ids: set[str] = set()
        for d in doc_ids:
            ids |= self.doc_chunk_ids.get(d, set())  # a view's doc_chunk_ids know only its documents
        return self.bm25.mask_for(ids)

    def dense_doc_ids(self, doc_ids: list[str] | None) -> list[str]:
        """The doc ids for Chroma's ``where`` — only active documents of this index or view."""
        return list(self.documents) if doc_ids is None else [d for d in doc_ids if d in self.documents]

    def page_text(self, doc_id: str, page: int) -> str | None:
        if doc_id not in self.documents:
            return None  # a hidden (or inactive) document has no pages for this view
        return self._page_text(self.version, doc_id, page)

    def stored_layout(self, doc_id: str, page: int) -> StoredLayout | None:
        """The page's stored word boxes (None: hidden document, or stored without positions)."""
        if doc_id not in self.documents:
            return None
        return self._stored_layout(self.version, doc_id, page)

    def furniture(self, doc_id: str) -> frozenset[str]:
        """The document's running header and footer lines (``ingest.read.structure.furniture``)."""
        if doc_id not in self.documents:
            return frozenset()
        return self._furniture(self.version, doc_id, self.documents[doc_id].page_count)

    def _read_furniture(self, version: str, doc_id: str, pages: int) -> frozenset[str]:
        # Bound to the index that made the cache, which views and snapshots share: everything it
        # needs comes in as arguments or from the shared registry, never from that index's documents.
        # Straight from the registry: a long document must not push the answer pages out of the cache.
        return furniture([self.registry.page_text(doc_id, p) or "" for p in range(1, pages + 1)])

    def _read_page_text(self, version: str, doc_id: str, page: int) -> str | None:
        return self.registry.page_text(doc_id, page)

    def _read_stored_layout(self, version: str, doc_id: str, page: int) -> StoredLayout | None:
        return self.registry.page_layout(doc_id, page)

    def health(self) -> dict[str, Any]:
        """Counts and the dense store's state; never raises when Chroma is unreachable (vectors: None)."""
        vectors: int | None = None
        if self.dense_health.should_try():  # while down, probes Chroma at most once per back-off
            try:
                vectors = self.store.count()
                self.dense_health.ok()
            except STORE_ERRORS as exc:
                self.dense_health.failed(exc)
        return {
            "documents": len(self.documents),
            "chunks": len(self.chunks),
            "documents_waiting_for_vectors": len(self.waiting_for_vectors()),
            "bm25_chunks": len(self.bm25),
            "vectors": vectors,
            "embedder": self.embedder.model_name,
            "store": "chroma-server" if self.settings.index.chroma_url else "chroma-embedded",
            "version": self.version,
            **self.dense_health.status(),
        }


class _EmbeddingState:
    """doc_id → embedded model, read from the registry at most once a second.

    Finishing a document's vectors does not change the index version (no reload); this is how
    a serving process notices it. Shared by snapshots and views (thread-safe enough: a stale
    read is at most a second old)."""

    TTL_S = 1.0

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._state: dict[str, str] = {}
        self._read_at = -math.inf
        self._version = ""

    def get(self, version: str) -> dict[str, str]:
        """Re-read after ``TTL_S``, and at once for a new index version (a new document must
        never count as embedded because the last read predates it)."""
        now = time.monotonic()
        if now - self._read_at > self.TTL_S or version != self._version:
            self._state = self._registry.embedding_state()
            self._read_at, self._version = now, version
        return self._state


def _request_vectors() -> dict[tuple[str, str], tuple[float, ...]] | None:
    """The query vectors of the current request (one ``answer_engine.ask``, nested asks included),
    kept on its ``dense_use`` record: it is per context, so concurrent requests never share it, and it
    ends with the request. None outside an ask (e.g. ``/api/search``, which embeds one query)."""
    use = dense_health.current_use()
    return None if use is None else use.query_vectors


def _contains(value: Any, needle: str) -> bool:
    if isinstance(value, list):
        return any(_contains(v, needle) for v in value)
    return needle.lower() in str(value or "").lower()


def _matches(doc: DocumentRecord, f: SearchFilters) -> bool:
    meta = doc.meta
    checks = [
        f.doc_ids is None or doc.doc_id in f.doc_ids,
        f.files is None or doc.file in f.files or any(a in f.files for a in doc.aliases),
        not f.region or _contains(meta.get("region"), f.region),
        not f.municipality or _contains(meta.get("municipalities"), f.municipality),
        not f.document_type or _contains(meta.get("document_type"), f.document_type),
        f.year is None or meta.get("year") == f.year,
    ]
    return all(checks)
