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

_MB = 1024 * 1024
# Free space an ingest needs at least: SQLite journals, Chroma's segment files and a second
# BM25 copy during its swap. Far above what a small batch writes, far below any real disk.
MIN_FREE_INGEST = 64 * _MB
# The service writes little (audit log, feedback, uploads go through ingest).
MIN_FREE_SERVE = 16 * _MB

_FIX_DATA_DIR = "kies met WOONZORG_DATA_DIR een andere map"
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
        return f"{self.problem}: {self.path}\nOplossing: {self.fix}."


def check_writable(settings: Settings, min_free_bytes: int = MIN_FREE_INGEST) -> None:
    """Raise ``StorageError`` unless the data dir exists (or can be made), takes a write, and
    has ``min_free_bytes`` free. Writes only a probe file, which it removes again."""
    data_dir = settings.data_dir
    if data_dir.exists() and not data_dir.is_dir():
        raise StorageError(data_dir, "de datamap is geen map maar een bestand", _FIX_DATA_DIR)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            data_dir,
            f"de datamap kan niet worden aangemaakt ({_reason(exc)})",
            f"maak de map aan met schrijfrechten voor deze gebruiker, of {_FIX_DATA_DIR}",
        ) from exc
    _probe_write(data_dir)
    # As root, permission bits do not stop writes; for other users a read-only file would only
    # fail half-way through a command, so it is caught here.
    for path in (settings.registry_path, settings.embed_cache_path, settings.chroma_path, settings.bm25_dir):
        if path.exists() and not os.access(path, os.W_OK):
            raise StorageError(
                path, "geen schrijfrechten", f"geef deze gebruiker schrijfrechten op {path}, of {_FIX_DATA_DIR}"
            )
    free = shutil.disk_usage(data_dir).free
    if free < min_free_bytes:
        raise StorageError(
            data_dir,
            f"te weinig vrije schijfruimte ({free / _MB:.1f} MB vrij, minimaal {min_free_bytes / _MB:.0f} MB nodig)",
            f"maak ruimte vrij op deze schijf, of {_FIX_DATA_DIR} op een schijf met meer ruimte",
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
            return StorageError(
                path,
                "schijf vol bij schrijven",
                f"maak ruimte vrij of {_FIX_DATA_DIR}; wat al was opgeslagen blijft bewaard",
            )
        if code == errno.EROFS or any(s in text for s in _READ_ONLY):
            return StorageError(
                path,
                "alleen-lezen bestandssysteem",
                f"koppel de schijf opnieuw met schrijfrechten (mount -o remount,rw) of {_FIX_DATA_DIR}",
            )
        if (
            code in (errno.EACCES, errno.EPERM)
            and data_dir is not None
            and isinstance(err, OSError)
            and err.filename
            and _inside(Path(os.fsdecode(err.filename)), data_dir)
        ):
            return StorageError(
                path, "geen schrijfrechten", f"geef deze gebruiker schrijfrechten op {path}, of {_FIX_DATA_DIR}"
            )
    return None


def describe_storage_error(exc: BaseException, data_dir: Path | None = None) -> str | None:
    """One Dutch line for a file's ingest outcome (path and fix), or None if ``exc`` is not a
    storage fault. For ``Ingestor.ingest_file``'s except clauses."""
    error = storage_error(exc, data_dir)
    return None if error is None else f"{error.problem} naar {error.path}: {error.fix}"


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
    return data_dir if data_dir is not None else Path("de datamap (WOONZORG_DATA_DIR)")


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        return "alleen-lezen bestandssysteem"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "geen schrijfrechten"
    if exc.errno == errno.ENOTDIR:
        return "een deel van het pad is een bestand"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "schijf vol"
    return exc.strerror or type(exc).__name__
