"""Text first, vectors after: a document is live for BM25 before its embeddings exist; the
embedding resumes where it stopped (never recomputing cached work), and a document deleted
while it is being embedded never leaves vectors behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.answering.engine import AnswerEngine
from assistant.retrieval.hybrid import HybridSearcher
from assistant.retrieval.index import SearchIndex
from ingest.ops.pipeline import INGESTED, FileOutcome, Ingestor
from ingest.settings import Settings
from ingest.store.embedding_cache import EmbeddingStopped
from prompts import answer as P
from tests.conftest import CORPUS, make_settings

HANDREIKING = "handreiking-regionaal-afgestemde-woonzorgvisie.pdf"
RAADSVOORSTEL = "woonzorgvisie-heemskerk-beverwijk-raadsvoorstel-2025.pdf"
PENDING_PREFIX = P.VECTORS_PENDING_NL.split("{")[0]


def _one_pdf(root: Path, name: str) -> Path:
    folder = root / "pdfs"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(CORPUS / name, folder / name)
    return folder / name


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


def test_text_is_live_before_the_vectors(settings: Settings, tmp_path: Path) -> None:
    ingestor = Ingestor(settings)
    try:
        [outcome] = ingestor.ingest_paths([_one_pdf(tmp_path, HANDREIKING)], embed=False)
        assert (outcome.status, outcome.embedded) == (INGESTED, 0)
        [waiting] = ingestor.registry.waiting_for_vectors(ingestor.embedder.model_name)
        assert waiting.doc_id == outcome.doc_id
        assert ingestor.store.count_doc(outcome.doc_id) == 0

        index = SearchIndex(settings, embedder=ingestor.embedder)
        assert index.indexing_status(outcome.doc_id) == "tekst"
        hits = HybridSearcher(index).search("regionaal afgestemde woonzorgvisie", k=3, mode="bm25")
        assert hits and hits[0].doc_id == outcome.doc_id
        answer = AnswerEngine(HybridSearcher(index)).ask("Wat is een regionaal afgestemde woonzorgvisie?")
        assert any(n.startswith(PENDING_PREFIX) for n in answer.notices), answer.notices

        computed = ingestor.embed_pending()
        assert computed == {outcome.doc_id: outcome.chunks}
        assert ingestor.store.count_doc(outcome.doc_id) == outcome.chunks
        assert ingestor.registry.waiting_for_vectors(ingestor.embedder.model_name) == []
        assert ingestor.embed_pending() == {}  # nothing left: nothing recomputed

        fresh = SearchIndex(settings, embedder=ingestor.embedder)
        assert fresh.indexing_status(outcome.doc_id) == "semantisch"
        answer = AnswerEngine(HybridSearcher(fresh)).ask("Wat is een regionaal afgestemde woonzorgvisie?")
        assert not any(n.startswith(PENDING_PREFIX) for n in answer.notices), answer.notices
    finally:
        ingestor.close()


def test_stopped_embedding_resumes_without_recomputing(settings: Settings, tmp_path: Path) -> None:
    ingestor = Ingestor(settings)
    try:
        [outcome] = ingestor.ingest_paths([_one_pdf(tmp_path, RAADSVOORSTEL)], embed=False)
        [doc] = ingestor.registry.waiting_for_vectors(ingestor.embedder.model_name)
        asked = 0

        def stop_after_two_batches() -> bool:
            nonlocal asked
            asked += 1
            return asked > 2

        with pytest.raises(EmbeddingStopped):
            ingestor.embed_document(doc, stop_after_two_batches)
        cached = ingestor.cache.count(ingestor.embedder.model_name)
        assert cached == 2 * settings.index.embed_batch_size
        assert ingestor.store.count_doc(doc.doc_id) == 0  # no half-written vectors: still waiting
        assert [d.doc_id for d in ingestor.registry.waiting_for_vectors(ingestor.embedder.model_name)] == [doc.doc_id]
    finally:
        ingestor.close()

    # A new process (here: a new ingestor) picks it up and computes only what was not cached.
    again = Ingestor(settings)
    try:
        outcomes = again.ingest_paths([tmp_path / "pdfs"])
        assert outcomes[0].status == "unchanged"
        assert outcomes[0].embedded == outcome.chunks - cached
        assert again.store.count_doc(doc.doc_id) == outcome.chunks
    finally:
        again.close()


class _DeleteWhileEmbedding:
    """Progress that deletes the document (as an admin would, from another ingestor) after the first batch."""

    def __init__(self, other: Ingestor, doc_id: str) -> None:
        self.other, self.doc_id, self.deleted = other, doc_id, False

    def file_started(self, name: str) -> None: ...
    def pages_read(self, done: int, total: int) -> None: ...

    def embedded(self, done: int, total: int) -> None:
        if not self.deleted:
            self.other.delete(self.doc_id)
            self.deleted = True

    def file_done(self, outcome: FileOutcome) -> None: ...


def test_document_deleted_while_embedding_gets_no_vectors(settings: Settings, tmp_path: Path) -> None:
    admin = Ingestor(settings)
    try:
        [outcome] = admin.ingest_paths([_one_pdf(tmp_path, HANDREIKING)], embed=False)
        progress = _DeleteWhileEmbedding(admin, outcome.doc_id)
        worker = Ingestor(settings, embedder=admin.embedder, progress=progress)
        try:
            [doc] = worker.registry.waiting_for_vectors(worker.embedder.model_name)
            worker.embed_document(doc)
        finally:
            worker.close()
        assert progress.deleted
        assert admin.registry.get(outcome.doc_id) is None
        assert admin.store.count() == 0  # the finished embedding was not written for a deleted document
    finally:
        admin.close()
