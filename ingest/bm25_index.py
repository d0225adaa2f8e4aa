"""BM25 over the chunks (bm25s + Dutch Snowball), persisted beside the vector store.

Built once per index version and loaded at start — never rebuilt per query. The
directory is swapped in whole, and stamped with the registry version it was built
from, so readers never load a half-written index.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import bm25s
import numpy as np

from ingest.text_analysis import tokenize

_IDS = "chunk_ids.json"
_STAMP = "version.json"


class Bm25Index:
    def __init__(self, model: bm25s.BM25 | None, chunk_ids: list[str], version: str) -> None:
        self._model = model
        self.chunk_ids = chunk_ids
        self.version = version
        self._position = {cid: i for i, cid in enumerate(chunk_ids)}

    @classmethod
    def build(cls, items: list[tuple[str, str]], version: str) -> Bm25Index:
        """``items``: (chunk_id, search_text) pairs."""
        if not items:
            return cls(None, [], version)
        model = bm25s.BM25(k1=1.2, b=0.75)
        model.index([tokenize(text) or ["_"] for _, text in items], show_progress=False)
        return cls(model, [cid for cid, _ in items], version)

    def save(self, directory: Path) -> None:
        tmp = directory.with_name(f"{directory.name}.tmp-{time.time_ns()}")
        tmp.mkdir(parents=True)
        if self._model is not None:
            self._model.save(str(tmp), show_progress=False)
        (tmp / _IDS).write_text(json.dumps(self.chunk_ids))
        (tmp / _STAMP).write_text(json.dumps({"version": self.version}))
        old = directory.with_name(f"{directory.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if directory.exists():
            directory.rename(old)
        tmp.rename(directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> Bm25Index | None:
        """The saved index, or None when it is missing or incomplete."""
        try:
            version = json.loads((directory / _STAMP).read_text())["version"]
            ids = json.loads((directory / _IDS).read_text())
            model = bm25s.BM25.load(str(directory)) if ids else None
        except (OSError, ValueError, KeyError):
            return None
        return cls(model, ids, version)

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top-``k`` (chunk_id, score); ``allowed`` is a boolean mask applied before ranking."""
        tokens = tokenize(query)
        if self._model is None or not tokens:
            return []
        known = [t for t in tokens if t in self._model.vocab_dict]
        if not known:
            return []
        scores = self._model.get_scores(known)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def mask_for(self, chunk_ids: set[str] | None) -> np.ndarray | None:
        if chunk_ids is None:
            return None
        mask = np.zeros(len(self.chunk_ids), dtype=bool)
        for cid in chunk_ids:
            pos = self._position.get(cid)
            if pos is not None:
                mask[pos] = True
        return mask
