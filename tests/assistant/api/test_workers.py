"""`woonzorg serve --workers 2` against one Chroma server: after a re-index by a separate ingest
job (or an access change by `woonzorg access`), every worker moves to the new index version, and
no response ever mixes two versions."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from ingest.ops.pipeline import Ingestor
from ingest.settings import Settings
from tests.assistant.conftest import START_TIMEOUT, WOONZORG, serve_env
from tests.conftest import CORPUS, ChromaServer, copy_embed_cache, free_port, make_settings
from tests.processes import running_server

pytestmark = pytest.mark.slow

FIRST = (
    "handreiking-regionaal-afgestemde-woonzorgvisie.pdf",
    "woonzorgvisie-heemskerk-beverwijk-raadsvoorstel-2025.pdf",
)
LATER = "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"
UPLOADED = "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"


def _env(settings: Settings) -> dict[str, str]:
    env = serve_env(settings.data_dir)
    env["WOONZORG_CHROMA_URL"] = settings.index.chroma_url
    env["WOONZORG_CHROMA_COLLECTION"] = settings.index.chroma_collection
    return env


def test_two_workers_load_the_same_new_version(
    tmp_path: Path, corpus_settings: Settings, chroma_server: ChromaServer
) -> None:
    copy_embed_cache(corpus_settings, tmp_path / "data")  # vectors from the session ingest: no embedding here
    settings = make_settings(tmp_path / "data", chroma_url=chroma_server.url, chroma_collection="workers_chunks")
    first = tmp_path / "first"
    first.mkdir()
    for name in FIRST:
        shutil.copy2(CORPUS / name, first / name)
    ingestor = Ingestor(settings)
    try:
        ingestor.ingest_paths([first])
    finally:
        ingestor.close()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [str(WOONZORG), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    seen: dict[str, int] = {}  # index version → documents, as any worker reported it

    def poll() -> dict[int, str]:
        """One /health per new connection (the kernel spreads them over the workers): pid → version."""
        latest: dict[int, str] = {}
        for _ in range(12):
            info = httpx.get(f"{base}/health", timeout=30).json()
            assert seen.setdefault(info["version"], info["documents"]) == info["documents"], info
            latest[info["worker_pid"]] = info["version"]
        return latest

    with running_server(cmd, f"{base}/health", tmp_path / "serve.log", START_TIMEOUT, env=_env(settings), cwd=tmp_path):
        deadline = time.monotonic() + 60
        pids: dict[int, str] = {}
        while len(pids) < 2:
            assert time.monotonic() < deadline, f"only worker(s) {pids} answered"
            pids.update(poll())
        assert len(set(pids.values())) == 1 and seen == {next(iter(pids.values())): 2}

        # A separate ingest job (another process) adds a document while the workers serve.
        later = tmp_path / "later"
        later.mkdir()
        shutil.copy2(CORPUS / LATER, later / LATER)
        done = subprocess.run(
            [str(WOONZORG), "ingest", str(later)], env=_env(settings), cwd=tmp_path, capture_output=True, timeout=600
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]

        deadline = time.monotonic() + 60
        now: dict[int, str] = {}
        while not (len(now) == 2 and all(seen[v] == 3 for v in now.values())):
            assert time.monotonic() < deadline, f"workers still on {now}; seen {seen}"
            now.update(poll())
        assert sorted(seen.values()) == [2, 3]  # two versions, each always with its own document count
        for _ in range(6):  # whichever worker answers finds the new document
            hits = httpx.get(f"{base}/api/search", params={"q": "uitvoeringsplan Dijk en Waard"}, timeout=30).json()
            assert any(h["file"] == LATER for h in hits["results"])

        # An upload is run by the worker that took it; its job is visible from every worker.
        r = httpx.post(
            f"{base}/api/documents",
            files=[("files", (UPLOADED, (CORPUS / UPLOADED).read_bytes(), "application/pdf"))],
            data={"access": "public"},
            timeout=60,
        )
        assert r.status_code == 202, r.text
        deadline = time.monotonic() + 300
        while True:
            job = httpx.get(f"{base}{r.json()['url']}", timeout=30)  # a new connection: any worker
            assert job.status_code == 200, job.text
            if job.json()["status"] in ("done", "failed"):
                break
            assert time.monotonic() < deadline, job.json()
            time.sleep(0.2)
        assert job.json()["status"] == "done" and job.json()["files"][0]["status"] == "ingested"
        for _ in range(10):  # new connections, spread over both workers: every one knows the job
            again = httpx.get(f"{base}{r.json()['url']}", timeout=30)
            assert again.status_code == 200 and again.json()["status"] == "done"
            assert r.json()["id"] in [j["id"] for j in httpx.get(f"{base}/api/jobs", timeout=30).json()]

        # An access change from the CLI (no re-embedding, no ingest) reaches every worker on its next version.
        before = set(poll().values())
        done = subprocess.run(
            [str(WOONZORG), "access", LATER, "intern"],
            env=_env(settings),
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
        deadline = time.monotonic() + 60
        now = {}
        while not (len(now) == 2 and not set(now.values()) & before):
            assert time.monotonic() < deadline, f"workers still on {now}; before the change {before}"
            now.update(poll())
        for _ in range(6):  # new connections, spread over both workers
            docs = httpx.get(f"{base}/api/documents", timeout=30).json()
            assert {d["file"]: d["access"] for d in docs}[LATER] == "intern"


def _refused_serve(env: dict[str, str], cwd: Path, *args: str) -> str:
    """Run `woonzorg serve ARGS`, expect it to refuse to start (exit 2); its stderr."""
    r = subprocess.run(
        [str(WOONZORG), "serve", "--port", str(free_port()), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2, r.stdout + r.stderr
    return r.stderr.replace("\n", "")


def test_several_workers_need_a_chroma_server(tmp_path: Path) -> None:
    err = _refused_serve(serve_env(tmp_path / "data"), tmp_path, "--workers", "2")
    assert "WOONZORG_CHROMA_URL" in err and "chroma run" in err


def test_serve_names_an_unreachable_chroma_server(tmp_path: Path) -> None:
    env = serve_env(tmp_path / "data")
    env["WOONZORG_CHROMA_URL"] = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    err = _refused_serve(env, tmp_path)
    assert env["WOONZORG_CHROMA_URL"] in err and "chroma run" in err
