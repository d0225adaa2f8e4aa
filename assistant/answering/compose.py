"""Steps 5–6: chosen units → answer lines, each a verbatim quote cited [n]; then every
citation verified against its page, and the answer text written from what survived."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answering.citations import normalise_ws, valid_citations
from assistant.answering.extractive import CONTINUES, ROW_START, expand_row, extend_span, merge_adjacent
from assistant.answering.instruction_guard import is_instruction_like
from assistant.answering.select import Selection
from assistant.answering.units import PageUnits
from assistant.models import Answer, Citation, Passage
from assistant.question.analysis import QuestionProfile
from assistant.retrieval.index import SearchIndex
from ingest.read.chunking import split_units
from prompts import answer as P


@dataclass
class Draft:
    """One answer line per quote (plus its continuation on the next page); ``labels``: line
    index → the text shown instead of the quote (a table cell, a definition, a row with its
    column names)."""

    lines: list[list[Citation]] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)


def compose(selection: Selection, index: SearchIndex) -> Draft:
    """Leads (structured facts) first, then each chosen unit quoted whole."""
    draft = Draft()
    for citation, text in selection.leads:
        draft.labels[len(draft.lines)] = text
        draft.lines.append([citation])
    for q in merge_adjacent(selection.chosen):
        p, s, e = q.passage, q.start, q.end
        page_text = index.page_text(p.doc_id, p.page) or ""
        if q.page_units is not None:
            e = q.page_units.extend(e, q.extend, CONTINUES)
        else:  # no blocks stored for this page: read rows and sentences from the text
            if ROW_START.match(page_text[s:e]):
                e = expand_row(page_text, s, e)  # a maatregel row: keep trekker, tijdspad, status
            e = extend_span(page_text, e, q.extend)
        quote = normalise_ws(page_text[s:e])
        if is_instruction_like(quote):
            continue  # a span extended into an instruction-like sentence: leave it out
        line = [Citation(n=0, file=p.file, doc_id=p.doc_id, title=p.title, page=p.page, quote=quote, section=p.section)]
        # What the span counts ("drie ambities"), set as headings further on: each its own citation.
        line += [
            Citation(n=0, file=p.file, doc_id=p.doc_id, title=p.title, page=p.page, quote=item, section=p.section)
            for item in counted_items(q.page_units, s, e)
        ]
        notes = [
            Citation(n=0, file=p.file, doc_id=p.doc_id, title=p.title, page=p.page, quote=note, section=p.section)
            for note in footnotes(q.page_units, s, e)
        ]
        if (rest := _continuation(p, page_text, e, index)) is not None:
            line.append(rest)
        elif q.label is not None and e == q.end and not notes:
            draft.labels[len(draft.lines)] = q.label  # a table row read with its column names
        draft.lines.append(line + notes)
    return _without_repeats(draft)


def verify(draft: Draft, index: SearchIndex) -> Draft:
    """Numbered [1..n]; a citation whose quote its page does not hold is dropped, and a line
    left without citations with it."""
    n = 0
    for line in draft.lines:
        for c in line:
            n += 1
            c.n = n
    verified = {id(c) for c in valid_citations(index, [c for line in draft.lines for c in line])}
    out = Draft()
    for i, line in enumerate(draft.lines):
        kept = [c for c in line if id(c) in verified]
        if kept:
            if i in draft.labels:
                out.labels[len(out.lines)] = draft.labels[i]
            out.lines.append(kept)
    return out


def render(question: str, profile: QuestionProfile, draft: Draft) -> Answer:
    en = profile.language == "en"
    citations = [c for line in draft.lines for c in line]
    titles = list(dict.fromkeys(c.title for c in citations))
    body = []
    for i, line in enumerate(draft.lines):
        first = line[0]
        prefix = "" if len(titles) == 1 else f"{first.title} (p. {first.page}): "
        if i in draft.labels:  # a cell or a definition, cited with its verbatim line
            body.append(f"- {draft.labels[i]} [{first.n}]")
        else:
            body.append("- " + prefix + " ".join(f"{c.quote} [{c.n}]" for c in line))
    return Answer(
        question=question,
        answer="\n".join([intro(titles, en), *body]),
        refused=False,
        citations=citations,
        language=profile.language,
    )


def intro(titles: list[str], english: bool) -> str:
    """ "Volgens <document>:" for one source, a neutral opener for several."""
    if len(titles) == 1:
        return (P.INTRO_EN if english else P.INTRO_NL).format(source=titles[0])
    return P.INTRO_MULTI_EN if english else P.INTRO_MULTI_NL


# A footnote mark glued to a word ("de zeven gemeenten1 en …"), and the note it points to.
_NOTE_MARK = re.compile(r"(?<=[^\W\d_]{3})(\d{1,2})(?=[\s,.;:)]|$)")
MAX_NOTE_WORDS = 60
# A note that only says where something comes from: a source, a link, a publication's title.
_REFERENCE = re.compile(r"^\d+\s+(bron|zie|source|see)\b|https?://|www\.|\(\D*\d{4}\)\.?$|^[^.!?]*[^.!?\s]$", re.I)


def counted_items(page: PageUnits | None, start: int, end: int) -> list[str]:
    """The headings a sentence of the span counts and the span does not already hold."""
    if page is None:
        return []
    return [normalise_ws(page.text[u.start : u.end]) for u in page.counted(start, end) if not start <= u.start < end]


def footnotes(page: PageUnits | None, start: int, end: int) -> list[str]:
    """The notes that the span's footnote marks point to, each quoted as its own text: a note
    is never glued to the sentence, but what it says (often the list the sentence counts) is
    shown with it."""
    if page is None:
        return []
    out: list[str] = []
    for mark in dict.fromkeys(_NOTE_MARK.findall(page.text[start:end])):
        note = next(
            (
                u
                for u in page.units
                if u.start >= end
                and u.kind != "heading"
                and page.text[u.start : u.end].startswith(f"{mark} ")
                and len(page.text[u.start : u.end].split()) <= MAX_NOTE_WORDS
            ),
            None,
        )
        if note is not None and not _REFERENCE.search(text := normalise_ws(page.text[note.start : note.end])):
            out.append(text)
    return out


def _continuation(p: Passage, page_text: str, end: int, index: SearchIndex) -> Citation | None:
    """A sentence cut off by the page end goes on at the top of the next page: cite that too,
    as its own page (a quote never spans two pages)."""
    quote_end = page_text[:end].rstrip()
    if page_text[end:].strip() or quote_end.endswith((".", "!", "?", ":", ";")):
        return None
    next_text = index.page_text(p.doc_id, p.page + 1)
    if not next_text:
        return None
    units = split_units(next_text[:1500], table=False)
    if not units:
        return None
    rest = normalise_ws(next_text[units[0][0] : units[0][1]])
    return Citation(n=0, file=p.file, doc_id=p.doc_id, title=p.title, page=p.page + 1, quote=rest, section=p.section)


def _without_repeats(draft: Draft) -> Draft:
    """Drop a line whose quotes an earlier line already shows (a sentence inside an extended span)."""
    out = Draft()
    for i, line in enumerate(draft.lines):
        shown = [c for k in out.lines for c in k]
        if i not in draft.labels and all(
            any(c.doc_id == o.doc_id and c.page == o.page and c.quote in o.quote for o in shown) for c in line
        ):
            continue
        if i in draft.labels:
            out.labels[len(out.lines)] = draft.labels[i]
        out.lines.append(line)
    return out
