"""Column headers and labels → record fields: a small synonym table plus similarity for unseen labels.

Documents name the same thing in many ways ("Trekker", "Wie", "Verantwoordelijk", "Eigenaar");
a label is mapped to a field when it is a known synonym, contains one as a word ("Betrokken
partijen", "Doel (wat)"), or is spelled closely enough to one ("Tijdpad", "Verantwoordelijke").
"""

from __future__ import annotations

import difflib
import re
import unicodedata

# field → synonyms (lowercase, no accents). Order matters only for ties in `contains`.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("nr", "nummer", "no", "id", "code", "#", "kenmerk actie"),
    "maatregel": (
        "maatregel",
        "maatregelen",
        "actie",
        "acties",
        "wat",
        "omschrijving",
        "activiteit",
        "activiteiten",
        "actiepunt",
        "actiepunten",
        "project",
        "projecten",
        "hoe",
        "wat gaan we doen",
        "inzet",
        "interventie",
    ),
    "doel": (
        "doel",
        "doelen",
        "doelstelling",
        "thema",
        "ambitie",
        "opgave",
        "actielijn",
        "speerpunt",
        "pijler",
        "opgave/doel",
    ),
    "trekker": (
        "trekker",
        "wie",
        "verantwoordelijk",
        "verantwoordelijke",
        "eigenaar",
        "lead",
        "penvoerder",
        "kartrekker",
        "uitvoerder",
        "regie",
        "regiehouder",
        "trekker/eigenaar",
        "wie trekt",
        "aanspreekpunt",
        "verantwoordelijke partij",
    ),
    "betrokken": (
        "betrokken",
        "met wie",
        "partners",
        "partner",
        "samenwerkingspartners",
        "betrokken partijen",
        "partijen",
        "samen met",
        "in samenwerking met",
        "betrokkenen",
        "stakeholders",
        "overige partijen",
        "wie nog meer",
    ),
    "tijdspad": (
        "planning",
        "wanneer",
        "tijdspad",
        "tijdpad",
        "looptijd",
        "termijn",
        "periode",
        "tijdlijn",
        "gereed",
        "deadline",
        "start",
        "jaar",
        "uitvoering",
        "wanneer klaar",
        "doorlooptijd",
        "tijdsplanning",
    ),
    "status": ("status", "stand van zaken", "waar staan we nu", "voortgang", "stand", "stand van zaken per"),
    "budget": ("budget", "kosten", "middelen", "financiering", "dekking", "begroting"),
}
# The fields that make a row a measure rather than any table: who does it, or when, or with whom.
ACTION_FIELDS = ("trekker", "tijdspad", "betrokken")

_DEFINITION_HEADERS = {
    "term": ("begrip", "begrippen", "term", "termen", "woord", "afkorting", "afkortingen", "naam"),
    "definition": (
        "omschrijving",
        "definitie",
        "betekenis",
        "uitleg",
        "toelichting",
        "wat verstaan we eronder",
        "verklaring",
    ),
}


def normalise_label(label: str) -> str:
    text = unicodedata.normalize("NFKD", label.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\(.*?\)", " ", text)
    text = re.sub(r"[^\w/# -]+", " ", text)
    return " ".join(text.split())


def _match(label: str, table: dict[str, tuple[str, ...]], cutoff: float) -> str | None:
    norm = normalise_label(label)
    if not norm or len(norm) > 40:
        return None
    for field, names in table.items():
        if norm in names:
            return field
    words = set(norm.replace("/", " ").split())
    for field, names in table.items():
        if any(" " not in n and n in words and len(n) > 2 for n in names) or any(" " in n and n in norm for n in names):
            return field
    best, score = None, 0.0
    for field, names in table.items():
        for n in names:
            r = difflib.SequenceMatcher(None, norm, n).ratio()
            if r > score:
                best, score = field, r
    return best if score >= cutoff else None


def field_for(label: str, cutoff: float = 0.84) -> str | None:
    """The measure field a header or label names, or None."""
    return _match(label, SYNONYMS, cutoff)


def definition_column(label: str) -> str | None:
    """'term' or 'definition' for a glossary table's header, else None."""
    return _match(label, _DEFINITION_HEADERS, 0.86)
