"""The answer model: one shape for CLI, API and evals."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.retrieval.index import SearchFilters


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
