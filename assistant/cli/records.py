"""Commands that list the records read from the documents: maatregelen, begrippen, voorstellen, cijfers, fasen."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from assistant.cli.common import console, load_settings, out
from prompts import cli as P
from prompts.service import NO_DEFINITION_NL

commands = typer.Typer()


@commands.command()
def maatregelen(
    trekker: Annotated[str | None, typer.Option(help="Alleen maatregelen met deze trekker (deel van de naam).")] = None,
    q: Annotated[str | None, typer.Option("--q", help="Zoek in maatregel, doel en status.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Records als JSON.")] = False,
) -> None:
    """Maatregelen uit de actietabellen: wie (trekker), wanneer (tijdspad), met wie, hoe ver."""
    from dataclasses import asdict

    from ingest.records.maatregelen import Maatregel, filter_maatregelen
    from ingest.store.registry import Registry

    stored = [Maatregel(**r) for _, r in Registry(load_settings().registry_path).records("maatregel")]
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


@commands.command()
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

    found = [Begrip(**r) for _, r in Registry(load_settings().registry_path).records("begrip")]
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
        console.print(f"[yellow]{NO_DEFINITION_NL.format(term=term)}[/]")
        raise typer.Exit(1)
    table = Table(title=f"{len(rows)} begrippen")
    for col in ("begrip", "definitie", "bron", "p.", "scope"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r["term"]), str(r["definition"])[:300], str(r["file"]), str(r["page"]), str(r["scope"]))
    out.print(table)
    for note in differences(found) if term else []:
        out.print(f"[bold yellow]{P.NOTE_NL}[/] {note}")


@commands.command()
def voorstellen(
    q: Annotated[str | None, typer.Option("--q", help="Zoek in de tekst van het voorstel.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Records als JSON.")] = False,
) -> None:
    """Genummerde voorstellen ("Voorstel 1 … 11") met thema, document en pagina."""
    from ingest.store.registry import Registry
    from ingest.text.analysis import fold

    records = [r for _, r in Registry(load_settings().registry_path).records("voorstel")]
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


@commands.command()
def cijfers(
    q: Annotated[str | None, typer.Option("--q", help="Alleen cellen waarvan tabel, rij of kolom dit bevat.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Cellen als JSON.")] = False,
) -> None:
    """Getallen uit de tabellen: per cel tabel, rij, kolom, waarde, eenheid, periode, bron en vak op de pagina."""
    from ingest.store.registry import Registry

    records = [r for _, r in Registry(load_settings().registry_path).records("cell")]
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


@commands.command()
def fasen(as_json: Annotated[bool, typer.Option("--json", help="Records als JSON.")] = False) -> None:
    """Fasen met jaartallen uit gefaseerde plannen (bv. 2024 Opstarten, 2025 Borgen)."""
    from ingest.store.registry import Registry

    records = [r for _, r in Registry(load_settings().registry_path).records("phase")]
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


