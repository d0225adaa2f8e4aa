"""Chroma as the dense store: embedded ``PersistentClient`` or a server via ``HttpClient``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings

from ingest.models import Chunk
from ingest.settings import Settings


def make_client(settings: Settings) -> Any:
    # Telemetry off: the deployment is offline and must not try to phone home.
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url if "//" in settings.chroma_url else f"http://{settings.chroma_url}")
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def collection_name(base: str, model_name: str) -> str:
    # One collection per embedding model: vectors of different models never mix.
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", model_name).strip("-").lower()
    return f"{base}-{slug}"[:63]


class VectorStore:
    def __init__(self, client: Any, name: str) -> None:
        self._client = client
        self.name = name
        self._col = client.get_or_create_collection(
            name=name, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )

    def upsert(
        self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]], metas: Sequence[dict[str, Any]]
    ) -> None:
        for i in range(0, len(chunks), 500):
            part = slice(i, i + 500)
            self._col.upsert(
                ids=[c.chunk_id for c in chunks[part]],
                embeddings=[list(e) for e in embeddings[part]],
                metadatas=list(metas[part]),
                documents=[c.text for c in chunks[part]],
            )

    def delete_doc(self, doc_id: str) -> None:
        self._col.delete(where={"doc_id": doc_id})

    def doc_ids(self) -> set[str]:
        """Every doc_id with vectors (for reconciliation after a crash)."""
        found: set[str] = set()
        offset = 0
        while True:
            got = self._col.get(include=["metadatas"], limit=5000, offset=offset)
            metas = got.get("metadatas") or []
            found.update(str(m.get("doc_id")) for m in metas if m)
            if len(metas) < 5000:
                return found
            offset += 5000

    def count(self) -> int:
        return int(self._col.count())

    def count_doc(self, doc_id: str) -> int:
        got = self._col.get(where={"doc_id": doc_id}, include=[])
        return len(got.get("ids") or [])

    def query(self, embedding: Sequence[float], k: int, doc_ids: Sequence[str] | None) -> list[tuple[str, float]]:
        """Top-``k`` (chunk_id, cosine similarity) within ``doc_ids`` (filtered inside Chroma)."""
        where: dict[str, Any] | None = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            where = {"doc_id": {"$in": list(doc_ids)}}
        res = self._col.query(query_embeddings=[list(embedding)], n_results=k, where=where, include=["distances"])
        ids = (res.get("ids") or [[]])[0]
        dists = (res.get("distances") or [[]])[0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=True)]
