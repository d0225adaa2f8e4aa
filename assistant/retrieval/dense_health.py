"""Is the dense store (Chroma) reachable? Shared state of one index, and which requests went without it.

A stopped Chroma server must not turn every question into a 500: dense retrieval falls back
to no hits (BM25 carries the answer), the failure is recorded here for ``/health``, and a
request that went without dense retrieval is marked so its answer can say so.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpx
from chromadb.errors import ChromaError

log = logging.getLogger(__name__)

# What a Chroma call raises when the store is unreachable or failing, as observed with a
# stopped `chroma run` (httpx.ConnectError), a request cut off mid-flight (httpx.ReadError,
# RemoteProtocolError), timeouts (httpx.TimeoutException) and server-side errors (ChromaError).
STORE_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, ChromaError, OSError)
# While down, at most one connection attempt per this many seconds (the others skip dense at once).
RETRY_AFTER_S = 3.0


class DenseHealth:
    """Thread-safe up/down state of the dense store, with a back-off between attempts while down."""

    def __init__(self, retry_after_s: float = RETRY_AFTER_S, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._retry_after_s = retry_after_s
        self._clock = clock
        self._reason: str | None = None
        self._down_since = 0.0
        self._next_try = 0.0

    @property
    def down(self) -> bool:
        with self._lock:
            return self._reason is not None

    @property
    def reason(self) -> str | None:
        """The last failure (exception type and message) while down; None when up."""
        with self._lock:
            return self._reason

    def should_try(self) -> bool:
        """Up: always. Down: once per back-off interval (that caller's attempt is the probe)."""
        with self._lock:
            if self._reason is None:
                return True
            now = self._clock()
            if now < self._next_try:
                return False
            self._next_try = now + self._retry_after_s
            return True

    def failed(self, exc: BaseException) -> None:
        reason = f"{type(exc).__name__}: {exc}"[:300]
        with self._lock:
            first = self._reason is None
            self._reason = reason
            now = self._clock()
            if first:
                self._down_since = now
            self._next_try = now + self._retry_after_s
        if first:  # once per outage, not once per request
            log.warning("dense store unavailable, answering with BM25 only: %s", reason)

    def ok(self) -> None:
        with self._lock:
            if self._reason is None:
                return
            down_s = self._clock() - self._down_since
            self._reason = None
        log.warning("dense store reachable again after %.1f s", down_s)

    def status(self) -> dict[str, Any]:
        """For ``/health``: ``dense`` is "ok" or "unavailable", with the error while down."""
        with self._lock:
            if self._reason is None:
                return {"dense": "ok"}
            return {"dense": "unavailable", "dense_error": self._reason}


@dataclass
class DenseUse:
    """Did any retrieval in this request go without the dense store? And the query vectors this
    request embedded (a comparison searches its question once per column: embed it once)."""

    missed: bool = False
    query_vectors: dict[tuple[str, str], tuple[float, ...]] = field(default_factory=dict)


_current: ContextVar[DenseUse | None] = ContextVar("dense_use", default=None)


@contextmanager
def dense_use() -> Iterator[DenseUse]:
    """Track one request (per thread/context, so concurrent requests never see each other's state).
    Nested uses (a comparison asks once per document) report into the outermost one."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    use = DenseUse()
    token = _current.set(use)
    try:
        yield use
    finally:
        _current.reset(token)


def current_use() -> DenseUse | None:
    """The record of the request being answered (None outside ``dense_use``)."""
    return _current.get()


def note_dense_missed() -> None:
    """Called by dense retrieval when it returned no hits because the store was unavailable."""
    use = _current.get()
    if use is not None:
        use.missed = True
