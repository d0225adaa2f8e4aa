"""Structure-aware chunking: sentence- and table-row-aligned, never across a section or page.

A chunk is the exact slice of its page text from its first unit to its last;
``search_text`` is the cleaned form (de-hyphenated, one line) that gets indexed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from itertools import pairwise

from ingest.models import Chunk
from ingest.read.structure import Line, label_lines, split_lines
from ingest.text.analysis import is_abbreviation

# Lines that start a new row/item in a linearised table or list.
_ROW_START = re.compile(
    r"^(?:\(?[a-z]\)|\d{1,2}\)|[•➢▪●◦■\-–]|\uf0b7|\uf0a7|Stap\s+\d|Voorstel\s+\d|Fase\s+\d|Actie\s+\d)"
)
# Sentence end: ., ! or ? (maybe a closing quote/bracket or footnote number) before a capital/bullet.
_SENTENCE_BOUNDARY = re.compile(r"(?<=[.!?])[’”'\")\]]?\d{0,2}(?=\s+[A-ZÀ-Ý0-9•➢‘“\"(])")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_VOWELS = set("aeiouyAEIOUY")


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    words: int


def dehyphenate(text: str) -> str:
    """Join words broken over lines ("woonzorg-\\nconcepten"); keep real hyphens (Noord-Holland,
    corporatie-eigendom) and flatten the rest of the line breaks."""

    def join(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        if right.isupper() or right.isdigit() or (left in _VOWELS and right in _VOWELS):
            return f"{left}-{right}"
        return left + right

    return re.sub(r"\s+", " ", _HYPHEN_BREAK.sub(join, text)).strip()


def _is_table_like(lines: list[Line]) -> bool:
    """Linearised tables and lists: many short lines that are not prose."""
    if len(lines) < 4:
        return False
    short = sum(1 for ln in lines if len(ln.text) <= 55)
    return short / len(lines) >= 0.6


def _sentence_units(text: str, base: int, lines: list[Line]) -> list[_Unit]:
    """Split a prose run into sentences (offsets relative to the page)."""
    cuts = {0, len(text)}
    for m in _SENTENCE_BOUNDARY.finditer(text):
        before = text[: m.start()].rstrip(".!?")
        last_word = re.split(r"\s", before)[-1].lower() if before else ""
        if is_abbreviation(last_word) or len(last_word) == 1:
            continue
        if text[m.start() - 1] == "!" and re.match(r"\s+[\w-]+,", text[m.end() :]):
            continue  # a name with an exclamation mark inside a list: "Viva! Zorggroep, RIBW/Kam"
        cuts.add(m.end())
    # Bullets and list items on their own line start a unit too.
    for ln in lines:
        if _ROW_START.match(ln.text):
            cuts.add(ln.start - base)
    ordered = sorted(cuts)
    units = []
    for a, b in pairwise(ordered):
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        body = piece.strip()
        if body:
            units.append(_Unit(base + a + lead, base + a + lead + len(body), len(body.split())))
    return units


def _row_units(lines: list[Line]) -> list[_Unit]:
    """Group a table's lines into rows: a new row starts at a row marker."""
    units: list[_Unit] = []
    group: list[Line] = []
    for ln in lines:
        if group and _ROW_START.match(ln.text):
            units.append(_Unit(group[0].start, group[-1].end, sum(len(g.text.split()) for g in group)))
            group = []
        group.append(ln)
    if group:
        units.append(_Unit(group[0].start, group[-1].end, sum(len(g.text.split()) for g in group)))
    return units


def _split_long(unit: _Unit, lines: list[Line], max_words: int) -> list[_Unit]:
    """A unit over the budget is cut at line boundaries (never inside a line)."""
    if unit.words <= max_words:
        return [unit]
    inside = [ln for ln in lines if ln.start >= unit.start and ln.end <= unit.end]
    out: list[_Unit] = []
    cur: list[Line] = []
    words = 0
    for ln in inside:
        w = len(ln.text.split())
        if cur and words + w > max_words:
            out.append(_Unit(cur[0].start, cur[-1].end, words))
            cur, words = [], 0
        cur.append(ln)
        words += w
    if cur:
        out.append(_Unit(cur[0].start, cur[-1].end, words))
    return out or [unit]


