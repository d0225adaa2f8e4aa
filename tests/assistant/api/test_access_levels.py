"""Access that fails closed, and access changes without re-embedding (issue 14, item 1).

A folder of synthetic PDFs with its own ``manifest.json`` (one entry ``intern`` by file name,
one ``public`` matched only by content hash, one PDF without an entry) is ingested with the
real ``woonzorg ingest FOLDER`` and served by a real ``woonzorg serve`` with tokens. Partners
see only the public document; ``woonzorg access`` and ``PATCH /api/documents/{doc_id}``
change a level on the running server (next index version), with no embedding and no ingest.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.service.audit import AuditLog
from ingest.settings import Settings
from ingest.store.registry import Registry
from tests.assistant.api.conftest import TOKENS, auth, serving
from tests.assistant.conftest import WOONZORG
from tests.conftest import CORPUS, make_settings
from tests.pdf_pages import html_page, print_pdf

pytestmark = pytest.mark.slow

INTERN, PUBLIC, NO_ENTRY = (
    "intern-notitie-zonnebloemhof.pdf",
    "openbaar-plan-lindelaan.pdf",
    "zonder-regel-kastanjehof.pdf",
)
EXPECTED = {INTERN: "intern", PUBLIC: "public", NO_ENTRY: "intern"}  # the access each one gets at ingest
PICKUP_TIMEOUT = 30.0  # seconds for a running server to load a new index version

# Lines of each document that no other one contains (the leak markers).
LINES = {
    INTERN: [
        "Het vertrouwelijke pilotproject Zonnebloemhof start in maart 2026 met veertig zorgwoningen.",
        "De wethouder onderhandelt met zorgaanbieder Morgenrood over een huurkorting van achttien procent.",
        "Het budget voor Zonnebloemhof is 4,2 miljoen euro en wordt nog niet openbaar gemaakt.",
    ],
    PUBLIC: [
        "De gemeente bouwt aan de Lindelaan zestig levensloopbestendige woningen voor senioren.",
        "Bewoners van de Lindelaan kunnen vanaf 2025 gebruikmaken van een buurtsteunpunt.",
        "Het plan voor de Lindelaan is in de gemeenteraad besproken en vastgesteld.",
    ],
    NO_ENTRY: [
        "Het concept Kastanjehof beschrijft een wooncoöperatie met dertig geclusterde woningen.",
        "In Kastanjehof delen bewoners een gemeenschappelijke tuin en een logeerkamer voor mantelzorgers.",
        "De financiering van Kastanjehof wordt verkend met een maatschappelijke belegger.",
    ],
}
TITLES = {INTERN: "Interne notitie Zonnebloemhof", PUBLIC: "Openbaar plan Lindelaan", NO_ENTRY: "Concept Kastanjehof"}


def _html(file: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in LINES[file])
    return html_page(f"<h1>{TITLES[file]}</h1><h2>Samenvatting</h2>{paragraphs}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Folder:
    settings: Settings
    pdfs: Path
    env: dict[str, str]
    ingest_json: list[dict[str, Any]]
    ingest_stderr: str
    doc_ids: dict[str, str]  # file → doc_id


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WOONZORG_")}
    env["WOONZORG_DATA_DIR"] = str(settings.data_dir)
    env["WOONZORG_CORPUS_DIR"] = str(CORPUS)  # the corpus manifest is the fallback; it names none of these
    env["WOONZORG_API_TOKENS"] = ",".join(f"{t}:{r}" for r, t in TOKENS.items())
    env["WOONZORG_RATE_LIMIT_PER_MINUTE"] = "0"
    env["COLUMNS"] = "250"  # rich tables unwrapped
    return env


def woonzorg(env: dict[str, str], cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(WOONZORG), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Folder:
    root = tmp_path_factory.mktemp("access-folder")
    pdfs = root / "pdfs"
    for file in LINES:
        print_pdf(_html(file), pdfs, file)
    # intern by file name; public only by content hash (under another name); NO_ENTRY has no entry.
    manifest = {
        "documents": [
            {"file": INTERN, "title": TITLES[INTERN], "access": "intern"},
            {
                "file": "lindelaan-definitief.pdf",
                "sha256": _sha256(pdfs / PUBLIC),
                "title": TITLES[PUBLIC],
                "access": "public",
            },
        ]
    }
    (pdfs / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    settings = make_settings(root / "data")
    env = _env(settings)
    done = woonzorg(env, root, "ingest", str(pdfs), "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    outcomes = json.loads(done.stdout)
    registry = Registry(settings.registry_path)
    try:
        doc_ids = {d.file: d.doc_id for d in registry.documents()}
    finally:
        registry.close()
    assert set(doc_ids) == set(LINES)
    return Folder(settings, pdfs, env, outcomes, done.stderr, doc_ids)


@pytest.fixture(scope="module")
def url(folder: Folder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(folder.env, tmp_path_factory.mktemp("serve-access")) as base:
        yield base


@pytest.fixture(scope="module")
def api(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=120) as client:
        yield client


def _leaks(payload: Any, files: tuple[str, ...], folder: Folder, question: str = "") -> list[str]:
    text = (payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)).replace(question, " ")
    markers = [m for f in files for m in (folder.doc_ids[f], f, TITLES[f], *LINES[f])]
    return [m for m in markers if m in text]


def _partner_files(api: httpx.Client) -> set[str]:
    r = api.get("/api/documents", headers=auth("partner"))
    assert r.status_code == 200, r.text
    return {d["file"] for d in r.json()}


def _wait_for_partner(api: httpx.Client, expected: set[str]) -> float:
    """Poll until a partner's document list is ``expected``; seconds it took."""
    started = time.monotonic()
    while (seen := _partner_files(api)) != expected:
        assert time.monotonic() - started < PICKUP_TIMEOUT, f"partner still sees {seen}, expected {expected}"
        time.sleep(0.2)
    return time.monotonic() - started


