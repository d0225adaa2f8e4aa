"""Job snapshots in SQLite, shared by every API worker process of one data dir.

A job runs in the process that accepted it; with `serve --workers N` the next
`GET /api/jobs/{id}` may reach another worker, which finds the job here. The running
process's in-memory job stays the live source (page and embedding progress); the stored
snapshot is written at each step (queued, running, each file done, finished).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

_KEEP = 500


class JobStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, created_at REAL NOT NULL, data TEXT NOT NULL)"
        )
        self._lock = threading.Lock()  # one connection, used by request threads and the job worker

    def save(self, snapshot: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO jobs VALUES (?, ?, ?)",
                [snapshot["id"], snapshot["created_at"], json.dumps(snapshot, ensure_ascii=False)],
            )
            self._db.execute(
                "DELETE FROM jobs WHERE id NOT IN (SELECT id FROM jobs ORDER BY created_at DESC LIMIT ?)", [_KEEP]
            )

    def get(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM jobs WHERE id = ?", [job_id]).fetchone()
        return dict(json.loads(row[0])) if row else None

    def recent(self, limit: int = 200) -> list[dict[str, Any]]:
        """Newest first."""
        with self._lock:
            rows = self._db.execute("SELECT data FROM jobs ORDER BY created_at DESC LIMIT ?", [limit]).fetchall()
        return [dict(json.loads(r[0])) for r in rows]

    def close(self) -> None:
        self._db.close()
