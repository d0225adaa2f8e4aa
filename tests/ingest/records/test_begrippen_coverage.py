"""Coverage audit of the glossary extractor against a hand-made list of the corpus' defined terms.

The list below was made by reading all five documents' stored page texts: every term
the text defines (begrippenlijsten and bijlagen, "X is/zijn …" and "X betekent …"
sentences, "(…)" explanations, "oftewel"/"zogenaamde"/"ook wel … genoemd" namings,
legends "X = …", footnotes "X: …", abbreviations, the aandachtsgroepen tables). A
term counts as found when a begrip of that file has the term (or it as an alias),
sits on one of the listed pages and its definition holds the listed snippet.

Left out on purpose (no definition, or the "definition" is a naming only): named
projects and organisations (De Klamp, Keerpunt Zuid, In Between Places, Onder de
Pannen, Het Juiste Thuis), "(cohesie)"/"(samenzorg)"-style one-word glosses after a
verb, programme descriptions ("Een thuis voor iedereen heeft als doel …").
"""

from __future__ import annotations

import json
from functools import cache

import pytest

from ingest.read.pdf import read_pdf
from ingest.records.begrippen import Begrip, extract_begrippen
from ingest.text.analysis import fold
from tests.conftest import CORPUS

HAND = "handreiking-regionaal-afgestemde-woonzorgvisie.pdf"
HB = "woonzorgvisie-heemskerk-beverwijk-raadsvoorstel-2025.pdf"
DIJK = "uitvoeringsplan-woonzorgvisie-dijk-en-waard-2025.pdf"
GOOI = "strategie-woonzorgopgave-gooi-en-vechtstreek-2025.pdf"
DSP = "regionale-woonzorgopgave-zuid-kennemerland-ijmond-2024.pdf"

