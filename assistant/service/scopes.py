"""Who may see which documents, enforced on the index itself.

A role maps to an access scope; each scope gets its own restricted ``SearchIndex`` view
(see ``SearchIndex.view``) with its own searcher and answer engine. Every route reads
through the caller's scope, so a partner's request cannot rank, quote, count or serve a
document that is not public — no route has to remember to filter.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from assistant.answering.engine import AnswerEngine
from assistant.models import PUBLIC, Role
from assistant.retrieval.hybrid import HybridSearcher
from assistant.retrieval.index import SearchIndex
from ingest.settings import Settings
from ingest.store.write_lock import is_busy, lock_path

log = logging.getLogger(__name__)



def is_public(meta: dict[str, object]) -> bool:
    # Only an explicit "public" is public: a typo or a new level stays internal.
    return str(meta.get("access", "")).strip().lower() == PUBLIC


def sees_internal(role: Role) -> bool:
    return role in ("admin", "staff")


def visible_doc_ids(index: SearchIndex, role: Role) -> list[str]:
    if sees_internal(role):
        return list(index.documents)
    return [d.doc_id for d in index.documents.values() if is_public(d.meta)]


@dataclass(frozen=True)
class Scope:
    """What one role reads through: a (possibly restricted) searcher and its answer engine."""

    searcher: HybridSearcher
    engine: AnswerEngine

    @property
    def index(self) -> SearchIndex:
        return self.searcher.index


class ScopedIndexes:
    """The process-wide index and one cheap view per access scope.

    A finished change (registry version moved on) is loaded as a new *snapshot* and swapped
    in; a request keeps the scope it started with, so it never sees a half-loaded index.
    While a writer (upload, re-index, a CLI ingest, another worker) holds the data dir's write
    lock, the last complete version keeps serving: the new one is taken once its BM25 index is
    saved. A background thread does the loading, so requests rarely wait for it.
    """

    POLL_S = 0.5

    def __init__(self, searcher: HybridSearcher, settings: Settings) -> None:
        self.searcher = searcher
        self.settings = settings
        self._lock = threading.Lock()  # guards the swap and the scope cache
        self._loading = threading.Lock()  # one snapshot load at a time
        self._scopes: dict[bool, Scope] = {}
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None

    @property
    def base(self) -> SearchIndex:
        return self.searcher.index

    def refresh(self) -> None:
        """Swap in the registry's current version if it is complete (no writer mid-change)."""
        if not self.base.is_stale() or is_busy(lock_path(self.settings.data_dir)):
            return
        with self._loading:
            if not self.base.is_stale():
                return  # another thread loaded it while this one waited
            fresh = self.base.snapshot()
            with self._lock:
                self.searcher = HybridSearcher(fresh)
                self._scopes = {}
        log.info("index version %s loaded", fresh.version)

    def start_polling(self) -> None:
        """Load new versions in the background (a serving process)."""
        if self._poller is None:
            self._poller = threading.Thread(target=self._poll, name="woonzorg-index-refresh", daemon=True)
            self._poller.start()

    def stop_polling(self) -> None:
        self._stop.set()
        if self._poller is not None:
            self._poller.join(timeout=10)

    def _poll(self) -> None:
        while not self._stop.wait(self.POLL_S):
            try:
                self.refresh()
            except Exception:  # a failed load keeps the current version; the next poll retries
                log.exception("loading a new index version failed")

    def for_role(self, role: Role) -> Scope:
        self.refresh()
        internal = sees_internal(role)
        with self._lock:
            scope = self._scopes.get(internal)
            if scope is None:
                base = self.searcher
                searcher = base if internal else HybridSearcher(base.index.view(visible_doc_ids(base.index, role)))
                scope = Scope(searcher, AnswerEngine.from_settings(searcher, self.settings))
                self._scopes[internal] = scope
            return scope
