"""Documents, page texts and the PDFs over HTTP; unknown things are Dutch 404s."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant import Assistant
from assistant.api.app import create_app
from assistant.retrieval.hybrid import HybridSearcher
from ingest.settings import Settings
from ingest.store.registry import Registry
from tests.conftest import CORPUS

DSP = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"


def test_documents_list(api: httpx.Client, corpus_settings: Settings) -> None:
    docs = api.get("/api/documents").json()
    registry = Registry(corpus_settings.registry_path)
    try:
        stored = {d.doc_id: d for d in registry.documents()}
    finally:
        registry.close()
    assert {d["doc_id"] for d in docs} == set(stored)
    for d in docs:
        s = stored[d["doc_id"]]
        assert (d["file"], d["title"], d["page_count"], d["chunk_count"]) == (
            s.file,
            s.title,
            s.page_count,
            s.chunk_count,
        )
        assert d["status"] == "active"
        assert d["pdf_url"] == f"/documents/{d['doc_id']}.pdf"
        assert d["region"] and d["document_type"]
    gooi = next(d for d in docs if d["file"].startswith("strategie-woonzorgopgave-gooi"))
    assert "Hilversum" in gooi["municipalities"] and gooi["year"] == 2025


def test_page_text(api: httpx.Client, corpus_settings: Settings, doc_ids: dict[str, str]) -> None:
    doc = doc_ids[DSP]
    r = api.get(f"/api/documents/{doc}/pages/47")
    assert r.status_code == 200
    page = r.json()
    registry = Registry(corpus_settings.registry_path)
    try:
        assert page["text"] == registry.page_text(doc, 47)
    finally:
        registry.close()
    assert "Zorggeschikte woningen zijn zelfstandige woningen" in page["text"]
    assert (page["page"], page["file"], page["pdf_url"]) == (47, DSP, f"/documents/{doc}.pdf#page=47")

    one = api.get(f"/api/documents/{doc}").json()
    assert one["file"] == DSP


@pytest.mark.parametrize("n", [0, 58, 999])
def test_missing_page_is_a_dutch_404(api: httpx.Client, doc_ids: dict[str, str], n: int) -> None:
    r = api.get(f"/api/documents/{doc_ids[DSP]}/pages/{n}")
    assert r.status_code == 404
    assert r.json() == {"detail": f"Pagina {n} bestaat niet in {DSP} (57 pagina's)."}


@pytest.mark.parametrize(
    "path",
    ["/api/documents/abc/pages/1", "/api/documents/abc", "/documents/abc.pdf"],
)
def test_unknown_document_is_a_dutch_404(api: httpx.Client, path: str) -> None:
    r = api.get(path)
    assert r.status_code == 404
    assert r.json() == {"detail": "Onbekend document: abc."}


def test_pdf_download(api: httpx.Client, doc_ids: dict[str, str]) -> None:
    r = api.get(f"/documents/{doc_ids[DSP]}.pdf")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("inline")
    assert r.content == (CORPUS / DSP).read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/documents/..%2F..%2F..%2Fetc%2Fpasswd.pdf",
        "/documents/%2E%2E%2Fpyproject.toml%00.pdf",
        "/documents/../../pyproject.toml",
        "/api/documents/..%2F..%2Fregistry/pages/1",
    ],
)
def test_no_path_traversal(api: httpx.Client, path: str) -> None:
    r = api.get(path)
    assert r.status_code == 404
    assert "root:" not in r.text and "[project]" not in r.text
    detail = r.json()["detail"]
    assert detail == "Niet gevonden." or detail.startswith("Onbekend document:")


def test_pdf_that_changed_on_disk_is_not_served(
    corpus_settings: Settings, searcher: HybridSearcher, doc_ids: dict[str, str], tmp_path: Path
) -> None:
    # Citations point at pages of the indexed bytes: another version of the file must not be served.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / DSP, corpus / DSP)
    settings = corpus_settings.updated(corpus_dir=corpus)
    with TestClient(create_app(settings, Assistant.over(searcher, settings)), base_url="http://127.0.0.1") as client:
        assert client.get(f"/documents/{doc_ids[DSP]}.pdf").status_code == 200
        (corpus / DSP).write_bytes((CORPUS / DSP).read_bytes() + b"\n% later edit\n")
        r = client.get(f"/documents/{doc_ids[DSP]}.pdf")
        assert r.status_code == 404
        assert r.json() == {"detail": f"Het PDF-bestand van {DSP} staat niet (meer) in de corpusmap."}
        (corpus / DSP).unlink()
        assert client.get(f"/documents/{doc_ids[DSP]}.pdf").status_code == 404


def test_unknown_route_and_method_in_dutch(api: httpx.Client) -> None:
    r = api.get("/api/bestaat-niet")
    assert r.status_code == 404 and r.json() == {"detail": "Niet gevonden."}
    r = api.delete("/api/documents")
    assert r.status_code == 405 and r.json() == {"detail": "Deze methode is hier niet toegestaan."}


def test_openapi_lists_every_endpoint(api: httpx.Client) -> None:
    paths = set(api.get("/openapi.json").json()["paths"])
    assert paths >= {
        "/health",
        "/api/search",
        "/api/ask",
        "/api/ask/stream",
        "/api/terms",
        "/api/terms/{term}",
        "/api/maatregelen",
        "/api/compare",
        "/api/documents",
        "/api/documents/{doc_id}/pages/{n}",
        "/documents/{doc_id}.pdf",
        "/api/feedback",
    }


def test_chat_page_and_assets(api: httpx.Client) -> None:
    page = api.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in page.text
    assert "<script>" not in page.text  # no inline script: a strict CSP must be possible
    for asset in ("/static/styles.css", "/static/js/app.js", "/static/js/chat.js", "/static/favicon.svg"):
        r = api.get(asset)
        assert r.status_code == 200, asset
    assert "javascript" in api.get("/static/js/app.js").headers["content-type"]
