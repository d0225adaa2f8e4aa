"""The indexed documents: metadata, stored page text, and the PDF itself."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from assistant.api.deps import EngineDep, SettingsDep
from ingest.registry import DocumentRecord

router = APIRouter(tags=["documenten"])


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


def _document_out(d: DocumentRecord) -> DocumentOut:
    meta = d.meta
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
        aliases=d.aliases,
        warnings=d.warnings,
        pdf_url=_pdf_url(d.doc_id),
        meta=meta,
    )


def _unknown(doc_id: str) -> HTTPException:
    return HTTPException(404, detail=f"Onbekend document: {doc_id}.")


@router.get("/api/documents", response_model=list[DocumentOut], summary="Geïndexeerde documenten")
def documents(engine: EngineDep) -> list[DocumentOut]:
    return [_document_out(d) for d in sorted(engine.index.documents.values(), key=lambda d: d.title.lower())]


@router.get("/api/documents/{doc_id}", response_model=DocumentOut, summary="Eén document")
def document(doc_id: str, engine: EngineDep) -> DocumentOut:
    doc = engine.index.documents.get(doc_id)
    if doc is None:
        raise _unknown(doc_id)
    return _document_out(doc)


@router.get("/api/documents/{doc_id}/pages/{n}", response_model=PageOut, summary="De opgeslagen tekst van een pagina")
def page(doc_id: str, n: int, engine: EngineDep) -> PageOut:
    doc = engine.index.documents.get(doc_id)
    if doc is None:
        raise _unknown(doc_id)
    text = engine.index.page_text(doc_id, n) if 1 <= n <= doc.page_count else None
    if text is None:
        raise HTTPException(404, detail=f"Pagina {n} bestaat niet in {doc.file} ({doc.page_count} pagina's).")
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


def stored_pdf(doc: DocumentRecord, corpus_dir: Path) -> Path | None:
    """The corpus file with exactly the indexed bytes (its name or an alias), or None.

    Names come from the registry, never from the request, and must stay inside the
    corpus dir; the hash check keeps a changed-but-not-reindexed file from being
    served with citations that point at other pages.
    """
    root = corpus_dir.resolve()
    for name in (doc.file, *doc.aliases):
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            continue
        stat = path.stat()
        if _sha256(path, stat.st_mtime_ns, stat.st_size) == doc.sha256:
            return path
    return None


@router.get("/documents/{doc_id}.pdf", response_class=FileResponse, summary="Het PDF-bestand")
def pdf(doc_id: str, engine: EngineDep, settings: SettingsDep) -> FileResponse:
    doc = engine.index.documents.get(doc_id)
    if doc is None:
        raise _unknown(doc_id)
    path = stored_pdf(doc, settings.corpus_dir)
    if path is None:
        raise HTTPException(404, detail=f"Het PDF-bestand van {doc.file} staat niet (meer) in de corpusmap.")
    # inline: the browser's viewer opens it, and honours #page=N.
    return FileResponse(path, media_type="application/pdf", filename=doc.file, content_disposition_type="inline")
