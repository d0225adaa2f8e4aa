"""Evidence units of a page, from the blocks the reader found: what an answer may quote whole.

A sentence belongs to one paragraph, a list item to its list, a cell to its table row. Answers
built from these never glue a heading or a footnote to a sentence, never cut a list after its
first item, and show a table row with the column names it sits under. The blocks are rebuilt
from the words stored at ingest (deterministic, no PDF needed) and cached per page.
"""

from __future__ import annotations

import re
import statistics
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Protocol

from ingest.read.blocks import in_margin, link_tables
from ingest.read.chunking import split_units
from ingest.read.layout import Block, Line, PageLayout, StoredLayout
from ingest.read.pages import rebuild_layout
from ingest.text.analysis import count_value, number_word_pattern

# A whole list is quoted up to this length; a longer one up to the items that fit.
MAX_LIST_WORDS = 120
# Longer "sentences" are text without full stops (a table read as prose): cut at line ends.
MAX_SENTENCE_WORDS = 60
# Sentences that point back at the one before ("Dit …", "Daarnaast …", "Deze woningen zijn …"):
# on their own they do not say what they are about.
_REFERS_BACK = re.compile(
    r"^(Dit|Deze|Die|Dat|Daarnaast|Daarbij|Daarom|Daardoor|Hierbij|Hierdoor|Hiervoor|Hiermee|Ook|Verder|"
    r"Bovendien|Tevens|Zij|Ze|Het gaat (hier )?om|This|These|That|Also|Moreover|In addition)\b"
)


# A count of things the text goes on to name: "drie ambities", "4 speerpunten", "vijf nieuwe thema's".
_COUNTED = re.compile(rf"\b({number_word_pattern()}|\d{{1,2}})\s+(?:[a-zà-ÿ]+\s+)?[a-zà-ÿ'’]{{3,}}\b", re.I)
# Counts of this size are announced and then listed; a larger one is a quantity ("twintig woningen").
MIN_COUNTED, MAX_COUNTED = 2, 10
MAX_SENTENCES_BEFORE_ITEMS = 2  # "We hebben drie ambities. Ze vormen de basis voor …" then the items
MAX_LEAD_IN_WORDS = 40


def announced_count(sentence: str) -> int | None:
    """The count a lead-in sentence announces (2–10), if it has one; None otherwise."""
    if len(sentence.split()) > MAX_LEAD_IN_WORDS:
        return None
    for m in _COUNTED.finditer(sentence):
        n = count_value(m.group(1))
        if n is not None and MIN_COUNTED <= n <= MAX_COUNTED:
            return n
    return None


@dataclass(frozen=True)
class Unit:
    """A span of the page text that reads on its own. ``label``: how a table row reads with
    its column names ("Kolom: waarde; …"); the quote stays the row's verbatim text."""

    kind: str  # sentence | item | row | heading | raw (text without a reading: split as chunked)
    start: int
    end: int
    block: int  # index of its block on the page
    label: str | None = None


