"""Prometheus metrics: requests by route and status, latency, answers and refusals.

One registry per app (not the process-global default) so that several apps in
one test process do not collide. Collected by a plain ASGI middleware, which,
unlike ``BaseHTTPMiddleware``, leaves streamed (SSE) responses alone.
"""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant import Answer


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "woonzorg_http_requests",
            "HTTP requests by route template, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "woonzorg_http_request_duration_seconds",
            "Time to the end of the response, by route template",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.answers = Counter(
            "woonzorg_answers", "Questions answered, by mode and outcome", ["mode", "outcome"], registry=self.registry
        )
        self.refusals = Counter("woonzorg_refusals", "Questions refused (not in the documents)", registry=self.registry)

    def observe_answer(self, answer: Answer) -> None:
        self.answers.labels(answer.mode, "refused" if answer.refused else "answered").inc()
        if answer.refused:
            self.refusals.inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


def _route_label(scope: Scope) -> str:
    # The route template, never the raw path: one series per endpoint, not per doc_id.
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    return "/static" if str(scope.get("path", "")).startswith("/static/") else "unmatched"


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # an exception that escapes becomes the 500 handler's response

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = _route_label(scope)
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - start)
