"""Ingest a batch of PDFs: read → chunk → stage → swap in → BM25, then embed.

Text goes live first: a document is searchable by BM25 as soon as its registry swap and
the BM25 save are done (seconds); its vectors follow (``embed_pending``, the slow step),
in the same run or in the service's background worker. A crash at any moment leaves a
state the next run completes: staged versions are purged, finished embedding batches
stay in the cache, and vectors are upserted under the chunks' stable ids.

Identity is the content hash. Same bytes again is a no-op (another name becomes
an alias); a changed file under a known name replaces its old version atomically.
Every file gets an outcome; one bad file never stops the batch.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.models import ALIAS, INGESTED, REJECTED, REPLACED, UNCHANGED, Chunk
from ingest.ops.access import FROM_ADMIN, FROM_DEFAULT, FROM_MANIFEST, FROM_UPLOAD, access_of, is_explicit, set_access
from ingest.ops.manifest import Manifest, Manifests, access_note, metadata_from
from ingest.read.blocks import link_tables
from ingest.read.chunking import chunk_document
from ingest.read.pages import rebuild_layout
from ingest.read.pdf import PdfRejected, read_pdf
from ingest.records import ReadDocument, extract_records
from ingest.settings import Settings
from ingest.store.bm25 import Bm25Index
from ingest.store.checks import describe_storage_error
from ingest.store.consistency import ConsistencyReport
from ingest.store.embedder import make_embedder
from ingest.store.embedding_cache import EmbeddingCache
from ingest.store.registry import DocumentRecord, Registry
from ingest.store.vectors import VectorStore, collection_name, make_client
from ingest.store.write_lock import held, lock_path
from prompts import ingest as P
from prompts.access import ACCESS_KEPT_NL, ACCESS_REASON_MANIFEST_NL, ACCESS_REASON_NO_ENTRY_NL, ACCESS_UPDATED_NL

log = logging.getLogger(__name__)

# Outcome statuses (stable codes; messages are Dutch for the people reading them).
# Bump when a record kind (ingest/records/) changes: unchanged files then get their records redone
# from the stored pages and word boxes on the next ingest (no PDF read, no embeddings).
STRUCTURE_VERSION = 8
# Bump when the reader (ingest/read/) builds other page texts: unchanged files are then read again
# from their PDF, chunked anew and re-embedded where their text changed (cache hits elsewhere).
READER_VERSION = 1


@dataclass
class FileOutcome:
    file: str
    status: str
    message: str
    reason: str = ""  # rejection code: empty, not_pdf, corrupt, encrypted, ocr_needed, error
    doc_id: str = ""
    pages: int = 0
    chunks: int = 0
    embedded: int = 0  # embeddings computed (not from cache)
    seconds: float = 0.0
    access: str = ""  # the document's access level (public / intern); '' for a rejected file

    @property
    def ok(self) -> bool:
        return self.status != REJECTED


class Progress(Protocol):
    def file_started(self, name: str) -> None: ...
    def pages_read(self, done: int, total: int) -> None: ...
    def embedded(self, done: int, total: int) -> None: ...
    def file_done(self, outcome: FileOutcome) -> None: ...


class _Silent:
    def file_started(self, name: str) -> None: ...
    def pages_read(self, done: int, total: int) -> None: ...
    def embedded(self, done: int, total: int) -> None: ...
    def file_done(self, outcome: FileOutcome) -> None: ...


def _outcome_for(name: str, status: str, message: str, doc: DocumentRecord) -> FileOutcome:
    """The outcome of a file that resolved to an already indexed document."""
    return FileOutcome(
        name,
        status,
        message,
        doc_id=doc.doc_id,
        pages=doc.page_count,
        chunks=doc.chunk_count,
        access=access_of(doc.meta),
    )


def discover_pdfs(paths: Iterable[Path]) -> list[Path]:
    """Files as given (their bytes decide if they are PDFs); folders → their *.pdf files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"))
        else:
            found.append(path)
    return found


