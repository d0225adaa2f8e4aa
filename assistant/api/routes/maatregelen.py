"""Maatregelen from the action tables: who (trekker), when (tijdspad), with whom, how far."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from assistant.api.deps import AssistantDep
from prompts.service import UNKNOWN_DOCUMENT_NL

router = APIRouter(prefix="/api", tags=["maatregelen"])


class MaatregelOut(BaseModel):
    id: str
    actielijn: str
    doel_nr: int
    doel: str
    maatregel: str
    status: str
    tijdspad: str
    betrokken: list[str]
    trekker: str
    file: str
    doc_id: str
    title: str
    page: int
    quote: str
    uncertain: list[str] = Field(default_factory=list)
    # The row on its page: [x0, y0, x1, y1] fractions of the page, origin top-left ([] = no positions).
    boxes: list[list[float]] = Field(default_factory=list)


@router.get("/maatregelen", response_model=list[MaatregelOut], summary="Maatregelen, te filteren")
def maatregelen(
    kb: AssistantDep,
    trekker: str | None = Query(None, max_length=200, description="Deel van de naam van de trekker"),
    q: str | None = Query(None, max_length=200, description="Zoek in maatregel, doel en status"),
    doc: str | None = Query(None, description="Alleen dit document (doc_id)"),
) -> list[MaatregelOut]:
    if doc and kb.document(doc) is None:
        raise HTTPException(404, detail=UNKNOWN_DOCUMENT_NL.format(doc=doc))
    out = []
    for r in kb.measures(trekker=trekker, q=q, doc_id=doc):
        source = kb.document_of(r.file)
        out.append(
            MaatregelOut(**asdict(r), doc_id=source.doc_id if source else "", title=source.title if source else r.file)
        )
    return out
