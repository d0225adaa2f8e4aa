"""Maatregelen from any layout: tables whose headers name the measure fields, and label–value
units ("Trekker: …", "Wanneer: …") in paragraphs, list items, cards and definition lists.

Which column or label is which comes from ``labels.field_for`` (synonyms + similarity), never
from one document's words. Ids are taken as the document writes them at the start of the
measure ("M7", "2b", "4.2", "L-1", "Actie 3"): the id is the token, ``id_label`` keeps the word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.read.chunking import dehyphenate
from ingest.read.layout import Block, Cell, Line
from ingest.records.base import ReadDocument, register
from ingest.records.labels import ACTION_FIELDS, field_for
from ingest.records.maatregelen import Maatregel, check_counts, expected_counts, parse_maatregelen
from prompts import records as R

_ID = re.compile(
    r"^(?P<label>(?:(?P<word>actie(?:punt)?|maatregel|project|nr\.?|nummer|activiteit)\s+)?"
    r"(?P<id>[A-Z]{1,3}[-.]?\d{1,3}[a-z]?|\d{1,2}(?:\.\d{1,2}){0,2}[a-z]?|[a-z](?=\)))[.):]?)(?=\s|$)",
    re.IGNORECASE,
)
# "Label: value" where the label starts the unit, a line, or follows a sentence or a semicolon.
_LABEL = re.compile(r"(?:^|(?<=[.;!?])[ \t]+|(?<=\n)|(?<=;))(?P<label>[A-Za-zÀ-ÿ][\wÀ-ÿ/ -]{1,30}?)[ \t]*:[ \t\n]+")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZÀ-Ý])")


def _clean(text: str) -> str:
    return " ".join(dehyphenate(text).split()).strip(" .;,")


def _lines_text(lines: list[Line]) -> str:
    return "\n".join(ln.text for ln in lines)  # line breaks kept, so a word broken over them is joined


def _split_parties(text: str) -> list[str]:
    parts = re.split(r",\s*|;\s*|\s+en\s+(?=[A-ZÀ-Ý])", _clean(text))
    return [p.strip() for p in parts if p.strip()]


@dataclass
class _Unit:
    """A stretch of one page that may hold one measure: its lines and where they are."""

    page: int
    lines: list[Line]
    lead: list[Line]  # what comes first visually (an id cell of a definition list row), else []
    heading: str

    @property
    def span(self) -> tuple[int, int]:
        words = sorted((w for ln in self.lead + self.lines for w in ln.words), key=lambda w: w.start)
        return words[0].start, words[-1].end


def _id_of(text: str) -> tuple[str, str]:
    """(id, id as printed) from the start of a measure's text, or ('', '')."""
    m = _ID.match(text.strip())
    if not m:
        return "", ""
    ident = m.group("id")
    if re.fullmatch(r"(?:19|20)\d\d", ident):
        return "", ""
    return ident, m.group("label").rstrip(".):")


def _bold_title(lines: list[Line]) -> str:
    out: list[str] = []
    for w in (w for ln in lines for w in ln.words):
        if not w.bold:
            break
        out.append(w.text)
    return " ".join(out)


def _title_and_text(lines: list[Line], ident_label: str) -> tuple[str, str]:
    """The printed title (bold run, else the first sentence) and the measure text without the id."""
    text = _clean("\n".join(ln.text for ln in lines))
    if ident_label and text.startswith(ident_label):
        text = text[len(ident_label) :].lstrip(" .):")
    bold = _clean(_bold_title(lines))
    if ident_label and bold.startswith(ident_label):
        bold = bold[len(ident_label) :].lstrip(" .):")
    if bold and text.startswith(bold) and len(bold) < len(text):
        return bold.rstrip("."), text
    m = _SENTENCE_END.search(text)
    return (text[: m.start()] if m and m.start() < 160 else ""), text


def _record(
    doc: ReadDocument,
    page: int,
    span: tuple[int, int],
    ident: str,
    label: str,
    heading: str,
    doel: str,
    text: str,
    titel: str,
    values: dict[str, str],
) -> Maatregel:
    """One measure from its place on the page and its field values (however they were found)."""
    start, end = span
    return Maatregel(
        id=ident,
        actielijn=heading,
        doel_nr=0,
        doel=doel,
        maatregel=text,
        status=values.get("status", ""),
        tijdspad=values.get("tijdspad", ""),
        betrokken=_split_parties(values.get("betrokken", "")),
        trekker=values.get("trekker", ""),
        file=doc.file,
        page=page,
        quote=doc.pages[page - 1][start:end],
        titel=titel,
        id_label=label if label != ident else "",
        boxes=doc.boxes(page, start, end),
    )


# --------------------------------------------------------------------------- tables with headers


def _from_table(doc: ReadDocument, block: Block, heading: str) -> list[Maatregel]:
    fields = {k: f for k, h in enumerate(block.header) if h and (f := field_for(h))}
    if not any(f in ACTION_FIELDS for f in fields.values()):
        return []
    measure_col = next((k for k, f in fields.items() if f == "maatregel"), None)
    if measure_col is None:
        measure_col = next((k for k in range(len(block.header)) if k not in fields), 0)
    out: list[Maatregel] = []
    doel = ""
    for row in block.rows:
        cells: dict[int, Cell] = {c.column: c for c in row}
        values = {f: _clean(_lines_text(cells[k].lines)) for k, f in fields.items() if k in cells and k != measure_col}
        main = cells.get(measure_col)
        if main is None or not any(values.get(f) for f in ACTION_FIELDS):
            continue
        doel = values.get("doel") or doel  # a doel cell spans the rows under it
        ident, label = (values.get("id", ""), "") if values.get("id") else _id_of(main.text)
        titel, text = _title_and_text(main.lines, label or ident)
        start = min(c.span[0] for c in row)
        end = max(c.span[1] for c in row)
        out.append(_record(doc, block.page, (start, end), ident, label, heading, doel, text, titel, values))
    return out


