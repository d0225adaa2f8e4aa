"""From positioned words to what a reader sees: lines, paragraphs, lists, headings and tables,
in reading order, and the page text built from them.

Everything here is geometry and typography, never wording:

* **lines** — words on one baseline; a gap of about a line height splits them (table cells,
  newspaper columns side by side);
* **blocks** — lines stacked with normal line spacing and overlapping horizontally; a change
  between a fully bold line and plain text, or of font size, starts a new block (headings);
* **tables** — blocks that stand side by side with aligned tops, row after row, at the same
  column positions; rows of single-line cells that share baselines (numeric grids) are split
  per baseline; the first row is the header when it looks like one (short, bold or ruled off);
* **reading order** — a vertical gutter that blocks stand on both sides of splits the page into
  columns, read left then right, between the blocks that span it (mastheads, full-width tables).

The page text is the lines in that order, ``"\\n"`` between lines, cells of a table row after
each other: so a table row or a paragraph is one contiguous slice of the text, and every word
knows its offsets (``Word.start/end``) for mapping a quote back to boxes.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from ingest.read.layout import Block, Box, Cell, Line, PageLayout, Word, union_all
from ingest.read.pdf_words import Rule
from ingest.read.structure import PAGE_NUMBER, boilerplate_key, furniture

# A bullet stands apart from its text, except a dash typed against a capital ("-We zetten in …"):
# a word broken at a hyphen never carries on with a capital.
_BULLET = re.compile(r"^(?:[•▪◦●■□➢►▶✓✔\-–—*·]|\(?\d{1,2}[.)]|\(?[a-z][.)])(?=\s|$)|^[-–•▪](?=[A-ZÀ-Ý])")
_NUMERIC = re.compile(r"^[-+€]?\s?\d[\d.,]*\s?%?(?:[-–]\d[\d.,]*%?)?$|^[-–]$|^n\.?v\.?t\.?$", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", ":", ";")


class _Box:
    """A block in the making: stacked lines, with their box kept up to date."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = list(lines)
        self.box = union_all([ln.box for ln in lines])

    def add(self, line: Line) -> None:
        self.lines.append(line)
        self.box = self.box.union(line.box)


# --------------------------------------------------------------------------- lines


def _lines(words: Sequence[Word]) -> list[Line]:  # words in content-stream order
    """Words → lines: same baseline band, split where the gap is about a line height or more, or
    where a narrower gap (over half a line height) opens onto a position other rows start at too
    (a table column: cells can stand closer together than columns of text)."""
    seq = {id(w): i for i, w in enumerate(words)}
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.box.y0 + w.box.y1) / 2):
        centre = (w.box.y0 + w.box.y1) / 2
        if rows:
            row = rows[-1]
            rc = statistics.fmean((x.box.y0 + x.box.y1) / 2 for x in row[-3:])
            if abs(centre - rc) < 0.35 * min(w.box.height, row[-1].box.height):
                row.append(w)
                continue
        rows.append([w])
    for row in rows:
        row.sort(key=lambda w: w.box.x0)

    def column_gap(row: list[Word], i: int) -> bool:
        """Wider than half a line and than twice the row's narrowest gap (justified text widens
        all gaps of a line alike, a column gap stands out of its row)."""
        gap, h = row[i].box.x0 - row[i - 1].box.x1, row[i].box.height
        narrowest = min(b.box.x0 - a.box.x1 for a, b in itertools.pairwise(row))
        # A row whose every gap is a line height or more is a row of cells (label and numbers).
        return gap > 0.45 * h and (gap > 2 * max(narrowest, 0.5) or narrowest > h)

    # x positions where a word opens a column: after a gap too wide for text, or after a column-like
    # gap; counted over the page's rows (a table repeats its column starts row after row).
    sure: dict[int, int] = {}
    likely: dict[int, int] = {}
    # x positions where a cell ends before a wide gap: right-aligned numbers share their right
    # edge, not their left one ("1.385" starts left of "670" but ends where it does).
    ends: dict[int, int] = {}
    for row in rows:
        for i, w in enumerate(row):
            if not i:
                continue
            k = round(w.box.x0 / 2)
            if w.box.x0 - row[i - 1].box.x1 > 1.5 * w.box.height:
                sure[k] = sure.get(k, 0) + 1
                e = round(row[i - 1].box.x1 / 2)
                ends[e] = ends.get(e, 0) + 1
            if column_gap(row, i):
                likely[k] = likely.get(k, 0) + 1

    def count(table: dict[int, int], x: float) -> int:
        k = round(x / 2)
        return table.get(k, 0) + table.get(k - 1, 0) + table.get(k + 1, 0)

    def aligned(row: list[Word], i: int) -> bool:
        x = row[i].box.x0
        return column_gap(row, i) and (
            count(sure, x) >= 2 or count(likely, x) >= 3 or count(ends, row[i - 1].box.x1) >= 2
        )

    lines: list[Line] = []
    for row in rows:
        current = [row[0]]
        gaps = [b.box.x0 - a.box.x1 for a, b in itertools.pairwise(row)]
        usual = statistics.median(gaps) if gaps else 0.0
        for i, w in enumerate(row[1:], 1):
            prev = current[-1]
            gap = w.box.x0 - prev.box.x1
            h = max(w.box.height, prev.box.height)
            # A very wide gap splits for sure; a wide one when it is far wider than the row's other
            # gaps (justified text stretches all its gaps alike); a middling one only where another
            # row also starts a column at that position.
            if (
                gap > 2.5 * h
                or gap < -0.5 * w.box.height
                or (gap > 0.9 * h and gap > 2.5 * usual)
                or (gap > 0.45 * h and aligned(row, i))
                # Words of one line of text are drawn one after the other; a neighbour drawn
                # elsewhere in the content stream belongs to another text (cell, column).
                or (abs(seq[id(w)] - seq[id(prev)]) > 1 and column_gap(row, i))
            ):
                lines.append(Line(current))
                current = [w]
            else:
                current.append(w)
        lines.append(Line(current))
    return lines


