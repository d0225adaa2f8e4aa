"""The MCP server with the official ``mcp`` client: over Streamable HTTP against a real ``woonzorg serve``
(/mcp, same tokens and roles as /api) and over stdio against ``woonzorg mcp``."""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from ingest.settings import Settings
from prompts.answer import REFUSAL_NL
from tests.assistant.api.conftest import INTERN_FILE, TOKENS, token_env
from tests.assistant.conftest import WOONZORG

TOOLS = {"search", "fetch", "ask", "define", "measures", "compare", "documents"}
Session = Callable[[Client], Awaitable[Any]]


def _http(url: str, session: Session, token: str | None = None, mode: str = "auto") -> Any:
    async def main() -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=120) as http,
            Client(streamable_http_client(f"{url}/mcp", http_client=http), mode=mode) as client,  # type: ignore[arg-type]
        ):
            return await session(client)

    return anyio.run(main)


def _stdio(settings: Settings, session: Session, *args: str, env: dict[str, str] | None = None) -> Any:
    env = env or {k: v for k, v in os.environ.items() if not k.startswith("WOONZORG_")}
    env["WOONZORG_DATA_DIR"] = str(settings.data_dir)
    env["WOONZORG_CORPUS_DIR"] = str(settings.corpus_dir)
    params = StdioServerParameters(command=str(WOONZORG), args=["mcp", *args], env=env)

    async def main() -> Any:
        async with Client(stdio_client(params), read_timeout_seconds=180) as client:
            return await session(client)

    return anyio.run(main)


