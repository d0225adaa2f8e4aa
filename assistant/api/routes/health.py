"""Liveness and index state; open to all (load balancers), but counts only for staff and admin."""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Request

from assistant import Assistant, TokenStore
from assistant.api.deps import bearer_token
from prompts.api import DENSE_UNAVAILABLE_PROBLEM_NL

router = APIRouter()


@router.get("/health")
def health(request: Request) -> dict[str, Any]:
    kb: Assistant = request.app.state.assistant  # no caller needed: the counts are shown below only to staff
    info = kb.health()
    problems = [DENSE_UNAVAILABLE_PROBLEM_NL] if info.get("dense") != "ok" else []
    status = "degraded" if problems else "ok" if info["documents"] else "empty"
    out: dict[str, Any] = {"status": status, "index_loaded": True}
    if problems:
        out["problems"] = problems
    tokens: TokenStore = request.app.state.tokens
    token = bearer_token(request)
    caller = tokens.authenticate(token) if tokens.configured and token else None
    if not tokens.configured or (caller is not None and caller.role != "partner"):
        # Counts include internal documents: not for anonymous callers or partners; so does the raw error.
        out.update(info)
        # Which process answered (several `serve --workers`), and the background embedding's progress.
        out["worker_pid"] = os.getpid()
        out["embedding"] = request.app.state.embedding.snapshot()
    return out