@dataclass
class PageUnits:
    text: str
    stored: StoredLayout
    units: list[Unit]  # in text order
    # block index → (start of the lead-in sentence or the list itself, end of the list)
    lists: dict[int, tuple[int, int]] = field(default_factory=dict)
    headings: list[tuple[int, str]] = field(default_factory=list)  # (offset, heading text)
    headers: dict[int, list[str]] = field(default_factory=dict)  # table block → its column names
    announces: dict[int, int] = field(default_factory=dict)  # lead-in sentence start → its list block
    styles: dict[int, tuple[float, bool]] = field(default_factory=dict)  # heading start → (size, bold)

    def within(self, start: int, end: int) -> list[Unit]:
        """The units that begin inside ``[start, end)`` (a passage's range)."""
        return [u for u in self.units if start <= u.start < end]

    def counted(self, start: int, end: int) -> list[Unit]:
        """The headings a sentence in ``[start, end)`` counts ("… hebben we drie ambities
        geformuleerd."), when exactly that many headings of one style follow it on the page
        before a heading of another style: items set as sub-headings, each over its own text."""
        for u in self.units:
            n = announced_count(self.text[u.start : u.end]) if u.kind == "sentence" and start <= u.start < end else None
            if n and (found := self._siblings(u, n)):
                return found
        return []

    def _siblings(self, lead: Unit, n: int) -> list[Unit]:
        heads: list[Unit] = []
        between = 0
        for u in self.units:
            if u.start < lead.end:
                continue
            if u.kind != "heading":
                between += not heads
                if between > MAX_SENTENCES_BEFORE_ITEMS:
                    return []  # the lead-in's paragraph went on about something else
                continue
            if heads and self.styles.get(u.start) != self.styles.get(heads[0].start):
                break  # a heading of another level: the counted ones are over
            heads.append(u)
        return heads if len(heads) == n else []

    def heading_at(self, pos: int) -> str:
        """The nearest heading above ``pos`` on this page ('' when none)."""
        found = ""
        for offset, text in self.headings:
            if offset > pos:
                break
            found = text
        return found

    def whole(self, unit: Unit) -> tuple[int, int]:
        """The span an answer quotes for ``unit``: a list with its lead-in and items, a sentence
        with the one it refers back to, a row as it is."""
        block = self.announces.get(unit.start) if unit.kind == "sentence" else None
        if block is not None:  # "… de volgende aspecten:": what it announces is the answer
            unit = next(u for u in self.units if u.block == block and u.kind == "item")
        if unit.kind == "item" and unit.block in self.lists:
            lead, end = self.lists[unit.block]
            if len(self.text[lead:end].split()) <= MAX_LIST_WORDS:
                return lead, end
            # Too long to show whole: the lead-in and the items up to and including this one.
            return lead, max(unit.end, self._fit(lead, end))
        start, end = self.read_alone(unit)
        return start, self.run_on(end) if unit.kind in ("sentence", "heading") else end

    def read_alone(self, unit: Unit) -> tuple[int, int]:
        """The unit's span, with the sentence before it when it refers back to that one."""
        if unit.kind == "sentence" and _REFERS_BACK.match(self.text[unit.start : unit.end]):
            before = [u for u in self.units if u.block == unit.block and u.end <= unit.start]
            if before:
                return before[-1].start, unit.end
        return unit.start, unit.end

    def extend(self, end: int, units: int, carry_on: re.Pattern[str]) -> int:
        """``end`` moved past the next ``units`` sentences of its own block, and past up to two
        more that carry on the same point (``carry_on``); never into the next block."""
        here = next((u for u in self.units if u.start < end <= u.end), None)
        if here is None:
            return end
        if here.kind == "heading":  # what a heading ("Stap 3 - De basis leggen") announces follows it
            ahead = []
            for u in self.units:
                if u.start >= end and u.kind == "heading":
                    break
                if u.start >= end and u.kind != "raw":
                    ahead.append(u)
        else:
            ahead = [u for u in self.units if u.block == here.block and u.start >= end]
        taken = min(max(units, 0), len(ahead))
        while taken < len(ahead) and taken < units + 2 and carry_on.match(self.text[ahead[taken].start :]):
            taken += 1
        if not taken:
            return self.run_on(end)
        last = ahead[taken - 1]
        return self.run_on(max(last.end, self.whole(last)[1]))  # an announced list comes along

    def run_on(self, end: int) -> int:
        """``end`` moved to where the sentence really ends: a heading or line the reader cut
        mid-sentence ("… Welke" / "onderwerpen moeten aan bod komen?") goes on in lower case."""
        while not self.text[:end].rstrip().endswith((".", "!", "?", ":", ";")):
            nxt = next((u for u in self.units if u.start >= end), None)
            if nxt is None or not self.text[nxt.start : nxt.start + 1].islower():
                break
            end = nxt.end
        return end

    def _fit(self, lead: int, end: int) -> int:
        """End of the last item of a list that still fits in ``MAX_LIST_WORDS``."""
        best = lead
        for u in self.units:
            if u.kind == "item" and lead < u.end <= end and len(self.text[lead : u.end].split()) <= MAX_LIST_WORDS:
                best = u.end
        return best


class _Pages(Protocol):
    """What the units need of an index: page texts and stored word boxes."""

    def page_text(self, doc_id: str, page: int) -> str | None: ...

    def stored_layout(self, doc_id: str, page: int) -> StoredLayout | None: ...

    def furniture(self, doc_id: str) -> frozenset[str]: ...


