"""manifest.json: the documents' metadata (title, organisation, region, access …).

Each ingested folder may have its own ``manifest.json``; the corpus manifest
(``Settings.manifest_path``) is the fallback. An entry is found by file name, else by the
PDF's content hash (``sha256``). Access fails closed: a document without an entry, or an
entry without a valid ``access``, is ``intern``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ingest.ops.access import DEFAULT_ACCESS, FROM_DEFAULT, FROM_MANIFEST, parse_access
from prompts.access import ACCESS_NO_ENTRY_NL, ACCESS_UNKNOWN_VALUE_NL, MANIFEST_SHAPE_NL, MANIFEST_UNREADABLE_NL

MANIFEST_NAME = "manifest.json"
_KNOWN = ("title", "organisation", "municipalities", "region", "document_type", "year", "date", "access")


class ManifestError(ValueError):
    """A manifest.json that exists but cannot be used (the message is Dutch, for the user)."""


class Manifest:
    def __init__(self, entries: list[dict[str, Any]], path: Path | None = None) -> None:
        self.path = path
        self._by_file = {e["file"]: e for e in entries if "file" in e}
        self._by_sha = {str(e["sha256"]).lower(): e for e in entries if e.get("sha256")}

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.is_file():
            return cls([], path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ManifestError(MANIFEST_UNREADABLE_NL.format(path=path, problem=exc)) from exc
        documents = data.get("documents", []) if isinstance(data, dict) else None
        if not isinstance(documents, list) or not all(isinstance(e, dict) for e in documents):
            problem = MANIFEST_SHAPE_NL.format(path=path)
            raise ManifestError(MANIFEST_UNREADABLE_NL.format(path=path, problem=problem))
        return cls(documents, path)

    def entry_for(self, file: str, sha256: str) -> dict[str, Any] | None:
        """The entry by file name, else by content hash, else None."""
        return self._by_file.get(file) or (self._by_sha.get(sha256.lower()) if sha256 else None)

    def metadata_for(self, file: str, sha256: str) -> dict[str, Any]:
        """Manifest metadata by file name, else by content hash, else defaults from the name."""
        return metadata_from(self.entry_for(file, sha256), file)


def metadata_from(entry: dict[str, Any] | None, file: str) -> dict[str, Any]:
    """A document's metadata from its manifest entry (None: no entry); access fails closed."""
    entry = entry or {}
    meta: dict[str, Any] = {k: entry[k] for k in _KNOWN if k in entry}
    meta.setdefault("title", title_from_filename(file))
    meta.setdefault("municipalities", [])
    level = parse_access(entry.get("access"))
    meta["access"] = level or DEFAULT_ACCESS
    meta["access_source"] = FROM_MANIFEST if level else FROM_DEFAULT
    return meta


def access_note(entry: dict[str, Any] | None, manifest: Path | None) -> str:
    """Why a document got the default level (for its outcome message); '' if the entry set one."""
    if entry is None or "access" not in entry:
        return ACCESS_NO_ENTRY_NL
    if parse_access(entry.get("access")) is None:
        return ACCESS_UNKNOWN_VALUE_NL.format(value=entry.get("access"), manifest=manifest or MANIFEST_NAME)
    return ""


class Manifests:
    """The manifests that apply to a PDF: its folder's ``manifest.json``, then the corpus one.

    The first manifest with an entry for the PDF (by name, then by hash) decides; a folder
    manifest is read again when it changed on disk."""

    def __init__(self, fallback: Manifest) -> None:
        self.fallback = fallback
        self._folders: dict[Path, tuple[tuple[int, int], Manifest]] = {}

    def for_folder(self, folder: Path) -> Manifest | None:
        path = (folder / MANIFEST_NAME).resolve()
        if self.fallback.path is not None and path == self.fallback.path.resolve():
            return None  # the corpus manifest itself
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._folders.get(path)
        if cached is None or cached[0] != key:
            cached = (key, Manifest.load(path))
            self._folders[path] = cached
        return cached[1]

    def check(self, pdfs: list[Path]) -> None:
        """Read every folder manifest these PDFs use; a broken one raises ManifestError now,
        before anything is ingested."""
        for folder in {p.parent for p in pdfs}:
            self.for_folder(folder)

    def lookup(self, pdf: Path, sha256: str) -> tuple[dict[str, Any] | None, Path | None]:
        """The entry for ``pdf`` (matched by its file name, then ``sha256``) and its manifest's path."""
        own = self.for_folder(pdf.parent)
        for manifest in (own, self.fallback):
            if manifest is not None and (entry := manifest.entry_for(pdf.name, sha256)) is not None:
                return entry, manifest.path
        return None, None


def title_from_filename(file: str) -> str:
    stem = Path(file).stem
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or file
