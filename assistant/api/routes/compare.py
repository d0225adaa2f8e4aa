"""A topic side by side: one cited column per document."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query

from assistant import Comparison
from assistant.api.deps import AssistantDep
from prompts.api import NO_REGION_DOCUMENTS_NL
from prompts.service import UNKNOWN_DOCUMENT_NL

router = APIRouter(prefix="/api", tags=["vergelijken"])


@router.get("/compare", response_model=Comparison, summary="Vergelijk een onderwerp tussen documenten")
def compare_documents(
    kb: AssistantDep,
    topic: str = Query(..., min_length=2, max_length=500, description="Het onderwerp"),
    docs: list[str] | None = Query(None, description="doc_id's (herhaal de parameter); leeg = alle"),
    region: list[str] | None = Query(None, description="Of: de documenten over deze regio('s)"),
) -> Comparison:
    unknown = [d for d in docs or [] if kb.document(d) is None]
    if unknown:
        raise HTTPException(404, detail=UNKNOWN_DOCUMENT_NL.format(doc=", ".join(unknown)))
    doc_ids = list(docs or [])
    for name in region or []:
        matching = kb.documents_about(name)
        if not matching:
            raise HTTPException(404, detail=NO_REGION_DOCUMENTS_NL.format(region=name))
        doc_ids += [d for d in matching if d not in doc_ids]
    return kb.compare(topic, doc_ids or None)
