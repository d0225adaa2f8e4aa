"""``woonzorg eval`` and ``woonzorg bench``: registered by evals as a plug-in (entry point group
``woonzorg.commands``), so the product never imports its test harness."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import console, load_settings, out

commands = typer.Typer()


@commands.command("eval")
def eval_answers(
    questions: Annotated[Path, typer.Argument(help="Vragenbestand (JSONL; zie evals/README.md).")],
    out: Annotated[Path, typer.Option(help="Map voor report.md en by_type.png.")] = Path("evals/reports/latest"),
) -> None:
    """Meet antwoordkwaliteit naast twee baselines; schrijft een rapport en een grafiek."""
    # Imported here: evals/ sits on top of the assistant's public API, not under it.
    from assistant import Assistant
    from evals.answer_eval import run
    from evals.retrieval_recall import load_questions

    report = run(Assistant.open(load_settings()), load_questions(questions), questions.name, out)
    out_text = report.read_text(encoding="utf-8")
    console.print(out_text)
    console.print(f"Rapport: {report}")


@commands.command()
def bench(
    pages: Annotated[
        list[int] | None, typer.Option("--pages", help="Corpusgrootte in pagina's (meerdere keren).")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Alle metingen als JSON.")] = None,
    report: Annotated[Path | None, typer.Option(help="Map voor bench.md en bench.png.")] = None,
    questions: Annotated[Path, typer.Option(help="Vragenbestand (JSONL).")] = Path(
        "../shared/evals/dev_questions.jsonl"
    ),
    work: Annotated[Path, typer.Option(help="Werkmap: geschaalde PDF's en indexen.")] = Path("data/bench"),
    cold_pages: Annotated[int, typer.Option(help="Pagina's voor de koude ingest met het echte model.")] = 112,
    rounds: Annotated[int, typer.Option(help="Rondes over de vragen per grootte.")] = 3,
    max_questions: Annotated[int | None, typer.Option(help="Alleen de eerste N vragen.")] = None,
    baseline: Annotated[bool, typer.Option(help="Ook de naïeve llama-index-baseline meten.")] = True,
    fake_embedder: Annotated[
        bool, typer.Option(help="Hash-vectoren i.p.v. het model (alleen voor de rooktest).")
    ] = False,
    max_minutes: Annotated[
        float, typer.Option(help="Grotere punten overslaan (en extrapoleren) na zoveel minuten.")
    ] = 90.0,
    from_json: Annotated[Path | None, typer.Option(help="Alleen het rapport opnieuw maken uit deze JSON.")] = None,
    reuse_cold: Annotated[
        bool, typer.Option(help="Koude/warme ingest uit een eerdere run in dezelfde werkmap hergebruiken.")
    ] = False,
) -> None:
    """Schaalbenchmark: ingest-doorvoer, indexgrootte, geheugen en latentie van ask/search per corpusgrootte."""
    from evals.bench import run_bench
    from evals.bench_report import write_bench_report

    if from_json is not None:
        result = json.loads(from_json.read_text(encoding="utf-8"))
    else:
        result = run_bench(
            pages or [112, 1000, 5000, 15000],
            questions,
            work,
            corpus_dir=load_settings().corpus_dir,
            cold_pages=cold_pages,
            rounds=rounds,
            max_questions=max_questions,
            baseline=baseline,
            fake_embedder=fake_embedder,
            max_minutes=max_minutes,
            log=lambda msg: console.print(f"[dim]{msg}[/]"),
            partial=json_out.with_suffix(".partial.json") if json_out else None,
            reuse_cold=reuse_cold,
        )
        result["command"] = "woonzorg bench " + " ".join(sys.argv[2:])
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if report is not None:
        console.print(f"Rapport: {write_bench_report(result, report)}")
    if json_out is None and report is None:
        out.print_json(json.dumps(result, ensure_ascii=False))


# Record kinds the ingest stores, with their column name in `woonzorg documents`.


def register_commands(app: typer.Typer) -> None:
    """The ``woonzorg.commands`` entry point: adds ``eval`` and ``bench`` to ``woonzorg``."""
    app.add_typer(commands)
