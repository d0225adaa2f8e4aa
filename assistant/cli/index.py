"""Commands that build and keep the index: ingest, documents, access, check."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.cli.common import check_chroma, console, load_settings, out, storage_guard
from ingest.models import REJECTED
from ingest.store.checks import MIN_FREE_INGEST, MIN_FREE_SERVE
from prompts import cli as P
from prompts.access import (
    ACCESS_BAD_VALUE_NL,
    ACCESS_CHANGED_NL,
    ACCESS_UNCHANGED_NL,
    ACCESS_UNKNOWN_DOC_NL,
    INTERN_HINT_NL,
)

if TYPE_CHECKING:
    from ingest.ops.pipeline import FileOutcome

commands = typer.Typer()
# The pipeline (llama-index, Chroma, the embedder) is imported inside the commands that run it:
# `woonzorg --help` and every other command stay fast.


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


@commands.command()
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
    settings = load_settings()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        console.print(f"[red]{P.NOT_FOUND_NL}[/] {', '.join(missing)}")
        raise typer.Exit(2)
    from ingest.ops.manifest import ManifestError
    from ingest.ops.pipeline import Ingestor, discover_pdfs

    check_chroma(settings)
    files = discover_pdfs(paths)
    with (
        storage_guard(settings, MIN_FREE_INGEST),
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
        console.print(P.VECTORS_FOLLOW_NL.format(n=waiting))
    if as_json:
        out.print_json(json.dumps([o.__dict__ for o in outcomes], ensure_ascii=False))
    if strict and any(o.status == REJECTED for o in outcomes):
        raise typer.Exit(1)


_RECORD_KINDS = {
    "begrip": "begrippen",
    "maatregel": "maatregelen",
    "voorstel": "voorstellen",
    "phase": "fasen",
    "cell": "tabelcellen",
}


@commands.command()
def documents(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Toon wat er geïndexeerd is, met per document de toegang en de gevonden structuur (begrippen, maatregelen …)."""
    from collections import Counter

    from ingest.ops.access import access_of
    from ingest.store.registry import Registry

    registry = Registry(load_settings().registry_path)
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


@commands.command("access")
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
    from assistant import AuditLog
    from ingest.ops.access import FROM_ADMIN, change_access_of, parse_access

    wanted = parse_access(level)
    if wanted is None:
        console.print(f"[red]{escape(ACCESS_BAD_VALUE_NL.format(value=level))}[/]")
        raise typer.Exit(2)
    settings = load_settings()
    check_chroma(settings)
    with storage_guard(settings, MIN_FREE_SERVE):
        changed = change_access_of(settings, doc, wanted, FROM_ADMIN)
        if changed is None:
            console.print(f"[red]{escape(ACCESS_UNKNOWN_DOC_NL.format(doc=doc))}[/]")
            raise typer.Exit(2)
        change = changed[0]
        if change.changed:
            AuditLog(settings.audit_path).record(
                "cli", "admin", "access", change.doc_id, file=change.file, old=change.old, new=change.new, via="cli"
            )
    text = ACCESS_CHANGED_NL if change.changed else ACCESS_UNCHANGED_NL
    out.print(text.format(**change.__dict__), markup=False, highlight=False)


@commands.command()
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Het volledige rapport als JSON op stdout.")] = False,
    repair: Annotated[
        bool, typer.Option("--repair", help="Herstel wat gevonden is (vectoren, BM25, resten) en controleer opnieuw.")
    ] = False,
) -> None:
    """Controleer of register, Chroma en BM25 dezelfde chunks beschrijven (exitcode 1 als dat niet zo is)."""
    from ingest.ops.pipeline import Ingestor
    from ingest.store.consistency import check_index

    settings = load_settings()
    report = check_index(settings)
    if repair and not report.ok:
        with storage_guard(settings, MIN_FREE_INGEST):
            ingestor = Ingestor(settings)
            try:
                for action in ingestor.repair(report):
                    console.print(P.REPAIRED_NL.format(action=action))
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
            out.print(f"[yellow]{P.CHECK_WRITER_BUSY_NL}[/]")
        for problem in report.problems():
            out.print(f"[red]•[/] {problem}", markup=True, highlight=False, soft_wrap=True)
        if report.ok:
            out.print(f"[green]{P.CHECK_CONSISTENT_NL}[/]")
    if not report.ok:
        raise typer.Exit(1)


