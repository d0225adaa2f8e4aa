"""The one interface every record kind implements, and the document it reads from.

A record kind is a plug-in: a module in ``ingest/records/`` with an object that has a ``name``
(the registry's kind, e.g. ``"maatregel"``), ``extract(doc) -> list[record]`` and
``check(doc, records) -> list[str]`` (Dutch warnings from the document's own self-checks). The
pipeline loops over ``registered()``; nothing else lists the kinds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, is_dataclass
from typing import Any, Protocol

from ingest.read.blocks import in_margin
from ingest.read.layout import Block, PageLayout


@dataclass
class ReadDocument:
    """A document as the record kinds see it: page texts and, when read from the PDF, layouts."""

    file: str
    title: str
    pages: list[str]  # the stored page texts (PageLayout.text when layouts are present)
    layouts: list[PageLayout] | None = None  # None: only the stored text is available

    def blocks(self, body_only: bool = False) -> list[Block]:
        """Every block in reading order; ``body_only`` leaves out running headers and footers."""
        return [b for lay in self.layouts or [] for b in lay.blocks if not (body_only and in_margin(b, lay))]

    def boxes(self, page: int, start: int, end: int) -> list[list[float]]:
        """Boxes of ``pages[page-1][start:end]`` as page fractions ([] without a layout)."""
        if not self.layouts or not 1 <= page <= len(self.layouts):
            return []
        return self.layouts[page - 1].stored().scaled_boxes(start, end)

    def locate(self, page: int, quote: str) -> list[list[float]]:
        """Boxes of a verbatim quote on ``page`` ([] when it is not found there)."""
        if not quote or not 1 <= page <= len(self.pages):
            return []
        at = self.pages[page - 1].find(quote)
        return self.boxes(page, at, at + len(quote)) if at >= 0 else []


class RecordKind(Protocol):
    name: str

    def extract(self, doc: ReadDocument) -> list[Any]: ...

    def check(self, doc: ReadDocument, records: list[Any]) -> list[str]: ...


_KINDS: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    _KINDS[kind.name] = kind
    return kind


def registered() -> list[RecordKind]:
    return list(_KINDS.values())


def as_dict(record: Any) -> dict[str, Any]:
    return asdict(record) if is_dataclass(record) and not isinstance(record, type) else dict(record)
