"""Answer feedback (thumbs up/down + remark), kept in a small SQLite file in the data dir.

Separate from the registry: feedback is user data that must survive a re-index
or ``make clean`` of the index, and it is exported with ``woonzorg feedback``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ingest.settings import Settings

Rating = Literal["up", "down"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at REAL NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    remark TEXT NOT NULL DEFAULT ''
);
"""


def feedback_path(settings: Settings) -> Path:
    return settings.data_dir / "feedback.sqlite"


@dataclass
class Feedback:
    id: int
    created_at: float  # unix seconds
    question: str
    answer: str
    rating: str
    remark: str


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        # A connection per call: the API writes from worker threads, and SQLite
        # serialises writers itself; nothing is shared between threads.
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            yield db

    def add(self, question: str, answer: str, rating: Rating, remark: str = "") -> int:
        with self._db() as db:
            cur = db.execute(
                "INSERT INTO feedback (created_at, question, answer, rating, remark) VALUES (?, ?, ?, ?, ?)",
                [time.time(), question, answer, rating, remark],
            )
            return int(cur.lastrowid or 0)

    def all(self) -> list[Feedback]:
        with self._db() as db:
            rows = db.execute(
                "SELECT id, created_at, question, answer, rating, remark FROM feedback ORDER BY id"
            ).fetchall()
        return [Feedback(*row) for row in rows]