def _index_state(api: httpx.Client, folder: Folder) -> dict[str, Any]:
    """What an access change must leave alone: vectors, cached embeddings, chunks, embedded state."""
    health = api.get("/health", headers=auth("staff")).json()
    with closing(sqlite3.connect(folder.settings.embed_cache_path)) as db:
        cached = db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    registry = Registry(folder.settings.registry_path)
    try:
        docs = registry.documents()
        chunks = sorted(c.chunk_id for c in registry.chunks())
        return {
            "vectors": health["vectors"],
            "cached_embeddings": cached,
            "chunks": chunks,
            "embedded": {d.file: d.embedded_model for d in docs},
            "ingested_at": {d.file: d.ingested_at for d in docs},
            "version": registry.version(),
        }
    finally:
        registry.close()


def _ask(api: httpx.Client, question: str, role: str = "partner") -> dict[str, Any]:
    r = api.post("/api/ask", json={"question": question}, headers=auth(role))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_folder_manifest_decides_and_no_entry_is_intern(folder: Folder, api: httpx.Client) -> None:
    assert {o["file"]: o["access"] for o in folder.ingest_json} == EXPECTED
    assert {o["file"]: o["status"] for o in folder.ingest_json} == dict.fromkeys(LINES, "ingested")
    no_entry = next(o for o in folder.ingest_json if o["file"] == NO_ENTRY)
    assert "geen toegang in manifest.json: intern" in no_entry["message"]
    # The summary table has the column, and the hint how to make a document public.
    header = next(line for line in folder.ingest_stderr.splitlines() if "bestand" in line and "uitkomst" in line)
    assert "toegang" in header
    assert "woonzorg access DOC public" in " ".join(folder.ingest_stderr.split())
    # The manifest's title came with the hash match.
    staff = {d["file"]: d for d in api.get("/api/documents", headers=auth("staff")).json()}
    assert {f: d["access"] for f, d in staff.items()} == EXPECTED
    assert staff[PUBLIC]["title"] == TITLES[PUBLIC]

    listed = woonzorg(folder.env, folder.pdfs.parent, "documents")
    assert listed.returncode == 0, listed.stderr
    assert "toegang" in listed.stdout
    rows = {
        line.split("│")[2].strip(): line.split("│")[3].strip()
        for line in listed.stdout.splitlines()
        if line.count("│") > 4 and ".pdf" in line
    }
    assert rows == EXPECTED, listed.stdout
    as_json = json.loads(woonzorg(folder.env, folder.pdfs.parent, "documents", "--json").stdout)
    assert {d["file"]: d["access"] for d in as_json} == EXPECTED

    # Partner: only the public document, in every list, hit, answer and citation.
    hidden = (INTERN, NO_ENTRY)
    assert _partner_files(api) == {PUBLIC}
    for file in LINES:
        for line in LINES[file]:
            question = " ".join(line.split()[:9])
            found = api.get("/api/search", params={"q": question, "k": 20}, headers=auth("partner"))
            assert found.status_code == 200
            assert {h["file"] for h in found.json()["results"]} <= {PUBLIC}
            assert not _leaks(found.json(), hidden, folder, question)
            answer = _ask(api, f"Wat staat er over {question}?")
            assert {c["doc_id"] for c in answer["citations"]} <= {folder.doc_ids[PUBLIC]}
            assert not _leaks(answer, hidden, folder, question)
    assert not _ask(api, "Wat bouwt de gemeente aan de Lindelaan?")["refused"]
    assert _ask(api, "Wanneer start het vertrouwelijke pilotproject Zonnebloemhof?")["refused"]
    # Staff sees the internal ones.
    answer = _ask(api, "Wanneer start het vertrouwelijke pilotproject Zonnebloemhof?", role="staff")
    assert {c["doc_id"] for c in answer["citations"]} == {folder.doc_ids[INTERN]}


