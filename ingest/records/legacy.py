"""Record kinds still read from the page text alone, registered like the layout-based ones.

* ``voorstel`` — numbered proposals ("Voorstel 1 … 11") under thematic headings, with the
  document's own announced count as the check (the Zuid-Kennemerland en IJmond woonzorgopgave).
* ``phase`` — year + phase lines of a phased plan ("2024 Opstarten") (the Dijk en Waard plan).

Both key on wording rather than layout; they stay until the generic path covers them.
"""

from __future__ import annotations

from ingest.records.base import ReadDocument, register
from ingest.records.phases import Phase, parse_phases
from ingest.records.voorstellen import Voorstel, check_count, expected_count, parse_voorstellen
from prompts import records as R


class VoorstelKind:
    name = "voorstel"

    def extract(self, doc: ReadDocument) -> list[Voorstel]:
        return doc.placed(parse_voorstellen(doc.pages, doc.file))

    def check(self, doc: ReadDocument, records: list[Voorstel]) -> list[str]:
        announced = expected_count(doc.pages)
        if not records and announced is None:
            return []
        return [R.PROPOSALS_CHECK_NL.format(problem=m) for m in check_count(records, announced)]


class PhaseKind:
    name = "phase"

    def extract(self, doc: ReadDocument) -> list[Phase]:
        return doc.placed(parse_phases(doc.pages, doc.file))

    def check(self, doc: ReadDocument, records: list[Phase]) -> list[str]:
        return []


register(VoorstelKind())
register(PhaseKind())
