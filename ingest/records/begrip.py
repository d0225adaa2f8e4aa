"""Begrippen from any layout: glossary tables (``Begrip | Omschrijving``, or two columns of a short
term beside a longer text), "• Term: omschrijving" items and bold run-in terms, plus the
definition sentences the text-based extractor finds ("Onder X verstaan we …", "X zijn …").

Terms defined differently in two documents are flagged by ``conflicts`` when their definitions
disagree in a number (200 m vs 500 m, 2 cm vs 4 cm); other wording differences are not conflicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.read.chunking import dehyphenate
from ingest.read.layout import Block, Cell, Line
from ingest.records.base import ReadDocument, register
from ingest.records.begrippen import Begrip, _numbers, extract_begrippen, singular_plural
from ingest.records.labels import definition_column, field_for
from ingest.text.analysis import fold
from prompts import records as R

_BULLET = re.compile(r"^(?:[•▪◦●■□➢►▶✓✔\-–—*·]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s*")
_ACRONYM = re.compile(r"^(?:[A-Z][A-Za-z]{1,3}|[A-Z][A-Za-z]*[A-Z][A-Za-z]*)$")


def _clean(text: str) -> str:
    return " ".join(dehyphenate(text).split()).strip(" :;")


def _is_term(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 6 and len(text) <= 60 and not text.endswith((".", ",")) and text[:1].isalpha()


def _row_span(cells: list[Cell]) -> tuple[int, int]:
    return min(c.span[0] for c in cells), max(c.span[1] for c in cells)


def _glossary_columns(block: Block) -> tuple[int, int] | None:
    """(term column, definition column) of a table that is a glossary, else None."""
    if block.header:
        kinds = {k: definition_column(h) for k, h in enumerate(block.header) if h}
        term = next((k for k, v in kinds.items() if v == "term"), None)
        definition = next((k for k, v in kinds.items() if v == "definition"), None)
        if term is not None and definition is not None:
            return term, definition
        if any(field_for(h) for h in block.header if h) and not kinds:
            return None
    two = [r for r in block.rows if len(r) == 2]
    if len(two) < 2 or len(two) < 0.8 * len(block.rows):
        return None
    left = [r[0].text for r in two]
    right = [r[1].text for r in two]
    if not all(_is_term(t) for t in left):
        return None
    # "Maatregel L-1", "Actie 2": numbered entries of a list, not terms.
    if sum(1 for t in left if re.search(r"\d", t)) >= 0.6 * len(left):
        return None
    long_ = sum(1 for t in right if len(t.split()) >= 6)
    acronyms = sum(1 for t in left if _ACRONYM.match(t))
    if long_ >= 0.6 * len(two) or acronyms >= 0.6 * len(two):
        return 0, 1
    return None


def _from_table(doc: ReadDocument, block: Block) -> list[Begrip]:
    cols = _glossary_columns(block)
    if cols is None:
        return []
    out: list[Begrip] = []
    doc.pages[block.page - 1]
    for row in block.rows:
        cells = {c.column: c for c in row}
        if cols[0] not in cells or cols[1] not in cells:
            continue
        term, definition = _clean(cells[cols[0]].text), _clean(cells[cols[1]].text)
        if not _is_term(term) or not definition:
            continue
        start, end = _row_span([cells[cols[0]], cells[cols[1]]])
        acronym = bool(_ACRONYM.match(term)) and len(term) <= 6
        kind = "afkorting" if acronym and len(definition.split()) <= 8 else "begrippenlijst"
        out.append(_begrip(doc, term, definition, kind, block.page, start, end))
    return out


def _begrip(doc: ReadDocument, term: str, definition: str, kind: str, page: int, start: int, end: int) -> Begrip:
    aliases = [] if kind == "afkorting" else [a for a in singular_plural(term) if a != term]
    return Begrip(
        term=term,
        definition=definition,
        file=doc.file,
        page=page,
        scope=doc.title,
        aliases=aliases,
        kind=kind,
        quote=doc.pages[page - 1][start:end],
        boxes=doc.boxes(page, start, end),
    )


@dataclass
class _Entry:
    page: int
    lines: list[Line]


def _run_in(doc: ReadDocument, entry: _Entry) -> Begrip | None:
    """ "• Term: definitie …" or a bold "Term:" run-in: the term is short, ends in a colon, is
    bold or follows a bullet, and is not a label of a measure (Trekker:, Planning: …)."""
    words = [w for ln in entry.lines for w in ln.words]
    text = " ".join(w.text for w in words)
    written = _BULLET.match(text)
    body = text[written.end() :] if written else text
    bullet = bool(written) or entry.lines[0].bullet  # a "•" in the text, or one drawn beside it
    colon = body.find(":")
    if colon <= 0:
        return None
    term = body[:colon].strip()
    if not _is_term(term) or field_for(term) or (not term[:1].isupper() and not bullet):
        return None
    lead = [w for w in words if not _BULLET.fullmatch(w.text)]
    bold_term = bool(lead) and lead[0].bold
    if not (bullet or bold_term):
        return None
    definition = _clean(body[colon + 1 :])
    if len(definition.split()) < 3:
        return None
    start, end = words[0].start, words[-1].end
    return _begrip(doc, _clean(term), definition, "begrippenlijst", entry.page, start, end)


def _entries(doc: ReadDocument) -> list[_Entry]:
    out: list[_Entry] = []
    for block in doc.blocks(body_only=True):
        if block.kind == "list":
            out += [_Entry(block.page, item) for item in block.items]
        elif block.kind == "paragraph":
            out.append(_Entry(block.page, block.lines))
    return out


class BegripKind:
    name = "begrip"

    def extract(self, doc: ReadDocument) -> list[Begrip]:
        found: list[Begrip] = []
        for block in doc.blocks():
            if block.kind == "table":
                found += _from_table(doc, block)
        # A glossary is a run of entries: a lone "Onderwerp: …" line is a label, not a term.
        run: list[Begrip] = []
        for entry in [*_entries(doc), None]:
            b = _run_in(doc, entry) if entry is not None else None
            if b is not None:
                run.append(b)
                continue
            if len(run) >= 2:
                found += run
            run = []
        taken = {(b.page, fold(b.term)) for b in found}
        sentences = [
            b for b in extract_begrippen(doc.pages, doc.file, doc.title) if (b.page, fold(b.term)) not in taken
        ]
        return found + doc.placed(sentences)

    def check(self, doc: ReadDocument, records: list[Begrip]) -> list[str]:
        return []


def term_key(term: str) -> str:
    key = fold(re.sub(r"\(.*?\)", " ", term))
    key = re.sub(r"[^a-z0-9 ]+", " ", key)
    key = " ".join(key.split())
    return re.sub(r"(?:en|s)$", "", key)  # "geclusterde woonvormen" = "geclusterde woonvorm"


def conflicts(begrippen: list[Begrip]) -> list[dict[str, object]]:
    """Terms that two documents define with different numbers: one entry per pair."""
    groups: dict[str, list[Begrip]] = {}
    for b in begrippen:
        if b.kind != "afkorting":
            groups.setdefault(term_key(b.term), []).append(b)
    out: list[dict[str, object]] = []
    for key, items in groups.items():
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if a.file == b.file:
                    continue
                na, nb = _numbers(a.definition), _numbers(b.definition)
                only_a = [na[n] for n in na if n not in nb]
                only_b = [nb[n] for n in nb if n not in na]
                if not (only_a or only_b):
                    continue
                out.append(
                    {
                        "term": a.term,
                        "key": key,
                        "a": {"file": a.file, "page": a.page, "definition": a.definition, "numbers": only_a},
                        "b": {"file": b.file, "page": b.page, "definition": b.definition, "numbers": only_b},
                        "note": R.NUMBERS_DIFFER_NL.format(
                            term_a=a.term,
                            file_a=a.file,
                            page_a=a.page,
                            term_b=b.term,
                            file_b=b.file,
                            page_b=b.page,
                            a=", ".join(only_a) or R.NO_NUMBERS_NL,
                            b=", ".join(only_b) or R.NO_NUMBERS_NL,
                        ),
                    }
                )
    return out


register(BegripKind())
