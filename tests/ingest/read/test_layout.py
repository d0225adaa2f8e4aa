"""Stored layouts: a span's boxes, one per line it touches, as the word-by-word merge gave them."""

from __future__ import annotations

import random

from ingest.read.layout import Box, StoredLayout


def _reference_boxes(layout: StoredLayout, start: int, end: int) -> list[Box]:
    """``StoredLayout.boxes`` as it was: a Box per word, merged with ``Box.union``."""
    out: list[Box] = []
    for w in sorted((w for w in layout.words if w[1] > start and w[0] < end), key=lambda w: w[0]):
        box = Box(w[2], w[3], w[4], w[5])
        if out and abs(box.y0 - out[-1].y0) < 0.5 * box.height and box.x0 >= out[-1].x0:
            out[-1] = out[-1].union(box)
        else:
            out.append(box)
    return out


def _layout(rng: random.Random) -> StoredLayout:
    """Words in lines (with jitter, two columns, an occasional tall word), in shuffled drawing order."""
    words: list[list[float]] = []
    pos = 0
    for line in range(30):
        x = 50.0 if line % 2 else 300.0
        for _ in range(rng.randrange(1, 9)):
            width, height = rng.uniform(10, 60), rng.choice([10.0, 10.0, 24.0])
            y = 40 + 14 * line + rng.uniform(-2, 2)
            words.append([pos, pos + 5, x, y, x + width, y + height, height, 0])
            x, pos = x + width + rng.uniform(2, 6), pos + 6
    rng.shuffle(words)
    return StoredLayout(1, 595.0, 842.0, words)


def test_boxes_merge_a_line_as_the_box_unions_did() -> None:
    rng = random.Random(7)
    for _ in range(40):
        layout = _layout(rng)
        for _ in range(25):
            start = rng.randrange(1200)
            end = start + rng.randrange(0, 600)
            assert layout.boxes(start, end) == _reference_boxes(layout, start, end)
    one_line = StoredLayout(1, 100.0, 100.0, [[0, 4, 10, 10, 30, 20, 10, 0], [5, 9, 35, 11, 60, 21, 10, 0]])
    assert one_line.boxes(0, 9) == [Box(10, 10, 60, 21)]
    assert one_line.scaled_boxes(0, 9) == [[0.1, 0.1, 0.6, 0.21]]
