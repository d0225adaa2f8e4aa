"""An upload is searchable by its words as soon as its job is done; its vectors follow in the
service's background worker, which resumes after a restart. Real `woonzorg serve` processes."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from ingest.settings import Settings
from prompts import answer as P
from tests.assistant.api.conftest import TOKENS, auth, token_env
from tests.assistant.conftest import START_TIMEOUT, WOONZORG
from tests.conftest import CORPUS, free_port, make_settings
from tests.processes import running_server

pytestmark = pytest.mark.slow

HANDREIKING = "handreiking-regionaal-afgestemde-woonzorgvisie.pdf"
PLAN = "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"
PENDING_PREFIX = P.VECTORS_PENDING_NL.split("{")[0]


def _serve(settings: Settings, workdir: Path, background: bool) -> Any:
    port = free_port()
    env = token_env(
        settings,
        WOONZORG_RATE_LIMIT_PER_MINUTE="0",
        WOONZORG_BACKGROUND_EMBEDDING="true" if background else "false",
    )
    cmd = [str(WOONZORG), "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = workdir / f"serve-{port}.log"
    return running_server(cmd, f"http://127.0.0.1:{port}/health", log, START_TIMEOUT, env=env, cwd=workdir), port


def _status(api: httpx.Client, doc_id: str) -> dict[str, Any]:
    r = api.get(f"/api/documents/{doc_id}", headers=auth("staff"))
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_upload_is_searchable_at_once_and_embedded_after_a_restart(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy2(CORPUS / HANDREIKING, corpus / HANDREIKING)
    shutil.copy2(CORPUS / "manifest.json", corpus / "manifest.json")
    settings = make_settings(tmp_path / "data").updated(
        corpus_dir=corpus, api_tokens=",".join(f"{t}:{r}" for r, t in TOKENS.items())
    )

    # 1. Background embedding off (e.g. the worker process is busy elsewhere): the upload is live for BM25 only.
    server, port = _serve(settings, tmp_path, background=False)
    with server, httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as api:
        started = time.perf_counter()
        r = api.post(
            "/api/documents",
            files=[("files", (PLAN, (CORPUS / PLAN).read_bytes(), "application/pdf"))],
            data={"access": "public", "title": "Uitvoeringsplan Dijk en Waard"},
            headers=auth("admin"),
        )
        assert r.status_code == 202, r.text
        while (job := api.get(r.json()["url"], headers=auth("admin")).json())["status"] not in ("done", "failed"):
            time.sleep(0.1)
        searchable_s = time.perf_counter() - started
        assert job["status"] == "done", job
        doc_id = job["files"][0]["doc_id"]
        print(f"\nupload → searchable by words: {searchable_s:.1f} s ({job['files'][0]['chunks']} chunks)")

        doc = _status(api, doc_id)
        assert (doc["indexing"], doc["indexing_label"]) == (
            "tekst",
            "tekst geïndexeerd (zoeken op woorden; semantisch zoeken volgt)",
        )
        hits = api.get(
            "/api/search", params={"q": "Dijk en Waard uitvoeringsplan woonzorg"}, headers=auth("staff")
        ).json()
        assert doc_id in {h["doc_id"] for h in hits["results"]}
        answer = api.post(
            "/api/ask",
            json={"question": "Wat staat er in het uitvoeringsplan van Dijk en Waard?"},
            headers=auth("staff"),
        ).json()
        assert any(n.startswith(PENDING_PREFIX) for n in answer["notices"]), answer["notices"]
        health = api.get("/health", headers=auth("admin")).json()
        assert health["documents_waiting_for_vectors"] == 1

    # 2. Restart with the worker on: it finds the waiting document by itself and embeds it.
    server, port = _serve(settings, tmp_path, background=True)
    with server, httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as api:
        deadline = time.monotonic() + 600
        while (doc := _status(api, doc_id))["indexing"] != "semantisch":
            assert time.monotonic() < deadline, api.get("/health", headers=auth("admin")).json()
            time.sleep(0.5)
        assert doc["indexing_label"] == "semantisch geïndexeerd"
        health = api.get("/health", headers=auth("admin")).json()
        assert health["documents_waiting_for_vectors"] == 0
        assert health["vectors"] == health["chunks"]
        answer = api.post(
            "/api/ask",
            json={"question": "Wat staat er in het uitvoeringsplan van Dijk en Waard?"},
            headers=auth("staff"),
        ).json()
        assert not any(n.startswith(PENDING_PREFIX) for n in answer["notices"]), answer["notices"]
