"""Step 2: which documents a question is about — named places, several named documents side by
side, or every document when it asks what "the documents" say."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answering.analyse import Analysed
from assistant.answering.comparison import AnswerEngine, relevant_documents
from assistant.answering.vocabulary import used_by_most_documents
from assistant.models import SearchFilters
from assistant.retrieval.index import SearchIndex
from prompts import answer as P

_ALL_DOCUMENTS = re.compile(
    r"\b(de|alle|verschillende|different|all|the) (documenten|documents|bronnen|sources)\b", re.I
)


@dataclass
class Scoped:
    filters: SearchFilters | None
    side_by_side: bool  # evidence of each document first (a comparison, documents named apart)
    columns: list[str] = field(default_factory=list)  # ≥ 2: answer once per document, side by side
    notices: list[str] = field(default_factory=list)


def scope_question(
    analysed: Analysed, filters: SearchFilters | None, engine: AnswerEngine, compare: bool = True
) -> Scoped:
    """``compare=False``: never split into per-document answers (a column of a comparison)."""
    index = engine.index
    question, profile = analysed.question, analysed.profile
    notices: list[str] = []
    if not analysed.asks_definition:  # definitions are compared across all scopes, wherever they are
        filters, notices = _named_places(analysed.query, filters, index)
    if notices and profile.language == "nl":
        # The names that chose the documents have done their job: the answer is about the
        # rest, not about the page that happens to repeat the name.
        subject = [t for t in profile.terms if t not in index.naming_terms]
        profile.terms = subject or profile.terms
    side_by_side = profile.kind == "comparison" or _names_separate_documents(question, index)
    columns = (
        _comparison_docs(question, filters, engine) if compare and side_by_side and not analysed.asks_definition else []
    )
    return Scoped(filters, side_by_side, columns, notices)


def _named_places(
    query: str, filters: SearchFilters | None, index: SearchIndex
) -> tuple[SearchFilters | None, list[str]]:
    """Narrow retrieval to the documents about the places the question names."""
    if filters is not None and not filters.is_empty():
        return filters, []
    named = mentioned(index, query)
    if not named or len(named) == len(index.documents):
        return filters, []
    titles = ", ".join(sorted(index.documents[d].title for d in named))
    return SearchFilters(doc_ids=sorted(named)), [P.SEARCHED_IN_NL.format(titles=titles)]


def _names_separate_documents(question: str, index: SearchIndex) -> bool:
    """ "… in de regio Noordkust en in de regio Rivierenland": names that belong to different
    documents. ("Noorddorp en Zuiderkerk" in one region belong to the same ones: one subject.)"""
    by_name: dict[str, set[str]] = {}
    for doc_id, names in mentioned(index, question).items():
        for name in names:
            by_name.setdefault(name, set()).add(doc_id)
    groups = list(by_name.values())
    # Disjoint only: a document kind and a place named in one document narrow, they do not split.
    return any(not (a & b) for i, a in enumerate(groups) for b in groups[i + 1 :])


def _comparison_docs(question: str, filters: SearchFilters | None, engine: AnswerEngine) -> list[str]:
    """The documents a comparison is between: those named (or filtered), else, when it asks
    what "the documents" say, all of them."""
    index = engine.index
    # Many candidates (a large index): keep each named kind of document, or else each
    # document type, represented among the columns.
    named = mentioned(index, question)

    def group(doc_id: str) -> str:
        return " ".join(named.get(doc_id, [])) or str(index.documents[doc_id].meta.get("document_type", ""))

    if filters is not None and len(filters.doc_ids or []) >= 2:
        return relevant_documents(engine, question, among=list(filters.doc_ids or []), group_of=group)
    if _ALL_DOCUMENTS.search(question):
        return relevant_documents(engine, question, group_of=group)
    return []


def mentioned(index: SearchIndex, question: str) -> dict[str, list[str]]:
    """doc_id → the names the question uses for it: its places, and its kind or author unless
    most documents' text uses that word as a subject of its own ("bij het maken van een
    woonzorgvisie" asks about woonzorgvisies, not about the one document of that kind)."""
    places = index.names.mentioned(question, places_only=True)
    out: dict[str, list[str]] = {}
    for doc_id, names in index.names.mentioned(question).items():
        kept = [n for n in names if n in places.get(doc_id, []) or not used_by_most_documents(index, n)]
        if kept:
            out[doc_id] = kept
    return out
