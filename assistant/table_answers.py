"""Number questions answered from parsed table cells: the exact cell, cited by its row line.

"Hoeveel zorggeschikte woningen heeft Heemskerk nodig tot 2031?" → the cell at row
Heemskerk, column "Zorggeschikte woningen" of the table that has it.
"""

from __future__ import annotations

import re

from assistant.answer_models import Citation
from assistant.question_analysis import QuestionProfile
from assistant.search_index import SearchIndex
from ingest.tables import TableCell
from ingest.text_analysis import fold, tokenize

MIN_COLUMN_IDF = 2.0


def find(profile: QuestionProfile, index: SearchIndex, doc_files: set[str] | None) -> list[TableCell]:
    """Cells whose row the question names and whose column it asks for; empty when the
    question is not about a table cell."""
    # Any question may ask for a cell ("Wat is de bijgestelde doelstelling voor …?"); the row and
    # a specific column word must both be named, which keeps other questions out.
    q = fold(profile.text)
    pool = [c for c in index.cells if doc_files is None or c.file in doc_files]
    rows = [c for c in pool if c.row and re.search(rf"(?<!\w){re.escape(fold(c.row))}(?!\w)", q)]
    # A table with one unnamed row is about the place in its caption ("… in regio Zuid-Kennemerland").
    places = {fold(part) for w in profile.proper_nouns for part in re.split(r"[/,]", w) if len(part) > 3}
    rows += [c for c in pool if not c.row and any(p in fold(c.table) for p in places)]
    if not rows:
        return []
    # A table the question names by number ("Tabel Bijlage 4.12") wins.
    named = [c for c in rows if any(i in c.table for i in profile.ids)]
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
    doc = next(d for d in index.documents.values() if d.file == first.file)
    citation = Citation(
        n=0,
        file=first.file,
        doc_id=doc.doc_id,
        title=doc.title,
        page=first.page,
        quote=first.quote,
        section=first.table,
    )
    return citation, describe(cells)
