"""The ``woonzorg`` command line in real subprocesses, against the session corpus index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.question.followups import retrieval_query
from assistant.retrieval.hybrid import HybridSearcher
from ingest.settings import Settings
from tests.conftest import CORPUS

WOONZORG = Path(sys.executable).parent / "woonzorg"
HANDREIKING = "handreiking-regionaal-afgestemde-woonzorgvisie.pdf"


def run_cli(*args: str, data_dir: Path, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WOONZORG_")}
    env["WOONZORG_DATA_DIR"] = str(data_dir)
    env["COLUMNS"] = "1000"  # Rich must not wrap messages we match on
    return subprocess.run(
        [str(WOONZORG), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_search_json(corpus_settings: Settings, tmp_path: Path) -> None:
    proc = run_cli(
        "search", "Expertteam Huisvesting Aandachtsgroepen", "--json", data_dir=corpus_settings.data_dir, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert isinstance(results, list) and len(results) == 5  # --k defaults to 5
    assert results[0]["file"] == HANDREIKING
    assert "Expertteam Huisvesting Aandachtsgroepen" in results[0]["text"]
    for r in results:
        assert set(r) >= {"file", "page", "section", "text", "score", "doc_id", "chunk_id"}
        assert isinstance(r["page"], int) and r["page"] >= 1
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_search_jsonl(corpus_settings: Settings, searcher: HybridSearcher, tmp_path: Path) -> None:
    first = "Hoeveel zorggeschikte woningen zijn er nodig in Zuid-Kennemerland?"
    follow_up = "En voor Beverwijk?"
    lines = [
        json.dumps({"id": "q1", "question": first}),
        json.dumps({"id": "q2", "question": "Wat doet het Expertteam Huisvesting Aandachtsgroepen?"}),
        '{"id": "q3", "question": "Welke maatregelen',  # malformed: cut off
        "",  # blank lines are ignored silently
        json.dumps({"id": "q4", "question": "Welke maatregelen neemt de regio Gooi en Vechtstreek?"}),
        json.dumps({"id": "q5", "question": follow_up, "context": "q1"}),
    ]
    questions = tmp_path / "vragen.jsonl"
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")

    proc = run_cli("search", "--jsonl", str(questions), data_dir=corpus_settings.data_dir, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out_lines = proc.stdout.splitlines()
    answers = [json.loads(line) for line in out_lines]  # every stdout line is one JSON object
    assert [a["id"] for a in answers] == ["q1", "q2", "q4", "q5"]
    for a in answers:
        assert set(a) == {"id", "results"}
        results = a["results"]
        assert len(results) >= 10
        for r in results:
            assert isinstance(r["file"], str) and r["file"].endswith(".pdf")
            assert isinstance(r["page"], int) and r["page"] >= 1
            assert isinstance(r["section"], str)
            assert isinstance(r["text"], str) and r["text"].strip()
            assert isinstance(r["score"], float)
        scores = [r["score"] for r in results]
        assert scores == sorted(scores, reverse=True), a["id"]

    # The malformed line is reported (with its line number) on stderr, not on stdout.
    assert "regel 3 overgeslagen" in proc.stderr
    assert "overgeslagen" not in proc.stdout
    assert proc.stderr.count("overgeslagen") == 1

    by_id = {a["id"]: a["results"] for a in answers}
    assert by_id["q2"][0]["file"] == HANDREIKING
    # The follow-up is searched together with the question it refers to ...
    expected = searcher.search(retrieval_query(follow_up, "q1", {"q1": (first, None)}), k=10)
    assert [r["chunk_id"] for r in by_id["q5"]] == [p.chunk_id for p in expected]
    # ... which is not what the bare follow-up would find.
    bare = searcher.search(follow_up, k=10)
    assert [r["chunk_id"] for r in by_id["q5"]] != [p.chunk_id for p in bare]


def test_documents_json(corpus_settings: Settings, tmp_path: Path) -> None:
    proc = run_cli("documents", "--json", data_dir=corpus_settings.data_dir, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    docs = json.loads(proc.stdout)
    assert len(docs) == 5
    assert {d["file"] for d in docs} == {p.name for p in CORPUS.glob("*.pdf")}
    for d in docs:
        assert d["status"] == "active"
        assert d["page_count"] >= 1 and d["chunk_count"] >= 1
        assert d["title"] and len(d["doc_id"]) == 16


def test_ingest_missing_path_exits_2(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    missing = tmp_path / "bestaat-niet.pdf"
    proc = run_cli("ingest", str(missing), data_dir=data_dir, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Niet gevonden" in proc.stderr and str(missing) in proc.stderr
    assert not data_dir.exists()  # nothing was created before giving up


@pytest.mark.parametrize(
    "args",
    [
        ["search"],  # neither a query nor --jsonl
        ["search", "wonen", "--jsonl", "vragen.jsonl"],  # both
    ],
)
def test_search_needs_exactly_one_of_query_or_jsonl(args: list[str], tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    proc = run_cli(*args, data_dir=data_dir, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Geef óf een vraag óf --jsonl" in proc.stderr
    assert proc.stdout == ""
    assert not data_dir.exists()


def test_search_rejects_unknown_mode(tmp_path: Path) -> None:
    proc = run_cli("search", "wonen", "--mode", "magic", data_dir=tmp_path / "data", cwd=tmp_path)
    assert proc.returncode == 2
    assert "--mode moet hybrid, bm25 of dense zijn" in proc.stderr


def test_ask_jsonl_answers_each_line_and_links_follow_ups(corpus_settings: Settings, tmp_path: Path) -> None:
    questions = tmp_path / "ask.jsonl"
    lines = [
        {"id": "t1", "question": "Hoeveel zorggeschikte woningen heeft Heemskerk nodig volgens Tabel Bijlage 4.12?"},
        {"id": "t2", "question": "En voor Beverwijk?", "context": "t1"},
        {"id": "t3", "question": "Hoeveel zorggeschikte woningen heeft de gemeente Utrecht tot 2030 nodig?"},
    ]
    questions.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    proc = run_cli("ask", "--jsonl", str(questions), data_dir=corpus_settings.data_dir, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["t1", "t2", "t3"]
    for r in rows:
        assert set(r) >= {"id", "question", "answer", "refused", "citations", "latency_ms"}
        assert isinstance(r["latency_ms"], float)
    assert not rows[0]["refused"] and not rows[1]["refused"] and rows[2]["refused"]
    assert "440" in rows[1]["answer"].replace(".", "")
    assert all({"file", "page", "quote"} <= set(c) for r in rows for c in r["citations"])


def test_ask_prints_sources(corpus_settings: Settings, tmp_path: Path) -> None:
    proc = run_cli("ask", "Wat is een nultredenwoning?", data_dir=corpus_settings.data_dir, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Bronnen" in proc.stdout and "p. 46" in proc.stdout


def test_terms_lists_looks_up_and_flags_differences(corpus_settings: Settings, tmp_path: Path) -> None:
    proc = run_cli("terms", "--json", data_dir=corpus_settings.data_dir, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) > 40
    keys = {"term", "definition", "file", "page", "scope", "aliases", "kind", "quote", "boxes", "conflicts"}
    assert all(set(r) == keys for r in rows)
    assert sum(1 for r in rows if r["boxes"]) >= 0.9 * len(rows)  # terms point at their place on the page
    proc = run_cli("terms", "nul-treden woning", "--json", data_dir=corpus_settings.data_dir, cwd=tmp_path)
    first = json.loads(proc.stdout)[0]
    assert first["term"] == "Nultredenwoningen" and first["page"] == 46
    proc = run_cli("terms", "geclusterd", data_dir=corpus_settings.data_dir, cwd=tmp_path)
    assert "Let op:" in proc.stdout and "12" in proc.stdout
    missing = run_cli("terms", "parkeervergunning", data_dir=corpus_settings.data_dir, cwd=tmp_path)
    assert missing.returncode == 1 and "Geen definitie" in missing.stderr


def test_compare_json_one_column_per_named_document(corpus_settings: Settings, tmp_path: Path) -> None:
    proc = run_cli(
        "compare",
        "geclusterd wonen",
        "--docs",
        "Gooi en Vechtstreek",
        "--docs",
        "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf",
        "--json",
        data_dir=corpus_settings.data_dir,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    table = json.loads(proc.stdout)
    assert table["topic"] == "geclusterd wonen"
    files = [c["file"] for c in table["columns"]]
    assert files == [
        "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf",
        "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf",
    ]
    for col in table["columns"]:
        assert col["found"] and col["citations"]
        assert all(c["file"] == col["file"] for c in col["citations"])


def test_compare_unknown_document_exits_2(corpus_settings: Settings, tmp_path: Path) -> None:
    proc = run_cli(
        "compare", "wonen", "--docs", "Maastricht", data_dir=corpus_settings.data_dir, cwd=tmp_path
    )
    assert proc.returncode == 2
    assert "Onbekend document: Maastricht" in proc.stderr


def test_documents_reports_structure_counts_and_record_commands(corpus_settings: Settings, tmp_path: Path) -> None:
    proc = run_cli("documents", "--json", data_dir=corpus_settings.data_dir, cwd=tmp_path)
    counts = {d["file"]: d["records"] for d in json.loads(proc.stdout)}
    assert counts["strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"]["maatregel"] == 29
    assert counts["regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"]["voorstel"] == 11
    assert counts["uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"]["phase"] >= 3
    voorstellen = json.loads(run_cli("voorstellen", "--json", data_dir=corpus_settings.data_dir, cwd=tmp_path).stdout)
    assert [v["nr"] for v in voorstellen] == list(range(1, 12))
    fasen = json.loads(run_cli("fasen", "--json", data_dir=corpus_settings.data_dir, cwd=tmp_path).stdout)
    assert {"Opstarten", "Borgen", "Bestendigen"} <= {f["phase"] for f in fasen}
