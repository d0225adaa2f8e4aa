"""Phasing with years ("▪ 2024 Opstarten", "▪ 2025 Borgen", "2022-2030 Voldoende …") → records.

A phase line is a year or year range followed by a short name, optionally after a
bullet, on a line of its own; the prose under it (up to the next phase line, a
heading, or a short title-like line after a finished sentence) is its
description. One such line alone is not a phasing: a document section must list
at least two, and the line after each must be prose, which keeps table headers
("2030 Opgave t.o.v.") out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.read.chunking import dehyphenate
from ingest.read.structure import Line, label_lines
from prompts import records as R

_PHASE = re.compile(
    r"^(?:[▪•➢\-–]\s*)?(?P<y1>(?:19|20)\d{2})(?:\s*[-–]\s*(?P<y2>(?:19|20)\d{2}))?:?\s+"
    r"(?P<name>[A-ZÀ-Ý][^\d.:;!?,]*)$"
)
_NAME_WORDS_MAX = 8
_PROSE_WORDS_MIN = 6  # the line after a phase line must be running text
_BULLET = re.compile(r"^[•▪➢\-–]")
_SENTENCE_END = (".", "!", "?", ":")


@dataclass
class Phase:
    """One phase of a phased plan; ``uncertain`` says what the parser could not settle."""

    year: int  # first year: 2024, or 2022 for "2022-2030"
    end_year: int | None  # last year of a range, None for a single year
    phase: str  # the phase name as written: "Opstarten"
    description: str  # the prose under the phase line, de-hyphenated, one line
    section: str  # section path the phasing sits in
    file: str
    page: int  # 1-based page of the phase line
    quote: str  # verbatim slice of that page: the phase line and the first sentence under it
    uncertain: list[str] = field(default_factory=list)
    boxes: list[list[float]] = field(default_factory=list)  # quote's boxes, page fractions


def _phase_match(line: Line) -> re.Match[str] | None:
    m = _PHASE.match(line.text)
    if m is None or len(m["name"].split()) > _NAME_WORDS_MAX:
        return None
    return m


def _is_title_like(prev: Line, line: Line) -> bool:
    """A short capitalised line without closing punctuation after a finished sentence: a sub-title."""
    text = line.text
    return (
        prev.text.endswith(_SENTENCE_END)
        and text[:1].isupper()
        and len(text.split()) <= _NAME_WORDS_MAX
        and not text.endswith((".", ",", ";", ":"))
        and not _BULLET.match(text)
    )


def _first_sentence_end(text: str, start: int) -> int:
    m = re.search(r"[.!?](?=\s|$)", text[start:])
    return start + m.end() if m else len(text)


def parse_phases(pages: list[str], file: str) -> list[Phase]:
    """The phases with years in ``pages`` (stored page texts), in document order."""
    flat = [ln for page in label_lines(pages) for ln in page if not ln.boilerplate]
    found: list[tuple[int, re.Match[str]]] = []
    for i, ln in enumerate(flat):
        m = _phase_match(ln)
        nxt = flat[i + 1] if i + 1 < len(flat) else None
        if m and nxt is not None and len(nxt.text.split()) >= _PROSE_WORDS_MIN and not _phase_match(nxt):
            found.append((i, m))
    # A phasing lists several phases in one section; a lone year line is something else.
    per_section: dict[tuple[str, ...], int] = {}
    for i, _ in found:
        per_section[flat[i].section] = per_section.get(flat[i].section, 0) + 1
    starts = {i for i, _ in found}

    phases: list[Phase] = []
    for i, m in found:
        head = flat[i]
        if per_section[head.section] < 2:
            continue
        body: list[Line] = []
        for j in range(i + 1, len(flat)):
            ln = flat[j]
            if j in starts or ln.opens_section or (body and _is_title_like(body[-1], ln)):
                break
            body.append(ln)
        notes: list[str] = []
        pages_spanned = sorted({ln.page for ln in body})
        if pages_spanned and pages_spanned[-1] != head.page:
            notes.append(R.PHASE_CONTINUES_NL.format(page=pages_spanned[-1]))
        page_text = pages[head.page - 1]
        on_page = [ln for ln in body if ln.page == head.page]
        end = _first_sentence_end(page_text, on_page[0].start) if on_page else head.end
        if on_page:
            end = min(end, on_page[-1].end)
        phases.append(
            Phase(
                year=int(m["y1"]),
                end_year=int(m["y2"]) if m["y2"] else None,
                phase=m["name"].strip(),
                description=dehyphenate("\n".join(ln.text for ln in body)),
                section=" > ".join(head.section),
                file=file,
                page=head.page,
                quote=page_text[head.start : end],
                uncertain=notes,
            )
        )
    return phases
