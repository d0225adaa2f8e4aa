"""Evidence units on synthetic pages: a list whole with its lead-in, a table row with its column
names, a heading never glued to a sentence, a sentence read with the one it refers back to."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.units import PageUnits, build_units
from ingest.read.pages import read_layouts
from tests.pdf_pages import html_page, print_pdf

pytestmark = pytest.mark.slow


def _units(tmp_path: Path, body: str) -> PageUnits:
    [layout] = read_layouts(print_pdf(html_page(body), tmp_path, "page.pdf"))
    return build_units(layout, layout.stored())


def _unit(page: PageUnits, words: str, kind: str | None = None):  # type: ignore[no-untyped-def]
    return next(u for u in page.units if words in page.text[u.start : u.end] and kind in (None, u.kind))


def test_a_list_item_is_quoted_with_its_lead_in_and_every_item(tmp_path: Path) -> None:
    body = (
        "<h2>Wat we gaan doen</h2><p>De raad kiest voor vier speerpunten:</p>"
        "<ul><li>Meer kleine woningen bij de winkels.</li><li>Een loket voor vragen over verhuizen.</li>"
        "<li>Het dorpshuis elke dag open.</li><li>Vervoer op afroep voor wie slecht ter been is.</li></ul>"
        "<p>Over de uitwerking besluit de raad in het najaar.</p>"
    )
    page = _units(tmp_path, body)
    start, end = page.whole(_unit(page, "loket", "item"))
    quoted = " ".join(page.text[start:end].split())
    assert quoted.startswith("De raad kiest voor vier speerpunten:")
    assert all(w in quoted for w in ("kleine woningen", "loket", "dorpshuis", "Vervoer op afroep"))
    assert "najaar" not in quoted and "Wat we gaan doen" not in quoted
    # The lead-in sentence on its own brings what it announces.
    assert page.whole(_unit(page, "vier speerpunten", "sentence")) == (start, end)


def test_a_heading_is_its_own_unit_and_names_the_section(tmp_path: Path) -> None:
    body = "<h2>Mantelzorg en respijt</h2><p>Mantelzorgers kunnen een weekend per maand logeeropvang krijgen.</p>"
    page = _units(tmp_path, body)
    sentence = _unit(page, "logeeropvang", "sentence")
    assert "Mantelzorg en respijt" not in page.text[sentence.start : sentence.end]
    assert page.heading_at(sentence.start) == "Mantelzorg en respijt"


def test_a_table_row_reads_with_its_column_names(tmp_path: Path) -> None:
    rows = "".join(
        f"<tr><td>{k}</td><td>{a}</td><td>{b}</td></tr>"
        for k, a, b in [("Noorddorp", 120, 45), ("Zuiderkerk", 80, 30), ("Oostwijk", 95, 25)]
    )
    body = (
        "<table border='1'><tr><th>Kern</th><th>Nultredenwoningen</th><th>Zorggeschikte woningen</th></tr>"
        f"{rows}</table>"
    )
    page = _units(tmp_path, body)
    row = _unit(page, "Zuiderkerk", "row")
    assert " ".join(page.text[row.start : row.end].split()) == "Zuiderkerk 80 30"
    assert row.label == "Kern: Zuiderkerk; Nultredenwoningen: 80; Zorggeschikte woningen: 30"


def test_a_sentence_that_refers_back_is_read_with_the_one_before(tmp_path: Path) -> None:
    body = (
        "<p>Tot 2030 zijn in de regio 900 nultredenwoningen nodig. Daarnaast zijn 120 zorggeschikte "
        "woningen nodig. Het college stelt jaarlijks een monitor op.</p>"
    )
    page = _units(tmp_path, body)
    start, end = page.read_alone(_unit(page, "Daarnaast", "sentence"))
    assert " ".join(page.text[start:end].split()) == (
        "Tot 2030 zijn in de regio 900 nultredenwoningen nodig. Daarnaast zijn 120 zorggeschikte woningen nodig."
    )
    own = _unit(page, "monitor", "sentence")
    assert page.read_alone(own) == (own.start, own.end)
