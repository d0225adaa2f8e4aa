"""Chroma as the dense store: embedded ``PersistentClient`` or a server via ``HttpClient``."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import chromadb
import httpx
from chromadb.config import Settings as ChromaSettings

from ingest.models import Chunk
from ingest.settings import Settings


def make_client(settings: Settings) -> Any:
    # Telemetry off: the deployment is offline and must not try to phone home.
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.index.chroma_url:
        url = urlparse(
            settings.index.chroma_url if "//" in settings.index.chroma_url else f"http://{settings.index.chroma_url}"
        )
        client = chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
        # chromadb's HTTP session has no timeout (and no setting for one): a hung server would
        # hold every request. With one, a stall becomes an error the retriever degrades on.
        session = getattr(getattr(client, "_server", None), "_session", None)
        if isinstance(session, httpx.Client):
            session.timeout = httpx.Timeout(
                settings.index.chroma_timeout_s, connect=min(5.0, settings.index.chroma_timeout_s)
            )
        return client
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def collection_name(base: str, model_name: str) -> str:
    # One collection per embedding model: vectors of different models never mix.
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", model_name).strip("-").lower()
    return f"{base}-{slug}"[:63]


def update_doc_metadata(client: Any, base: str, doc_id: str, fields: dict[str, Any]) -> int:
    """Set ``fields`` in the metadata of every stored chunk of ``doc_id``, in each collection of
    ``base`` (one per embedding model); the vectors stay as they are. Returns the entries updated."""
    updated = 0
    for listed in client.list_collections():
        name = listed if isinstance(listed, str) else listed.name
        if not name.startswith(f"{base}-"):
            continue
        col = client.get_collection(name=name, embedding_function=None)
        got = col.get(where={"doc_id": doc_id}, include=["metadatas"])
        ids = list(got.get("ids") or [])
        metas = got.get("metadatas") or [None] * len(ids)
        for i in range(0, len(ids), 500):
            col.update(ids=ids[i : i + 500], metadatas=[{**(m or {}), **fields} for m in metas[i : i + 500]])
        updated += len(ids)
    return updated


@dataclass(frozen=True)
class StoredVector:
    """One entry of the collection as stored (for consistency checks; the vector itself is left out)."""

    chunk_id: str
    doc_id: str
    text: str


class VectorStore:
    def __init__(self, client: Any, name: str, create: bool = True) -> None:
        """``create=False``: open an existing collection only (readers such as ``woonzorg check``
        must not create one); chromadb raises if it does not exist."""
        self._client = client
        self.client = client
        self.name = name
        if create:
            self._col = client.get_or_create_collection(
                name=name, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
        else:
            self._col = client.get_collection(name=name, embedding_function=None)

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

    def delete_ids(self, chunk_ids: Sequence[str]) -> None:
        for i in range(0, len(chunk_ids), 500):
            self._col.delete(ids=list(chunk_ids[i : i + 500]))

    def delete_doc(self, doc_id: str) -> None:
        self._col.delete(where={"doc_id": doc_id})

    def doc_ids(self) -> set[str]:
        """Every doc_id with vectors (for reconciliation after a crash)."""
        return {e.doc_id for e in self.entries(with_text=False) if e.doc_id}

    def entries(self, with_text: bool = True, page_size: int = 5000) -> Iterator[StoredVector]:
        """Every stored entry (id, its doc_id, optionally its text), paged so a large collection
        never comes back in one response."""
        include = ["metadatas", "documents"] if with_text else ["metadatas"]
        offset = 0
        while True:
            got = self._col.get(include=include, limit=page_size, offset=offset)
            ids = got.get("ids") or []
            metas = got.get("metadatas") or [None] * len(ids)
            texts = got.get("documents") or [None] * len(ids)
            for cid, meta, text in zip(ids, metas, texts, strict=True):
                yield StoredVector(str(cid), str((meta or {}).get("doc_id", "")), text or "")
            if len(ids) < page_size:
                return
            offset += page_size

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
