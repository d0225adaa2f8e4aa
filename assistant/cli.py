"""The ``woonzorg`` command line: ingest, search, documents, serve."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest.ops.manifest import ManifestError
from ingest.ops.pipeline import REJECTED, FileOutcome, Ingestor
from ingest.settings import Settings
from ingest.store.checks import MIN_FREE_INGEST, MIN_FREE_SERVE, StorageError, check_writable, storage_error
from prompts.access import (
    ACCESS_BAD_VALUE_NL,
    ACCESS_CHANGED_NL,
    ACCESS_UNCHANGED_NL,
    ACCESS_UNKNOWN_DOC_NL,
    INTERN_HINT_NL,
)

app = typer.Typer(help="Woonzorg-assistent: beleidsdocumenten over wonen en zorg doorzoeken.", no_args_is_help=True)
console = Console(stderr=True)
out = Console()


def _settings() -> Settings:
    return Settings()


def _report_storage_error(error: StorageError) -> NoReturn:
    console.print(f"[red bold]Opslagprobleem:[/] {escape(str(error))}", soft_wrap=True)
    raise typer.Exit(2)


def _check_storage(settings: Settings, min_free_bytes: int) -> None:
    """Before a command writes: a read-only, uncreatable or full data dir ends it here (exit 2)."""
    try:
        check_writable(settings, min_free_bytes)
    except StorageError as exc:
        _report_storage_error(exc)


def _check_chroma(settings: Settings) -> None:
    """A configured Chroma server that does not answer ends the command with how to fix it (exit 2)."""
    if not settings.chroma_url:
        return
    from ingest.store.vectors import make_client

    try:
        make_client(settings).heartbeat()
    except Exception as exc:  # chromadb wraps connection errors in ValueError; anything else: same advice
        console.print(
            f"[red]Chroma-server op {settings.chroma_url} is niet bereikbaar ({type(exc).__name__}). "
            "Start hem (`chroma run --path … --port …`) of corrigeer WOONZORG_CHROMA_URL.[/]"
        )
        raise typer.Exit(2) from exc


@contextmanager
def _storage_guard(settings: Settings, min_free_bytes: int) -> Iterator[None]:
    """``_check_storage``, then a storage fault while the command writes (disk filling up)
    becomes the same clear message instead of a traceback; other errors pass unchanged."""
    _check_storage(settings, min_free_bytes)
    try:
        yield
    except Exception as exc:
        error = storage_error(exc, settings.data_dir)
        if error is None:
            raise
        _report_storage_error(error)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Meer logregels.")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False)],
    )
    for noisy in ("httpx", "chromadb", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class RichIngestProgress:
    """Progress bars for files, pages read and embeddings (the slow step)."""

    def __init__(self, progress: Progress, total_files: int) -> None:
        self._p = progress
        self._files = progress.add_task("bestanden", total=total_files)
        self._pages = progress.add_task("pagina's", total=None, visible=False)
        self._embed = progress.add_task("embeddings", total=None, visible=False)

    def file_started(self, name: str) -> None:
        self._p.update(self._files, description=f"bestanden · {name}")
        self._p.reset(self._pages, total=None, visible=False)
        self._p.reset(self._embed, total=None, visible=False)

    def pages_read(self, done: int, total: int) -> None:
        self._p.update(self._pages, completed=done, total=total, visible=True)

    def embedded(self, done: int, total: int) -> None:
        self._p.update(self._embed, completed=done, total=total, visible=True)

    def file_done(self, outcome: FileOutcome) -> None:
        self._p.advance(self._files)


def _summary(outcomes: list[FileOutcome]) -> Table:
    table = Table(title="Resultaat ingest", show_lines=False)
    for col in ("bestand", "uitkomst", "toegang", "pagina's", "chunks", "nieuw ingebed", "sec", "toelichting"):
        table.add_column(col, overflow="fold")
    styles = {"ingested": "green", "replaced": "green", "unchanged": "dim", "alias": "cyan", REJECTED: "red"}
    for o in outcomes:
        table.add_row(
            o.file,
            f"[{styles.get(o.status, '')}]{o.status}[/]",
            _access_cell(o.access),
            str(o.pages),
            str(o.chunks),
            str(o.embedded),
            f"{o.seconds:.1f}",
            o.message,
        )
    return table


def _access_cell(access: str) -> str:
    """The "toegang" column: intern stands out (only admins and staff see it)."""
    if not access:
        return "-"
    return f"[yellow]{access}[/]" if access != "public" else access


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="PDF-bestanden of mappen.")],
    strict: Annotated[bool, typer.Option(help="Exitcode 1 als een bestand is geweigerd.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Uitkomsten als JSON op stdout.")] = False,
    text_only: Annotated[
        bool,
        typer.Option(
            "--text-only",
            help="Alleen tekst (direct doorzoekbaar op woorden); `woonzorg serve` maakt de vectoren op de achtergrond.",
        ),
    ] = False,
) -> None:
    """Lees PDF's in (idempotent: dezelfde inhoud wordt niet opnieuw verwerkt)."""
    settings = _settings()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        console.print(f"[red]Niet gevonden:[/] {', '.join(missing)}")
        raise typer.Exit(2)
    from ingest.ops.pipeline import discover_pdfs

    _check_chroma(settings)
    files = discover_pdfs(paths)
    with (
        _storage_guard(settings, MIN_FREE_INGEST),
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress,
    ):
        try:
            ingestor = Ingestor(settings, progress=RichIngestProgress(progress, len(files)))
            try:
                outcomes = ingestor.ingest_paths(files, embed=not text_only)
                waiting = len(ingestor.registry.waiting_for_vectors(ingestor.embedder.model_name))
            finally:
                ingestor.close()
        except ManifestError as exc:  # nothing was ingested: a wrong guess could make a document public
            progress.stop()
            console.print(f"[red]{escape(str(exc))}[/]", soft_wrap=True)
            raise typer.Exit(2) from exc
    console.print(_summary(outcomes))
    intern = sum(o.access == "intern" for o in outcomes)
    if intern:
        console.print(INTERN_HINT_NL.format(n=intern), markup=False, highlight=False)
    if waiting:
        console.print(
            f"{waiting} document(en) zijn doorzoekbaar op woorden; de vectoren volgen op de achtergrond "
            "zodra `woonzorg serve` draait (of met `woonzorg ingest` zonder --text-only)."
        )
    if as_json:
        out.print_json(json.dumps([o.__dict__ for o in outcomes], ensure_ascii=False))
    if strict and any(o.status == REJECTED for o in outcomes):
        raise typer.Exit(1)


