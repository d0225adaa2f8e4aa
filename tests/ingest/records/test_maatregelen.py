"""The maatregel matrices of the Gooi en Vechtstreek strategy parse into 29 checked records.

Expected values below were read off the stored page text (pages 7-17) by hand.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import pytest

from ingest.read.chunking import item_labels
from ingest.read.pdf import read_pdf
from ingest.read.structure import label_lines
from ingest.records.maatregelen import Maatregel, check_counts, expected_counts, normalise_tijdspad, parse_maatregelen
from tests.conftest import CORPUS

FILE = "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"

# id → (tijdspad, trekker), from the "Tijdspad" cell and the "Trekker:" label of each row.
EXPECTED: dict[str, tuple[str, str]] = {
    "1a": ("Q1-2 2025", "gemeenten"),
    "1b": ("Q3-4 2025", "gemeenten"),
    "1c": ("Q2 2025 en verder", "gemeenten"),  # "Trekker:\ngemeenten" at the top of page 8
    "1d": ("Q2 2025 en verder", "RGV"),
    "1e": ("Q3 2025 en verder", "RGV"),
    "1f": ("Q1 2026", "gemeenten"),
    "1g": ("Q2 2025", "RGV sociaal domein/ jeugd (uitwerken concept)"),
    "2a": ("Q3 2025", "RGV"),  # cells shared with 2b
    "2b": ("Q3 2025", "RGV"),
    "2c": ("Q1 2025", "corporaties"),
    "3a": ("Doorlopend", "Gemeenten, ontwikkelpartners"),  # "Doorlope\nnd", "ontwikkel-\npartners"
    "3b": ("Q1 2025 en verder", "RGV (projectleider strategie)"),  # "Lopend Q1 2025": Lopend is the status
    "4a": ("Lopend", "PM"),
    "4b": ("Lopend", ""),  # only "RGV legt verbinding naar coalitie", no Trekker label
    "4c": ("Q2 2025", "RGV"),
    "5a": ("Q3 2025", "PM"),
    "6a": ("PM", "PM"),
    "6b": ("Lopend", ""),
    "7a": ("Lopend", ""),
    "7b": ("Lopend 2x per jaar update delen regionaal", "gemeenten"),
    "7c": ("Lopend", "gemeenten"),
    "7d": ("Doorlopend", "RGV"),
    "8a": ("Q3-4 2025", "gemeenten"),
    "8b": ("Q4 2025 en verder", "gemeenten"),
    "8c": ("Q4 2025 en verder", "corporaties"),
    "9a": ("Q2 2025 en verder", "RGV"),
    "9b": ("Q1 2025", "RGV"),
    "9c": ("Q2 2025 en verder", "RGV"),
    "9d": ("Q4 2025", "RGV"),
}
ACTIELIJNEN = [
    "3.1 Passend woningaanbod",
    "3.2 Wonen en zorg verbonden",
    "3.3 De inclusieve wijk",
    "3.4 Samenwerking met partners",
]


def _ws(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pages() -> list[str]:
    return read_pdf(CORPUS / FILE).pages


@pytest.fixture(scope="module")
def records(pages: list[str]) -> dict[str, Maatregel]:
    parsed = parse_maatregelen(pages, FILE)
    by_id = {r.id: r for r in parsed}
    assert len(by_id) == len(parsed), "duplicate ids"
    return by_id


def test_all_29_maatregelen_in_document_order(pages: list[str]) -> None:
    parsed = parse_maatregelen(pages, FILE)
    assert [r.id for r in parsed] == list(EXPECTED)
    assert [r.page for r in parsed] == sorted(r.page for r in parsed)
    assert parsed[0].page >= 7 and parsed[-1].page == 17
    assert sorted({r.actielijn for r in parsed}) == ACTIELIJNEN
    assert sorted({r.doel_nr for r in parsed}) == list(range(1, 10))
    assert all(r.file == FILE for r in parsed)


def test_counts_self_check_agrees(pages: list[str]) -> None:
    expected = expected_counts(pages)
    assert expected == {"actielijnen": 4, "doelen": 9, "maatregelen": 29}
    assert check_counts(parse_maatregelen(pages, FILE), expected) == []


def test_check_counts_reports_a_missing_record(
    pages: list[str], records: dict[str, Maatregel], caplog: pytest.LogCaptureFixture
) -> None:
    expected = expected_counts(pages)
    without_5a = [r for r in records.values() if r.id != "5a"]  # 5a is doel 5's only maatregel
    with caplog.at_level(logging.WARNING, logger="ingest.records.maatregelen"):
        problems = check_counts(without_5a, expected)
    assert "maatregelen: document noemt 29, parser vond 28" in problems
    assert "doelen: document noemt 9, parser vond 8" in problems
    assert len(problems) == 2
    assert sum("telling klopt niet" in rec.getMessage() for rec in caplog.records) == 2


def test_check_counts_reports_duplicate_ids(pages: list[str], records: dict[str, Maatregel]) -> None:
    # 9d swapped for a second 9c: the totals still agree, the ids do not.
    doubled = [r for r in records.values() if r.id != "9d"]
    doubled.append(replace(records["9c"]))
    assert check_counts(doubled, expected_counts(pages)) == ["dubbele maatregel-id's: 9c"]


@pytest.mark.parametrize(("rid", "tijdspad", "trekker"), [(k, *v) for k, v in EXPECTED.items()])
def test_tijdspad_and_trekker(records: dict[str, Maatregel], rid: str, tijdspad: str, trekker: str) -> None:
    assert records[rid].tijdspad == tijdspad
    assert records[rid].trekker == trekker


def test_spot_checks(records: dict[str, Maatregel]) -> None:
    d = records["1d"]
    assert d.trekker == "RGV" and d.tijdspad.startswith("Q2 2025") and d.page == 8
    assert d.betrokken == ["RGV", "Input: gemeenten"]
    assert d.maatregel.startswith("We richten een regionaal platform op")
    assert "Leegstand" in d.maatregel and "Niet in uitvoering" not in d.maatregel
    assert d.status == (
        "Kan mogelijk een plek krijgen bestaande overlegstructuren zoals de Brede Kijk. Niet in uitvoering."
    )

    # The text says "RGV,\nZilverenkruis\nTrekker: RGV": Zilveren Kruis is betrokken, RGV trekt.
    b = records["9b"]
    assert b.trekker == "RGV" and b.betrokken == ["RGV", "Zilverenkruis"]

    a = records["1a"]
    assert a.actielijn == "3.1 Passend woningaanbod" and a.doel_nr == 1
    assert a.doel.startswith("We vergroten het passend woningaanbod") and a.doel.endswith("toegankelijk.")
    assert a.maatregel == (
        "We maken per gemeente inzichtelijk wat het specifieke aanbod (bestaande voorraad) is voor ouderen en "
        "aandachtsgroepen."
    )
    assert a.status == "Corporaties hebben in beeld welke woningen in hun portefeuille toegankelijk zijn (0-treden)"
    assert a.betrokken == ["Gemeenten", "Corporaties", "Zorginstellingen"]

    assert records["4c"].actielijn == "3.2 Wonen en zorg verbonden"
    assert records["4c"].betrokken[-1] == "gem. projectleider IZA"
    assert "woonzorgconcepten" in records["1f"].maatregel  # "woonzorg-\nconcepten" rejoined
    assert "huur-/woonlastengewenning" in records["2c"].maatregel
    assert records["8c"].status == "Niet in uitvoering."  # status and tijdspad share a line there
    assert records["3b"].status == "Lopend"
    for r in records.values():
        for text in (r.doel, r.maatregel, r.status, r.tijdspad, r.trekker, *r.betrokken):
            assert "\n" not in text and text == text.strip()


def test_pm_and_missing_trekkers_are_recorded_not_invented(records: dict[str, Maatregel]) -> None:
    assert {r.id for r in records.values() if r.trekker == "PM"} == {"4a", "5a", "6a"}
    missing = {r.id for r in records.values() if not r.trekker}
    assert missing == {"4b", "6b", "7a"}
    for rid in missing:
        notes = records[rid].uncertain
        assert "trekker niet gevonden" in notes
        assert any("RGV legt verbinding naar coalitie" in n for n in notes)
    # 4a has both the remark and a label; the remark is kept out of the trekker.
    assert any("RGV legt verbinding" in n for n in records["4a"].uncertain)


def test_quotes_are_verbatim_and_show_the_row(pages: list[str], records: dict[str, Maatregel]) -> None:
    for r in records.values():
        page_text = pages[r.page - 1]
        assert r.quote and _ws(r.quote) in _ws(page_text), r.id
        assert r.quote.startswith(f"{r.id[-1]}) "), r.id
        if r.trekker and not any("volgende pagina" in n for n in r.uncertain):
            assert "Trekker:" in r.quote, r.id
    # The shared row's quote reaches the cells it borrows from 2b.
    assert "Trekker: RGV" in records["2a"].quote and "b) Gemeentelijke websites" in records["2a"].quote


def test_ids_agree_with_the_chunkers_item_labels(pages: list[str], records: dict[str, Maatregel]) -> None:
    """The same rows get the same compound ids as ``chunking.item_labels`` gives the index."""
    labels = item_labels(label_lines(pages))
    ours = {(r.page, pages[r.page - 1].find(r.quote)): r.id for r in records.values()}
    assert ours == {key: rid for key, rid in labels.items() if 7 <= key[0] <= 17}


def test_trekker_continued_on_next_page(pages: list[str], records: dict[str, Maatregel]) -> None:
    c = records["1c"]
    assert c.page == 7 and pages[7].startswith("Trekker:\ngemeenten")
    assert c.trekker == "gemeenten" and c.betrokken == ["Gemeenten", "Corporaties"]
    assert "trekker op volgende pagina (p. 8)" in c.uncertain
    assert "Trekker" not in c.quote
    # The next row starts after that continuation and is not polluted by it.
    assert records["1d"].maatregel.startswith("We richten")


def test_maatregel_text_continued_after_footnotes(records: dict[str, Maatregel]) -> None:
    b = records["7b"]
    assert b.page == 13 and b.trekker == "gemeenten"
    assert b.maatregel.endswith("Een ander voorbeeld is het ‘gespreksmodel sociale basis’ van Movisie19.")
    assert any("loopt door op p. 14" in n for n in b.uncertain)


def test_shared_cells_are_flagged(records: dict[str, Maatregel]) -> None:
    a, b = records["2a"], records["2b"]
    assert (a.status, a.tijdspad, a.trekker, a.betrokken) == (b.status, b.tijdspad, b.trekker, b.betrokken)
    assert a.status == "Alle corporaties hebben 1 of meer seniorenwooncoaches"
    assert any("gedeeld met 2b" in n for n in a.uncertain)
    assert any("gedeeld met 2a" in n for n in b.uncertain)


def test_footnotes_and_urls_do_not_leak(records: dict[str, Maatregel]) -> None:
    for r in records.values():
        blob = " ".join([r.maatregel, r.status, r.tijdspad, r.trekker, *r.betrokken])
        assert "http" not in blob and "Lang Leven" not in blob and "Het Parool" not in blob, r.id
    assert records["3b"].trekker == "RGV (projectleider strategie)"  # footnote 16 follows it
    assert records["9d"].page == 17 and "Blik op de toekomst" not in records["9d"].maatregel


def test_normalise_tijdspad() -> None:
    assert normalise_tijdspad("Q 1-2\n2025") == "Q1-2 2025"
    assert normalise_tijdspad("Q 2 2025\nen verder") == "Q2 2025 en verder"
    assert normalise_tijdspad("Q 3 - 4 2025") == "Q3-4 2025"
    assert normalise_tijdspad("Lopend") == "Lopend"


def test_expected_counts_reads_words_and_digits() -> None:
    text = ["2.1 Maatregelen\nWe werken langs drie actielijnen.", "Samen zijn dat zes doelen en 14 maatregelen."]
    assert expected_counts(text) == {"actielijnen": 3, "doelen": 6, "maatregelen": 14}
    # An article is not a count, and no statement means nothing to check.
    assert expected_counts(["We nemen een aantal maatregelen."]) is None
    assert check_counts([], None) == []


def test_document_without_matrix_gives_no_records() -> None:
    other = "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"
    assert parse_maatregelen(read_pdf(CORPUS / other).pages, other) == []


def test_ingest_warns_only_where_a_document_counts_its_maatregelen(corpus_ingest: tuple[Any, Any]) -> None:
    settings, _ = corpus_ingest
    from ingest.store.registry import Registry

    warnings = {d.file: d.warnings for d in Registry(settings.registry_path).documents()}
    # Gooi en Vechtstreek's own counts agree with the parser; other documents have no matrix to check.
    assert not any(w.startswith("maatregelen:") for ws in warnings.values() for w in ws), warnings
