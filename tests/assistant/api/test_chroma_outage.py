"""Chroma server stopped mid-traffic: the API keeps answering (BM25 only, with a notice), /health says
degraded; Chroma started again on the same port and path: the same API process recovers by itself.

Real processes throughout: ``chroma run`` and ``woonzorg serve``, over loopback HTTP.
"""

from __future__ import annotations

import shutil
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.answering.engine import DENSE_UNAVAILABLE_NL
from ingest.ops.pipeline import Ingestor
from ingest.settings import Settings
from prompts.api import DENSE_UNAVAILABLE_PROBLEM_NL, DENSE_UNAVAILABLE_SEARCH_NL
from tests.assistant.conftest import START_TIMEOUT, WOONZORG, serve_env
from tests.conftest import CORPUS, ChromaServer, copy_embed_cache, free_port, make_settings, run_chroma
from tests.processes import running_server, stop

pytestmark = pytest.mark.slow

TWO_PDFS = (
    "handreiking-regionaal-afgestemde-woonzorgvisie.pdf",
    "woonzorgvisie-heemskerk-beverwijk-raadsvoorstel-2025.pdf",
)
QUESTIONS = (
    "Wat doet het Expertteam Huisvesting Aandachtsgroepen?",
    "Welke partners werkten mee aan de woonzorgvisie van Heemskerk en Beverwijk?",
    "Wat is een regionaal afgestemde woonzorgvisie?",
)
CLIENTS = 4
RECOVERY_BOUND_S = 15.0


@dataclass
class Reply:
    started: float
    ended: float
    status: int
    body: dict[str, Any]


def _ask(client: httpx.Client, question: str) -> Reply:
    started = time.monotonic()
    r = client.post("/api/ask", json={"question": question})
    body = r.json() if r.headers.get("content-type", "").startswith("application/json") else {"raw": r.text}
    return Reply(started, time.monotonic(), r.status_code, body)


def _notice(reply: Reply) -> bool:
    return DENSE_UNAVAILABLE_NL in reply.body.get("notices", [])


def _ingest_two_pdfs(corpus_settings: Settings, root: Path, server: ChromaServer) -> Settings:
    """The two small PDFs into the server; the session's warm embedding cache makes it upserts only."""
    pdfs = root / "pdfs"
    pdfs.mkdir()
    for name in TWO_PDFS:
        shutil.copy2(CORPUS / name, pdfs / name)
    data_dir = root / "data"
    copy_embed_cache(corpus_settings, data_dir)
    settings = make_settings(data_dir, chroma_url=server.url)
    ingestor = Ingestor(settings)
    try:
        outcomes = ingestor.ingest_paths([pdfs])
    finally:
        ingestor.close()
    assert [(o.status, o.embedded) for o in outcomes] == [("ingested", 0), ("ingested", 0)], outcomes
    return settings


