"""A topic, side by side per document: each column is that document's own cited answer.

Each column is answered by the same engine with a filter on one document, so
it is cited, verified and refused exactly like any other answer; a document
that says nothing about the topic gets an honest empty column.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from assistant.answer_models import Citation
from assistant.search_index import SearchFilters

if TYPE_CHECKING:
    from assistant.answer_engine import AnswerEngine

# "Vergelijk de aanpak van X en Y voor Z" → the topic is what remains without the frame.
_FRAME = re.compile(
    r"\b(vergelijk\w*|verschil\w*|tussen|compare\w*|differences?|between|de aanpak van|aanpak|approach(es)? of)\b",
    re.I,
)


class ComparisonColumn(BaseModel):
    doc_id: str
    file: str
    title: str
    region: str
    municipalities: list[str] = Field(default_factory=list)
    found: bool  # False: this document says nothing about the topic
    answer: str  # that document's answer; markers [n] refer to this column's citations
    citations: list[Citation] = Field(default_factory=list)


class Comparison(BaseModel):
    topic: str
    columns: list[ComparisonColumn]


def compare(engine: AnswerEngine, topic: str, doc_ids: list[str] | None = None) -> Comparison:
    """Answer ``topic`` once per document (all indexed documents when none are given)."""
    index = engine.index
    wanted = [d for d in (doc_ids or sorted(index.documents)) if d in index.documents]
    columns = []
    for doc_id in wanted:
        doc = index.documents[doc_id]
        answer = engine.ask(topic, filters=SearchFilters(doc_ids=[doc_id]), compare=False)
        columns.append(
            ComparisonColumn(
                doc_id=doc_id,
                file=doc.file,
                title=doc.title,
                region=str(doc.meta.get("region", "")),
                municipalities=[str(m) for m in doc.meta.get("municipalities", []) or []],
                found=not answer.refused,
                answer=answer.answer,
                citations=answer.citations if not answer.refused else [],
            )
        )
    return Comparison(topic=topic, columns=columns)


def topic_of(question: str) -> str:
    """The subject of a comparison question, without "vergelijk … tussen …" framing."""
    return re.sub(r"\s+", " ", _FRAME.sub(" ", question)).strip(" ?.")
