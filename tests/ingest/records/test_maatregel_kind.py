"""Maatregel records from layouts nobody tuned for: other header words, ids in their own column or
in bold at the start of the text, cards with labels, label lines inside running text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.records.maatregel import MaatregelKind
from ingest.records.maatregelen import Maatregel
from tests.ingest.records.conftest import read_document

pytestmark = pytest.mark.slow


def _by_id(records: list[Maatregel]) -> dict[str, Maatregel]:
    return {m.id: m for m in records}


def test_table_with_other_header_words_and_an_id_column(tmp_path: Path) -> None:
    rows = [
        (
            "4.1",
            "Inloopspreekuur wonen in de bibliotheek",
            "Team Samenleving",
            "voorjaar 2027",
            "Bibliotheek Oost, GGD",
        ),
        ("4.2", "Scan op drempels in huurwoningen", "Woonbedrijf Zuid", "2026-2028", "Huurdersraad, Gemeente"),
        ("4.3", "Extra logeerbedden voor respijtzorg", "Zorgcentrum De Brug", "Q3 2026", "Mantelzorgpunt"),
    ]
    body = "".join(
        f"<tr><td>{a}</td><td>{b}</td><td>{c}</td><td>{d}</td><td>{e}</td><td>in gang</td></tr>"
        for a, b, c, d, e in rows
    )
    html = (
        "<h2>Uitvoeringsagenda</h2><table border='1'><tr><th>Nr.</th><th>Activiteit</th><th>Verantwoordelijke</th>"
        f"<th>Termijn</th><th>Samenwerkingspartners</th><th>Voortgang</th></tr>{body}</table>"
    )
    doc = read_document(tmp_path, html)
    found = _by_id(MaatregelKind().extract(doc))
    assert set(found) == {"4.1", "4.2", "4.3"}
    m = found["4.2"]
    assert (m.trekker, m.tijdspad, m.betrokken, m.status) == (
        "Woonbedrijf Zuid",
        "2026-2028",
        ["Huurdersraad", "Gemeente"],
        "in gang",
    )
    assert m.maatregel.startswith("Scan op drempels") and m.page == 1
    assert m.quote in doc.pages[0]
    # The record's boxes lie on its row: the trekker's words are inside one of them.
    words = [w for w in doc.layouts[0].words if w.text == "Woonbedrijf"]  # type: ignore[index]
    width, height = doc.layouts[0].width, doc.layouts[0].height  # type: ignore[index]
    x, y = (words[0].box.x0 + words[0].box.x1) / 2 / width, (words[0].box.y0 + words[0].box.y1) / 2 / height
    assert any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in m.boxes), m.boxes


def test_bold_ids_at_the_start_of_the_measure_cell(tmp_path: Path) -> None:
    rows = "".join(
        f"<tr><td><b>A-{i} {t}.</b> Toelichting bij de actie die wat langer is dan een regel in deze kolom.</td>"
        f"<td>{who}</td><td>{when}</td></tr>"
        for i, (t, who, when) in enumerate(
            [
                ("Buurtkamers", "Stichting Welzijn", "2026"),
                ("Valpreventie", "Fysio Netwerk", "najaar 2026"),
                ("Wooncoach", "Gemeente Dalen", "doorlopend"),
            ],
            start=1,
        )
    )
    html = f"<table><tr><th>Actiepunt</th><th>Eigenaar</th><th>Periode</th></tr>{rows}</table>"
    found = _by_id(MaatregelKind().extract(read_document(tmp_path, html)))
    assert set(found) == {"A-1", "A-2", "A-3"}
    assert found["A-2"].titel == "Valpreventie"
    assert (found["A-2"].trekker, found["A-2"].tijdspad) == ("Fysio Netwerk", "najaar 2026")


def test_cards_with_label_lines(tmp_path: Path) -> None:
    cards = "".join(
        f"<div style='border:1px solid #999;padding:6pt;margin:8pt 0'><h3>Project {n}: {title}</h3>"
        f"<p>{text}</p><p>Lead: {lead}<br>Doorlooptijd: {when}<br>Met wie: {partners}</p></div>"
        for n, title, text, lead, when, partners in [
            (
                7,
                "Buurtkamer in de Linde",
                "Een ontmoetingsplek voor ouderen.",
                "Welzijn Oost",
                "2026–2028",
                "Bibliotheek, GGD Midden",
            ),
            (
                8,
                "Klushulp",
                "Vrijwilligers helpen met kleine klussen.",
                "Vrijwilligerspunt",
                "vanaf maart 2026",
                "Woonbedrijf Zuid",
            ),
        ]
    )
    found = _by_id(MaatregelKind().extract(read_document(tmp_path, cards)))
    assert set(found) == {"7", "8"}
    assert found["7"].id_label == "Project 7"
    assert (found["7"].trekker, found["7"].tijdspad) == ("Welzijn Oost", "2026–2028")
    assert found["7"].betrokken == ["Bibliotheek", "GGD Midden"]
    assert found["8"].titel == "Klushulp" or found["8"].maatregel.startswith("Klushulp")


def test_labels_inside_running_text_in_two_columns(tmp_path: Path) -> None:
    filler = "<p>" + "Dit is gewone tekst over wonen en zorg in de gemeente, zonder afspraken. " * 4 + "</p>"
    actions = "".join(
        f"<p><b>Actiepunt {n}. {t}.</b> {text} <i>Uitvoerder:</i> {who}. <i>Wanneer:</i> {when}. "
        f"<i>Samen met:</i> {partners}.</p>{filler}"
        for n, t, text, who, when, partners in [
            (11, "Hofjeswoningen", "We bouwen een hofje bij de kerk.", "Woonbedrijf Zuid", "2027", "Kerkbestuur"),
            (
                12,
                "Seniorenmakelaar",
                "Een makelaar adviseert oudere eigenaren.",
                "Gemeente Dalen",
                "najaar 2026",
                "Makelaars Dalen, Ouderenbond",
            ),
        ]
    )
    html = f"<div style='columns:2;column-gap:10mm'>{filler}{actions}</div>"
    found = _by_id(MaatregelKind().extract(read_document(tmp_path, html)))
    assert set(found) == {"11", "12"}
    assert (found["12"].trekker, found["12"].tijdspad) == ("Gemeente Dalen", "najaar 2026")
    assert found["12"].betrokken == ["Makelaars Dalen", "Ouderenbond"]


def test_metadata_blocks_and_prose_are_no_measures(tmp_path: Path) -> None:
    html = (
        "<table><tr><td>Datum</td><td>3 maart 2026</td></tr><tr><td>Kenmerk</td><td>ZK/2026/114</td></tr>"
        "<tr><td>Aan</td><td>de gemeenteraad</td></tr></table>"
        "<p>De trekker van het project is de gemeente, die in 2027 met partners start.</p>"
        "<p>Onderwerp: wonen en zorg. Datum: 3 maart 2026.</p>"
    )
    assert MaatregelKind().extract(read_document(tmp_path, html)) == []
