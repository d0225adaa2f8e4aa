"""Commands that run and manage the service: serve, mcp, token, audit, feedback."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from assistant.cli.common import check_chroma, check_storage, console, load_settings, out
from ingest.store.checks import MIN_FREE_SERVE
from prompts import cli as P
from prompts.service import INVALID_TOKEN_NL

commands = typer.Typer()


@commands.command()
def feedback(
    as_json: Annotated[bool, typer.Option("--json", help="Alle feedback als JSON (voor export).")] = False,
) -> None:
    """Feedback op antwoorden uit de chat (duim omhoog/omlaag + opmerking)."""
    from dataclasses import asdict
    from datetime import datetime

    from assistant import FeedbackStore, feedback_path

    items = FeedbackStore(feedback_path(load_settings())).all()
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


@commands.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Adres (standaard 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Poort (standaard 8000).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="API-processen; meer dan 1 vereist een Chroma-server (WOONZORG_CHROMA_URL).")
    ] = 1,
) -> None:
    """Start de API en de chat-UI (http://HOST:PORT/)."""
    import uvicorn

    from assistant import TokenConfigError, TokenStore, bind_problem
    from assistant.api.app import create_app

    settings = load_settings()
    host = host or settings.service.host
    port = port or settings.service.port
    check_storage(settings, MIN_FREE_SERVE)
    check_chroma(settings)
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
        console.print(P.NO_TOKENS_NL)
    if workers > 1 and not settings.index.chroma_url:
        console.print(f"[red]{P.WORKERS_NEED_CHROMA_NL}[/]")
        raise typer.Exit(2)
    console.print(P.SERVING_NL.format(host=host, port=port))
    if workers > 1:
        # Each worker process builds its app from the same environment (WOONZORG_*, .env).
        console.print(P.WORKERS_NL.format(workers=workers))
        uvicorn.run(
            "assistant.api.app:app_from_env", factory=True, workers=workers, host=host, port=port, log_level="warning"
        )
        return
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@commands.command("mcp")
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

    from assistant import ROLES, Principal, Role, TokenConfigError, TokenStore
    from assistant.api.mcp.stdio import run_stdio

    settings = load_settings()
    if token is not None:
        try:
            found = TokenStore(settings).authenticate(token)
        except TokenConfigError as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(2) from exc
        if found is None:
            console.print(f"[red]{INVALID_TOKEN_NL}[/]")
            raise typer.Exit(2)
        principal = found
    else:
        if role not in ROLES:
            console.print(f"[red]{P.BAD_ROLE_NL.format(roles=', '.join(ROLES))}[/]")
            raise typer.Exit(2)
        principal = Principal("stdio", cast(Role, role))
    run_stdio(settings, principal, base_url or f"http://{settings.service.host}:{settings.service.port}/")


token_app = typer.Typer(help="API-tokens (rollen admin, staff, partner).", no_args_is_help=True)
commands.add_typer(token_app, name="token")


@token_app.command("add")
def token_add(
    role: Annotated[str, typer.Option("--role", help="admin, staff of partner")],
    label: Annotated[str, typer.Option(help="Voor wie (alleen ter herkenning).")] = "",
) -> None:
    """Maak een nieuw token; het wordt één keer getoond, alleen de hash wordt bewaard (WOONZORG_TOKENS_FILE)."""
    from assistant import TokenConfigError, add_token

    settings = load_settings()
    if settings.service.tokens_file is None:
        console.print(f"[red]{P.NO_TOKENS_FILE_NL}[/]")
        raise typer.Exit(2)
    try:
        token, entry = add_token(settings.service.tokens_file, role, label)
    except TokenConfigError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    console.print(P.NEW_TOKEN_NL.format(role=entry["role"], id=entry["id"]))
    out.print(token, markup=False, highlight=False)


@commands.command()
def audit(
    as_json: Annotated[bool, typer.Option("--json", help="Alle regels als JSON (voor export).")] = False,
) -> None:
    """Het auditlog van beheeracties (upload, verwijderen, herindexeren, toegang, tokengebruik)."""
    from dataclasses import asdict
    from datetime import datetime

    from assistant import AuditLog

    entries = AuditLog(load_settings().audit_path).entries()
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

