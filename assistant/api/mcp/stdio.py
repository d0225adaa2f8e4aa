"""``woonzorg mcp``: the MCP server over stdio, for a client that starts it (Claude Desktop and the like).

It loads the index itself and answers as one fixed principal (the local admin, or the role or
token given on the command line); nothing but MCP messages goes to stdout.
"""

from __future__ import annotations

from assistant import Assistant, Principal, Settings
from assistant.api.mcp.server import Access, build_server


def run_stdio(settings: Settings, principal: Principal, base_url: str) -> None:
    kb = Assistant.open(settings)
    access = Access(assistant=lambda: kb, principal=lambda _ctx: principal, base_url=lambda _ctx: base_url)
    build_server(access).run("stdio")