def build_units(layout: PageLayout, stored: StoredLayout, furniture: frozenset[str] = frozenset()) -> PageUnits:
    """``furniture``: the document's running header and footer lines, never units."""
    text = layout.text
    out = PageUnits(text, stored, [])
    prev_end_colon: tuple[int, int] | None = None  # (block index, start) of a sentence ending in ":"
    for i, block in enumerate(layout.blocks):
        if in_margin(block, layout, furniture):
            continue
        start, end = block.span
        if block.kind == "heading":
            out.headings.append((start, " ".join(text[start:end].split())))
            out.units.append(Unit("heading", start, end, i))
            out.styles[start] = _style(block.lines)
            prev_end_colon = None
            continue
        if block.kind == "table":
            out.headers[i] = list(block.header)
            out.units += _rows(block, i, text)
            prev_end_colon = None
            continue
        if block.kind == "list":
            items = [_span(lines) for lines in block.items] or [(start, end)]
            # An item that runs on for many sentences took the paragraphs after it: the item is
            # its first sentence, the list ends there, the rest reads as sentences.
            tail: list[tuple[int, int]] = []
            s0, e0 = items[-1]
            if len(text[s0:e0].split()) > MAX_SENTENCE_WORDS:
                pieces = [(s0 + a, s0 + b) for a, b in split_units(text[s0:e0], table=False)]
                if len(pieces) > 1:
                    items[-1], tail = pieces[0], pieces[1:]
            lead = items[0][0]
            before = _last_sentence(out, i - 1)
            counted = announced_count(text[before.start : before.end]) if before is not None else None
            if prev_end_colon and prev_end_colon[0] == i - 1:
                lead = prev_end_colon[1]
                out.announces[lead] = i
            elif before is not None and counted == len(items):
                lead = before.start  # "We werken aan vier speerpunten." and then four items
                out.announces[lead] = i
            out.lists[i] = (lead, items[-1][1])
            out.units += [Unit("item", s, e, i) for s, e in items]
            out.units += [Unit("sentence", s, e, i) for s, e in tail]
            prev_end_colon = None
            continue
        lines = [_span([ln]) for ln in block.lines if ln.words]
        if not _table_like(text, lines) and (titled := _plain_headings(block, text)):
            # Headings set in body type ("Zorggeschikte woningen" on a line of its own): the
            # sentences under each belong to it, never glued to it.
            for (s, e), is_heading in titled:
                if is_heading:
                    out.headings.append((s, " ".join(text[s:e].split())))
                    out.units.append(Unit("heading", s, e, i))
                    out.styles[s] = _style([ln for ln in block.lines if ln.words and s <= ln.words[0].start < e])
                else:
                    part = [(a, b) for a, b in lines if s <= a and b <= e]
                    out.units += [
                        Unit("sentence", a, b, i)
                        for x, y in split_units(text[s:e], table=False)
                        for a, b in _at_lines(text, (s + x, s + y), part)
                    ]
            last_unit = out.units[-1]
            ends_colon = last_unit.kind == "sentence" and text[last_unit.start : last_unit.end].rstrip().endswith(":")
            prev_end_colon = (i, last_unit.start) if ends_colon else None
            continue
        if _table_like(text, lines):
            # Columns the reader could not align into a table (numbers under numbers): neither
            # sentences nor rows; the candidates come from the passage text as it was chunked.
            out.units.append(Unit("raw", start, end, i))
            prev_end_colon = None
            continue
        sentences = [
            piece
            for s, e in split_units(text[start:end], table=False)
            for piece in _at_lines(text, (start + s, start + e), lines)
        ]
        out.units += [Unit("sentence", s, e, i) for s, e in sentences]
        last = sentences[-1] if sentences else None
        prev_end_colon = (i, last[0]) if last and text[last[0] : last[1]].rstrip().endswith(":") else None
    return out


def _style(lines: list[Line]) -> tuple[float, bool]:
    """A heading's type: its words' median size (to half a point) and whether all are bold."""
    words = [w for ln in lines for w in ln.words]
    if not words:
        return (0.0, False)
    return (round(statistics.median(w.size for w in words) * 2) / 2, all(w.bold for w in words))


def _last_sentence(out: PageUnits, block: int) -> Unit | None:
    last = out.units[-1] if out.units else None
    return last if last is not None and last.block == block and last.kind == "sentence" else None


# A heading in body type: a few words on a line of their own, no closing punctuation.
MAX_PLAIN_HEADING_WORDS = 6
_CLOSES = (".", ",", ";", ":", "!", "?", ")", "-", "–")


