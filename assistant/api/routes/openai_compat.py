"""An OpenAI-compatible chat endpoint (/v1), so Open WebUI, LibreChat or the ``openai`` client can ask.

One model, ``woonzorg-assistent``: the last user message is the question, earlier user/assistant
pairs are the conversation. The answer is Markdown (the cited sentences with their ``[n]``, then
"Bronnen" with a link that opens each PDF at the cited page); ``citations`` and ``refused`` beside
``choices`` carry the same structured. Same tokens and roles as /api; every error on /v1 is an
OpenAI error object (see ``error_response`` and the handlers in ``assistant.api.app``).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sse_starlette import EventSourceResponse, JSONServerSentEvent, ServerSentEvent
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import Answer, AskRequest, Assistant, SearchFilters, Turn
from assistant.api.deps import AssistantDep, MetricsDep, PrincipalDep, QuestionLogDep
from assistant.api.metrics import Metrics
from assistant.api.routes.ask import _checked, _log_question, stream_pieces
from assistant.api.routes.documents import _pdf_url
from prompts import connectors as P
from prompts.api import ANSWER_FAILED_NL

log = logging.getLogger(__name__)

PREFIX = "/v1"
MODEL_ID = "woonzorg-assistent"
OWNER = "woonzorg"
MAX_TURNS = 10  # earlier user/assistant pairs kept as history (the engine looks at the last ones)
_CREATED = int(time.time())

router = APIRouter(prefix=PREFIX, tags=["openai-compatibel"])


# -- errors: always an OpenAI error object on /v1 ---------------------------------------------

_TYPES = {401: "authentication_error", 403: "permission_error", 404: "not_found_error", 429: "rate_limit_error"}
_CODES = {
    401: "invalid_api_key",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    429: "rate_limit_exceeded",
}


class OpenAIError(HTTPException):
    """An HTTP error with the OpenAI fields (``type``, ``code``, ``param``) chosen by the route."""

    def __init__(
        self, status: int, message: str, *, type_: str | None = None, code: str | None = None, param: str | None = None
    ) -> None:
        super().__init__(status, detail=message)
        self.type_ = type_
        self.code = code
        self.param = param


def is_openai_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def error_body(
    status: int, message: str, *, type_: str | None = None, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    default_type = "server_error" if status >= 500 else _TYPES.get(status, "invalid_request_error")
    return {
        "error": {
            "message": message,
            "type": type_ or default_type,
            "param": param,
            "code": code or _CODES.get(status, "server_error" if status >= 500 else None),
        }
    }


def error_response(exc: StarletteHTTPException, message: str) -> JSONResponse:
    """``exc`` (any HTTP error on /v1, with ``message`` as its Dutch text) as an OpenAI error object."""
    if isinstance(exc, OpenAIError):
        body = error_body(exc.status_code, message, type_=exc.type_, code=exc.code, param=exc.param)
    else:
        body = error_body(exc.status_code, message)
    return JSONResponse(status_code=exc.status_code, content=body, headers=exc.headers)


def validation_response(message: str, errors: list[Any]) -> JSONResponse:
    """A request that does not parse: 400, as OpenAI answers it, naming the first field at fault."""
    loc = [str(p) for p in (errors[0].get("loc", []) if errors else []) if p != "body"]
    param = ".".join(loc) if loc and not loc[0].isdigit() else None  # ("body", 0): the body itself
    return JSONResponse(status_code=400, content=error_body(400, message, param=param))


# -- request ----------------------------------------------------------------------------------


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = "text"
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: str
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    # Sampling settings (temperature, max_tokens, …) mean nothing to an extractive answer: ignored.
    model_config = ConfigDict(extra="ignore")
    model: str
    messages: list[ChatMessage] = Field(default_factory=list)
    stream: bool = False
    stream_options: StreamOptions | None = None
    # Filters, as OpenAI metadata (string values): doc_ids ("a,b" or a JSON list), files, region,
    # municipality, document_type, year.
    metadata: dict[str, Any] | None = None


def _check_model(model: str) -> None:
    if model != MODEL_ID:
        raise OpenAIError(
            404,
            P.OPENAI_UNKNOWN_MODEL_NL.format(model=model, known=MODEL_ID),
            type_="invalid_request_error",
            code="model_not_found",
            param="model",
        )


# Our own earlier answers, sent back as history: the links in their "Bronnen" name the cited pages.
_OWN_LINK = re.compile(r"/documents/([^/\s#?]+)\.pdf#page=(\d+)")


def _earlier_answer(text: str) -> tuple[str, list[tuple[str, int]]]:
    answer, _, _ = text.partition(f"\n\n{P.SOURCES_HEADING_NL}")
    pages = list(dict.fromkeys((doc, int(page)) for doc, page in _OWN_LINK.findall(text)))
    return answer.strip(), pages


def conversation(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    """The question (last user message) and the earlier user/assistant pairs as turns."""
    if not messages:
        raise OpenAIError(400, P.OPENAI_NO_MESSAGES_NL, param="messages")
    users = [i for i, m in enumerate(messages) if m.role == "user"]
    if not users:
        raise OpenAIError(400, P.OPENAI_NO_USER_MESSAGE_NL, param="messages")
    question = messages[users[-1]].text().strip()
    if not question:
        raise OpenAIError(400, P.OPENAI_EMPTY_QUESTION_NL, param="messages")
    turns: list[Turn] = []
    for m in messages[: users[-1]]:  # system and developer messages: no instructions taken
        if m.role == "user" and m.text().strip():
            turns.append(Turn(question=m.text().strip()))
        elif m.role == "assistant" and turns and not turns[-1].answer:
            answer, pages = _earlier_answer(m.text())
            turns[-1] = turns[-1].model_copy(update={"answer": answer, "cited_pages": pages})
    return question, turns[-MAX_TURNS:]


def _split_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError as exc:
            raise OpenAIError(
                400, P.OPENAI_BAD_FILTER_NL.format(problem=P.OPENAI_BAD_DOC_IDS_NL), param="metadata"
            ) from exc
        if not isinstance(items, list):
            raise OpenAIError(400, P.OPENAI_BAD_FILTER_NL.format(problem=P.OPENAI_BAD_DOC_IDS_NL), param="metadata")
        return _split_list(items)
    return [part.strip() for part in text.split(",") if part.strip()]


def metadata_filters(metadata: dict[str, Any] | None) -> SearchFilters | None:
    if not metadata:
        return None

    def text(key: str) -> str | None:
        value = metadata.get(key)
        return (str(value).strip() or None) if value is not None else None

    year = text("year")
    if year is not None and not year.isdigit():
        raise OpenAIError(400, P.OPENAI_BAD_FILTER_NL.format(problem=P.OPENAI_BAD_YEAR_NL), param="metadata.year")
    doc_ids = metadata.get("doc_ids", metadata.get("doc_id"))
    files = metadata.get("files")
    filters = SearchFilters(
        doc_ids=(_split_list(doc_ids) or None) if doc_ids is not None else None,
        files=(_split_list(files) or None) if files is not None else None,
        region=text("region"),
        municipality=text("municipality"),
        document_type=text("document_type"),
        year=int(year) if year else None,
    )
    return None if filters.is_empty() else filters


def _max_question_chars() -> int:
    for item in AskRequest.model_fields["question"].metadata:
        if isinstance(getattr(item, "max_length", None), int):
            return int(item.max_length)
    return 2000


def ask_request(kb: Assistant, body: ChatCompletionRequest) -> AskRequest:
    """The checked question, history and filters of ``body`` (OpenAI errors otherwise)."""
    _check_model(body.model)
    question, history = conversation(body.messages)
    filters = metadata_filters(body.metadata)
    try:
        req = AskRequest(question=question, history=history, filters=filters)
    except ValidationError as exc:
        raise OpenAIError(
            400, P.OPENAI_QUESTION_TOO_LONG_NL.format(max_chars=_max_question_chars()), param="messages"
        ) from exc
    try:
        return _checked(kb, req)
    except HTTPException as exc:  # a document the caller cannot see: the same 404 as on /api
        raise OpenAIError(exc.status_code, str(exc.detail), code="document_not_found", param="metadata") from exc


# -- answer -----------------------------------------------------------------------------------


class LinkedCitation(BaseModel):
    n: int
    doc_id: str
    file: str
    title: str
    page: int
    quote: str
    url: str  # the PDF, opened at the cited page


def page_url(base_url: str, doc_id: str, page: int) -> str:
    """Absolute link to the PDF route, at ``page``."""
    return f"{base_url.rstrip('/')}{_pdf_url(doc_id)}#page={page}"


def linked_citations(answer: Answer, base_url: str) -> list[LinkedCitation]:
    return [
        LinkedCitation(
            n=c.n,
            doc_id=c.doc_id,
            file=c.file,
            title=c.title or c.file,
            page=c.page,
            quote=c.quote,
            url=page_url(base_url, c.doc_id, c.page),
        )
        for c in answer.citations
    ]


def answer_markdown(answer: Answer, citations: list[LinkedCitation]) -> str:
    """The answer text with its [n], any notices, then "Bronnen": one line per citation with its link."""
    parts = [answer.answer.strip(), *(P.NOTICE_LINE_NL.format(notice=n) for n in answer.notices)]
    if citations:
        lines = [
            P.SOURCE_LINE_NL.format(n=c.n, title=c.title, page=c.page, quote=" ".join(c.quote.split()), url=c.url)
            for c in citations
        ]
        parts.append("\n".join([P.SOURCES_HEADING_NL, *lines]))
    return "\n\n".join(p for p in parts if p)


def _usage(req: AskRequest, content: str) -> dict[str, int]:
    # Words, not tokens: there is no tokenizer here; clients only show or sum these.
    prompt = len(req.question.split()) + sum(len(t.question.split()) + len(t.answer.split()) for t in req.history)
    completion = len(content.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def _model_card() -> dict[str, Any]:
    return {"id": MODEL_ID, "object": "model", "created": _CREATED, "owned_by": OWNER}


@router.get("/models", summary="OpenAI-compatibel: het ene model")
def models() -> dict[str, Any]:
    return {"object": "list", "data": [_model_card()]}


@router.get("/models/{model}", summary="OpenAI-compatibel: één model")
def model(model: str) -> dict[str, Any]:
    _check_model(model)
    return _model_card()


@router.post("/chat/completions", summary="OpenAI-compatibel: stel een vraag (ook gestreamd)", response_model=None)
async def chat_completions(
    body: ChatCompletionRequest,
    request: Request,
    kb: AssistantDep,
    metrics: MetricsDep,
    who: PrincipalDep,
    qlog: QuestionLogDep,
) -> JSONResponse | EventSourceResponse:
    req = ask_request(kb, body)
    _log_question(qlog, who, req.question)
    base_url = str(request.base_url)
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        return EventSourceResponse(_chunks(kb, metrics, req, base_url, include_usage), sep="\n")
    # Answering is synchronous and CPU-bound: keep it off the event loop.
    answer = await run_in_threadpool(kb.ask, req.question, req.history, req.filters)
    metrics.observe_answer(answer)
    citations = linked_citations(answer, base_url)
    content = answer_markdown(answer, citations)
    return JSONResponse(
        {
            "id": _completion_id(),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": MODEL_ID,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": _usage(req, content),
            "citations": [c.model_dump() for c in citations],
            "refused": answer.refused,
        }
    )


def _sse(data: object) -> ServerSentEvent:
    return JSONServerSentEvent(data, sep="\n")


async def _chunks(
    kb: Assistant, metrics: Metrics, req: AskRequest, base_url: str, include_usage: bool
) -> AsyncIterator[ServerSentEvent]:
    """OpenAI's chunk stream: the role, content pieces, a last chunk with ``finish_reason`` and the
    citations, optionally the usage, then ``[DONE]``; an error object (no trace) if answering fails."""
    cid, created = _completion_id(), int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> ServerSentEvent:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return _sse(
            {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": MODEL_ID,
                "choices": [choice],
                **extra,
            }
        )

    yield chunk({"role": "assistant", "content": ""})
    try:
        answer = await run_in_threadpool(kb.ask, req.question, req.history, req.filters)
    except Exception:
        log.exception("answering failed while streaming (/v1)")
        yield _sse(error_body(500, ANSWER_FAILED_NL))
        yield ServerSentEvent("[DONE]", sep="\n")
        return
    metrics.observe_answer(answer)
    citations = linked_citations(answer, base_url)
    content = answer_markdown(answer, citations)
    for piece in stream_pieces(content):
        yield chunk({"content": piece})
    yield chunk({}, "stop", citations=[c.model_dump() for c in citations], refused=answer.refused)
    if include_usage:
        yield _sse(
            {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": MODEL_ID,
                "choices": [],
                "usage": _usage(req, content),
            }
        )
    yield ServerSentEvent("[DONE]", sep="\n")
