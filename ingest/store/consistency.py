"""Does the index on disk agree with itself? Registry (the truth) vs Chroma vs BM25.

A read-only audit, used by ``woonzorg check`` and the kill -9 trials: after any crash
and one rerun the three stores must describe exactly the same active chunks. Documents
that are live for BM25 but still waiting for their vectors (background embedding) are
counted as pending, not as errors.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from ingest.settings import Settings
from ingest.store.bm25 import MISSING, Bm25Index
from ingest.store.registry import Registry
from ingest.store.vectors import StoredVector, VectorStore, collection_name, make_client
from ingest.store.write_lock import lock_path, try_held
from prompts import ingest as P

# Examples per problem in the Dutch summary; the JSON report carries every id.
_EXAMPLES = 3


@dataclass
class ConsistencyReport:
    """What ``check_index`` found. Lists hold chunk ids unless their name says otherwise."""

    data_dir: str
    collection: str = ""
    registry_version: str = ""
    active_docs: list[str] = field(default_factory=list)  # doc ids
    registry_chunks: int = 0
    vectors: int = 0  # entries in the Chroma collection
    bm25_chunks: int = 0
    bm25_version: str = ""
    pending_docs: list[str] = field(default_factory=list)  # doc ids waiting for embeddings (not an error)
    pending_vectors: list[str] = field(default_factory=list)  # their chunks without a vector yet
    duplicate_chunks: list[str] = field(default_factory=list)  # "where: id" of a repeated chunk
    orphan_vectors: list[str] = field(default_factory=list)  # in Chroma, not an active registry chunk
    missing_vectors: list[str] = field(default_factory=list)  # embedded document's chunk without vector
    mismatched_vectors: list[str] = field(default_factory=list)  # same id, other text or doc_id
    leftover_docs: list[str] = field(default_factory=list)  # "doc_id (status)" of non-active versions
    bm25_missing: list[str] = field(default_factory=list)  # registry chunks not in BM25
    bm25_extra: list[str] = field(default_factory=list)  # BM25 ids not in the registry
    bm25_problem: str = ""  # why the BM25 files cannot be used ("" = readable)
    bm25_stale: bool = False  # stamp differs from the registry version
    store_problem: str = ""  # registry or Chroma could not be read at all
    writer_busy: bool = False  # an ingest held the write lock throughout: results may be in flux

    @property
    def ok(self) -> bool:
        return not self.problems()

    def problems(self) -> list[str]:
        """One Dutch line per kind of inconsistency (empty when the index is consistent)."""
        found: list[str] = []
        if self.store_problem:
            found.append(self.store_problem)
        for items, what in (
            (self.duplicate_chunks, P.CHECK_DUPLICATE_CHUNKS_NL),
            (self.orphan_vectors, P.CHECK_ORPHAN_VECTORS_NL),
            (self.missing_vectors, P.CHECK_MISSING_VECTORS_NL),
            (self.mismatched_vectors, P.CHECK_MISMATCHED_VECTORS_NL),
            (self.leftover_docs, P.CHECK_LEFTOVER_DOCS_NL),
            (self.bm25_missing, P.CHECK_BM25_MISSING_NL),
            (self.bm25_extra, P.CHECK_BM25_EXTRA_NL),
        ):
            if items:
                examples = ", ".join(items[:_EXAMPLES])
                found.append(P.CHECK_PROBLEM_NL.format(count=len(items), what=what, examples=examples))
        if self.bm25_problem:
            found.append(P.CHECK_BM25_UNUSABLE_NL.format(problem=self.bm25_problem))
        elif self.bm25_stale:
            found.append(P.CHECK_BM25_STALE_NL.format(bm25=self.bm25_version, registry=self.registry_version))
        return found

    def rows(self) -> list[tuple[str, str, str]]:
        """(check, count, verdict) for a table: verdict is "ok", "wacht" (pending) or "FOUT"."""

        def verdict(bad: bool) -> str:
            return "FOUT" if bad else "ok"

        if not self.registry_version:  # no registry read: nothing below was compared
            return [(P.CHECK_ROW_REGISTRY_NL, "-", "FOUT")]
        bm25_state = self.bm25_problem or (P.CHECK_STALE_NL if self.bm25_stale else P.CHECK_CURRENT_NL)
        return [
            (P.CHECK_ROW_ACTIVE_DOCS_NL, str(len(self.active_docs)), verdict(bool(self.store_problem))),
            (P.CHECK_ROW_REGISTRY_CHUNKS_NL, str(self.registry_chunks), "ok"),
            (P.CHECK_ROW_VECTORS_NL, str(self.vectors), "ok"),
            (P.CHECK_ROW_BM25_CHUNKS_NL, str(self.bm25_chunks), "ok"),
            (
                P.CHECK_ROW_PENDING_NL,
                f"{len(self.pending_docs)} / {len(self.pending_vectors)}",
                "wacht" if self.pending_docs else "ok",
            ),
            (P.CHECK_DUPLICATE_CHUNKS_NL, str(len(self.duplicate_chunks)), verdict(bool(self.duplicate_chunks))),
            (P.CHECK_ROW_ORPHAN_VECTORS_NL, str(len(self.orphan_vectors)), verdict(bool(self.orphan_vectors))),
            (P.CHECK_ROW_MISSING_VECTORS_NL, str(len(self.missing_vectors)), verdict(bool(self.missing_vectors))),
            (
                P.CHECK_ROW_MISMATCHED_VECTORS_NL,
                str(len(self.mismatched_vectors)),
                verdict(bool(self.mismatched_vectors)),
            ),
            (P.CHECK_ROW_LEFTOVER_DOCS_NL, str(len(self.leftover_docs)), verdict(bool(self.leftover_docs))),
            (
                P.CHECK_ROW_BM25_IDS_NL,
                f"{len(self.bm25_missing)} / {len(self.bm25_extra)}",
                verdict(bool(self.bm25_missing or self.bm25_extra)),
            ),
            (P.CHECK_ROW_BM25_STAMP_NL, bm25_state, verdict(bool(self.bm25_problem or self.bm25_stale))),
        ]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok, "problems": self.problems()}


def check_index(
    settings: Settings, model_name: str | None = None, wait_for_writer_s: float = 30.0
) -> ConsistencyReport:
    """Compare registry, Chroma and BM25 of ``settings.data_dir``; never writes to the index.

    ``model_name``: the embedder's name (names the Chroma collection and the "embedded" state);
    default: the configured model. While an ingest holds the write lock the check waits up to
    ``wait_for_writer_s`` for a quiet moment, then checks anyway and says so (``writer_busy``).
    """
    report = ConsistencyReport(data_dir=str(settings.data_dir))
    if not settings.registry_path.exists():
        report.store_problem = P.CHECK_NO_REGISTRY_NL.format(data_dir=settings.data_dir)
        return report
    if model_name is None:
        from ingest.store.embedder import make_embedder  # loads the model lazily; only its name is used

        model_name = make_embedder(settings.index.embed_model).model_name
    report.collection = collection_name(settings.index.chroma_collection, model_name)
    with _quiet_moment(settings, wait_for_writer_s) as busy:
        report.writer_busy = busy
        _check(settings, model_name, report)
    return report


@contextmanager
def _quiet_moment(settings: Settings, wait_s: float) -> Iterator[bool]:
    """Hold the data dir's write lock while checking (yields False), so no ingest changes the
    stores half-way; yields True if it stayed busy for ``wait_s`` (or cannot be taken, e.g.
    on a read-only data dir, where nobody can be writing anyway: then False)."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with try_held(lock_path(settings.data_dir)) as taken:
                if taken:
                    yield False
                    return
        except OSError:
            yield False
            return
        if time.monotonic() >= deadline:
            yield True
            return
        time.sleep(0.2)


