"""Step 3: the passages the answer is chosen from (hybrid BM25 + dense, within the scope)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering.analyse import Analysed
from assistant.answering.scoping import Scoped
from assistant.models import Passage
from assistant.retrieval.hybrid import HybridSearcher

# Passages read per answer: enough for a list's items and a table's rows on nearby pages.
PASSAGES = 20


@dataclass
class Retrieved:
    passages: list[Passage]


def retrieve(analysed: Analysed, scoped: Scoped, searcher: HybridSearcher) -> Retrieved:
    return Retrieved(searcher.search(analysed.query, k=PASSAGES, filters=scoped.filters, per_page=False))
