"""Shared, deterministic fixtures: the real corpus ingested once per session."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.retrieval.hybrid import HybridSearcher
from assistant.retrieval.index import SearchIndex
from ingest.ops.pipeline import FileOutcome, Ingestor
from ingest.settings import Settings
from tests.processes import running_server

# Fixtures shared across packages: the fake OpenAI-compatible endpoint.
pytest_plugins = ["tests.fake_llm"]

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"
BAD = SHARED / "fixtures" / "bad"
DEV_QUESTIONS = SHARED / "evals" / "dev_questions.jsonl"
CHROMA = Path(sys.executable).parent / "chroma"
CHROMA_START_TIMEOUT = 60.0
# The retrieval and answer tests run once per store (see ``searcher_per_store``).
STORES = ["embedded", "chroma-server"]


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
def embedded_searcher(corpus_settings: Settings) -> HybridSearcher:
    return HybridSearcher(SearchIndex(corpus_settings))


@pytest.fixture(scope="session")
def searcher(embedded_searcher: HybridSearcher) -> HybridSearcher:
    """The session corpus behind the embedded Chroma (modules may override it, see ``searcher_per_store``)."""
    return embedded_searcher


def copy_embed_cache(source: Settings, data_dir: Path) -> None:
    """Seed ``data_dir`` with the embedding cache of ``source`` (SQLite backup: safe with WAL),
    so ingesting the same PDFs there only upserts cached vectors instead of embedding again."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(source.embed_cache_path)) as src,
        closing(sqlite3.connect(data_dir / source.embed_cache_path.name)) as dst,
    ):
        src.backup(dst)


@dataclass(frozen=True)
class ChromaServer:
    port: int
    path: Path  # the server's persist directory

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def run_chroma(server: ChromaServer, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``chroma run`` on loopback until its heartbeat answers; always stopped on exit."""
    cmd = [str(CHROMA), "run", "--path", str(server.path), "--host", "127.0.0.1", "--port", str(server.port)]
    with running_server(cmd, f"{server.url}/api/v2/heartbeat", log_path, CHROMA_START_TIMEOUT) as proc:
        yield proc


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One Chroma server for the session, persisting to its own tmp dir; stopped at the end.
    Users keep apart by collection name (``chroma_collection``)."""
    root = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(free_port(), root / "db")
    with run_chroma(server, root / "chroma.log"):
        yield server


@pytest.fixture(scope="session")
def server_corpus_settings(
    corpus_settings: Settings, chroma_server: ChromaServer, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """The five corpus PDFs ingested with their vectors in the session's Chroma server, from the
    embedded ingest's warm embedding cache (upserts only, nothing embedded again)."""
    data_dir = tmp_path_factory.mktemp("corpus-index-server")
    copy_embed_cache(corpus_settings, data_dir)
    settings = make_settings(data_dir, chroma_url=chroma_server.url, chroma_collection="corpus_chunks")
    ingestor = Ingestor(settings)
    try:
        outcomes = ingestor.ingest_paths([CORPUS])
    finally:
        ingestor.close()
    assert [o.embedded for o in outcomes] == [0] * len(outcomes), "the embedding cache was not used"
    return settings


@pytest.fixture(scope="session")
def server_searcher(server_corpus_settings: Settings, embedded_searcher: HybridSearcher) -> HybridSearcher:
    # The same embedder object: one model in memory, loaded once.
    return HybridSearcher(SearchIndex(server_corpus_settings, embedder=embedded_searcher.index.embedder))


@pytest.fixture(scope="module", params=STORES)
def searcher_per_store(request: pytest.FixtureRequest) -> HybridSearcher:
    """The session corpus behind the embedded store, then behind the Chroma server (ids as in STORES).
    A module opts in by defining ``searcher`` as this fixture."""
    name = "embedded_searcher" if request.param == "embedded" else "server_searcher"
    searcher: HybridSearcher = request.getfixturevalue(name)
    return searcher


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests over the five corpus PDFs share one index, built once per session (minutes of
    # embedding): they are the acceptance tests. `make test` runs them; `make test-fast` keeps to
    # the tests on synthetic pages and units (marker `corpus`, set here from the fixtures used).
    # searcher_per_store takes its index through getfixturevalue, so it is named here itself.
    corpus_fixtures = {"corpus_ingest", "searcher_per_store", "mixed_settings"}
    for item in items:
        if corpus_fixtures & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.corpus)
