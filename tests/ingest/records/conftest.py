from __future__ import annotations

from pathlib import Path

from ingest.read.pages import read_layouts
from ingest.records import ReadDocument
from tests.pdf_pages import html_page, print_pdf


def read_document(tmp_path: Path, body: str, css: str = "", name: str = "synthetisch.pdf") -> ReadDocument:
    """A synthetic page printed by Chromium and read the way ingest reads every PDF."""
    pdf = print_pdf(html_page(body, css), tmp_path, name)
    layouts = read_layouts(pdf)
    return ReadDocument(name, Path(name).stem, [lay.text for lay in layouts], layouts)