def _starts_bold(line: Line) -> bool:
    return line.words[0].bold


def _ends_sentence(line: Line) -> bool:
    return line.text.rstrip().endswith(_SENTENCE_END)


def is_bullet(line: Line) -> bool:
    return line.bullet or bool(_BULLET.match(line.text))


def _usual_gap(lines: list[Line]) -> float:
    """The page's usual white space between a line and the next line under it: what separates
    lines of one paragraph here (fonts report boxes of different heights, so no fixed ratio works)."""
    ordered = sorted(lines, key=lambda ln: ln.box.y0)
    gaps: list[float] = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 : i + 40]:
            if b.box.y0 < a.box.y1 - 0.3 * a.box.height:
                continue
            if min(a.box.x1, b.box.x1) - max(a.box.x0, b.box.x0) > 0:
                gaps.append(round(b.box.y0 - a.box.y1, 0))
                break
    if not gaps:
        return 0.0
    counts: dict[float, int] = {}
    for g in gaps:
        counts[g] = counts.get(g, 0) + 1
    return max(counts, key=lambda g: (counts[g], -g))


def _joins(prev: Line, line: Line, usual_gap: float) -> bool:
    """Does ``line`` continue the block whose last line is ``prev``?"""
    h = min(prev.box.height, line.box.height)
    gap = line.box.y0 - prev.box.y1
    if gap > min(max(0.75 * h, 1.25 * usual_gap + 1), 1.5 * h) or gap < -0.4 * h:
        return False
    a, b = prev.box, line.box
    if min(a.x1, b.x1) - max(a.x0, b.x0) <= 0:
        return False
    if not 0.8 <= line.box.height / prev.box.height <= 1.25:
        return False
    if line.bullet:
        return False
    # A fully bold line is a heading unless the next line goes on in bold (a bold run-in title).
    if prev.bold and not line.bold and not _starts_bold(line) and not _ends_sentence(prev):
        return False
    return not (line.bold and not prev.bold and not prev.words[-1].bold)


def _group(lines: list[Line]) -> list[_Box]:
    usual_gap = _usual_gap(lines)
    boxes: list[_Box] = []
    for line in sorted(lines, key=lambda ln: (ln.box.y0, ln.box.x0)):
        best: _Box | None = None
        best_score = 1e9
        for b in boxes:
            last = b.lines[-1]
            if _joins(last, line, usual_gap):
                score = abs(last.box.x0 - line.box.x0) + (line.box.y0 - last.box.y1)
                if score < best_score:
                    best, best_score = b, score
        if best is None:
            boxes.append(_Box([line]))
        else:
            best.add(line)
    return boxes


