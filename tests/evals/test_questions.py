"""Question files in either format load into one shape (dev `sources` rows and realdocs rows)."""

from __future__ import annotations

import json
from pathlib import Path

from evals.retrieval_recall import load_questions


def test_both_question_formats_load_into_one_shape(tmp_path: Path) -> None:
    rows = [
        {
            "id": "a",
            "question": "Wat?",
            "type": "definition",
            "must_contain": ["x"],
            "sources": [{"doc": "d.pdf", "page": 3, "quote": "x"}],
        },
        {
            "id": "b",
            "question": "Wie?",
            "must_contain": ["y"],
            "doc": "e.pdf",
            "page": "4",
            "quote": "y y",
            "answerable": True,
        },
        {"id": "c", "question": "Hoeveel?", "must_contain": [], "doc": None, "page": None, "answerable": False},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    a, b, c = load_questions(path)
    assert a["sources"] == rows[0]["sources"] and a["type"] == "definition"
    assert b["sources"] == [{"doc": "e.pdf", "page": 4, "quote": "y y"}] and b["type"] == "?"
    assert c["type"] == "unanswerable" and c["sources"] == []