async def _call(client: Client, name: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(name, arguments)
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def _error(client: Client, name: str, **arguments: Any) -> str:
    """The message of a failing call: a tool error result or an MCP protocol error, never a trace."""
    try:
        result = await client.call_tool(name, arguments)
    except MCPError as exc:
        text = str(exc)
    else:
        assert result.is_error, result
        text = " ".join(getattr(c, "text", "") for c in result.content)
    assert text and "Traceback" not in text
    return text


def _normalised(text: str) -> str:
    return " ".join(text.split())


def test_tools_over_http(live_url: str, doc_ids: dict[str, str]) -> None:
    async def session(client: Client) -> None:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == TOOLS
        assert all(t.description and t.output_schema for t in tools.values())  # typed, structured output

        found = await _call(client, "search", query="Expertteam Huisvesting Aandachtsgroepen", k=3)
        assert len(found["results"]) == 3
        hit = found["results"][0]
        assert hit["id"] == f"{hit['doc_id']}:{hit['page']}" and hit["title"] and hit["quote"]
        assert hit["url"] == f"{live_url}/documents/{hit['doc_id']}.pdf#page={hit['page']}"

        page = await _call(client, "fetch", id=hit["id"])
        assert (page["doc_id"], page["page"]) == (hit["doc_id"], hit["page"])
        assert "Expertteam Huisvesting Aandachtsgroepen" in _normalised(page["text"])
        assert httpx.get(page["url"].partition("#")[0], timeout=60).headers["content-type"] == "application/pdf"

        answer = await _call(client, "ask", question="Wat zijn zorggeschikte woningen?")
        assert answer["refused"] is False and answer["citations"]
        for c in answer["citations"]:
            assert f"[{c['n']}]" in answer["answer"]
            cited = await _call(client, "fetch", id=f"{c['doc_id']}:{c['page']}")
            assert _normalised(c["quote"]) in _normalised(cited["text"])
        refused = await _call(client, "ask", question="Hoeveel subsidie geeft de gemeente voor zonnepanelen?")
        assert refused["refused"] is True and refused["answer"].startswith(REFUSAL_NL)

        defined = await _call(client, "define", term="nultredenwoning")
        assert defined["terms"] and all(t["definition"] and t["page"] >= 1 for t in defined["terms"])
        assert "nultreden" in defined["terms"][0]["term"].lower()

        measures = await _call(client, "measures", q="platform")
        assert measures["count"] == len(measures["measures"]) >= 1
        assert all(m["trekker"] is not None and m["page"] >= 1 for m in measures["measures"])

        gooi = doc_ids["strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"]
        compared = await _call(client, "compare", topic="zorggeschikte woningen", docs=[gooi])
        assert [col["doc_id"] for col in compared["columns"]] == [gooi]

        listed = (await client.list_resources()).resources
        assert [str(r.uri) for r in listed] == ["woonzorg://documents"]
        text = (await client.read_resource("woonzorg://documents")).contents[0].text  # type: ignore[union-attr]
        assert {d["doc_id"] for d in json.loads(text)} == set(doc_ids.values())

        # Errors: a message to read, never a trace.
        assert "nope" in await _error(client, "nope")
        await _error(client, "search", query="")
        await _error(client, "search")
        assert "DOCID:PAGINA" in await _error(client, "fetch", id="geen-id")
        assert "Onbekend document" in await _error(client, "fetch", id="bestaatniet:1")
        assert "parkeervergunning" in await _error(client, "define", term="parkeervergunning")
        assert "Onbekend document" in await _error(client, "measures", doc="bestaatniet")

    _http(live_url, session)


def test_handshake_era_clients(live_url: str) -> None:
    """A client of the 2025 protocol (initialize handshake) gets the same tools and answers."""

    async def session(client: Client) -> dict[str, Any]:
        assert client.protocol_version == "2025-11-25"
        return await _call(client, "ask", question="Wat zijn zorggeschikte woningen?")

    answer = _http(live_url, session, mode="legacy")
    assert answer["refused"] is False and answer["citations"]


def test_http_roles(mixed_url: str, mixed_doc_ids: dict[str, str]) -> None:
    intern = mixed_doc_ids[INTERN_FILE]

    async def as_partner(client: Client) -> None:
        docs = await _call(client, "documents")
        assert intern not in {d["doc_id"] for d in docs["documents"]} and len(docs["documents"]) == 2
        text = (await client.read_resource("woonzorg://documents")).contents[0].text  # type: ignore[union-attr]
        assert intern not in text and INTERN_FILE not in text
        found = await _call(client, "search", query="Gooi en Vechtstreek maatregel trekker", k=20)
        assert intern not in json.dumps(found)
        assert await _error(client, "fetch", id=f"{intern}:1") == "Error executing tool fetch: " + (
            f"Onbekend document: {intern}."
        )
        answer = await _call(client, "ask", question="Wie is trekker van maatregel 1d?")
        assert answer["refused"] is True and intern not in json.dumps(answer)
        assert (await _call(client, "measures"))["count"] == 0  # only the internal plan has them
        assert "Onbekend document" in await _error(client, "compare", topic="wonen", docs=[intern])

    async def as_staff(client: Client) -> None:
        docs = await _call(client, "documents")
        assert intern in {d["doc_id"] for d in docs["documents"]}
        assert (await _call(client, "fetch", id=f"{intern}:1"))["doc_id"] == intern
        answer = await _call(client, "ask", question="Wie is trekker van maatregel 1d?")
        assert not answer["refused"] and {c["doc_id"] for c in answer["citations"]} == {intern}

    _http(mixed_url, as_partner, token=TOKENS["partner"])
    _http(mixed_url, as_staff, token=TOKENS["staff"])

    async def nothing(client: Client) -> None:
        await client.list_tools()

    for token in (None, "verkeerd"):
        with pytest.raises(BaseException) as err:  # the client's task group wraps the MCP error
            _http(mixed_url, nothing, token=token)
        assert "Inloggen vereist" in repr(err.value) or "ongeldig" in repr(err.value)
    r = httpx.post(f"{mixed_url}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert r.status_code == 401 and r.json()["error"]["message"].startswith("Inloggen vereist")


@pytest.mark.slow
def test_stdio(mixed_settings: Settings, mixed_doc_ids: dict[str, str]) -> None:
    intern = mixed_doc_ids[INTERN_FILE]

    async def session(client: Client) -> tuple[set[str], dict[str, Any], str, Any]:
        assert {t.name for t in (await client.list_tools()).tools} == TOOLS
        docs = {d["doc_id"] for d in (await _call(client, "documents"))["documents"]}
        found = await _call(client, "search", query="maatregel trekker tijdspad", k=5)
        return docs, found, await _error(client, "nope"), await client.call_tool("fetch", {"id": f"{intern}:1"})

    docs, found, unknown, fetched = _stdio(mixed_settings, session)  # the local admin: everything
    assert docs == set(mixed_doc_ids.values())
    assert found["results"][0]["url"].startswith("http://127.0.0.1:8000/documents/")
    assert "nope" in unknown
    assert not fetched.is_error and fetched.structured_content["doc_id"] == intern

    docs, found, _, fetched = _stdio(mixed_settings, session, "--role", "partner")
    assert intern not in docs and len(docs) == 2
    assert intern not in json.dumps(found)
    assert fetched.is_error and f"Onbekend document: {intern}." in fetched.content[0].text

    async def ask(client: Client) -> dict[str, Any]:
        return await _call(client, "ask", question="Wie is trekker van maatregel 1d?")

    # With a token: that token's role (partner), checked against the same token settings as the API.
    answer = _stdio(mixed_settings, ask, "--token", TOKENS["partner"], env=token_env(mixed_settings))
    assert answer["refused"] is True and intern not in json.dumps(answer)