def _question_lines(path: Path) -> Iterator[tuple[str, str, str | None]]:
    """(id, question, context) per valid line of a question file; bad lines are reported and skipped."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            qid, question = str(item["id"]), str(item["question"])
        except (ValueError, KeyError, TypeError) as exc:
            console.print(f"[red]regel {n} overgeslagen: geen geldige JSON met id en question ({exc})[/]")
            continue
        context = item.get("context")
        yield qid, question, str(context) if context else None


def _passage_json(p: Any) -> dict[str, Any]:
    return {
        "file": p.file,
        "page": p.page,
        "section": p.section,
        "text": p.text,
        "score": round(p.score, 6),
        "doc_id": p.doc_id,
        "chunk_id": p.chunk_id,
    }


@app.command()
def search(
    query: Annotated[str | None, typer.Argument(help="De zoekvraag.")] = None,
    k: Annotated[int, typer.Option("--k", help="Aantal resultaten.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="JSON op stdout.")] = False,
    jsonl: Annotated[Path | None, typer.Option("--jsonl", help="Vragenbestand (JSONL met id en question).")] = None,
    mode: Annotated[str, typer.Option(help="hybrid, bm25 of dense.")] = "hybrid",
) -> None:
    """Zoek passages (hybride BM25 + semantisch)."""
    from assistant.question.followups import retrieval_query
    from assistant.retrieval.hybrid import HybridSearcher
    from assistant.retrieval.index import SearchIndex

    if mode not in ("hybrid", "bm25", "dense"):
        console.print("[red]--mode moet hybrid, bm25 of dense zijn[/]")
        raise typer.Exit(2)
    if (query is None) == (jsonl is None):
        console.print("[red]Geef óf een vraag óf --jsonl BESTAND.[/]")
        raise typer.Exit(2)
    searcher = HybridSearcher(SearchIndex(_settings()))
    if jsonl is not None:
        earlier: dict[str, tuple[str, str | None]] = {}
        for qid, question, context in _question_lines(jsonl):
            earlier[qid] = (question, context)
            hits = searcher.search(retrieval_query(question, context, earlier), k=max(k, 10), mode=mode)  # type: ignore[arg-type]
            sys.stdout.write(
                json.dumps({"id": qid, "results": [_passage_json(p) for p in hits]}, ensure_ascii=False) + "\n"
            )
        return
    assert query is not None
    hits = searcher.search(query, k=k, mode=mode)  # type: ignore[arg-type]
    if as_json:
        out.print_json(json.dumps([_passage_json(p) for p in hits], ensure_ascii=False))
        return
    for i, p in enumerate(hits, 1):
        out.print(f"[bold]{i}. {p.file}[/] p. {p.page}  [dim]{p.section}  score {p.score:.4f}[/]")
        out.print("   " + " ".join(p.text.split())[:400])


def _pages(answer: Any) -> list[tuple[str, int]]:
    return [(c.doc_id, c.page) for c in answer.citations]


def _conversation(item_id: str, context: str | None, turns: dict[str, tuple[str | None, Any]]) -> list[Any]:
    """The earlier turns a follow-up belongs to, oldest first."""
    from assistant.models import Turn

    chain: list[Turn] = []
    seen: set[str] = set()
    while context and context in turns and context not in seen:
        seen.add(context)
        parent, answer = turns[context]
        chain.append(Turn(question=answer.question, answer=answer.answer, cited_pages=_pages(answer)))
        context = parent
    return list(reversed(chain))


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="De vraag.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Het volledige antwoord als JSON.")] = False,
    jsonl: Annotated[Path | None, typer.Option("--jsonl", help="Vragenbestand (JSONL met id en question).")] = None,
    doc: Annotated[list[str] | None, typer.Option(help="Alleen dit document (doc_id of bestandsnaam).")] = None,
    region: Annotated[str | None, typer.Option(help="Alleen documenten over deze regio.")] = None,
    municipality: Annotated[str | None, typer.Option(help="Alleen documenten over deze gemeente.")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="Documenttype, bv. strategie.")] = None,
    year: Annotated[int | None, typer.Option(help="Jaar van het document.")] = None,
) -> None:
    """Stel een vraag; het antwoord citeert document, pagina en letterlijke tekst."""
    from assistant.answering.engine import AnswerEngine
    from assistant.retrieval.hybrid import HybridSearcher
    from assistant.retrieval.index import SearchIndex

    if (question is None) == (jsonl is None):
        console.print("[red]Geef óf een vraag óf --jsonl BESTAND.[/]")
        raise typer.Exit(2)
    from assistant.retrieval.index import SearchFilters

    settings = _settings()
    engine = AnswerEngine.from_settings(HybridSearcher(SearchIndex(settings)), settings)
    ids = [d for d in doc or [] if not d.lower().endswith(".pdf")] or None
    files = [d for d in doc or [] if d.lower().endswith(".pdf")] or None
    filters = SearchFilters(
        doc_ids=ids, files=files, region=region, municipality=municipality, document_type=doc_type, year=year
    )
    if jsonl is not None:
        turns: dict[str, tuple[str | None, Any]] = {}
        for qid, text, context in _question_lines(jsonl):
            answer = engine.ask(text, history=_conversation(qid, context, turns), filters=filters)
            turns[qid] = (context, answer)
            row = {
                "id": qid,
                "question": text,
                "answer": answer.answer,
                "refused": answer.refused,
                "citations": [c.model_dump() for c in answer.citations],
                "latency_ms": answer.timings.get("total_ms"),
            }
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    assert question is not None
    answer = engine.ask(question, filters=filters)
    if as_json:
        out.print_json(answer.model_dump_json())
        return
    style = "yellow" if answer.refused else "green"
    out.print(f"[{style}]{answer.answer}[/]")
    if answer.citations:
        out.print("\n[bold]Bronnen[/]")
        for c in answer.citations:
            out.print(f"[{c.n}] {c.file}, p. {c.page}: “{c.quote}”")
    for notice in answer.notices:
        out.print(f"[dim]{notice}[/]")


@app.command()
def maatregelen(
    trekker: Annotated[str | None, typer.Option(help="Alleen maatregelen met deze trekker (deel van de naam).")] = None,
    q: Annotated[str | None, typer.Option("--q", help="Zoek in maatregel, doel en status.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Records als JSON.")] = False,
) -> None:
    """Maatregelen uit de actietabellen: wie (trekker), wanneer (tijdspad), met wie, hoe ver."""
    from dataclasses import asdict

    from assistant.answering.records.maatregel_filter import filter_maatregelen
    from ingest.records.maatregelen import Maatregel
    from ingest.store.registry import Registry

    stored = [Maatregel(**r) for _, r in Registry(_settings().registry_path).records("maatregel")]
    records = [asdict(m) for m in filter_maatregelen(stored, trekker=trekker, q=q)]
    if as_json:
        out.print_json(json.dumps(records, ensure_ascii=False))
        return
    table = Table(title=f"{len(records)} maatregelen")
    for col in ("id", "maatregel", "tijdspad", "trekker", "betrokken", "bestand", "p."):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(
            r["id"],
            r["maatregel"][:120],
            r["tijdspad"],
            r["trekker"],
            ", ".join(r["betrokken"]),
            r["file"],
            str(r["page"]),
        )
    out.print(table)


@app.command()
def terms(
    term: Annotated[str | None, typer.Argument(help="Het begrip (spelvarianten en afkortingen werken ook).")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Lijst van {term, definition, file, page, scope, aliases}.")
    ] = False,
) -> None:
    """Begrippen: definities met bron; verschillende definities naast elkaar."""
    from ingest.records.begrip import conflicts, term_key
    from ingest.records.begrippen import Begrip, differences, lookup
    from ingest.store.registry import Registry

    found = [Begrip(**r) for _, r in Registry(_settings().registry_path).records("begrip")]
    if term:
        found = lookup(found, term)
    # Each term carries the notes of the documents that define it with other numbers.
    flagged: dict[tuple[str, int, str], list[str]] = {}
    for c in conflicts(found):
        for side in ("a", "b"):
            where = c[side]
            assert isinstance(where, dict)
            flagged.setdefault((str(where["file"]), int(where["page"]), str(c["key"])), []).append(str(c["note"]))
    rows = [
        {
            "term": b.term,
            "definition": b.definition,
            "file": b.file,
            "page": b.page,
            "scope": b.scope,
            "aliases": b.aliases,
            "kind": b.kind,
            "quote": b.quote,
            "boxes": b.boxes,
            "conflicts": flagged.get((b.file, b.page, term_key(b.term)), []),
        }
        for b in found
    ]
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    if term and not found:
        console.print(f"[yellow]Geen definitie van ‘{term}’ gevonden in de documenten.[/]")
        raise typer.Exit(1)
    table = Table(title=f"{len(rows)} begrippen")
    for col in ("begrip", "definitie", "bron", "p.", "scope"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r["term"]), str(r["definition"])[:300], str(r["file"]), str(r["page"]), str(r["scope"]))
    out.print(table)
    for note in differences(found) if term else []:
        out.print(f"[bold yellow]Let op:[/] {note}")


@app.command()
def compare(
    topic: Annotated[str, typer.Argument(help="Het onderwerp, bv. 'geclusterd wonen'.")],
    docs: Annotated[
        list[str] | None,
        typer.Option("--docs", help="Document: doc_id, bestandsnaam of regio/gemeente (meerdere keren)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="De vergelijking als JSON.")] = False,
) -> None:
    """Vergelijk wat documenten over een onderwerp zeggen: één kolom per document, met bronnen."""
    from assistant.answering.comparison import compare as compare_topic
    from assistant.answering.comparison import resolve_documents
    from assistant.answering.engine import AnswerEngine
    from assistant.retrieval.hybrid import HybridSearcher
    from assistant.retrieval.index import SearchIndex

    settings = _settings()
    engine = AnswerEngine.from_settings(HybridSearcher(SearchIndex(settings)), settings)
    doc_ids, unknown = resolve_documents(engine.index, docs or [])
    if unknown:
        console.print(f"[red]Onbekend document: {', '.join(unknown)}[/] (zie `woonzorg documents`)")
        raise typer.Exit(2)
    table = compare_topic(engine, topic, doc_ids or None)
    if as_json:
        out.print_json(table.model_dump_json())
        return
    grid = Table(title=f"Vergelijking: {topic}", show_lines=True)
    for col in table.columns:
        grid.add_column(col.title, overflow="fold")
    cells = []
    for col in table.columns:
        if not col.found:
            cells.append("[dim]Hierover niets gevonden in dit document.[/]")
            continue
        body = "\n".join(col.answer.splitlines()[1:])
        sources = "\n".join(f"[{c.n}] p. {c.page}" for c in col.citations)
        cells.append(f"{body}\n[dim]{sources}[/]")
    grid.add_row(*cells)
    out.print(grid)


@app.command("eval")
def eval_answers(
    questions: Annotated[Path, typer.Argument(help="Vragenbestand (JSONL; zie evals/README.md).")],
    out: Annotated[Path, typer.Option(help="Map voor report.md en by_type.png.")] = Path("evals/reports/latest"),
) -> None:
    """Meet antwoordkwaliteit naast twee baselines; schrijft een rapport en een grafiek."""
    # Imported here: evals/ sits on top of the assistant's public API, not under it.
    from assistant.answering.engine import AnswerEngine
    from assistant.retrieval.hybrid import HybridSearcher
    from assistant.retrieval.index import SearchIndex
    from evals.answer_eval import run
    from evals.retrieval_recall import load_questions

    settings = _settings()
    engine = AnswerEngine.from_settings(HybridSearcher(SearchIndex(settings)), settings)
    report = run(engine, load_questions(questions), questions.name, out)
    out_text = report.read_text(encoding="utf-8")
    console.print(out_text)
    console.print(f"Rapport: {report}")


@app.command()
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
            corpus_dir=_settings().corpus_dir,
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
_RECORD_KINDS = {
    "begrip": "begrippen",
    "maatregel": "maatregelen",
    "voorstel": "voorstellen",
    "phase": "fasen",
    "cell": "tabelcellen",
}


@app.command()
def documents(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Toon wat er geïndexeerd is, met per document de toegang en de gevonden structuur (begrippen, maatregelen …)."""
    from collections import Counter

    from ingest.ops.access import access_of
    from ingest.store.registry import Registry

    registry = Registry(_settings().registry_path)
    docs = registry.documents()
    counts = {kind: Counter(doc_id for doc_id, _ in registry.records(kind)) for kind in _RECORD_KINDS}
    if as_json:
        rows = [
            {**d.__dict__, "access": access_of(d.meta), "records": {k: counts[k][d.doc_id] for k in _RECORD_KINDS}}
            for d in docs
        ]
        out.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table(title=f"{len(docs)} documenten")
    kinds = _RECORD_KINDS.values()
    for col in ("doc_id", "bestand", "toegang", "pagina's", "chunks", *kinds, "status", "waarschuwingen"):
        table.add_column(col, overflow="fold")
    for d in docs:
        table.add_row(
            d.doc_id,
            d.file,
            _access_cell(access_of(d.meta)),
            str(d.page_count),
            str(d.chunk_count),
            *(str(counts[k][d.doc_id]) for k in _RECORD_KINDS),
            d.status,
            "; ".join(d.warnings),
        )
    out.print(table)


