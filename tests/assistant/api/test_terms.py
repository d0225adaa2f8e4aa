"""Begrippen over HTTP: lookup with sources, differing definitions flagged, Dutch 404."""

from __future__ import annotations

import httpx

from ingest.settings import Settings
from ingest.store.registry import Registry

DSP = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"


def test_search_finds_zorggeschikte_woning(api: httpx.Client, doc_ids: dict[str, str]) -> None:
    r = api.get("/api/terms", params={"q": "zorggeschikte woning"})
    assert r.status_code == 200
    body = r.json()
    assert body["query"] == "zorggeschikte woning"
    first = body["terms"][0]
    assert first["term"] == "Zorggeschikte woningen"
    assert first["definition"].startswith("Zorggeschikte woningen zijn zelfstandige woningen")
    assert (first["file"], first["page"], first["doc_id"]) == (DSP, 47, doc_ids[DSP])
    assert first["title"] == "Regionale woonzorgopgave Zuid-Kennemerland/IJmond"
    # The quote is on the page the source link opens.
    page = api.get(f"/api/documents/{first['doc_id']}/pages/{first['page']}").json()
    assert first["quote"] and first["quote"] in page["text"]


def test_differing_definitions_are_flagged(api: httpx.Client) -> None:
    body = api.get("/api/terms", params={"q": "geclusterd"}).json()
    flagged = [t for t in body["terms"] if t["differs"]]
    assert {t["file"] for t in flagged} >= {DSP, "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"}
    assert body["differences"] and "verschillend" in body["differences"][0]
    assert "min. 5" in body["differences"][0]

    # The same abbreviation with the same meaning in two documents is not a difference.
    wlz = api.get("/api/terms", params={"q": "Wlz"}).json()
    assert len(wlz["terms"]) == 2
    assert not any(t["differs"] for t in wlz["terms"]) and wlz["differences"] == []


def test_full_list(api: httpx.Client, corpus_settings: Settings) -> None:
    body = api.get("/api/terms").json()
    registry = Registry(corpus_settings.registry_path)
    try:
        stored = registry.records("begrip")
    finally:
        registry.close()
    assert len(body["terms"]) == len(stored) > 20
    terms = [t["term"].lower() for t in body["terms"]]
    assert terms == sorted(terms)
    assert any(t["differs"] for t in body["terms"] if t["term"] == "Geclusterde woonvormen")


def test_term_path(api: httpx.Client) -> None:
    r = api.get("/api/terms/nultredenwoning")
    assert r.status_code == 200
    assert r.json()["terms"][0]["term"] == "Nultredenwoningen"

    r = api.get("/api/terms/kernfusiecentrale")
    assert r.status_code == 404
    assert r.json() == {"detail": "Geen definitie van ‘kernfusiecentrale’ gevonden in de documenten."}
