"""Verified citations carry their quote's boxes on the page (for the highlight on the page image)."""

from __future__ import annotations

import re

import pytest

from assistant.answering.citations import normalise_ws, quote_span, valid_citations
from assistant.answering.engine import AnswerEngine
from assistant.models import Citation
from assistant.retrieval.hybrid import HybridSearcher
from assistant.retrieval.index import SearchIndex
from ingest.read.layout import StoredLayout

DSP = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"


def fake_layout(text: str, page: int = 1) -> StoredLayout:
    """Every word on its own box: one line of text per 20 pt, 5 pt per character."""
    words: list[list[float]] = []
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for m in re.finditer(r"\S+", text):
        line = max(i for i, s in enumerate(line_starts) if s <= m.start())
        col = m.start() - line_starts[line]
        x0, y0 = 10 + 5 * col, 20 + 20 * line
        words.append([m.start(), m.end(), x0, y0, x0 + 5 * len(m.group()), y0 + 12, 12, 0])
    return StoredLayout(page, 600.0, 850.0, words)


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("Eerste  regel\nmet\n\n  woorden erna.", "regel met woorden"),
        ("a\tb", "a b"),
        ("  voor\n", "voor"),
        ("x woningen x", "woningen"),
    ],
)
def test_quote_span_finds_the_quote_where_whitespace_differs(text: str, quote: str) -> None:
    span = quote_span(text, quote)
    assert span is not None
    start, end = span
    assert normalise_ws(text[start:end]) == normalise_ws(quote)
    assert not text[start].isspace() and not text[end - 1].isspace()


@pytest.mark.parametrize(("text", "quote"), [("regel met woorden", "regel  zonder"), ("iets", ""), ("", "iets")])
def test_quote_span_none_when_absent(text: str, quote: str) -> None:
    assert quote_span(text, quote) is None


def _citation(index: SearchIndex, quote: str, page: int = 47) -> Citation:
    doc = index.by_file[DSP]
    return Citation(n=1, file=DSP, doc_id=doc.doc_id, title=doc.title, page=page, quote=quote)


def test_verified_citation_gets_the_boxes_of_its_quote(
    embedded_searcher: HybridSearcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = embedded_searcher.index
    text = index.page_text(index.by_file[DSP].doc_id, 47) or ""
    start = text.index("Zorggeschikte woningen zijn zelfstandige woningen")
    end = text.index(".", start) + 1
    quote = normalise_ws(text[start:end])
    layout = fake_layout(text, 47)
    monkeypatch.setattr(index, "stored_layout", lambda doc_id, page: layout if page == 47 else None)

    c = _citation(index, quote)
    assert valid_citations(index, [c]) == [c]
    assert c.boxes == layout.scaled_boxes(start, end)
    lines = text[start:end].count("\n") + 1
    assert len(c.boxes) == lines  # one box per text line the quote touches
    for x0, y0, x1, y1 in c.boxes:
        assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1

    # A forged quote is dropped (and gets no boxes); a page without positions gets none.
    forged = _citation(index, "De gemeente geeft iedereen 1 miljoen euro subsidie.")
    assert valid_citations(index, [forged]) == [] and forged.boxes == []
    other_text = index.page_text(index.by_file[DSP].doc_id, 46) or ""
    plain = _citation(index, normalise_ws(other_text)[:80].rsplit(" ", 1)[0], page=46)
    assert valid_citations(index, [plain]) == [plain] and plain.boxes == []


def test_unreadable_layout_means_no_highlight(
    embedded_searcher: HybridSearcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = embedded_searcher.index

    def broken(doc_id: str, page: int) -> StoredLayout:
        raise ValueError("kapotte layout")

    monkeypatch.setattr(index, "stored_layout", broken)
    text = index.page_text(index.by_file[DSP].doc_id, 47) or ""
    c = _citation(index, normalise_ws(text)[:60].rsplit(" ", 1)[0])
    assert valid_citations(index, [c]) == [c] and c.boxes == []


def test_hidden_document_gets_no_boxes(embedded_searcher: HybridSearcher, monkeypatch: pytest.MonkeyPatch) -> None:
    index = embedded_searcher.index
    dsp = index.by_file[DSP].doc_id
    view = index.view([d for d in index.documents if d != dsp])
    text = index.page_text(dsp, 47) or ""
    monkeypatch.setattr(index.registry, "page_layout", lambda doc_id, page: fake_layout(text, page))
    c = _citation(index, normalise_ws(text)[:60].rsplit(" ", 1)[0])
    assert valid_citations(view, [c]) == [] and c.boxes == []


def test_answer_citations_carry_the_stored_boxes(embedded_searcher: HybridSearcher) -> None:
    """With the positioned reader's layouts stored: an answer's citation marks exactly its quote."""
    engine = AnswerEngine(embedded_searcher)
    answer = engine.ask("Wat zijn zorggeschikte woningen?")
    c = answer.citations[0]
    layout = engine.index.registry.page_layout(c.doc_id, c.page)
    if layout is None:
        pytest.skip("geen opgeslagen woordposities (wacht op de positionele PDF-lezer)")
    text = engine.index.page_text(c.doc_id, c.page) or ""
    span = quote_span(text, c.quote)
    assert span is not None
    assert c.boxes and c.boxes == layout.scaled_boxes(*span)
