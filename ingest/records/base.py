"""The one interface every record kind implements, and the document it reads from.

A record kind is a plug-in: a module in ``ingest/records/`` with an object that has a ``name``
(the registry's kind, e.g. ``"maatregel"``), ``extract(doc) -> list[record]`` and
``check(doc, records) -> list[str]`` (Dutch warnings from the document's own self-checks). The
pipeline loops over ``registered()``; nothing else lists the kinds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, is_dataclass
from functools import cached_property
from typing import Any, Protocol, TypeVar

from ingest.read.blocks import in_margin
from ingest.read.layout import Block, PageLayout, StoredLayout
from ingest.read.structure import furniture


class _Quoted(Protocol):
    page: int
    quote: str
    boxes: list[list[float]]


R = TypeVar("R", bound=_Quoted)


@dataclass
class ReadDocument:
    """A document as the record kinds see it: page texts and, when read from the PDF, layouts."""

    file: str
    title: str
    pages: list[str]  # the stored page texts (PageLayout.text when layouts are present)
    layouts: list[PageLayout] | None = None  # None: only the stored text is available
    _stored: dict[int, StoredLayout] = field(default_factory=dict, init=False, repr=False)

    def blocks(self, body_only: bool = False) -> list[Block]:
        """Every block in reading order; ``body_only`` leaves out running headers and footers."""
        if not body_only:
            return [b for lay in self.layouts or [] for b in lay.blocks]
        return [b for lay in self.layouts or [] for b in lay.blocks if not in_margin(b, lay, self.furniture)]

    @cached_property
    def furniture(self) -> frozenset[str]:
        """The running header and footer lines (record kinds ask for body blocks many times)."""
        return furniture(self.pages)

    def boxes(self, page: int, start: int, end: int) -> list[list[float]]:
        """Boxes of ``pages[page-1][start:end]`` as page fractions ([] without a layout)."""
        if not self.layouts or not 1 <= page <= len(self.layouts):
            return []
        # One storage form per page, made once: records ask for boxes many times per page.
        if page not in self._stored:
            self._stored[page] = self.layouts[page - 1].stored()
        return self._stored[page].scaled_boxes(start, end)

    def placed(self, records: list[R]) -> list[R]:
        """Records found in the text alone (page + verbatim quote), given the boxes of their quote."""
        for r in records:
            r.boxes = self.locate(r.page, r.quote)
        return records

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