@app.command("access")
def access_command(
    doc: Annotated[str, typer.Argument(help="Het document: doc_id of bestandsnaam (zie `woonzorg documents`).")],
    level: Annotated[
        str,
        typer.Argument(
            metavar="public|intern",
            help="public: iedereen met toegang, ook partners; intern: alleen beheer en medewerkers.",
        ),
    ],
) -> None:
    """Wijzig de toegang van een document (public of intern), zonder opnieuw te indexeren of in te bedden.

    Draaiende servers (ook met --workers) nemen de wijziging over bij hun volgende indexversie.
    """
    from assistant.service.audit import AuditLog
    from ingest.ops.access import FROM_ADMIN, find_document, parse_access, set_access
    from ingest.store.registry import Registry
    from ingest.store.write_lock import held, lock_path

    wanted = parse_access(level)
    if wanted is None:
        console.print(f"[red]{escape(ACCESS_BAD_VALUE_NL.format(value=level))}[/]")
        raise typer.Exit(2)
    settings = _settings()
    _check_chroma(settings)
    with _storage_guard(settings, MIN_FREE_SERVE):
        registry = Registry(settings.registry_path)
        try:
            with held(lock_path(settings.data_dir)):
                found = find_document(registry, doc)
                if found is None:
                    console.print(f"[red]{escape(ACCESS_UNKNOWN_DOC_NL.format(doc=doc))}[/]")
                    raise typer.Exit(2)
                change = set_access(registry, settings, found, wanted, FROM_ADMIN)
        finally:
            registry.close()
        if change.changed:
            AuditLog(settings.audit_path).record(
                "cli", "admin", "access", change.doc_id, file=change.file, old=change.old, new=change.new, via="cli"
            )
    text = ACCESS_CHANGED_NL if change.changed else ACCESS_UNCHANGED_NL
    out.print(text.format(**change.__dict__), markup=False, highlight=False)


