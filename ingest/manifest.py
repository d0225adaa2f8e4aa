"""corpus/manifest.json: the documents' metadata (title, organisation, region, access …)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_KNOWN = ("title", "organisation", "municipalities", "region", "document_type", "year", "date", "access")


class Manifest:
    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self._by_file = {e["file"]: e for e in entries if "file" in e}
        self._by_sha = {e["sha256"]: e for e in entries if e.get("sha256")}

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.is_file():
            return cls([])
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(list(data.get("documents", [])))

    def metadata_for(self, file: str, sha256: str) -> dict[str, Any]:
        """Manifest metadata by file name, else by content hash, else defaults from the name."""
        entry = self._by_file.get(file) or self._by_sha.get(sha256) or {}
        meta: dict[str, Any] = {k: entry[k] for k in _KNOWN if k in entry}
        meta.setdefault("title", title_from_filename(file))
        meta.setdefault("municipalities", [])
        meta.setdefault("access", "public")
        return meta


def title_from_filename(file: str) -> str:
    stem = Path(file).stem
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or file
