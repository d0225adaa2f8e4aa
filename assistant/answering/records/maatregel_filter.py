"""The one filter over maatregel records, shared by ``woonzorg maatregelen`` and ``GET /api/maatregelen``."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ingest.records.maatregelen import Maatregel
from ingest.text.analysis import fold


def filter_maatregelen(
    records: Iterable[Maatregel],
    trekker: str | None = None,
    q: str | None = None,
    files: Collection[str] | None = None,
) -> list[Maatregel]:
    """Records whose trekker contains ``trekker`` and whose maatregel/doel/status contain ``q``
    (both accent- and case-insensitive), from ``files`` when given."""
    found = list(records)
    if trekker:
        found = [r for r in found if fold(trekker) in fold(r.trekker)]
    if q:
        found = [r for r in found if fold(q) in fold(" ".join([r.maatregel, r.doel, r.status]))]
    if files is not None:
        found = [r for r in found if r.file in files]
    return found
