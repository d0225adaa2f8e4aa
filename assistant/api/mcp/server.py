"""The knowledge base as MCP tools: search, fetch, ask, define, measures, compare (and documents),
plus a resource with the document list.

Every tool calls the function its HTTP route uses, through the ``Assistant`` of the caller's role
(``Assistant.for_role``): a partner's tool call cannot rank, quote or count an internal
document, exactly as on /api. Who the caller is comes from ``Access``: over HTTP the principal
that ``/mcp``'s entry authenticated (see ``assistant.api.mcp.http``), over stdio a fixed role.
An expected failure (unknown document, bad id, invalid argument) is a tool error with a Dutch
message; anything else is the SDK's generic tool error, never a trace.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import HTTPException
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import InputRequiredResult
from pydantic import AnyUrl, BaseModel, Field, ValidationError

from assistant import AskRequest, Assistant, Comparison, Principal, QuestionLog, Turn
from assistant.api.metrics import Metrics
from assistant.api.routes import compare as compare_route
from assistant.api.routes import documents as documents_route
from assistant.api.routes import maatregelen as maatregelen_route
from assistant.api.routes import search as search_route
from assistant.api.routes import terms as terms_route
from assistant.api.routes.ask import _checked, _log_question
from assistant.api.routes.openai_compat import LinkedCitation, linked_citations, page_url
from prompts import connectors as P

SERVER_NAME = "woonzorg-assistent"
DOCUMENTS_URI = "woonzorg://documents"

# The request a resource is read for: static resources get no Context from the SDK.
_reading: contextvars.ContextVar[Context | None] = contextvars.ContextVar("woonzorg_mcp_reading", default=None)


@dataclass(frozen=True)
class Access:
    """How a tool call finds its caller, the assistant and where the PDFs are served."""

    assistant: Callable[[], Assistant]
    principal: Callable[[Context | None], Principal]
    base_url: Callable[[Context | None], str]
    metrics: Callable[[], Metrics | None] = field(default=lambda: None)
    question_log: Callable[[], QuestionLog | None] = field(default=lambda: None)

    def kb(self, ctx: Context | None) -> Assistant:
        """The assistant as the caller's role sees it."""
        return self.assistant().for_role(self.principal(ctx).role)


# -- outputs ----------------------------------------------------------------------------------


class Passage(BaseModel):
    id: str  # "DOCID:PAGE", for fetch
    doc_id: str
    title: str
    file: str
    page: int
    section: str
    quote: str
    score: float
    url: str


class SearchResult(BaseModel):
    query: str
    results: list[Passage]
    notices: list[str] = Field(default_factory=list)


class PageResult(BaseModel):
    id: str
    doc_id: str
    title: str
    file: str
    page: int
    page_count: int
    text: str
    url: str


class AskResult(BaseModel):
    question: str
    answer: str
    refused: bool
    citations: list[LinkedCitation]
    notices: list[str] = Field(default_factory=list)


class LinkedTerm(terms_route.TermOut):
    url: str = ""


class DefineResult(BaseModel):
    query: str
    terms: list[LinkedTerm]
    differences: list[str] = Field(default_factory=list)


class LinkedMeasure(maatregelen_route.MaatregelOut):
    url: str = ""


class MeasuresResult(BaseModel):
    count: int
    measures: list[LinkedMeasure]


class DocumentsResult(BaseModel):
    documents: list[documents_route.DocumentOut]


# -- server -----------------------------------------------------------------------------------


class WoonzorgMCP(MCPServer):
    """MCPServer that lets a static resource know whose request it is read for."""

    async def read_resource(
        self, uri: AnyUrl | str, context: Context[Any, Any] | None = None
    ) -> Iterable[ReadResourceContents] | InputRequiredResult:
        token = _reading.set(context)
        try:
            return await super().read_resource(uri, context)
        finally:
            _reading.reset(token)


@contextmanager
def _tool_errors() -> Iterator[None]:
    """The routes' HTTP errors (unknown document, no definition, …) and invalid input as tool errors."""
    try:
        yield
    except HTTPException as exc:
        raise ToolError(str(exc.detail)) from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ToolError(problems) from exc


def _page_id(value: str) -> tuple[str, int]:
    doc_id, sep, page = value.strip().rpartition(":")
    if not sep or not doc_id or not page.isdigit():
        raise ToolError(P.MCP_BAD_PAGE_ID_NL.format(id=value))
    return doc_id, int(page)


def _documents(access: Access, ctx: Context | None) -> DocumentsResult:
    base = access.base_url(ctx).rstrip("/")
    docs = documents_route.documents(access.kb(ctx))
    return DocumentsResult(documents=[d.model_copy(update={"pdf_url": f"{base}{d.pdf_url}"}) for d in docs])


