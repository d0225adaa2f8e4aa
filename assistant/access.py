"""Who may see which documents, enforced on the index itself.

A role maps to an access scope; each scope gets its own restricted ``SearchIndex`` view
(see ``SearchIndex.view``) with its own searcher and answer engine. Every route reads
through the caller's scope, so a partner's request cannot rank, quote, count or serve a
document that is not public — no route has to remember to filter.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal

from assistant.answer_engine import AnswerEngine
from assistant.retrieval import HybridSearcher
from assistant.search_index import SearchIndex
from ingest.settings import Settings

Role = Literal["admin", "staff", "partner"]
ROLES: tuple[Role, ...] = ("admin", "staff", "partner")
Access = Literal["public", "intern"]
ACCESS_LEVELS: tuple[Access, ...] = ("public", "intern")
PUBLIC: Access = "public"


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
    """The process-wide index (loaded once) and one cheap view per access scope.

    Picks up a finished re-ingest (registry version changed) before handing out a scope;
    the views and engines of the old version are dropped then.
    """

    def __init__(self, searcher: HybridSearcher, settings: Settings) -> None:
        self.searcher = searcher
        self.settings = settings
        self._lock = threading.Lock()
        self._version = ""
        self._scopes: dict[bool, Scope] = {}

    @property
    def base(self) -> SearchIndex:
        return self.searcher.index

    def refresh(self) -> None:
        with self._lock:
            if self.base.is_stale():
                self.base.reload()  # BM25 stamp checked in reload
            if self.base.version != self._version:
                self._scopes = {}
                self._version = self.base.version

    def for_role(self, role: Role) -> Scope:
        self.refresh()
        internal = sees_internal(role)
        with self._lock:
            scope = self._scopes.get(internal)
            if scope is None:
                if internal:
                    searcher = self.searcher
                else:
                    searcher = HybridSearcher(self.base.view(visible_doc_ids(self.base, role)))
                scope = Scope(searcher, AnswerEngine.from_settings(searcher, self.settings))
                self._scopes[internal] = scope
            return scope