def _plain_headings(block: Block, text: str) -> list[tuple[tuple[int, int], bool]]:
    """The block cut at lines that read as headings: after a finished sentence (or at the top),
    short, narrower than half the block, unpunctuated, and followed by a line that starts a new
    sentence. Empty when the block has none (the common case)."""
    lines = [ln for ln in block.lines if ln.words]
    if len(lines) < 2:
        return []
    width = max(ln.box.x1 for ln in lines) - min(ln.box.x0 for ln in lines)
    cuts: list[int] = []
    for n, ln in enumerate(lines[:-1]):
        words = ln.text.split()
        after_sentence = n == 0 or lines[n - 1].text.rstrip().endswith((".", "!", "?", ":"))
        if (
            after_sentence
            and len(words) <= MAX_PLAIN_HEADING_WORDS
            and ln.box.width < 0.5 * width
            and not ln.text.rstrip().endswith(_CLOSES)
            and words[0][:1].isupper()
            and lines[n + 1].text[:1].isupper()
        ):
            cuts.append(n)
    if not cuts:
        return []
    out: list[tuple[tuple[int, int], bool]] = []
    start = 0
    for n in cuts:
        if n > start:
            out.append((_span(lines[start:n]), False))
        out.append((_span([lines[n]]), True))
        start = n + 1
    out.append((_span(lines[start:]), False))
    return out


def _table_like(text: str, lines: list[tuple[int, int]]) -> bool:
    """Many short lines, many of them numbers: a linearised table, not prose."""
    rows = [text[s:e] for s, e in lines]
    if len(rows) < 4:
        # A few numbers on their own ("520 412"): cells the reader could not place in a table.
        words = " ".join(rows).split()
        return 0 < len(words) <= 4 and sum(any(ch.isdigit() for ch in w) for w in words) >= len(words) / 2
    short = sum(len(r) <= 55 for r in rows) / len(rows)
    numeric = sum(sum(ch.isdigit() for ch in r) >= 2 for r in rows) / len(rows)
    ended = sum(r.rstrip().endswith((".", "?", "!")) for r in rows) / len(rows)
    return short >= 0.6 and (numeric >= 0.3 or ended < 0.1)


def _at_lines(text: str, span: tuple[int, int], lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A "sentence" longer than ``MAX_SENTENCE_WORDS`` (text without full stops) cut at line ends."""
    s, e = span
    if len(text[s:e].split()) <= MAX_SENTENCE_WORDS:
        return [span]
    out: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for ls, le in lines:
        if ls < s or le > e:
            continue
        if cur is not None and len(text[cur[0] : le].split()) > MAX_SENTENCE_WORDS:
            out.append(cur)
            cur = None
        cur = (cur[0] if cur else ls, le)
    if cur is not None:
        out.append(cur)
    return out or [span]


def _span(lines: list) -> tuple[int, int]:  # type: ignore[type-arg]
    words = [w for ln in lines for w in ln.words]
    return min(w.start for w in words), max(w.end for w in words)


def _rows(block: Block, index: int, text: str) -> list[Unit]:
    units: list[Unit] = []
    for row in block.rows:
        words = [w for c in row for ln in c.lines for w in ln.words]
        if not words:
            continue
        s, e = min(w.start for w in words), max(w.end for w in words)
        parts = []
        for cell in row:
            value = " ".join(" ".join(ln.text for ln in cell.lines).split())
            name = block.header[cell.column] if cell.column < len(block.header) else ""
            parts.append(f"{name}: {value}" if name and value else value)
        label = "; ".join(p for p in parts if p)
        units.append(Unit("row", s, e, index, label if any(block.header) else None))
    return units


class UnitCache:
    """Page units per (doc, page, page text), least recently used out. Thread-safe: requests of
    the service share it."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, int, str], PageUnits | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, pages: _Pages, doc_id: str, page: int) -> PageUnits | None:
        text = pages.page_text(doc_id, page)
        if not text:
            return None
        key = (doc_id, page, text)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        units = self._build(pages, doc_id, page, text)
        with self._lock:
            self._items[key] = units
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return units

    def _build(self, pages: _Pages, doc_id: str, page: int, text: str) -> PageUnits | None:
        stored = pages.stored_layout(doc_id, page)
        layout = rebuild_layout(stored, text) if stored is not None else None
        if layout is None or stored is None:
            return None  # stored before positions were read: the caller falls back to sentences
        repeated = pages.furniture(doc_id)
        first = next((b for b in layout.blocks if not in_margin(b, layout, repeated)), None)
        if first is not None and first.kind == "table" and not any(first.header) and page > 1:
            # A table that opens the page may carry on from the previous one: take its header.
            prev_text, prev_stored = pages.page_text(doc_id, page - 1), pages.stored_layout(doc_id, page - 1)
            prev = rebuild_layout(prev_stored, prev_text) if prev_text and prev_stored else None
            if prev is not None:
                link_tables([prev, layout], repeated)
        return build_units(layout, stored, repeated)


# One cache per process: keys hold the page text, so a re-read page never gets stale units, and
# access is checked by the index's ``page_text`` before any unit is returned.
UNITS = UnitCache()
