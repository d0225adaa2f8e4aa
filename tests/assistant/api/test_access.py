"""Partners never see internal documents: property-style, over real HTTP, on every data endpoint.

The mixed corpus has the Gooi en Vechtstreek strategy (the corpus' maatregelen) marked
``intern``. Many random asks (dev questions, random corpus words, phrases and maatregel ids of
the internal document) go to every endpoint as a partner — /api, the OpenAI-compatible /v1 and
MCP (/mcp) —; no response may carry the internal doc_id, file, title or any of its lines.
Staff and admin see it.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mcp import Client

from ingest.settings import Settings
from ingest.store.registry import Registry
from tests.assistant.api.conftest import INTERN_FILE, TOKENS, auth
from tests.assistant.api.test_mcp import _http
from tests.conftest import DEV_QUESTIONS

ASKS = 210
CONNECTOR_ASKS = 60  # per connector (/v1 and MCP): each is a full answer
MIN_LINE = 30  # internal lines at least this long (and absent from public pages) must never appear


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


class LeakCheck:
    """What of the internal document must not show up in a partner's response."""

    def __init__(self, settings: Settings) -> None:
        registry = Registry(settings.registry_path)
        try:
            docs = registry.documents()
            intern = next(d for d in docs if d.file == INTERN_FILE)
            public_text = "\n".join(t for d in docs if d.doc_id != intern.doc_id for t in registry.page_texts(d.doc_id))
            self.pages = registry.page_texts(intern.doc_id)
        finally:
            registry.close()
        self.doc_id, self.file, self.title = intern.doc_id, intern.file, intern.title
        self.lines = sorted(
            {ln for p in self.pages for ln in p.splitlines() if len(ln) >= MIN_LINE and ln not in public_text}
        )
        assert len(self.lines) > 50, "the internal document must have plenty of its own text to leak"
        self.markers = [self.doc_id, self.file, self.title, *self.lines]

    def leaks(self, payload: Any, question: str) -> list[str]:
        found = []
        for s in _strings(payload):
            s = s.replace(question, " ")  # the caller's own words may be echoed back
            found += [m[:60] for m in self.markers if m in s]
        return found


@pytest.fixture(scope="module")
def leak_check(mixed_settings: Settings) -> LeakCheck:
    return LeakCheck(mixed_settings)


