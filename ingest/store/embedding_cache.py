"""Embeddings cached by (model id, sha256 of the text): a re-ingest never embeds twice."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np


class EmbeddingStopped(Exception):
    """Embedding was asked to stop between two batches (finished batches are cached)."""


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " model TEXT NOT NULL, sha TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (model, sha))"
        )

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        for i in range(0, len(keys), 500):
            part = list(keys[i : i + 500])
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT sha, vec FROM embeddings WHERE model = ? AND sha IN ({marks})", [model, *part]
            )
            for sha, blob in rows:
                found[sha] = np.frombuffer(blob, dtype=np.float32).tolist()
        return found

    def put_many(self, model: str, items: dict[str, list[float]]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings (model, sha, vec) VALUES (?, ?, ?)",
                [(model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )

    def count(self, model: str | None = None) -> int:
        if model is None:
            return int(self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])
        return int(self._db.execute("SELECT COUNT(*) FROM embeddings WHERE model = ?", [model]).fetchone()[0])

    def embed(
        self,
        model: str,
        texts: Sequence[str],
        embed_batch: Callable[[list[str]], list[list[float]]],
        batch_size: int = 8,
        on_progress: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> tuple[list[list[float]], int]:
        """Vectors for ``texts`` (cache first); returns them and how many were computed.
        ``should_stop`` is asked before each batch; True raises ``EmbeddingStopped``."""
        keys = [text_key(t) for t in texts]
        cached = self.get_many(model, list(dict.fromkeys(keys)))
        todo = [i for i, k in enumerate(keys) if k not in cached]
        seen: set[str] = set()
        todo = [i for i in todo if not (keys[i] in seen or seen.add(keys[i]))]  # type: ignore[func-returns-value]
        done = 0
        for start in range(0, len(todo), batch_size):
            if should_stop is not None and should_stop():
                raise EmbeddingStopped(f"stopped after {done} of {len(todo)} embeddings")
            batch = todo[start : start + batch_size]
            vectors = embed_batch([texts[i] for i in batch])
            fresh = {keys[i]: v for i, v in zip(batch, vectors, strict=True)}
            self.put_many(model, fresh)  # committed per batch: a crash keeps finished work
            cached.update(fresh)
            done += len(batch)
            if on_progress is not None:
                on_progress(done, len(todo))
        return [cached[k] for k in keys], len(todo)

    def close(self) -> None:
        self._db.close()
