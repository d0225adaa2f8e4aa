"""The FastAPI application factory."""

from __future__ import annotations

import http
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.answer_engine import AnswerEngine
from assistant.api.metrics import Metrics, MetricsMiddleware
from assistant.api.routes import ask, compare, documents, feedback, health, maatregelen, metrics, search, terms, ui
from assistant.feedback_store import FeedbackStore, feedback_path
from assistant.retrieval import HybridSearcher
from assistant.search_index import SearchIndex
from assistant.ui import STATIC_DIR
from ingest.settings import Settings

log = logging.getLogger(__name__)


_PROBLEMS = {
    "missing": "ontbreekt",
    "greater_than_equal": "is te klein",
    "less_than_equal": "is te groot",
    "string_too_short": "is te kort",
    "string_too_long": "is te lang",
    "int_parsing": "moet een geheel getal zijn",
    "literal_error": "heeft geen toegestane waarde",
    "json_invalid": "is geen geldige JSON",
    "model_attributes_type": "moet een object zijn",
}

# Starlette's own English reasons (unknown route, wrong method) in Dutch.
_STATUS_NL = {
    404: "Niet gevonden.",
    405: "Deze methode is hier niet toegestaan.",
}


def _dutch_problem(error: Any) -> str:
    field = str(error.get("loc", ["?"])[-1])
    return f"'{field}' {_PROBLEMS.get(str(error.get('type')), 'is ongeldig')}"


def create_app(settings: Settings, searcher: HybridSearcher | None = None) -> FastAPI:
    """``searcher``: an already loaded one (tests); otherwise the index in ``settings.data_dir`` is loaded."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.searcher = searcher or HybridSearcher(SearchIndex(settings))
        app.state.engine = AnswerEngine.from_settings(app.state.searcher, settings)
        app.state.feedback = FeedbackStore(feedback_path(settings))
        yield

    app = FastAPI(title="Woonzorg-assistent", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(_dutch_problem(e) for e in exc.errors())
        return JSONResponse(status_code=422, content={"detail": f"Ongeldige aanvraag: {problems}."})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if detail == http.HTTPStatus(exc.status_code).phrase:
            detail = _STATUS_NL.get(exc.status_code, "De aanvraag kon niet worden verwerkt.")
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Never a stack trace to the client; the log has it.
        log.exception("unhandled error")
        return JSONResponse(
            status_code=500, content={"detail": "Er ging iets mis aan onze kant. Probeer het later opnieuw."}
        )

    for module in (health, metrics, search, ask, terms, maatregelen, compare, documents, feedback, ui):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
