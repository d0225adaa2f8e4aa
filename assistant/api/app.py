"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from assistant.api.routes import health, search
from assistant.retrieval import HybridSearcher
from assistant.search_index import SearchIndex
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
}


def _dutch_problem(error: Any) -> str:
    field = str(error.get("loc", ["?"])[-1])
    return f"'{field}' {_PROBLEMS.get(str(error.get('type')), 'is ongeldig')}"


def create_app(settings: Settings, searcher: HybridSearcher | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.searcher = searcher or HybridSearcher(SearchIndex(settings))
        yield

    app = FastAPI(title="Woonzorg-assistent", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(_dutch_problem(e) for e in exc.errors())
        return JSONResponse(status_code=422, content={"detail": f"Ongeldige aanvraag: {problems}."})

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Never a stack trace to the client; the log has it.
        log.exception("unhandled error")
        return JSONResponse(
            status_code=500, content={"detail": "Er ging iets mis aan onze kant. Probeer het later opnieuw."}
        )

    app.include_router(health.router)
    app.include_router(search.router)
    return app
