"""A small fake OpenAI-compatible chat endpoint (the one fake we allow: we ship no LLM).

It answers from the request it gets, so the engine's checks run for real. Import the
``fake_llm`` fixture into a test module to use it.
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

from prompts.answer import REFUSAL_NL


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
