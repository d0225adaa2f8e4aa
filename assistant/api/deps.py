"""Request dependencies: the process-wide engine, searcher, metrics and feedback store live on ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.answer_engine import AnswerEngine
from assistant.api.metrics import Metrics
from assistant.feedback_store import FeedbackStore
from assistant.retrieval import HybridSearcher
from ingest.settings import Settings


def get_searcher(request: Request) -> HybridSearcher:
    searcher: HybridSearcher = request.app.state.searcher
    if searcher.index.is_stale():
        # A re-ingest finished since we loaded: pick it up (BM25 stamp checked in reload).
        searcher.index.reload()
    return searcher


def get_engine(request: Request, searcher: Annotated[HybridSearcher, Depends(get_searcher)]) -> AnswerEngine:
    engine: AnswerEngine = request.app.state.engine
    return engine  # shares ``searcher.index``, so the reload above covers it


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def get_feedback(request: Request) -> FeedbackStore:
    store: FeedbackStore = request.app.state.feedback
    return store


SearcherDep = Annotated[HybridSearcher, Depends(get_searcher)]
EngineDep = Annotated[AnswerEngine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
FeedbackDep = Annotated[FeedbackStore, Depends(get_feedback)]
