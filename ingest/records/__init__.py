"""Structured records of a document, one plug-in per kind (see ``base.RecordKind``)."""

from __future__ import annotations

from typing import Any

from ingest.records import begrip, cell, legacy, maatregel  # noqa: F401  (importing registers the kinds)
from ingest.records.base import ReadDocument, RecordKind, as_dict, register, registered

__all__ = ["ReadDocument", "RecordKind", "extract_records", "register", "registered"]


def extract_records(doc: ReadDocument) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """Every registered kind's records (as dicts, for the registry) and their self-check warnings."""
    records: dict[str, list[dict[str, Any]]] = {}
    warnings: list[str] = []
    for kind in registered():
        found = kind.extract(doc)
        warnings += kind.check(doc, found)
        records[kind.name] = [as_dict(r) for r in found]
    return records, warnings
