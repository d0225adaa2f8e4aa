from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from assistant import Evidence, SearchFilters, dense_use
from assistant.api.deps import AssistantDep
from prompts.api import DENSE_UNAVAILABLE_SEARCH_NL

router = APIRouter(prefix="/api")



class SearchOut(BaseModel):
    query: str
    results: list[Evidence]
    notices: list[str] = []  # added field: older clients ignore it


@router.get("/search", response_model=SearchOut)
def search(
    kb: AssistantDep,
    q: str = Query(..., min_length=1, max_length=1000, description="Zoekvraag"),
    k: int = Query(10, ge=1, le=50),
    mode: Literal["hybrid", "bm25", "dense"] = "hybrid",
    doc: list[str] | None = Query(None, description="Beperk tot doc_id(s)"),
    region: str | None = None,
    municipality: str | None = None,
    document_type: str | None = None,
    year: int | None = None,
) -> SearchOut:
    filters = SearchFilters(
        doc_ids=doc, region=region, municipality=municipality, document_type=document_type, year=year
    )
    with dense_use() as dense:
        hits = kb.search(q, k=k, filters=filters, mode=mode)
    return SearchOut(
        query=q,
        notices=[DENSE_UNAVAILABLE_SEARCH_NL] if dense.missed else [],
        results=[
            Evidence(
                file=p.file, doc_id=p.doc_id, title=p.title, page=p.page, section=p.section, text=p.text, score=p.score
            )
            for p in hits
        ],
    )