@app.command()
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Het volledige rapport als JSON op stdout.")] = False,
    repair: Annotated[
        bool, typer.Option("--repair", help="Herstel wat gevonden is (vectoren, BM25, resten) en controleer opnieuw.")
    ] = False,
) -> None:
    """Controleer of register, Chroma en BM25 dezelfde chunks beschrijven (exitcode 1 als dat niet zo is)."""
    from ingest.store.consistency import check_index

    settings = _settings()
    report = check_index(settings)
    if repair and not report.ok:
        with _storage_guard(settings, MIN_FREE_INGEST):
            ingestor = Ingestor(settings)
            try:
                for action in ingestor.repair(report):
                    console.print(f"hersteld: {action}")
            finally:
                ingestor.close()
        report = check_index(settings)
    if as_json:
        # Plain write, not rich: the JSON must stay parseable however wide the terminal is.
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        table = Table(title=f"Indexcontrole {report.data_dir} (registerversie {report.registry_version or '-'})")
        for col in ("controle", "aantal", "uitkomst"):
            table.add_column(col, overflow="fold")
        styles = {"ok": "green", "wacht": "yellow", "FOUT": "red"}
        for name, count, verdict in report.rows():
            table.add_row(name, count, f"[{styles[verdict]}]{verdict}[/]")
        out.print(table)
        if report.writer_busy:
            out.print("[yellow]Er liep tijdens de controle een ingest; draai de controle daarna opnieuw.[/]")
        for problem in report.problems():
            out.print(f"[red]•[/] {problem}", markup=True, highlight=False, soft_wrap=True)
        if report.ok:
            out.print("[green]Register, Chroma en BM25 zijn met elkaar in overeenstemming.[/]")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def voorstellen(
    q: Annotated[str | None, typer.Option("--q", help="Zoek in de tekst van het voorstel.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Records als JSON.")] = False,
) -> None:
    """Genummerde voorstellen ("Voorstel 1 … 11") met thema, document en pagina."""
    from ingest.store.registry import Registry
    from ingest.text.analysis import fold

    records = [r for _, r in Registry(_settings().registry_path).records("voorstel")]
    if q:
        records = [r for r in records if fold(q) in fold(f"{r['tekst']} {r['thema']}")]
    if as_json:
        out.print_json(json.dumps(records, ensure_ascii=False))
        return
    table = Table(title=f"{len(records)} voorstellen")
    for col in ("nr", "voorstel", "thema", "bestand", "p."):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(str(r["nr"]), r["tekst"][:200], r["thema"], r["file"], str(r["page"]))
    out.print(table)


