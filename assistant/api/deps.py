"""Request dependencies: the process-wide index and searcher live on ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.retrieval import HybridSearcher


def get_searcher(request: Request) -> HybridSearcher:
    searcher: HybridSearcher = request.app.state.searcher
    if searcher.index.is_stale():
        # A re-ingest finished since we loaded: pick it up (BM25 stamp checked in reload).
        searcher.index.reload()
    return searcher


SearcherDep = Annotated[HybridSearcher, Depends(get_searcher)]
