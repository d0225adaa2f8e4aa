"""Dijk en Waard's indicator table (original vs adjusted targets for 2030) parses into cells.

The table has no "Tabel N" caption; its header is "Indicatoren | Oorspronkelijke doelstellingen
in 2030 | Bijgestelde doelstellingen in 2030" and its values are ranges ("1000-1500") or "nvt".
Expected values were read off the stored page text (page 14) by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from ingest.read.pdf import read_pdf
from ingest.records.tables import TableCell, find_cells, parse_tables
from tests.conftest import CORPUS

FILE = "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"
ORIGINEEL = "Oorspronkelijke doelstellingen in 2030"
BIJGESTELD = "Bijgestelde doelstellingen in 2030"
ROWS = [
    "Geclusterde woningen",
    "Zorggeschikte woningen",
    "Beschermd woonplekken",
    "Geclusterde woningen voor LG of VG",
    "Gespikkelde woningen voor LG of VG",
    "Tussenvormen voor jongeren",
]


@pytest.fixture(scope="module")
def pages() -> list[str]:
    return read_pdf(CORPUS / FILE).pages


@pytest.fixture(scope="module")
def cells(pages: list[str]) -> list[TableCell]:
    return parse_tables(pages, FILE)


def test_shape(cells: list[TableCell]) -> None:
    assert len(cells) == 12
    assert [c.row for c in cells[::2]] == ROWS
    assert [c.column for c in cells[:2]] == [ORIGINEEL, BIJGESTELD]
    assert {c.table for c in cells} == {f"Indicatoren: {ORIGINEEL}, {BIJGESTELD}"}
    assert {(c.page, c.period, c.file) for c in cells} == {(14, "2030", FILE)}
    assert all("tabel zonder bijschrift" in " ".join(c.uncertain) for c in cells)


def test_values_ranges_and_nvt(cells: list[TableCell]) -> None:
    (orig,) = find_cells(cells, row="Geclusterde woningen", column="oorspronkelijke", table="indicatoren")[:1]
    assert (orig.value, orig.number, orig.low, orig.high, orig.unit) == ("1000-1500", None, 1000.0, 1500.0, "woningen")
    assert orig.quote == "Geclusterde woningen 1000-1500 750-900"
    (adjusted,) = [c for c in cells if c.row == "Geclusterde woningen" and c.column == BIJGESTELD]
    assert (adjusted.value, adjusted.low, adjusted.high) == ("750-900", 750.0, 900.0)
    (zorg,) = [c for c in cells if c.row == "Zorggeschikte woningen" and c.column == BIJGESTELD]
    assert (zorg.value, zorg.number, zorg.unit) == ("nvt", None, "")
    (plekken,) = [c for c in cells if c.row == "Beschermd woonplekken" and c.column == ORIGINEEL]
    assert (plekken.low, plekken.high, plekken.unit) == (15.0, 20.0, "woonplekken")
    (lg,) = [c for c in cells if c.row == "Gespikkelde woningen voor LG of VG" and c.column == ORIGINEEL]
    assert (lg.value, lg.number, lg.low, lg.unit) == ("80", 80.0, None, "woningen")
    (jong,) = [c for c in cells if c.row == "Tussenvormen voor jongeren" and c.column == ORIGINEEL]
    assert (jong.number, jong.unit) == (15.0, "")  # the label names no unit: none is invented


def test_every_quote_is_on_its_page(cells: list[TableCell], pages: list[str]) -> None:
    for c in cells:
        assert " ".join(c.quote.split()) in " ".join(pages[c.page - 1].split()), c


def test_caption_less_tables_need_a_label_head_and_rows() -> None:
    # A heading line with capitals is no table; one row is not enough without a caption.
    assert parse_tables(["Gemeenten Wonen Zorg\nHaarlem 12 14\nDit is gewone tekst."], "x.pdf") == []
    assert parse_tables(["Partners Wonen Zorg\nHaarlem 12 14\nZandvoort 1 2"], "x.pdf") == []
    two = parse_tables(["Gemeente Wonen Zorg\nHaarlem 12 14\nZandvoort 1 2"], "x.pdf")
    assert [(c.row, c.column, c.value) for c in two] == [
        ("Haarlem", "Wonen", "12"),
        ("Haarlem", "Zorg", "14"),
        ("Zandvoort", "Wonen", "1"),
        ("Zandvoort", "Zorg", "2"),
    ]


def test_a_year_range_is_no_value_range() -> None:
    assert parse_tables(["Gemeente Periode Aantal\nHaarlem 2022-2031 12\nZandvoort 2022-2031 3"], "x.pdf") == []


def test_ingest_stores_the_indicator_cells(corpus_ingest: tuple[Any, Any]) -> None:
    settings, _ = corpus_ingest
    from ingest.store.registry import Registry

    stored = [r for _, r in Registry(settings.registry_path).records("cell") if r["file"] == FILE]
    assert len(stored) == 12 and stored[0]["low"] == 1000.0