@app.command()
def cijfers(
    q: Annotated[str | None, typer.Option("--q", help="Alleen cellen waarvan tabel, rij of kolom dit bevat.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Cellen als JSON.")] = False,
) -> None:
    """Getallen uit de tabellen: per cel tabel, rij, kolom, waarde, eenheid, periode, bron en vak op de pagina."""
    from ingest.store.registry import Registry

    records = [r for _, r in Registry(_settings().registry_path).records("cell")]
    if q:
        needle = q.lower()
        records = [r for r in records if needle in f"{r['table']} {r['row']} {r['column']}".lower()]
    if as_json:
        out.print_json(json.dumps(records, ensure_ascii=False))
        return
    table = Table(title=f"{len(records)} tabelcellen")
    for col in ("tabel", "rij", "kolom", "waarde", "eenheid", "periode", "bestand", "p."):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(
            r["table"][:60], r["row"], r["column"], r["value"], r["unit"], r["period"], r["file"], str(r["page"])
        )
    out.print(table)


@app.command()
def fasen(as_json: Annotated[bool, typer.Option("--json", help="Records als JSON.")] = False) -> None:
    """Fasen met jaartallen uit gefaseerde plannen (bv. 2024 Opstarten, 2025 Borgen)."""
    from ingest.store.registry import Registry

    records = [r for _, r in Registry(_settings().registry_path).records("phase")]
    if as_json:
        out.print_json(json.dumps(records, ensure_ascii=False))
        return
    table = Table(title=f"{len(records)} fasen")
    for col in ("jaar", "fase", "omschrijving", "bestand", "p."):
        table.add_column(col, overflow="fold")
    for r in records:
        years = f"{r['year']}-{r['end_year']}" if r.get("end_year") else str(r["year"])
        table.add_row(years, r["phase"], r["description"][:200], r["file"], str(r["page"]))
    out.print(table)


