"""The shapes every layer shares: questions, filters, passages, answers, citations, roles.

A leaf module: it imports nothing else from the project, so retrieval, answering, the service
and the interfaces (API, CLI, MCP, evals) can all use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["admin", "staff", "partner"]
ROLES: tuple[Role, ...] = ("admin", "staff", "partner")
Access = Literal["public", "intern"]
ACCESS_LEVELS: tuple[Access, ...] = ("public", "intern")
PUBLIC: Access = "public"


class SearchFilters(BaseModel):
    """Metadata filters; all given ones must hold (case-insensitive substring for text)."""

    doc_ids: list[str] | None = None
    files: list[str] | None = None
    region: str | None = None
    municipality: str | None = None
    document_type: str | None = None
    year: int | None = None

    def is_empty(self) -> bool:
        return not any(v not in (None, [], "") for v in self.model_dump().values())



@dataclass
class Passage:
    chunk_id: str
    doc_id: str
    file: str
    title: str
    page: int
    section: str
    text: str
    score: float
    char_start: int
    char_end: int
    kind: str = "prose"
    ranks: dict[str, int] = field(default_factory=dict)


class Turn(BaseModel):
    question: str
    answer: str = ""
    cited_pages: list[tuple[str, int]] = Field(default_factory=list)  # (doc_id, page) the answer cited


class AskRequest(BaseModel):
    question: str = Field(..., min_length=1, max_length=2000)
    history: list[Turn] = Field(default_factory=list)
    filters: SearchFilters | None = None


class Citation(BaseModel):
    n: int
    file: str
    doc_id: str
    title: str
    page: int
    quote: str  # verbatim (whitespace-normalised) text of that page
    section: str = ""
    # Where the quote is on the page: one [x0, y0, x1, y1] per text line, as fractions (0..1) of
    # the page's width and height, origin top-left. Filled when the citation is verified; [] = no
    # stored positions (the page is shown without a highlight).
    boxes: list[list[float]] = Field(default_factory=list)


class Evidence(BaseModel):
    file: str
    doc_id: str
    title: str
    page: int
    section: str
    text: str
    score: float


class Answer(BaseModel):
    question: str
    answer: str
    refused: bool
    citations: list[Citation] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    mode: Literal["extractive", "llm"] = "extractive"
    language: Literal["nl", "en"] = "nl"
    notices: list[str] = Field(default_factory=list)
    retrieval_query: str = ""
    timings: dict[str, float] = Field(default_factory=dict)  # milliseconds per step
    # How well the best evidence covers the question (0..1), the score the refusal threshold is
    # compared with; None when no such score decided (records, glossary, a name the texts lack).
    support: float | None = None