def test_access_command_on_a_running_server(folder: Folder, api: httpx.Client) -> None:
    cwd = folder.pdfs.parent
    before = _index_state(api, folder)
    assert _partner_files(api) == {PUBLIC}

    done = woonzorg(folder.env, cwd, "access", NO_ENTRY, "public", timeout=120)
    assert done.returncode == 0, done.stderr
    assert "toegang intern → public" in done.stdout and NO_ENTRY in done.stdout
    waited = _wait_for_partner(api, {PUBLIC, NO_ENTRY})
    print(f"\npartner saw the change after {waited:.1f}s")
    hits = api.get("/api/search", params={"q": "wooncoöperatie Kastanjehof"}, headers=auth("partner")).json()
    assert NO_ENTRY in {h["file"] for h in hits["results"]}
    after = _index_state(api, folder)
    assert after["version"] != before["version"]
    assert {k: v for k, v in after.items() if k != "version"} == {k: v for k, v in before.items() if k != "version"}
    assert any(
        e.action == "access" and e.target == folder.doc_ids[NO_ENTRY] and e.detail["new"] == "public"
        for e in AuditLog(folder.settings.audit_path).entries()
    )

    # Same level again: nothing changes, no new version.
    again = woonzorg(folder.env, cwd, "access", folder.doc_ids[NO_ENTRY], "public", timeout=120)
    assert again.returncode == 0 and "niets gewijzigd" in again.stdout
    assert _index_state(api, folder)["version"] == after["version"]

    # An explicit choice survives a re-ingest of the folder (the manifest has no entry: it would say intern).
    reingest = woonzorg(folder.env, cwd, "ingest", str(folder.pdfs), "--json")
    assert reingest.returncode == 0, reingest.stderr[-2000:]
    outcome = {o["file"]: o for o in json.loads(reingest.stdout)}
    assert {f: o["status"] for f, o in outcome.items()} == dict.fromkeys(LINES, "unchanged")
    assert outcome[NO_ENTRY]["access"] == "public" and "blijft" in outcome[NO_ENTRY]["message"]
    assert [o["embedded"] for o in outcome.values()] == [0, 0, 0]

    # Unknown document, unknown level: a Dutch error, a non-zero exit, nothing changed.
    unknown = woonzorg(folder.env, cwd, "access", "bestaat-niet.pdf", "intern", timeout=120)
    assert unknown.returncode != 0 and "Onbekend document: bestaat-niet.pdf" in unknown.stderr
    bad = woonzorg(folder.env, cwd, "access", NO_ENTRY, "geheim", timeout=120)
    assert bad.returncode != 0 and "Ongeldige toegang ‘geheim’: kies public of intern." in bad.stderr
    assert _partner_files(api) == {PUBLIC, NO_ENTRY}

    back = woonzorg(folder.env, cwd, "access", NO_ENTRY, "intern", timeout=120)
    assert back.returncode == 0, back.stderr
    _wait_for_partner(api, {PUBLIC})
    hits = api.get("/api/search", params={"q": "wooncoöperatie Kastanjehof"}, headers=auth("partner")).json()
    assert not _leaks(hits, (INTERN, NO_ENTRY), folder, "wooncoöperatie Kastanjehof")