# --------------------------------------------------------------------------- tables


def _split_at_anchors(boxes: list[_Box], page_width: float) -> list[_Box]:
    """Terms beside their definitions (a definition list laid out as a grid): the definitions may
    stack into one block. Where two or more short boxes stand left of a block, each level with one
    of its lines, the block is cut at those lines, so each term gets its own definition."""
    out: list[_Box] = []
    for r in boxes:
        if len(r.lines) < 3:
            out.append(r)
            continue
        anchors = [
            a
            for a in boxes
            if a is not r
            and len(a.lines) <= 3
            and a.box.width <= 0.35 * r.box.width
            and a.box.x1 <= r.box.x0 + 1
            and r.box.x0 - a.box.x1 < 0.25 * page_width
            and r.box.y0 - 2 <= a.box.y0 <= r.box.y1
        ]
        starts = {round(a.box.x0 / 4) for a in anchors}
        if len(anchors) < 2 or len(starts) > 1:
            out.append(r)
            continue
        cuts = [
            i
            for i, ln in enumerate(r.lines)
            if i and any(abs(ln.box.y0 - a.box.y0) <= 0.45 * ln.box.height for a in anchors)
        ]
        if not cuts:
            out.append(r)
            continue
        for lo, hi in itertools.pairwise([0, *cuts, len(r.lines)]):
            out.append(_Box(r.lines[lo:hi]))
    return out


@dataclass
class _Table:
    rows: list[list[_Box]]  # per row, the boxes that start it (by column after _grid)
    extra: list[_Box] = field(default_factory=list)

    @property
    def box(self) -> Box:
        return union_all([b.box for row in self.rows for b in row] + [b.box for b in self.extra])


def _aligned_rows(boxes: list[_Box]) -> list[list[_Box]]:
    """Groups of ≥2 horizontally disjoint boxes whose tops align."""
    out: list[list[_Box]] = []
    for b in sorted(boxes, key=lambda b: b.box.y0):
        tol = 0.45 * b.lines[0].box.height
        for row in out:
            if abs(row[0].box.y0 - b.box.y0) <= tol and all(
                min(o.box.x1, b.box.x1) - max(o.box.x0, b.box.x0) <= 0 for o in row
            ):
                row.append(b)
                break
        else:
            out.append([b])
    for row in out:
        row.sort(key=lambda b: b.box.x0)
    return [r for r in out if len(r) >= 2]


def _columns_match(a: list[_Box], b: list[_Box]) -> bool:
    """Do two rows stand on the same columns (most boxes of the shorter overlap one of the other)?"""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    hits = sum(any(min(s.box.x1, o.box.x1) - max(s.box.x0, o.box.x0) > 0 for o in long_) for s in short)
    starts = sum(any(abs(s.box.x0 - o.box.x0) < 6 for o in long_) for s in short)
    # Right-aligned number columns start anywhere; the first column (row labels) does not.
    return hits == len(short) and (starts >= max(1, len(short) - 1) or abs(a[0].box.x0 - b[0].box.x0) < 6)


def _is_text_columns(rows: list[list[_Box]], boxes: list[_Box], page_width: float, ruled: bool) -> bool:
    """Newspaper columns look like a 2–3 column table whose columns are all wide and equal: measure
    each column by everything standing in it over the table's height, not only the aligned boxes."""
    if ruled:
        return False
    top, bottom = rows[0][0].box.y0, max(b.box.y1 for b in rows[-1])
    starts = [b.box.x0 for b in max(rows, key=len)]
    widths = [0.0] * len(starts)
    for b in boxes:
        if b.box.y0 < top - 1 or b.box.y0 > bottom:
            continue
        k = max((i for i, x in enumerate(starts) if x <= b.box.x0 + 6), default=0)
        widths[k] = max(widths[k], b.box.width)
    return len(widths) <= 3 and min(widths) >= 0.2 * page_width and max(widths) / min(widths) < 1.35