def embed_text(chunk: Chunk) -> str:
    # Section path gives the passage its context; the document title is left out so
    # the same passage in two documents shares one cached vector.
    return (
        f"{chunk.section}\n{chunk.search_text.split(chr(10), 1)[-1]}"
        if chunk.section
        else chunk.search_text.split("\n", 1)[-1]
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _current_reader(doc: DocumentRecord) -> bool:
    return bool(doc.meta.get("reader_version") == READER_VERSION)


class Ingestor:
    def __init__(
        self, settings: Settings, embedder: BaseEmbedding | None = None, progress: Progress | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(
            settings.index.embed_model,
            0 if settings.index.embed_threads is None else settings.index.embed_threads,
            settings.index.embed_runtime,
        )
        self.progress: Progress = progress or _Silent()
        self.registry = Registry(settings.registry_path)
        self.cache = EmbeddingCache(settings.embed_cache_path)
        self.store = VectorStore(
            make_client(settings), collection_name(settings.index.chroma_collection, self.embedder.model_name)
        )
        self.manifest = Manifest.load(settings.manifest_path)
        # Each PDF's own folder's manifest.json first, the corpus manifest as fallback.
        self.manifests = Manifests(self.manifest)
        self._lock_depth = 0

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the data dir's write lock (re-entrant within this ingestor, which one thread uses)."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        with held(lock_path(self.settings.data_dir)):
            self._lock_depth = 1
            try:
                yield
            finally:
                self._lock_depth = 0

    # -- public ---------------------------------------------------------------------
    def ingest_paths(self, paths: Iterable[Path], embed: bool = True) -> list[FileOutcome]:
        """Text phase for every file, one BM25 save, then (``embed``) the vectors of every
        document still waiting for them — also ones an earlier, interrupted run left. A folder's
        manifest.json that cannot be read raises ``ManifestError`` before anything is changed."""
        files = discover_pdfs(paths)
        self.manifests.check(files)
        with self.writing():
            self.reconcile()
            outcomes = [self.ingest_file(p) for p in files]
            self.rebuild_bm25()
        if embed:
            computed = self.embed_pending()
            for o in outcomes:
                o.embedded = computed.pop(o.doc_id, 0)  # pop: an alias row does not count its target again
        return outcomes

    def reconcile(self) -> int:
        """Remove what a crash or replacement left behind; returns how many docs were purged."""
        with self.writing():
            stale = set(self.registry.stale_doc_ids())
            live = {d.doc_id for d in self.registry.documents()}
            stale |= self.store.doc_ids() - live
            for doc_id in stale:
                self._purge(doc_id)
        if stale:
            log.warning("reconciled %d stale document version(s)", len(stale))
        return len(stale)

    def repair(self, report: ConsistencyReport) -> list[str]:
        """Fix what ``check_index`` found that a rerun would not: vectors without a live chunk are
        deleted; documents with missing or mismatched vectors are embedded again (cache hits:
        only the upsert is redone); leftover versions purged; BM25 rebuilt. Returns what was done
        (Dutch). Duplicate chunks in the registry need the file ingested again and are left."""
        done: list[str] = []
        with self.writing():
            if report.leftover_docs and (purged := self.reconcile()):
                done.append(P.REPAIR_PURGED_NL.format(n=purged))
            if report.orphan_vectors:
                self.store.delete_ids(report.orphan_vectors)
                done.append(P.REPAIR_ORPHANS_NL.format(n=len(report.orphan_vectors)))
            damaged = self.registry.docs_of_chunks([*report.missing_vectors, *report.mismatched_vectors])
            if damaged:
                self.registry.forget_vectors(damaged)
            if report.bm25_problem or report.bm25_stale or report.bm25_missing or report.bm25_extra:
                self.rebuild_bm25()
                done.append(P.REPAIR_BM25_NL)
        if damaged:
            self.embed_pending()
            done.append(P.REPAIR_REEMBEDDED_NL.format(n=len(damaged)))
        return done

    def rebuild_bm25(self) -> Bm25Index:
        with self.writing():
            index = Bm25Index.from_tokens(list(self.registry.chunk_tokens()), self.registry.version())
            index.save(self.settings.bm25_dir)
        return index

    def embed_pending(self, should_stop: Callable[[], bool] | None = None) -> dict[str, int]:
        """Store the vectors of every active document that lacks them (oldest first); returns
        doc_id → embeddings computed (cache misses). ``should_stop`` is asked between documents."""
        computed: dict[str, int] = {}
        for doc in self.registry.waiting_for_vectors(self.embedder.model_name):
            if should_stop is not None and should_stop():
                break
            computed[doc.doc_id] = self.embed_document(doc, should_stop)
        return computed

    def _vectors(
        self, chunks: list[Chunk], should_stop: Callable[[], bool] | None = None
    ) -> tuple[list[list[float]], int]:
        """The chunks' vectors (cache first) and how many were computed."""
        return self.cache.embed(
            self.embedder.model_name,
            [embed_text(c) for c in chunks],
            self.embedder.get_text_embedding_batch,
            self.settings.index.embed_batch_size,
            self.progress.embedded,
            should_stop,
        )

    def embed_document(self, doc: DocumentRecord, should_stop: Callable[[], bool] | None = None) -> int:
        """Vectors for one document. The embedding itself (slow) runs without the write lock;
        the upsert and the "embedded" mark are one locked step that first checks the document
        is still live, so a document deleted or replaced meanwhile never gets orphan vectors."""
        self.progress.file_started(doc.file)
        chunks = list(self.registry.chunks([doc.doc_id]))
        # should_stop raises EmbeddingStopped: the document stays waiting, finished batches cached.
        vectors, computed = self._vectors(chunks, should_stop)
        with self.writing():
            current = self.registry.get(doc.doc_id)
            if current is None or current.status != "active":
                return computed  # gone meanwhile: its vectors are not written (the cache keeps them)
            self.store.upsert(chunks, vectors, [self._chroma_meta(c, current.file, current.meta) for c in chunks])
            self.registry.mark_embedded(doc.doc_id, self.embedder.model_name)
        log.info("%s: %d vectors stored (%d computed)", doc.file, len(chunks), computed)
        return computed

    def ingest_file(self, path: Path, meta: dict[str, Any] | None = None) -> FileOutcome:
        """``meta``: metadata given with the file (an upload's access level, title …); it wins over the manifest."""
        started = time.perf_counter()
        self.progress.file_started(path.name)
        try:
            with self.writing():
                outcome = self._ingest(path, meta or {})
        except PdfRejected as exc:
            outcome = FileOutcome(path.name, REJECTED, exc.message, reason=exc.reason)
        except OSError as exc:
            # A full or read-only data dir is the index's problem, not the file's: say which and how to fix it.
            unreadable = P.FILE_UNREADABLE_NL.format(problem=exc.strerror)
            message = describe_storage_error(exc, self.settings.data_dir) or unreadable
            outcome = FileOutcome(path.name, REJECTED, message, reason="unreadable")
        except Exception as exc:  # the batch goes on; the log keeps the trace
            log.exception("ingest of %s failed", path)
            unexpected = P.UNEXPECTED_ERROR_NL.format(kind=type(exc).__name__, problem=exc)
            message = describe_storage_error(exc, self.settings.data_dir) or unexpected
            outcome = FileOutcome(path.name, REJECTED, message, reason="error")
        outcome.seconds = time.perf_counter() - started
        log.info("%s: %s %s", path.name, outcome.status, outcome.message)
        self.progress.file_done(outcome)
        return outcome

    # -- steps ----------------------------------------------------------------------
    def _ingest(self, path: Path, given: dict[str, Any]) -> FileOutcome:
        name = path.name
        if path.stat().st_size == 0:
            raise PdfRejected("empty", P.PDF_EMPTY_NL)
        sha = _sha256(path)
        same_bytes = self.registry.find_active(sha256=sha)
        reread = same_bytes is not None and same_bytes.file == name and not _current_reader(same_bytes)
        if same_bytes is not None and not reread:
            return self._known_bytes(path, sha, same_bytes)
        aliased = self.registry.alias_of(name, sha256=sha)
        if aliased is not None and (doc := self.registry.get(aliased)) is not None and doc.status == "active":
            # Seen before with these exact bytes and linked by text: nothing to redo.
            return _outcome_for(name, UNCHANGED, P.ALREADY_ALIAS_NL.format(file=doc.file), doc)

        extracted = read_pdf(
            path,
            password=self.settings.index.pdf_password,
            max_pages=self.settings.index.max_pages,
            min_chars_per_page=self.settings.index.min_chars_per_page,
            on_page=self.progress.pages_read,
            ocr=self.settings.index.ocr,
            ocr_min_confidence=self.settings.index.ocr_min_confidence,
        )
        text_sha = hashlib.sha256("\f".join(extracted.pages).encode()).hexdigest()
        same_text = self.registry.find_active(text_sha256=text_sha)
        if same_text is not None and same_text.file != name:
            retired = self._retire_own_version(name, same_text.doc_id)
            self.registry.add_alias(name, same_text.doc_id, P.ALIAS_NOTE_SAME_TEXT_NL.format(file=same_text.file), sha)
            opened = "".join(f"; {w}" for w in extracted.warnings)
            message = P.SAME_TEXT_ALIAS_NL.format(file=same_text.file) + opened + retired
            return _outcome_for(name, ALIAS, message, same_text)

        doc_id = sha[:16]
        entry, manifest_path = self.manifests.lookup(path, sha)
        meta = {**metadata_from(entry, name), **given}
        access_message = ""
        if "access" in given:  # chosen with the file (an upload): only "public" is public
            meta["access"], meta["access_source"] = access_of(given), given.get("access_source", FROM_UPLOAD)
        else:
            access_message = access_note(entry, manifest_path)
        if extracted.encrypted:
            meta["encrypted"] = True
        chunks = chunk_document(
            doc_id,
            meta["title"],
            extracted.pages,
            self.settings.index.chunk_max_words,
            self.settings.index.chunk_overlap_sentences,
        )
        # An OCR'd page below the confidence floor is stored (and shown) but never answers.
        chunks = [c for c in chunks if c.page not in extracted.unreliable_pages]
        records, structure_warnings = extract_records(
            ReadDocument(name, meta["title"], extracted.pages, extracted.layouts)
        )
        extracted.warnings += structure_warnings
        meta["structure_version"] = STRUCTURE_VERSION
        meta["reader_version"] = READER_VERSION
        meta["ocr_pages"] = [lay.page for lay in extracted.layouts if lay.ocr]
        meta["unreliable_pages"] = extracted.unreliable_pages
        if reread:
            # Same file read by a newer reader: its chunk ids may change, so its old vectors go first.
            self.store.delete_doc(doc_id)
        self.registry.stage(
            doc_id=doc_id,
            file=name,
            sha256=sha,
            text_sha256=text_sha,
            title=meta["title"],
            meta=meta,
            pages=extracted.pages,
            chunks=chunks,
            warnings=extracted.warnings,
            records=records,
            layouts=[lay.to_json() for lay in extracted.layouts],
        )
        # Live for BM25 now (after the caller's BM25 save); vectors follow in ``embed_pending``.
        superseded = self.registry.activate(doc_id, name)
        for old in superseded:
            self._purge(old)
        status = REPLACED if superseded or reread else INGESTED
        message = P.INGESTED_NL
        if superseded or reread:
            message = P.REPLACES_NL if superseded else P.REREAD_NL
        if extracted.warnings:
            message += "; " + "; ".join(extracted.warnings)
        if access_message:
            message += "; " + access_message
        return FileOutcome(
            name,
            status,
            message,
            doc_id=doc_id,
            pages=len(extracted.pages),
            chunks=len(chunks),
            access=access_of(meta),
        )

    def _known_bytes(self, path: Path, sha: str, doc: DocumentRecord) -> FileOutcome:
        name = path.name
        if doc.file == name:
            doc, access_message = self._sync_access(path, sha, doc)
            if doc.meta.get("structure_version") != STRUCTURE_VERSION:
                outcome = self._refresh_structure(doc)
            else:
                outcome = _outcome_for(name, UNCHANGED, P.UNCHANGED_NL, doc)
            if access_message:
                outcome.message += "; " + access_message
            return outcome
        retired = self._retire_own_version(name, doc.doc_id)
        if not retired and self.registry.alias_of(name) == doc.doc_id:
            return _outcome_for(name, UNCHANGED, P.ALREADY_ALIAS_NL.format(file=doc.file), doc)
        self.registry.add_alias(name, doc.doc_id, P.ALIAS_NOTE_IDENTICAL_NL.format(file=doc.file), sha)
        return _outcome_for(name, ALIAS, P.DUPLICATE_ALIAS_NL.format(file=doc.file) + retired, doc)

    def _sync_access(self, path: Path, sha: str, doc: DocumentRecord) -> tuple[DocumentRecord, str]:
        """The same file ingested again: its manifest's access applies again (metadata only, no
        re-embedding), unless the level was chosen explicitly (upload, `woonzorg access`, admin API).
        Returns the (updated) document and a note for the outcome ('' if nothing changed)."""
        entry, manifest_path = self.manifests.lookup(path, sha)
        wanted = metadata_from(entry, path.name)
        current = access_of(doc.meta)
        if is_explicit(doc.meta):
            if wanted["access"] == current:
                return doc, ""
            return doc, ACCESS_KEPT_NL.format(access=current, manifest=wanted["access"])
        source = FROM_MANIFEST if wanted["access_source"] == FROM_MANIFEST else FROM_DEFAULT
        if wanted["access"] == current and doc.meta.get("access_source") == source:
            return doc, ""
        change = set_access(
            self.registry, self.settings, doc, wanted["access"], source, chroma=self.store.client, save_bm25=False
        )
        doc = self.registry.get(doc.doc_id) or doc
        if not change.changed:
            return doc, ""
        reason = (
            ACCESS_REASON_MANIFEST_NL.format(manifest=manifest_path)
            if source == FROM_MANIFEST and manifest_path is not None
            else ACCESS_REASON_NO_ENTRY_NL
        )
        return doc, ACCESS_UPDATED_NL.format(old=change.old, new=change.new, reason=reason)

    def _refresh_structure(self, doc: DocumentRecord) -> FileOutcome:
        """Same file, newer extractors: redo the records from the stored pages (no PDF read, no
        embeddings), swapped in one transaction."""
        records, warnings = extract_records(self._stored_document(doc))
        self.registry.replace_records(
            doc.doc_id, records, warnings, {**doc.meta, "structure_version": STRUCTURE_VERSION}
        )
        counts = ", ".join(f"{len(v)} {k}" for k, v in records.items() if v)
        return _outcome_for(doc.file, UNCHANGED, P.STRUCTURE_REFRESHED_NL.format(counts=counts or P.NO_RECORDS_NL), doc)

    def _stored_document(self, doc: DocumentRecord) -> ReadDocument:
        """The document as stored: page texts, and blocks rebuilt from the stored word boxes."""
        pages = self.registry.page_texts(doc.doc_id)
        stored = self.registry.page_layouts(doc.doc_id)
        layouts = [rebuild_layout(s, t) if s is not None else None for s, t in zip(stored, pages, strict=True)]
        complete = [lay for lay in layouts if lay is not None]
        if len(complete) != len(pages):
            return ReadDocument(doc.file, doc.title, pages, None)
        link_tables(complete)  # as the reader does: a table that runs on keeps its header
        return ReadDocument(doc.file, doc.title, pages, complete)

    def _retire_own_version(self, name: str, doc_id: str) -> str:
        """``name`` now holds the content of ``doc_id`` (another file): drop ``name``'s own old version.

        Without this the old text would stay live under ``name`` beside the new alias.
        """
        own = self.registry.find_active(file=name)
        if own is None or own.doc_id == doc_id:
            return ""
        superseded = self.registry.activate(doc_id, name)  # one transaction: supersedes name's old version
        for old in superseded:
            self._purge(old)
        return "; " + P.REPLACES_NL

    def delete(self, doc_id: str) -> DocumentRecord | None:
        """Remove a document: gone from retrieval in one registry transaction, then its vectors
        (a crash in between leaves vectors that ``reconcile`` removes). Call ``rebuild_bm25`` after."""
        with self.writing():
            doc = self.registry.get(doc_id)
            if doc is None:
                return None
            self.registry.purge(doc_id)
            self.store.delete_doc(doc_id)
            self._forget_page_images(doc_id)
        return doc

    def _purge(self, doc_id: str) -> None:
        self.store.delete_doc(doc_id)
        self.registry.purge(doc_id)
        self._forget_page_images(doc_id)

    def _forget_page_images(self, doc_id: str) -> None:
        # The service caches rendered pages per document version; a version that is gone takes them along.
        shutil.rmtree(self.settings.data_dir / "page_images" / doc_id, ignore_errors=True)

    def reindex(self, doc_id: str, meta_update: dict[str, Any] | None = None) -> FileOutcome:
        """Redo a live document's records, vectors (and Chroma metadata) from its stored pages and
        chunks, with ``meta_update`` (e.g. a new access level) applied; the chunks stay. Vectors are
        upserted under the same ids before the registry swaps records and metadata in one transaction."""
        with self.writing():
            return self._reindex(doc_id, meta_update)

    def _reindex(self, doc_id: str, meta_update: dict[str, Any] | None) -> FileOutcome:
        started = time.perf_counter()
        doc = self.registry.get(doc_id)
        if doc is None or doc.status != "active":
            return FileOutcome(doc_id, REJECTED, P.UNKNOWN_DOCUMENT_OUTCOME_NL, reason="unknown")
        meta = {**doc.meta, **(meta_update or {}), "structure_version": STRUCTURE_VERSION}
        if meta_update and "access" in meta_update:  # an admin's choice: a re-ingest keeps it
            meta["access"], meta["access_source"] = access_of(meta_update), FROM_ADMIN
        records, warnings = extract_records(self._stored_document(doc))
        chunks = list(self.registry.chunks([doc_id]))
        vectors, computed = self._vectors(chunks)
        self.store.upsert(chunks, vectors, [self._chroma_meta(c, doc.file, meta) for c in chunks])
        self.registry.replace_records(doc_id, records, warnings, meta)
        self.registry.mark_embedded(doc_id, self.embedder.model_name)
        counts = ", ".join(f"{len(v)} {k}" for k, v in records.items() if v)
        return FileOutcome(
            doc.file,
            "reindexed",
            P.REINDEXED_NL.format(counts=counts or P.NO_RECORDS_NL),
            doc_id=doc_id,
            pages=doc.page_count,
            chunks=len(chunks),
            embedded=computed,
            seconds=time.perf_counter() - started,
        )

    @staticmethod
    def _chroma_meta(chunk: Chunk, file: str, meta: dict[str, Any]) -> dict[str, Any]:
        return {
            "doc_id": chunk.doc_id,
            "file": file,
            "page": chunk.page,
            "access": access_of(meta),
            "document_type": str(meta.get("document_type", "")),
            "year": int(meta.get("year") or 0),
        }

    def close(self) -> None:
        self.registry.close()
        self.cache.close()
