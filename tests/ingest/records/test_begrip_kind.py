"""Begrippen from glossary layouts (definition lists beside each other, Term | Betekenis tables,
bulleted "Term: …" lines) and conflicts between documents that differ in a number."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.records.begrip import BegripKind, conflicts
from tests.ingest.records.conftest import read_document

pytestmark = pytest.mark.slow

GRID_CSS = (
    "dl { display: grid; grid-template-columns: 40mm 1fr; gap: 4pt 8mm; } dt { font-weight: bold; } dd { margin: 0; }"
)


def test_definition_list_in_two_columns(tmp_path: Path) -> None:
    html = (
        "<h2>Woordenlijst</h2><dl>"
        "<dt>Seniorenwoning</dt><dd>Een woning met ten minste één slaapkamer en badkamer op de woonverdieping.</dd>"
        "<dt>Hofje</dt><dd>Een groep woningen rond een gedeelde tuin, met een eigen voordeur per woning.</dd>"
        "<dt>Buurtkamer</dt><dd>Een ruimte in de wijk waar bewoners elkaar zonder afspraak kunnen ontmoeten.</dd>"
        "</dl>"
    )
    doc = read_document(tmp_path, html, GRID_CSS)
    terms = {b.term: b for b in BegripKind().extract(doc)}
    assert {"Seniorenwoning", "Hofje", "Buurtkamer"} <= set(terms)
    assert terms["Hofje"].definition.startswith("Een groep woningen rond een gedeelde tuin")
    assert terms["Hofje"].boxes and terms["Hofje"].quote in doc.pages[0]


def test_term_betekenis_table_and_drawn_bullets(tmp_path: Path) -> None:
    html = (
        "<table border='1'><tr><th>Term</th><th>Betekenis</th></tr>"
        "<tr><td>Blijverslening</td>"
        "<td>Een lening voor eigenaren die hun woning willen aanpassen aan hun leeftijd.</td></tr>"
        "<tr><td>Woonzorgzone</td>"
        "<td>Een wijk waar wonen, zorg en welzijn dicht bij elkaar georganiseerd zijn.</td></tr>"
        "</table><p>Verder gebruiken we:</p><ul>"
        "<li>Domotica: techniek in huis die helpt om zelfstandig en veilig te blijven wonen.</li>"
        "<li>Respijtzorg: tijdelijke overname van zorg zodat een mantelzorger kan uitrusten.</li></ul>"
    )
    terms = {b.term: b for b in BegripKind().extract(read_document(tmp_path, html))}
    assert {"Blijverslening", "Woonzorgzone", "Domotica", "Respijtzorg"} <= set(terms)
    assert terms["Domotica"].definition.startswith("techniek in huis")


def test_no_terms_from_a_metadata_block(tmp_path: Path) -> None:
    html = "<p><b>Onderwerp:</b> Woonzorgvisie 2026</p><p>De raad besluit over de visie in juni.</p>"
    assert [b for b in BegripKind().extract(read_document(tmp_path, html)) if b.term == "Onderwerp"] == []


def test_conflicts_are_numbers_that_differ_not_other_wording(tmp_path: Path) -> None:
    a = read_document(
        tmp_path / "a",
        "<ul><li>Seniorenwoning: een woning met ten minste 1 slaapkamer op de begane grond.</li>"
        "<li>Hofje: een groep van minimaal 8 woningen rond een tuin.</li></ul>",
        name="a.pdf",
    )
    b = read_document(
        tmp_path / "b",
        "<ul><li>Seniorenwoning: een woning met ten minste 2 slaapkamers gelijkvloers.</li>"
        "<li>Hofje: minimaal 8 woningen die samen een tuin delen.</li></ul>",
        name="b.pdf",
    )
    found = BegripKind().extract(a) + BegripKind().extract(b)
    flagged = conflicts(found)
    assert [c["key"] for c in flagged] == ["seniorenwoning"]
    assert "1" in str(flagged[0]["note"]) and "2" in str(flagged[0]["note"])