def _row_major(rows: list[list[_Box]], seq: dict[int, int]) -> bool:
    """Producers draw a table row after row; text that lines up only by chance (columns of prose,
    a matrix laid out as flowing boxes) is drawn column after column."""
    spans = [[seq[id(w)] for b in r for ln in b.lines for w in ln.words if id(w) in seq] for r in rows]
    pairs = [(a, b) for a, b in itertools.pairwise(spans) if a and b]
    if not pairs:
        return True
    ok = sum(1 for a, b in pairs if max(a) < min(b))
    return ok >= 0.7 * len(pairs)


def _find_tables(
    boxes: list[_Box], rules: list[Rule], page_width: float, page_height: float, seq: dict[int, int] | None = None
) -> list[_Table]:
    # Running headers and footers often stand side by side ("title … page 2 / 4"): never table rows.
    body = [
        b for b in boxes if not (len(b.lines) == 1 and (b.box.y1 < 0.07 * page_height or b.box.y0 > 0.93 * page_height))
    ]
    rows = _aligned_rows(body)
    tables: list[list[list[_Box]]] = []
    for row in rows:
        if tables and _columns_match(tables[-1][-1], row):
            prev = tables[-1][-1]
            top = max(b.box.y1 for b in prev)
            between = [b for b in boxes if top - 1 < b.box.y0 < row[0].box.y0 - 1 and b not in prev and b not in row]
            if all(_inside_one_column(b, prev) for b in between):
                tables[-1].append(row)
                continue
        tables.append([row])
    out: list[_Table] = []
    for t in tables:
        x0, x1 = min(b.box.x0 for r in t for b in r), max(b.box.x1 for r in t for b in r)
        y0, y1 = t[0][0].box.y0, max(b.box.y1 for b in t[-1])
        ruled = (
            sum(
                1
                for r in rules
                if r.horizontal and r.box.x0 <= x0 + 10 and r.box.x1 >= x1 - 10 and y0 - 20 <= r.box.y0 <= y1 + 20
            )
            >= 2
        )
        if len(t) < 2 and not (ruled and len(t[0]) >= 3) and _split_grid_row(t[0]) is None:
            continue
        if _is_text_columns(t, body, page_width, ruled):
            continue
        if seq is not None and not _row_major(t, seq):
            continue
        out.append(_Table(t))
    return out


def _inside_one_column(box: _Box, row: list[_Box]) -> bool:
    """Between two rows only cell continuations may stand: text that starts in one column of the
    row above and does not reach into the next one (body text running across columns ends the table)."""
    starts = [b.box.x0 for b in row]
    if box.box.x0 < starts[0] - 6:
        return False
    k = max(i for i, x in enumerate(starts) if x <= box.box.x0 + 6)
    return k == len(starts) - 1 or box.box.x1 <= starts[k + 1] + 2


def _split_grid_row(row: list[_Box]) -> list[list[_Box]] | None:
    """A row whose cells all hold the same number (≥2) of single lines on shared baselines, one
    column being numbers, is a grid of single-line rows (tight numeric tables)."""
    counts = {len(b.lines) for b in row}
    if len(counts) != 1 or (n := counts.pop()) < 2:
        return None
    for i in range(n):
        ys = [b.lines[i].box.y0 for b in row]
        if max(ys) - min(ys) > 0.5 * row[0].lines[i].box.height:
            return None
    numbers = any(all(_NUMERIC.match(ln.text) for ln in b.lines) for b in row[1:])
    # Or labels: one short line per entry ("Aan", "Van", "Datum" beside their values).
    labels = all(len(ln.words) <= 3 and ln.text[:1].isupper() and not _ends_sentence(ln) for ln in row[0].lines)
    if not (numbers or labels):
        return None
    return [[_Box([b.lines[i]]) for b in row] for i in range(n)]


