"""The document registry (SQLite): documents, aliases, page texts and chunks.

It is the source of truth. A document is visible to retrieval only once its row
is ``active``; the swap from an old version to a new one is one transaction, so a
crash leaves either version complete, never a mix.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.models import Chunk
from ingest.read.layout import StoredLayout
from ingest.text.analysis import tokenize

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    meta TEXT NOT NULL,
    page_count INTEGER NOT NULL,
    chunk_count INTEGER NOT NULL,
    status TEXT NOT NULL,            -- indexing | active | superseded
    warnings TEXT NOT NULL DEFAULT '[]',
    ingested_at REAL NOT NULL,
    embedded_model TEXT NOT NULL DEFAULT ''  -- the model whose vectors are all stored; '' = not yet
);
CREATE TABLE IF NOT EXISTS aliases (
    file TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    sha256 TEXT NOT NULL DEFAULT ''  -- the alias file's own bytes (may differ: same text)
);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    layout TEXT NOT NULL DEFAULT '',  -- JSON: the page's word boxes (ingest.read.layout.StoredLayout); '' = none
    PRIMARY KEY (doc_id, page)
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    page INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    section TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    search_text TEXT NOT NULL,
    tokens TEXT NOT NULL DEFAULT ''  -- BM25 tokens of search_text, space-separated ('' = not stored)
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id, ord);
CREATE TABLE IF NOT EXISTS records (      -- structured knowledge parsed from a document (e.g. maatregelen)
    doc_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ord INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_doc ON records (doc_id, kind, ord);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass
class DocumentRecord:
    doc_id: str
    file: str
    sha256: str
    text_sha256: str
    title: str
    meta: dict[str, Any]
    page_count: int
    chunk_count: int
    status: str
    warnings: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    ingested_at: float = 0.0
    # Text (registry + BM25) goes live first; this names the model once every vector is stored.
    embedded_model: str = ""

    def is_embedded(self, model: str) -> bool:
        return self.embedded_model == model


class Registry:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        # Registries from before background embedding lack the column; their documents get ''
        # and are re-embedded once by the worker (all cache hits: only the upsert is redone).
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(documents)")}
        if "embedded_model" not in columns:
            self._db.execute("ALTER TABLE documents ADD COLUMN embedded_model TEXT NOT NULL DEFAULT ''")
        # Older chunks get '' and are tokenized when BM25 is rebuilt, as before.
        if "tokens" not in {r[1] for r in self._db.execute("PRAGMA table_info(chunks)")}:
            self._db.execute("ALTER TABLE chunks ADD COLUMN tokens TEXT NOT NULL DEFAULT ''")
        # Pages stored before positions were read have no boxes: citations then show the page without a highlight.
        if "layout" not in {r[1] for r in self._db.execute("PRAGMA table_info(pages)")}:
            self._db.execute("ALTER TABLE pages ADD COLUMN layout TEXT NOT NULL DEFAULT ''")

    # -- transactions -------------------------------------------------------------
    def _tx(self) -> _Transaction:
        return _Transaction(self._db)

    @contextmanager
    def read_snapshot(self) -> Iterator[Registry]:
        """Reads of one committed state: its own connection inside one read transaction, so a
        writer committing meanwhile (another thread or process) never yields a mix of versions."""
        reader = Registry.__new__(Registry)
        reader._path = self._path
        reader._db = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        try:
            reader._db.execute("BEGIN")  # WAL: the snapshot is taken at the first read
            yield reader
        finally:
            reader._db.execute("ROLLBACK")
            reader._db.close()

    # -- reads ----------------------------------------------------------------------
    def _record(self, row: sqlite3.Row | tuple[Any, ...]) -> DocumentRecord:
        (doc_id, file, sha, tsha, title, meta, pages, chunks, status, warnings, at, model) = row
        aliases = [r[0] for r in self._db.execute("SELECT file FROM aliases WHERE doc_id = ? ORDER BY file", [doc_id])]
        return DocumentRecord(
            doc_id,
            file,
            sha,
            tsha,
            title,
            json.loads(meta),
            pages,
            chunks,
            status,
            json.loads(warnings),
            aliases,
            at,
            model,
        )

    _COLS = (
        "doc_id, file, sha256, text_sha256, title, meta, page_count, chunk_count, status, warnings, ingested_at,"
        " embedded_model"
    )

    def documents(self, status: str | None = "active") -> list[DocumentRecord]:
        sql = f"SELECT {self._COLS} FROM documents"
        args: list[Any] = []
        if status is not None:
            sql += " WHERE status = ?"
            args.append(status)
        return [self._record(r) for r in self._db.execute(sql + " ORDER BY file", args).fetchall()]

    def get(self, doc_id: str) -> DocumentRecord | None:
        row = self._db.execute(f"SELECT {self._COLS} FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        return self._record(row) if row else None

    def find_active(
        self, *, sha256: str | None = None, text_sha256: str | None = None, file: str | None = None
    ) -> DocumentRecord | None:
        for col, value in (("sha256", sha256), ("text_sha256", text_sha256), ("file", file)):
            if value is None:
                continue
            row = self._db.execute(
                f"SELECT {self._COLS} FROM documents WHERE status = 'active' AND {col} = ?", [value]
            ).fetchone()
            return self._record(row) if row else None
        raise ValueError("find_active needs one key")

    def alias_of(self, file: str, sha256: str | None = None) -> str | None:
        """The doc_id ``file`` is an alias of (only if its bytes were ``sha256``, when given)."""
        row = self._db.execute("SELECT doc_id, sha256 FROM aliases WHERE file = ?", [file]).fetchone()
        if not row or (sha256 is not None and row[1] != sha256):
            return None
        return str(row[0])

    def page_text(self, doc_id: str, page: int) -> str | None:
        row = self._db.execute("SELECT text FROM pages WHERE doc_id = ? AND page = ?", [doc_id, page]).fetchone()
        return row[0] if row else None

    def page_layout(self, doc_id: str, page: int) -> StoredLayout | None:
        """The word boxes of one page (None: unknown page, or stored before positions were read)."""
        row = self._db.execute("SELECT layout FROM pages WHERE doc_id = ? AND page = ?", [doc_id, page]).fetchone()
        return StoredLayout.from_json(json.loads(row[0])) if row and row[0] else None

    def page_layouts(self, doc_id: str) -> list[StoredLayout | None]:
        """Every page's stored word boxes, in page order (None for a page stored without them)."""
        rows = self._db.execute("SELECT layout FROM pages WHERE doc_id = ? ORDER BY page", [doc_id])
        return [StoredLayout.from_json(json.loads(r[0])) if r[0] else None for r in rows]

    def page_texts(self, doc_id: str) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT text FROM pages WHERE doc_id = ? ORDER BY page", [doc_id])]

    def chunks(self, doc_ids: Iterable[str] | None = None) -> Iterator[Chunk]:
        sql = (
            "SELECT c.chunk_id, c.doc_id, c.page, c.char_start, c.char_end, c.section, c.text, c.search_text, c.kind"
            " FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE d.status = 'active'"
        )
        args: list[Any] = []
        if doc_ids is not None:
            ids = list(doc_ids)
            sql += f" AND c.doc_id IN ({','.join('?' * len(ids))})"
            args = ids
        for row in self._db.execute(sql + " ORDER BY d.file, c.ord", args):
            yield Chunk(*row)

    def chunk_tokens(self) -> Iterator[tuple[str, list[str]]]:
        """(chunk_id, BM25 tokens) of every active chunk, in ``chunks()`` order."""
        rows = self._db.execute(
            "SELECT c.chunk_id, c.tokens, c.search_text FROM chunks c JOIN documents d ON d.doc_id = c.doc_id"
            " WHERE d.status = 'active' ORDER BY d.file, c.ord"
        )
        for chunk_id, tokens, search_text in rows:
            yield chunk_id, tokens.split() if tokens else tokenize(search_text)

    def stale_doc_ids(self) -> list[str]:
        """Documents left half-done or superseded by a crash or a replacement."""
        return [r[0] for r in self._db.execute("SELECT doc_id FROM documents WHERE status != 'active'")]

    def embedding_state(self) -> dict[str, str]:
        """doc_id → the model whose vectors are complete ('' = waiting), for active documents.

        Read per request (cheap): finishing a document's vectors does not bump the index version,
        so it never forces a full reload."""
        rows = self._db.execute("SELECT doc_id, embedded_model FROM documents WHERE status = 'active'")
        return {doc_id: model for doc_id, model in rows}

    def waiting_for_vectors(self, model: str) -> list[DocumentRecord]:
        """Active documents whose vectors for ``model`` are not all stored, oldest first."""
        rows = self._db.execute(
            f"SELECT {self._COLS} FROM documents WHERE status = 'active' AND embedded_model != ?"
            " ORDER BY ingested_at, file",
            [model],
        ).fetchall()
        return [self._record(r) for r in rows]

    def version(self) -> str:
        row = self._db.execute("SELECT value FROM state WHERE key = 'version'").fetchone()
        return row[0] if row else "0"

    # -- writes ----------------------------------------------------------------------
    def stage(
        self,
        *,
        doc_id: str,
        file: str,
        sha256: str,
        text_sha256: str,
        title: str,
        meta: dict[str, Any],
        pages: list[str],
        chunks: list[Chunk],
        warnings: list[str],
        records: dict[str, list[dict[str, Any]]] | None = None,
        layouts: list[dict[str, Any]] | None = None,
    ) -> None:
        """Write a new version in state ``indexing`` (invisible to retrieval); ``layouts``: per page,
        ``PageLayout.to_json()``."""
        with self._tx():
            self._delete_rows(doc_id)
            self._db.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'indexing', ?, ?, '')",
                [
                    doc_id,
                    file,
                    sha256,
                    text_sha256,
                    title,
                    json.dumps(meta, ensure_ascii=False),
                    len(pages),
                    len(chunks),
                    json.dumps(warnings, ensure_ascii=False),
                    time.time(),
                ],
            )
            boxes = [json.dumps(lay, separators=(",", ":")) for lay in layouts] if layouts else [""] * len(pages)
            self._db.executemany(
                "INSERT INTO pages (doc_id, page, text, layout) VALUES (?, ?, ?, ?)",
                [(doc_id, i + 1, t, b) for i, (t, b) in enumerate(zip(pages, boxes, strict=True))],
            )
            self._db.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.chunk_id,
                        c.doc_id,
                        i,
                        c.page,
                        c.char_start,
                        c.char_end,
                        c.section,
                        c.kind,
                        c.text,
                        c.search_text,
                        # Tokenized once here: every BM25 rebuild after this reads them instead
                        # (re-tokenizing all chunks was most of a rebuild's ~9 s at 15k pages).
                        " ".join(tokenize(c.search_text)),
                    )
                    for i, c in enumerate(chunks)
                ],
            )
            for kind, items in (records or {}).items():
                self._db.executemany(
                    "INSERT INTO records VALUES (?, ?, ?, ?)",
                    [(doc_id, kind, i, json.dumps(item, ensure_ascii=False)) for i, item in enumerate(items)],
                )

    def activate(self, doc_id: str, file: str) -> list[str]:
        """Make ``doc_id`` the live version of ``file``; returns the superseded doc_ids."""
        with self._tx():
            old = [
                r[0]
                for r in self._db.execute(
                    "SELECT doc_id FROM documents WHERE file = ? AND status = 'active' AND doc_id != ?", [file, doc_id]
                )
            ]
            self._db.executemany("UPDATE documents SET status = 'superseded' WHERE doc_id = ?", [(o,) for o in old])
            self._db.execute("UPDATE documents SET status = 'active' WHERE doc_id = ?", [doc_id])
            self._db.execute("DELETE FROM aliases WHERE file = ?", [file])
            self._bump()
        return old

    def replace_records(
        self, doc_id: str, records: dict[str, list[dict[str, Any]]], warnings: list[str], meta: dict[str, Any]
    ) -> None:
        """New structured records (and parser warnings, meta) for a stored document, in one transaction."""
        with self._tx():
            self._db.execute("DELETE FROM records WHERE doc_id = ?", [doc_id])
            for kind, items in records.items():
                self._db.executemany(
                    "INSERT INTO records VALUES (?, ?, ?, ?)",
                    [(doc_id, kind, i, json.dumps(item, ensure_ascii=False)) for i, item in enumerate(items)],
                )
            self._db.execute(
                "UPDATE documents SET warnings = ?, meta = ? WHERE doc_id = ?",
                [json.dumps(warnings, ensure_ascii=False), json.dumps(meta, ensure_ascii=False), doc_id],
            )
            self._bump()

    def update_meta(self, doc_id: str, meta: dict[str, Any], bump: bool = True) -> bool:
        """Replace an active document's metadata (e.g. its access level), chunks and vectors
        untouched; ``bump``: a new index version, so serving processes reload it. False if
        ``doc_id`` is not active."""
        with self._tx():
            cur = self._db.execute(
                "UPDATE documents SET meta = ? WHERE doc_id = ? AND status = 'active'",
                [json.dumps(meta, ensure_ascii=False), doc_id],
            )
            if cur.rowcount == 1 and bump:
                self._bump()
            return cur.rowcount == 1

    def mark_embedded(self, doc_id: str, model: str) -> bool:
        """Record that every vector of ``doc_id`` is stored; False if it is no longer active
        (deleted or replaced meanwhile: the caller removes the vectors it just wrote)."""
        with self._tx():
            cur = self._db.execute(
                "UPDATE documents SET embedded_model = ? WHERE doc_id = ? AND status = 'active'", [model, doc_id]
            )
            return cur.rowcount == 1

    def forget_vectors(self, doc_ids: Iterable[str]) -> None:
        """Mark documents as waiting for vectors again (a repair re-upserts them; the cache makes it cheap)."""
        with self._tx():
            self._db.executemany("UPDATE documents SET embedded_model = '' WHERE doc_id = ?", [(d,) for d in doc_ids])

    def docs_of_chunks(self, chunk_ids: Iterable[str]) -> set[str]:
        ids = list(chunk_ids)
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            rows = self._db.execute(
                f"SELECT DISTINCT doc_id FROM chunks WHERE chunk_id IN ({','.join('?' * len(part))})", part
            )
            found.update(r[0] for r in rows)
        return found

    def add_alias(self, file: str, doc_id: str, reason: str, sha256: str) -> None:
        with self._tx():
            self._db.execute("INSERT OR REPLACE INTO aliases VALUES (?, ?, ?, ?)", [file, doc_id, reason, sha256])

    def purge(self, doc_id: str) -> None:
        """Remove a non-live (or deleted) version completely."""
        with self._tx():
            self._delete_rows(doc_id)
            self._db.execute("DELETE FROM aliases WHERE doc_id = ?", [doc_id])
            self._bump()

    def records(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        """(doc_id, record) of one kind, for active documents, in document order."""
        rows = self._db.execute(
            "SELECT r.doc_id, r.data FROM records r JOIN documents d ON d.doc_id = r.doc_id"
            " WHERE d.status = 'active' AND r.kind = ? ORDER BY d.file, r.ord",
            [kind],
        )
        return [(doc_id, json.loads(data)) for doc_id, data in rows]

    def _delete_rows(self, doc_id: str) -> None:
        for table in ("records", "chunks", "pages", "documents"):
            self._db.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])

    def _bump(self) -> None:
        self._db.execute(
            "INSERT INTO state VALUES ('version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [f"{time.time_ns()}"],
        )

    def close(self) -> None:
        self._db.close()


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
