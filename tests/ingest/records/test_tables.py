"""Numeric tables of the Zuid-Kennemerland/IJmond report parse into cells.

Expected values were read off the stored page text by hand (pages 16, 21, 48).
"""

from __future__ import annotations

import pytest

from ingest.read.pdf import read_pdf
from ingest.records.tables import TableCell, find_cells, parse_number, parse_tables
from tests.conftest import CORPUS

FILE = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"
T412 = "Tabel Bijlage 4.12: Huisvestingsopgave per gemeente, 2022-2031"
GEMEENTEN = ["Haarlem", "Zandvoort", "Bloemendaal", "Heemstede", "Velsen", "Beverwijk", "Heemskerk"]


@pytest.fixture(scope="module")
def pages() -> list[str]:
    return read_pdf(CORPUS / FILE).pages


@pytest.fixture(scope="module")
def cells(pages: list[str]) -> list[TableCell]:
    return parse_tables(pages, FILE)


def _table(cells: list[TableCell], caption: str) -> list[TableCell]:
    return [c for c in cells if c.table == caption]


def test_bijlage_4_12_shape_and_values(cells: list[TableCell]) -> None:
    table = _table(cells, T412)
    assert [c.row for c in table[::4]] == [*GEMEENTEN, "Totaal"]
    assert [c.column for c in table[:4]] == [
        "Zorggeschikte woningen",
        "Geclusterde woningen",
        "Nultredenwoningen",
        "Totaal",
    ]
    assert len(table) == 32
    assert {c.page for c in table} == {48}
    assert {c.period for c in table} == {"2022-2031"}
    assert {c.unit for c in table} == {"woningen"}
    assert [c.value for c in table if c.row == "Haarlem"] == ["265", "470", "2.030", "2.765"]
    (heemskerk,) = find_cells(table, row="Heemskerk", column="Zorggeschikte woningen")
    assert (heemskerk.value, heemskerk.number, heemskerk.quote) == ("115", 115.0, "Heemskerk 115 160 425 700")
    (total,) = find_cells(table, row="Totaal", column="Totaal")
    assert (total.value, total.number) == ("6.820", 6820.0)
    # The rows add up to the Totaal row, column by column: nothing was shifted.
    for col in {c.column for c in table}:
        column = find_cells(table, column=col)
        assert sum(c.number or 0 for c in column if c.row != "Totaal") == next(
            c.number for c in column if c.row == "Totaal"
        )


def test_find_cells_is_case_and_accent_insensitive(cells: list[TableCell]) -> None:
    (cell,) = find_cells(cells, row="heemskerk", column="zorggeschikt")
    assert cell.value == "115" and cell.table == T412 and cell.page == 48
    assert find_cells(cells, row="HÉEMSKERK", column="ZORGGESCHIKT", table="bijlage 4.12") == [cell]
    assert find_cells(cells, row="Groningen") == []


def test_every_quote_is_on_its_page(cells: list[TableCell], pages: list[str]) -> None:
    assert cells
    for c in cells:
        assert " ".join(c.quote.split()) in " ".join(pages[c.page - 1].split()), c
        assert c.file == FILE


def test_tabel_4_1_percentages_and_footnote(cells: list[TableCell]) -> None:
    table = find_cells(cells, table="Tabel 4.1:")
    assert len(table) == 14 and {c.page for c in table} == {21} and {c.unit for c in table} == {"%"}
    (bloemendaal,) = find_cells(table, row="Bloemendaal", column="Huidig")
    assert (bloemendaal.value, bloemendaal.number) == ("16%", 16.0)
    # "Velsen 32% 30%28": footnote 28 is split off the value and noted.
    (velsen,) = find_cells(table, row="Velsen", column="Bouwbeleid")
    assert (velsen.value, velsen.number) == ("30%", 30.0)
    assert any("28" in note for note in velsen.uncertain)


def test_tabel_3_7_single_unlabelled_row(cells: list[TableCell]) -> None:
    table = find_cells(cells, table="Tabel 3.7:")
    assert [c.value for c in table] == ["720", "1.650", "4.450", "6.820"]
    assert all(c.row == "" and "rij zonder label" in c.uncertain and c.page == 16 for c in table)


def test_irregular_tables_yield_nothing(cells: list[TableCell]) -> None:
    # Tabel 3.3 (one number per row under six header names) and Tabel Bijlage 4.10
    # (a text matrix) do not fit a consistent column count.
    assert not find_cells(cells, table="Tabel 3.3")
    assert not find_cells(cells, table="Bijlage 4.10")


def test_page_without_tables_gives_no_cells(pages: list[str]) -> None:
    assert "Tabel" not in pages[0]
    assert parse_tables([pages[0]], FILE) == []
    assert parse_tables(["Tabel 9.9: Leeg\nGemeente Aantal\nDit is gewone tekst."], FILE) == []


@pytest.mark.parametrize(
    ("value", "number"),
    [("1.650", 1650.0), ("2,5", 2.5), ("16%", 16.0), ("-17", -17.0), ("21,6%", 21.6), ("1.5", None), ("abc", None)],
)
def test_parse_number(value: str, number: float | None) -> None:
    assert parse_number(value) == number
