"""Commands that ask the index: search, ask, compare."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from assistant.cli.common import console, load_settings, out
from prompts import cli as P

commands = typer.Typer()


def _question_lines(path: Path) -> Iterator[tuple[str, str, str | None]]:
    """(id, question, context) per valid line of a question file; bad lines are reported and skipped."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            qid, question = str(item["id"]), str(item["question"])
        except (ValueError, KeyError, TypeError) as exc:
            console.print(f"[red]{P.BAD_QUESTION_LINE_NL.format(n=n, problem=exc)}[/]")
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


@commands.command()
def search(
    query: Annotated[str | None, typer.Argument(help="De zoekvraag.")] = None,
    k: Annotated[int, typer.Option("--k", help="Aantal resultaten.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="JSON op stdout.")] = False,
    jsonl: Annotated[Path | None, typer.Option("--jsonl", help="Vragenbestand (JSONL met id en question).")] = None,
    mode: Annotated[str, typer.Option(help="hybrid, bm25 of dense.")] = "hybrid",
) -> None:
    """Zoek passages (hybride BM25 + semantisch)."""
    from assistant import Assistant, retrieval_query

    if mode not in ("hybrid", "bm25", "dense"):
        console.print(f"[red]{P.BAD_MODE_NL}[/]")
        raise typer.Exit(2)
    if (query is None) == (jsonl is None):
        console.print(f"[red]{P.QUESTION_OR_JSONL_NL}[/]")
        raise typer.Exit(2)
    kb = Assistant.open(load_settings(one_question=jsonl is None))
    if jsonl is not None:
        earlier: dict[str, tuple[str, str | None]] = {}
        for qid, question, context in _question_lines(jsonl):
            earlier[qid] = (question, context)
            hits = kb.search(retrieval_query(question, context, earlier), k=max(k, 10), mode=mode)  # type: ignore[arg-type]
            sys.stdout.write(
                json.dumps({"id": qid, "results": [_passage_json(p) for p in hits]}, ensure_ascii=False) + "\n"
            )
        return
    assert query is not None
    hits = kb.search(query, k=k, mode=mode)  # type: ignore[arg-type]
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
    from assistant import Turn

    chain: list[Turn] = []
    seen: set[str] = set()
    while context and context in turns and context not in seen:
        seen.add(context)
        parent, answer = turns[context]
        chain.append(Turn(question=answer.question, answer=answer.answer, cited_pages=_pages(answer)))
        context = parent
    return list(reversed(chain))


@commands.command()
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
    from assistant import Assistant, SearchFilters

    if (question is None) == (jsonl is None):
        console.print(f"[red]{P.QUESTION_OR_JSONL_NL}[/]")
        raise typer.Exit(2)
    kb = Assistant.open(load_settings(one_question=jsonl is None))
    ids = [d for d in doc or [] if not d.lower().endswith(".pdf")] or None
    files = [d for d in doc or [] if d.lower().endswith(".pdf")] or None
    filters = SearchFilters(
        doc_ids=ids, files=files, region=region, municipality=municipality, document_type=doc_type, year=year
    )
    if jsonl is not None:
        turns: dict[str, tuple[str | None, Any]] = {}
        for qid, text, context in _question_lines(jsonl):
            answer = kb.ask(text, history=_conversation(qid, context, turns), filters=filters)
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
    answer = kb.ask(question, filters=filters)
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


@commands.command()
def compare(
    topic: Annotated[str, typer.Argument(help="Het onderwerp, bv. 'geclusterd wonen'.")],
    docs: Annotated[
        list[str] | None,
        typer.Option("--docs", help="Document: doc_id, bestandsnaam of regio/gemeente (meerdere keren)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="De vergelijking als JSON.")] = False,
) -> None:
    """Vergelijk wat documenten over een onderwerp zeggen: één kolom per document, met bronnen."""
    from assistant import Assistant

    kb = Assistant.open(load_settings(one_question=True))
    doc_ids, unknown = kb.resolve_documents(docs or [])
    if unknown:
        console.print(f"[red]{P.UNKNOWN_DOCUMENTS_NL.format(docs=', '.join(unknown))}[/] {P.COMPARE_SEE_DOCUMENTS_NL}")
        raise typer.Exit(2)
    table = kb.compare(topic, doc_ids or None)
    if as_json:
        out.print_json(table.model_dump_json())
        return
    grid = Table(title=f"Vergelijking: {topic}", show_lines=True)
    for col in table.columns:
        grid.add_column(col.title, overflow="fold")
    cells = []
    for col in table.columns:
        if not col.found:
            cells.append(f"[dim]{P.COMPARE_NOT_FOUND_NL}[/]")
            continue
        body = "\n".join(col.answer.splitlines()[1:])
        sources = "\n".join(f"[{c.n}] p. {c.page}" for c in col.citations)
        cells.append(f"{body}\n[dim]{sources}[/]")
    grid.add_row(*cells)
    out.print(grid)


