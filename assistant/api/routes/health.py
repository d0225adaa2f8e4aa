"""Liveness and index state; open to all (load balancers), but counts only for staff and admin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from assistant.api.deps import ScopesDep, bearer_token
from assistant.auth import TokenStore

router = APIRouter()


@router.get("/health")
def health(request: Request, scopes: ScopesDep) -> dict[str, Any]:
    scopes.refresh()
    info = scopes.base.health()
    out = {"status": "ok" if info["documents"] else "empty", "index_loaded": True}
    tokens: TokenStore = request.app.state.tokens
    token = bearer_token(request)
    caller = tokens.authenticate(token) if tokens.configured and token else None
    if not tokens.configured or (caller is not None and caller.role != "partner"):
        # Counts include internal documents: not for anonymous callers or partners.
        out.update(info)
    return out
