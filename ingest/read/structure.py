"""Page layout → structure: running headers/footers, headings and section paths.

Works on the stored page texts line by line and only *labels* lines, so every
later slice stays an exact substring of its page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_NUMBERED_HEADING = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<title>[A-ZÀ-Ý(‘'\"“].*)$")
_BIJLAGE_HEADING = re.compile(r"^(?P<num>Bijlage\s+(?:\d{1,2}|[A-Z]))\b\s*[:.\-–]?\s*(?P<title>.*)$")
PAGE_NUMBER = re.compile(r"^(?:pagina\s+)?\d{1,4}(?:\s*(?:van|/)\s*\d{1,4})?$", re.IGNORECASE)
_URL_ONLY = re.compile(r"^(?:https?://|www\.|mailto:)\S+$", re.IGNORECASE)
_TOC_TAIL = re.compile(r"(?:\.{3,}|\s)\d{1,3}$")
_SENTENCE_END = (".", ",", ";", ":", "!")


@dataclass(frozen=True)
class Line:
    page: int  # 1-based
    start: int  # offsets into the page text
    end: int
    text: str
    boilerplate: bool = False
    opens_section: bool = False
    section: tuple[str, ...] = ()  # section path in effect at this line


def split_lines(page_no: int, page_text: str) -> list[Line]:
    lines: list[Line] = []
    pos = 0
    for raw in page_text.split("\n"):
        if raw:
            lines.append(Line(page_no, pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def boilerplate_key(text: str) -> str:
    """A line as running headers repeat it: case and numbers (page, chapter) aside."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def furniture(page_texts: Sequence[str]) -> frozenset[str]:
    """Keys (``boilerplate_key``) of the document's running header and footer lines."""
    return frozenset(find_boilerplate([split_lines(n, text) for n, text in enumerate(page_texts, 1)]))


def find_boilerplate(pages: list[list[Line]], edge: int = 3) -> set[str]:
    """Keys of lines that recur at the top or bottom of pages (running headers/footers).

    A line that carries its own page number ("… IJmond 4" on page 4) is a running
    header even when it appears on only a few pages; others must recur on 30%.
    """
    counts: Counter[str] = Counter()
    numbered: Counter[str] = Counter()
    for lines in pages:
        edge_lines = [ln for ln in lines[:edge] + lines[-edge:] if len(ln.text) < 160]
        counts.update({boilerplate_key(ln.text) for ln in edge_lines})
        numbered.update(
            {
                boilerplate_key(ln.text)
                for ln in edge_lines
                if re.search(rf"(?<!\d){ln.page}$", ln.text) and " " in ln.text
            }
        )
    threshold = max(3, int(0.3 * len(pages)))
    return {key for key, n in counts.items() if len(key) > 3 and (n >= threshold or numbered[key] >= 3)}


def _is_edge_noise(line: Line, index: int, total: int, boiler: set[str]) -> bool:
    at_edge = index < 3 or index >= total - 3
    if at_edge and boilerplate_key(line.text) in boiler:
        return True
    if at_edge and PAGE_NUMBER.match(line.text):
        return True
    return bool(_URL_ONLY.match(line.text))


def _parse_number(num: str) -> tuple[int, ...]:
    return tuple(int(p) for p in num.split("."))


# A heading line that ends in one of these continues on the next line.
_CONTINUES = {
    "aan",
    "en",
    "van",
    "de",
    "het",
    "met",
    "voor",
    "op",
    "in",
    "een",
    "te",
    "tot",
    "of",
    "om",
    "door",
    "bij",
    "naar",
    "als",
}
_TOC_LINE = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<title>\D.*?)\s*\.*\s*\d{1,3}$")


def find_toc(pages: list[list[Line]], first_pages: int = 6) -> dict[tuple[int, ...], str]:
    """Heading numbers → titles from a table of contents, when the document has one.

    A TOC is the most reliable outline there is: with it, numbered table rows and
    list items ("3 Mensen met …") cannot pose as chapters.
    """
    for lines in pages[:first_pages]:
        entries: dict[tuple[int, ...], str] = {}
        for line in lines:
            m = _TOC_LINE.match(line.text)
            if m and len(m.group("title").split()) <= 14:
                entries[_parse_number(m.group("num"))] = m.group("title").lower()
        if len(entries) >= 5:
            return entries
    return {}


