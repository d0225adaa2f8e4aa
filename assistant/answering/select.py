"""Step 4: from the retrieved passages to the units an answer quotes — or the reason to refuse.

Candidates are the evidence units of the passages' pages (sentences in their paragraph, whole
lists, table rows); they are scored by what carries over between documents (coverage of the
question's weighted terms, the section heading, the expected kind of value, definitions, the
previous turn's pages and subject), and the best are chosen within the question kind's budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answering.analyse import Analysed
from assistant.answering.citations import normalise_ws
from assistant.answering.extractive import (
    ROLE_LINE,
    STEP,
    Candidate,
    about_text,
    candidates,
    grounding_names,
    has_expected_value,
    mentions_all,
    prefer_continuity,
    prefer_definitions,
    score,
    select,
)
from assistant.answering.followup import keep_to_referent
from assistant.answering.instruction_guard import is_instruction_like
from assistant.answering.records import glossary as glossary_answers
from assistant.answering.records import tables as table_answers
from assistant.answering.refusal import refusal_reason
from assistant.answering.retrieve import dense_similarities
from assistant.answering.scoping import Scoped
from assistant.answering.units import UNITS, PageUnits, Unit
from assistant.answering.vocabulary import Vocabulary
from assistant.models import Citation, Passage, SearchFilters
from assistant.question.analysis import QuestionProfile
from assistant.retrieval.hybrid import DenseRanking
from assistant.retrieval.index import SearchIndex
from ingest.records.begrippen import Begrip, lookup_scored
from ingest.records.tables import TableCell

# A sentence that announces a list: the list is the answer.
_LIST_INTRO = re.compile(r":\s*$|\bte\s+weten\b|\bde\s+volgende\b|\bvolgende\s+(stappen|vragen|onderdelen)\b", re.I)
# Glossary entries whose passages join the candidates.
GLOSSARY_PASSAGES = 4


@dataclass
class Selection:
    chosen: list[Candidate] = field(default_factory=list)
    leads: list[tuple[Citation, str]] = field(default_factory=list)  # structured facts shown first
    refusal: str | None = None  # why not to answer; None: answer
    support: float | None = None  # the evidence support the refusal threshold judged
    skipped: list[Candidate] = field(default_factory=list)  # instruction-like sentences left out
    glossary: list[Begrip] = field(default_factory=list)  # definitions of the asked term


def select_evidence(
    analysed: Analysed, scoped: Scoped, passages: list[Passage], vocab: Vocabulary, dense: DenseRanking | None = None
) -> Selection:
    """``dense``: the dense ranking the passages were retrieved with (saves a store query)."""
    index = vocab.index
    profile, filters = analysed.profile, scoped.filters
    scored = lookup_scored(index.begrippen, analysed.question) if analysed.asks_definition else []
    glossary = [b for _, b in scored]
    if glossary:
        # The glossary knows where the term is defined: make sure those passages are candidates.
        passages = _glossary_passages(glossary, filters, index) + passages
    cands = candidates(passages, lambda doc_id, page: _units_of(index, doc_id, page))
    # Instruction-like sentences are data, never answers; the user is told one was skipped.
    skipped = [c for c in cands if is_instruction_like(c.text)]
    cands = [c for c in cands if not is_instruction_like(c.text)]
    score(cands, profile, index)
    if glossary:
        prefer_definitions(cands, glossary)
    if analysed.previous is not None:
        prefer_continuity(cands, set(analysed.previous.cited_pages))
        keep_to_referent(cands, analysed.referent)
    files = {index.documents[d].file for d in filters.doc_ids or []} if filters and filters.doc_ids else None
    # A table cell whose row and column the question names is evidence of its own, as a
    # glossary entry is: the row label and column name need not be in one sentence.
    # A count is no answer to "wie" or to "welke stappen".
    cells = table_answers.find(profile, index, files) if passages and profile.kind not in ("who", "procedure") else []
    names = [] if scoped.side_by_side else grounding_names(profile, index)
    if names:  # a cell answers for the names the question asks about, not for another place's table
        cells = [c for c in cells if _cell_about(c, names, index)]
    out = Selection(skipped=skipped, glossary=glossary)
    if not (glossary and passages):  # a term the documents define is answerable however it is asked
        # The cell must hold the kind of value asked for: a count is no answer to "hoeveel euro".
        typed = profile.expects in ("money", "percentage", "duration")
        by_record = any(not typed or has_expected_value(profile, f"{c.value} {c.unit} {c.column}") for c in cells)
        similarity = dense_similarities(index, analysed.query, passages, ranking=dense)
        out.refusal, out.support = refusal_reason(
            profile, passages, cands, vocab, by_record=by_record, dense=similarity, names=names
        )
    if out.refusal is not None:
        return out
    out.leads = [table_answers.lead(cells, index)] if cells else []
    if scored:
        shown = glossary_answers.definitions(scored, profile, index, all_terms=profile.kind == "comparison")
        allowed = {index.documents[d].file for d in filters.doc_ids or []} if filters else set()
        out.leads += [
            lead
            for b in shown
            if (not allowed or b.file in allowed) and (lead := glossary_answers.lead(b, index)) is not None
        ]
    # Sentences a lead already shows (the glossary's own definition) leave room for others.
    led = [(c.doc_id, c.page, normalise_ws(c.quote)) for c, _ in out.leads if c.section == glossary_answers.SECTION]
    rest = [
        c
        for c in cands
        if not any(
            c.passage.doc_id == d and c.passage.page == p and _overlaps(normalise_ws(c.text), q) for d, p, q in led
        )
    ]
    out.chosen = _with_context(select(rest, profile, scoped.side_by_side), profile) if rest else []
    return out


def _units_of(index: SearchIndex, doc_id: str, page: int) -> PageUnits | None:
    return UNITS.get(index, doc_id, page)


def _with_context(chosen: list[Candidate], profile: QuestionProfile) -> list[Candidate]:
    """Mark what a chosen sentence announces or continues: the list after "… te weten:",
    the next steps of a procedure, the sentence after a definition, the line that names who
    is responsible for the item a who-question found."""
    if profile.kind == "who":
        for c in chosen:
            c.extend = max(c.extend, _to_role_line(c))
        return chosen
    if profile.kind in ("number", "when"):
        return chosen
    marked = [c for c in chosen if STEP.match(c.text)] if profile.kind == "procedure" else []
    if len(marked) >= 2:  # the steps of a procedure, each with its own sentences, sharing one budget
        share = max(STEP_MIN_WORDS, PROCEDURE_WORDS // len(marked))
        for c in marked:
            c.extend = max(c.extend, _step_extent(c, share))
        return chosen
    for i, c in enumerate(chosen):
        if _LIST_INTRO.search(c.text):
            c.extend = 6
        elif profile.kind == "procedure" and len(c.text.split()) <= 8:
            c.extend = 1  # a step's heading ("Stap 5 - En dan?"): what the step is comes next
        elif i == 0 and profile.kind == "procedure":
            c.extend = 3
        elif i == 0 and profile.kind == "definition":
            c.extend = 1
    return chosen


# A procedure's steps share this many words: each step is quoted with as many of its own
# sentences as fit its share, and with at least one.
PROCEDURE_WORDS = 150
STEP_MIN_WORDS = 25


def _step_extent(c: Candidate, budget: int) -> int:
    """How many of the step's own sentences (after its heading, up to the next heading; or the
    rest of its paragraph) fit in ``budget`` words together with the step line itself."""
    page, unit = c.page_units, c.unit
    if page is None or unit is None:
        return 1
    if unit.kind == "heading":
        ahead: list[Unit] = []
        for u in page.units:
            if u.start >= unit.end and u.kind == "heading":
                break
            if u.start >= unit.end and u.kind != "raw":
                ahead.append(u)
    else:
        ahead = [u for u in page.units if u.block == unit.block and u.start >= unit.end]
    words, taken = len(c.text.split()), 0
    for u in ahead:
        more = len(page.text[u.start : u.end].split())
        if taken and words + more > budget:
            break
        words, taken = words + more, taken + 1
    return max(taken, 1)


# How far after a found sentence its item's role line ("Verantwoordelijk: …") may come.
ROLE_LINE_REACH = 4


def _to_role_line(c: Candidate) -> int:
    """How many sentences of its own block after ``c`` reach the line naming the item's actor
    (0: none within reach, or ``c`` names one itself)."""
    page, unit = c.page_units, c.unit
    if page is None or unit is None or ROLE_LINE.match(c.text):
        return 0
    after = [u for u in page.units if u.block == unit.block and u.start >= unit.end][:ROLE_LINE_REACH]
    for n, u in enumerate(after, start=1):
        if ROLE_LINE.match(page.text[u.start : u.end]):
            return n
    return 0


def _cell_about(cell: TableCell, names: list[str], index: SearchIndex) -> bool:
    """Does the cell's table, row or column, or its document's title or author, name every one of ``names``?"""
    doc = index.by_file.get(cell.file)
    about = about_text(index, doc.doc_id) if doc is not None else ""
    return mentions_all(names, f"{cell.table} {cell.row} {cell.column} {about}")


def _overlaps(text: str, quote: str) -> bool:
    """The two share a stretch of a sentence or more: showing both would repeat it."""
    # A common stretch of n characters or more exists iff one of the quote's n-character pieces is
    # in the text: one set of slices instead of difflib's longest-match search (same answer).
    n = min(60, len(text), len(quote))
    if n == 0:
        return True
    pieces = {text[i : i + n] for i in range(len(text) - n + 1)}
    return any(quote[i : i + n] in pieces for i in range(len(quote) - n + 1))


def _glossary_passages(glossary: list[Begrip], filters: SearchFilters | None, index: SearchIndex) -> list[Passage]:
    """The chunks holding each definition's quote (all scopes), as top-ranked passages."""
    allowed = set(filters.doc_ids) if filters is not None and filters.doc_ids else None
    out: list[Passage] = []
    for b in glossary[:GLOSSARY_PASSAGES]:
        doc = index.by_file.get(b.file)
        if doc is None or (allowed is not None and doc.doc_id not in allowed):
            continue
        head = normalise_ws(b.quote)[:60]
        for chunk in index.page_chunks.get((doc.doc_id, b.page), []):
            if head and head in normalise_ws(chunk.text):
                out.append(
                    Passage(
                        chunk.chunk_id,
                        doc.doc_id,
                        doc.file,
                        doc.title,
                        chunk.page,
                        chunk.section,
                        chunk.text,
                        1.0,
                        chunk.char_start,
                        chunk.char_end,
                        chunk.kind,
                    )
                )
                break
    return out