# (file, term, pages where it is defined, a snippet of the definition)
TERMS: list[tuple[str, str, tuple[int, ...], str]] = [
    (HAND, "EHA", (5,), "Expertteam Huisvesting Aandachtsgroepen"),
    (HB, "IZA", (4,), "Integraal Zorgakkoord"),
    (HB, "GALA", (4,), "Gezond en Actief Leven Akkoord"),
    (HB, "WiMRA", (6,), "Wonen in de Metropool Regio Amsterdam"),
    (HB, "dubbele vergrijzing", (3,), "ouderen steeds ouder"),
    (DIJK, "IBK", (1,), "Integraal Beleidskader"),
    (DIJK, "Gebiedsgericht werken", (2,), "buiten onze bestaande structuren"),
    (DIJK, "aandachtsgroepen", (2,), "specifieke woonvraag"),
    (DIJK, "empty nest woningen", (2,), "te groot"),
    (DIJK, "geclusterde woningen", (2,), "min. 5"),
    (DIJK, "Gemengde woonvormen", (5,), "multi-generatie woningen"),
    (DIJK, "woonzorgcirkels", (6,), "clusters van woningen"),
    (DIJK, "Community Building", (6,), "gemeenschapsvorming"),
    (DIJK, "IKOC", (7,), "Integraal Kind- en Ouder Centrum"),
    (DIJK, "PACT afspraken", (8,), "uitstroom aandachtsgroepen naar zelfstandig wonen"),
    (DIJK, "Toegankelijkheid", (11,), "breed thema"),
    (DIJK, "SVNK", (11,), "Sociale Verhuurders Noord-Kennemerland"),
    (DIJK, "wooncoaches", (11,), "ouderenadviseurs"),
    (GOOI, "IZA", (1,), "Integraal Zorg Akkoord"),
    (GOOI, "GALA", (1,), "Gezond en Actief Leven"),
    (GOOI, "WVRV", (1,), "Versterking Regie Volkshuisvesting"),
    (GOOI, "WOZO", (2,), "Wonen Ondersteuning en Zorg voor Ouderen"),
    (GOOI, "GezondGooi", (2,), "regionale vertaling van IZA"),
    (GOOI, "Lang Leven Thuisflats", (8,), "woningcomplexen die geschikt zijn"),
    (GOOI, "inclusieve samenleving", (13,), "alle groepen mensen"),
    (GOOI, "sociale basis", (13,), "vrij toegankelijke formele en informele activiteiten"),
    (GOOI, "S+M app", (24,), "appartementen in sociaal en betaalbaar segment"),
    (GOOI, "B&O", (25,), "Bescherming en Opvang"),
    (GOOI, "HMD", (25,), "Huisvesting Maatschappelijke Doelgroepen"),
    (GOOI, "HOV", (25,), "Huren Onder Voorwaarden"),
    (GOOI, "Skaeve Huse", (25,), "bijzondere woonvorm"),
    (GOOI, "Wmo", (26,), "Wet maatschappelijke ondersteuning"),
    (GOOI, "Wlz", (26,), "Wet langdurige zorg"),
    (GOOI, "scheiden wonen en zorg", (26,), "zorgvrager een appartement huurt"),
    # DSP rapport — Bijlage 1: Begripsbepalingen BZK
    (DSP, "Woningzoekenden die uitstromen uit een beschermd wonen instelling", (26,), "voorziening voor beschermd"),
    (
        DSP,
        "Woningzoekenden die uitstromen uit instellingen voor klinische geestelijke gezondheidszorg",
        (26,),
        "geneeskundige geestelijke zorg",
    ),
    (
        DSP,
        "Woningzoekenden die uitstromen uit de vrouwenopvang en opvang voor slachtoffers van mensenhandel",
        (26,),
        "huiselijk geweld",
    ),
    (DSP, "Woningzoekenden die uitstromen uit detentie en forensische zorg", (26,), "penitentiaire inrichting"),
    (DSP, "Stoppende sekswerkers", (26,), "duurzaam stoppen met sekswerk"),
    (DSP, "Mantelzorgers en mantelzorgontvangers", (26,), "karakter van de mantelzorg"),
    (
        DSP,
        "Mensen met een lichamelijke, verstandelijke of zintuigelijke beperking of psychische kwetsbaarheid en "
        "rolstoelafhankelijken",
        (27,),
        "chronische medische redenen",
    ),
    (DSP, "(Dreigend) dakloze mensen", (27,), "buitenslapen"),
    (DSP, "Woningzoekenden die uitstromen uit de Jeugdhulp met verblijf en pleegzorg", (27,), "achttien jaar"),
    (DSP, "Arbeidsmigranten", (27,), "lidstaat van de EU"),
    (DSP, "Woningzoekende studenten", (28,), "voltijds is ingeschreven"),
    (DSP, "Woonwagenbewoners", (28,), "culturele identiteit"),
    (DSP, "Woningzoekende ouderen", (28,), "65 jaar en ouder"),
    (DSP, "Wettelijke taakstelling vergunninghouders", (28,), "verblijfsvergunning"),
    # DSP rapport — the Rijk's woningtypen (bijlage 4)
    (DSP, "Nultredenwoningen", (46,), "intern als extern toegankelijk"),
    (DSP, "Geclusterde woonvormen", (47,), "hofjeswoningen"),
    (DSP, "Zorggeschikte woningen", (47,), "WLZ-zorg"),
    (DSP, "zorggeschikte woningen", (15,), "intensieve zorg aan huis"),
    # DSP rapport — aandachtsgroepen tables
    (DSP, "Mensen met psychische kwetsbaarheid", (8,), "wonen met begeleiding"),
    (DSP, "(Dreigend) dakloze mensen", (8,), "thuissituatie hebben verlaten"),
    (DSP, "Jeugdigen/ jongeren met zorg met verblijfbehoefte", (8,), "jeugdhulp met verblijf"),
    (DSP, "Ouderen", (8, 44), "65 jaar en ouder"),
    (DSP, "Mensen met psychische kwetsbaarheid en (dreigend) dakloze mensen", (33,), "wonen met begeleiding"),
    # DSP rapport — in the running text
    (DSP, "economisch dakloze mensen", (8,), "financiële tegenslag"),
    (DSP, "fair share", (5,), "realisatie van de opgave"),
    (DSP, "kleinschalige woonvormen", (11,), "geclusterde eenheden"),
    (DSP, "beschermd thuis geclusterd", (12, 13, 37), "beschut wonen"),
    (DSP, "dubbele vergrijzing", (15,), "steeds ouder"),
    (DSP, "community building", (19,), "opbouwwerk"),
    (DSP, "doordecentralisatie", (29,), "iedere individuele gemeente"),
    (DSP, "treeknorm", (35, 45), "aanvaardbare wachttijden"),
    (DSP, "moederhuis", (41,), "4 tot 6 jeugdigen"),
    (DSP, "VG7+", (43,), "Verblijf zwaar"),
    (DSP, "re-ablement", (44,), "zelfregie"),
    (DSP, "Mantelzorgpotentieel", (45,), "ratio 50-64"),
    (DSP, "BW", (4,), "beschermd wonen"),
    (DSP, "MO", (4,), "maatschappelijke opvang"),
    (DSP, "MRA", (5,), "Metropool Regio Amsterdam"),
    (DSP, "VPT", (15, 46), "Volledig Pakket Thuis"),
    (DSP, "VG", (22,), "Verstandelijk Gehandicapt"),
    (DSP, "IZA", (30,), "Integraal Zorg Akkoord"),
    (DSP, "GALA", (30,), "Gezond en Actief Leven Akkoord"),
    (DSP, "LVB", (42,), "licht verstandelijke beperking"),
    (DSP, "Wlz", (43,), "Wet langdurige zorg"),
    (DSP, "DSP-groep", (57,), "onafhankelijk bureau"),
]

