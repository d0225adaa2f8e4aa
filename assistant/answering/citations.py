"""Citation checks: a quote is shown only if it is verbatim text of the page it cites.

A verified citation also gets the boxes of its quote on the page (fractions of the page size),
so the source panel can mark it on the page image; none when the page has no stored positions.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from assistant.models import Citation
from assistant.retrieval.index import SearchIndex

log = logging.getLogger(__name__)

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\S+")


def normalise_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def quote_span(page_text: str, quote: str) -> tuple[int, int] | None:
    """``[start, end)`` of the first occurrence of ``quote`` in ``page_text`` when whitespace may
    differ (quotes are whitespace-normalised), or None when it is not there.

    The quote's words joined by ``\\s+`` and searched in the page itself: the same first match
    as finding the normalised quote in the whitespace-normalised page (a word of the quote lies
    within one word of the page, and each whitespace run between them is taken whole), without
    building that page copy and its offset map on every check (~2 ms per citation)."""
    words = quote.split()
    if not words:
        return None
    m = _quote_pattern(tuple(words)).search(page_text)
    return (m.start(), m.end()) if m else None


@lru_cache(maxsize=4096)
def _quote_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\s+".join(map(re.escape, words)))


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
