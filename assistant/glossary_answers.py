"""Definition questions answered from the glossary: each scope's definition, cited to its page.

"Wat zijn geclusterde woningen?" → the BZK definition and Dijk en Waard's own, side by
side, each with the page that defines it; the engine flags where they differ.
"""

from __future__ import annotations

from assistant.answer_models import Citation
from assistant.search_index import SearchIndex
from ingest.begrippen import Begrip
from ingest.text_analysis import fold

# Matches this far below the best are other terms that happen to share words.
_SAME_TERM_MARGIN = 0.5
MAX_DEFINITIONS = 4
MIN_SCORE = 2.0  # the term itself (or a spelling of it), not merely shared words
SECTION = "Begrippen"  # the section of a definition's citation


def definitions(scored: list[tuple[float, Begrip]], question: str, all_terms: bool = False) -> list[Begrip]:
    """The definitions to show: every scope's definition of the best-matching term (``all_terms``:
    every match, as when a question compares definitions), one per file and scope. Loose
    word-overlap matches and expansions the question already spells out are left to the passages."""
    if not scored:
        return []
    top = scored[0][0]
    asked = fold(question)
    chosen: list[Begrip] = []
    seen: set[tuple[str, str]] = set()
    for s, b in scored:
        if s < MIN_SCORE or (not all_terms and s < top - _SAME_TERM_MARGIN):
            break
        if (b.file, b.scope) in seen or not b.quote:
            continue
        if b.kind == "afkorting" and fold(b.definition) in asked:
            continue
        seen.add((b.file, b.scope))
        chosen.append(b)
    return chosen[:MAX_DEFINITIONS]


def lead(b: Begrip, index: SearchIndex) -> tuple[Citation, str] | None:
    """(citation, answer text) for one definition; None when its document is not indexed."""
    doc = next((d for d in index.documents.values() if d.file == b.file), None)
    if doc is None:
        return None
    citation = Citation(
        n=0, file=b.file, doc_id=doc.doc_id, title=doc.title, page=b.page, quote=b.quote, section=SECTION
    )
    return citation, f"{b.term} — {b.scope}: {b.definition}"