def _to_block(table: _Table, boxes: list[_Box], rules: list[Rule], page: int) -> tuple[Block, set[int]]:
    """Cells by column; continuation boxes inside the table's band join the row above them."""
    rows: list[list[_Box]] = []
    for r in table.rows:
        rows.extend(_split_grid_row(r) or [r])
    # Columns: x-intervals from the widest row, widened by the others.
    widest = max(rows, key=len)
    cols = [[b.box.x0, b.box.x1] for b in widest]
    if len(rows[0]) < len(widest):
        rows[0] = _resplit(rows[0], cols)
    for r in rows:
        for b in r:
            k = _col_of(cols, b.box)
            cols[k][0], cols[k][1] = min(cols[k][0], b.box.x0), max(cols[k][1], b.box.x1)
    used = {id(b) for r in rows for b in r} | {id(b) for r in table.rows for b in r}
    top = rows[0][0].box.y0
    cells: list[dict[int, list[Line]]] = [dict() for _ in rows]
    for i, r in enumerate(rows):
        for b in r:
            cells[i].setdefault(_col_of(cols, b.box), []).extend(b.lines)
    # Cell continuations: boxes below a row's start that stay inside one column, down to the last
    # row and on below it while they follow on closely (the last row's own further lines).
    bottom = max(b.box.y1 for b in rows[-1])
    for b in sorted(boxes, key=lambda b: b.box.y0):
        if id(b) in used or b.box.y0 < top - 1 or not _inside_one_column(b, widest):
            continue
        # Continuation text is left-aligned in its cell; loose numbers below belong to another table.
        if not any(abs(b.box.x0 - c[0]) < 6 for c in cols):
            continue
        if b.box.y0 > bottom + 1.5 * b.lines[0].box.height:
            continue
        i = max(j for j, r in enumerate(rows) if min(c.box.y0 for c in r) <= b.box.y0 + 1)
        cells[i].setdefault(_col_of(cols, b.box), []).extend(b.lines)
        used.add(id(b))
        if i == len(rows) - 1:
            bottom = max(bottom, b.box.y1)
    grid = [
        [Cell(sorted(ls, key=lambda ln: (ln.box.y0, ln.box.x0)), k) for k, ls in sorted(row.items())] for row in cells
    ]
    header: list[str] = []
    header_lines: list[Line] = []
    if len(grid) >= 2 and _looks_like_header(grid[0], grid[1:], rules):
        names = {c.column: c.text for c in grid[0]}
        header = [names.get(k, "") for k in range(len(cols))]
        header_lines = [ln for c in grid[0] for ln in c.lines]
        grid = grid[1:]
    block = Block("table", lines=header_lines, rows=grid, header=header, page=page)
    return block, used


def _resplit(row: list[_Box], cols: list[list[float]]) -> list[_Box]:
    """A header over narrow (number) columns can stand closer than the line splitter allows:
    cut its lines at any gap wider than a space and give each piece to the column under it."""
    by_col: dict[int, list[Line]] = {}
    for b in row:
        for ln in b.lines:
            piece = [ln.words[0]]
            for w in ln.words[1:]:
                if w.box.x0 - piece[-1].box.x1 > 0.4 * w.box.height:
                    by_col.setdefault(_col_of(cols, Line(piece).box), []).append(Line(piece))
                    piece = [w]
                else:
                    piece.append(w)
            by_col.setdefault(_col_of(cols, Line(piece).box), []).append(Line(piece))
    out = []
    for _, lines in sorted(by_col.items()):
        # Pieces of one column on one baseline are one line again.
        merged: list[Line] = []
        for ln in sorted(lines, key=lambda ln: (round(ln.box.y0), ln.box.x0)):
            if merged and abs(merged[-1].box.y0 - ln.box.y0) < 0.5 * ln.box.height:
                merged[-1] = Line(merged[-1].words + ln.words)
            else:
                merged.append(ln)
        out.append(_Box(merged))
    return out


def _col_of(cols: list[list[float]], box: Box) -> int:
    best, best_overlap = 0, -1e9
    for k, (c0, c1) in enumerate(cols):
        overlap = min(c1, box.x1) - max(c0, box.x0)
        if overlap > best_overlap:
            best, best_overlap = k, overlap
    return best


def _shape(text: str) -> str:
    """ "Maatregel L-2" and "Maatregel L-1" have one shape: an entry, not a column name."""
    return re.sub(r"\d+", "0", " ".join(text.split()))


