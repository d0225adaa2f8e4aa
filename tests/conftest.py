"""Shared, deterministic fixtures: the real corpus ingested once per session."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.retrieval import HybridSearcher
from assistant.search_index import SearchIndex
from ingest.pipeline import FileOutcome, Ingestor
from ingest.settings import Settings

# Fixtures shared across packages: the fake OpenAI-compatible endpoint.
pytest_plugins = ["tests.fake_llm"]

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"
BAD = SHARED / "fixtures" / "bad"
DEV_QUESTIONS = SHARED / "evals" / "dev_questions.jsonl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for a test: own data dir, the repo's corpus/manifest, no env leaking in."""
    return Settings(data_dir=data_dir, corpus_dir=CORPUS, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def dev_questions() -> list[dict[str, object]]:
    return [json.loads(line) for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def corpus_ingest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[FileOutcome]]:
    """The five corpus PDFs ingested into an embedded Chroma, once per test session."""
    settings = make_settings(tmp_path_factory.mktemp("corpus-index"))
    ingestor = Ingestor(settings)
    try:
        outcomes = ingestor.ingest_paths([CORPUS])
    finally:
        ingestor.close()
    return settings, outcomes


@pytest.fixture(scope="session")
def corpus_settings(corpus_ingest: tuple[Settings, list[FileOutcome]]) -> Settings:
    return corpus_ingest[0]


@pytest.fixture(scope="session")
def searcher(corpus_settings: Settings) -> Iterator[HybridSearcher]:
    yield HybridSearcher(SearchIndex(corpus_settings))
