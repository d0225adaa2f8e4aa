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


def test_a_heading_in_body_type_is_cut_from_the_sentences_under_it(tmp_path: Path) -> None:
    # Same font, size and spacing as the text: only its line of its own says it is a heading.
    body = (
        "<p style='width:520px'>Geclusterde woonvormen zijn hofjes en serviceflats met een ontmoetingsruimte.<br>"
        "Nultredenwoningen<br>"
        "Nultredenwoningen zijn woningen waarin je zonder trappen kunt wonen, met alle vertrekken op "
        "een verdieping.<br>Ook de toegang tot de woning is zonder drempels.</p>"
    )
    page = _units(tmp_path, body)
    heading = _unit(page, "Nultredenwoningen", "heading")
    assert " ".join(page.text[heading.start : heading.end].split()) == "Nultredenwoningen"
    sentence = _unit(page, "zonder trappen", "sentence")
    assert page.text[sentence.start : sentence.end].startswith("Nultredenwoningen zijn")
    assert page.heading_at(_unit(page, "drempels").start) == "Nultredenwoningen"
    # The line above ends in a full stop only when the heading is one: a sentence that wraps is no heading.
    assert not any(u.kind == "heading" for u in page.units if "hofjes" in page.text[u.start : u.end])


def test_a_line_that_wraps_mid_sentence_is_not_a_heading(tmp_path: Path) -> None:
    body = "<p style='width:300px'>De gemeente bouwt tot 2030 in<br>Noorddorp<br>zestig woningen voor ouderen.</p>"
    page = _units(tmp_path, body)
    assert not any(u.kind == "heading" for u in page.units)


def test_a_quote_never_ends_where_the_reader_cut_a_sentence(tmp_path: Path) -> None:
    # A heading block that breaks off mid-sentence: the rest, in lower case, belongs to it.
    body = "<h3>Stap 4 - Bespreek de inhoud. Welke</h3><p>onderwerpen komen aan bod? Eerst de analyse.</p>"
    page = _units(tmp_path, body)
    heading = _unit(page, "Stap 4", "heading")
    start, end = page.whole(heading)
    assert " ".join(page.text[start:end].split()) == "Stap 4 - Bespreek de inhoud. Welke onderwerpen komen aan bod?"


def _counted_page(heads: list[str], lead: str) -> str:
    paras = "".join(
        f"<h3>{h}</h3><p>Hierover gaan wij met inwoners en partners in gesprek in {h.lower()}.</p>" for h in heads
    )
    return f"<h2>4. Onze ambities</h2><p>{lead} Ze vormen de basis voor hoofdstuk 5.</p>{paras}<h2>5. Uitvoering</h2>"


def test_a_sentence_that_counts_headings_brings_them_along(tmp_path: Path) -> None:
    heads = ["Geschikt wonen in elk dorp", "Hulp in de buurt", "Niemand staat er alleen voor"]
    page = _units(tmp_path, _counted_page(heads, "Met inwoners hebben we drie ambities geformuleerd."))
    lead = _unit(page, "drie ambities", "sentence")
    assert [page.text[u.start : u.end] for u in page.counted(lead.start, lead.end)] == heads
    # Not when the count does not match the headings that follow: four announced, three there.
    other = _units(tmp_path / "b", _counted_page(heads, "Met inwoners hebben we vier ambities geformuleerd."))
    lead = _unit(other, "vier ambities", "sentence")
    assert other.counted(lead.start, lead.end) == []


def test_a_sentence_that_counts_a_list_without_a_colon_announces_it(tmp_path: Path) -> None:
    body = (
        "<p>We werken aan vier speerpunten.</p><ul><li>Preventie versterken.</li><li>Meer geclusterde woningen."
        "</li><li>Eén loket.</li><li>Vervoer op afroep.</li></ul><p>De raad besluit in het najaar.</p>"
    )
    page = _units(tmp_path, body)
    start, end = page.whole(_unit(page, "vier speerpunten", "sentence"))
    quoted = " ".join(page.text[start:end].split())
    assert quoted.startswith("We werken aan vier speerpunten.") and quoted.endswith("Vervoer op afroep.")


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("We hebben drie ambities geformuleerd.", 3),
        ("De regio kent 4 speerpunten.", 4),
        ("Er zijn vijf nieuwe thema's.", 5),
        ("We bouwen twintig woningen.", None),  # a quantity, not a list to come
        ("Er komt één loket.", None),
        ("Geen telling in deze zin.", None),
    ],
)
def test_announced_count(sentence: str, count: int | None) -> None:
    from assistant.answering.units import announced_count

    assert announced_count(sentence) == count
