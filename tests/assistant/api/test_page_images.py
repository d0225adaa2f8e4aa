"""Page images (PNG, rendered with PDFium, cached on disk): what the source panel marks the quote on.

Same access as the page text and the PDF: a partner gets the same 404 for an internal page as
for a document that never existed, even when staff had it rendered (cached) before.
"""

from __future__ import annotations

import io
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from assistant import Assistant
from assistant.api.app import create_app
from assistant.api.routes.documents import PAGE_SCALE, page_image_path
from assistant.retrieval.hybrid import HybridSearcher
from ingest.settings import Settings
from tests.assistant.api.conftest import INTERN_FILE, PUBLIC_FILES, auth
from tests.conftest import CORPUS

DSP = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"
HANDREIKING = "handreiking-regionaal-afgestemde-woonzorgvisie.pdf"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _page_size(pdf: Path, n: int) -> tuple[float, float]:
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[n - 1]
        try:
            return page.get_size()
        finally:
            page.close()
    finally:
        doc.close()


def test_page_image_is_the_rendered_page(api: httpx.Client, corpus_settings: Settings, doc_ids: dict[str, str]) -> None:
    doc = doc_ids[DSP]
    r = api.get(f"/api/documents/{doc}/pages/47.png")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/png"
    assert r.content.startswith(PNG_MAGIC)
    cache = r.headers["cache-control"]
    assert "private" in cache and "immutable" in cache and "max-age=31536000" in cache
    width, height = _page_size(CORPUS / DSP, 47)
    with Image.open(io.BytesIO(r.content)) as img:
        assert abs(img.width - width * PAGE_SCALE) <= 1 and abs(img.height - height * PAGE_SCALE) <= 1
        # A page with text: not one flat colour.
        lo, hi = img.convert("L").getextrema()
        assert hi - lo > 100
    cached = page_image_path(corpus_settings, doc, 47)
    assert cached.read_bytes() == r.content
    assert not [p for p in cached.parent.iterdir() if p.name.endswith(".part")]  # written atomically

    # The second time from the disk cache, byte for byte.
    stamp = cached.stat().st_mtime_ns
    again = api.get(f"/api/documents/{doc}/pages/47.png")
    assert again.content == r.content and cached.stat().st_mtime_ns == stamp


@pytest.mark.parametrize("n", [0, 58, 999])
def test_missing_page_image_is_a_dutch_404(api: httpx.Client, doc_ids: dict[str, str], n: int) -> None:
    r = api.get(f"/api/documents/{doc_ids[DSP]}/pages/{n}.png")
    assert r.status_code == 404
    assert r.json() == {"detail": f"Pagina {n} bestaat niet in {DSP} (57 pagina's)."}


def test_unknown_document_image_is_a_dutch_404(api: httpx.Client) -> None:
    r = api.get("/api/documents/abc/pages/1.png")
    assert r.status_code == 404 and r.json() == {"detail": "Onbekend document: abc."}
    r = api.get("/api/documents/..%2F..%2Fregistry/pages/1.png")
    assert r.status_code == 404


def test_concurrent_renders(api: httpx.Client, corpus_settings: Settings, doc_ids: dict[str, str]) -> None:
    # PDFium is not thread-safe: renders are serialised; every page still comes out whole.
    doc = doc_ids[HANDREIKING]
    paths = [f"/api/documents/{doc}/pages/{n}.png" for n in (1, 2, 3, 2, 1, 3)]
    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(api.get, paths))
    assert all(r.status_code == 200 and r.content.startswith(PNG_MAGIC) for r in responses)
    by_path: dict[str, bytes] = {}
    for path, r in zip(paths, responses, strict=True):
        assert by_path.setdefault(path, r.content) == r.content
        with Image.open(io.BytesIO(r.content)) as img:
            img.load()  # a truncated file would fail here
    assert not [p for p in page_image_path(corpus_settings, doc, 1).parent.iterdir() if p.name.endswith(".part")]


def test_partner_gets_no_internal_page_image(mixed_api: httpx.Client, mixed_doc_ids: dict[str, str]) -> None:
    intern = mixed_doc_ids[INTERN_FILE]
    public = mixed_doc_ids[PUBLIC_FILES[0]]
    path = f"/api/documents/{intern}/pages/1.png"
    assert mixed_api.get(path).status_code == 401  # no token, no image
    staff = mixed_api.get(path, headers=auth("staff"))
    assert staff.status_code == 200 and staff.content.startswith(PNG_MAGIC)
    # Now it is on disk; the partner still gets exactly the answer for a document that never existed.
    for n in (1, 2):
        r = mixed_api.get(f"/api/documents/{intern}/pages/{n}.png", headers=auth("partner"))
        assert r.status_code == 404 and r.json() == {"detail": f"Onbekend document: {intern}."}
        assert not r.content.startswith(PNG_MAGIC)
    ok = mixed_api.get(f"/api/documents/{public}/pages/1.png", headers=auth("partner"))
    assert ok.status_code == 200 and ok.headers["content-type"] == "image/png"


def test_changed_pdf_is_not_rendered(
    corpus_settings: Settings, searcher: HybridSearcher, doc_ids: dict[str, str], tmp_path: Path
) -> None:
    # Like the PDF route: only the indexed bytes are rendered (citations point at their pages).
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / DSP, corpus / DSP)
    settings = corpus_settings.updated(corpus_dir=corpus, data_dir=tmp_path / "data")
    doc = doc_ids[DSP]
    with TestClient(create_app(settings, Assistant.over(searcher, settings)), base_url="http://127.0.0.1") as client:
        (corpus / DSP).write_bytes((CORPUS / DSP).read_bytes() + b"\n% later edit\n")
        r = client.get(f"/api/documents/{doc}/pages/3.png")
        assert r.status_code == 404
        assert r.json() == {"detail": f"Het PDF-bestand van {DSP} staat niet (meer) in de corpusmap."}
        assert not page_image_path(settings, doc, 3).exists()
        shutil.copy(CORPUS / DSP, corpus / DSP)
        r = client.get(f"/api/documents/{doc}/pages/3.png")
        assert r.status_code == 200 and page_image_path(settings, doc, 3).is_file()