def _plausible_next(current: tuple[int, ...], candidate: tuple[int, ...]) -> bool:
    """Is ``candidate`` a heading number that can follow ``current`` in an outline?

    Guards against numbered list items ("6. Nultredenwoningen") posing as headings.
    """
    if not current:
        return candidate[-1] == 1 and candidate[0] <= 20
    for depth in range(len(current)):
        if candidate[:depth] != current[:depth] or len(candidate) <= depth:
            continue
        if candidate[depth] == current[depth] + 1 and all(p == 1 for p in candidate[depth + 1 :]):
            return True
    # a child: 4.3 → 4.3.1
    return candidate[: len(current)] == current and len(candidate) == len(current) + 1 and candidate[-1] == 1


def _numbered_heading(text: str) -> tuple[int, ...] | None:
    m = _NUMBERED_HEADING.match(text)
    if not m:
        return None
    title = m.group("title").strip()
    if len(text) > 100 or len(title.split()) > 12 or title.endswith(_SENTENCE_END) or _TOC_TAIL.search(title):
        return None
    return _parse_number(m.group("num"))


def _accept_numbered(
    number: tuple[int, ...], text: str, current: tuple[int, ...], toc: dict[tuple[int, ...], str]
) -> bool:
    if toc and number in toc:
        title = re.sub(r"^[\d.]+\s+", "", text).lower()
        return toc[number].startswith(title[:15]) or title.startswith(toc[number][:15])
    if toc and len(number) <= max(len(n) for n in toc):
        return False
    return _plausible_next(current, number)


def _heading_title(line: Line, nxt: Line | None) -> str | None:
    """The heading's full title (joined with a continuation line), or None if it is prose."""
    last = line.text.split()[-1].lower()
    if last not in _CONTINUES:
        return line.text
    if nxt is not None and len(nxt.text.split()) <= 6 and not nxt.text.endswith(_SENTENCE_END):
        return f"{line.text} {nxt.text}"
    return None


def _looks_like_subheading(prev: Line | None, line: Line, nxt: Line | None) -> bool:
    """A short unnumbered title line between complete sentences ("Participatie")."""
    text = line.text
    words = text.split()
    if not (1 <= len(words) <= 7) or len(text) > 70 or not text[0].isupper():
        return False
    if text.endswith(_SENTENCE_END) or any(ch.isdigit() for ch in text) or text[0] in "•➢–-":
        return False
    if words[-1].lower() in _CONTINUES:
        return False
    prev_closed = prev is None or prev.text.endswith((".", ":", "!", "?")) or prev.opens_section
    next_is_prose = nxt is not None and nxt.text[:1].isupper() and len(nxt.text.split()) >= 8
    return prev_closed and next_is_prose


def label_lines(pages: list[str]) -> list[list[Line]]:
    """Split pages into lines; mark boilerplate, headings and each line's section path."""
    paged = [split_lines(i + 1, text) for i, text in enumerate(pages)]
    boiler = find_boilerplate(paged)
    toc = find_toc(paged)
    bijlage: str | None = None
    outline: list[tuple[tuple[int, ...], str]] = []  # open numbered headings, outermost first
    sub: str | None = None  # an unnumbered sub-heading under the innermost one
    labelled: list[list[Line]] = []

    def current_path() -> tuple[str, ...]:
        parts = ([bijlage] if bijlage else []) + [t for _, t in outline] + ([sub] if sub else [])
        return tuple(parts)

    for lines in paged:
        out: list[Line] = []
        prev: Line | None = None
        for i, line in enumerate(lines):
            if _is_edge_noise(line, i, len(lines), boiler):
                out.append(Line(line.page, line.start, line.end, line.text, boilerplate=True, section=current_path()))
                continue
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            opens = True
            number = _numbered_heading(line.text)
            title = _heading_title(line, nxt)
            if (
                _BIJLAGE_HEADING.match(line.text)
                and len(line.text) <= 100
                and not _TOC_TAIL.search(line.text)
                and title
            ):
                bijlage, outline, sub = title, [], None
            elif number and title and _accept_numbered(number, line.text, outline[-1][0] if outline else (), toc):
                outline = [(n, t) for n, t in outline if len(n) < len(number) and number[: len(n)] == n]
                outline.append((number, title))
                sub = None
            elif _looks_like_subheading(prev, line, nxt):
                sub = line.text
            else:
                opens = False
            labelled_line = Line(
                line.page, line.start, line.end, line.text, opens_section=opens, section=current_path()
            )
            out.append(labelled_line)
            prev = labelled_line
        labelled.append(out)
    return labelled
