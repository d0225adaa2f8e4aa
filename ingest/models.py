"""Typed records that flow from ingest into the index."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# What ingesting one file came to (FileOutcome.status).
INGESTED, REPLACED, UNCHANGED, ALIAS, REJECTED = "ingested", "replaced", "unchanged", "alias", "rejected"


@dataclass(frozen=True)
class Chunk:
    """A passage: an exact slice ``page_text[char_start:char_end]`` of one page."""

    chunk_id: str
    doc_id: str
    page: int  # 1-based
    char_start: int
    char_end: int
    section: str  # "4 Opgave > 4.3 Komen tot voldoende sociale huurwoningen"
    text: str  # verbatim slice of the stored page text
    search_text: str  # what BM25 and the embedder see: title, section, de-hyphenated text
    kind: str = "prose"  # "prose" | "table"

    @property
    def page_end(self) -> int:
        # Chunks never cross a page: a citation must point at exactly one page.
        return self.page


@dataclass
class DocumentMeta:
    """Manifest metadata of a document, plus what ingest learned about it."""

    file: str
    title: str
    organisation: str = ""
    municipalities: list[str] = field(default_factory=list)
    region: str = ""
    document_type: str = ""
    year: int | None = None
    access: str = "public"
    extra: dict[str, Any] = field(default_factory=dict)
