"""One writer at a time per data directory, across threads and processes (``flock``).

Every change to the index (registry swap, vector upsert/delete, BM25 save) happens under
the write lock, so API workers, the upload worker, the embedding worker and a CLI ingest
never interleave their writes. Readers do not take it; they use it to tell whether a
writer is busy (then they keep serving the last complete index version).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WRITE_LOCK = "write.lock"
EMBED_LOCK = "embed.lock"


def lock_path(data_dir: Path, name: str = WRITE_LOCK) -> Path:
    return data_dir / name


@contextmanager
def held(path: Path) -> Iterator[None]:
    """Block until this process holds ``path``'s lock. Each call opens its own file
    description, so two threads of one process exclude each other as two processes do."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock, also when the process dies (kill -9)


@contextmanager
def try_held(path: Path) -> Iterator[bool]:
    """Take the lock if it is free; yields whether it was taken (never waits)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def is_busy(path: Path) -> bool:
    """Is another thread or process holding the lock right now?"""
    try:
        with try_held(path) as taken:
            return not taken
    except OSError:  # e.g. a read-only data dir: nobody can be writing there
        return False
