"""Calibrate the refusal threshold: refusal of unanswerable vs. false refusal, per threshold.

    python -m evals.refusal_curve ../shared/evals/dev_questions.jsonl \
        ../shared/fixtures/layouts/questions.jsonl --out evals/reports/refusal

Every question is answered once with the threshold off (``refuse_below=0``); each answer keeps
its evidence ``support``. A threshold t then refuses what the other rules refused plus every
answer whose support is below t, so the whole curve comes from one pass. The chosen point is the
middle of the widest run of thresholds that refuse the most unanswerable questions, and then
the fewest answerable ones, among those that refuse at most 5% of the answerable ones; freeze it as ``refuse_below`` in
``ingest/settings.py``. Follow-ups are left out (their support depends on the turn before).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from assistant import Assistant, Settings
from evals.retrieval_recall import load_questions

MAX_FALSE_REFUSAL = 0.05
STEPS = [round(i / 100, 2) for i in range(0, 101)]


@dataclass
class Point:
    id: str
    answerable: bool
    refused: bool  # by a rule other than the threshold
    support: float | None


@dataclass
class Curve:
    thresholds: list[float]
    refusal: list[float]  # share of unanswerable refused
    false_refusal: list[float]  # share of answerable refused
    chosen: float


def collect(kb: Assistant, questions: list[dict[str, object]]) -> list[Point]:
    points = []
    for q in questions:
        if q.get("context"):
            continue
        a = kb.ask(str(q["question"]))
        answerable = q.get("type") != "unanswerable"
        points.append(Point(str(q["id"]), answerable, a.refused, a.support))
    return points


def refused_at(p: Point, t: float) -> bool:
    return p.refused or (p.support is not None and p.support < t)


def curve(points: list[Point]) -> Curve:
    ans = [p for p in points if p.answerable]
    unans = [p for p in points if not p.answerable]
    refusal = [sum(refused_at(p, t) for p in unans) / max(1, len(unans)) for t in STEPS]
    false = [sum(refused_at(p, t) for p in ans) / max(1, len(ans)) for t in STEPS]
    allowed = [i for i, f in enumerate(false) if f <= MAX_FALSE_REFUSAL] or [0]
    best = max(refusal[i] for i in allowed)
    fewest = min(false[i] for i in allowed if refusal[i] == best)
    good = {i for i in allowed if refusal[i] == best and false[i] == fewest}
    run: list[int] = []
    widest: list[int] = []
    for i in allowed:  # the widest run of consecutive steps at the best point (most refused, fewest wrong)
        if i in good and (not run or i == run[-1] + 1):
            run.append(i)
        elif i in good:
            run = [i]
        else:
            run = []
        if len(run) > len(widest):
            widest = list(run)
    chosen = STEPS[widest[len(widest) // 2]] if widest else 0.0
    return Curve(STEPS, refusal, false, chosen)


def write(c: Curve, points: list[Point], sources: list[str], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(c.thresholds, c.refusal, label="unanswerable refused")
    ax.plot(c.thresholds, c.false_refusal, label="answerable refused")
    ax.axvline(c.chosen, color="grey", linestyle="--", label=f"chosen {c.chosen:.2f}")
    ax.axhline(MAX_FALSE_REFUSAL, color="red", linewidth=0.6)
    ax.set_xlabel("refuse_below (evidence support)")
    ax.set_ylabel("share")
    ax.legend(loc="center right")
    fig.tight_layout()
    fig.savefig(out / "refusal_curve.png", dpi=120)
    plt.close(fig)
    i = c.thresholds.index(c.chosen)
    rows = [
        f"| {t:.2f} | {r:.3f} | {f:.3f} |"
        for t, r, f in zip(c.thresholds, c.refusal, c.false_refusal, strict=True)
        if round(t * 100) % 5 == 0 or t == c.chosen
    ]
    lines = [
        "# Refusal threshold calibration",
        "",
        f"Questions: {', '.join(sources)} ({len(points)} without follow-ups; "
        f"{sum(not p.answerable for p in points)} unanswerable).",
        "",
        f"**Chosen `refuse_below` = {c.chosen:.2f}**: unanswerable refused {c.refusal[i]:.3f}, "
        f"answerable refused {c.false_refusal[i]:.3f}.",
        "",
        "![curve](refusal_curve.png)",
        "",
        "| threshold | unanswerable refused | answerable refused |",
        "|---:|---:|---:|",
        *rows,
        "",
        "Support per question (answerable ✓), lowest first:",
        "",
        *[
            f"- {p.id} {'✓' if p.answerable else '✗'} "
            f"{'rule-refused' if p.refused else ''} {p.support if p.support is not None else '–'}"
            for p in sorted(points, key=lambda p: p.support if p.support is not None else -1)
        ],
    ]
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("evals/reports/refusal"))
    args = parser.parse_args(argv)
    settings = Settings(refuse_below=0.0)
    kb = Assistant.open(settings)
    points = [p for path in args.questions for p in collect(kb, load_questions(path))]
    c = curve(points)
    write(c, points, [p.name for p in args.questions], args.out)
    i = c.thresholds.index(c.chosen)
    print(json.dumps({"chosen": c.chosen, "refusal": c.refusal[i], "false_refusal": c.false_refusal[i]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
