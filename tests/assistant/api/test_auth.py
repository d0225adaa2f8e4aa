"""Tokens and roles over real HTTP: 401 without/with a wrong token, 403 for the wrong role, /health open;
security headers, CORS off, rate limit, body limit, the bind rule and `woonzorg token add`."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from assistant import Assistant
from assistant.api.app import create_app
from assistant.retrieval.hybrid import HybridSearcher
from assistant.service.audit import QuestionLog
from ingest.settings import Settings
from tests.assistant.api.conftest import TOKENS, auth, token_env
from tests.assistant.conftest import WOONZORG

DOC = "{doc}"
# (method, path, body, roles allowed)
ENDPOINTS: list[tuple[str, str, dict[str, object] | None, tuple[str, ...]]] = [
    ("GET", "/api/documents", None, ("admin", "staff", "partner")),
    ("GET", f"/api/documents/{DOC}", None, ("admin", "staff", "partner")),
    ("GET", f"/api/documents/{DOC}/pages/1", None, ("admin", "staff", "partner")),
    ("GET", f"/documents/{DOC}.pdf", None, ("admin", "staff", "partner")),
    ("GET", "/api/search?q=wonen", None, ("admin", "staff", "partner")),
    ("POST", "/api/ask", {"question": "Wat is een woonzorgvisie?"}, ("admin", "staff", "partner")),
    ("GET", "/api/ask/stream?question=wonen", None, ("admin", "staff", "partner")),
    ("POST", "/api/ask/stream", {"question": "wonen"}, ("admin", "staff", "partner")),
    ("GET", "/api/terms", None, ("admin", "staff", "partner")),
    ("GET", "/api/terms/woonzorgvisie", None, ("admin", "staff", "partner")),
    ("GET", "/api/maatregelen", None, ("admin", "staff", "partner")),
    ("GET", "/api/compare?topic=wonen", None, ("admin", "staff", "partner")),
    ("POST", "/api/feedback", {"question": "q", "answer": "a", "rating": "up"}, ("admin", "staff", "partner")),
    ("GET", "/api/me", None, ("admin", "staff", "partner")),
    ("GET", "/metrics", None, ("admin", "staff")),
    ("POST", "/api/documents", None, ("admin",)),
    ("DELETE", f"/api/documents/{DOC}", None, ("admin",)),
    ("POST", f"/api/documents/{DOC}/reindex", None, ("admin",)),
    ("PATCH", f"/api/documents/{DOC}", {"access": "public"}, ("admin",)),
    ("GET", "/api/jobs", None, ("admin",)),
    ("GET", "/api/jobs/onbekend", None, ("admin",)),
]


def _call(api: httpx.Client, method: str, path: str, body: object, headers: dict[str, str]) -> httpx.Response:
    return api.request(method, path, json=body, headers=headers)


def test_every_endpoint_needs_a_token_and_the_right_role(
    mixed_api: httpx.Client, mixed_doc_ids: dict[str, str]
) -> None:
    public_doc = mixed_doc_ids["woonzorgvisie-heemskerk-beverwijk-raadsvoorstel-2025.pdf"]
    rows = []
    for method, template, body, allowed in ENDPOINTS:
        path = template.replace(DOC, public_doc)
        none = _call(mixed_api, method, path, body, {})
        wrong = _call(mixed_api, method, path, body, {"Authorization": "Bearer verkeerd-token"})
        assert none.status_code == 401, (path, none.text)
        assert none.json()["detail"].startswith("Inloggen vereist") and none.headers["www-authenticate"] == "Bearer"
        assert wrong.status_code == 401 and wrong.json()["detail"] == "Dit token is ongeldig of ingetrokken."
        statuses = {}
        for role in TOKENS:
            if role == "admin" and method in ("POST", "DELETE") and path.startswith("/api/documents"):
                continue  # the admin's real actions are tested in test_upload.py
            r = _call(mixed_api, method, path, body, auth(role))
            statuses[role] = r.status_code
            if role in allowed:
                assert r.status_code not in (401, 403), (role, path, r.text)
            else:
                assert r.status_code == 403, (role, path, r.text)
                assert r.json()["detail"].startswith(f"Uw rol ({role}) mag dit niet")
        rows.append(f"{method} {template}: zonder token {none.status_code}, fout token {wrong.status_code}, {statuses}")
    print("\n" + "\n".join(rows))


def test_health_is_open_but_counts_only_for_staff(mixed_api: httpx.Client) -> None:
    r = mixed_api.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok", "index_loaded": True}
    assert mixed_api.get("/health", headers=auth("partner")).json() == {"status": "ok", "index_loaded": True}
    assert mixed_api.get("/health", headers=auth("staff")).json()["documents"] == 3


def test_ui_shell_is_open_and_headers_are_strict(mixed_api: httpx.Client) -> None:
    for path in ("/", "/static/js/app.js", "/api/documents"):
        r = mixed_api.get(path, headers={"Origin": "https://elders.example"})
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "access-control-allow-origin" not in r.headers  # CORS is off by default
    assert mixed_api.get("/").status_code == 200


def test_cors_allow_list(mixed_settings: Settings, searcher: HybridSearcher) -> None:
    settings = mixed_settings.updated(cors_origins="https://intranet.example")
    with TestClient(create_app(settings, Assistant.over(searcher, settings)), base_url="http://127.0.0.1") as client:
        ok = client.options(
            "/api/documents",
            headers={"Origin": "https://intranet.example", "Access-Control-Request-Method": "GET"},
        )
        assert ok.headers["access-control-allow-origin"] == "https://intranet.example"
        other = client.get("/health", headers={"Origin": "https://elders.example"})
        assert "access-control-allow-origin" not in other.headers


def test_rate_limit_per_token(mixed_settings: Settings, searcher: HybridSearcher) -> None:
    settings = mixed_settings.updated(api_tokens="a-token:staff,b-token:staff", rate_limit_per_minute=3)
    with TestClient(create_app(settings, Assistant.over(searcher, settings))) as client:
        a = {"Authorization": "Bearer a-token"}
        assert [client.get("/api/documents", headers=a).status_code for _ in range(3)] == [200] * 3
        r = client.get("/api/documents", headers=a)
        assert r.status_code == 429 and r.json()["detail"].startswith("Te veel verzoeken")
        assert 1 <= int(r.headers["retry-after"]) <= 60
        # Another token has its own budget; /health is never limited.
        assert client.get("/api/documents", headers={"Authorization": "Bearer b-token"}).status_code == 200
        assert client.get("/health").status_code == 200


def test_body_size_limit(mixed_api: httpx.Client) -> None:
    headers = {**auth("staff"), "Content-Type": "application/json"}
    r = mixed_api.post("/api/ask", content=json.dumps({"question": "x" * 1_100_000}), headers=headers)
    assert r.status_code == 413 and r.json() == {"detail": "De aanvraag is te groot (maximaal 1 MB)."}


def test_local_demo_without_tokens_is_loopback_only(corpus_settings: Settings, searcher: HybridSearcher) -> None:
    with TestClient(
        create_app(corpus_settings, Assistant.over(searcher, corpus_settings)), base_url="http://127.0.0.1"
    ) as client:
        assert client.get("/api/documents").status_code == 200  # no token needed on this machine
    # A Host from elsewhere (e.g. DNS rebinding from a web page) gets nothing.
    with TestClient(
        create_app(corpus_settings, Assistant.over(searcher, corpus_settings)), base_url="http://evil.example"
    ) as client:
        r = client.get("/api/documents")
        assert r.status_code == 403
        assert r.json() == {"detail": "Zonder tokens is de service alleen bereikbaar via 127.0.0.1."}


def test_serve_refuses_another_host_without_tokens(corpus_settings: Settings, tmp_path: Path) -> None:
    env = token_env(corpus_settings)
    del env["WOONZORG_API_TOKENS"]
    r = subprocess.run(
        [str(WOONZORG), "serve", "--host", "0.0.0.0", "--port", "1"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode != 0
    assert "zonder tokens start de service alleen op 127.0.0.1" in " ".join(r.stderr.split())


def test_token_add_stores_only_the_hash(mixed_settings: Settings, searcher: HybridSearcher, tmp_path: Path) -> None:
    tokens_file = tmp_path / "tokens.json"
    env = token_env(mixed_settings, WOONZORG_TOKENS_FILE=str(tokens_file))
    r = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "token", "add", "--role", "partner"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip().splitlines()[-1]
    assert len(token) >= 40
    stored = tokens_file.read_text()
    assert token not in stored and json.loads(stored)["tokens"][0]["role"] == "partner"
    settings = mixed_settings.updated(tokens_file=tokens_file, api_tokens="")
    with TestClient(create_app(settings, Assistant.over(searcher, settings))) as client:
        assert client.get("/api/documents", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).status_code == 403
        assert client.get("/api/documents").status_code == 401


def test_question_log_is_off_by_default_and_purged(
    mixed_settings: Settings, searcher: HybridSearcher, tmp_path: Path
) -> None:
    settings = mixed_settings.updated(data_dir=tmp_path, api_tokens="s-token:staff")
    staff = {"Authorization": "Bearer s-token"}
    with TestClient(create_app(settings, Assistant.over(searcher, settings))) as client:
        assert client.post("/api/ask", json={"question": "Wat is een woonzorgvisie?"}, headers=staff).status_code == 200
    assert not settings.question_log_path.exists()  # AVG: nothing stored unless switched on

    on = settings.updated(question_log=True, question_log_retention_days=7)
    with TestClient(create_app(on, Assistant.over(searcher, on))) as client:
        client.post("/api/ask", json={"question": "Mijn buurman Jan de Vries zoekt zorg"}, headers=staff)
    log = QuestionLog(on.question_log_path, 7)
    assert [(role, q) for _, role, q in log.entries()] == [("staff", "Mijn buurman Jan de Vries zoekt zorg")]
    assert log.purge(now=time.time() + 8 * 86400) == 1 and log.entries() == []
