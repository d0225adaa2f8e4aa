"""Answer quality on a question file, ours beside two baselines, as a markdown report + PNG chart.

    woonzorg eval ../shared/evals/dev_questions.jsonl --out evals/reports/dev

Metrics (see evals/README.md): answer correctness (all ``must_contain`` terms, after
normalising case, accents and number formats), citation validity (quote ⊂ cited page
text), gold page cited, refusal of unanswerable questions, false refusals, latency.
Baselines, same questions: the BM25 top passage, and a naive llama-index pipeline
(default SentenceSplitter, VectorStoreIndex with the same embedder, top-3 chunks).
"""

from __future__ import annotations

import re
import statistics
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant import Answer, Assistant, Citation, Turn, retrieval_query
from evals.retrieval_recall import evaluate as retrieval_eval

Answerer = Callable[[str, list[Turn]], Answer]


def normalise(text: str) -> str:
    """Case, accents and number formats folded: "6.820"="6820", "2,5"="2.5", "Q 2 2025"="Q2 2025"."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"(?<=\d)\.(?=\d{3}\b)", "", text)
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    text = re.sub(r"\bq\s+(?=\d)", "q", text)
    return " ".join(text.split())


@dataclass
class QuestionResult:
    id: str
    type: str
    answerable: bool
    refused: bool
    correct: bool
    citations: int
    valid_citations: int
    gold_page_cited: bool
    latency_ms: float
    words: int = 0
    missing: list[str] = field(default_factory=list)


@dataclass
class SystemResult:
    name: str
    results: list[QuestionResult]

    def _answerable(self) -> list[QuestionResult]:
        return [r for r in self.results if r.answerable]

    def summary(self) -> dict[str, float]:
        ans = self._answerable()
        unans = [r for r in self.results if not r.answerable]
        cites = sum(r.citations for r in self.results)
        lat = sorted(r.latency_ms for r in self.results)
        return {
            "correctness": sum(r.correct for r in ans) / max(1, len(ans)),
            "citation_validity": sum(r.valid_citations for r in self.results) / cites if cites else 1.0,
            "gold_page_cited": sum(r.gold_page_cited for r in ans) / max(1, len(ans)),
            "refusal_unanswerable": sum(r.refused for r in unans) / max(1, len(unans)),
            "false_refusal": sum(r.refused for r in ans) / max(1, len(ans)),
            "answer_words": statistics.median(r.words for r in ans) if ans else 0.0,
            "p50_ms": statistics.median(lat) if lat else 0.0,
            "p95_ms": lat[min(len(lat) - 1, max(0, round(0.95 * len(lat)) - 1))] if lat else 0.0,
        }

    def by_type(self) -> dict[str, float]:
        groups: dict[str, list[QuestionResult]] = defaultdict(list)
        for r in self.results:
            groups[r.type].append(r)
        return {
            t: sum((r.correct if r.answerable else r.refused) for r in rs) / len(rs) for t, rs in sorted(groups.items())
        }


def run_system(name: str, answer: Answerer, questions: list[dict[str, Any]], kb: Assistant) -> SystemResult:
    turns: dict[str, tuple[str | None, Answer]] = {}
    results: list[QuestionResult] = []
    for q in questions:
        qid, context = str(q["id"]), q.get("context")
        history: list[Turn] = []
        ctx = context
        while ctx and ctx in turns:
            parent, prev = turns[ctx]
            history.insert(
                0,
                Turn(
                    question=prev.question, answer=prev.answer, cited_pages=[(c.doc_id, c.page) for c in prev.citations]
                ),
            )
            ctx = parent
        start = time.perf_counter()
        a = answer(str(q["question"]), history)
        latency = (time.perf_counter() - start) * 1000
        turns[qid] = (context, a)
        answerable = q.get("type") != "unanswerable" and bool(q.get("must_contain") or q.get("sources"))
        text = normalise(a.answer)
        missing = [m for m in q.get("must_contain", []) if normalise(m) not in text]
        gold = {(s["doc"], int(s["page"])) for s in q.get("sources", [])}
        results.append(
            QuestionResult(
                id=qid,
                type=str(q.get("type", "?")),
                answerable=answerable,
                refused=a.refused,
                correct=answerable and not a.refused and not missing,
                citations=len(a.citations),
                valid_citations=sum(kb.check_citation(c) for c in a.citations),
                gold_page_cited=any((c.file, c.page) in gold for c in a.citations),
                latency_ms=latency,
                words=len(a.answer.split()),
                missing=missing,
            )
        )
    return SystemResult(name, results)


def bm25_top_passage(kb: Assistant) -> Answerer:
    def answer(question: str, history: list[Turn]) -> Answer:
        earlier = {"prev": (history[-1].question, None)} if history else {}
        query = retrieval_query(question, "prev" if history else None, earlier)
        hits = kb.search(query, k=1, mode="bm25")
        if not hits:
            return Answer(question=question, answer="", refused=True)
        p = hits[0]
        cite = Citation(n=1, file=p.file, doc_id=p.doc_id, title=p.title, page=p.page, quote=" ".join(p.text.split()))
        return Answer(question=question, answer=p.text, refused=False, citations=[cite])

    return answer


def naive_llama_index(kb: Assistant, embed_model: BaseEmbedding | None = None) -> Answerer:
    """The pipeline every tutorial shows: default splitter, vector index, top-3 chunks.

    ``embed_model``: the index's embedder unless given (the benchmark passes one that derives
    the vectors of its varied copies)."""
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter

    index = kb.index
    docs = [
        Document(text=text, metadata={"file": d.file, "doc_id": d.doc_id, "title": d.title, "page": i + 1})
        for d in index.documents.values()
        for i, text in enumerate(index.registry.page_texts(d.doc_id))
    ]
    nodes = SentenceSplitter().get_nodes_from_documents(docs)
    vector_index = VectorStoreIndex(nodes, embed_model=embed_model or index.embedder)
    retriever = vector_index.as_retriever(similarity_top_k=3)

    def answer(question: str, history: list[Turn]) -> Answer:
        hits = retriever.retrieve(question)
        cites = [
            Citation(
                n=i + 1,
                file=h.node.metadata["file"],
                doc_id=h.node.metadata["doc_id"],
                title=h.node.metadata["title"],
                page=int(h.node.metadata["page"]),
                quote=" ".join(h.node.get_content().split()),
            )
            for i, h in enumerate(hits)
        ]
        text = "\n".join(h.node.get_content() for h in hits)
        return Answer(question=question, answer=text, refused=False, citations=cites)

    return answer


_COLUMNS = [
    ("correctness", "answer correctness"),
    ("citation_validity", "citation validity"),
    ("gold_page_cited", "gold page cited"),
    ("refusal_unanswerable", "refusal (unanswerable)"),
    ("false_refusal", "false refusal"),
    ("answer_words", "median answer words"),
    ("p50_ms", "p50 ms"),
    ("p95_ms", "p95 ms"),
]


def write_report(systems: list[SystemResult], retrieval: dict[str, Any], source: str, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Answer evaluation — `{source}`",
        "",
        "| system | " + " | ".join(c for _, c in _COLUMNS) + " |",
        "|---|" + "---:|" * len(_COLUMNS),
    ]
    for s in systems:
        summ = s.summary()
        cells = [f"{summ[k]:.0f}" if k.endswith(("_ms", "_words")) else f"{summ[k]:.3f}" for k, _ in _COLUMNS]
        lines.append(f"| {s.name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Retrieval (hybrid, page level): "
        f"recall@1 {retrieval['recall_at_1']:.3f}, recall@5 {retrieval['recall_at_5']:.3f}, MRR {retrieval['mrr']:.3f}",
        "",
        "## Correctness per question type",
        "",
        "(unanswerable: share refused)",
        "",
        "| type | " + " | ".join(s.name for s in systems) + " |",
        "|---|" + "---:|" * len(systems),
    ]
    types = sorted({t for s in systems for t in s.by_type()})
    for t in types:
        lines.append(f"| {t} | " + " | ".join(f"{s.by_type().get(t, 0):.2f}" for s in systems) + " |")
    ours = systems[0]
    failed = [r for r in ours.results if (r.answerable and not r.correct) or (not r.answerable and not r.refused)]
    lines += ["", f"## Where {ours.name} fails", ""]
    for r in failed:
        what = "refused" if r.refused and r.answerable else ("answered" if not r.answerable else f"missing {r.missing}")
        lines.append(f"- `{r.id}` ({r.type}): {what}")
    report = out_dir / "report.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _chart(systems, types, out_dir / "by_type.png")
    return report


def _chart(systems: list[SystemResult], types: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # headless
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(systems)
    for i, s in enumerate(systems):
        scores = s.by_type()
        ax.bar([x + i * width for x in range(len(types))], [scores.get(t, 0) for t in types], width, label=s.name)
    ax.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(types))], types, rotation=30, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel("correct (unanswerable: refused)")
    ax.set_title("Answer correctness per question type")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(kb: Assistant, questions: list[dict[str, Any]], source: str, out_dir: Path) -> Path:
    for q in questions[:2]:  # warm-up: steady-state latency
        kb.ask(str(q["question"]))
    systems = [
        run_system("woonzorg-assistent", lambda q, h: kb.ask(q, h), questions, kb),
        run_system("BM25 top passage", bm25_top_passage(kb), questions, kb),
        run_system("naive llama-index top-3", naive_llama_index(kb), questions, kb),
    ]
    r = retrieval_eval(kb, questions, "hybrid")
    return write_report(
        systems, {"recall_at_1": r.recall_at_1, "recall_at_5": r.recall_at_5, "mrr": r.mrr}, source, out_dir
    )