def _check(settings: Settings, model_name: str, report: ConsistencyReport) -> None:
    try:
        registry = Registry(settings.registry_path)
        try:
            with registry.read_snapshot() as snap:  # one committed registry state, never a mix
                report.registry_version = snap.version()
                docs = snap.documents(status=None)
                chunks = list(snap.chunks())
        finally:
            registry.close()
    except sqlite3.Error as exc:
        report.store_problem = P.CHECK_REGISTRY_UNREADABLE_NL.format(path=settings.registry_path, problem=exc)
        return
    active = [d for d in docs if d.status == "active"]
    report.active_docs = [d.doc_id for d in active]
    report.leftover_docs = [f"{d.doc_id} ({d.status})" for d in docs if d.status != "active"]
    report.pending_docs = [d.doc_id for d in active if not d.is_embedded(model_name)]
    report.registry_chunks = len(chunks)

    # Registry: a chunk id is its primary key, so a repeat can only be the same passage twice
    # at another span (e.g. a chunker that ran twice): same document, page and text.
    seen = Counter((c.doc_id, c.page, c.text) for c in chunks)
    report.duplicate_chunks = [
        f"register {c.doc_id} p.{c.page}: {c.chunk_id}" for c in chunks if seen[(c.doc_id, c.page, c.text)] > 1
    ]

    by_id = {c.chunk_id: c for c in chunks}
    stored, problem = _stored_vectors(settings, report.collection)
    if problem:
        report.store_problem = problem
    report.vectors = len(stored)
    counts = Counter(v.chunk_id for v in stored)
    report.duplicate_chunks += [f"chroma: {cid}" for cid, n in counts.items() if n > 1]
    pending = set(report.pending_docs)
    in_chroma = set(counts)
    for v in stored:
        chunk = by_id.get(v.chunk_id)
        if chunk is None:
            report.orphan_vectors.append(v.chunk_id)
        elif v.doc_id != chunk.doc_id or v.text != chunk.text:
            report.mismatched_vectors.append(v.chunk_id)
    for c in chunks:
        if c.chunk_id not in in_chroma:
            (report.pending_vectors if c.doc_id in pending else report.missing_vectors).append(c.chunk_id)

    bm25, bm25_problem = Bm25Index.load_checked(settings.bm25_dir)
    if bm25 is None:
        if bm25_problem != MISSING or chunks:  # no BM25 beside an empty registry is a fresh data dir
            report.bm25_problem = f"{settings.bm25_dir}: {bm25_problem}"
        return
    report.bm25_chunks = len(bm25.chunk_ids)
    report.bm25_version = bm25.version
    report.bm25_stale = bm25.version != report.registry_version
    bm25_counts = Counter(bm25.chunk_ids)
    report.duplicate_chunks += [f"bm25: {cid}" for cid, n in bm25_counts.items() if n > 1]
    report.bm25_missing = [c.chunk_id for c in chunks if c.chunk_id not in bm25_counts]
    report.bm25_extra = [cid for cid in bm25_counts if cid not in by_id]


def _stored_vectors(settings: Settings, name: str) -> tuple[list[StoredVector], str]:
    """Every entry of the collection, or ([], why not). Opens nothing new: a missing embedded
    store or collection simply has no vectors."""
    if not settings.index.chroma_url and not settings.chroma_path.exists():
        return [], ""
    try:
        store = VectorStore(make_client(settings), name, create=False)
    except Exception as exc:  # chromadb raises its own NotFoundError for an absent collection
        if "does not exist" in str(exc) or "not found" in str(exc).lower():
            return [], ""
        return [], P.CHECK_CHROMA_UNREADABLE_NL.format(kind=type(exc).__name__, problem=exc)
    try:
        return list(store.entries()), ""
    except Exception as exc:  # e.g. a Chroma server that went away mid-check
        return [], P.CHECK_CHROMA_UNREADABLE_NL.format(kind=type(exc).__name__, problem=exc)
