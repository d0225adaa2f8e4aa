"""Request dependencies: who is calling (token → role), and the ``Assistant`` that role reads through.

The process-wide ``Assistant``, metrics, stores and the upload worker live on ``app.state``.
Every data route depends on ``get_assistant`` (``AssistantDep``), so it cannot run without an
authenticated caller, and it only ever sees the caller's documents.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from assistant import (
    Assistant,
    AuditLog,
    FeedbackStore,
    Principal,
    QuestionLog,
    Role,
    Settings,
    TokenStore,
    is_loopback,
)
from assistant.api.metrics import Metrics
from assistant.api.rate_limit import RateLimiter
from prompts.api import FORBIDDEN_NL, LOCAL_ONLY_NL, RATE_LIMITED_NL, UNAUTHENTICATED_NL
from prompts.service import INVALID_TOKEN_NL

LOCAL = Principal("lokaal", "admin")


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def get_principal(request: Request) -> Principal:
    """The caller; 401 without a (valid) token when tokens are configured, 429 over the rate limit."""
    state = request.app.state
    tokens: TokenStore = state.tokens
    if not tokens.configured:
        # Local demo: bound to loopback by `woonzorg serve`; a Host header from elsewhere
        # (e.g. DNS rebinding from a web page) does not get admin rights.
        if not is_loopback(request.url.hostname or ""):
            raise HTTPException(403, detail=LOCAL_ONLY_NL)
        principal = LOCAL
    else:
        token = bearer_token(request)
        if token is None:
            raise HTTPException(401, detail=UNAUTHENTICATED_NL, headers={"WWW-Authenticate": "Bearer"})
        found = tokens.authenticate(token)
        if found is None:
            raise HTTPException(
                401, detail=INVALID_TOKEN_NL, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        principal = found
        if principal.token_id not in state.seen_tokens:
            # First use per process: the audit log shows which tokens are in use, without one row per call.
            state.seen_tokens.add(principal.token_id)
            state.audit.record(principal.token_id, principal.role, "token_use", request.url.path)
    limiter: RateLimiter = state.rate_limiter
    # Per token; the token-less local demo has one user on this machine and no limit.
    wait = limiter.check(principal.token_id) if tokens.configured else None
    if wait is not None:
        raise HTTPException(
            429, detail=RATE_LIMITED_NL.format(seconds=int(wait)), headers={"Retry-After": str(int(wait))}
        )
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(*roles: Role) -> Any:
    """A dependency that lets only ``roles`` through (403 otherwise)."""

    def check(principal: PrincipalDep) -> Principal:
        if principal.role not in roles:
            raise HTTPException(403, detail=FORBIDDEN_NL.format(role=principal.role, needed=" of ".join(roles)))
        return principal

    return Depends(check)


def get_assistant(request: Request, principal: PrincipalDep) -> Assistant:
    """The process's assistant as the caller's role sees it (a partner: public documents only)."""
    kb: Assistant = request.app.state.assistant
    return kb.for_role(principal.role)


AssistantDep = Annotated[Assistant, Depends(get_assistant)]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def get_feedback(request: Request) -> FeedbackStore:
    store: FeedbackStore = request.app.state.feedback
    return store


def get_audit(request: Request) -> AuditLog:
    audit: AuditLog = request.app.state.audit
    return audit


def get_question_log(request: Request) -> QuestionLog | None:
    log: QuestionLog | None = request.app.state.question_log
    return log


SettingsDep = Annotated[Settings, Depends(get_settings)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
FeedbackDep = Annotated[FeedbackStore, Depends(get_feedback)]
AuditDep = Annotated[AuditLog, Depends(get_audit)]
QuestionLogDep = Annotated[QuestionLog | None, Depends(get_question_log)]