def _looks_like_header(first: list[Cell], rest: list[list[Cell]], rules: list[Rule]) -> bool:
    if len(first) < 2 or any(len(c.lines) > 2 or len(c.text.split()) > 6 for c in first):
        return False
    if first[0].column == rest[0][0].column and _shape(first[0].text) == _shape(rest[0][0].text):
        return False  # "Maatregel L-1" above "Maatregel L-2": both entries
    if any(_NUMERIC.match(w.text) for c in first for w in c.words if not re.fullmatch(r"(?:19|20)\d\d", w.text)):
        return False
    bold = all(all(w.bold for w in c.words) for c in first)
    body_bold = all(all(w.bold for w in c.words) for r in rest for c in r)
    bottom = max(c.box.y1 for c in first)
    below = min(c.box.y0 for c in rest[0])
    ruled = any(r.horizontal and bottom - 2 <= r.box.y0 <= below + 2 for r in rules)
    numbers_below = any(_NUMERIC.match(c.text) for r in rest for c in r)
    taller = max(len(c.lines) for r in rest for c in r) > max(len(c.lines) for c in first)
    return (bold and not body_bold) or ruled or numbers_below or taller


# --------------------------------------------------------------------------- reading order


@dataclass
class _Element:
    box: Box
    block: Block


def _order(elements: list[_Element], depth: int = 0) -> list[_Element]:
    """Column-aware order: split at the gutter most blocks stand on either side of, between the
    elements that cross it; otherwise top to bottom."""
    if len(elements) < 2 or depth > 4:
        return sorted(elements, key=lambda e: (round(e.box.y0), e.box.x0))
    best_x, best_pairs = None, 0
    for x in sorted({round(e.box.x1) for e in elements}):
        left = [e for e in elements if e.box.x1 <= x + 0.5]
        right = [e for e in elements if e.box.x0 >= x + 3]
        if not left or not right:
            continue
        pairs = sum(1 for a in left for b in right if min(a.box.y1, b.box.y1) - max(a.box.y0, b.box.y0) > 0)
        if pairs > best_pairs:
            best_x, best_pairs = x, pairs
    if best_x is None:
        return sorted(elements, key=lambda e: (round(e.box.y0), e.box.x0))
    x = best_x
    out: list[_Element] = []
    band: list[_Element] = []

    def flush() -> None:
        left = [e for e in band if e.box.x1 <= x + 0.5]
        right = [e for e in band if e.box.x0 >= x + 3]
        if band and left and right:
            out.extend(_order(left, depth + 1) + _order(right, depth + 1))
        else:
            out.extend(sorted(band, key=lambda e: (round(e.box.y0), e.box.x0)))
        band.clear()

    for e in sorted(elements, key=lambda e: (e.box.y0, e.box.x0)):
        crosses = e.box.x0 < x + 3 and e.box.x1 > x + 0.5
        if crosses:
            flush()
            out.append(e)
        else:
            band.append(e)
    flush()
    return out