def build_server(access: Access) -> WoonzorgMCP:
    server = WoonzorgMCP(name=SERVER_NAME, instructions=P.MCP_INSTRUCTIONS_NL, version="0.1.0", log_level="WARNING")

    @server.tool(description=P.MCP_TOOL_SEARCH_NL)
    def search(
        query: Annotated[str, Field(min_length=1, max_length=1000, description="Zoekvraag")],
        ctx: Context,
        doc_ids: Annotated[list[str] | None, Field(description="Alleen deze documenten (doc_id's)")] = None,
        k: Annotated[int, Field(ge=1, le=50, description="Aantal resultaten")] = 8,
    ) -> SearchResult:
        with _tool_errors():
            found = search_route.search(
                access.kb(ctx),
                q=query,
                k=k,
                mode="hybrid",
                doc=doc_ids,
                region=None,
                municipality=None,
                document_type=None,
                year=None,
            )
        base = access.base_url(ctx)
        return SearchResult(
            query=query,
            notices=found.notices,
            results=[
                Passage(
                    id=f"{e.doc_id}:{e.page}",
                    doc_id=e.doc_id,
                    title=e.title,
                    file=e.file,
                    page=e.page,
                    section=e.section,
                    quote=" ".join(e.text.split()),
                    score=round(e.score, 6),
                    url=page_url(base, e.doc_id, e.page),
                )
                for e in found.results
            ],
        )

    @server.tool(description=P.MCP_TOOL_FETCH_NL)
    def fetch(
        id: Annotated[str, Field(description="‘DOCID:PAGINA’, zoals ‘search’ het geeft")], ctx: Context
    ) -> PageResult:
        doc_id, n = _page_id(id)
        with _tool_errors():
            page = documents_route.page(doc_id, n, access.kb(ctx))
        return PageResult(
            id=f"{page.doc_id}:{page.page}",
            doc_id=page.doc_id,
            title=page.title,
            file=page.file,
            page=page.page,
            page_count=page.page_count,
            text=page.text,
            url=page_url(access.base_url(ctx), page.doc_id, page.page),
        )

    @server.tool(description=P.MCP_TOOL_ASK_NL)
    def ask(
        question: Annotated[str, Field(min_length=1, max_length=2000, description="De vraag")],
        ctx: Context,
        history: Annotated[
            list[Turn] | None, Field(description="Eerdere vragen en antwoorden, oudste eerst (voor vervolgvragen)")
        ] = None,
    ) -> AskResult:
        kb = access.kb(ctx)
        with _tool_errors():
            req = _checked(kb, AskRequest(question=question, history=history or []))
        _log_question(access.question_log(), access.principal(ctx), req.question)
        answer = kb.ask(req.question, history=req.history, filters=req.filters)
        if (metrics := access.metrics()) is not None:
            metrics.observe_answer(answer)
        return AskResult(
            question=answer.question,
            answer=answer.answer,
            refused=answer.refused,
            citations=linked_citations(answer, access.base_url(ctx)),
            notices=answer.notices,
        )

    @server.tool(description=P.MCP_TOOL_DEFINE_NL)
    def define(
        term: Annotated[str, Field(min_length=1, max_length=200, description="Het begrip")], ctx: Context
    ) -> DefineResult:
        with _tool_errors():
            found = terms_route.term(term, access.kb(ctx))
        base = access.base_url(ctx)
        return DefineResult(
            query=found.query,
            differences=found.differences,
            terms=[
                LinkedTerm(**t.model_dump(), url=page_url(base, t.doc_id, t.page) if t.doc_id else "")
                for t in found.terms
            ],
        )

    @server.tool(description=P.MCP_TOOL_MEASURES_NL)
    def measures(
        ctx: Context,
        trekker: Annotated[str | None, Field(max_length=200, description="Deel van de naam van de trekker")] = None,
        q: Annotated[str | None, Field(max_length=200, description="Zoek in maatregel, doel en status")] = None,
        doc: Annotated[str | None, Field(description="Alleen dit document (doc_id)")] = None,
    ) -> MeasuresResult:
        with _tool_errors():
            rows = maatregelen_route.maatregelen(access.kb(ctx), trekker=trekker, q=q, doc=doc)
        base = access.base_url(ctx)
        linked = [
            LinkedMeasure(**r.model_dump(), url=page_url(base, r.doc_id, r.page) if r.doc_id else "") for r in rows
        ]
        return MeasuresResult(count=len(linked), measures=linked)

    @server.tool(description=P.MCP_TOOL_COMPARE_NL)
    def compare(
        topic: Annotated[str, Field(min_length=2, max_length=500, description="Het onderwerp")],
        ctx: Context,
        docs: Annotated[list[str] | None, Field(description="doc_id's; leeg = alle documenten")] = None,
    ) -> Comparison:
        with _tool_errors():
            return compare_route.compare_documents(access.kb(ctx), topic=topic, docs=docs, region=None)

    @server.tool(description=P.MCP_TOOL_DOCUMENTS_NL)
    def documents(ctx: Context) -> DocumentsResult:
        return _documents(access, ctx)

    @server.resource(
        DOCUMENTS_URI, name="documenten", description=P.MCP_RESOURCE_DOCUMENTS_NL, mime_type="application/json"
    )
    def documents_resource() -> str:
        result = _documents(access, _reading.get())
        return json.dumps(result.model_dump(mode="json")["documents"], ensure_ascii=False)

    return server
