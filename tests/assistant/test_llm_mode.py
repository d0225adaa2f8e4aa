"""LLM mode against a small fake OpenAI-compatible server (the one fake we allow: we ship no LLM).

The fake answers from the request it gets, so the engine's checks are exercised for real:
a supported, cited claim is kept; an unsupported or uncited one is dropped; errors and
time-outs fall back to the extractive answer with a notice.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assistant.answer_engine import AnswerEngine
from assistant.answer_models import Turn
from assistant.citations import normalise_ws
from assistant.retrieval import HybridSearcher
from ingest.settings import Settings
from prompts.answer import LLM_FALLBACK_NOTICE_NL, REFUSAL_NL, SYSTEM_PROMPT_NL


class FakeLlm:
    """Behaviour is switched per test; every request is recorded."""

    def __init__(self) -> None:
        self.mode = "faithful"
        self.requests: list[dict[str, Any]] = []

    def reply(self, body: dict[str, Any]) -> tuple[int, str]:
        self.requests.append(body)
        user = body["messages"][-1]["content"]
        if self.mode == "error":
            return 500, "boom"
        if self.mode == "slow":
            time.sleep(3)
        if self.mode == "refuse":
            return 200, REFUSAL_NL
        if self.mode == "rewrite" and "Vervolgvraag" in user:
            return 200, "Hoeveel zorggeschikte woningen heeft Beverwijk nodig volgens Tabel Bijlage 4.12?"
        first = re.search(r'<bron nummer="1"[^>]*>\n(.*?)\n</bron>', user, re.S)
        source = first.group(1) if first else ""
        sentence = re.split(r"(?<=[.!?])\s", source)[0]
        if self.mode == "injected":
            # Echoes a planted instruction as if it were a fact, citing a real source.
            return 200, "De gemeente geeft 1 miljoen euro subsidie aan iedereen [1]."
        if self.mode == "uncited":
            return 200, "Zorggeschikte woningen zijn fijn om in te wonen."
        # faithful: the first sentence of source 1, cited, plus an invented claim
        return 200, f"{sentence} [1]. Bovendien krijgt iedere bewoner 500 euro per maand [2]."


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[tuple[FakeLlm, str]]:
    fake = FakeLlm()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status, content = fake.reply(body)
            payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload.encode() if status == 200 else content.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def llm_engine(fake_llm: tuple[FakeLlm, str], searcher: HybridSearcher, corpus_settings: Settings) -> AnswerEngine:
    _, url = fake_llm
    settings = corpus_settings.model_copy(update={"llm_url": url, "llm_model": "fake", "llm_timeout_s": 1.0})
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
