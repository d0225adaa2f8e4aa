"""Maatregel matrices (Doel | Maatregel | Waar staan we nu | Tijdspad | Betrokken | Trekker) → records.

Kept for what the generic path (``ingest/records/maatregel.py``) cannot do yet: a matrix whose
cells a word processor laid out as flowing text boxes, so that positions do not show the grid
(the Gooi en Vechtstreek strategy, 2025). It runs only when the generic path finds no measures.

pypdf linearises such a table roughly row by row and cell by cell: the doel cell
("1) …"), then per maatregel its own cell ("a) …") followed by the status,
tijdspad, betrokken parties and a "Trekker: X" label. Nothing marks where one
cell ends and the next begins, so the parser anchors on what *is* recognisable:

* row markers ("1)", "a)") and the column header words start the table and rows;
* the tijdspad (quarter/year pattern, "Lopend", "PM") separates the free text
  on its left (maatregel + status) from the short cells on its right;
* the "Waar staan we nu" column is narrow, so its lines are short, which is how
  the status is cut off the end of the (wider) maatregel cell;
* capitalised, comma-separated words form the betrokken list; "Trekker:" labels
  the trekker; footnotes and URLs at page bottoms are skipped.

Whatever cannot be settled is recorded in ``Maatregel.uncertain`` rather than
guessed. The document's own counts ("9 doelen … 29 maatregelen") are a
self-check: :func:`check_counts` reports any difference loudly.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from ingest.read.chunking import dehyphenate
from ingest.read.structure import Line, label_lines
from ingest.text.analysis import count_value, fold, number_word_pattern
from prompts import records as R

log = logging.getLogger(__name__)

# Widest line pypdf produces inside a table cell here is ~56 characters; body text
# and footnotes run the full page width. Anything wider is not a cell.
_CELL_MAX = 65
# The "Waar staan we nu" column is about half as wide as the maatregel column: its
# lines stay under this length, the maatregel's full lines do not.
_STATUS_MAX = 32

_DOEL_MARK = re.compile(r"^(\d{1,2})\)\s+")
_ITEM_MARK = re.compile(r"^\(?([a-z])\)\s+")
_TREKKER = re.compile(r"\bTrekker\s*:", re.IGNORECASE)
_URLISH = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)
# A footnote: "14 De gemeente …", or a bare "13" whose URL follows on the next line.
_FOOTNOTE = re.compile(r"^\d{1,3}(?:\s+\S.*)?$")
# A (chapter) heading the structure labeller may have missed: "5. Blik op de toekomst".
_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+[A-ZÀ-Ý][^.,;:!?]*$")
_HEADER_TOKEN = re.compile(
    r"Doel\s*\(wat\)|Maatregel\s*\(hoe\)|Waar\s+staan\s+we(?:\s+nu)?|Tijdspad|Betrokken|Trekker(?!\s*:)|\bnu\b|\bDoel\b|\bMaatregel\b"
)
# The tijdspad cell: a quarter (+ year, maybe on the next line), a continuing status
# word (pypdf sometimes breaks it mid-word: "Doorlope\nnd"), a bare year or "PM".
_TIJD_CORE = (
    r"Q\s?\d(?:\s?-\s?\d)?\s*\n?\s*(?:19|20)\d{2}"
    r"|(?:Doorl|L)\n?o\n?p\n?e\n?n\n?d"
    r"|(?:19|20)\d{2}"
    r"|PM"
)
# It starts a line or follows a finished sentence of the status cell on the same
# line ("Niet in uitvoering. Q 4 2025 en"), and is followed by the line end, "en
# (verder)", a comma or a capitalised party ("Q1 2025 RGV,").
_TIJD = re.compile(
    rf"(?:^|(?<=[.!?]) )(?P<t>{_TIJD_CORE})(?=$|,| en\b| [A-ZÀ-Ý(])",
    re.MULTILINE,
)
_TIJD_AT = re.compile(rf"(?:{_TIJD_CORE})(?=$|,| en\b| [A-ZÀ-Ý(])")
_QUARTER = re.compile(r"\bQ\s*(\d)(?:\s*-\s*(\d))?")
_SENTENCE_END = re.compile(r"[.!?:;)](?:\s?\d{1,2})?$")  # footnote numbers may trail: "1a. 20"
# Split a betrokken cell into parties: at commas, and before a label ("Input: …").
_PARTY_SPLIT = re.compile(r",\s*|\s+(?=[A-ZÀ-Ý][\w-]*:)")

_COUNT = re.compile(
    rf"(?<![\d.,])\b(?P<n>\d{{1,3}}|{number_word_pattern()})\s+"
    r"(?P<adj>[a-zà-ÿ]+\s+)?(?P<kind>actielijnen|doelen|maatregelen)\b",
    re.IGNORECASE,
)
COUNT_KINDS = ("actielijnen", "doelen", "maatregelen")


@dataclass
class Maatregel:
    """One row of a maatregel matrix; ``uncertain`` says what the parser could not settle."""

    id: str  # "1d": doel number + item letter, as the document refers to them
    actielijn: str  # section heading the table sits under: "3.1 Passend woningaanbod"
    doel_nr: int
    doel: str
    maatregel: str
    status: str  # "Waar staan we nu"
    tijdspad: str
    betrokken: list[str]
    trekker: str
    file: str
    page: int  # 1-based page where the maatregel cell starts
    quote: str  # verbatim slice of that page's text showing the row
    uncertain: list[str] = field(default_factory=list)
    titel: str = ""  # the measure's printed title ("Woningcheck voor 75-plussers"), when it has one
    id_label: str = ""  # the id as printed with its word: "Actie 3", "Maatregel L-1" ("" = same as id)
    boxes: list[list[float]] = field(default_factory=list)  # quote's boxes, page fractions [x0, y0, x1, y1]


@dataclass
class _Doel:
    nr: int
    lines: list[Line]


@dataclass
class _Row:
    doel: _Doel
    letter: str
    actielijn: str
    lines: list[Line]  # marker line first; may run onto the next page(s)


@dataclass
class _Cells:
    maatregel: str = ""
    status: str = ""
    tijdspad: str = ""
    betrokken: list[str] = field(default_factory=list)
    trekker: str = ""
    notes: list[str] = field(default_factory=list)
    filled: bool = False  # anything right of the maatregel column was found
    quote_end: int = 0  # end offset of the row's last line on its start page


# --------------------------------------------------------------------------- helpers


def _clean(text: str) -> str:
    """De-hyphenated, single-line text; hyphens after acronyms ("IZA-\\nopgave") stay."""
    text = re.sub(r"(?<=[A-ZÀ-Ý])-\n(?=\w)", "-", text)
    text = re.sub(r"-\n(?=[^\w\s])", "-", text)  # "huur-\n/woonlasten" → "huur-/woonlasten"
    return dehyphenate(text)


def normalise_tijdspad(raw: str) -> str:
    """ "Q 1-2\\n2025" → "Q1-2 2025", "Q 2 2025\\nen verder" → "Q2 2025 en verder"."""
    text = " ".join(raw.split())
    return _QUARTER.sub(lambda m: f"Q{m[1]}" + (f"-{m[2]}" if m[2] else ""), text)


def _starts_lower(text: str) -> bool:
    return bool(text) and (text[0].islower() or text[0].isdigit())


def _starts_upper(text: str) -> bool:
    return bool(text) and (text[0].isupper() or text[0] in "‘'\"(")


def _is_header_line(text: str) -> bool:
    return bool(_HEADER_TOKEN.search(text)) and not _HEADER_TOKEN.sub("", text).strip()


def _is_header_start(text: str) -> bool:
    """The first line of the column header: at least two column names and nothing else."""
    names = {m.group(0).split()[0].lower() for m in _HEADER_TOKEN.finditer(text)} - {"nu"}
    return _is_header_line(text) and len(names) >= 2


def _is_heading(text: str) -> bool:
    return bool(_HEADING.match(text)) and len(text.split()) <= 8


def _is_structural(text: str) -> bool:
    return bool(_DOEL_MARK.match(text) or _ITEM_MARK.match(text) or _TREKKER.search(text) or _is_header_start(text))


def _footnote_start(lines: list[Line]) -> int:
    """Index where a page's footnote block begins (len(lines) if it has none).

    A footnote starts with its number and runs the full page width (or is a bare
    number with its URL below), and no table structure follows it on the page.
    """
    for i, ln in enumerate(lines):
        if ln.boilerplate or not _FOOTNOTE.match(ln.text):
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        before_url = nxt is not None and (nxt.boilerplate or bool(_URLISH.match(nxt.text)))
        if len(ln.text) <= _CELL_MAX and not before_url:
            continue
        if any(_is_structural(later.text) for later in lines[i + 1 :] if not later.boilerplate):
            continue
        return i
    return len(lines)


def _actielijn(line: Line) -> str:
    """The innermost numbered heading in effect (falls back to the innermost heading)."""
    numbered = [s for s in line.section if s[:1].isdigit()]
    if numbered:
        return numbered[-1]
    return line.section[-1] if line.section else ""


# --------------------------------------------------------------------------- rows


def _collect_rows(labelled: list[list[Line]]) -> list[_Row]:
    """Group the table lines into rows: a row runs from its "a)" marker to the next marker.

    A table starts at its column header and ends at the next heading; within it
    boilerplate, footnotes and full-width lines are skipped, so a row whose cells
    continue on the next page keeps collecting lines there.
    """
    rows: list[_Row] = []
    in_table = in_header = False
    doel: _Doel | None = None
    current: _Row | None = None
    for page_lines in labelled:
        stop = _footnote_start(page_lines)
        for i, ln in enumerate(page_lines):
            if ln.boilerplate or i >= stop:
                continue
            text = ln.text
            if _is_heading(text) or (ln.opens_section and text[:1].isdigit()):
                in_table = in_header = False
                doel, current = None, None
                continue
            if _is_header_start(text):
                in_table = in_header = True
                continue
            if in_header and _is_header_line(text):
                continue
            in_header = False
            if not in_table or len(text) > _CELL_MAX:
                continue
            if m := _DOEL_MARK.match(text):
                doel, current = _Doel(int(m.group(1)), [ln]), None
            elif (m := _ITEM_MARK.match(text)) and doel is not None:
                current = _Row(doel, m.group(1), _actielijn(ln), [ln])
                rows.append(current)
            elif current is not None:
                current.lines.append(ln)
            elif doel is not None:
                doel.lines.append(ln)
    return rows


def _split_status(frags: list[str]) -> int:
    """Index of the first fragment of the status cell in ``frags`` (maatregel + status).

    The status is the tail of narrow lines; it starts at a capitalised line that
    follows a finished sentence or a full-width maatregel line. The marker line
    (index 0) always belongs to the maatregel. Returns len(frags) if there is no status.
    """
    region = len(frags)
    while region > 1 and len(frags[region - 1]) <= _STATUS_MAX:
        region -= 1
    for i in range(max(region, 1), len(frags)):
        prev_ends = i == region or bool(_SENTENCE_END.search(frags[i - 1]))
        if _starts_upper(frags[i]) and not frags[i][0].isdigit() and prev_ends:
            return i
    return len(frags)


def _looks_like_remark(text: str) -> bool:
    """A sentence ("RGV legt verbinding …") rather than a party name ("Versa", "Welzijn,")."""
    words = text.split()
    return len(words) >= 2 and _starts_upper(words[0]) and words[1].isalpha() and words[1].islower()


def _parse_row(row: _Row) -> _Cells:
    cells = _Cells()
    lines = row.lines
    start_page = lines[0].page
    joined = "\n".join(ln.text for ln in lines)
    offsets: list[int] = []
    pos = 0
    for ln in lines:
        offsets.append(pos)
        pos += len(ln.text) + 1

    def line_at(offset: int) -> int:
        return max(i for i, o in enumerate(offsets) if o <= offset)

    marker = _ITEM_MARK.match(lines[0].text)
    marker_len = marker.end() if marker else 0
    label = _TREKKER.search(joined, marker_len)
    limit = label.start() if label else len(joined)
    tijd = _TIJD.search(joined, marker_len, limit)

    # Fragments left of the tijdspad (or the trekker label, or everything): maatregel + status.
    cut = tijd.start("t") if tijd else limit
    frags: list[str] = []
    frag_pages: list[int] = []
    pos = marker_len
    for piece in joined[marker_len:cut].split("\n"):
        if piece.strip():
            frags.append(piece.strip())
            frag_pages.append(lines[line_at(pos)].page)
        pos += len(piece) + 1

    if tijd is None and label is None:
        # Nothing right of the maatregel column: the cells are shared with a neighbour row.
        cells.maatregel = _clean("\n".join(frags))
        cells.quote_end = max(ln.end for ln in lines if ln.page == start_page)
        return cells

    cells.filled = True
    s = _split_status(frags)
    cells.maatregel = _clean("\n".join(frags[:s]))
    cells.status = _clean("\n".join(frags[s:]))
    if any(p != start_page for p in frag_pages):
        cells.notes.append(R.MEASURE_STATUS_CONTINUES_NL)

    # Right of the tijdspad: fragments in reading order, with their pages.
    post: list[tuple[str, int]] = []
    tijd_parts: list[str] = []
    if tijd is not None:
        token = tijd.group("t")
        if "\n" in token and not any(ch.isdigit() for ch in token):
            cells.notes.append(R.TIJDSPAD_WORD_JOINED_NL.format(token=token))
            token = token.replace("\n", "")
        end_line = line_at(tijd.end("t"))
        rest = joined[tijd.end("t") : offsets[end_line] + len(lines[end_line].text)].strip()
        # Two tijdspad-like values side by side ("Lopend Q1 2025"): the first is the status column.
        if (again := _TIJD_AT.match(rest)) and not any(ch.isdigit() for ch in token):
            cells.status = f"{cells.status} {token}".strip()
            cells.notes.append(R.READ_AS_STATUS_NL.format(token=token))
            token = again.group(0)
            rest = rest[again.end() :].strip()
        tijd_parts = [token]
        if rest:
            post.append((rest, lines[end_line].page))
        post += [(ln.text, ln.page) for ln in lines[end_line + 1 :]]
    elif label is not None:
        cells.notes.append(R.TIJDSPAD_NOT_FOUND_NL)
        first = line_at(label.start())
        post = [(joined[label.start() : offsets[first] + len(lines[first].text)], lines[first].page)]
        post += [(ln.text, ln.page) for ln in lines[first + 1 :]]

    state = "tijd" if tijd is not None else "betr"
    betr: list[str] = []
    remark: list[str] = []
    trekker: list[str] = []
    trekker_page = 0
    leftover: list[tuple[str, int]] = []
    for text, page in post:
        m = _TREKKER.search(text)
        if m and state not in ("trek", "after"):
            before = text[: m.start()].strip()
            if before:
                (remark if state in ("betr", "note") and betr else betr).append(before)
            value = text[m.end() :].strip()
            trekker = [value] if value else []
            trekker_page, state = page, "trek"
            continue
        if state == "tijd":
            if _starts_lower(text) and not text.endswith(","):
                tijd_parts.append(text)
                continue
            state = "betr"
        if state == "betr":
            if betr and not betr[-1].endswith((",", "-")) and _looks_like_remark(text):
                state = "note"
            else:
                betr.append(text)
                continue
        if state == "note":
            remark.append(text)
        elif state == "trek":
            # The trekker is the last column: once it has a value, text on a later page
            # is the rest of an earlier cell that did not fit on the previous page.
            if trekker and page != trekker_page:
                state = "after"
                leftover.append((text, page))
            else:
                trekker.append(text)
        else:
            leftover.append((text, page))

    if tijd_parts:
        cells.tijdspad = normalise_tijdspad("\n".join(tijd_parts))
        if cells.tijdspad == "PM":
            cells.notes.append(R.TIJDSPAD_PM_NL)
        if tijd is not None and lines[line_at(tijd.start("t"))].page != start_page:
            cells.notes.append(R.TIJDSPAD_NEXT_PAGE_NL.format(page=lines[line_at(tijd.start("t"))].page))
    cells.betrokken = [p.strip(" .") for p in _PARTY_SPLIT.split(_clean("\n".join(betr))) if p.strip(" .")]
    if not cells.betrokken:
        cells.notes.append(R.BETROKKEN_EMPTY_NL)
    if remark:
        cells.notes.append(R.TREKKER_EXTRA_TEXT_NL.format(text=_clean("\n".join(remark))))
    if label is None or not trekker:
        cells.notes.append(R.TREKKER_NOT_FOUND_NL)
    else:
        cells.trekker = _clean("\n".join(trekker))
        if not cells.betrokken and "," in cells.trekker:
            # A label straight after the tijdspad with a list of parties behind it may
            # be the betrokken column with an empty trekker, or vice versa.
            cells.notes.append(R.TREKKER_IS_LIST_NL)
        if trekker_page != start_page:
            cells.notes.append(R.TREKKER_NEXT_PAGE_NL.format(page=trekker_page))
    if leftover:
        texts = [t for t, _ in leftover]
        where = sorted({p for _, p in leftover})
        # Full-width lines belong to the maatregel column; narrow ones could be the status.
        if any(len(t) > _STATUS_MAX for t in texts):
            cells.maatregel = f"{cells.maatregel} {_clean(chr(10).join(texts))}".strip()
            cells.notes.append(R.MEASURE_TEXT_CONTINUES_NL.format(pages=", ".join(map(str, where))))
        else:
            cells.status = f"{cells.status} {_clean(chr(10).join(texts))}".strip()
            cells.notes.append(R.STATUS_TEXT_CONTINUES_NL.format(pages=", ".join(map(str, where))))
    if not cells.status:
        cells.notes.append(R.STATUS_EMPTY_NL)
    cells.quote_end = max(ln.end for ln in lines if ln.page == start_page)
    return cells


def _share(rows: list[_Row], cells: list[_Cells], i: int) -> None:
    """Fill an empty row from the neighbour in the same doel whose cells span both rows."""
    row_id = f"{rows[i].doel.nr}{rows[i].letter}"
    for j in (i + 1, i - 1):
        if 0 <= j < len(rows) and rows[j].doel is rows[i].doel and cells[j].filled:
            donor, other = cells[j], f"{rows[j].doel.nr}{rows[j].letter}"
            mine = cells[i]
            mine.status, mine.tijdspad, mine.trekker = donor.status, donor.tijdspad, donor.trekker
            mine.betrokken = list(donor.betrokken)
            mine.notes.append(R.CELLS_SHARED_MERGED_NL.format(row=other))
            donor.notes.append(R.CELLS_SHARED_NL.format(row=row_id))
            if rows[j].lines[0].page == rows[i].lines[0].page and j > i:
                mine.quote_end = max(mine.quote_end, donor.quote_end)
            return
    cells[i].notes.append(R.CELLS_NOT_FOUND_NL)


# --------------------------------------------------------------------------- public API


def parse_maatregelen(pages: list[str], file: str) -> list[Maatregel]:
    """All maatregel rows of the matrices in ``pages`` (stored page texts), in document order."""
    labelled = label_lines(pages)
    rows = _collect_rows(labelled)
    cells = [_parse_row(r) for r in rows]
    for i, c in enumerate(cells):
        if not c.filled:
            _share(rows, cells, i)

    records: list[Maatregel] = []
    prev: _Row | None = None
    for row, c in zip(rows, cells, strict=True):
        notes = list(c.notes)
        # Letters run a, b, c … within a doel; a gap or repeat means a missed or false row.
        expected = "a" if prev is None or prev.doel is not row.doel else chr(ord(prev.letter) + 1)
        if row.letter != expected:
            notes.append(R.ROW_ORDER_NL.format(expected=f"{row.doel.nr}{expected}", found=f"{row.doel.nr}{row.letter}"))
        prev = row
        first = row.lines[0]
        page_text = pages[first.page - 1]
        doel_text = "\n".join(ln.text for ln in row.doel.lines)
        records.append(
            Maatregel(
                id=f"{row.doel.nr}{row.letter}",
                actielijn=row.actielijn,
                doel_nr=row.doel.nr,
                doel=_clean(_DOEL_MARK.sub("", doel_text, count=1)),
                maatregel=c.maatregel,
                status=c.status,
                tijdspad=c.tijdspad,
                betrokken=c.betrokken,
                trekker=c.trekker,
                file=file,
                page=first.page,
                quote=page_text[first.start : c.quote_end],
                uncertain=notes,
            )
        )
    expected_total = expected_counts(pages)
    # A count of "doelen" in prose of a document without a matrix says nothing about
    # tables; check only when there are records or the document counts maatregelen.
    if expected_total is not None and (records or "maatregelen" in expected_total):
        check_counts(records, expected_total)
    return records


def expected_counts(pages: Sequence[str]) -> dict[str, int] | None:
    """The counts the document states about itself ("vier actielijnen … 9 doelen … 29 maatregelen").

    When a kind is mentioned with different numbers, the sentence that names the
    most kinds together (the self-description) wins. None if nothing is stated.
    """
    text = " ".join(" ".join(pages).split())
    best: dict[str, tuple[int, int, int]] = {}  # kind → (kinds in sentence, -position, value)
    for sentence_start, sentence in _sentences(text):
        found: dict[str, int] = {}
        for m in _COUNT.finditer(sentence):
            n = m.group("n").lower()
            # "een aantal maatregelen": the article, not the number one.
            if n == "een" and m.group("adj"):
                continue
            value = count_value(n)
            kind = m.group("kind").lower()
            if value is not None and kind not in found:
                found[kind] = value
        for kind, value in found.items():
            score = (len(found), -sentence_start, value)
            if kind not in best or score[:2] > best[kind][:2]:
                best[kind] = score
    if not best:
        return None
    return {kind: best[kind][2] for kind in COUNT_KINDS if kind in best}


def _sentences(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    start = 0
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9‘'\"])", text):
        out.append((start, text[start : m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return out


def check_counts(records: Sequence[Maatregel], expected: dict[str, int] | None) -> list[str]:
    """Human-readable differences between the parsed records and the document's own counts."""
    if not expected:
        return []
    found = {
        "actielijnen": len({r.actielijn for r in records}),
        "doelen": len({r.doel_nr for r in records}),
        "maatregelen": len(records),
    }
    problems = [
        R.COUNT_DIFFERS_NL.format(kind=kind, expected=expected[kind], found=found[kind])
        for kind in COUNT_KINDS
        if kind in expected and expected[kind] != found[kind]
    ]
    ids = [r.id for r in records]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        problems.append(R.DUPLICATE_MEASURE_IDS_NL.format(ids=", ".join(dupes)))
    for problem in problems:
        log.warning("maatregelen-telling klopt niet: %s", problem)
    return problems


def filter_maatregelen(
    records: Iterable[Maatregel],
    trekker: str | None = None,
    q: str | None = None,
    files: Collection[str] | None = None,
) -> list[Maatregel]:
    """The one filter over maatregel records (``woonzorg maatregelen``, ``GET /api/maatregelen``, MCP):
    records whose trekker contains ``trekker`` and whose maatregel/doel/status contain ``q``
    (both accent- and case-insensitive), from ``files`` when given."""
    found = list(records)
    if trekker:
        found = [r for r in found if fold(trekker) in fold(r.trekker)]
    if q:
        found = [r for r in found if fold(q) in fold(" ".join([r.maatregel, r.doel, r.status]))]
    if files is not None:
        found = [r for r in found if r.file in files]
    return found
