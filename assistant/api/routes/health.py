from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from assistant.api.deps import SearcherDep

router = APIRouter()


@router.get("/health")
def health(searcher: SearcherDep) -> dict[str, Any]:
    info = searcher.index.health()
    return {"status": "ok" if info["documents"] else "empty", "index_loaded": True, **info}
