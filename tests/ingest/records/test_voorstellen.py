"""The numbered proposals of the Zuid-Kennemerland/IJmond report parse into 11 checked records.

Expected values were read off the stored page texts (pages 19-25) by hand: each
"Voorstel N" box sits at the end of its page, after the running text.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import pytest

from ingest.read.pdf import read_pdf
from ingest.records.voorstellen import Voorstel, check_count, expected_count, parse_voorstellen
from tests.conftest import CORPUS

FILE = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"

# nr → (page, section heading it belongs to, start of its text)
EXPECTED: dict[int, tuple[int, str, str]] = {
    1: (19, "4.1.1 Intensieve zorg (geclusterd) aan huis", "Om zorg te aan huis vanuit de zorgverleners"),
    2: (19, "4.1.2 Beperking instroom (GGZ-)voorzieningen", "• In regionale aanbestedingen"),
    3: (20, "4.2.1 Sociale basis in regiogemeenten", "Gemeenten werken lokaal met partners"),
    4: (21, "4.3.1 Voldoende zelfstandige huisvesting voor alle aandachtsgroepen", "We zetten betekenisvolle stappen"),
    5: (22, "4.3.2 Toewijzing van woningen aan aandachtsgroepen", "• Op grond van de evaluatie van het Pact"),
    6: (23, "4.4 Komen tot verdeling regionale voorzieningen", "• Voor een spreiding in de regio"),
    7: (23, "4.4.1 Opgaven maatschappelijke opvang en beschermd wonen", "In 2024 wordt concreet in beeld gebracht"),
    8: (24, "4.5 Ontwikkeling van nieuwe woonconcepten", "In 2024 wordt gemengde wonenconcept"),
    9: (24, "4.6 Slagvaardig lokale plannen realiseren", "We betrekken op lokaal niveau de zorgaanbieders"),
    10: (25, "4.7 Volgen van ontwikkelingen: governance, monitoring en kennisdeling", "• De uitgangspunten werken we"),
    11: (25, "4.7.1 Beschermd wonen en maatschappelijke opvang", "We stellen een Bestuurlijke Stuurgroep in"),
}


def _ws(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pages() -> list[str]:
    return read_pdf(CORPUS / FILE).pages


@pytest.fixture(scope="module")
def records(pages: list[str]) -> list[Voorstel]:
    return parse_voorstellen(pages, FILE)


def test_eleven_proposals_in_order(records: list[Voorstel]) -> None:
    assert [r.nr for r in records] == list(range(1, 12))
    assert all(r.file == FILE for r in records)
    assert check_count(records, None) == []


@pytest.mark.parametrize(("nr", "page", "thema", "start"), [(k, *v) for k, v in EXPECTED.items()])
def test_page_section_and_text(records: list[Voorstel], nr: int, page: int, thema: str, start: str) -> None:
    r = records[nr - 1]
    assert (r.page, r.thema) == (page, thema)
    assert r.section.endswith(thema) and r.section.startswith("4 Uitgangspunten regionale aanpak")
    assert r.tekst.startswith(start)
    # Boxes stand apart from the running text: how the section was found is on record.
    assert any("kader" in note for note in r.uncertain)


def test_text_stops_at_the_box_end(records: list[Voorstel]) -> None:
    # Voorstel 2 is the last box on p. 19; p. 20 opens with running text of 4.2.1, not with Voorstel 2.
    assert records[1].tekst.endswith("tijdens de lokale planvorming.")
    assert "wijkbewoners" not in records[1].tekst
    assert records[0].tekst.endswith("afstemming binnen de regio.") and "Voorstel 2" not in records[0].tekst
    assert records[10].tekst.endswith("evenals gemeente Haarlemmermeer.")
    assert "Bijlage 1" not in records[10].tekst


def test_bullet_items(records: list[Voorstel]) -> None:
    assert [len(r.items) for r in records] == [0, 3, 0, 0, 2, 2, 0, 0, 0, 3, 0]
    assert records[9].items[2] == (
        "Jaarlijks bespreken we de voortgang en mogelijke regionale vervolgacties in portefeuillehoudersoverleg "
        "Volkshuisvesting en Sociaal Domein."
    )


def test_quotes_are_verbatim_and_start_at_the_heading(pages: list[str], records: list[Voorstel]) -> None:
    for r in records:
        assert r.quote.startswith(f"Voorstel {r.nr}\n"), r.nr
        assert _ws(r.quote) in _ws(pages[r.page - 1]), r.nr
        assert _ws(r.quote).endswith(r.tekst[-30:]), r.nr


def test_count_check_reports_gaps_repeats_and_announced_totals(
    records: list[Voorstel], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ingest.records.voorstellen"):
        problems = check_count([r for r in records if r.nr != 5], 11)
    assert problems == ["document noemt 11 voorstellen, parser vond 10", "ontbrekende voorstelnummers: 5"]
    assert sum("telling klopt niet" in rec.getMessage() for rec in caplog.records) == 2
    assert check_count([*records, replace(records[2])], None) == ["dubbele voorstelnummers: 3"]


def test_expected_count_reads_words_and_digits(pages: list[str]) -> None:
    assert expected_count(pages) is None  # the report does not count its own proposals
    assert expected_count(["Hoofdstuk 4 bevat elf voorstellen."]) == 11
    assert expected_count(["We doen 3 concrete voorstellen."]) == 3


def test_inline_proposal_keeps_its_own_section() -> None:
    text = (
        "1 Aanpak\nDe regio werkt samen aan de opgave van vandaag.\nVoorstel 1: Samen bouwen\n"
        "We bouwen samen meer woningen voor ouderen in de regio.\n2 Uitvoering\n"
        "De gemeenten voeren het plan uit met alle partners samen.\n"
    )
    [r] = parse_voorstellen([text], "x.pdf")
    assert (r.nr, r.titel, r.thema) == (1, "Samen bouwen", "1 Aanpak")
    assert r.tekst == "We bouwen samen meer woningen voor ouderen in de regio."
    assert not any("kader" in note for note in r.uncertain)


def test_unfinished_box_at_page_end_is_flagged() -> None:
    [r] = parse_voorstellen(["1 Inleiding\nLopende tekst van de pagina.\nVoorstel 1\nWe zetten in op", "vervolg"], "x")
    assert any("loopt mogelijk door op p. 2" in note for note in r.uncertain)


def test_documents_without_proposals() -> None:
    other = "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"
    assert parse_voorstellen(read_pdf(CORPUS / other).pages, other) == []


def test_ingest_stores_proposals(corpus_ingest: tuple[Any, Any]) -> None:
    settings, _ = corpus_ingest
    from ingest.store.registry import Registry

    registry = Registry(settings.registry_path)
    stored = [r for _, r in registry.records("voorstel")]
    assert [r["nr"] for r in stored] == list(range(1, 12)) and {r["file"] for r in stored} == {FILE}
    warnings = [w for d in registry.documents() for w in d.warnings]
    assert not any(w.startswith("voorstellen:") for w in warnings), warnings
