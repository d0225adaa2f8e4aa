"""Reading by layout on synthetic pages: columns, tables (ruled, borderless, over two pages),
lists and headings — and the page text whose offsets map every word back to its box."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.read.layout import Block, PageLayout
from ingest.read.pages import read_layouts
from tests.pdf_pages import html_page, print_pdf

pytestmark = pytest.mark.slow


def _read(tmp_path: Path, body: str, css: str = "") -> list[PageLayout]:
    return read_layouts(print_pdf(html_page(body, css), tmp_path, "page.pdf"))


def _tables(layouts: list[PageLayout]) -> list[Block]:
    return [b for lay in layouts for b in lay.blocks if b.kind == "table"]


def _assert_offsets(layout: PageLayout) -> None:
    for w in layout.words:
        assert layout.text[w.start : w.end] == w.text


COLUMN_TEXT = [
    f"Zin {n} over de wijk: bewoners {n} praten hier samen over zorg, wonen, buren, vervoer en de "
    f"toekomst van het dorp, zodat iedereen weet wat er speelt in buurt {n}."
    for n in range(1, 13)
]


def test_two_newspaper_columns_are_read_column_by_column(tmp_path: Path) -> None:
    paras = "".join(f"<p>{t}</p>" for t in COLUMN_TEXT)
    body = f"<h1>Samen oud worden in Veldhoven-Noord</h1><div style='columns:2;column-gap:12mm'>{paras}</div>"
    [page] = _read(tmp_path, body)
    _assert_offsets(page)
    text = " ".join(page.text.split())
    positions = [text.find(f"Zin {n} over") for n in range(1, 13)]
    assert all(p >= 0 for p in positions), text
    assert positions == sorted(positions), "de rechterkolom mag pas na de linkerkolom komen"
    assert text.find("Samen oud worden") < positions[0]
    # Each paragraph is one block: the column does not split it, and the neighbour column does not join it.
    paragraphs = [b for b in page.blocks if b.kind == "paragraph"]
    assert len(paragraphs) == 12
    assert all(b.text.count("Zin ") == 1 for b in paragraphs)


def _rows(n: int) -> str:
    return "".join(
        f"<tr><td>Kern {chr(65 + i)}</td><td>{100 + i}</td><td>{200 + 3 * i}</td><td>{40 + i}%</td></tr>"
        for i in range(n)
    )


def test_ruled_numeric_table_has_header_rows_and_columns(tmp_path: Path) -> None:
    table = (
        "<table style='border:1px solid #000' border='1'><tr><th>Kern</th><th>Huurwoningen</th>"
        f"<th>Koopwoningen</th><th>Aandeel ouderen</th></tr>{_rows(5)}</table>"
    )
    [page] = _read(tmp_path, f"<h2>Tabel 1 Voorraad per kern</h2>{table}<p>Bron: eigen telling.</p>")
    [t] = _tables([page])
    assert t.header == ["Kern", "Huurwoningen", "Koopwoningen", "Aandeel ouderen"]
    assert len(t.rows) == 5
    assert [c.text for c in t.rows[2]] == ["Kern C", "102", "206", "42%"]
    _assert_offsets(page)


def test_borderless_table_with_close_columns(tmp_path: Path) -> None:
    css = "td, th { padding: 1pt 3pt; } th { font-weight: bold; }"
    rows = "".join(
        f"<tr><td>Project {i}</td><td>Team Wonen</td><td>Q{i} 2027</td><td>loopt</td></tr>" for i in range(1, 5)
    )
    table = f"<table style='width:auto'><tr><th>Wat</th><th>Wie</th><th>Wanneer</th><th>Stand</th></tr>{rows}</table>"
    [page] = _read(tmp_path, table, css)
    [t] = _tables([page])
    assert t.header == ["Wat", "Wie", "Wanneer", "Stand"]
    assert [c.text for c in t.rows[0]] == ["Project 1", "Team Wonen", "Q1 2027", "loopt"]


def test_a_table_that_runs_over_the_page_without_repeating_its_header_is_one_table(tmp_path: Path) -> None:
    # Rows tall enough that the table breaks onto a second page; the header is an ordinary first
    # row (no <thead>), so the browser does not repeat it on page 2.
    long_text = "Een lange omschrijving van de activiteit die over meerdere regels doorloopt in de cel. " * 3
    rows = "".join(
        f"<tr><td><b>A{i}</b> {long_text}</td><td>Gemeente Oosterbeek</td><td>{2026 + i % 3}</td></tr>"
        for i in range(1, 15)
    )
    table = (
        "<table style='border-top:1px solid #000;border-bottom:1px solid #000'>"
        f"<tr style='border-bottom:1px solid #000'><td><b>Activiteit</b></td><td><b>Eigenaar</b></td>"
        f"<td><b>Gereed</b></td></tr>{rows}</table>"
    )
    layouts = _read(tmp_path, table)
    assert len(layouts) >= 2
    tables = _tables(layouts)
    first = next(t for t in tables if t.page == 1)
    second = next(t for t in tables if t.page == 2)
    assert first.header == ["Activiteit", "Eigenaar", "Gereed"]
    assert second.continued and second.header == first.header
    ids = [r[0].text.split()[0] for t in (first, second) for r in t.rows]
    assert ids == [f"A{i}" for i in range(1, 15)]


def test_list_items_and_headings(tmp_path: Path) -> None:
    body = (
        "<h2>Onze speerpunten</h2><p>Wij werken aan drie speerpunten:</p>"
        "<ul><li>Meer geschikte woningen in elke kern, ook voor mensen met een kleine beurs.</li>"
        "<li>Hulp dichtbij, met een vast aanspreekpunt in de wijk.</li>"
        "<li>Ontmoeting in het dorpshuis, elke week.</li></ul><p>Daarna volgt de uitwerking.</p>"
    )
    [page] = _read(tmp_path, body)
    kinds = [b.kind for b in page.blocks]
    assert kinds[0] == "heading" and "list" in kinds
    [lst] = [b for b in page.blocks if b.kind == "list"]
    assert len(lst.items) == 3
    assert lst.items[1][0].text.startswith("• Hulp dichtbij") or "Hulp dichtbij" in lst.items[1][0].text


def test_lead_in_set_tight_above_typed_dashes_is_its_own_paragraph(tmp_path: Path) -> None:
    # Typed dashes against the text and no space before the list: one text block to the eye of a
    # line grouper, a lead-in and its three items to a reader.
    lines = [
        "Belangrijke punten bij dit thema:",
        "-We bouwen kleine woningen bij de winkels.",
        "-Er komt een loket voor vragen over verhuizen.",
        "-Het dorpshuis gaat elke dag open.",
    ]
    body = "<p style='margin:0'>" + "<br>".join(lines) + "</p><p>Daarna volgt de uitwerking.</p>"
    [page] = _read(tmp_path, body)
    _assert_offsets(page)
    kinds = [b.kind for b in page.blocks]
    assert kinds[:2] == ["paragraph", "list"], kinds
    lead, lst = page.blocks[:2]
    assert lead.text == lines[0]
    assert [it[0].text for it in lst.items] == lines[1:]
    # Splitting kept the line order: the page text is the same reading.
    assert page.text.startswith("\n".join(lines))


def test_boxes_of_a_span_cover_its_words(tmp_path: Path) -> None:
    [page] = _read(tmp_path, "<p>Eerste zin staat hier.</p><p>De gemeente bouwt tachtig nultredenwoningen.</p>")
    stored = page.stored()
    start = page.text.index("tachtig")
    end = start + len("tachtig nultredenwoningen")
    [box] = stored.boxes(start, end)
    words = [w for w in page.words if w.text in ("tachtig", "nultredenwoningen.")]
    assert box.x0 == pytest.approx(words[0].box.x0, abs=0.2) and box.x1 == pytest.approx(words[1].box.x1, abs=0.2)
    assert box.y0 == pytest.approx(words[0].box.y0, abs=0.2)
    fractions = stored.scaled_boxes(start, end)[0]
    assert all(0 <= v <= 1 for v in fractions)


def test_right_aligned_numbers_in_a_bold_total_row_stay_in_their_columns(tmp_path: Path) -> None:
    # Right-aligned figures: a wider bold number starts left of the column's other values and
    # stands closer to its neighbour than the columns do elsewhere; its right edge still aligns.
    rows = [("Noorddorp", 420, 145, 105, 670), ("Zuiderkerk", 185, 70, 35, 290), ("Oostwijk", 260, 115, 50, 425)]
    cell = "style='text-align:right;padding:2px 0'"
    body_rows = "".join(
        f"<tr><td>{k}</td>" + "".join(f"<td {cell}>{v}</td>" for v in vals) + "</tr>" for k, *vals in rows
    )
    total = (
        "<tr style='font-weight:bold'><td>Totaal</td>"
        + "".join(f"<td {cell}>{v}</td>" for v in ("865", "330", "190", "1.385"))
        + "</tr>"
    )
    body = (
        "<table style='border-collapse:collapse;width:520px'><colgroup><col style='width:180px'>"
        "<col style='width:110px'><col style='width:110px'><col style='width:80px'><col style='width:40px'>"
        "</colgroup><tr><th>Kern</th><th>Nultreden</th><th>Geclusterd</th><th>Zorggeschikt</th><th>Totaal</th></tr>"
        f"{body_rows}{total}</table>"
    )
    [table] = _tables(_read(tmp_path, body))
    last = [c.text for c in table.rows[-1]]
    assert last == ["Totaal", "865", "330", "190", "1.385"]


# Headings differ from page to page, as headings do (a line on every page is a running one).
EDGE_HEADINGS = [
    ("Op tijd nadenken", "Samen verder", "Niemand staat er alleen voor"),
    ("Eén aanspreekpunt", "Kleine dingen", "Ontmoeten dichtbij"),
    ("Hulp in de buurt", "Geschikt wonen", "Wat gaan we doen?"),
]


def _edge_page(n: int) -> str:
    """An A4 page of absolutely placed blocks: a running header close above the body, a heading
    at the top of each column, a heading at the foot of the left column, a page number."""

    def at(top: float, left: float, html: str, width: float = 80) -> str:
        return f"<div style='position:absolute;top:{top}mm;left:{left}mm;width:{width}mm'>{html}</div>"

    para = "Inwoners willen zo lang mogelijk thuis wonen, ook als de zorg zwaarder wordt. " * 3
    top_left, top_right, foot = EDGE_HEADINGS[n - 1]
    return (
        f"<div style='position:relative;height:296mm;overflow:hidden;{'page-break-after:always' if n < 3 else ''}'>"
        + at(7, 15, "<span style='font-size:8pt'>Gemeente Voorbeeld · Woonzorgvisie 2026</span>", 150)
        + at(12.5, 15, f"<b style='font-size:12pt'>{top_left}</b>")
        + at(19, 15, f"<p style='margin:0'>{para}</p>")
        + at(12.5, 110, f"<b style='font-size:12pt'>{top_right}</b>")
        + at(19, 110, f"<p style='margin:0'>{para}</p>")
        + at(265, 15, f"<p style='margin:0'>{para[:80]}</p>")
        + at(277, 15, f"<b style='font-size:12pt'>{foot}</b>")
        + at(289, 100, f"<span style='font-size:8pt'>{n}</span>", 10)
        + "</div>"
    )


def test_margin_is_running_lines_and_page_numbers_not_headings_near_the_edge(tmp_path: Path) -> None:
    from ingest.read.blocks import in_margin
    from ingest.read.structure import furniture

    css = "@page { size: A4; margin: 0 } body { margin: 0 }"
    layouts = _read(tmp_path, "".join(_edge_page(n) for n in (1, 2, 3)), css)
    assert len(layouts) == 3
    repeated = furniture([lay.text for lay in layouts])
    for n, lay in enumerate(layouts, 1):
        margin = {" ".join(b.text.split()) for b in lay.blocks if in_margin(b, lay, repeated)}
        assert margin == {"Gemeente Voorbeeld · Woonzorgvisie 2026", str(n)}, margin
        body = " ".join(b.text for b in lay.blocks if not in_margin(b, lay, repeated))
        for heading in EDGE_HEADINGS[n - 1]:
            assert heading in " ".join(body.split())
    # Without the document's repeated lines the header sits too close to the body to be told
    # apart by its place alone; the page number still is one.
    first = layouts[0]
    alone = {" ".join(b.text.split()) for b in first.blocks if in_margin(b, first)}
    assert alone == {"1"}
