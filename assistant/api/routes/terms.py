"""Begrippen (glossary): definitions with their source; differing definitions flagged."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from assistant.api.deps import EngineDep
from assistant.retrieval.index import SearchIndex
from ingest.records.begrippen import Begrip, differences, lookup

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


def _doc_of(index: SearchIndex, file: str) -> tuple[str, str]:
    for doc in index.documents.values():
        if doc.file == file or file in doc.aliases:
            return doc.doc_id, doc.title
    return "", ""


def _terms(index: SearchIndex, query: str, found: list[Begrip], pool_of: dict[int, list[Begrip]]) -> TermsOut:
    out = []
    for i, b in enumerate(found):
        doc_id, title = _doc_of(index, b.file)
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
def terms(engine: EngineDep, q: str = Query("", max_length=200, description="Zoekterm")) -> TermsOut:
    index = engine.index
    q = q.strip()
    if q:
        found = lookup(index.begrippen, q)
        return _terms(index, q, found, dict.fromkeys(range(len(found)), found))
    # The whole list, alphabetical; each entry compared with what its own term matches.
    every = sorted(index.begrippen, key=lambda b: (b.term.lower(), b.file))
    return _terms(index, "", every, {i: lookup(index.begrippen, b.term) for i, b in enumerate(every)})


@router.get("/terms/{term}", response_model=TermsOut, summary="Eén begrip: alle definities met bron")
def term(term: str, engine: EngineDep) -> TermsOut:
    found = lookup(engine.index.begrippen, term)
    if not found:
        raise HTTPException(404, detail=f"Geen definitie van ‘{term}’ gevonden in de documenten.")
    return _terms(engine.index, term, found, dict.fromkeys(range(len(found)), found))