# The extractor must find at least this share of TERMS (issue 4: ≥ 90%).
MIN_COVERAGE = 0.9


def _key(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


@cache
def _begrippen() -> tuple[Begrip, ...]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    found: list[Begrip] = []
    for doc in manifest["documents"]:
        found += extract_begrippen(read_pdf(CORPUS / doc["file"]).pages, doc["file"], doc["title"])
    return tuple(found)


def matches(b: Begrip, file: str, term: str, pages: tuple[int, ...], snippet: str) -> bool:
    names = {_key(b.term), *(_key(a) for a in b.aliases)}
    return (
        b.file == file
        and _key(term) in names
        and b.page in pages
        and " ".join(fold(snippet).split()) in " ".join(fold(b.definition).split())
    )


def coverage(begrippen: tuple[Begrip, ...]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(found, missing) as (file, term) pairs."""
    found: list[tuple[str, str]] = []
    missing: list[tuple[str, str]] = []
    for file, term, pages, snippet in TERMS:
        hit = any(matches(b, file, term, pages, snippet) for b in begrippen)
        (found if hit else missing).append((file, term))
    return found, missing


def test_list_has_no_duplicates() -> None:
    keys = [(f, t, p) for f, t, p, _ in TERMS]
    assert len(keys) == len(set(keys))


def test_coverage_of_the_hand_made_list() -> None:
    found, missing = coverage(_begrippen())
    assert len(found) / len(TERMS) >= MIN_COVERAGE, f"{len(found)}/{len(TERMS)} found; missing: {missing}"


@pytest.mark.parametrize(
    ("file", "term", "page", "snippet"),
    [
        (HB, "dubbele vergrijzing", 3, "ook worden ouderen steeds ouder"),
        (DIJK, "empty nest woningen", 2, "te groot zijn"),
        (DIJK, "Community Building", 6, "gemeenschapsvorming"),
        (GOOI, "sociale basis", 13, "vrij toegankelijke formele en informele activiteiten"),
        (DSP, "treeknorm", 35, "afspraken gemaakt over aanvaardbare wachttijden"),
        (DSP, "economisch dakloze mensen", 8, "vanwege financiële tegenslag"),
        (DSP, "fair share", 5, "de realisatie van de opgave voor kwetsbare mensen"),
        (GOOI, "S+M app", 24, "appartementen in sociaal en betaalbaar segment"),
    ],
)
def test_new_definition_forms(file: str, term: str, page: int, snippet: str) -> None:
    assert any(matches(b, file, term, (page,), snippet) for b in _begrippen()), term


def test_hov_long_form_has_no_trailing_word() -> None:
    [hov] = [b for b in _begrippen() if b.file == GOOI and b.term == "HOV"]
    assert hov.definition == "Huren Onder Voorwaarden"


@pytest.mark.parametrize(
    "junk",
    ["Dit", "Dat", "regionale verplichting", "behoefte ouderen", "koploperregio’s", "onomkeerbare verpleeghuisplekken"],
)
def test_no_junk_terms(junk: str) -> None:
    assert not [b for b in _begrippen() if _key(b.term) == _key(junk)], junk
