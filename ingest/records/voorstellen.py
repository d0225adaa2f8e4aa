"""Numbered proposals ("Voorstel 1" … "Voorstel 11") → one record each.

A proposal is a heading line "Voorstel N" (maybe "Voorstel N: titel") followed by
its text; the text runs to the next proposal heading, a section heading or the
page end. Reports typically set proposals in boxes; pypdf puts a page's boxes
after the page's running text, so a box does not sit under the heading it
belongs to. The parser therefore decides the section by layout:

* a block that ends at a heading inside the page is inline: it belongs to the
  section in effect where it stands;
* blocks that fill the end of the page are boxes: the k-th box on the page goes
  with the k-th section that page shows (the one carried over from the previous
  page first, then those opened on the page). This is recorded as uncertain.

A proposal whose text stops at the page end without a closing full stop may run
on in a box on the next page, which the linearised text cannot attach reliably:
that is noted, never guessed. When the document announces how many proposals it
makes ("elf voorstellen"), :func:`check_count` (run by the pipeline, which keeps
its findings as document warnings) compares and warns loudly; it also reports
gaps and repeats in the numbering.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.read.chunking import dehyphenate
from ingest.read.structure import Line, label_lines
from ingest.text.analysis import NUMBER_WORDS, count_value
from prompts import records as R

log = logging.getLogger(__name__)

_HEADING = re.compile(r"^Voorstel\s+(?P<nr>\d{1,2})\s*(?:[:.\-–]\s*(?P<titel>\S.*))?$")
_BULLET = re.compile(r"^[•▪➢\-–]\s*")
_SENTENCE_END = (".", "!", "?", ".”", ".’", ")")
# "een aantal voorstellen" is no count: the article is left out.
_COUNT_WORDS = [w for w in NUMBER_WORDS if NUMBER_WORDS[w] > 1]
_COUNT = re.compile(
    rf"(?<![\d.,])\b(?P<n>\d{{1,2}}|{'|'.join(_COUNT_WORDS)})\s+(?:[a-zà-ÿ]+\s+)?voorstellen\b", re.IGNORECASE
)


@dataclass
class Voorstel:
    """One numbered proposal; ``uncertain`` says what the parser could not settle."""

    nr: int
    tekst: str  # the proposal text, de-hyphenated, one line
    items: list[str]  # its bullet points, when it is a list ("" items never)
    titel: str  # text after "Voorstel N:" on the heading line; usually empty
    thema: str  # the heading of the section it belongs to: "4.1.1 Intensieve zorg (geclusterd) aan huis"
    section: str  # full section path: "4 Uitgangspunten … > 4.1 … > 4.1.1 …"
    file: str
    page: int  # 1-based page of the heading
    quote: str  # verbatim slice of that page's text: heading + text on that page
    uncertain: list[str] = field(default_factory=list)
    boxes: list[list[float]] = field(default_factory=list)  # quote's boxes, page fractions


@dataclass
class _Block:
    nr: int
    titel: str
    heading: Line
    lines: list[Line]
    to_page_end: bool  # ran to the end of its page (nothing of the running text after it)


def _collect(labelled: list[list[Line]]) -> list[_Block]:
    blocks: list[_Block] = []
    for page_lines in labelled:
        current: _Block | None = None
        for ln in page_lines:
            if ln.boilerplate:
                continue
            m = _HEADING.match(ln.text)
            if m:
                current = _Block(int(m["nr"]), m["titel"] or "", ln, [], to_page_end=False)
                blocks.append(current)
            elif current is not None and ln.opens_section:
                current = None  # a heading ends an inline proposal
            elif current is not None:
                current.lines.append(ln)
        if current is not None:
            current.to_page_end = True
    return blocks


def _page_sections(labelled: list[list[Line]], page: int) -> list[tuple[str, ...]]:
    """The sections a page shows: the one carried over from the page before, then those it opens."""
    carried: tuple[str, ...] = ()
    for lines in reversed(labelled[: page - 1]):
        if lines:
            carried = lines[-1].section
            break
    opened = [ln.section for ln in labelled[page - 1] if ln.opens_section and not ln.boilerplate]
    sections = [carried, *opened]
    return [s for s in sections if s]


def _items(lines: list[Line]) -> list[str]:
    if not lines or not _BULLET.match(lines[0].text):
        return []
    items: list[list[str]] = []
    for ln in lines:
        if _BULLET.match(ln.text):
            items.append([_BULLET.sub("", ln.text)])
        elif items:
            items[-1].append(ln.text)
    return [dehyphenate("\n".join(parts)) for parts in items]


def parse_voorstellen(pages: list[str], file: str) -> list[Voorstel]:
    """All "Voorstel N" proposals in ``pages`` (stored page texts), in document order."""
    labelled = label_lines(pages)
    blocks = _collect(labelled)
    # Boxes per page, in order: the k-th box ↔ the k-th section shown on that page.
    boxes: dict[int, list[_Block]] = {}
    for b in blocks:
        if b.to_page_end or any(o is not b and o.heading.page == b.heading.page and o.to_page_end for o in blocks):
            boxes.setdefault(b.heading.page, []).append(b)

    records: list[Voorstel] = []
    for b in blocks:
        notes: list[str] = []
        page = b.heading.page
        section = b.heading.section
        if b in boxes.get(page, []):
            shown = _page_sections(labelled, page)
            k = boxes[page].index(b)
            if shown:
                section = shown[min(k, len(shown) - 1)]
                notes.append(R.BOX_SECTION_GUESSED_NL)
                if k >= len(shown):
                    notes.append(R.MORE_BOXES_THAN_SECTIONS_NL)
        if not b.lines:
            notes.append(R.NO_TEXT_UNDER_HEADING_NL)
        elif b.to_page_end and not b.lines[-1].text.rstrip().endswith(_SENTENCE_END):
            notes.append(R.TEXT_MAY_CONTINUE_NL.format(page=page, next_page=page + 1))
        text = dehyphenate("\n".join(ln.text for ln in b.lines))
        end = max([ln.end for ln in b.lines if ln.page == page], default=b.heading.end)
        records.append(
            Voorstel(
                nr=b.nr,
                tekst=text,
                items=_items(b.lines),
                titel=b.titel,
                thema=section[-1] if section else "",
                section=" > ".join(section),
                file=file,
                page=page,
                quote=pages[page - 1][b.heading.start : end],
                uncertain=notes,
            )
        )
    return records


def expected_count(pages: Sequence[str]) -> int | None:
    """How many proposals the document says it makes ("elf voorstellen", "11 voorstellen"); None if unsaid."""
    text = " ".join(" ".join(pages).split())
    for m in _COUNT.finditer(text):
        n = m["n"].lower()
        return count_value(n)
    return None


def check_count(records: Sequence[Voorstel], expected: int | None) -> list[str]:
    """Differences between the parsed proposals and the document's own count and numbering."""
    problems: list[str] = []
    numbers = [r.nr for r in records]
    if expected is not None and expected != len(records):
        problems.append(R.PROPOSAL_COUNT_DIFFERS_NL.format(expected=expected, found=len(records)))
    dupes = sorted({n for n in numbers if numbers.count(n) > 1})
    if dupes:
        problems.append(R.DUPLICATE_PROPOSAL_NUMBERS_NL.format(numbers=", ".join(map(str, dupes))))
    if numbers:
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        if missing:
            problems.append(R.MISSING_PROPOSAL_NUMBERS_NL.format(numbers=", ".join(map(str, missing))))
    for problem in problems:
        log.warning("voorstellen-telling klopt niet: %s", problem)
    return problems
