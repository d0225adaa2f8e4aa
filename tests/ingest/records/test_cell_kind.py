"""Numeric table cells with row, column, unit, period and the cell's own box."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.records.cell import CellKind
from tests.ingest.records.conftest import read_document

pytestmark = pytest.mark.slow


def test_cells_of_a_captioned_table(tmp_path: Path) -> None:
    rows = "".join(
        f"<tr><td>{w}</td><td>{a}</td><td>{b}</td></tr>"
        for w, a, b in [("Centrum", "120", "35%"), ("Oost", "85", "28%"), ("Totaal", "1.205", "31%")]
    )
    html = (
        f"<p>Tabel 3 Geschikte woningen per wijk, 2030</p><table border='1'><tr><th>Wijk</th>"
        f"<th>Nultredenwoningen</th><th>Aandeel 75+</th></tr>{rows}</table>"
    )
    doc = read_document(tmp_path, html)
    cells = {(c.row, c.column): c for c in CellKind().extract(doc)}
    total = cells[("Totaal", "Nultredenwoningen")]
    assert (total.value, total.number, total.unit, total.period) == ("1.205", 1205.0, "woningen", "2030")
    assert total.table.startswith("Tabel 3")
    share = cells[("Oost", "Aandeel 75+")]
    assert (share.number, share.unit) == (28.0, "%")
    # The cell's box holds exactly that number on the page.
    [box] = share.boxes
    layout = doc.layouts[0]  # type: ignore[index]
    [word] = [w for w in layout.words if w.text == "28%"]
    assert box[0] == pytest.approx(word.box.x0 / layout.width, abs=0.002)
    assert box[1] == pytest.approx(word.box.y0 / layout.height, abs=0.002)
