"""Citation checks: a quote is shown only if it is verbatim text of the page it cites."""

from __future__ import annotations

import re

from assistant.answer_models import Citation
from assistant.search_index import SearchIndex

_WS = re.compile(r"\s+")


def normalise_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def quote_on_page(index: SearchIndex, doc_id: str, page: int, quote: str) -> bool:
    page_text = index.page_text(doc_id, page)
    needle = normalise_ws(quote)
    return bool(needle) and page_text is not None and needle in normalise_ws(page_text)


def valid_citations(index: SearchIndex, citations: list[Citation]) -> list[Citation]:
    """Drop every citation whose quote is not on its page; never show an unverified one."""
    return [c for c in citations if quote_on_page(index, c.doc_id, c.page, c.quote)]
