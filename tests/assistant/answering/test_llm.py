"""LLM mode against a small fake OpenAI-compatible server (the one fake we allow: we ship no LLM).

The fake answers from the request it gets, so the engine's checks are exercised for real:
a supported, cited claim is kept; an unsupported or uncited one is dropped; errors and
time-outs fall back to the extractive answer with a notice.
"""

from __future__ import annotations

import pytest

from assistant.answering.citations import normalise_ws
from assistant.answering.engine import AnswerEngine
from assistant.models import Turn
from assistant.retrieval.hybrid import HybridSearcher
from ingest.settings import Settings
from prompts.answer import LLM_FALLBACK_NOTICE_NL, REFUSAL_NL, SYSTEM_PROMPT_NL
from tests.fake_llm import FakeLlm


@pytest.fixture()
def llm_engine(fake_llm: tuple[FakeLlm, str], searcher: HybridSearcher, corpus_settings: Settings) -> AnswerEngine:
    _, url = fake_llm
    settings = corpus_settings.updated(llm_url=url, llm_model="fake", llm_timeout_s=1.0)
    return AnswerEngine.from_settings(searcher, settings)


def test_supported_claims_are_kept_and_cited_unsupported_ones_dropped(
    fake_llm: tuple[FakeLlm, str], llm_engine: AnswerEngine
) -> None:
    fake, _ = fake_llm
    fake.mode = "faithful"
    answer = llm_engine.ask("Wat zijn zorggeschikte woningen?")
    assert answer.mode == "llm" and not answer.refused
    assert "500 euro" not in answer.answer  # invented, its source does not say it
    assert answer.citations and "[1]" in answer.answer
    for c in answer.citations:
        page = llm_engine.index.page_text(c.doc_id, c.page)
        assert page is not None and normalise_ws(c.quote) in normalise_ws(page)
    sent = fake.requests[-1]
    assert sent["messages"][0]["content"] == SYSTEM_PROMPT_NL
    assert '<bron nummer="1"' in sent["messages"][1]["content"]


@pytest.mark.parametrize("mode", ["injected", "uncited", "error", "slow"])
def test_falls_back_to_the_extractive_answer_with_a_notice(
    fake_llm: tuple[FakeLlm, str], llm_engine: AnswerEngine, mode: str
) -> None:
    fake, _ = fake_llm
    fake.mode = mode
    answer = llm_engine.ask("Wat zijn zorggeschikte woningen?")
    assert answer.mode == "extractive"
    assert "1 miljoen" not in answer.answer
    assert "zelfstandige woningen" in answer.answer
    prefix = LLM_FALLBACK_NOTICE_NL.split("(")[0]
    assert any(n.startswith(prefix) for n in answer.notices), answer.notices


def test_llm_refusal_uses_the_sentinel(fake_llm: tuple[FakeLlm, str], llm_engine: AnswerEngine) -> None:
    fake, _ = fake_llm
    fake.mode = "refuse"
    answer = llm_engine.ask("Wat zijn zorggeschikte woningen?")
    assert answer.refused and answer.answer.startswith(REFUSAL_NL)


def test_follow_up_is_rewritten_by_the_llm(fake_llm: tuple[FakeLlm, str], llm_engine: AnswerEngine) -> None:
    fake, _ = fake_llm
    fake.mode = "rewrite"
    history = [Turn(question="Hoeveel zorggeschikte woningen heeft Heemskerk nodig?", answer="115 [1]")]
    answer = llm_engine.ask("En voor Beverwijk?", history=history)
    assert answer.retrieval_query.startswith("Hoeveel zorggeschikte woningen heeft Beverwijk")
