"""Storage faults as clear errors: read-only or uncreatable data dir, full disk.

Checked before a command writes anything (so nothing stored is touched), and used to
turn a low-level error during a write (errno 28, SQLite's "database or disk is full",
Chroma's wrapped I/O errors) into one sentence naming the path and the fix.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from pathlib import Path

from ingest.settings import Settings
from prompts import ingest as P

_MB = 1024 * 1024
# Free space an ingest needs at least: SQLite journals, Chroma's segment files and a second
# BM25 copy during its swap. Far above what a small batch writes, far below any real disk.
MIN_FREE_INGEST = 64 * _MB
# The service writes little (audit log, feedback, uploads go through ingest).
MIN_FREE_SERVE = 16 * _MB

_DISK_FULL = ("database or disk is full", "no space left on device", "os error 28", "disk full")
_READ_ONLY = ("read-only file system", "readonly database", "os error 30")


class StorageError(Exception):
    """The data dir cannot be used: ``problem`` (Dutch) at ``path``; ``fix`` tells what to do."""

    def __init__(self, path: Path, problem: str, fix: str) -> None:
        super().__init__(f"{problem}: {path}")
        self.path = path
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return P.STORAGE_ERROR_NL.format(problem=self.problem, path=self.path, fix=self.fix)


def check_writable(settings: Settings, min_free_bytes: int = MIN_FREE_INGEST) -> None:
    """Raise ``StorageError`` unless the data dir exists (or can be made), takes a write, and
    has ``min_free_bytes`` free. Writes only a probe file, which it removes again."""
    data_dir = settings.data_dir
    if data_dir.exists() and not data_dir.is_dir():
        raise StorageError(data_dir, P.STORAGE_NOT_A_DIR_NL, P.STORAGE_OTHER_DIR_NL)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            data_dir,
            P.STORAGE_CANNOT_CREATE_NL.format(reason=_reason(exc)),
            P.STORAGE_CANNOT_CREATE_FIX_NL,
        ) from exc
    _probe_write(data_dir)
    # As root, permission bits do not stop writes; for other users a read-only file would only
    # fail half-way through a command, so it is caught here.
    for path in (settings.registry_path, settings.embed_cache_path, settings.chroma_path, settings.bm25_dir):
        if path.exists() and not os.access(path, os.W_OK):
            raise StorageError(path, P.STORAGE_NOT_WRITABLE_NL, P.STORAGE_NOT_WRITABLE_FIX_NL.format(path=path))
    free = shutil.disk_usage(data_dir).free
    if free < min_free_bytes:
        raise StorageError(
            data_dir,
            P.STORAGE_LOW_SPACE_NL.format(free_mb=free / _MB, min_mb=min_free_bytes / _MB),
            P.STORAGE_LOW_SPACE_FIX_NL,
        )


def _probe_write(data_dir: Path) -> None:
    """A real write (mode bits can lie: read-only mounts, root, ACLs)."""
    probe = data_dir / f".schrijftest-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"\0" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        error = storage_error(exc, data_dir)
        if error is None:
            raise
        # Name the data dir, not the probe file the user never made.
        raise StorageError(data_dir, error.problem, error.fix) from exc
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()


def storage_error(exc: BaseException, data_dir: Path | None = None) -> StorageError | None:
    """The storage fault behind ``exc`` (or any exception it wraps), or None if it is not one.

    Only write faults count: a full disk, a read-only file system, or a permission error on a
    path inside ``data_dir`` — an unreadable input PDF is the file's problem, not storage's.
    """
    for err in _chain(exc):
        path = _path_of(err, data_dir)
        code = err.errno if isinstance(err, OSError) else None
        text = str(err).lower()
        if code in (errno.ENOSPC, errno.EDQUOT) or any(s in text for s in _DISK_FULL):
            return StorageError(path, P.STORAGE_DISK_FULL_NL, P.STORAGE_DISK_FULL_FIX_NL)
        if code == errno.EROFS or any(s in text for s in _READ_ONLY):
            return StorageError(path, P.STORAGE_READ_ONLY_NL, P.STORAGE_READ_ONLY_FIX_NL)
        if (
            code in (errno.EACCES, errno.EPERM)
            and data_dir is not None
            and isinstance(err, OSError)
            and err.filename
            and _inside(Path(os.fsdecode(err.filename)), data_dir)
        ):
            return StorageError(path, P.STORAGE_NOT_WRITABLE_NL, P.STORAGE_NOT_WRITABLE_FIX_NL.format(path=path))
    return None


def describe_storage_error(exc: BaseException, data_dir: Path | None = None) -> str | None:
    """One Dutch line for a file's ingest outcome (path and fix), or None if ``exc`` is not a
    storage fault. For ``Ingestor.ingest_file``'s except clauses."""
    error = storage_error(exc, data_dir)
    return None if error is None else P.STORAGE_OUTCOME_NL.format(problem=error.problem, path=error.path, fix=error.fix)


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps (``raise … from``, implicit context), without cycles."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _path_of(err: BaseException, data_dir: Path | None) -> Path:
    if isinstance(err, OSError) and err.filename:
        return Path(os.fsdecode(err.filename))
    # SQLite and Chroma do not name the file; the data dir holds all of them.
    return data_dir if data_dir is not None else Path(P.STORAGE_SOME_PATH_NL)


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        return P.STORAGE_READ_ONLY_NL
    if exc.errno in (errno.EACCES, errno.EPERM):
        return P.STORAGE_NOT_WRITABLE_NL
    if exc.errno == errno.ENOTDIR:
        return P.STORAGE_PATH_HAS_FILE_NL
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return P.STORAGE_FULL_NL
    return exc.strerror or type(exc).__name__
