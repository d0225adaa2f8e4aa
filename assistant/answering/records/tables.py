"""Number questions answered from parsed table cells: the exact cell, cited by its row line.

"Hoeveel zorggeschikte woningen heeft Noorddorp nodig tot 2030?" → the cell at row
Noorddorp, column "Zorggeschikte woningen" of the table that has it.
"""

from __future__ import annotations

import re

from assistant.models import Citation
from assistant.question.analysis import QuestionProfile
from assistant.retrieval.document_names import whole_word
from assistant.retrieval.index import SearchIndex
from ingest.records.tables import TableCell
from ingest.text.analysis import fold, tokenize
from prompts import answer as P

MIN_COLUMN_IDF = 2.0
# "… samen", "in totaal": the sum is asked, and a table states it in its total row.
_ASKS_TOTAL = re.compile(r"\b(samen|in totaal|totaal|opgeteld|bij elkaar|altogether|in total|together|combined)\b")
_TOTAL_ROW = re.compile(r"^(totaal|total|som|subtotaal)\b|\b(totaal|total)$")


class _CellLookup:
    """Cells by folded row name, and the folded captions of row-less cells: built once per index
    (a question checks the distinct row names, not every cell with a fresh regex)."""

    def __init__(self, cells: list[TableCell]) -> None:
        self.by_row: dict[str, list[TableCell]] = {}
        self.unnamed: list[tuple[str, TableCell]] = []
        self.position = {id(c): i for i, c in enumerate(cells)}  # matches keep the documents' order
        for c in cells:
            if c.row:
                self.by_row.setdefault(fold(c.row), []).append(c)
            else:
                self.unnamed.append((fold(c.table), c))


def find(profile: QuestionProfile, index: SearchIndex, doc_files: set[str] | None) -> list[TableCell]:
    """Cells whose row the question names and whose column it asks for; empty when the
    question is not about a table cell."""
    # Any question may ask for a cell ("Wat is de bijgestelde doelstelling voor …?"); the row and
    # a specific column word must both be named, which keeps other questions out.
    q = fold(profile.text)
    lookup = index.memo("table_cells", lambda: _CellLookup(index.cells))
    rows = [c for name, cells in lookup.by_row.items() if name in q and whole_word(name).search(q) for c in cells]
    # A table with one unnamed row is about the place in its caption ("… in regio Noordkust").
    # Places the index knows, not any capitalised word ("Tabel", "Regio", "Bijlage").
    named_places = index.names.mentioned(profile.text, places_only=True).values()
    places = {fold(part) for names in named_places for n in names for part in re.split(r"[/,]", n) if len(part) > 3}
    if places:
        rows += [c for table, c in lookup.unnamed if any(p in table for p in places)]
    rows = [c for c in rows if doc_files is None or c.file in doc_files]

    def in_named_table(cells: list[TableCell]) -> list[TableCell]:
        return [c for c in cells if any(i in c.table for i in profile.ids)]

    if _ASKS_TOTAL.search(q):
        totals = [c for name, cells in lookup.by_row.items() if _TOTAL_ROW.search(name) for c in cells]
        totals = [c for c in totals if doc_files is None or c.file in doc_files]
        # The sum of a table no named row belongs to: its total row.
        if not rows or (not in_named_table(rows) and in_named_table(totals)):
            rows = totals
    rows = sorted(rows, key=lambda c: lookup.position[id(c)])
    if not rows:
        return []
    # A table the question names by number ("Tabel Bijlage 4.12") wins.
    named = in_named_table(rows)
    rows = named or rows
    # The column must be named by a specific word ("zorggeschikte"), not a generic one ("woningen").
    terms = {t for t in profile.terms if index.idf(t) >= MIN_COLUMN_IDF}
    columns = [c for c in rows if set(tokenize(c.column)) & terms]
    if not columns:
        # No column named, but the table is, or its unit is asked for ("hoeveel woningen"): the whole row.
        asked = set(profile.terms)
        counting = profile.kind == "number"
        columns = [c for c in rows if named or (counting and c.unit and set(tokenize(c.unit)) & asked)]
    if not columns:
        return []
    best_table = columns[0].table
    return [c for c in columns if c.table == best_table]


def describe(cells: list[TableCell]) -> str:
    first = cells[0]
    values = "; ".join(f"{c.column}: {c.value}" + (f" {c.unit}" if c.unit and c.unit != "%" else "") for c in cells)
    period = f" ({first.period})" if first.period and first.period not in first.table else ""
    row = f"{first.row}: " if first.row else ""
    return f"{first.table}{period} — {row}{values}"


def lead(cells: list[TableCell], index: SearchIndex) -> tuple[Citation, str]:
    """(citation, answer text): the cells described, cited by their row line."""
    first = cells[0]
    doc = index.by_file[first.file]
    citation = Citation(
        n=0,
        file=first.file,
        doc_id=doc.doc_id,
        title=doc.title,
        page=first.page,
        quote=first.quote,
        section=first.table,
    )
    asked = {id(c) for c in cells}
    rows = index.memo("table_rows", lambda: _by_row(index.cells))
    rest = [c for c in rows.get((first.file, first.page, first.table, first.row), []) if id(c) not in asked]
    text = describe(cells)
    if rest and first.row:
        text += " (" + P.ROW_REST_NL.format(cells="; ".join(f"{c.column}: {c.value}" for c in rest)) + ")"
    return citation, text


def _by_row(cells: list[TableCell]) -> dict[tuple[str, int, str, str], list[TableCell]]:
    out: dict[tuple[str, int, str, str], list[TableCell]] = {}
    for c in cells:
        out.setdefault((c.file, c.page, c.table, c.row), []).append(c)
    return out
