"""The indexed documents: metadata, stored page text, and the PDF itself."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant import Assistant, FileJob, JobQueue, Settings, clean_name, is_public, precheck
from assistant.api.deps import AssistantDep, AuditDep, PrincipalDep, SettingsDep, require
from ingest.ops.access import FROM_ADMIN, change_access_of, parse_access
from ingest.store.registry import DocumentRecord
from prompts import api as P
from prompts.access import ACCESS_BAD_VALUE_NL
from prompts.api import INDEXING_LABELS_NL
from prompts.service import UNKNOWN_DOCUMENT_NL

log = logging.getLogger(__name__)
router = APIRouter(tags=["documenten"])
ADMIN = [require("admin")]
_CHUNK = 1 << 20


class DocumentOut(BaseModel):
    doc_id: str
    file: str
    title: str
    organisation: str = ""
    region: str = ""
    municipalities: list[str] = Field(default_factory=list)
    document_type: str = ""
    year: int | None = None
    page_count: int
    chunk_count: int
    status: str
    # Text goes live first (BM25, seconds after upload); vectors follow in the background.
    indexing: Literal["tekst", "semantisch"] = "semantisch"
    indexing_label: str = INDEXING_LABELS_NL["semantisch"]
    access: str = "public"
    aliases: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    pdf_url: str
    meta: dict[str, Any] = Field(default_factory=dict)


class PageOut(BaseModel):
    doc_id: str
    file: str
    title: str
    page: int
    page_count: int
    text: str
    pdf_url: str  # opens the PDF at this page


def _pdf_url(doc_id: str) -> str:
    return f"/documents/{doc_id}.pdf"


def _document_out(d: DocumentRecord, kb: Assistant) -> DocumentOut:
    meta = d.meta
    indexing = "semantisch" if kb.indexing_status(d.doc_id) == "semantisch" else "tekst"
    year = meta.get("year")
    return DocumentOut(
        doc_id=d.doc_id,
        file=d.file,
        title=d.title,
        organisation=str(meta.get("organisation") or ""),
        region=str(meta.get("region") or ""),
        municipalities=[str(m) for m in meta.get("municipalities") or []],
        document_type=str(meta.get("document_type") or ""),
        year=year if isinstance(year, int) else None,
        page_count=d.page_count,
        chunk_count=d.chunk_count,
        status=d.status,
        indexing=indexing,
        indexing_label=INDEXING_LABELS_NL[indexing],
        access="public" if is_public(meta) else str(meta.get("access") or "intern"),
        aliases=d.aliases,
        warnings=d.warnings,
        pdf_url=_pdf_url(d.doc_id),
        meta=meta,
    )


def _unknown(doc_id: str) -> HTTPException:
    return HTTPException(404, detail=UNKNOWN_DOCUMENT_NL.format(doc=doc_id))


@router.get("/api/documents", response_model=list[DocumentOut], summary="Geïndexeerde documenten")
def documents(kb: AssistantDep) -> list[DocumentOut]:
    docs = sorted(kb.documents(), key=lambda d: d.title.lower())
    return [_document_out(d, kb) for d in docs]


@router.get("/api/documents/{doc_id}", response_model=DocumentOut, summary="Eén document")
def document(doc_id: str, kb: AssistantDep) -> DocumentOut:
    doc = kb.document(doc_id)
    if doc is None:
        raise _unknown(doc_id)
    return _document_out(doc, kb)


# -- page images ----------------------------------------------------------------------------

PAGE_SCALE = 1.5  # 108 dpi: sharp enough to read in the source panel, small enough to send
# doc_id is a hash of the PDF's bytes, so an image under it never changes; private: the
# response depends on the caller's role, a shared cache must not keep it.
PAGE_IMAGE_CACHE = "private, max-age=31536000, immutable"
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one render at a time per process


def page_image_path(settings: Settings, doc_id: str, n: int) -> Path:
    return settings.data_dir / "page_images" / doc_id / f"{n}.png"


def render_page_png(pdf_path: Path, n: int, target: Path, scale: float = PAGE_SCALE) -> None:
    """Render page ``n`` (1-based) of ``pdf_path`` as PNG into ``target``, atomically (temp file, rename)."""
    import pypdfium2 as pdfium  # imported here: only this route needs PDFium

    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        with _PDFIUM:
            pdf = pdfium.PdfDocument(pdf_path)
            try:
                page = pdf[n - 1]
                try:
                    image = page.render(scale=scale).to_pil()
                finally:
                    page.close()
            finally:
                pdf.close()
        image.save(part, format="PNG", optimize=False)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)


@router.get(
    "/api/documents/{doc_id}/pages/{n}.png",
    response_class=FileResponse,
    summary="Een pagina als afbeelding (PNG), om het citaat op aan te wijzen",
    responses={200: {"content": {"image/png": {}}}},
)
def page_image(doc_id: str, n: int, kb: AssistantDep, settings: SettingsDep) -> FileResponse:
    # The caller's scope decides: a document outside it (a partner asking for an internal one)
    # is unknown here, exactly like its text and its PDF, and so is its cached image.
    doc = kb.document(doc_id)
    if doc is None:
        raise _unknown(doc_id)
    if not 1 <= n <= doc.page_count:
        raise HTTPException(404, detail=P.NO_SUCH_PAGE_NL.format(n=n, file=doc.file, page_count=doc.page_count))
    target = page_image_path(settings, doc.doc_id, n)
    if not target.is_file():
        path = stored_pdf(doc, settings.corpus_dir, settings.upload_dir)
        if path is None:
            raise HTTPException(404, detail=P.PDF_MISSING_NL.format(file=doc.file))
        try:
            render_page_png(path, n, target)
        except Exception as exc:
            log.exception("rendering page %s of %s failed", n, doc.file)
            raise HTTPException(500, detail=P.PAGE_IMAGE_FAILED_NL.format(n=n, file=doc.file)) from exc
    return FileResponse(target, media_type="image/png", headers={"Cache-Control": PAGE_IMAGE_CACHE})


@router.get("/api/documents/{doc_id}/pages/{n}", response_model=PageOut, summary="De opgeslagen tekst van een pagina")
def page(doc_id: str, n: int, kb: AssistantDep) -> PageOut:
    doc = kb.document(doc_id)
    if doc is None:
        raise _unknown(doc_id)
    text = kb.page_text(doc_id, n)
    if text is None:
        raise HTTPException(404, detail=P.NO_SUCH_PAGE_NL.format(n=n, file=doc.file, page_count=doc.page_count))
    return PageOut(
        doc_id=doc_id,
        file=doc.file,
        title=doc.title,
        page=n,
        page_count=doc.page_count,
        text=text,
        pdf_url=f"{_pdf_url(doc_id)}#page={n}",
    )


@lru_cache(maxsize=64)
def _sha256(path: Path, mtime_ns: int, size: int) -> str:
    # Keyed on mtime and size as well: a replaced file is hashed again.
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stored_pdf(doc: DocumentRecord, *roots: Path) -> Path | None:
    """The file with exactly the indexed bytes (its name or an alias) in the corpus or upload dir, or None.

    Names come from the registry, never from the request, and must stay inside their
    dir; the hash check keeps a changed-but-not-reindexed file from being served with
    citations that point at other pages.
    """
    for root in (r.resolve() for r in roots):
        for name in (doc.file, *doc.aliases):
            path = (root / name).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                continue
            stat = path.stat()
            if _sha256(path, stat.st_mtime_ns, stat.st_size) == doc.sha256:
                return path
    return None


@router.get("/documents/{doc_id}.pdf", response_class=FileResponse, summary="Het PDF-bestand")
def pdf(doc_id: str, kb: AssistantDep, settings: SettingsDep) -> FileResponse:
    doc = kb.document(doc_id)
    if doc is None:
        raise _unknown(doc_id)
    path = stored_pdf(doc, settings.corpus_dir, settings.upload_dir)
    if path is None:
        raise HTTPException(404, detail=P.PDF_MISSING_NL.format(file=doc.file))
    # inline: the browser's viewer opens it, and honours #page=N.
    return FileResponse(path, media_type="application/pdf", filename=doc.file, content_disposition_type="inline")


# -- management (admin) -------------------------------------------------------------------


class MeOut(BaseModel):
    role: str
    token_id: str


@router.get("/api/me", response_model=MeOut, summary="Wie ben ik (rol); de UI toont beheer alleen aan admins")
def me(who: PrincipalDep) -> MeOut:
    return MeOut(role=who.role, token_id=who.token_id)


class JobOut(BaseModel):
    id: str
    kind: str
    status: str
    target: str = ""
    detail: str = ""
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None
    files: list[dict[str, Any]] = Field(default_factory=list)
    progress: dict[str, int] = Field(default_factory=dict)
    url: str


def _job_out(data: dict[str, Any]) -> JobOut:
    return JobOut(**{k: v for k, v in data.items() if k in JobOut.model_fields}, url=f"/api/jobs/{data['id']}")


def _jobs(request: Request) -> JobQueue:
    jobs: JobQueue = request.app.state.jobs
    return jobs


async def _store(upload: UploadFile, settings: Settings) -> tuple[FileJob, Path | None]:
    """Stream one uploaded file to <upload_dir>/<sha256>.pdf, bounded by the size limit.

    The client's name is only displayed (cleaned); magic bytes decide whether it is a PDF.
    """
    job = FileJob(name=clean_name(upload.filename or ""))
    limit = settings.service.max_upload_bytes
    incoming = settings.upload_dir / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    part = incoming / f"{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    head = b""
    size = 0
    try:
        with part.open("wb") as fh:
            while block := await upload.read(_CHUNK):
                size += len(block)
                if size > limit:
                    break  # no more bytes than the limit ever reach the disk
                if len(head) < 1024:
                    head += block[: 1024 - len(head)]
                digest.update(block)
                fh.write(block)
        job.size = size
        rejected = precheck(head, size, limit)
        if rejected is not None:
            job.status, job.message, job.reason = rejected.status, rejected.message, rejected.reason
            return job, None
        job.sha256 = digest.hexdigest()
        stored = settings.upload_dir / f"{job.sha256}.pdf"
        os.replace(part, stored)
        return job, stored
    finally:
        part.unlink(missing_ok=True)


@router.post(
    "/api/documents",
    response_model=JobOut,
    status_code=202,
    dependencies=ADMIN,
    summary="PDF's uploaden (beheer); de ingest loopt op de achtergrond",
)
async def upload(
    request: Request,
    who: PrincipalDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File(description="Een of meer PDF's")],
    access: Annotated[Literal["public", "intern"], Form(description="Toegang: public of intern")] = "intern",
    title: Annotated[str, Form(max_length=300)] = "",
    organisation: Annotated[str, Form(max_length=300)] = "",
    region: Annotated[str, Form(max_length=300)] = "",
    municipalities: Annotated[str, Form(max_length=1000, description="Komma-gescheiden")] = "",
    document_type: Annotated[str, Form(max_length=100)] = "",
    year: Annotated[int | None, Form(ge=1900, le=2100)] = None,
) -> JobOut:
    if len(files) > settings.service.max_upload_files:
        raise HTTPException(413, detail=P.TOO_MANY_FILES_NL.format(max_files=settings.service.max_upload_files))
    meta: dict[str, Any] = {"access": access}
    for key, value in (
        ("title", title),
        ("organisation", organisation),
        ("region", region),
        ("document_type", document_type),
    ):
        if value.strip():
            meta[key] = value.strip()
    if municipalities.strip():
        meta["municipalities"] = [m.strip() for m in municipalities.split(",") if m.strip()]
    if year is not None:
        meta["year"] = year
    if len(files) > 1:
        meta.pop("title", None)  # one title for several files would make them look alike
    jobs: list[FileJob] = []
    stored: dict[int, Path] = {}
    for i, f in enumerate(files):
        job, path = await _store(f, settings)
        jobs.append(job)
        if path is not None:
            stored[i] = path
    return _job_out(_jobs(request).upload(who, jobs, stored, meta).snapshot())


@router.delete(
    "/api/documents/{doc_id}",
    response_model=JobOut,
    status_code=202,
    dependencies=ADMIN,
    summary="Document verwijderen",
)
def delete_document(doc_id: str, request: Request, who: PrincipalDep, kb: AssistantDep) -> JobOut:
    if kb.document(doc_id) is None:  # admin only: the admin's assistant sees every document
        raise _unknown(doc_id)
    return _job_out(_jobs(request).delete(who, doc_id).snapshot())


class AccessIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # only the access level can be changed here

    access: str = Field(description="Toegang: public (ook partners) of intern (alleen beheer en medewerkers)")


@router.patch(
    "/api/documents/{doc_id}",
    response_model=DocumentOut,
    dependencies=ADMIN,
    summary="Toegang van een document wijzigen (public of intern), zonder opnieuw te indexeren",
)
def change_access(
    doc_id: str, body: AccessIn, who: PrincipalDep, kb: AssistantDep, settings: SettingsDep, audit: AuditDep
) -> DocumentOut:
    # The registry's metadata changes and its version moves on: every worker (each polls the
    # registry) serves the new level from its next index version; vectors and chunks stay.
    level = parse_access(body.access)
    if level is None:
        raise HTTPException(422, detail=ACCESS_BAD_VALUE_NL.format(value=body.access))
    changed = change_access_of(settings, doc_id, level, FROM_ADMIN, chroma=kb.index.store.client, by_id=True)
    if changed is None:
        raise _unknown(doc_id)
    change, updated = changed
    if change.changed:
        audit.record(who.token_id, who.role, "access", doc_id, file=updated.file, old=change.old, new=change.new)
    kb.refresh()  # this worker at once; the others on their next poll
    return _document_out(updated, kb)


class ReindexIn(BaseModel):
    access: Literal["public", "intern"] | None = None


@router.post(
    "/api/documents/{doc_id}/reindex",
    response_model=JobOut,
    status_code=202,
    dependencies=ADMIN,
    summary="Document opnieuw indexeren (records, vectoren; optioneel een nieuw toegangsniveau)",
)
def reindex_document(
    doc_id: str, request: Request, who: PrincipalDep, kb: AssistantDep, body: ReindexIn | None = None
) -> JobOut:
    if kb.document(doc_id) is None:
        raise _unknown(doc_id)
    update: dict[str, Any] = {"access": body.access} if body and body.access else {}
    return _job_out(_jobs(request).reindex(who, doc_id, update).snapshot())


@router.get("/api/jobs/{job_id}", response_model=JobOut, dependencies=ADMIN, summary="Voortgang van een taak")
def job(job_id: str, request: Request) -> JobOut:
    found = _jobs(request).find(job_id)
    if found is None:
        raise HTTPException(404, detail=P.UNKNOWN_JOB_NL.format(job_id=job_id))
    return _job_out(found)


@router.get("/api/jobs", response_model=list[JobOut], dependencies=ADMIN, summary="Recente taken")
def jobs(request: Request) -> list[JobOut]:
    return [_job_out(j) for j in _jobs(request).recent()]