def _reading_order(elements: list[_Element], words: list[Word]) -> list[_Element]:
    """Blocks in the order the PDF draws them when that order is plausible, else by geometry.

    Producers (word processors, browsers) write text in reading order, which also knows what
    positions cannot (a matrix laid out as flowing boxes, a sidebar that belongs after its
    paragraph). A content order that jumps back up within a column of text, the way pasted or
    reordered text does, is not trusted: then the column-aware geometric order is used."""
    seq = {id(w): i for i, w in enumerate(words)}
    by_stream = sorted(elements, key=lambda e: min(seq.get(id(w), 1 << 30) for w in e.block.words))
    backwards = 0
    for a, b in itertools.pairwise(by_stream):
        same_column = min(a.box.x1, b.box.x1) - max(a.box.x0, b.box.x0) > 0
        if same_column and b.box.y1 < a.box.y0 - 2:
            backwards += 1
    if backwards <= max(1, len(elements) // 8):
        return by_stream
    return _order(elements)


# --------------------------------------------------------------------------- blocks


def _kind(lines: list[Line], body_size: float) -> str:
    text = " ".join(ln.text for ln in lines)
    short = len(lines) <= 2 and len(text) <= 120 and not text.endswith((".", ";", ","))
    if short and (all(ln.bold for ln in lines) or lines[0].box.height >= 1.18 * body_size):
        return "heading"
    return "list" if is_bullet(lines[0]) else "paragraph"


def _items(lines: list[Line]) -> list[list[Line]]:
    items: list[list[Line]] = []
    for ln in lines:
        if is_bullet(ln) or not items:
            items.append([ln])
        else:
            items[-1].append(ln)
    return items


def build_layout(
    page: int,
    width: float,
    height: float,
    words: list[Word],
    rules: Sequence[Rule] = (),
    ocr: bool = False,
    confidence: float | None = None,
    marks: Sequence[Box] = (),
) -> PageLayout:
    """Read one page: blocks in reading order and the page text whose offsets every word carries."""
    lines = _lines(words)
    if not lines:
        return PageLayout(page, width, height, "", [], [], ocr, confidence, [r.box for r in rules], list(marks))
    _mark_bullets(lines, marks)
    body_size = statistics.median(ln.box.height for ln in lines for _ in ln.words)
    boxes = _split_at_anchors(_group(lines), width)
    rule_list = list(rules)
    elements: list[_Element] = []
    used: set[int] = set()
    # Content order says whether aligned text is a table (drawn row by row); OCR has no such order.
    seq = None if ocr else {id(w): i for i, w in enumerate(words)}
    for table in _find_tables(boxes, rule_list, width, height, seq):
        if any(id(b) in used for r in table.rows for b in r):
            continue
        block, taken = _to_block(table, boxes, rule_list, page)
        used |= taken
        elements.append(_Element(block.box, block))
    for b in boxes:
        if id(b) in used:
            continue
        kind = _kind(b.lines, body_size)
        block = Block(kind, lines=b.lines, page=page)
        if kind == "list":
            block.items = _items(b.lines)
        elements.append(_Element(b.box, block))
    ordered = [e.block for e in _reading_order(elements, words)]
    ordered = _merge_lists([part for b in ordered for part in _split_lead_in(b)])
    text = _assign_offsets(ordered)
    placed = {id(w) for b in ordered for w in b.words}
    drawn = [w for w in words if id(w) in placed]
    return PageLayout(
        page, width, height, text, drawn, ordered, ocr, confidence, [r.box for r in rule_list], list(marks)
    )


def _mark_bullets(lines: list[Line], marks: Sequence[Box]) -> None:
    """A small drawn shape just left of a line's first word, at its height, is that line's bullet."""
    for line in lines:
        box, h = line.box, line.box.height
        for m in marks:
            centre = (m.y0 + m.y1) / 2
            if m.x1 <= box.x0 + 0.5 and box.x0 - m.x1 <= 2.5 * h and box.y0 <= centre <= box.y1:
                line.bullet = True
                break


def _split_lead_in(block: Block) -> list[Block]:
    """ "Belangrijke speerpunten:" set tight above its bullets is grouped with them: the lead-in
    is a paragraph of its own, the bullets a list (the order of the lines, so the text, is kept).
    One bullet is enough: the others may stand apart, and ``_merge_lists`` joins them."""
    if block.kind != "paragraph":
        return [block]
    lines = block.lines
    first = next((i for i, ln in enumerate(lines) if i and is_bullet(ln)), None)
    if first is None or not lines[first - 1].text.rstrip().endswith(":"):
        return [block]
    lead = Block("paragraph", lines=lines[:first], page=block.page)
    items = Block("list", lines=lines[first:], page=block.page)
    items.items = _items(items.lines)
    return [lead, items]


def _merge_lists(blocks: list[Block]) -> list[Block]:
    """Bullets spaced apart come out as one block each: consecutive ones aligned on the left are one list."""
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "list"
            and b.kind == "list"
            and abs(prev.lines[0].box.x0 - b.lines[0].box.x0) < 4
            and 0 <= b.box.y0 - prev.box.y1 < 2.5 * b.lines[0].box.height
        ):
            prev.lines.extend(b.lines)
            prev.items.extend(b.items)
            continue
        out.append(b)
    return out


