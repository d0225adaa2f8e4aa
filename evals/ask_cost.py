"""CPU and wall time per ask on an existing index (the bench's CPU column, without the rest).

    python -m evals.ask_cost ../shared/evals/dev_questions.jsonl --rounds 3

Each round clears the query-vector cache, so every ask embeds its question as a new user's
would. CPU is this process's time (the answer path and the embedder's threads); the load
average is printed beside it, so a busy machine shows as such.
"""

from __future__ import annotations

import argparse
import json
import time
from functools import lru_cache
from pathlib import Path

from assistant import Answer, Assistant, Settings, Turn
from evals.answer_eval import run_system
from evals.bench import load_average, percentiles
from evals.retrieval_recall import load_questions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    kb = Assistant.open(Settings())
    index = kb.index
    embed_ms: list[float] = [0.0]  # the current ask's embedding CPU

    def timed_embedding(query: str) -> tuple[float, ...]:
        cpu = time.process_time()
        try:
            return compute(query)
        finally:
            embed_ms[-1] += (time.process_time() - cpu) * 1000

    # The same cache, around a timed embedding: the CPU column split into embedding and the rest
    # (the rest does not depend on the embedder's threads, so it is the part the answer path owns).
    compute = index._compute_query_vector
    index._embed_query = lru_cache(maxsize=index.settings.retrieval.query_cache_size)(timed_embedding)
    questions = load_questions(args.questions)
    for q in questions[:2]:  # warm-up: imports, page units of the first pages
        kb.ask(str(q["question"]))
    cpu_ms: list[float] = []
    wall_ms: list[float] = []
    embed_ms.clear()

    def ask(question: str, history: list[Turn]) -> Answer:
        embed_ms.append(0.0)
        wall, cpu = time.perf_counter(), time.process_time()
        answer = kb.ask(question, history)
        cpu_ms.append((time.process_time() - cpu) * 1000)
        wall_ms.append((time.perf_counter() - wall) * 1000)
        return answer

    for _ in range(args.rounds):
        index.clear_query_cache()
        run_system("ask", ask, questions, kb)
    print(
        json.dumps(
            {
                "asks": len(cpu_ms),
                "cpu_ms": percentiles(cpu_ms),
                "embed_cpu_ms": percentiles(embed_ms),
                "other_cpu_ms": percentiles([c - e for c, e in zip(cpu_ms, embed_ms, strict=True)]),
                "wall_ms": percentiles(wall_ms),
                "embed_runtime": getattr(kb.embedder, "embed_runtime", kb.embedder.model_name),
                "load_average": load_average(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