def test_admin_route_changes_access(folder: Folder, api: httpx.Client) -> None:
    intern = folder.doc_ids[INTERN]
    path = f"/api/documents/{intern}"
    for role in ("partner", "staff"):
        r = api.patch(path, json={"access": "public"}, headers=auth(role))
        assert r.status_code == 403 and r.json()["detail"].startswith(f"Uw rol ({role}) mag dit niet"), r.text
    assert api.patch(path, json={"access": "public"}).status_code == 401
    r = api.patch(path, json={"access": "openbaar"}, headers=auth("admin"))
    assert r.status_code == 422 and r.json() == {"detail": "Ongeldige toegang ‘openbaar’: kies public of intern."}
    r = api.patch(path, json={"title": "x"}, headers=auth("admin"))
    assert r.status_code == 422 and r.json()["detail"].startswith("Ongeldige aanvraag")
    r = api.patch("/api/documents/0123456789abcdef", json={"access": "public"}, headers=auth("admin"))
    assert r.status_code == 404 and r.json() == {"detail": "Onbekend document: 0123456789abcdef."}
    assert _partner_files(api) == {PUBLIC}
    before = _index_state(api, folder)

    r = api.patch(path, json={"access": "public"}, headers=auth("admin"))
    assert r.status_code == 200, r.text
    assert r.json()["doc_id"] == intern and r.json()["access"] == "public"
    _wait_for_partner(api, {PUBLIC, INTERN})
    answer = _ask(api, "Wanneer start het vertrouwelijke pilotproject Zonnebloemhof?")
    assert {c["doc_id"] for c in answer["citations"]} == {intern}
    after = _index_state(api, folder)
    assert {k: v for k, v in after.items() if k != "version"} == {k: v for k, v in before.items() if k != "version"}
    entry = [e for e in AuditLog(folder.settings.audit_path).entries() if e.action == "access" and e.target == intern]
    assert entry and entry[-1].role == "admin"
    assert entry[-1].detail == {"file": INTERN, "old": "intern", "new": "public"}

    r = api.patch(path, json={"access": "intern"}, headers=auth("admin"))
    assert r.status_code == 200 and r.json()["access"] == "intern"
    _wait_for_partner(api, {PUBLIC})
    answer = _ask(api, "Wanneer start het vertrouwelijke pilotproject Zonnebloemhof?")
    assert answer["refused"] and not _leaks(answer, (INTERN, NO_ENTRY), folder, "")


def test_a_broken_folder_manifest_stops_the_ingest(tmp_path: Path, folder: Folder) -> None:
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    (pdfs / NO_ENTRY).write_bytes((folder.pdfs / NO_ENTRY).read_bytes())
    (pdfs / "manifest.json").write_text('{"documents": [{"file": "x.pdf", "access": "public",}]}', encoding="utf-8")
    settings = make_settings(tmp_path / "data")
    done = woonzorg(_env(settings), tmp_path, "ingest", str(pdfs))
    assert done.returncode == 2, done.stderr
    assert "geen leesbare manifest.json" in " ".join(done.stderr.split())
    registry = Registry(settings.registry_path)
    try:
        assert registry.documents() == []
    finally:
        registry.close()
