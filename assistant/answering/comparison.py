"""A topic, side by side per document: each column is that document's own cited answer.

Each column is answered by the same engine with a filter on one document, so
it is cited, verified and refused exactly like any other answer; a document
that says nothing about the topic gets an honest empty column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from pydantic import BaseModel, Field

from assistant.models import Answer, Citation, SearchFilters
from assistant.retrieval.hybrid import HybridSearcher
from assistant.retrieval.index import SearchIndex


class AnswerEngine(Protocol):
    """What a comparison needs of the engine that answers each column: its index, its searcher
    and ``ask`` restricted to one document (a Protocol, so this module does not import the engine)."""

    index: SearchIndex
    searcher: HybridSearcher

    def ask(
        self, question: str, history: None = None, filters: SearchFilters | None = None, compare: bool = True
    ) -> Answer: ...


_MARKER = re.compile(r"\[(\d+)\]")
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


# Columns in a comparison over "all documents": readable side by side, and each costs one ask.
MAX_COLUMNS = 6


def relevant_documents(
    engine: AnswerEngine,
    topic: str,
    among: list[str] | None = None,
    limit: int = MAX_COLUMNS,
    group_of: Callable[[str], str] | None = None,
) -> list[str]:
    """The documents (``among`` these; default all) to compare: every one when there are at most
    ``limit``, else ``limit`` chosen by searching ``topic`` per group. A province-wide index has
    hundreds of documents ("de raadsvoorstellen" may name a hundred), and a column per document
    would cost an ask each. The choice takes the best-ranked document of each group first (e.g.
    each document kind the question names), then the next of each: a comparison "volgens het
    raadsvoorstel, het onderzoeksrapport en de handreiking" must not become six raadsvoorstellen."""
    index = engine.index
    pool = sorted(index.documents) if among is None else [d for d in among if d in index.documents]
    if len(pool) <= limit:
        return pool
    group = group_of or (lambda _: "")
    groups: dict[str, list[str]] = {}
    for doc_id in pool:
        groups.setdefault(group(doc_id), []).append(doc_id)
    # One BM25 search per group (near-copies of one kind must not crowd the others out of a single
    # top 40; BM25 with a mask costs ~1 ms where a filtered Chroma query costs ~50 at 15k pages);
    # the groups ordered by their best passage.
    ranked: list[tuple[float, list[str]]] = []
    for members in list(groups.values())[: 4 * limit]:
        order: list[str] = []
        best = 0.0
        hits = engine.searcher.search(
            topic,
            k=index.settings.retrieval.candidates,
            filters=SearchFilters(doc_ids=members),
            mode="bm25",
            per_page=False,
        )
        for p in hits:
            best = max(best, p.score)
            if p.doc_id not in order:
                order.append(p.doc_id)
        if order:
            ranked.append((best, order))
    ranked.sort(key=lambda x: -x[0])
    # Round-robin over the groups: every group's best document, then every group's second …
    depth = max((len(order) for _, order in ranked), default=0)
    chosen = [order[i] for i in range(depth) for _, order in ranked if i < len(order)]
    return chosen[:limit]


def compare(engine: AnswerEngine, topic: str, doc_ids: list[str] | None = None, lines: int = 3) -> Comparison:
    """Answer ``topic`` once per document (when none are given: all, or the ``MAX_COLUMNS`` most
    relevant of a large index); each column keeps its intro and best ``lines`` lines, so the
    columns stay comparable."""
    index = engine.index
    wanted = [d for d in (doc_ids or relevant_documents(engine, topic)) if d in index.documents]
    columns = []
    for doc_id in wanted:
        doc = index.documents[doc_id]
        answer = engine.ask(topic, filters=SearchFilters(doc_ids=[doc_id]), compare=False)
        text, citations = _best_lines(answer.answer, answer.citations, lines)
        columns.append(
            ComparisonColumn(
                doc_id=doc_id,
                file=doc.file,
                title=doc.title,
                region=str(doc.meta.get("region", "")),
                municipalities=[str(m) for m in doc.meta.get("municipalities", []) or []],
                found=not answer.refused,
                answer=text if not answer.refused else answer.answer,
                citations=citations if not answer.refused else [],
            )
        )
    return Comparison(topic=topic, columns=columns)


def topic_of(question: str) -> str:
    """The subject of a comparison question, without "vergelijk … tussen …" framing."""
    return re.sub(r"\s+", " ", _FRAME.sub(" ", question)).strip(" ?.")


def resolve_documents(index: SearchIndex, names: list[str]) -> tuple[list[str], list[str]]:
    """Documents named by doc_id, file name or a place/region they cover → (doc_ids, unknown names)."""
    found: list[str] = []
    unknown: list[str] = []
    docs = list(index.documents.values())
    for name in names:
        exact = [d.doc_id for d in docs if name in (d.doc_id, d.file)]
        matches = exact or sorted(index.names.mentioned(name))
        if not matches:
            unknown.append(name)
        found += [m for m in matches if m not in found]
    return found, unknown


def _best_lines(answer: str, citations: list[Citation], keep: int) -> tuple[str, list[Citation]]:
    """The intro and the first ``keep`` answer lines, their citations renumbered from 1."""
    head, *body = answer.splitlines()
    kept = [ln for ln in body if ln.strip()][:keep]
    used = {int(m) for m in _MARKER.findall("\n".join(kept))}
    mapping: dict[int, int] = {}
    out: list[Citation] = []
    for c in citations:
        if c.n in used:
            mapping[c.n] = len(out) + 1
            out.append(c.model_copy(update={"n": len(out) + 1}))
    text = _MARKER.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", "\n".join([head, *kept]))
    return text, out


def renumber(text: str, offset: int) -> str:
    """Shift every marker by ``offset`` (columns merged into one answer)."""
    return _MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", text)
