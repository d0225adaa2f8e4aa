"""Background document jobs (upload, delete, re-index) for the API: one worker thread, one queue.

One worker serialises every write to the index (registry, Chroma, BM25), so two uploads never
race; requests keep reading the loaded index meanwhile and pick up the new version (registry
version changed) on their next call. Each file of an upload gets the CLI ingest's outcome
(the same ``Ingestor``); a rejected file never reaches the registry, so it leaves the index as
it was.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant.service.audit import AuditLog
from assistant.service.auth import Principal
from assistant.service.jobs import JobStore
from ingest.ops.pipeline import ALIAS, INGESTED, REJECTED, REPLACED, FileOutcome, Ingestor
from ingest.read.pdf import sniff_format
from ingest.settings import Settings
from prompts import service as P
from prompts.ingest import PDF_EMPTY_NL, PDF_NOT_PDF_NL, UPLOAD_TOO_LARGE_NL

log = logging.getLogger(__name__)

JobKind = Literal["upload", "delete", "reindex"]
JobStatus = Literal["queued", "running", "done", "failed"]
CHANGED = {INGESTED, REPLACED, ALIAS, "reindexed", "deleted"}
_KEEP_JOBS = 200


def clean_name(name: str) -> str:
    """A display name from a client's file name: no directories, no control characters, bounded."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = base.strip().lstrip(".") or "naamloos.pdf"
    return base[:200]


@dataclass
class FileJob:
    name: str  # the cleaned client name (display only; the stored file is <sha256>.pdf)
    size: int = 0
    sha256: str = ""
    status: str = "queued"  # queued | running | an ingest outcome (ingested, alias, rejected …)
    message: str = ""
    reason: str = ""
    doc_id: str = ""
    pages: int = 0
    chunks: int = 0
    pages_done: int = 0
    pages_total: int = 0
    embedded_done: int = 0
    embedded_total: int = 0
    seconds: float = 0.0

    def finish(self, outcome: FileOutcome) -> None:
        self.status, self.message, self.reason = outcome.status, outcome.message, outcome.reason
        self.doc_id, self.pages, self.chunks = outcome.doc_id, outcome.pages, outcome.chunks
        self.seconds = outcome.seconds


@dataclass
class Job:
    id: str
    kind: JobKind
    token_id: str
    role: str
    target: str = ""
    status: JobStatus = "queued"
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    files: list[FileJob] = field(default_factory=list)
    detail: str = ""

    def snapshot(self) -> dict[str, Any]:
        data = asdict(self)
        done = sum(f.status not in ("queued", "running") for f in self.files)
        data["progress"] = {"files_done": done, "files_total": len(self.files)}
        return data


@dataclass
class _Work:
    job: Job
    run: Callable[[Ingestor], bool]  # returns whether the index changed


class _JobProgress:
    """Ingest progress → the running file of a job (read by GET /api/jobs/{id})."""

    def __init__(self) -> None:
        self.current: FileJob | None = None

    def file_started(self, name: str) -> None: ...

    def pages_read(self, done: int, total: int) -> None:
        if self.current:
            self.current.pages_done, self.current.pages_total = done, total

    def embedded(self, done: int, total: int) -> None:
        if self.current:
            self.current.embedded_done, self.current.embedded_total = done, total

    def file_done(self, outcome: FileOutcome) -> None: ...


