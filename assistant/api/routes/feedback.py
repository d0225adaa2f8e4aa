"""Feedback per answer: thumbs up/down and an optional remark."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant import Rating
from assistant.api.deps import FeedbackDep
from prompts.api import FEEDBACK_THANKS_NL

router = APIRouter(prefix="/api", tags=["feedback"])


class FeedbackIn(BaseModel):
    question: str = Field(..., min_length=1, max_length=2000)
    answer: str = Field(..., max_length=20000)
    rating: Rating
    remark: str = Field("", max_length=2000)


class FeedbackOut(BaseModel):
    id: int
    detail: str


@router.post("/feedback", response_model=FeedbackOut, status_code=201, summary="Feedback op een antwoord")
def feedback(body: FeedbackIn, store: FeedbackDep) -> FeedbackOut:
    fid = store.add(body.question, body.answer, body.rating, body.remark.strip())
    return FeedbackOut(id=fid, detail=FEEDBACK_THANKS_NL)
