"""Numeric tables ("Tabel 4.1: …", "Tabel Bijlage 4.12: …") → one record per cell, read from text lines.

Kept for what the layout path (``ingest/records/cell.py``) cannot see: a table a PDF prints as
plain lines with single spaces ("Velsen 115 445 735 1.295"), so positions show no columns (the
Zuid-Kennemerland en IJmond woonzorgopgave, 2024; the Dijk en Waard indicator table).

pypdf gives such a table as: the caption line (maybe wrapped), the column header
with names wrapped over several short lines, then one line per row, "label n n n".
The parser anchors on exactly that shape:

* a caption line starts the table; following lines that start in lower case
  continue the caption;
* header lines run up to the first line ending in a number; a line starting with
  a capital (or digit) opens a column, a capitalised word inside it opens the next
  one, and lines starting lower case or with "(" continue the current column;
* data rows are "label + N numbers" with N fixed by the first row, and N must match
  the header (N names after a label-column name, or N names and no label name);
  the first line that does not fit ends the table.

A table whose header and rows do not agree yields nothing: no cell is guessed.
Footnote numbers glued to text ("2022-203161", "30%28") are split off and noted.

Tables without a caption (an indicator table: "Indicatoren Oorspronkelijke
doelstellingen / in 2030 / …") start at a header line whose first name heads the
row labels ("Indicatoren", "Gemeente"); their name is made from that header and
noted as such. Besides numbers, a cell may hold a range ("1000-1500": ``low`` and
``high``, no single ``number``) or "nvt" (not applicable: no number, no unit).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from ingest.text.analysis import fold
from prompts import records as R

log = logging.getLogger(__name__)

_CAPTION = re.compile(r"^Tabel\s+(?:bijlage\s+)?\d+(?:\.\d+)*[:.]?\s+\S", re.IGNORECASE)
# Dutch numbers: "." groups thousands, "," is the decimal mark; "%" may follow, and
# a footnote number may be glued to a percentage ("30%28").
_NUM = re.compile(r"^(?P<v>-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?(?P<pct>%)?)(?P<fn>(?<=%)\d{1,3})?$")
# Wider lines are body text, not a header cell; more lines than this is not a header.
_HEADER_LINE_MAX = 70
_HEADER_LINES_MAX = 14
# A year with a footnote number glued on ("203161") or a footnote after a word/")".
_YEAR_FOOTNOTE = re.compile(r"(?<!\d)((?:19|20)\d{2})\d{1,3}(?=\W*$)")
_WORD_FOOTNOTE = re.compile(r"(?<=[A-Za-zÀ-ÿ)])\d{1,3}(?=\W*$)")
_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})")
_YEAR = re.compile(r"(?<!\d)(?:(tot|t/m)\s+)?((?:19|20)\d{2})")
# Names that head the row-label column, not a numeric one.
_LABEL_HEAD = re.compile(r"^(?:gemeenten?|regio|jaar|indicatoren|indicator)\b", re.IGNORECASE)
# A range of two Dutch numbers ("1000-1500", "15-20") and "not applicable" cells.
_RANGE_VALUE = re.compile(r"^(?P<lo>\d{1,3}(?:\.\d{3})+|\d+)\s?[-–]\s?(?P<hi>\d{1,3}(?:\.\d{3})+|\d+)$")
_NOT_APPLICABLE = re.compile(r"^n\.?v\.?t\.?$", re.IGNORECASE)
# A header line ending in one of these continues on the next line, even with a bare year ("in" / "2030").
_HEADER_CONTINUES = {"in", "tot", "t/m", "per", "van", "vanaf"}
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}$")
# Units a column name can spell out; "Nultredenwoningen" ends in "woningen" too.
_UNITS = re.compile(
    r"(woningen|woonruimtes|standplaatsen|woonplekken|plaatsen|plekken|personen|huishoudens|bewoners|inwoners"
    r"|complexen|mantelzorgers)\b"
)


@dataclass
class TableCell:
    """One numeric cell; ``uncertain`` says what the parser could not settle."""

    table: str  # caption as written, footnote number removed
    row: str
    column: str
    value: str  # as written: "1.650", "16%", "1000-1500", "nvt"
    number: float | None  # None for a range or "nvt"
    unit: str  # "woningen", "%", "" when unknown
    period: str  # from the caption: "2022-2031", "2021", "tot 2031"; "" if none
    file: str
    page: int  # 1-based
    quote: str  # the row line, verbatim from the page text
    uncertain: list[str] = field(default_factory=list)
    low: float | None = None  # a range's bounds ("1000-1500" → 1000, 1500); None otherwise
    high: float | None = None
    boxes: list[list[float]] = field(default_factory=list)  # the cell's (text path: the row's) boxes, page fractions


@dataclass
class _Token:
    value: str
    number: float | None  # None: a range (see low/high) or "nvt"
    footnote: str
    low: float | None = None
    high: float | None = None


# --------------------------------------------------------------------------- helpers


def parse_number(value: str) -> float | None:
    """ "1.650" → 1650.0, "2,5" → 2.5, "16%" → 16.0; None when not a Dutch number."""
    m = _NUM.match(value)
    if not m or m["fn"]:
        return None
    return float(m["v"].rstrip("%").replace(".", "").replace(",", "."))


def _dutch(value: str) -> float:
    return float(value.replace(".", "").replace(",", "."))


def _token(text: str) -> _Token | None:
    if r := _RANGE_VALUE.match(text):
        low, high = _dutch(r["lo"]), _dutch(r["hi"])
        # "2022-2031" is a period, not a range of values.
        if low < high and not (_YEAR_ONLY.match(r["lo"]) and _YEAR_ONLY.match(r["hi"])):
            return _Token(text, None, "", low, high)
    if _NOT_APPLICABLE.match(text):
        return _Token(text, None, "")
    m = _NUM.match(text)
    if not m:
        return None
    value = m["v"]
    return _Token(value, float(value.rstrip("%").replace(".", "").replace(",", ".")), m["fn"] or "")


def _split_row(line: str) -> tuple[str, list[_Token]]:
    """Label and trailing numeric tokens of a line ("Velsen 115 445" → "Velsen", 2 tokens)."""
    words = line.split()
    tokens: list[_Token] = []
    while words:
        tok = _token(words[-1])
        if tok is None:
            break
        tokens.insert(0, tok)
        words.pop()
    return " ".join(words), tokens


def _is_row(line: str) -> bool:
    label, tokens = _split_row(line)
    # A label with digits ("Taakstelling 2023: 320") is prose, not a row label.
    # A lower-case label continues a wrapped header ("helft 2023"), it is no row.
    # Only "nvt" is not a row either: something must have a value.
    return (
        any(t.number is not None or t.low is not None for t in tokens)
        and not re.search(r"\d", label)
        and not label[:1].islower()
    )


def _continues_header(header: list[str], line: str) -> bool:
    """ "Bijgestelde doelstellingen in" / "2030": a bare year finishing a header name, not a row."""
    return bool(header) and header[-1].split()[-1].lower() in _HEADER_CONTINUES and bool(_YEAR_ONLY.match(line))


def _clean_caption(text: str) -> tuple[str, list[str]]:
    notes: list[str] = []
    cleaned = _YEAR_FOOTNOTE.sub(r"\1", text)
    if cleaned == text:
        cleaned = _WORD_FOOTNOTE.sub("", text)
    if cleaned != text:
        notes.append(R.CAPTION_FOOTNOTE_REMOVED_NL.format(caption=text))
    return cleaned.rstrip(":").rstrip(), notes


def _period(caption: str) -> str:
    if m := _RANGE.search(caption):
        return f"{m[1]}-{m[2]}"
    if m := _YEAR.search(caption):
        return f"{m[1]} {m[2]}" if m[1] else m[2]
    return ""


def _header_names(lines: list[str]) -> list[str]:
    """Column names from wrapped header lines (see module docstring)."""
    names: list[list[str]] = []
    for line in lines:
        if names and (line[0].islower() or line[0] == "(" or _YEAR_ONLY.match(line)):
            names[-1].append(line)
            continue
        current: list[str] = []
        for word in line.split():
            # "Aantal inwoners % 65+": a "%" after a two-word name opens the next one,
            # while "Huidig % sociale huur" is one name.
            if current and (word[0].isupper() or (word == "%" and len(current) >= 2)):
                names.append(current)
                current = []
            current.append(word)
        names.append(current)
    return [" ".join(parts) for parts in names]


def _unit(column: str, value: str) -> str:
    if value.endswith("%") or "%" in column:
        return "%"
    m = _UNITS.search(column.lower())
    return m[1] if m else ""


def _row_unit(label: str) -> str:
    """The unit a row label spells out ("Geclusterde woningen"), for tables whose rows are the quantities."""
    m = _UNITS.search(label.lower())
    return m[1] if m else ""


def _parse_table(
    lines: list[str], start: int, page: int, file: str, captioned: bool = True
) -> tuple[list[TableCell], int]:
    """The cells of the table at ``lines[start]`` (its caption, or its header when ``captioned`` is
    False) and the index of the first line after it; no cells when header and rows do not fit."""
    i = start
    caption_notes: list[str] = []
    caption = ""
    if captioned:
        caption_raw = lines[start]
        i = start + 1
        while i < len(lines) and lines[i][0].islower():
            caption_raw += " " + lines[i]
            i += 1
        caption, caption_notes = _clean_caption(caption_raw)

    header: list[str] = []
    while i < len(lines) and (not _is_row(lines[i]) or _continues_header(header, lines[i])):
        if len(lines[i]) > _HEADER_LINE_MAX or len(header) >= _HEADER_LINES_MAX or _CAPTION.match(lines[i]):
            log.info("%s p%d: %s: geen tabelkop herkend", file, page, caption or lines[start])
            return [], i
        header.append(lines[i])
        i += 1
    if not header or i >= len(lines):
        return [], i

    rows: list[tuple[str, str, list[_Token]]] = []
    width = len(_split_row(lines[i])[1])
    while i < len(lines):
        label, tokens = _split_row(lines[i])
        if len(tokens) != width or not _is_row(lines[i]):
            break
        rows.append((lines[i], label, tokens))
        i += 1

    names = _header_names(header)
    notes = list(caption_notes)
    if len(names) == width + 1 and (captioned or _LABEL_HEAD.match(names[0])):  # the first name heads the labels
        columns = names[1:]
    elif captioned and len(names) == width and all(label for _, label, _ in rows) and not _LABEL_HEAD.match(names[0]):
        # Only when the first name cannot head the labels ("Gemeenten"), else the
        # header and rows disagree and nothing is emitted.
        columns = names
        notes.append(R.LABEL_COLUMN_WITHOUT_HEADER_NL)
    else:
        log.info(
            "%s p%d: %s: %d kopnamen voor %d getallen per rij, overgeslagen",
            file,
            page,
            caption or header[0],
            len(names),
            width,
        )
        return [], i
    if width < 1 or not rows or (not captioned and len(rows) < 2):
        return [], i
    if not captioned:
        # No "Tabel N:" caption: the header names the table.
        caption = f"{names[0]}: {', '.join(columns)}"
        notes.append(R.TABLE_WITHOUT_CAPTION_NL)

    period = _period(caption)
    units = [_unit(col, rows[0][2][k].value) for k, col in enumerate(columns)]
    # A "Totaal" column adds up the others: it has their unit when they all agree.
    known = {u for u in units if u and u != "%"}
    cells: list[TableCell] = []
    for quote, label, tokens in rows:
        row_notes = list(notes)
        if not label:
            row_notes.append(R.ROW_WITHOUT_LABEL_NL)
        for col, unit, tok in zip(columns, units, tokens, strict=True):
            cell_notes = list(row_notes)
            if tok.value.endswith("%"):
                unit = "%"
            elif tok.number is None and tok.low is None:
                unit = ""  # "nvt": nothing to measure
                cell_notes.append(R.NO_VALUE_NL)
            elif not unit and col.lower().startswith("totaal") and len(known) == 1:
                unit = next(iter(known))
                cell_notes.append(R.UNIT_FROM_COLUMNS_NL.format(unit=unit))
            elif not unit and (unit := _row_unit(label)):
                cell_notes.append(R.UNIT_FROM_LABEL_NL.format(unit=unit))
            if tok.low is not None:
                cell_notes.append(R.RANGE_NL.format(low=tok.low, high=tok.high))
            if tok.footnote:
                cell_notes.append(R.VALUE_FOOTNOTE_NL.format(footnote=tok.footnote))
            cells.append(
                TableCell(
                    table=caption,
                    row=label,
                    column=col,
                    value=tok.value,
                    number=tok.number,
                    unit=unit,
                    period=period,
                    file=file,
                    page=page,
                    quote=quote,
                    uncertain=cell_notes,
                    low=tok.low,
                    high=tok.high,
                )
            )
    return cells, i


def _is_header_start(line: str) -> bool:
    """A caption-less table starts at a header whose first name heads the row labels ("Indicatoren …")."""
    return bool(_LABEL_HEAD.match(line)) and len(_header_names([line])) >= 2 and len(line) <= _HEADER_LINE_MAX


# --------------------------------------------------------------------------- API


def parse_tables(pages: list[str], file: str) -> list[TableCell]:
    """All cells of the regular numeric tables in ``pages`` (normalised page texts)."""
    cells: list[TableCell] = []
    for page_no, text in enumerate(pages, start=1):
        lines = [ln for ln in text.split("\n") if ln.strip()]
        idx = 0
        while idx < len(lines):
            line = lines[idx]
            if _CAPTION.match(line) or _is_header_start(line):
                found, after = _parse_table(lines, idx, page_no, file, captioned=bool(_CAPTION.match(line)))
                cells.extend(found)
                # A parsed table's lines are its own; a header that failed may still hold a caption-less one.
                idx = after if found else idx + 1
            else:
                idx += 1
    return cells


def find_cells(
    cells: list[TableCell], row: str | None = None, column: str | None = None, table: str | None = None
) -> list[TableCell]:
    """Cells whose row, column and table contain the given texts (case and accents ignored)."""
    wanted = [(attr, fold(q)) for attr, q in (("row", row), ("column", column), ("table", table)) if q is not None]
    return [c for c in cells if all(q in fold(getattr(c, attr)) for attr, q in wanted)]
