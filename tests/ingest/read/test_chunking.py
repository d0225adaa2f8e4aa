"""Chunks are exact, page-true slices that respect sections, sentences and table rows."""

from __future__ import annotations

import re

import pytest

from ingest.models import Chunk
from ingest.read.chunking import chunk_document, dehyphenate, item_labels, split_units
from ingest.read.pdf import read_pdf
from ingest.read.structure import find_toc, label_lines, split_lines
from ingest.settings import Settings
from ingest.store.registry import Registry
from tests.conftest import CORPUS


def _ws(text: str) -> str:
    return " ".join(text.split())


def _joined(text: str) -> str:
    """Whitespace-normalised, with words broken over lines ("rijksoverheid-\ngelden") rejoined."""
    return _ws(text).replace("- ", "-")


@pytest.fixture(scope="module")
def corpus_chunks(corpus_settings: Settings) -> tuple[Registry, list[Chunk]]:
    registry = Registry(corpus_settings.registry_path)
    return registry, list(registry.chunks())


def test_every_chunk_is_a_verbatim_slice_of_its_page(corpus_chunks: tuple[Registry, list[Chunk]]) -> None:
    registry, chunks = corpus_chunks
    assert len(chunks) > 200
    for chunk in chunks:
        page_text = registry.page_text(chunk.doc_id, chunk.page)
        assert page_text is not None
        assert page_text[chunk.char_start : chunk.char_end] == chunk.text
        assert chunk.page_end == chunk.page


def test_chunk_ids_are_unique_and_stable(corpus_chunks: tuple[Registry, list[Chunk]]) -> None:
    registry, chunks = corpus_chunks
    ids = [c.chunk_id for c in chunks]
    assert len(ids) == len(set(ids))
    doc = registry.documents()[0]
    again = chunk_document(doc.doc_id, doc.title, registry.page_texts(doc.doc_id))
    assert [c.chunk_id for c in again] == [c.chunk_id for c in chunks if c.doc_id == doc.doc_id]


def test_gold_quotes_fall_in_chunks_with_the_gold_page(
    corpus_chunks: tuple[Registry, list[Chunk]], dev_questions: list[dict[str, object]]
) -> None:
    registry, chunks = corpus_chunks
    files = {d.doc_id: d.file for d in registry.documents()}
    checked = 0
    for q in dev_questions:
        for src in q.get("sources") or []:  # type: ignore[union-attr]
            quote = _joined(src["quote"])
            holders = [c for c in chunks if files[c.doc_id] == src["doc"] and quote in _joined(c.text)]
            # A quote may straddle two chunks of one page; then its page text must hold it.
            if not holders:
                page = registry.page_text(next(k for k, f in files.items() if f == src["doc"]), src["page"])
                assert page is not None and quote in _joined(page), (q["id"], src["quote"])
            else:
                # Some short quotes recur on other pages; one holder must carry the gold page.
                assert src["page"] in {c.page for c in holders}, (q["id"], src["quote"])
            checked += 1
    assert checked > 100


def test_running_headers_are_left_out_of_chunks(corpus_chunks: tuple[Registry, list[Chunk]]) -> None:
    _, chunks = corpus_chunks
    header = re.compile(r"DSP-groep RAPPORT ─ Regionale woonzorgopgave")
    assert not [c.chunk_id for c in chunks if header.search(c.text)]


def test_numbered_headings_give_section_paths(corpus_chunks: tuple[Registry, list[Chunk]]) -> None:
    _, chunks = corpus_chunks
    sections = {c.section for c in chunks}
    assert "4 Uitgangspunten regionale aanpak > 4.3 Komen tot voldoende sociale huurwoningen in de regio" in sections
    assert any(s.startswith("Bijlage 1: Begripsbepalingen BZK") for s in sections)
    # A table row "3 Mensen met …" in chapter 2 is not mistaken for chapter 3.
    assert not any(s.startswith("3 Mensen met") for s in sections)


def test_chunks_never_cross_a_section(corpus_chunks: tuple[Registry, list[Chunk]]) -> None:
    registry, chunks = corpus_chunks
    for doc in registry.documents():
        pages = registry.page_texts(doc.doc_id)
        openings = {(ln.page, ln.start) for lines in label_lines(pages) for ln in lines if ln.opens_section}
        for c in (c for c in chunks if c.doc_id == doc.doc_id):
            inside = [s for (p, s) in openings if p == c.page and c.char_start < s < c.char_end]
            assert not inside, (doc.file, c.page, c.text[:80])


def test_maatregel_rows_stay_whole_and_get_ids() -> None:
    pdf = read_pdf(CORPUS / "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf")
    chunks = chunk_document("gv", "Strategie", pdf.pages)
    table_chunks = [c for c in chunks if c.kind == "table"]
    assert table_chunks
    row_start = re.compile(r"^(?:[a-z]|\d{1,2})\) ")
    labelled = label_lines(pdf.pages)
    for c in table_chunks:
        # A chunk ends where a row ends: the next content line opens a row or a section,
        # unless the word budget forced a cut between lines.
        after = [ln for ln in labelled[c.page - 1] if ln.start >= c.char_end and not ln.boilerplate]
        if after and not (row_start.match(after[0].text) or after[0].opens_section):
            assert len(c.text.split()) >= 100, (c.page, c.text[-80:], after[0].text)
    # Maatregel 1d ("regionaal platform") is findable by its compound id.
    d1 = [c for c in chunks if "regionaal platform" in _ws(c.text)]
    assert d1 and "1d" in d1[0].search_text.split("\n")[0]
    labels = item_labels(label_lines(pdf.pages))
    assert {"1a", "1g", "2a", "3b", "9a", "9b"} <= set(labels.values())


def test_toc_is_detected_only_where_there_is_one() -> None:
    dsp = read_pdf(CORPUS / "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf")
    toc = find_toc([split_lines(i + 1, t) for i, t in enumerate(dsp.pages)])
    assert toc[(4, 3)].startswith("komen tot voldoende sociale huurwoningen")
    hr = read_pdf(CORPUS / "handreiking-regionaal-afgestemde-woonzorgvisie.pdf")
    assert find_toc([split_lines(i + 1, t) for i, t in enumerate(hr.pages)]) == {}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("woonzorg-\nconcepten", "woonzorgconcepten"),
        ("Noord-\nHolland", "Noord-Holland"),
        ("corporatie-\neigendom", "corporatie-eigendom"),
        ("regel een\nregel  twee", "regel een regel twee"),
    ],
)
def test_dehyphenate(raw: str, clean: str) -> None:
    assert dehyphenate(raw) == clean


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Deze partners zijn Woonopmaat, Viva! Zorggroep, RIBW en MET. Daarna volgt meer.", 2),
        ("Dat is mooi! Zorg blijft nodig. Ook wonen.", 3),
        ("In 2040 zijn dat er 2,5 miljoen. Zie tabel 3.", 2),
    ],
)
def test_sentence_units(text: str, sentences: int) -> None:
    units = split_units(text, table=False)
    assert len(units) == sentences
    assert "".join(text[a:b] for a, b in units).replace(" ", "") == text.replace(" ", "")
