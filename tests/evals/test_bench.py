"""The benchmark's plumbing on a tiny corpus (hash vectors, no model): JSON shape and report files.

Not a timing test: it asserts what is reported, never how fast.
"""

from __future__ import annotations

import json
from pathlib import Path

from pypdf import PdfReader

from evals.bench import run_bench
from evals.bench_report import write_bench_report
from evals.scaled_corpus import ScaledCorpus
from tests.conftest import CORPUS, DEV_QUESTIONS


def test_copies_differ_from_their_original_but_keep_its_pages(tmp_path: Path) -> None:
    pool = ScaledCorpus(CORPUS, tmp_path / "pool")
    files = pool.select(130)  # the five originals (112 pages) and the first copy
    copies = [f for f in files if f.copy == 1]
    assert copies and all(f.file not in {o["file"] for o in pool.originals} for f in copies)
    manifest = json.loads((tmp_path / "pool" / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["documents"] if e["file"] == copies[0].file)
    original = pool.originals[0]
    assert entry["document_type"] == original["document_type"]
    first = copies[0]
    copy_pages = [p.extract_text() for p in PdfReader(tmp_path / "pool" / first.file).pages]
    orig_pages = [p.extract_text() for p in PdfReader(CORPUS / original["file"]).pages]
    assert len(copy_pages) == len(orig_pages) == first.pages
    assert copy_pages != orig_pages  # else ingest would collapse it into an alias


def test_bench_reports_every_measure(tmp_path: Path) -> None:
    result = run_bench(
        [20],
        DEV_QUESTIONS,
        tmp_path / "work",
        corpus_dir=CORPUS,
        cold_pages=5,
        rounds=1,
        max_questions=3,
        fake_embedder=True,
        log=lambda _msg: None,
    )
    json.dumps(result)  # serialisable as --json writes it
    for run in (result["cold_ingest"], result["warm_ingest"]):
        assert {"pages", "chunks", "embedded", "seconds", "pages_per_s", "chunks_per_s", "embeddings_per_s"} <= set(run)
        assert run["pages"] == 5 and not run["rejected"]
    assert result["warm_ingest"]["embedded"] == 0  # the cache served every vector
    (point,) = result["points"]
    assert point["measured"] and point["pages"] >= 20
    assert {"warm_cache_pages_per_s", "cold_estimate_pages_per_s", "derived"} <= set(point["ingest_step"])
    assert point["disk_mb"]["total"] > 0 and point["memory"]["index_loaded_mb"] > 0
    for key in ("ask_ms", "search_ms"):
        assert set(point[key]) == {"p50", "p95", "p99", "n"} and point[key]["n"] == 3
    assert "correctness" in point["quality"] and point["profile"]
    assert point["baseline"]["ask_ms"]["n"] == 3 and "correctness" in point["baseline"]["quality"]
    report = write_bench_report(result, tmp_path / "report")
    assert "## Goals" in report.read_text(encoding="utf-8")
    assert (tmp_path / "report" / "bench.png").stat().st_size > 0
