"""Background embedding: the vectors of documents that are already live for BM25.

Runs as a thread in the serving process. It picks up every active document whose vectors are
not all stored — new uploads, and whatever a stopped or killed process left unfinished —
so the work resumes after a restart; the embedding cache makes resumed work cost only what
was not yet computed. With several API workers, one embeds at a time (a non-blocking lock
file in the data dir); the others keep polling in case it stops.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.ops.pipeline import FileOutcome, Ingestor
from ingest.settings import Settings
from ingest.store.embedding_cache import EmbeddingStopped
from ingest.store.write_lock import EMBED_LOCK, lock_path, try_held

log = logging.getLogger(__name__)


@dataclass
class EmbedStatus:
    running: bool = False
    document: str = ""  # file being embedded now
    done: int = 0  # embeddings computed for it so far (cache misses)
    total: int = 0
    documents_done: int = 0  # since this process started
    last_error: str = ""


class _StatusProgress:
    def __init__(self, status: EmbedStatus) -> None:
        self._status = status

    def file_started(self, name: str) -> None:
        self._status.document, self._status.done, self._status.total = name, 0, 0

    def pages_read(self, done: int, total: int) -> None: ...

    def embedded(self, done: int, total: int) -> None:
        self._status.done, self._status.total = done, total

    def file_done(self, outcome: FileOutcome) -> None: ...


class EmbeddingWorker:
    """``wake()`` after a document went live; it also polls, for work left by another process."""

    def __init__(self, settings: Settings, embedder: BaseEmbedding, poll_s: float = 10.0, nice: int = 10) -> None:
        self.settings = settings
        self.embedder = embedder  # the service's loaded model: no second copy in memory
        self.poll_s = poll_s
        self.nice = nice
        self.status = EmbedStatus()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="woonzorg-embed", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stops between documents (a batch in progress is finished and cached first)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)

    def snapshot(self) -> dict[str, Any]:
        return asdict(self.status)

    def _run(self) -> None:
        with contextlib.suppress(AttributeError, OSError):
            # Linux nice is per thread: queries keep priority over the bulk embedding.
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.nice)
        ingestor: Ingestor | None = None
        backoff = self.poll_s
        while not self._stop.is_set():
            try:
                if ingestor is None:
                    ingestor = Ingestor(self.settings, embedder=self.embedder, progress=_StatusProgress(self.status))
                self._embed_once(ingestor)
                self.status.last_error = ""
                backoff = self.poll_s
            except Exception as exc:  # e.g. the Chroma server is down: keep the work, try again later
                log.warning("background embedding paused: %s: %s", type(exc).__name__, exc)
                self.status.last_error = f"{type(exc).__name__}: {exc}"
                backoff = min(backoff * 2, 120.0)
            finally:
                self.status.running, self.status.document = False, ""
            self._wake.wait(backoff)
            self._wake.clear()
        if ingestor is not None:
            ingestor.close()

    def _embed_once(self, ingestor: Ingestor) -> None:
        with try_held(lock_path(self.settings.data_dir, EMBED_LOCK)) as mine:
            if not mine:
                return  # another worker process is embedding
            while not self._stop.is_set():
                waiting = ingestor.registry.waiting_for_vectors(self.embedder.model_name)
                if not waiting:
                    return
                self.status.running = True
                started = time.perf_counter()
                try:
                    ingestor.embed_document(waiting[0], self._stop.is_set)
                except EmbeddingStopped:
                    return  # shutting down: the rest resumes at the next start

                self.status.documents_done += 1
                log.info("embedded %s in %.1f s", waiting[0].file, time.perf_counter() - started)
