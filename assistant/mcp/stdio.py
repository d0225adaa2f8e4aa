"""``woonzorg mcp``: the MCP server over stdio, for a client that starts it (Claude Desktop and the like).

It loads the index itself and answers as one fixed principal (the local admin, or the role or
token given on the command line); nothing but MCP messages goes to stdout.
"""

from __future__ import annotations

from assistant.mcp.server import Access, build_server
from assistant.retrieval.hybrid import HybridSearcher
from assistant.retrieval.index import SearchIndex
from assistant.service.auth import Principal
from assistant.service.scopes import ScopedIndexes
from ingest.settings import Settings


def run_stdio(settings: Settings, principal: Principal, base_url: str) -> None:
    scopes = ScopedIndexes(HybridSearcher(SearchIndex(settings)), settings)
    access = Access(scopes=lambda: scopes, principal=lambda _ctx: principal, base_url=lambda _ctx: base_url)
    build_server(access).run("stdio")
