"""Compare over HTTP: one cited column per chosen document."""

from __future__ import annotations

import httpx

DSP = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"
GOOI = "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"


def test_two_columns_in_the_order_asked(api: httpx.Client, doc_ids: dict[str, str]) -> None:
    chosen = [doc_ids[GOOI], doc_ids[DSP]]
    r = api.get("/api/compare", params=[("topic", "zorggeschikte woningen"), *(("docs", d) for d in chosen)])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["topic"] == "zorggeschikte woningen"
    assert [c["doc_id"] for c in body["columns"]] == chosen
    assert all(c["found"] for c in body["columns"])
    for col in body["columns"]:
        assert col["citations"]
        assert {c["doc_id"] for c in col["citations"]} == {col["doc_id"]}  # each column cites only itself
        assert col["region"] and col["title"]


def test_by_region(api: httpx.Client, doc_ids: dict[str, str]) -> None:
    r = api.get("/api/compare", params=[("topic", "zorggeschikte woningen"), ("region", "Gooi"), ("region", "Alkmaar")])
    assert r.status_code == 200, r.text
    assert [c["file"] for c in r.json()["columns"]] == [GOOI, "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"]


def test_errors_in_dutch(api: httpx.Client) -> None:
    r = api.get("/api/compare", params={"topic": "wonen", "docs": "nope"})
    assert r.status_code == 404 and r.json() == {"detail": "Onbekend document: nope."}
    r = api.get("/api/compare", params={"topic": "wonen", "region": "Friesland"})
    assert r.status_code == 404 and r.json() == {"detail": "Geen documenten over de regio ‘Friesland’."}
    r = api.get("/api/compare")
    assert r.status_code == 422 and "'topic' ontbreekt" in r.json()["detail"]
