"""Feedback: stored through the API in the data dir, exported by ``woonzorg feedback``."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest

from assistant.service.feedback import FeedbackStore, feedback_path
from ingest.settings import Settings
from tests.assistant.cli.test_commands import run_cli


def test_round_trip_api_to_cli_export(api: httpx.Client, corpus_settings: Settings, tmp_path: Path) -> None:
    question = f"Wat zijn zorggeschikte woningen? ({uuid.uuid4()})"
    r = api.post(
        "/api/feedback",
        json={"question": question, "answer": "Zelfstandige woningen [1]", "rating": "down", "remark": " te kort "},
    )
    assert r.status_code == 201, r.text
    assert r.json()["detail"] == "Bedankt voor uw feedback."
    fid = r.json()["id"]
    assert api.post("/api/feedback", json={"question": question, "answer": "", "rating": "up"}).status_code == 201

    assert feedback_path(corpus_settings).is_file()
    proc = run_cli("feedback", "--json", data_dir=corpus_settings.data_dir, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    mine = [f for f in json.loads(proc.stdout) if f["question"] == question]
    assert [(f["id"], f["rating"], f["remark"], f["answer"]) for f in mine] == [
        (fid, "down", "te kort", "Zelfstandige woningen [1]"),
        (fid + 1, "up", "", ""),
    ]
    assert all(f["created_at"] > 1.7e9 for f in mine)

    table = run_cli("feedback", data_dir=corpus_settings.data_dir, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert question in table.stdout and "te kort" in table.stdout


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"question": "q", "answer": "a", "rating": "meh"}, "rating"),
        ({"question": "q", "answer": "a"}, "rating"),
        ({"question": "", "answer": "a", "rating": "up"}, "question"),
        ({"question": "q", "answer": "a", "rating": "up", "remark": "x" * 2001}, "remark"),
    ],
)
def test_invalid_feedback_is_a_dutch_422(api: httpx.Client, body: dict[str, str], field: str) -> None:
    r = api.post("/api/feedback", json=body)
    assert r.status_code == 422
    assert r.json()["detail"].startswith("Ongeldige aanvraag") and f"'{field}'" in r.json()["detail"]


def test_store_keeps_order_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "feedback.sqlite"
    store = FeedbackStore(path)
    assert store.all() == []
    a = store.add("v1", "a1", "up")
    b = store.add("v2", "a2", "down", "mist de bron")
    again = FeedbackStore(path).all()
    assert [(f.id, f.question, f.rating, f.remark) for f in again] == [
        (a, "v1", "up", ""),
        (b, "v2", "down", "mist de bron"),
    ]


def test_empty_export(tmp_path: Path) -> None:
    proc = run_cli("feedback", "--json", data_dir=tmp_path / "leeg", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []
