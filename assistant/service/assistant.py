"""``Assistant``: the one composition root over an ingested index.

The CLI, the API, the MCP server, evals and tests open the index through it and call its
methods; none of them wires ``SearchIndex``/``HybridSearcher``/``AnswerEngine`` themselves.
An ``Assistant`` reads through one role's access scope: ``for_role`` gives another view on the
same loaded index (cheap), and every method only ever sees that role's documents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.answering.citations import quote_on_page
from assistant.answering.comparison import Comparison, resolve_documents
from assistant.answering.comparison import compare as compare_documents
from assistant.answering.engine import AnswerEngine
from assistant.models import Answer, Citation, Passage, Role, SearchFilters, Turn
from assistant.retrieval.hybrid import HybridSearcher, Mode
from assistant.retrieval.index import SearchIndex
from assistant.service.scopes import Scope, ScopedIndexes
from ingest.records.begrippen import Begrip, differences, lookup
from ingest.records.maatregelen import Maatregel, filter_maatregelen
from ingest.settings import Settings
from ingest.store.registry import DocumentRecord

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding


class Definitions:
    """What ``Assistant.define`` finds: every matching begrip, best first, and where they differ."""

    def __init__(self, term: str, found: list[Begrip]) -> None:
        self.term = term
        self.found = found
        self.differences = differences(found) if term else []


class Assistant:
    """Ask, search, compare, define and list measures over the index in ``settings.data_dir``."""

    def __init__(self, settings: Settings, scopes: ScopedIndexes, role: Role = "admin") -> None:
        self.settings = settings
        self.scopes = scopes
        self.role: Role = role

    @classmethod
    def open(cls, settings: Settings | None = None, *, embedder: BaseEmbedding | None = None) -> Assistant:
        """Load the index once (registry, BM25, Chroma, embedder); ``embedder``: one already loaded."""
        settings = settings or Settings()
        return cls.over(HybridSearcher(SearchIndex(settings, embedder=embedder)), settings)

    @classmethod
    def over(cls, searcher: HybridSearcher, settings: Settings) -> Assistant:
        """Over an already loaded searcher (a test's shared index, a benchmark's scaled one)."""
        return cls(settings, ScopedIndexes(searcher, settings))

    def reopened(self, settings: Settings) -> Assistant:
        """The same loaded index with fresh scopes and ``settings`` (a server start over a test's index)."""
        return Assistant.over(self.scopes.searcher, settings)

    @property
    def embedder(self) -> BaseEmbedding:
        """The loaded embedder, for the service's background embedding and uploads to share."""
        return self.scopes.base.embedder

    def warm(self) -> None:
        """Load now what the first question would load (the question embedder's runtime): a
        serving process starts a second later instead of one user waiting for it."""
        warm = getattr(self.embedder, "warm", None)
        if callable(warm):
            warm()

    def start_polling(self) -> None:
        """Load new index versions in the background (a serving process)."""
        self.scopes.start_polling()

    def stop_polling(self) -> None:
        self.scopes.stop_polling()

    def for_role(self, role: Role) -> Assistant:
        """The same loaded index, seen as ``role`` sees it (a partner: public documents only)."""
        return Assistant(self.settings, self.scopes, role)

    # What this role reads through; taken per call, so a newer index version is picked up.
    @property
    def scope(self) -> Scope:
        return self.scopes.for_role(self.role)

    @property
    def engine(self) -> AnswerEngine:
        return self.scope.engine

    @property
    def searcher(self) -> HybridSearcher:
        return self.scope.searcher

    @property
    def index(self) -> SearchIndex:
        return self.scope.index

    def ask(
        self,
        question: str,
        history: list[Turn] | None = None,
        filters: SearchFilters | None = None,
        *,
        compare: bool = True,
    ) -> Answer:
        """A cited answer, or a plain refusal when the documents do not hold one."""
        return self.engine.ask(question, history, filters, compare=compare)

    def search(
        self, query: str, k: int = 10, filters: SearchFilters | None = None, mode: Mode = "hybrid"
    ) -> list[Passage]:
        """The best passages, one per page, best first."""
        return self.searcher.search(query, k=k, filters=filters, mode=mode)

    def compare(self, topic: str, doc_ids: list[str] | None = None, lines: int = 3) -> Comparison:
        """``topic`` answered once per document, side by side."""
        return compare_documents(self.engine, topic, doc_ids, lines)

    def resolve_documents(self, names: list[str]) -> tuple[list[str], list[str]]:
        """Documents named by doc_id, file name or a place/region they cover → (doc_ids, unknown names)."""
        return resolve_documents(self.index, names)

    def define(self, term: str) -> Definitions:
        """Every definition of ``term`` (spelling variants, abbreviations), and where they differ."""
        return Definitions(term, lookup(self.index.begrippen, term))

    def terms(self) -> list[Begrip]:
        """The whole glossary, alphabetical."""
        return sorted(self.index.begrippen, key=lambda b: (b.term.lower(), b.file))

    def measures(
        self, trekker: str | None = None, q: str | None = None, doc_id: str | None = None
    ) -> list[Maatregel]:
        """Maatregel records, filtered by trekker, words and document (unknown ``doc_id``: KeyError)."""
        docs = self.index.documents
        files = {docs[doc_id].file, *docs[doc_id].aliases} if doc_id else None
        return filter_maatregelen(self.index.maatregelen, trekker=trekker, q=q, files=files)

    def check_citation(self, citation: Citation) -> bool:
        """Is the citation's quote verbatim (whitespace-normalised) on the page it names?"""
        return quote_on_page(self.index, citation.doc_id, citation.page, citation.quote)

    def documents(self) -> list[DocumentRecord]:
        """The documents this role may see, in index order."""
        return list(self.index.documents.values())

    def document(self, doc_id: str) -> DocumentRecord | None:
        """One document by id, or None when it does not exist or this role may not see it."""
        return self.index.documents.get(doc_id)

    def page_text(self, doc_id: str, page: int) -> str | None:
        """The stored text of one page (None: no such page, or a document outside this role)."""
        doc = self.document(doc_id)
        return self.index.page_text(doc_id, page) if doc and 1 <= page <= doc.page_count else None

    def indexing_status(self, doc_id: str) -> str:
        """'semantisch' once the document's vectors are stored, 'tekst' while only BM25 finds it."""
        return self.index.indexing_status(doc_id)

    def documents_about(self, region: str) -> list[str]:
        """The doc_ids whose metadata names this region, sorted."""
        return sorted(self.index.allowed_doc_ids(SearchFilters(region=region)) or [])

    def health(self) -> dict[str, Any]:
        """The loaded index's state (the newest complete version): counts, store, embedder."""
        self.scopes.refresh()
        return self.scopes.base.health()

    def refresh(self) -> None:
        """Load the registry's newest complete version now rather than on the next poll."""
        self.scopes.refresh()

    def document_of(self, file: str) -> DocumentRecord | None:
        """The document a record's ``file`` (or one of its aliases) belongs to."""
        by_file = self.index.memo(
            "documents_by_file", lambda: {n: d for d in self.index.documents.values() for n in (d.file, *d.aliases)}
        )
        return by_file.get(file)