@app.command()
def feedback(
    as_json: Annotated[bool, typer.Option("--json", help="Alle feedback als JSON (voor export).")] = False,
) -> None:
    """Feedback op antwoorden uit de chat (duim omhoog/omlaag + opmerking)."""
    from dataclasses import asdict
    from datetime import datetime

    from assistant.service.feedback import FeedbackStore, feedback_path

    items = FeedbackStore(feedback_path(_settings())).all()
    if as_json:
        out.print_json(json.dumps([asdict(f) for f in items], ensure_ascii=False))
        return
    up = sum(f.rating == "up" for f in items)
    table = Table(title=f"{len(items)} reacties ({up} positief, {len(items) - up} negatief)")
    for col in ("#", "tijd", "oordeel", "vraag", "opmerking"):
        table.add_column(col, overflow="fold")
    for f in items:
        when = datetime.fromtimestamp(f.created_at).strftime("%Y-%m-%d %H:%M")
        table.add_row(str(f.id), when, "positief" if f.rating == "up" else "negatief", f.question, f.remark)
    out.print(table)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Adres (standaard 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Poort (standaard 8000).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="API-processen; meer dan 1 vereist een Chroma-server (WOONZORG_CHROMA_URL).")
    ] = 1,
) -> None:
    """Start de API en de chat-UI (http://HOST:PORT/)."""
    import uvicorn

    from assistant.api.app import create_app
    from assistant.service.auth import TokenConfigError, TokenStore, bind_problem

    settings = _settings()
    host = host or settings.host
    port = port or settings.port
    _check_storage(settings, MIN_FREE_SERVE)
    _check_chroma(settings)
    try:
        configured = TokenStore(settings).configured
    except TokenConfigError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    problem = bind_problem(host, settings)
    if problem:
        console.print(f"[red]{problem}[/]")
        raise typer.Exit(2)
    if not configured:
        console.print(
            "Geen tokens ingesteld: lokale demo, alleen bereikbaar op deze machine (127.0.0.1); "
            "iedereen hier heeft beheerrechten."
        )
    if workers > 1 and not settings.chroma_url:
        console.print(
            "[red]--workers > 1 vereist een Chroma-server: de ingebedde Chroma is niet veilig voor meerdere "
            "processen. Start `chroma run --path …` en zet WOONZORG_CHROMA_URL.[/]"
        )
        raise typer.Exit(2)
    console.print(f"Woonzorg-assistent op http://{host}:{port}/  (API-documentatie: /docs)")
    if workers > 1:
        # Each worker process builds its app from the same environment (WOONZORG_*, .env).
        console.print(f"{workers} API-processen; elk laadt dezelfde indexversie (registry + BM25-stempel).")
        uvicorn.run(
            "assistant.api.app:app_from_env", factory=True, workers=workers, host=host, port=port, log_level="warning"
        )
        return
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@app.command("mcp")
def mcp_stdio(
    role: Annotated[
        str,
        typer.Option("--role", help="admin (standaard), staff of partner (alleen openbare documenten)."),
    ] = "admin",
    token: Annotated[
        str | None,
        typer.Option("--token", envvar="WOONZORG_MCP_TOKEN", help="Of een API-token: dan geldt de rol van dat token."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Adres van `woonzorg serve` voor de PDF-links (standaard http://HOST:PORT/)."),
    ] = None,
) -> None:
    """MCP-server over stdio (Claude Desktop e.d.): zoeken, pagina's lezen, vragen, begrippen, maatregelen, vergelijken.

    Zonder --role of --token als lokale beheerder (ziet alle documenten), net als de lokale demo van `serve`.
    """
    from typing import cast

    from assistant.mcp.stdio import run_stdio
    from assistant.service.auth import Principal, TokenConfigError, TokenStore
    from assistant.service.scopes import ROLES, Role

    settings = _settings()
    if token is not None:
        try:
            found = TokenStore(settings).authenticate(token)
        except TokenConfigError as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(2) from exc
        if found is None:
            console.print("[red]Dit token is ongeldig of ingetrokken.[/]")
            raise typer.Exit(2)
        principal = found
    else:
        if role not in ROLES:
            console.print(f"[red]--role moet {', '.join(ROLES)} zijn.[/]")
            raise typer.Exit(2)
        principal = Principal("stdio", cast(Role, role))
    run_stdio(settings, principal, base_url or f"http://{settings.host}:{settings.port}/")


token_app = typer.Typer(help="API-tokens (rollen admin, staff, partner).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("add")
def token_add(
    role: Annotated[str, typer.Option("--role", help="admin, staff of partner")],
    label: Annotated[str, typer.Option(help="Voor wie (alleen ter herkenning).")] = "",
) -> None:
    """Maak een nieuw token; het wordt één keer getoond, alleen de hash wordt bewaard (WOONZORG_TOKENS_FILE)."""
    from assistant.service.auth import TokenConfigError, add_token

    settings = _settings()
    if settings.tokens_file is None:
        console.print("[red]Stel eerst WOONZORG_TOKENS_FILE in (pad naar het tokenbestand).[/]")
        raise typer.Exit(2)
    try:
        token, entry = add_token(settings.tokens_file, role, label)
    except TokenConfigError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    console.print(f"Token voor rol {entry['role']} (id {entry['id']}); bewaar het nu, het wordt niet opnieuw getoond:")
    out.print(token, markup=False, highlight=False)


@app.command()
def audit(
    as_json: Annotated[bool, typer.Option("--json", help="Alle regels als JSON (voor export).")] = False,
) -> None:
    """Het auditlog van beheeracties (upload, verwijderen, herindexeren, toegang, tokengebruik)."""
    from dataclasses import asdict
    from datetime import datetime

    from assistant.service.audit import AuditLog

    entries = AuditLog(_settings().audit_path).entries()
    if as_json:
        out.print_json(json.dumps([asdict(e) for e in entries], ensure_ascii=False))
        return
    table = Table(title=f"Auditlog ({len(entries)} regels)")
    for col in ("tijd", "token", "rol", "actie", "doel", "details"):
        table.add_column(col, overflow="fold")
    for e in entries:
        when = datetime.fromtimestamp(e.at).strftime("%Y-%m-%d %H:%M:%S")
        details = ", ".join(f"{k}={v}" for k, v in e.detail.items())
        table.add_row(when, e.token_id, e.role, e.action, e.target, details)
    out.print(table)


if __name__ == "__main__":
    app()
