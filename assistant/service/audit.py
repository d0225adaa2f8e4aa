"""Audit trail of admin actions and token use, and the opt-in question log.

Both are small SQLite files in the data dir, apart from the index (they must survive a
re-index). The audit log records who (token id = hash prefix, and role), what and when —
never a token. Questions can contain personal data (AVG/GDPR): they are only stored when
``WOONZORG_QUESTION_LOG`` is on, and entries older than the retention period are purged.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_AUDIT_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    token_id TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}'
);
"""

_QUESTION_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    role TEXT NOT NULL,
    question TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_at ON questions (at);
"""


@dataclass
class AuditEntry:
    id: int
    at: float
    token_id: str
    role: str
    action: str
    target: str
    detail: dict[str, Any]


class _Sqlite:
    def __init__(self, path: Path, schema: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(schema)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # A connection per call: used from the event loop, the thread pool and the upload worker.
        with self._lock, closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            yield db


class AuditLog(_Sqlite):
    def __init__(self, path: Path) -> None:
        super().__init__(path, _AUDIT_SCHEMA)

    def record(self, token_id: str, role: str, action: str, target: str = "", **detail: Any) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO audit (at, token_id, role, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
                [time.time(), token_id, role, action, target, json.dumps(detail, ensure_ascii=False)],
            )

    def entries(self, since: float = 0.0) -> list[AuditEntry]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, at, token_id, role, action, target, detail FROM audit WHERE at >= ? ORDER BY id", [since]
            ).fetchall()
        return [AuditEntry(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6])) for row in rows]


class QuestionLog(_Sqlite):
    def __init__(self, path: Path, retention_days: int) -> None:
        super().__init__(path, _QUESTION_SCHEMA)
        self.retention_s = retention_days * 86400
        self.purge()

    def add(self, role: str, question: str) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO questions (at, role, question) VALUES (?, ?, ?)", [time.time(), role, question])
        self.purge()

    def purge(self, now: float | None = None) -> int:
        """Delete entries past the retention period; returns how many."""
        cutoff = (now or time.time()) - self.retention_s
        with self._connect() as db:
            return db.execute("DELETE FROM questions WHERE at < ?", [cutoff]).rowcount

    def entries(self) -> list[tuple[float, str, str]]:
        with self._connect() as db:
            return [tuple(r) for r in db.execute("SELECT at, role, question FROM questions ORDER BY id")]  # type: ignore[misc]