def split_units(text: str, table: bool) -> list[tuple[int, int]]:
    """Sentences (prose) or rows (tables) of ``text`` as (start, end) offsets into it."""
    lines = split_lines(0, text)
    if not lines:
        return []
    units = _row_units(lines) if table else _sentence_units(text, 0, lines)
    return [(u.start, u.end) for u in units]


def _pack(units: list[_Unit], max_words: int, overlap: int) -> list[tuple[int, int]]:
    """Greedy packing of units into (start, end) spans, with a small sentence overlap."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j, words = i, 0
        while j < len(units) and (j == i or words + units[j].words <= max_words):
            words += units[j].words
            j += 1
        spans.append((units[i].start, units[j - 1].end))
        if j >= len(units):
            break
        # Overlap only short tail units, so chunks do not repeat whole paragraphs.
        back = 0
        while back < overlap and j - 1 - back > i and units[j - 1 - back].words <= 40:
            back += 1
        i = j - back
    return spans


def _runs(lines: list[Line]) -> list[list[Line]]:
    """Consecutive content lines of one section on one page."""
    runs: list[list[Line]] = []
    cur: list[Line] = []
    for ln in lines:
        if ln.boilerplate:
            continue
        if cur and (ln.opens_section or ln.section != cur[-1].section):
            runs.append(cur)
            cur = []
        cur.append(ln)
    if cur:
        runs.append(cur)
    return runs


_GROUP_MARK = re.compile(r"^(\d{1,2})\)\s")
_ITEM_MARK = re.compile(r"^\(?([a-z])\)\s")


def item_labels(pages: list[list[Line]]) -> dict[tuple[int, int], str]:
    """Compound ids of nested list items, by (page, line start): "1) … a) … b)" → 1a, 1b.

    Action tables are numbered this way ("maatregel 1g"), but the id is never
    printed as such, so we add it to what gets indexed.
    """
    labels: dict[tuple[int, int], str] = {}
    group: str | None = None
    for lines in pages:
        for ln in lines:
            if ln.boilerplate:
                continue
            if m := _GROUP_MARK.match(ln.text):
                group = m.group(1)
            elif (m := _ITEM_MARK.match(ln.text)) and group:
                labels[(ln.page, ln.start)] = f"{group}{m.group(1)}"
    return labels


def chunk_id_for(doc_id: str, page: int, start: int, end: int) -> str:
    return hashlib.sha256(f"{doc_id}:{page}:{start}:{end}".encode()).hexdigest()[:24]


def chunk_document(doc_id: str, title: str, pages: list[str], max_words: int = 140, overlap: int = 1) -> list[Chunk]:
    """Cut a document's stored page texts into chunks with section paths and offsets."""
    chunks: list[Chunk] = []
    labelled = label_lines(pages)
    labels = item_labels(labelled)
    for page_lines in labelled:
        for run in _runs(page_lines):
            page_no = run[0].page
            page_text = pages[page_no - 1]
            base = run[0].start
            run_text = page_text[base : run[-1].end]
            table = _is_table_like(run)
            units = _row_units(run) if table else _sentence_units(run_text, base, run)
            units = [piece for u in units for piece in _split_long(u, run, max_words)]
            section = " > ".join(run[0].section)
            for start, end in _pack(units, max_words, 0 if table else overlap):
                text = page_text[start:end]
                if len(text.split()) < 4:
                    continue
                head = f"{title} | {section}" if section else title
                ids = [
                    labels[(page_no, ln.start)]
                    for ln in run
                    if start <= ln.start < end and (page_no, ln.start) in labels
                ]
                if ids:
                    head += " | " + " ".join(ids)
                chunks.append(
                    Chunk(
                        chunk_id=chunk_id_for(doc_id, page_no, start, end),
                        doc_id=doc_id,
                        page=page_no,
                        char_start=start,
                        char_end=end,
                        section=section,
                        text=text,
                        search_text=f"{head}\n{dehyphenate(text)}",
                        kind="table" if table else "prose",
                    )
                )
    return chunks
