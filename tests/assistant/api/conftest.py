"""HTTP clients for the API tests: the real server, and the app in-process where a test must break it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.retrieval import HybridSearcher
from ingest.registry import Registry
from ingest.settings import Settings


@pytest.fixture(scope="package")
def api(live_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_url, timeout=120) as client:
        yield client


@pytest.fixture
def app_client(corpus_settings: Settings, searcher: HybridSearcher) -> Iterator[TestClient]:
    """The app in this process over the session index (lifespan run), for tests that patch its engine."""
    with TestClient(create_app(corpus_settings, searcher), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="package")
def doc_ids(corpus_settings: Settings) -> dict[str, str]:
    """file → doc_id of the five corpus documents."""
    registry = Registry(corpus_settings.registry_path)
    try:
        return {d.file: d.doc_id for d in registry.documents()}
    finally:
        registry.close()
