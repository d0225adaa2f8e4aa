"""Begrippen (glossary): definitions with their source; differing definitions flagged."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from assistant import Assistant
from assistant.api.deps import AssistantDep
from ingest.records.begrippen import Begrip, differences
from prompts.service import NO_DEFINITION_NL

router = APIRouter(prefix="/api", tags=["begrippen"])


class TermOut(BaseModel):
    term: str
    definition: str
    file: str
    doc_id: str
    title: str
    page: int
    scope: str
    kind: str
    quote: str
    aliases: list[str] = Field(default_factory=list)
    differs: bool = False  # another document (or scope) defines a matching term differently
    # The quote on its page: [x0, y0, x1, y1] fractions of the page, origin top-left ([] = no positions).
    boxes: list[list[float]] = Field(default_factory=list)


class TermsOut(BaseModel):
    query: str
    terms: list[TermOut]
    differences: list[str] = Field(default_factory=list)


def _terms(kb: Assistant, query: str, found: list[Begrip], pool_of: dict[int, list[Begrip]]) -> TermsOut:
    out = []
    for i, b in enumerate(found):
        doc = kb.document_of(b.file)
        doc_id, title = (doc.doc_id, doc.title) if doc else ("", "")
        differs = any(differences([b, o]) for o in pool_of[i] if o is not b)
        out.append(
            TermOut(
                term=b.term,
                definition=b.definition,
                file=b.file,
                doc_id=doc_id,
                title=title,
                page=b.page,
                scope=b.scope,
                kind=b.kind,
                quote=b.quote,
                aliases=b.aliases,
                differs=differs,
                boxes=b.boxes,
            )
        )
    return TermsOut(query=query, terms=out, differences=differences(found) if query else [])


@router.get("/terms", response_model=TermsOut, summary="Begrippen; met q: zoeken (spelvarianten, afkortingen)")
def terms(kb: AssistantDep, q: str = Query("", max_length=200, description="Zoekterm")) -> TermsOut:
    q = q.strip()
    if q:
        found = kb.define(q).found
        return _terms(kb, q, found, dict.fromkeys(range(len(found)), found))
    # The whole list, alphabetical; each entry compared with what its own term matches.
    every = kb.terms()
    return _terms(kb, "", every, {i: kb.define(b.term).found for i, b in enumerate(every)})


@router.get("/terms/{term}", response_model=TermsOut, summary="Eén begrip: alle definities met bron")
def term(term: str, kb: AssistantDep) -> TermsOut:
    found = kb.define(term).found
    if not found:
        raise HTTPException(404, detail=NO_DEFINITION_NL.format(term=term))
    return _terms(kb, term, found, dict.fromkeys(range(len(found)), found))
