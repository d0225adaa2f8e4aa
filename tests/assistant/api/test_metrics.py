"""Prometheus metrics move when the API is used."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families


def _samples(api: httpx.Client) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    r = api.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def _get(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_requests_latency_answers_and_refusals_are_counted(api: httpx.Client, doc_ids: dict[str, str]) -> None:
    before = _samples(api)
    assert api.get("/api/terms", params={"q": "Wlz"}).status_code == 200
    doc = next(iter(doc_ids.values()))
    assert api.get(f"/api/documents/{doc}/pages/9999").status_code == 404
    assert api.get("/bestaat/niet").status_code == 404
    assert api.post("/api/ask", json={"question": "Hoeveel subsidie geeft de gemeente voor zonnepanelen?"}).json()[
        "refused"
    ]
    assert not api.post("/api/ask", json={"question": "Wat zijn zorggeschikte woningen?"}).json()["refused"]
    after = _samples(api)

    def delta(name: str, **labels: str) -> float:
        return _get(after, name, **labels) - _get(before, name, **labels)

    assert delta("woonzorg_http_requests_total", route="/api/terms", method="GET", status="200") == 1
    # By route template, not by raw path: one series for all pages of all documents.
    page_route = "/api/documents/{doc_id}/pages/{n}"
    assert delta("woonzorg_http_requests_total", route=page_route, method="GET", status="404") == 1
    assert delta("woonzorg_http_requests_total", route="unmatched", method="GET", status="404") == 1
    assert delta("woonzorg_http_requests_total", route="/api/ask", method="POST", status="200") == 2
    assert delta("woonzorg_http_request_duration_seconds_count", route="/api/ask") == 2
    assert delta("woonzorg_http_request_duration_seconds_sum", route="/api/ask") > 0
    assert delta("woonzorg_refusals_total") == 1
    assert delta("woonzorg_answers_total", mode="extractive", outcome="refused") == 1
    assert delta("woonzorg_answers_total", mode="extractive", outcome="answered") == 1
    assert not any(doc in name or any(doc in v for _, v in labels) for name, labels in after)
