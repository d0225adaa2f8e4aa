"""Glossary extraction over the real corpus: definitions, scopes, lookup variants and differences.

Expected values were read off the stored page texts by hand.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest

from ingest.read.chunking import dehyphenate
from ingest.read.pdf import read_pdf
from ingest.records.begrippen import Begrip, differences, extract_begrippen, lookup
from tests.conftest import CORPUS

DSP = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"
DIJK = "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"
GOOI = "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"


def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@cache
def _pages(file: str) -> tuple[str, ...]:
    return tuple(read_pdf(CORPUS / file).pages)


@cache
def _all() -> tuple[Begrip, ...]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    found: list[Begrip] = []
    for doc in manifest["documents"]:
        found += extract_begrippen(list(_pages(doc["file"])), doc["file"], doc["title"])
    return tuple(found)


@pytest.fixture(scope="module")
def begrippen() -> list[Begrip]:
    return list(_all())


@pytest.mark.parametrize(
    ("term", "page", "snippet"),
    [
        ("Nultredenwoningen", 46, "zowel intern als extern toegankelijk"),
        ("Geclusterde woonvormen", 47, "hofjeswoningen, serviceflats en seniorenflats"),
        ("Zorggeschikte woningen", 47, "WLZ-zorg geleverd wordt"),
    ],
)
def test_rijk_woningtypen(begrippen: list[Begrip], term: str, page: int, snippet: str) -> None:
    [b] = [b for b in begrippen if b.term == term and b.file == DSP and b.kind == "begrippenlijst"]
    assert b.page == page
    assert "BZK" in b.scope or "Rijk" in b.scope
    assert snippet in b.definition
    assert b.quote.startswith(term)


def test_geclusterd_definition_keeps_the_scale(begrippen: list[Begrip]) -> None:
    [b] = [b for b in begrippen if b.term == "Geclusterde woonvormen" and b.file == DSP]
    assert "minimaal 12 woningen" in b.definition
    assert "Zorggeschikte" not in b.definition  # stops at the next heading


def test_bzk_begrippenlijst(begrippen: list[Begrip]) -> None:
    bijlage = [b for b in begrippen if b.file == DSP and b.scope == "BZK (concept, juni 2023)"]
    terms = {b.term for b in bijlage}
    assert {
        "Stoppende sekswerkers",
        "Woningzoekende ouderen",
        "Wettelijke taakstelling vergunninghouders",  # term broken over two lines
        "Arbeidsmigranten",
    } <= terms
    [ouderen] = [b for b in bijlage if b.term == "Woningzoekende ouderen"]
    assert ouderen.definition == "Woningzoekenden van 65 jaar en ouder."
    assert ouderen.page == 28
    [arbeid] = [b for b in bijlage if b.term == "Arbeidsmigranten"]
    assert arbeid.definition.startswith("Onderdaan van een andere lidstaat van de EU")
    assert arbeid.uncertain  # term on p. 27, definition on p. 28


def test_aandachtsgroepen_table(begrippen: list[Begrip]) -> None:
    table = {b.term: b for b in begrippen if b.file == DSP and b.page == 8 and b.kind == "begrippenlijst"}
    assert "Mensen met psychische kwetsbaarheid" in table
    assert table["Ouderen"].definition == "• Ouderen van 65 jaar en ouder"
    assert "10 Voor de begripsbepaling" not in table["Ouderen"].definition  # footnote ends the table


def test_dijk_en_waard_aandachtsgroepen(begrippen: list[Begrip]) -> None:
    [b] = [b for b in begrippen if b.file == DIJK and b.term == "aandachtsgroepen"]
    assert b.page == 2 and b.kind == "definitiezin"
    assert b.definition.startswith("mensen met een specifieke woonvraag")
    assert b.scope == "Uitvoeringsplan Woonzorgvisie Dijk en Waard"


def test_dijk_en_waard_geclusterd_parenthesis_across_pages(begrippen: list[Begrip]) -> None:
    [b] = [b for b in begrippen if b.file == DIJK and b.term == "geclusterde woningen"]
    assert b.kind == "toelichting" and b.page == 2
    assert "min. 5" in b.definition and "ontmoetingsruimte op loopafstand" in b.definition
    assert any("pagina 3" in note for note in b.uncertain)


@pytest.mark.parametrize("query", ["nul-treden woning", "0-treden woningen", "nultredenwoning", "Nultredenwoningen"])
def test_lookup_nultreden_variants(begrippen: list[Begrip], query: str) -> None:
    hits = lookup(begrippen, query)
    assert hits and hits[0].term == "Nultredenwoningen" and hits[0].page == 46


def test_lookup_abbreviation(begrippen: list[Begrip]) -> None:
    # "Wet langdurige zorg (Wlz)" is spelled out in the DSP report and the Gooi strategy.
    hits = lookup(begrippen, "Wlz")
    assert hits[0].kind == "afkorting" and hits[0].definition == "Wet langdurige zorg"
    assert {h.file for h in hits if h.kind == "afkorting"} >= {DSP, GOOI}
    assert lookup(begrippen, "Wet langdurige zorg")[0].term == "Wlz"
    # "Volledig Pakket Thuis (VPT), oftewel verpleeghuiszorg aan huis" is a definition of its own, linked to VPT.
    best = lookup(begrippen, "Volledig Pakket Thuis")[0]
    assert "VPT" in {best.term, *best.aliases}


def test_differences_geclusterd(begrippen: list[Begrip]) -> None:
    hits = lookup(begrippen, "geclusterd")
    rijk = next(b for b in hits if b.file == DSP and b.term == "Geclusterde woonvormen")
    dijk = next(b for b in hits if b.file == DIJK and b.term == "geclusterde woningen")
    [note] = differences([rijk, dijk])
    assert "minimaal 12" in note and "min. 5" in note
    assert differences([rijk, rijk]) == []


def test_every_quote_on_its_page_and_nothing_empty(begrippen: list[Begrip]) -> None:
    assert begrippen
    for b in begrippen:
        assert b.term.strip() and b.definition.strip(), b
        assert _ws(b.quote) in _ws(_pages(b.file)[b.page - 1]), b
        assert b.kind in {"begrippenlijst", "definitiezin", "afkorting", "toelichting"}


def test_quote_contains_term_and_definition_start(begrippen: list[Begrip]) -> None:
    for b in begrippen:
        if b.uncertain or (b.kind == "begrippenlijst" and b.page == 8):
            continue
        name = b.definition if b.kind == "afkorting" else b.term
        # Terms are de-hyphenated ("re-\nablement" → "re-ablement"); so is the quote for this check.
        assert _ws(name.split()[0]).lower() in _ws(dehyphenate(b.quote)).lower(), b
