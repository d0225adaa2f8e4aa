"""Table cells from every numeric table the layout shows: row label, column label, value, unit,
period, page and the cell's box. Tables printed as plain text lines (no columns in the layout)
come from the text-line parser in ``ingest/records/tables.py``.
"""

from __future__ import annotations

import re

from ingest.read.layout import Block
from ingest.records.base import ReadDocument, register
from ingest.records.labels import ACTION_FIELDS, field_for
from ingest.records.tables import TableCell, _clean_caption, _period, _row_unit, _token, _unit, parse_tables
from prompts import records as R


def _caption(doc: ReadDocument, block: Block, previous: Block | None) -> str:
    """The short block right above the table ("Tabel 2.1 Woningbehoefte per kern tot 2035")."""
    if previous is None or previous.kind == "table" or previous.page != block.page:
        return ""
    text = " ".join(previous.text.split())
    if len(previous.lines) > 2 or len(text) > 200 or previous.box.y1 > block.box.y0 + 1:
        return ""
    return _clean_caption(text)[0]


def _from_table(doc: ReadDocument, block: Block, caption: str) -> list[TableCell]:
    # A measure table's years ("Wanneer: 2027") are plans, not figures.
    if not block.header or any(field_for(h) in ACTION_FIELDS for h in block.header if h):
        return []
    out: list[TableCell] = []
    period = _period(caption)
    for row in block.rows:
        cells = {c.column: c for c in row}
        label_cell = cells.get(0)
        label = " ".join(label_cell.text.split()) if label_cell else ""
        if re.search(r"\d", label) and not re.search(r"[A-Za-z]{3}", label):
            continue  # a row without a label is not a row of this table (a number in column 0)
        for k, cell in cells.items():
            if k == 0:
                continue
            value = " ".join(cell.text.split())
            tok = _token(value)
            if tok is None:
                continue
            column = block.header[k] if k < len(block.header) else ""
            start, end = min(c.span[0] for c in row), max(c.span[1] for c in row)
            cs, ce = cell.span
            uncertain = [] if column else [R.COLUMN_WITHOUT_HEADER_NL]
            out.append(
                TableCell(
                    table=caption or " | ".join(h for h in block.header if h),
                    row=label,
                    column=column,
                    value=tok.value,
                    number=tok.number,
                    unit=_unit(column, tok.value) or _row_unit(label),
                    period=period or _period(column),
                    file=doc.file,
                    page=block.page,
                    quote=doc.pages[block.page - 1][start:end],
                    uncertain=uncertain,
                    low=tok.low,
                    high=tok.high,
                    boxes=doc.boxes(block.page, cs, ce),
                )
            )
    return out


class CellKind:
    name = "cell"

    def extract(self, doc: ReadDocument) -> list[TableCell]:
        found: list[TableCell] = []
        previous: Block | None = None
        for block in doc.blocks(body_only=True):
            if block.kind == "table":
                found += _from_table(doc, block, _caption(doc, block, previous))
            previous = block
        # Text-line tables: only rows the layout did not already give as cells.
        seen = {(c.page, c.quote) for c in found}
        lines = [c for c in parse_tables(doc.pages, doc.file) if not any(p == c.page and c.quote in q for p, q in seen)]
        return found + doc.placed(lines)

    def check(self, doc: ReadDocument, records: list[TableCell]) -> list[str]:
        return []


register(CellKind())
