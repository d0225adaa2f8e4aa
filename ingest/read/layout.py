"""What a read page is: words with their boxes, grouped into blocks, and the page text built from them.

One reading gives both the text and the positions: every word knows its ``[start, end)`` in
``PageLayout.text``, so any slice of the page text (a chunk, a quote, a record) maps back to
boxes on the page, and the page image can highlight exactly what was cited.

Coordinates are PDF points with the origin at the page's top-left corner (y grows downwards),
the way people and browsers think of a page; ``Box.scaled`` gives fractions of the page size
for drawing on a rendered image of any resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

BLOCK_KINDS = ("heading", "paragraph", "list", "table")


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float  # top
    x1: float
    y1: float  # bottom

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def union(self, other: Box) -> Box:
        return Box(min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1))

    def scaled(self, width: float, height: float) -> list[float]:
        """[x0, y0, x1, y1] as fractions of the page (0..1), rounded for storage."""
        return [
            round(self.x0 / width, 4),
            round(self.y0 / height, 4),
            round(self.x1 / width, 4),
            round(self.y1 / height, 4),
        ]

    def as_list(self) -> list[float]:
        return [round(self.x0, 1), round(self.y0, 1), round(self.x1, 1), round(self.y1, 1)]


def union_all(boxes: list[Box]) -> Box:
    return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes))


@dataclass
class Word:
    text: str
    box: Box
    size: float  # font size in points
    bold: bool = False
    italic: bool = False
    start: int = -1  # offsets in PageLayout.text, set when the text is built
    end: int = -1
    confidence: float | None = None  # OCR only (0–100)


@dataclass
class Line:
    """Words on one baseline that belong together (a gap wider than a few spaces splits a line)."""

    words: list[Word]  # never changed after the line is made: its box is computed once
    bullet: bool = False  # a drawn list bullet stands left of it

    @cached_property
    def box(self) -> Box:
        return union_all([w.box for w in self.words])

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def size(self) -> float:
        sizes = sorted(w.size for w in self.words)
        return sizes[len(sizes) // 2]

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words)


@dataclass
class Cell:
    lines: list[Line]
    column: int

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)

    @property
    def box(self) -> Box:
        return union_all([ln.box for ln in self.lines])

    @property
    def words(self) -> list[Word]:
        return [w for ln in self.lines for w in ln.words]

    @property
    def span(self) -> tuple[int, int]:
        ws = self.words
        return ws[0].start, ws[-1].end

    def bold_prefix(self) -> str:
        """The leading run of bold words ("M1 Programmering … woningen."), '' if the cell does not start bold."""
        out: list[str] = []
        for w in self.words:
            if not w.bold:
                break
            out.append(w.text)
        return " ".join(out) if len(out) < len(self.words) else ""


@dataclass
class Block:
    """A unit of the page as a reader sees it. ``lines`` in reading order; a table's in ``rows``."""

    kind: str  # one of BLOCK_KINDS
    lines: list[Line] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)  # tables: body rows, cells by column
    header: list[str] = field(default_factory=list)  # tables: column names ('' where none)
    items: list[list[Line]] = field(default_factory=list)  # lists: each item's lines
    page: int = 0
    continued: bool = False  # a table that carries on from the previous page

    @property
    def all_lines(self) -> list[Line]:
        if self.kind == "table":
            return [ln for row in self.rows for c in row for ln in c.lines] + self.lines
        return self.lines

    @property
    def words(self) -> list[Word]:
        return [w for ln in self.all_lines for w in ln.words]

    @property
    def box(self) -> Box:
        return union_all([ln.box for ln in self.all_lines])

    @property
    def span(self) -> tuple[int, int]:
        ws = sorted(self.words, key=lambda w: w.start)
        return ws[0].start, ws[-1].end

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


@dataclass
class PageLayout:
    page: int  # 1-based
    width: float
    height: float
    text: str  # the stored page text: lines in reading order, "\n" between lines
    words: list[Word]  # in the order the PDF draws them (content stream), offsets into ``text``
    blocks: list[Block]
    ocr: bool = False
    confidence: float | None = None  # mean OCR word confidence (0–100)
    rules: list[Box] = field(default_factory=list)  # drawn horizontal/vertical lines
    marks: list[Box] = field(default_factory=list)  # small drawn shapes (list bullets)

    def stored(self) -> StoredLayout:
        return StoredLayout.from_json(self.to_json())

    def to_json(self) -> dict[str, Any]:
        """Storage form: per word (in drawing order) its text offsets, box, size and style, and the
        ruling lines — enough to rebuild the blocks without the PDF (``StoredLayout.rebuild``)."""
        return {
            "page": self.page,
            "width": round(self.width, 1),
            "height": round(self.height, 1),
            "ocr": self.ocr,
            "confidence": self.confidence,
            "words": [
                [w.start, w.end, *w.box.as_list(), round(w.size, 1), int(w.bold) | int(w.italic) << 1]
                for w in self.words
            ],
            "rules": [r.as_list() for r in self.rules],
            "marks": [m.as_list() for m in self.marks],
        }


@dataclass
class StoredLayout:
    """A page's words as stored in the registry: maps text spans to boxes, and rebuilds blocks."""

    page: int
    width: float
    height: float
    words: list[list[float]]  # [start, end, x0, y0, x1, y1, size, flags] in drawing order
    rules: list[list[float]] = field(default_factory=list)
    ocr: bool = False
    confidence: float | None = None
    marks: list[list[float]] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoredLayout:
        return cls(
            int(data["page"]),
            float(data["width"]),
            float(data["height"]),
            data.get("words", []),
            data.get("rules", []),
            bool(data.get("ocr")),
            data.get("confidence"),
            data.get("marks", []),
        )

    def boxes(self, start: int, end: int) -> list[Box]:
        """Boxes covering ``text[start:end]``: one per line the span touches."""
        # Merged as plain [x0, y0, x1, y1] lists, a Box made once per line (not one per word and merge).
        lines: list[list[float]] = []
        for w in sorted((w for w in self.words if w[1] > start and w[0] < end), key=lambda w: w[0]):
            x0, y0, x1, y1 = w[2], w[3], w[4], w[5]
            if lines and abs(y0 - lines[-1][1]) < 0.5 * (y1 - y0) and x0 >= lines[-1][0]:
                last = lines[-1]
                lines[-1] = [min(last[0], x0), min(last[1], y0), max(last[2], x1), max(last[3], y1)]
            else:
                lines.append([x0, y0, x1, y1])
        return [Box(*line) for line in lines]

    def scaled_boxes(self, start: int, end: int) -> list[list[float]]:
        """Boxes of ``text[start:end]`` as [x0, y0, x1, y1] fractions of the page (top-left origin)."""
        return [b.scaled(self.width, self.height) for b in self.boxes(start, end)]

    def words_of(self, text: str) -> list[Word]:
        """The stored words as Word objects (drawing order), their text taken from the page text."""
        out = []
        for w in self.words:
            start, end = int(w[0]), int(w[1])
            flags = int(w[7]) if len(w) > 7 else 0
            size = float(w[6]) if len(w) > 6 else w[5] - w[3]
            out.append(Word(text[start:end], Box(w[2], w[3], w[4], w[5]), size, bool(flags & 1), bool(flags & 2)))
        return out
