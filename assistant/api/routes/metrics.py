"""Prometheus scrape endpoint."""

from __future__ import annotations

from fastapi import APIRouter, Response

from assistant.api.deps import MetricsDep

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics(m: MetricsDep) -> Response:
    return Response(m.render(), media_type=m.content_type)