def random_questions(check: LeakCheck, n: int, seed: int = 6) -> list[str]:
    rng = random.Random(seed)
    dev = [json.loads(line)["question"] for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    words = sorted({w for p in check.pages for w in re.findall(r"[A-Za-zÀ-ÿ]{5,}", p)})
    intern_phrases = [" ".join(ln.split()[:8]) for ln in check.lines]
    templates = [
        lambda: rng.choice(dev),
        lambda: " ".join(rng.sample(words, rng.randint(1, 4))),
        lambda: f"Wat staat er over {' '.join(rng.sample(words, 2))}?",
        lambda: rng.choice(intern_phrases),
        lambda: f"Wie is trekker van maatregel {rng.randint(1, 4)}{rng.choice('abcdefg')}?",
        lambda: f"Wat zegt het {check.title} over {rng.choice(words)}?",
        lambda: f"Welke maatregelen heeft Gooi en Vechtstreek voor {rng.choice(words)}?",
    ]
    return [rng.choice(templates)() for _ in range(n)]


def test_partner_never_sees_internal_text(mixed_api: httpx.Client, leak_check: LeakCheck) -> None:
    questions = random_questions(leak_check, ASKS)
    leaked: dict[str, list[str]] = {}
    tried = 0
    for i, q in enumerate(questions):
        calls: list[tuple[str, httpx.Response]] = [
            ("ask", mixed_api.post("/api/ask", json={"question": q}, headers=auth("partner"))),
            ("search", mixed_api.get("/api/search", params={"q": q, "k": 20}, headers=auth("partner"))),
        ]
        word = q.split()[-1].strip("?")
        if i % 5 == 0:
            calls += [
                ("terms", mixed_api.get("/api/terms", params={"q": word}, headers=auth("partner"))),
                ("maatregelen", mixed_api.get("/api/maatregelen", params={"q": word}, headers=auth("partner"))),
                ("stream", mixed_api.get("/api/ask/stream", params={"question": q}, headers=auth("partner"))),
            ]
        if i % 30 == 0:
            calls.append(("compare", mixed_api.get("/api/compare", params={"topic": q[:400]}, headers=auth("partner"))))
        for name, r in calls:
            assert r.status_code == 200, (name, q, r.text[:300])
            payload = r.text if name == "stream" else r.json()
            if found := leak_check.leaks(payload, q):
                leaked[f"{name}: {q}"] = found
        tried += 1
    print(f"\npartner asks tried: {tried}; responses leaking internal text: {len(leaked)}")
    assert tried >= 200
    assert not leaked, leaked


def test_partner_lists_and_pages(
    mixed_api: httpx.Client, mixed_doc_ids: dict[str, str], leak_check: LeakCheck
) -> None:
    intern = mixed_doc_ids[INTERN_FILE]
    partner, staff = auth("partner"), auth("staff")
    for name, r in {
        "documents": mixed_api.get("/api/documents", headers=partner),
        "terms": mixed_api.get("/api/terms", headers=partner),
        "maatregelen": mixed_api.get("/api/maatregelen", headers=partner),
    }.items():
        assert r.status_code == 200
        assert not leak_check.leaks(r.json(), ""), name
    assert mixed_api.get("/api/maatregelen", headers=partner).json() == []  # only the intern plan has them
    # 404 with the same words as for a doc_id that never existed: existence does not leak.
    for path in (f"/api/documents/{intern}", f"/api/documents/{intern}/pages/1", f"/documents/{intern}.pdf"):
        r = mixed_api.get(path, headers=partner)
        assert r.status_code == 404 and r.json() == {"detail": f"Onbekend document: {intern}."}, path
    r = mixed_api.get("/api/maatregelen", params={"doc": intern}, headers=partner)
    assert r.status_code == 404
    r = mixed_api.get("/api/compare", params={"topic": "wonen", "docs": intern}, headers=partner)
    assert r.status_code == 404
    r = mixed_api.get("/api/search", params={"q": "maatregel trekker", "doc": intern}, headers=partner)
    assert r.status_code == 200 and r.json()["results"] == []
    asked: dict[str, Any] = {"question": "Wie is trekker van maatregel 1d?", "filters": {"doc_ids": [intern]}}
    r = mixed_api.post("/api/ask", json=asked, headers=partner)
    assert r.status_code == 404 and r.json() == {"detail": f"Onbekend document: {intern}."}
    # A history citing the internal plan's pages changes nothing.
    asked = {"question": "En wat is het tijdspad?", "history": [{"question": "x", "cited_pages": [[intern, 3]]}]}
    r = mixed_api.post("/api/ask", json=asked, headers=partner)
    assert r.status_code == 200 and not leak_check.leaks(r.json(), asked["question"])

    # Staff and admin see the internal document everywhere.
    for role in ("staff", "admin"):
        docs = mixed_api.get("/api/documents", headers=auth(role)).json()
        assert {d["doc_id"]: d["access"] for d in docs}[intern] == "intern"
    assert mixed_api.get(f"/api/documents/{intern}/pages/1", headers=staff).status_code == 200
    assert mixed_api.get(f"/documents/{intern}.pdf", headers=staff).headers["content-type"] == "application/pdf"
    assert mixed_api.get("/api/maatregelen", headers=staff).json()
    answer = mixed_api.post("/api/ask", json={"question": "Wie is trekker van maatregel 1d?"}, headers=staff).json()
    assert not answer["refused"] and {c["doc_id"] for c in answer["citations"]} == {intern}
    hits = mixed_api.get("/api/search", params={"q": "Gooi en Vechtstreek maatregel trekker"}, headers=staff).json()
    assert intern in {h["doc_id"] for h in hits["results"]}
    # The same question as partner: refused, nothing of the plan.
    answer = mixed_api.post("/api/ask", json={"question": "Wie is trekker van maatregel 1d?"}, headers=partner).json()
    assert answer["refused"] and not leak_check.leaks(answer, "Wie is trekker van maatregel 1d?")


@pytest.mark.slow
def test_partner_never_sees_internal_text_over_v1_and_mcp(mixed_url: str, leak_check: LeakCheck) -> None:
    questions = random_questions(leak_check, CONNECTOR_ASKS, seed=14)
    leaked: dict[str, list[str]] = {}
    tried = {"v1": 0, "mcp": 0}
    with httpx.Client(base_url=mixed_url, timeout=120, headers=auth("partner")) as http:
        for i, q in enumerate(questions):
            stream = i % 4 == 0
            body = {"model": "woonzorg-assistent", "messages": [{"role": "user", "content": q}], "stream": stream}
            r = http.post("/v1/chat/completions", json=body)
            assert r.status_code == 200, (q, r.text[:300])
            if found := leak_check.leaks(r.text if stream else r.json(), q):
                leaked[f"v1{' stream' if stream else ''}: {q}"] = found
            tried["v1"] += 1
        models = http.get("/v1/models")
        assert models.status_code == 200 and not leak_check.leaks(models.json(), "")

    async def session(client: Client) -> list[tuple[str, str, Any]]:
        seen: list[tuple[str, str, Any]] = []
        for i, q in enumerate(questions):
            calls: list[tuple[str, dict[str, Any]]] = [("ask", {"question": q})]
            if i % 3 == 0:
                calls += [("search", {"query": q, "k": 20}), ("define", {"term": q.split()[-1].strip("?")})]
            if i % 10 == 0:
                calls += [("measures", {"q": q.split()[-1].strip("?")}), ("compare", {"topic": q[:400]})]
            for name, arguments in calls:
                result = await client.call_tool(name, arguments)
                seen.append((name, q, [result.structured_content, [getattr(c, "text", "") for c in result.content]]))
        for name in ("documents",):
            result = await client.call_tool(name, {})
            seen.append((name, "", [result.structured_content, [getattr(c, "text", "") for c in result.content]]))
        resource = await client.read_resource("woonzorg://documents")
        seen.append(("resource documents", "", [getattr(c, "text", "") for c in resource.contents]))
        return seen

    for name, q, payload in _http(mixed_url, session, token=TOKENS["partner"]):
        tried["mcp"] += name == "ask"
        if found := leak_check.leaks(payload, q):
            leaked[f"mcp {name}: {q}"] = found
    print(f"\npartner asks tried: {tried}; responses leaking internal text: {len(leaked)}")
    assert tried == {"v1": CONNECTOR_ASKS, "mcp": CONNECTOR_ASKS}
    assert not leaked, leaked
