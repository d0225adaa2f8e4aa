"""Maatregelen over HTTP: filtered like the CLI, each record pointing at its page."""

from __future__ import annotations

import httpx

from ingest.settings import Settings
from ingest.store.registry import Registry

GOOI = "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"


def _stored(settings: Settings) -> list[dict[str, object]]:
    registry = Registry(settings.registry_path)
    try:
        return [r for _, r in registry.records("maatregel")]
    finally:
        registry.close()


def test_all_records_point_at_their_page(api: httpx.Client, corpus_settings: Settings, doc_ids: dict[str, str]) -> None:
    records = api.get("/api/maatregelen").json()
    assert len(records) == len(_stored(corpus_settings)) > 10
    for r in records:
        assert r["doc_id"] == doc_ids[r["file"]]
        page = api.get(f"/api/documents/{r['doc_id']}/pages/{r['page']}").json()
        assert r["quote"] in page["text"], r["id"]


def test_filter_by_trekker(api: httpx.Client, corpus_settings: Settings) -> None:
    rgv = api.get("/api/maatregelen", params={"trekker": "rgv"}).json()
    expected = [r for r in _stored(corpus_settings) if "rgv" in str(r["trekker"]).lower()]
    assert len(rgv) == len(expected) > 5
    assert all("RGV" in r["trekker"] for r in rgv)
    assert {r["id"] for r in rgv} == {str(r["id"]) for r in expected}


def test_filter_by_text_and_document(api: httpx.Client, doc_ids: dict[str, str]) -> None:
    found = api.get("/api/maatregelen", params={"q": "modelwoning"}).json()
    assert found and all("modelwoning" in (r["maatregel"] + r["doel"] + r["status"]).lower() for r in found)

    gooi = api.get("/api/maatregelen", params={"doc": doc_ids[GOOI]}).json()
    assert gooi and {r["file"] for r in gooi} == {GOOI}
    other = api.get("/api/maatregelen", params={"doc": doc_ids["handreiking-regionaal-afgestemde-woonzorgvisie.pdf"]})
    assert other.status_code == 200 and other.json() == []

    none = api.get("/api/maatregelen", params={"trekker": "rgv", "q": "zonnepanelen"})
    assert none.status_code == 200 and none.json() == []


def test_unknown_document_is_a_dutch_404(api: httpx.Client) -> None:
    r = api.get("/api/maatregelen", params={"doc": "ffffffffffffffff"})
    assert r.status_code == 404
    assert r.json() == {"detail": "Onbekend document: ffffffffffffffff."}