class JobQueue:
    def __init__(
        self,
        settings: Settings,
        embedder: BaseEmbedding,
        audit: AuditLog,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.on_change = on_change  # e.g. wake the embedding worker: new text is live, vectors follow
        self.embedder = embedder  # the service's loaded model: no second copy in memory
        self.audit = audit
        self.jobs: dict[str, Job] = {}
        # Snapshots for the other worker processes (and after this one is gone).
        self.store = JobStore(settings.data_dir / "jobs.sqlite")
        self._queue: queue.Queue[_Work | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._worker_ingestor: Ingestor | None = None
        self._progress = _JobProgress()
        settings.upload_dir.mkdir(parents=True, exist_ok=True)

    # -- submitting -------------------------------------------------------------------
    def _submit(self, job: Job, run: Callable[[Ingestor], bool]) -> Job:
        with self._lock:
            self.jobs[job.id] = job
            for old in list(self.jobs)[:-_KEEP_JOBS]:
                if self.jobs[old].finished_at is not None:
                    del self.jobs[old]
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="woonzorg-jobs", daemon=True)
                self._thread.start()
        self.store.save(job.snapshot())
        self._queue.put(_Work(job, run))
        return job

    def find(self, job_id: str) -> dict[str, Any] | None:
        """A job's snapshot: live if this process runs it, else as another worker last stored it."""
        with self._lock:
            job = self.jobs.get(job_id)
        return job.snapshot() if job is not None else self.store.get(job_id)

    def recent(self) -> list[dict[str, Any]]:
        """Newest first, across every worker process of this data dir."""
        with self._lock:
            live = {j.id: j.snapshot() for j in self.jobs.values()}
        stored = [live.pop(s["id"], s) for s in self.store.recent()]
        return sorted([*stored, *live.values()], key=lambda s: -float(s["created_at"]))

    def _new(self, kind: JobKind, who: Principal, target: str = "") -> Job:
        return Job(uuid.uuid4().hex, kind, who.token_id, who.role, target)

    def upload(self, who: Principal, files: list[FileJob], stored: dict[int, Path], meta: dict[str, Any]) -> Job:
        """``files``: every file of the request (already rejected ones carry their outcome);
        ``stored``: index in ``files`` → the stored <sha256>.pdf to ingest."""
        job = self._new("upload", who)
        job.files = files

        def run(ingestor: Ingestor) -> bool:
            changed = False
            for i, f in enumerate(files):
                path = stored.get(i)
                if path is None:
                    continue  # rejected before storing (empty, not a PDF, too large)
                f.status = "running"
                self._progress.current = f
                outcome = ingestor.ingest_file(path, {**meta, "title": meta.get("title") or _title(f.name)})
                outcome.file = f.name
                f.finish(outcome)
                self.store.save(job.snapshot())
                changed |= outcome.status in CHANGED
                self._discard_unused(ingestor, path)
                self.audit.record(
                    who.token_id, who.role, "upload", f.doc_id or f.name,
                    file=f.name, sha256=f.sha256, status=f.status, access=meta.get("access"),
                )
            return changed

        return self._submit(job, run)

    def delete(self, who: Principal, doc_id: str) -> Job:
        job = self._new("delete", who, doc_id)

        def run(ingestor: Ingestor) -> bool:
            doc = ingestor.delete(doc_id)
            if doc is None:
                job.detail = P.UNKNOWN_DOCUMENT_NL.format(doc=doc_id)
                return False
            uploaded = self.settings.upload_dir / doc.file
            if uploaded.is_file() and doc.file == f"{doc.sha256}.pdf":
                uploaded.unlink()  # only files this service stored; corpus files are left alone
            job.detail = P.DOCUMENT_DELETED_NL.format(title=doc.title)
            self.audit.record(who.token_id, who.role, "delete", doc_id, file=doc.file, title=doc.title)
            return True

        return self._submit(job, run)

    def reindex(self, who: Principal, doc_id: str, meta_update: dict[str, Any]) -> Job:
        job = self._new("reindex", who, doc_id)
        f = FileJob(name=doc_id)
        job.files = [f]

        def run(ingestor: Ingestor) -> bool:
            f.status = "running"
            self._progress.current = f
            outcome = ingestor.reindex(doc_id, meta_update)
            f.finish(outcome)
            job.detail = outcome.message
            self.audit.record(who.token_id, who.role, "reindex", doc_id, status=outcome.status, **meta_update)
            return outcome.status != REJECTED

        return self._submit(job, run)

    # -- the worker ---------------------------------------------------------------------
    def _ingestor(self) -> Ingestor:
        if self._worker_ingestor is None:
            self._worker_ingestor = Ingestor(self.settings, embedder=self.embedder, progress=self._progress)
        return self._worker_ingestor

    def _work(self) -> None:
        while True:
            work = self._queue.get()
            if work is None:
                return
            job = work.job
            job.status, job.started_at = "running", time.time()
            self.store.save(job.snapshot())
            try:
                ingestor = self._ingestor()
                # One lock for the change and its BM25 save: readers keep the previous version
                # until both are complete, and see the new one once the job reads "done".
                with ingestor.writing():
                    changed = work.run(ingestor)
                    if changed:
                        ingestor.rebuild_bm25()
                job.status = "done"
                if changed and self.on_change is not None:
                    self.on_change()
            except Exception as exc:
                log.exception("job %s failed", job.id)
                job.status = "failed"
                job.detail = P.JOB_FAILED_NL.format(kind=type(exc).__name__)
                try:
                    # A half-staged version must not linger (it is invisible, but takes space).
                    self._ingestor().reconcile()
                except Exception:
                    log.exception("reconcile after a failed job")
            finally:
                for f in job.files:
                    if f.status in ("queued", "running"):
                        f.status, f.message = REJECTED, f.message or P.JOB_ABORTED_FILE_NL
                job.finished_at = time.time()
                self._progress.current = None
                self.store.save(job.snapshot())

    def _discard_unused(self, ingestor: Ingestor, path: Path) -> None:
        """A stored upload that did not become a live document's file (rejected, alias …) is removed."""
        if ingestor.registry.find_active(file=path.name) is None:
            path.unlink(missing_ok=True)

    def stop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=30)
        if self._worker_ingestor is not None:
            self._worker_ingestor.close()
        self.store.close()


def _title(name: str) -> str:
    stem = Path(name).stem
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or name


def precheck(head: bytes, size: int, limit: int) -> FileOutcome | None:
    """The outcome of a file rejected before it is stored: too large, empty, or not a PDF by its
    magic bytes (the extension is never trusted). Messages as the CLI ingest gives them."""
    if size > limit:
        return FileOutcome("", REJECTED, UPLOAD_TOO_LARGE_NL.format(mb=limit // 1_000_000 or 1), reason="too_large")
    if size == 0:
        return FileOutcome("", REJECTED, PDF_EMPTY_NL, reason="empty")
    fmt = sniff_format(head)
    if fmt is not None:
        return FileOutcome("", REJECTED, PDF_NOT_PDF_NL.format(format=fmt), reason="not_pdf")
    return None