# --------------------------------------------------------------------------- label–value units


def _labels(text: str) -> list[tuple[str, int, int]]:
    """(field, label start, value start) of every label in ``text`` that names a measure field."""
    found = []
    for m in _LABEL.finditer(text):
        field = field_for(m.group("label"))
        if field in (*ACTION_FIELDS, "status", "budget", "doel"):
            found.append((field, m.start("label"), m.end()))
    return found


def _from_unit(doc: ReadDocument, unit: _Unit) -> Maatregel | None:
    start, end = unit.span
    page_text = doc.pages[unit.page - 1]
    body_start = min(w.start for ln in unit.lines for w in ln.words)
    body = page_text[body_start:end]
    labels = _labels(body)
    kinds = {f for f, _, _ in labels}
    lead_text = _clean(" ".join(ln.text for ln in unit.lead))
    ident, label = _id_of(lead_text) if lead_text else _id_of(body)
    if len(kinds & set(ACTION_FIELDS)) < 2 and not (kinds & set(ACTION_FIELDS) and label and label != ident):
        return None
    values: dict[str, str] = {}
    for i, (field, _, vstart) in enumerate(labels):
        vend = labels[i + 1][1] if i + 1 < len(labels) else len(body)
        value = body[vstart:vend]
        if field in ("trekker", "tijdspad") and (m := _SENTENCE_END.search(value)):
            value = value[: m.start()]
        values.setdefault(field, _clean(value))
    first_label = labels[0][1] if labels else len(body)
    head_lines = [ln for ln in unit.lines if ln.words[0].start < body_start + first_label]
    titel, text = _title_and_text(head_lines, "" if lead_text else (label or ident))
    text = text if text else _clean(body[:first_label])
    if not lead_text and (label or ident) and text.startswith(label or ident):
        text = text[len(label or ident) :].lstrip(" .")
    doel, text = values.get("doel", ""), _cut_labels(text)
    return _record(doc, unit.page, (start, end), ident, label, unit.heading, doel, text, titel, values)


def _cut_labels(text: str) -> str:
    labels = _labels(text)
    return text[: labels[0][1]].strip(" .;") if labels else text


def _units(doc: ReadDocument) -> list[_Unit]:
    """Paragraphs, list items and the rows of tables without measure headers, in reading order;
    a unit that carries on after a column or page break (labels but no id, after one with an id
    and no labels) is joined to the one before."""
    units: list[_Unit] = []
    heading = ""
    for block in doc.blocks(body_only=True):
        if block.kind == "heading":
            heading = _clean(block.text)
            if _id_of(heading)[1] != _id_of(heading)[0]:
                # "Project 7: Buurtkamer": a card's title with its id, followed by its text and labels.
                units.append(_Unit(block.page, block.lines, [], heading))
            continue
        if block.kind == "table":
            if any(field_for(h) in ACTION_FIELDS for h in block.header if h):
                continue
            for row in block.rows:
                cells = sorted(row, key=lambda c: c.column)
                lead = cells[0].lines if len(cells) > 1 and len(cells[0].text) <= 40 else []
                rest = [ln for c in (cells[1:] if lead else cells) for ln in c.lines]
                if rest:
                    units.append(_Unit(block.page, rest, lead, heading))
            continue
        groups = block.items if block.kind == "list" and block.items else [block.lines]
        for lines in groups:
            units.append(_Unit(block.page, lines, [], heading))
    merged: list[_Unit] = []
    parts = 0
    for u in units:
        prev = merged[-1] if merged else None
        text = _lines_text(u.lines)
        # A unit that opens with an id takes the next few blocks without an id (its description, a
        # label line after a column or card break) until it has its labels.
        if (
            prev is not None
            and not prev.lead
            and not u.lead
            and parts < 4
            and not _id_of(text)[0]
            and _id_of(_lines_text(prev.lines))[0]
            and not _labels(_lines_text(prev.lines))
            and prev.page == u.page
        ):
            prev.lines = prev.lines + u.lines
            parts += 1
            continue
        merged.append(u)
        parts = 1
    return merged


class MaatregelKind:
    name = "maatregel"

    def extract(self, doc: ReadDocument) -> list[Maatregel]:
        found: list[Maatregel] = []
        if doc.layouts:
            heading = ""
            for block in doc.blocks():
                if block.kind == "heading":
                    heading = _clean(block.text)
                elif block.kind == "table":
                    found += _from_table(doc, block, heading)
            for unit in _units(doc):
                if (m := _from_unit(doc, unit)) is not None:
                    found.append(m)
        return found or doc.placed(parse_maatregelen(doc.pages, doc.file))

    def check(self, doc: ReadDocument, records: list[Maatregel]) -> list[str]:
        expected = expected_counts(doc.pages)
        if not records and not (expected and "maatregelen" in expected):
            return []
        if records and not any(r.doel_nr for r in records) and expected:
            expected = {k: v for k, v in expected.items() if k == "maatregelen"}
        return [R.MEASURES_CHECK_NL.format(problem=m) for m in check_counts(records, expected)]


register(MaatregelKind())
