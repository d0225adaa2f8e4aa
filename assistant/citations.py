"""Citation checks: a quote is shown only if it is verbatim text of the page it cites.

A verified citation also gets the boxes of its quote on the page (fractions of the page size),
so the source panel can mark it on the page image; none when the page has no stored positions.
"""

from __future__ import annotations

import logging
import re

from assistant.answer_models import Citation
from assistant.search_index import SearchIndex

log = logging.getLogger(__name__)

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\S+")


def normalise_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def quote_span(page_text: str, quote: str) -> tuple[int, int] | None:
    """``[start, end)`` of the first occurrence of ``quote`` in ``page_text`` when whitespace may
    differ (quotes are whitespace-normalised), or None when it is not there."""
    needle = normalise_ws(quote)
    if not needle:
        return None
    pieces: list[str] = []
    origin: list[int] = []  # origin[i]: offset in page_text of character i of the normalised text
    for k, m in enumerate(_WORD.finditer(page_text)):
        if k:
            pieces.append(" ")
            origin.append(m.start() - 1)
        pieces.append(m.group())
        origin.extend(range(m.start(), m.end()))
    i = "".join(pieces).find(needle)
    if i < 0:
        return None
    return origin[i], origin[i + len(needle) - 1] + 1  # the needle starts and ends with a non-space


def quote_on_page(index: SearchIndex, doc_id: str, page: int, quote: str) -> bool:
    page_text = index.page_text(doc_id, page)
    return page_text is not None and quote_span(page_text, quote) is not None


def quote_boxes(index: SearchIndex, doc_id: str, page: int, start: int, end: int) -> list[list[float]]:
    """The boxes of ``page_text[start:end]`` as [x0, y0, x1, y1] page fractions; [] without positions."""
    if doc_id not in index.documents:
        return []  # a hidden document has no pages for this view (page_text already said so)
    try:
        layout = index.stored_layout(doc_id, page)
        return layout.scaled_boxes(start, end) if layout is not None else []
    except (ValueError, KeyError, TypeError, IndexError):
        # A highlight is an aid: an unreadable layout shows the page without one, not an error.
        log.warning("stored layout of %s p. %s unreadable; no highlight", doc_id, page, exc_info=True)
        return []


def valid_citations(index: SearchIndex, citations: list[Citation]) -> list[Citation]:
    """Drop every citation whose quote is not on its page; never show an unverified one.

    The kept ones get their quote's boxes (in place: callers match citations by identity)."""
    kept: list[Citation] = []
    for c in citations:
        page_text = index.page_text(c.doc_id, c.page)
        span = quote_span(page_text, c.quote) if page_text is not None else None
        if span is None:
            continue
        c.boxes = quote_boxes(index, c.doc_id, c.page, *span)
        kept.append(c)
    return kept
