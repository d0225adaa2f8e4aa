"""Questions: one answer as JSON, or the same answer streamed as Server-Sent Events."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator

from fastapi import APIRouter, HTTPException, Query
from sse_starlette import EventSourceResponse, JSONServerSentEvent, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from assistant import Answer, AskRequest, Assistant, Principal, QuestionLog
from assistant.api.deps import AssistantDep, MetricsDep, PrincipalDep, QuestionLogDep
from assistant.api.metrics import Metrics
from prompts.api import ANSWER_FAILED_NL, SEARCHING_NL
from prompts.service import UNKNOWN_DOCUMENT_NL

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["vragen"])

# Up to four words (with the spaces after them) or a run of blank space: a line never
# spills into the next piece, and the pieces joined are exactly the answer.
_PIECE = re.compile(r"(?:\S+[^\S\n]*){1,4}\n?|\s+")


def _checked(kb: Assistant, req: AskRequest) -> AskRequest:
    """404 for a filter naming a document the caller cannot see (as for one that never existed);
    cited pages of such documents in the history are dropped."""
    unknown = [d for d in (req.filters.doc_ids or []) if kb.document(d) is None] if req.filters else []
    if unknown:
        raise HTTPException(404, detail=UNKNOWN_DOCUMENT_NL.format(doc=", ".join(unknown)))
    history = [
        t.model_copy(update={"cited_pages": [p for p in t.cited_pages if kb.document(p[0])]}) for t in req.history
    ]
    return req.model_copy(update={"history": history})


def _log_question(qlog: QuestionLog | None, who: Principal, question: str) -> None:
    # Only when switched on (WOONZORG_QUESTION_LOG); the role, never the token.
    if qlog is not None:
        qlog.add(who.role, question)


@router.post("/ask", response_model=Answer, summary="Stel een vraag (volledig antwoord als JSON)")
def ask(body: AskRequest, kb: AssistantDep, metrics: MetricsDep, who: PrincipalDep, qlog: QuestionLogDep) -> Answer:
    _log_question(qlog, who, body.question)
    body = _checked(kb, body)
    answer = kb.ask(body.question, history=body.history, filters=body.filters)
    metrics.observe_answer(answer)
    return answer


@router.get("/ask/stream", summary="Stel een vraag; het antwoord komt als Server-Sent Events")
async def ask_stream(
    kb: AssistantDep,
    metrics: MetricsDep,
    who: PrincipalDep,
    qlog: QuestionLogDep,
    question: str = Query(..., min_length=1, max_length=2000, description="De vraag"),
) -> EventSourceResponse:
    _log_question(qlog, who, question)
    return EventSourceResponse(answer_events(kb, metrics, AskRequest(question=question)), sep="\n")


@router.post("/ask/stream", summary="Vraag met gespreksgeschiedenis en filters; antwoord als Server-Sent Events")
async def ask_stream_post(
    body: AskRequest, kb: AssistantDep, metrics: MetricsDep, who: PrincipalDep, qlog: QuestionLogDep
) -> EventSourceResponse:
    _log_question(qlog, who, body.question)
    return EventSourceResponse(answer_events(kb, metrics, _checked(kb, body)), sep="\n")


def stream_pieces(text: str) -> list[str]:
    return _PIECE.findall(text)


def _event(name: str, data: object) -> ServerSentEvent:
    # The event's own separator: sse-starlette applies the response's ``sep`` only to dicts.
    return JSONServerSentEvent(data, event=name, sep="\n")


async def answer_events(kb: Assistant, metrics: Metrics, req: AskRequest) -> AsyncIterator[ServerSentEvent]:
    """``status``, then ``delta`` pieces of the answer text, ``citations``, ``answer`` and ``done``;
    an ``error`` event (Dutch message, no trace) if answering fails."""
    yield _event("status", {"message": SEARCHING_NL})
    try:
        # Answering is synchronous and CPU-bound: keep it off the event loop.
        answer = await run_in_threadpool(kb.ask, req.question, req.history, req.filters)
    except Exception:
        log.exception("answering failed while streaming")
        yield _event("error", {"detail": ANSWER_FAILED_NL})
        return
    metrics.observe_answer(answer)
    for piece in stream_pieces(answer.answer):
        yield _event("delta", {"text": piece})
    yield _event("citations", [c.model_dump() for c in answer.citations])
    yield _event("answer", answer.model_dump())
    yield _event("done", {"refused": answer.refused})
