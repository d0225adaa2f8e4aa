"""A document's access level: decided at ingest (fail closed), changed later without re-embedding.

Only ``public`` is public. A document without an access entry in its manifest is ``intern``;
so is one with a value that is neither level (with a warning). The registry is the source
of truth: every serving process filters on the registry's metadata, and an access change
bumps the registry version (and re-stamps BM25), so each API worker loads it on its next
poll. Chroma's copy of the level is updated in place (metadata only, the vectors stay).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ingest.settings import Settings
from ingest.store.bm25 import Bm25Index
from ingest.store.registry import DocumentRecord, Registry
from ingest.store.vectors import make_client, update_doc_metadata
from ingest.store.write_lock import held, lock_path

log = logging.getLogger(__name__)

PUBLIC, INTERN = "public", "intern"
ACCESS_LEVELS = (PUBLIC, INTERN)
DEFAULT_ACCESS = INTERN  # no entry, no access field: not public

# Where a document's level came from (meta["access_source"]). A re-ingest applies the manifest
# again to levels that came from a manifest (or the default), never to an explicit choice.
FROM_MANIFEST, FROM_DEFAULT, FROM_UPLOAD, FROM_ADMIN = "manifest", "default", "upload", "admin"
EXPLICIT_SOURCES = (FROM_UPLOAD, FROM_ADMIN)


def parse_access(value: object) -> str | None:
    """``public`` or ``intern`` (any case, spaces around), else None."""
    text = str(value).strip().lower() if isinstance(value, str) else ""
    return text if text in ACCESS_LEVELS else None


def access_of(meta: dict[str, Any]) -> str:
    """The effective level of stored metadata: only an explicit ``public`` is public."""
    return PUBLIC if parse_access(meta.get("access")) == PUBLIC else INTERN


def is_explicit(meta: dict[str, Any]) -> bool:
    """Was the level chosen by someone (upload form, `woonzorg access`, the admin API)?"""
    return meta.get("access_source") in EXPLICIT_SOURCES


def find_document(registry: Registry, ref: str) -> DocumentRecord | None:
    """The active document ``ref`` names: its doc_id, its file name or one of its aliases."""
    ref = ref.strip()
    if not ref:
        return None
    doc = registry.get(ref)
    if doc is not None and doc.status == "active":
        return doc
    doc = registry.find_active(file=ref)
    if doc is not None:
        return doc
    aliased = registry.alias_of(ref)
    doc = registry.get(aliased) if aliased else None
    return doc if doc is not None and doc.status == "active" else None


@dataclass(frozen=True)
class AccessChange:
    doc_id: str
    file: str
    title: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def set_access(
    registry: Registry,
    settings: Settings,
    doc: DocumentRecord,
    access: str,
    source: str = FROM_ADMIN,
    *,
    chroma: Any | None = None,
    save_bm25: bool = True,
) -> AccessChange:
    """Give ``doc`` the level ``access``; the caller holds the data dir's write lock.

    Registry metadata first (one transaction, new version), then Chroma's metadata (in place,
    no embedding), then BM25 re-saved under the new version stamp (``save_bm25``; a batch
    saves it once at its end), so readers take the new version as soon as the lock is
    released. ``chroma``: an open client (default: one from ``settings``). Same level again:
    only the source is recorded (no new version)."""
    level = parse_access(access)
    if level is None:
        raise ValueError(f"unknown access level {access!r}")
    old = access_of(doc.meta)
    meta = {**doc.meta, "access": level, "access_source": source}
    change = AccessChange(doc.doc_id, doc.file, doc.title, old, level)
    if not change.changed:
        if doc.meta.get("access_source") != source:
            registry.update_meta(doc.doc_id, meta, bump=False)
        return change
    if not registry.update_meta(doc.doc_id, meta):
        raise LookupError(doc.doc_id)
    try:
        update_doc_metadata(
            chroma or make_client(settings), settings.index.chroma_collection, doc.doc_id, {"access": level}
        )
    except Exception:  # Chroma's copy is informational (retrieval filters on the registry)
        log.exception("access of %s: Chroma metadata not updated", doc.doc_id)
    if save_bm25:
        Bm25Index.from_tokens(list(registry.chunk_tokens()), registry.version()).save(settings.bm25_dir)
    log.info("%s: access %s -> %s", doc.file, old, level)
    return change


def change_access_of(
    settings: Settings,
    ref: str,
    access: str,
    source: str = FROM_ADMIN,
    *,
    chroma: Any | None = None,
    by_id: bool = False,
) -> tuple[AccessChange, DocumentRecord] | None:
    """Take the data dir's write lock, find the active document ``ref`` names (its doc_id only with
    ``by_id``; else also a file name or alias) and give it ``access``. None: no such document.

    The one way the CLI (``woonzorg access``) and the API (``PATCH /api/documents/{id}``) change a level."""
    registry = Registry(settings.registry_path)
    try:
        with held(lock_path(settings.data_dir)):
            found = registry.get(ref) if by_id else find_document(registry, ref)
            if found is None or found.status != "active":
                return None
            change = set_access(registry, settings, found, access, source, chroma=chroma)
            return change, registry.get(found.doc_id) or found
    finally:
        registry.close()
