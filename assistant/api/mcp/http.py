"""``/mcp`` on the FastAPI app: the MCP server over Streamable HTTP, with the same callers as /api.

Each request is authenticated by ``get_principal`` itself (bearer token → role through the
app's TokenStore; without tokens the local demo on loopback; the same rate limit and audit),
before the MCP transport sees it; the principal travels in the ASGI scope to the tools.
Stateless (no sessions between requests), so it works the same behind ``serve --workers N``.
"""

from __future__ import annotations

from typing import Any, cast

from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse
from mcp.server.mcpserver import Context
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import INVALID_REQUEST
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from assistant import Principal
from assistant.api.deps import get_principal
from assistant.api.mcp.server import Access, build_server
from ingest.settings import Settings

PATH = "/mcp"
PRINCIPAL_KEY = "woonzorg.principal"
_LOOPBACK_HOSTS = ["127.0.0.1", "127.0.0.1:*", "localhost", "localhost:*", "[::1]", "[::1]:*"]
_LOOPBACK_ORIGINS = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]


def _request(ctx: Context | None) -> Request:
    request = getattr(ctx.request_context, "request", None) if ctx is not None else None
    if not isinstance(request, Request):
        raise PermissionError("MCP request without its HTTP request")  # fail closed; never expected
    return request


def _principal(ctx: Context | None) -> Principal:
    principal = _request(ctx).scope.get(PRINCIPAL_KEY)
    if not isinstance(principal, Principal):
        raise PermissionError("MCP request without an authenticated caller")  # fail closed; never expected
    return principal


def _base_url(ctx: Context | None) -> str:
    return str(_request(ctx).base_url)


class AuthenticatedEntry:
    """ASGI app of the /mcp route: the caller first (401/403/429 as JSON-RPC errors), then MCP."""

    def __init__(self, handler: ASGIApp) -> None:
        self.handler = handler

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.handler(scope, receive, send)
            return
        try:
            principal = get_principal(Request(scope, receive))
        except HTTPException as exc:
            body: dict[str, Any] = {
                "jsonrpc": "2.0",
                "id": None,
                "error": {"code": INVALID_REQUEST, "message": str(exc.detail)},
            }
            await JSONResponse(body, status_code=exc.status_code, headers=exc.headers)(scope, receive, send)
            return
        scope[PRINCIPAL_KEY] = principal
        await self.handler(scope, receive, send)


def mount_mcp(app: FastAPI, settings: Settings, tokens_configured: bool) -> StreamableHTTPSessionManager:
    """Add the /mcp route to ``app``; the returned session manager must run in the app's lifespan."""
    access = Access(
        assistant=lambda: app.state.assistant,
        principal=_principal,
        base_url=_base_url,
        metrics=lambda: app.state.metrics,
        question_log=lambda: app.state.question_log,
    )
    server = build_server(access)
    # Without tokens (local demo) only loopback Host/Origin headers, as the SDK does by default;
    # with tokens the token decides, from any host the service is published on.
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=not tokens_configured,
        allowed_hosts=_LOOPBACK_HOSTS,
        allowed_origins=_LOOPBACK_ORIGINS,
    )
    server.streamable_http_app(
        streamable_http_path=PATH,
        stateless_http=True,
        json_response=True,
        max_request_body_size=settings.service.max_request_bytes,
        transport_security=security,
    )
    manager = server.session_manager
    # A Route, not a Mount: a Mount answers /mcp with a redirect to /mcp/. An ASGI app as endpoint
    # gets every method (POST for messages; GET and DELETE are answered by the transport).
    entry = AuthenticatedEntry(manager.handle_request)
    app.router.routes.append(Route(PATH, endpoint=cast(Any, entry), include_in_schema=False))
    return manager