def _assign_offsets(blocks: list[Block]) -> str:
    parts: list[str] = []
    pos = 0

    def emit(line: Line) -> None:
        nonlocal pos
        if parts:
            parts.append("\n")
            pos += 1
        for i, w in enumerate(line.words):
            if i:
                parts.append(" ")
                pos += 1
            w.start = pos
            parts.append(w.text)
            pos += len(w.text)
            w.end = pos

    for b in blocks:
        if b.kind == "table":
            for ln in b.lines:
                emit(ln)
            for row in b.rows:
                if all(len(c.lines) == 1 for c in row):
                    # A row of one-line cells reads as one line: "Turfhaven 420 145 105 670".
                    emit(Line([w for c in row for w in c.lines[0].words]))
                    continue
                for cell in row:
                    for ln in cell.lines:
                        emit(ln)
        else:
            for ln in b.lines:
                emit(ln)
    return "".join(parts)


# Running headers and footers live in the outer 8% of the page height ...
MARGIN_ZONE = 0.08
# ... and either repeat on other pages (``furniture``), or stand apart from the text they frame:
# more than this many of their own line heights from the nearest body text on the inner side.
# A heading at the top of a column, or a column's last lines near the bottom, sit in the zone
# too, but close to the text they belong to, and only once.
MARGIN_SEPARATION = 2.0


def in_margin(block: Block, layout: PageLayout, furniture: Collection[str] = frozenset()) -> bool:
    """A running header or footer: a short block in the top or bottom zone of the page that
    repeats across the document (``furniture``: ``ingest.read.structure.furniture``), is a page
    number, or is set apart from the body text next to it (or has none next to it)."""
    box = block.box
    top, bottom = box.y1 < MARGIN_ZONE * layout.height, box.y0 > (1 - MARGIN_ZONE) * layout.height
    if len(block.text) >= 100 or not (top or bottom):
        return False
    lines = [ln.text for ln in block.all_lines if ln.text.strip()]
    if PAGE_NUMBER.match(block.text.strip()) or (lines and all(boilerplate_key(t) in furniture for t in lines)):
        return True
    line_height = box.height / max(len(lines), 1)
    gaps = [
        (other.box.y0 - box.y1) if top else (box.y0 - other.box.y1)
        for other in layout.blocks
        if other is not block
        and other.box.x0 < box.x1
        and box.x0 < other.box.x1  # in the same column band
        and ((other.box.y0 >= box.y1) if top else (other.box.y1 <= box.y0))
    ]
    return not gaps or min(gaps) > MARGIN_SEPARATION * max(line_height, 1.0)


def link_tables(layouts: list[PageLayout], repeated: frozenset[str] | None = None) -> None:
    """A table that opens a page on the columns of the table that closed the previous page is the
    same table: it takes that header (dropping a repeated one) and is marked ``continued``.
    ``repeated``: the document's running lines, when ``layouts`` are not all its pages."""
    if repeated is None:
        repeated = furniture([lay.text for lay in layouts])
    for prev, cur in itertools.pairwise(layouts):
        last = next((b for b in reversed(prev.blocks) if not in_margin(b, prev, repeated)), None)
        if last is None or last.kind != "table":
            continue
        spans = _col_spans(last)
        first = None
        for b in cur.blocks:
            if in_margin(b, cur, repeated):
                continue
            # The rest of a cell whose row broke over the page comes first, inside one column.
            if b.kind != "table" and any(x0 - 6 <= b.box.x0 and b.box.x1 <= x1 + 6 for x0, x1 in spans.values()):
                continue
            first = b
            break
        if first is None or first.kind != "table":
            continue
        if last.header and len(_col_spans(first)) > len(last.header):
            continue
        if first.header and first.header != last.header:
            continue
        if not _same_columns(_col_spans(last), _col_spans(first)):
            continue
        first.header = list(last.header)
        first.continued = True


def _col_spans(block: Block) -> dict[int, tuple[float, float]]:
    spans: dict[int, tuple[float, float]] = {}
    for row in block.rows:
        for c in row:
            b = c.box
            lo, hi = spans.get(c.column, (b.x0, b.x1))
            spans[c.column] = (min(lo, b.x0), max(hi, b.x1))
    return spans


def _same_columns(a: dict[int, tuple[float, float]], b: dict[int, tuple[float, float]]) -> bool:
    for k, (x0, x1) in b.items():
        if k not in a:
            return False
        ax0, ax1 = a[k]
        if min(ax1, x1) - max(ax0, x0) <= 0:
            return False
    return True
