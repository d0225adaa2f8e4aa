"""Asking over HTTP: the JSON answer, the SSE stream (event order, pieces add up), and errors in Dutch."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.api.routes.ask import stream_pieces
from prompts.api import ANSWER_FAILED_NL

DSP = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"
OFF_CORPUS = "Hoeveel subsidie geeft de gemeente voor zonnepanelen?"
REFUSAL = "Dit staat niet in de beschikbare documenten."


def parse_sse(text: str) -> list[tuple[str, Any]]:
    """(event, JSON data) per event of an SSE body; comments (pings) skipped."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events


def _page_text(api: httpx.Client, doc_id: str, page: int) -> str:
    r = api.get(f"/api/documents/{doc_id}/pages/{page}")
    assert r.status_code == 200, r.text
    return str(r.json()["text"])


def _normalised(text: str) -> str:
    return " ".join(text.split())


def test_ask_returns_a_cited_answer(api: httpx.Client) -> None:
    r = api.post("/api/ask", json={"question": "Wat zijn zorggeschikte woningen?"})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["refused"] is False
    assert answer["question"] == "Wat zijn zorggeschikte woningen?"
    assert "zelfstandige woningen" in answer["answer"]
    assert answer["citations"], "an answer without citations"
    assert any(c["file"] == DSP and c["page"] == 47 for c in answer["citations"])
    for c in answer["citations"]:
        assert f"[{c['n']}]" in answer["answer"]
        # Every quote is text of the page it cites (the API serves that page).
        assert _normalised(c["quote"]) in _normalised(_page_text(api, c["doc_id"], c["page"]))
    assert answer["timings"]["total_ms"] > 0
    assert answer["evidence"]


def test_ask_refuses_an_off_corpus_question(api: httpx.Client) -> None:
    answer = api.post("/api/ask", json={"question": OFF_CORPUS}).json()
    assert answer["refused"] is True
    assert answer["answer"].startswith(REFUSAL)
    assert "Misschien relevant" in answer["answer"]


def test_follow_up_uses_history(api: httpx.Client) -> None:
    first = api.post("/api/ask", json={"question": "Wie is trekker van maatregel 1d?"}).json()
    assert not first["refused"]
    turn = {
        "question": first["question"],
        "answer": first["answer"],
        "cited_pages": [[c["doc_id"], c["page"]] for c in first["citations"]],
    }
    alone = api.post("/api/ask", json={"question": "En wat is het tijdspad?"}).json()
    follow = api.post("/api/ask", json={"question": "En wat is het tijdspad?", "history": [turn]}).json()
    # The follow-up carries the earlier subject into retrieval; on its own it cannot.
    assert "maatregel 1d" in follow["retrieval_query"]
    assert "maatregel 1d" not in alone["retrieval_query"]


def test_ask_filters_limit_the_documents(api: httpx.Client, doc_ids: dict[str, str]) -> None:
    gooi = doc_ids["strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"]
    body = {"question": "Wat is de opgave voor zorggeschikte woningen?", "filters": {"doc_ids": [gooi]}}
    answer = api.post("/api/ask", json=body).json()
    assert answer["citations"]
    assert {c["doc_id"] for c in answer["citations"]} == {gooi}


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "question"), ({"question": ""}, "question"), ({"question": "x" * 2001}, "question")],
)
def test_invalid_questions_get_a_dutch_422(api: httpx.Client, body: dict[str, Any], field: str) -> None:
    for path in ("/api/ask", "/api/ask/stream"):
        r = api.post(path, json=body)
        assert r.status_code == 422, r.text
        assert r.json()["detail"].startswith("Ongeldige aanvraag")
        assert f"'{field}'" in r.json()["detail"]


def _check_stream(events: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in events]
    assert names[0] == "status"
    assert names[-3:] == ["citations", "answer", "done"], names
    deltas = names[1:-3]
    assert deltas and set(deltas) == {"delta"}
    answer = events[-2][1]
    # The pieces, in order, are exactly the final answer; the citations event is the answer's.
    assert "".join(data["text"] for name, data in events if name == "delta") == answer["answer"]
    assert events[-3][1] == answer["citations"]
    assert events[-1][1] == {"refused": answer["refused"]}
    return dict(answer)


def test_stream_get_event_order(api: httpx.Client) -> None:
    r = api.get("/api/ask/stream", params={"question": "Wat zijn zorggeschikte woningen?"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    answer = _check_stream(parse_sse(r.text))
    assert not answer["refused"]
    assert answer["citations"] and answer["timings"]["total_ms"] > 0
    assert len([1 for name, _ in parse_sse(r.text) if name == "delta"]) > 3  # streamed in pieces, not one blob


def test_stream_post_with_history_and_refusal(api: httpx.Client) -> None:
    body = {"question": OFF_CORPUS, "history": [{"question": "Wat zijn zorggeschikte woningen?", "answer": "…"}]}
    with api.stream("POST", "/api/ask/stream", json=body) as r:
        assert r.status_code == 200
        text = "".join(r.iter_text())
    answer = _check_stream(parse_sse(text))
    assert answer["refused"] is True
    assert answer["answer"].startswith(REFUSAL)


def test_stream_get_needs_a_question(api: httpx.Client) -> None:
    r = api.get("/api/ask/stream")
    assert r.status_code == 422
    assert "'question' ontbreekt" in r.json()["detail"]


def test_error_mid_stream_is_an_error_event(app_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("index kapot /secret/path")

    engine = app_client.app.state.assistant.engine  # type: ignore[attr-defined]
    monkeypatch.setattr(engine, "ask", broken)
    r = app_client.get("/api/ask/stream", params={"question": "Wat zijn zorggeschikte woningen?"})
    assert r.status_code == 200  # the stream had started
    events = parse_sse(r.text)
    assert [name for name, _ in events] == ["status", "error"]
    assert events[-1][1] == {"detail": ANSWER_FAILED_NL}
    assert "secret" not in r.text and "Traceback" not in r.text

    # The JSON endpoint: a Dutch 500, no trace.
    r = app_client.post("/api/ask", json={"question": "Wat zijn zorggeschikte woningen?"})
    assert r.status_code == 500
    assert r.json() == {"detail": "Er ging iets mis aan onze kant. Probeer het later opnieuw."}


@pytest.mark.parametrize(
    "text",
    [
        "Volgens X:\n- Zorggeschikte woningen zijn zelfstandige woningen [1]\n\n- en meer  tekst [2]",
        "één",
        "",
        "  voorloop\n\n\nwit  ",
    ],
)
def test_stream_pieces_add_up(text: str) -> None:
    pieces = stream_pieces(text)
    assert "".join(pieces) == text
    for p in pieces:
        assert "\n" not in p.rstrip("\n") or not p.strip()  # a piece never spans two lines
        assert len(p.split()) <= 4
