"""A topic side by side: one cited column per document."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query

from assistant.answering.comparison import Comparison, compare
from assistant.api.deps import EngineDep
from assistant.retrieval.index import SearchFilters

router = APIRouter(prefix="/api", tags=["vergelijken"])


@router.get("/compare", response_model=Comparison, summary="Vergelijk een onderwerp tussen documenten")
def compare_documents(
    engine: EngineDep,
    topic: str = Query(..., min_length=2, max_length=500, description="Het onderwerp"),
    docs: list[str] | None = Query(None, description="doc_id's (herhaal de parameter); leeg = alle"),
    region: list[str] | None = Query(None, description="Of: de documenten over deze regio('s)"),
) -> Comparison:
    index = engine.index
    unknown = [d for d in docs or [] if d not in index.documents]
    if unknown:
        raise HTTPException(404, detail=f"Onbekend document: {', '.join(unknown)}.")
    doc_ids = list(docs or [])
    for name in region or []:
        matching = index.allowed_doc_ids(SearchFilters(region=name)) or []
        if not matching:
            raise HTTPException(404, detail=f"Geen documenten over de regio ‘{name}’.")
        doc_ids += [d for d in sorted(matching) if d not in doc_ids]
    return compare(engine, topic, doc_ids or None)
