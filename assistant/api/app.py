"""The FastAPI application factory."""

from __future__ import annotations

import gc
import http
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import Assistant, AuditLog, FeedbackStore, JobQueue, QuestionLog, Settings, TokenStore, feedback_path
from assistant.api.deps import get_principal, require
from assistant.api.mcp.http import mount_mcp
from assistant.api.metrics import Metrics, MetricsMiddleware
from assistant.api.rate_limit import RateLimiter
from assistant.api.routes import (
    ask,
    compare,
    documents,
    feedback,
    health,
    maatregelen,
    metrics,
    openai_compat,
    search,
    terms,
    ui,
)
from assistant.api.security import BodySizeLimitMiddleware, SecurityHeadersMiddleware
from assistant.ui import STATIC_DIR
from ingest.ops.embed_worker import EmbeddingWorker
from prompts import api as P

log = logging.getLogger(__name__)


def _dutch_problem(error: Any) -> str:
    field = str(error.get("loc", ["?"])[-1])
    problem = P.FIELD_PROBLEMS_NL.get(str(error.get("type")), P.FIELD_INVALID_NL)
    return P.FIELD_PROBLEM_NL.format(field=field, problem=problem)


def _size_error_body(path: str, message: str) -> dict[str, Any]:
    if openai_compat.is_openai_path(path):
        return openai_compat.error_body(413, message)
    return {"detail": message}


def create_app(settings: Settings, kb: Assistant | None = None) -> FastAPI:
    """``kb``: an already opened assistant (tests); otherwise the index in ``settings.data_dir`` is opened."""

    tokens = TokenStore(settings)  # a malformed token setting stops the start, before anything is loaded

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A fresh set of scopes per start (each has its own poller), over the given index if any.
        opened = kb.reopened(settings) if kb else Assistant.open(settings)
        opened.warm()
        # The loaded index is ~250k long-lived objects: out of the collector's full passes, which
        # otherwise stop every request for ~200 ms about once per 50 asks.
        gc.collect()
        gc.freeze()
        app.state.assistant = opened
        opened.start_polling()
        app.state.embedding = EmbeddingWorker(settings, opened.embedder)
        if settings.index.background_embedding:
            app.state.embedding.start()
        app.state.feedback = FeedbackStore(feedback_path(settings))
        app.state.audit = AuditLog(settings.audit_path)
        app.state.question_log = (
            QuestionLog(settings.question_log_path, settings.service.question_log_retention_days)
            if settings.service.question_log
            else None
        )
        app.state.jobs = JobQueue(settings, opened.embedder, app.state.audit, on_change=app.state.embedding.wake)
        try:
            async with app.state.mcp_sessions.run():  # /mcp's task group
                yield
        finally:
            app.state.jobs.stop()
            app.state.embedding.stop()
            opened.stop_polling()

    app = FastAPI(title="Woonzorg-assistent", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.state.tokens = tokens
    app.state.seen_tokens = set()
    app.state.rate_limiter = RateLimiter(settings.service.rate_limit_per_minute)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(
        BodySizeLimitMiddleware,
        default_limit=settings.service.max_request_bytes,
        # every file of one upload request at its limit, plus the form fields
        upload_limit=settings.service.max_upload_bytes * settings.service.max_upload_files + 1_000_000,
        upload_path="/api/documents",
        error_body=_size_error_body,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    origins = [o.strip() for o in settings.service.cors_origins.split(",") if o.strip()]
    if origins:
        # Off unless configured: the UI is same-origin. Tokens travel in a header, never cookies.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )

    # On /v1 every error is an OpenAI error object (what OpenAI clients parse), elsewhere {"detail": …}.
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(_dutch_problem(e) for e in exc.errors())
        message = P.INVALID_REQUEST_NL.format(problems=problems)
        if openai_compat.is_openai_path(request.url.path):
            return openai_compat.validation_response(message, list(exc.errors()))
        return JSONResponse(status_code=422, content={"detail": message})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if detail == http.HTTPStatus(exc.status_code).phrase:
            detail = P.STATUS_NL.get(exc.status_code, P.STATUS_OTHER_NL)
        if openai_compat.is_openai_path(request.url.path):
            return openai_compat.error_response(exc, str(detail))
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Never a stack trace to the client; the log has it.
        log.exception("unhandled error")
        message = P.INTERNAL_ERROR_NL
        if openai_compat.is_openai_path(request.url.path):
            return JSONResponse(status_code=500, content=openai_compat.error_body(500, message))
        return JSONResponse(status_code=500, content={"detail": message})

    # /health and the UI shell (no data) are open; everything else needs a caller (401 without a
    # token when tokens are configured); /metrics and document management need a role.
    for module in (health, ui):
        app.include_router(module.router)
    app.include_router(metrics.router, dependencies=[require("admin", "staff")])
    caller = [Depends(get_principal)]
    for module in (search, ask, terms, maatregelen, compare, documents, feedback, openai_compat):
        app.include_router(module.router, dependencies=caller)
    # /mcp authenticates each request itself (same tokens, roles and local-demo rule as above).
    app.state.mcp_sessions = mount_mcp(app, settings, tokens.configured)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def app_from_env() -> FastAPI:
    """The app built from the environment: the factory each `serve --workers N` process calls."""
    return create_app(Settings())
