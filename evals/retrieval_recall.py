"""Page-level retrieval recall for a question file: BM25 only, dense only and hybrid.

    python -m evals.retrieval_recall ../shared/evals/dev_questions.jsonl --out evals/reports/retrieval.md

Uses only the assistant's public search API. A question counts as found at k when
any of its gold (file, page) pairs is among the first k distinct pages returned.
Follow-ups (``context``) are searched with the turn they follow, as the CLI does.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import Assistant, SearchMode, Settings, retrieval_query

MODES: tuple[SearchMode, ...] = ("hybrid", "bm25", "dense")


@dataclass
class ModeResult:
    mode: SearchMode
    questions: int
    recall_at_1: float
    recall_at_5: float
    mrr: float
    p50_ms: float
    p95_ms: float
    misses: list[str]


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Question file rows in one shape, whichever of the two formats a file uses.

    The dev format lists gold pages under ``sources``; the realdocs format puts one ``doc``,
    ``page`` and ``quote`` on the row and says ``answerable`` instead of ``type: unanswerable``.
    """
    return [_normalised(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _normalised(q: dict[str, Any]) -> dict[str, Any]:
    q = dict(q)
    if not q.get("sources") and q.get("doc") and q.get("page"):
        q["sources"] = [{"doc": q["doc"], "page": int(q["page"]), "quote": q.get("quote", "")}]
    if q.get("answerable") is False:
        q["type"] = "unanswerable"
        q["sources"] = []
    q.setdefault("type", "?")
    return q


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def evaluate(kb: Assistant, questions: list[dict[str, Any]], mode: SearchMode) -> ModeResult:
    earlier = {str(q["id"]): (str(q["question"]), q.get("context")) for q in questions}
    scored = [q for q in questions if q.get("sources")]
    hits1 = hits5 = 0
    rr: list[float] = []
    latencies: list[float] = []
    misses: list[str] = []
    for q in scored:
        gold = {(s["doc"], int(s["page"])) for s in q["sources"]}
        query = retrieval_query(str(q["question"]), q.get("context"), earlier)
        start = time.perf_counter()
        pages = [(p.file, p.page) for p in kb.search(query, k=10, mode=mode)]
        latencies.append((time.perf_counter() - start) * 1000)
        rank = next((i + 1 for i, page in enumerate(pages) if page in gold), None)
        hits1 += rank == 1
        hits5 += rank is not None and rank <= 5
        rr.append(1.0 / rank if rank else 0.0)
        if not rank or rank > 5:
            misses.append(str(q["id"]))
    n = max(1, len(scored))
    return ModeResult(
        mode,
        len(scored),
        hits1 / n,
        hits5 / n,
        sum(rr) / n,
        statistics.median(latencies),
        _percentile(latencies, 0.95),
        misses,
    )


def report(results: list[ModeResult], source: str) -> str:
    lines = [
        f"# Retrieval recall — `{source}`",
        "",
        "Page-level: a hit when a gold (file, page) is among the first k distinct pages.",
        "",
        "| mode | questions | recall@1 | recall@5 | MRR | p50 ms | p95 ms | missed @5 |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.mode} | {r.questions} | {r.recall_at_1:.3f} | {r.recall_at_5:.3f} | {r.mrr:.3f} | "
            f"{r.p50_ms:.1f} | {r.p95_ms:.1f} | {', '.join(r.misses) or '—'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--out", type=Path, help="write the markdown report here")
    args = parser.parse_args()
    kb = Assistant.open(Settings())
    questions = load_questions(args.questions)
    for q in questions[:3]:  # warm caches and the embedder so latency is the steady state
        kb.search(str(q["question"]))
    results = []
    for mode in MODES:
        kb.index.clear_query_cache()  # each mode pays for its own query embeddings
        results.append(evaluate(kb, questions, mode))
    text = report(results, args.questions.name)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
