"""The Dijk en Waard uitvoeringsplan's phasing (4.1 Gefaseerde uitvoering) parses into phase records.

Expected values were read off the stored page texts (pages 12-14) by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from ingest.read.pdf import read_pdf
from ingest.records.phases import Phase, parse_phases
from tests.conftest import CORPUS

FILE = "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"


def _ws(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pages() -> list[str]:
    return read_pdf(CORPUS / FILE).pages


@pytest.fixture(scope="module")
def phases(pages: list[str]) -> list[Phase]:
    return parse_phases(pages, FILE)


def test_the_phasing(phases: list[Phase]) -> None:
    assert [(p.year, p.end_year, p.phase, p.page) for p in phases] == [
        (2024, None, "Opstarten", 12),
        (2025, None, "Borgen", 13),
        (2026, None, "Bestendigen", 13),
        # The same list goes on with the long-term line under which the indicator table sits.
        (2022, 2030, "Voldoende passende passende woningen en woonzorgcirkels", 14),
    ]
    assert {p.section for p in phases} == {"4. Planning > 4.1 Gefaseerde uitvoering"}
    assert all(p.file == FILE and not p.uncertain for p in phases)


def test_descriptions(phases: list[Phase]) -> None:
    start, borgen, bestendigen, lange_termijn = phases
    assert start.description.startswith("2024 was het jaar van pionieren, leren en ontwikkelen.")
    assert start.description.endswith("die gestart worden vanuit het ruimtelijk domein.")
    assert borgen.description.startswith("2025 is het jaar van effectieve uitvoering")
    assert "• Instrumentarium ontwikkelen" in borgen.description and "2026" not in borgen.description
    assert bestendigen.description == (
        "In 2026 is het tijdelijke team Wonen en Zorg idealiter overbodig en hebben de uitgangspunten vanuit de "
        "Woonzorgvisie een plek gekregen in de organisatie. We kunnen vanaf dat moment door bouwen op een stevig "
        "gelegd fundament."
    )
    # The indicator table under it is not part of the description.
    assert lange_termijn.description.endswith("zijn onderstaande cijfers vastgelegd.")
    assert "Indicatoren" not in lange_termijn.description


def test_quotes_are_verbatim(pages: list[str], phases: list[Phase]) -> None:
    for p in phases:
        assert _ws(p.quote) in _ws(pages[p.page - 1]), p
        assert p.quote.startswith(f"▪ {p.year}") and p.phase in p.quote
    assert phases[0].quote == "▪ 2024 Opstarten\n2024 was het jaar van pionieren, leren en ontwikkelen."


def test_year_lines_that_are_no_phasing() -> None:
    # One year line is no phasing; a table header with years is followed by no prose.
    lone = ["1 Inleiding\n▪ 2024 Opstarten\nIn 2024 starten we met de uitvoering van de nieuwe visie."]
    assert parse_phases(lone, "x.pdf") == []
    header = ["Tabel 3.3 Raming\n2030 Opgave t.o.v.\n2022\n2040 Opgave t.o.v.\n2022\nBeschermd wonen 520 532 +12"]
    assert parse_phases(header, "x.pdf") == []


def test_other_documents_have_no_phases() -> None:
    for other in (
        "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf",
        "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf",
    ):
        assert parse_phases(read_pdf(CORPUS / other).pages, other) == []


def test_ingest_stores_phases(corpus_ingest: tuple[Any, Any]) -> None:
    settings, _ = corpus_ingest
    from ingest.store.registry import Registry

    stored = [r for _, r in Registry(settings.registry_path).records("phase")]
    assert [(r["year"], r["phase"]) for r in stored][:3] == [
        (2024, "Opstarten"),
        (2025, "Borgen"),
        (2026, "Bestendigen"),
    ]
