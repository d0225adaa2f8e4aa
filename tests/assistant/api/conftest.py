"""HTTP clients for the API tests: the real server, and the app in-process where a test must break it."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant import Assistant
from assistant.api.app import create_app
from assistant.retrieval.hybrid import HybridSearcher
from ingest.ops.pipeline import Ingestor
from ingest.settings import Settings
from ingest.store.registry import Registry
from tests.assistant.conftest import START_TIMEOUT, WOONZORG
from tests.conftest import CORPUS, free_port, make_settings
from tests.processes import running_server


@pytest.fixture(scope="package")
def api(live_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_url, timeout=120) as client:
        yield client


@pytest.fixture
def app_client(corpus_settings: Settings, searcher: HybridSearcher) -> Iterator[TestClient]:
    """The app in this process over the session index (lifespan run), for tests that patch its engine."""
    with TestClient(
        create_app(corpus_settings, Assistant.over(searcher, corpus_settings)),
        base_url="http://127.0.0.1",
        raise_server_exceptions=False,
    ) as client:
        yield client


@pytest.fixture(scope="package")
def doc_ids(corpus_settings: Settings) -> dict[str, str]:
    """file → doc_id of the five corpus documents."""
    registry = Registry(corpus_settings.registry_path)
    try:
        return {d.file: d.doc_id for d in registry.documents()}
    finally:
        registry.close()


# -- a corpus with mixed access levels, and a server with tokens -------------------------

INTERN_FILE = "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"
PUBLIC_FILES = (
    "woonzorgvisie-heemskerk-beverwijk-raadsvoorstel-2025.pdf",
    "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf",
)
TOKENS = {"admin": "admin-geheim-1", "staff": "staff-geheim-2", "partner": "partner-geheim-3"}


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"}


def mixed_corpus_dir(root: Path) -> Path:
    """Three corpus PDFs; the Gooi en Vechtstreek strategy (all maatregelen, begrippen) is marked intern."""
    corpus = root / "corpus"
    corpus.mkdir()
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    entries = []
    for entry in manifest["documents"]:
        if entry["file"] in (INTERN_FILE, *PUBLIC_FILES):
            shutil.copy(CORPUS / entry["file"], corpus / entry["file"])
            entries.append({**entry, "access": "intern" if entry["file"] == INTERN_FILE else "public"})
    (corpus / "manifest.json").write_text(json.dumps({"documents": entries}, ensure_ascii=False), encoding="utf-8")
    return corpus


@pytest.fixture(scope="package")
def mixed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("mixed")
    settings = make_settings(root / "data").updated(corpus_dir=mixed_corpus_dir(root))
    ingestor = Ingestor(settings)
    try:
        outcomes = ingestor.ingest_paths([settings.corpus_dir])
    finally:
        ingestor.close()
    assert [o.status for o in outcomes] == ["ingested"] * 3
    return settings


def token_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WOONZORG_")}
    env["WOONZORG_DATA_DIR"] = str(settings.data_dir)
    env["WOONZORG_CORPUS_DIR"] = str(settings.corpus_dir)
    env["WOONZORG_API_TOKENS"] = ",".join(f"{t}:{r}" for r, t in TOKENS.items())
    env.update(extra)
    return env


@contextmanager
def serving(env: dict[str, str], workdir: Path) -> Iterator[str]:
    """A real ``woonzorg serve`` on a free loopback port with ``env``; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [str(WOONZORG), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(cmd, f"{base}/health", workdir / "serve.log", START_TIMEOUT, env=env, cwd=workdir):
        yield base


@pytest.fixture(scope="package")
def mixed_url(mixed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``woonzorg serve`` over the mixed corpus, with tokens for the three roles (no rate limit)."""
    env = token_env(mixed_settings, WOONZORG_RATE_LIMIT_PER_MINUTE="0")
    with serving(env, tmp_path_factory.mktemp("serve-mixed")) as base:
        yield base


@pytest.fixture(scope="package")
def mixed_api(mixed_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mixed_url, timeout=120) as client:
        yield client


@pytest.fixture(scope="package")
def mixed_doc_ids(mixed_settings: Settings) -> dict[str, str]:
    registry = Registry(mixed_settings.registry_path)
    try:
        return {d.file: d.doc_id for d in registry.documents()}
    finally:
        registry.close()