def test_chroma_outage_degrades_to_bm25_and_recovers(corpus_settings: Settings, tmp_path: Path) -> None:
    server = ChromaServer(free_port(), tmp_path / "chroma-db")
    with ExitStack() as processes:  # every process started here is stopped on the way out, pass or fail
        chroma = processes.enter_context(run_chroma(server, tmp_path / "chroma-1.log"))
        settings = _ingest_two_pdfs(corpus_settings, tmp_path, server)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**serve_env(settings.data_dir), "WOONZORG_CHROMA_URL": server.url}
        cmd = [str(WOONZORG), "serve", "--host", "127.0.0.1", "--port", str(port)]
        workdir = tmp_path / "serve"
        workdir.mkdir()
        api_proc = processes.enter_context(
            running_server(cmd, f"{base}/health", workdir / "serve.log", START_TIMEOUT, env=env, cwd=workdir)
        )
        client = processes.enter_context(httpx.Client(base_url=base, timeout=60))

        # 1. Healthy: hybrid answers without the notice, /health ok with the vectors counted.
        health = client.get("/health").json()
        assert health["status"] == "ok" and health["dense"] == "ok" and "problems" not in health
        assert health["store"] == "chroma-server" and health["vectors"] == health["chunks"] > 10
        for q in QUESTIONS:
            reply = _ask(client, q)
            assert reply.status == 200 and not _notice(reply), reply.body
        assert _ask(client, QUESTIONS[0]).body["citations"]
        search = client.get("/api/search", params={"q": "expertteam aandachtsgroepen", "k": 3}).json()
        assert search["results"] and search["notices"] == []

        # 2. Chroma stopped while CLIENTS threads keep asking.
        replies: list[Reply] = []
        lock = threading.Lock()
        halt = threading.Event()

        def traffic(i: int) -> None:
            with httpx.Client(base_url=base, timeout=60) as own:
                n = i
                while not halt.is_set():
                    reply = _ask(own, QUESTIONS[n % len(QUESTIONS)])
                    with lock:
                        replies.append(reply)
                    n += 1

        with ThreadPoolExecutor(CLIENTS) as pool:
            workers = [pool.submit(traffic, i) for i in range(CLIENTS)]
            time.sleep(1.5)
            stopped_at = time.monotonic()
            stop(chroma)  # terminate, as an operator or orchestrator would
            assert chroma.returncode is not None
            time.sleep(4.0)  # longer than the back-off: dense is retried at least once while down
            halt.set()
            for w in workers:
                w.result()

        assert replies and all(r.status == 200 for r in replies), [r.body for r in replies if r.status != 200]
        before = [r for r in replies if r.ended < stopped_at]
        after = [r for r in replies if r.started > stopped_at]
        in_flight = [r for r in replies if r.started <= stopped_at <= r.ended]
        assert before and after
        assert not any(_notice(r) for r in before)
        assert all(_notice(r) for r in after), [r.body.get("notices") for r in after if not _notice(r)]
        assert all(r.body["answer"] for r in after)

        health = client.get("/health").json()
        assert health["status"] == "degraded" and health["problems"] == [DENSE_UNAVAILABLE_PROBLEM_NL]
        assert health["dense"] == "unavailable" and health["dense_error"] and health["vectors"] is None
        assert health["documents"] == 2
        search = client.get("/api/search", params={"q": "expertteam aandachtsgroepen", "k": 3}).json()
        assert search["results"] and search["notices"] == [DENSE_UNAVAILABLE_SEARCH_NL]  # BM25's results

        # 3. Chroma back on the same port and path: the same API process recovers without a restart.
        processes.enter_context(run_chroma(server, tmp_path / "chroma-2.log"))
        back_at = time.monotonic()
        recovered_s: float | None = None
        while time.monotonic() - back_at < RECOVERY_BOUND_S:
            reply = _ask(client, QUESTIONS[0])
            assert reply.status == 200
            if not _notice(reply) and client.get("/health").json()["status"] == "ok":
                recovered_s = time.monotonic() - back_at
                break
            time.sleep(0.25)
        assert recovered_s is not None, f"not recovered within {RECOVERY_BOUND_S}s"
        health = client.get("/health").json()
        assert health["status"] == "ok" and health["dense"] == "ok" and "problems" not in health
        assert health["vectors"] == health["chunks"]
        assert all(not _notice(_ask(client, q)) for q in QUESTIONS)
        assert client.get("/api/search", params={"q": "expertteam", "k": 3}).json()["notices"] == []
        assert api_proc.poll() is None  # never restarted

        print(
            f"\nchroma outage: {len(replies)} asks from {CLIENTS} clients ({len(before)} before the stop, "
            f"{len(in_flight)} in flight, {len(after)} after; all 200); p50 {_p50_ms(before):.0f} ms before, "
            f"{_p50_ms(after):.0f} ms during the outage; recovered {recovered_s:.1f}s after the restart"
        )


def _p50_ms(replies: list[Reply]) -> float:
    return statistics.median(r.ended - r.started for r in replies) * 1000
