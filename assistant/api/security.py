"""Security headers as plain ASGI middleware (unlike BaseHTTPMiddleware it leaves SSE streams alone).

And the request-size limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from prompts.api import REQUEST_TOO_LARGE_NL

# The UI is same-origin ES modules and one stylesheet, no inline script or style; PDFs open in
# a new tab. FastAPI's /docs page loads Swagger UI with an inline script, so it gets no CSP.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_NO_CSP = ("/docs", "/redoc")
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with_csp = not str(scope.get("path", "")).startswith(_NO_CSP)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _HEADERS if k not in present]
                if with_csp:
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, detail=REQUEST_TOO_LARGE_NL.format(limit=_mb(limit)))


def _mb(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit // 1000} kB"


class BodySizeLimitMiddleware:
    """413 (Dutch JSON) for a body over the limit: by Content-Length up front, or counted as it streams in.

    Own middleware rather than FastAPI's ``max_body_size``: that one answers in English plain text.
    The upload route gets its own, larger limit (all files of one request). ``error_body(path,
    message)``: the JSON body of that 413 (default ``{"detail": message}``; /v1 answers OpenAI's shape).
    """

    def __init__(
        self,
        app: ASGIApp,
        default_limit: int,
        upload_limit: int,
        upload_path: str,
        error_body: Callable[[str, str], Any] | None = None,
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.upload_limit = upload_limit
        self.upload_path = upload_path
        self.error_body = error_body or (lambda _path, message: {"detail": message})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_upload = scope.get("method") == "POST" and str(scope.get("path", "")).rstrip("/") == self.upload_path
        limit = self.upload_limit if is_upload else self.default_limit
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > limit:
                exc = _TooLarge(limit)
                body = self.error_body(str(scope.get("path", "")), str(exc.detail))
                await JSONResponse(body, status_code=413)(scope, receive, send)
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)  # an HTTPException: FastAPI passes it to the JSON error handler
            return message

        await self.app(scope, counting_receive, send)
