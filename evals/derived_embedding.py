"""Embedders for the benchmark.

``TimedEmbedder`` wraps the real model and counts the seconds it spends (the measured
embedding throughput). ``DerivedEmbedder`` makes the large points feasible: a passage of a
varied copy gets the real vector of the original passage it was made from (places mapped
back, digits folded), with a tiny deterministic jitter so copies are near, not identical,
points in HNSW. A passage with no exact original (chunk boundaries moved) takes the nearest
original by word overlap (Jaccard ≥ 0.8); only then is the real model run. Queries always
go to the real model. ``HashEmbedder`` is for the smoke test only (no model, meaningless).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from ingest.store.embedding_cache import EmbeddingCache, text_key

_NEAR = 0.8
_JITTER = 0.01
_METADATA = re.compile(r"^(?:file|doc_id|title): .*$", re.MULTILINE)


class TimedEmbedder(BaseEmbedding):
    """The real embedder, with the time spent in passage embedding counted."""

    _inner: Any = PrivateAttr()
    _stats: dict[str, float] = PrivateAttr()

    def __init__(self, inner: BaseEmbedding, **kwargs: Any) -> None:
        super().__init__(model_name=inner.model_name, embed_batch_size=inner.embed_batch_size, **kwargs)
        self._inner = inner
        self._stats = {"seconds": 0.0, "texts": 0}

    @classmethod
    def class_name(cls) -> str:
        return "TimedEmbedder"

    @property
    def stats(self) -> dict[str, float]:
        return self._stats

    def _get_query_embedding(self, query: str) -> list[float]:
        return list(self._inner.get_query_embedding(query))

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        start = time.perf_counter()
        out = [list(v) for v in self._inner.get_text_embedding_batch(texts)]
        self._stats["seconds"] += time.perf_counter() - start
        self._stats["texts"] += len(texts)
        return out


class HashEmbedder(BaseEmbedding):
    """Deterministic bag-of-words hashing vectors: the smoke test's stand-in for a model."""

    @classmethod
    def class_name(cls) -> str:
        return "HashEmbedder"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(model_name="bench-hash-64", **kwargs)

    def _vector(self, text: str) -> list[float]:
        v = np.zeros(64, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            v[int(hashlib.md5(word.encode()).hexdigest()[:6], 16) % 64] += 1.0
        n = float(np.linalg.norm(v)) or 1.0
        return (v / n).tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vector(text)


class DerivedEmbedder(BaseEmbedding):
    """Vectors of varied copies derived from the real vectors of their originals (see module doc)."""

    _real: Any = PrivateAttr()
    _store: Any = PrivateAttr()
    _names: Any = PrivateAttr()
    _mapping: dict[str, str] = PrivateAttr()
    _exact: dict[str, np.ndarray] = PrivateAttr()
    _sets: list[tuple[frozenset[str], str]] = PrivateAttr()
    _stats: dict[str, float] = PrivateAttr()

    def __init__(self, real: TimedEmbedder, store: EmbeddingCache, inverse_names: dict[str, str], **kwargs: Any):
        # Same model name as the real one: the index and its queries use the same collection.
        super().__init__(model_name=real.model_name, embed_batch_size=real.embed_batch_size, **kwargs)
        self._real = real
        self._store = store  # canonical text → real vector, kept between bench runs
        self._mapping = inverse_names
        keys = sorted(inverse_names, key=len, reverse=True)
        self._names = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + r")\b") if keys else None
        self._exact = {}
        self._sets = []
        self._stats = {"exact": 0, "near": 0, "computed": 0, "seconds": 0.0}

    @classmethod
    def class_name(cls) -> str:
        return "DerivedEmbedder"

    @property
    def stats(self) -> dict[str, float]:
        return self._stats

    def canonical(self, text: str) -> str:
        # llama-index puts the node metadata (file, doc_id, title) above the text: per copy, not content.
        text = _METADATA.sub("", text)
        if self._names is not None:
            text = self._names.sub(lambda m: self._mapping[m.group(0)], text)
        text = re.sub(r"Kenmerk WZ-\d+", "", text)
        return " ".join(re.sub(r"\d", "0", text).split())

    def register(self, texts: Sequence[str], vectors: Sequence[Sequence[float]]) -> None:
        """Originals whose real vectors are known (e.g. from the cold run's cache)."""
        fresh: dict[str, list[float]] = {}
        for text, vec in zip(texts, vectors, strict=True):
            c = self.canonical(text)
            if c not in self._exact:
                self._remember(c, np.asarray(vec, dtype=np.float32))
                fresh[text_key(c)] = list(vec)
        if fresh:
            self._store.put_many(self.model_name, fresh)

    def _remember(self, canonical: str, vec: np.ndarray) -> None:
        self._exact[canonical] = vec
        self._sets.append((frozenset(canonical.lower().split()), canonical))

    def _original(self, text: str) -> np.ndarray:
        c = self.canonical(text)
        if c in self._exact:
            self._stats["exact"] += 1
            return self._exact[c]
        stored = self._store.get_many(self.model_name, [text_key(c)])
        if stored:
            self._stats["exact"] += 1
            # Not a candidate for near matches: the sets stay few (one per real original).
            self._exact[c] = np.asarray(next(iter(stored.values())), dtype=np.float32)
            return self._exact[c]
        words = frozenset(c.lower().split())
        best, best_score = "", 0.0
        for other, key in self._sets:
            union = len(words | other)
            score = len(words & other) / union if union else 0.0
            if score > best_score:
                best, best_score = key, score
        if best_score >= _NEAR:
            self._stats["near"] += 1
            return self._exact[best]
        self._stats["computed"] += 1
        vec = np.asarray(self._real.get_text_embedding_batch([text])[0], dtype=np.float32)
        self._store.put_many(self.model_name, {text_key(c): vec.tolist()})
        self._remember(c, vec)
        return vec

    def _derive(self, text: str) -> list[float]:
        start = time.perf_counter()
        base = self._original(text)
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        noise = np.asarray(np.random.default_rng(seed).standard_normal(base.shape[0]), dtype=np.float32)
        v = base + noise * (_JITTER / np.sqrt(base.shape[0]))
        v /= float(np.linalg.norm(v)) or 1.0
        self._stats["seconds"] += time.perf_counter() - start
        return v.tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return list(self._real.get_query_embedding(query))

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._derive(text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [self._derive(t) for t in texts]
