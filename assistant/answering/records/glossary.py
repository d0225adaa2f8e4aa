"""Definition questions answered from the glossary: each scope's definition, cited to its page.

"Wat zijn geclusterde woningen?" → the BZK definition and Dijk en Waard's own, side by
side, each with the page that defines it; the engine flags where they differ.
"""

from __future__ import annotations

from assistant.models import Citation
from assistant.question.analysis import QuestionProfile
from assistant.retrieval.index import SearchIndex
from ingest.records.begrippen import Begrip
from ingest.text.analysis import fold, tokenize

# Matches this far below the best are other terms that happen to share words.
_SAME_TERM_MARGIN = 0.5
MAX_DEFINITIONS = 4
MIN_SCORE = 2.0  # the term itself (or a spelling of it), not merely shared words
# A question word this rare that neither the term nor its definition has is a further subject.
MIN_EXTRA_IDF = 3.0
_DEFINITION_FRAME = set(tokenize("omschrijving definitie definities betekenis precies begrip term verschil bedoeld"))
SECTION = "Begrippen"  # the section of a definition's citation


def definitions(
    scored: list[tuple[float, Begrip]], profile: QuestionProfile, index: SearchIndex, all_terms: bool = False
) -> list[Begrip]:
    """The definitions to show: every scope's definition of the best-matching term (``all_terms``:
    every match, as when a question compares definitions), one per file and scope. Loose
    word-overlap matches, expansions the question already spells out, and questions that ask
    something *about* the term ("de bijgestelde doelstelling voor geclusterde woningen") are
    left to the passages and tables."""
    if not scored:
        return []
    top = scored[0][0]
    if not all_terms and _asks_more_than_the_term(profile, scored[0][1], index):
        return []
    asked = fold(profile.text)
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
    doc = index.by_file.get(b.file)
    if doc is None:
        return None
    citation = Citation(
        n=0, file=b.file, doc_id=doc.doc_id, title=doc.title, page=b.page, quote=b.quote, section=SECTION
    )
    return citation, f"{b.term} — {b.scope}: {b.definition}"


def _asks_more_than_the_term(profile: QuestionProfile, b: Begrip, index: SearchIndex) -> bool:
    known = set(tokenize(" ".join([b.term, *b.aliases, b.definition]))) | index.naming_terms | _DEFINITION_FRAME
    return any(t not in known and not t.isdigit() and index.idf(t) >= MIN_EXTRA_IDF for t in profile.terms)
