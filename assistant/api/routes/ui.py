"""The chat page; its CSS and JS are served from /static."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from assistant.ui import STATIC_DIR

router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html")
